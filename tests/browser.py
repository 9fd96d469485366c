"""A real headless browser for the report tests: Debian's Chromium driven by Playwright (nothing downloaded).

Also a command to look at a report: `python -m tests.browser results/DEMO1/report.html report.png`.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
# Without these, Chromium phones home at start (updates, sync, safe browsing) and the network is closed here.
QUIET = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps"]  # fmt: skip


def chromium_path() -> str:
    for name in CHROMIUM:
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError("no Chromium on PATH: install Debian's package `chromium` (make test does it as root)")


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=QUIET)
        try:
            yield instance
        finally:
            instance.close()


def screenshot(report: Path, out: Path) -> None:
    with browser() as instance:
        page = instance.new_page(viewport={"width": 1280, "height": 900})
        page.goto(report.resolve().as_uri())
        page.screenshot(path=str(out), full_page=True)


if __name__ == "__main__":
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"screenshot of {sys.argv[1]} written to {sys.argv[2]}")
