"""report.pdf for the record: the HTML report laid out for print by WeasyPrint, fetching nothing."""

from __future__ import annotations

from pathlib import Path

from rarevar.base.atomic import write_bytes_atomic


def write_pdf(html: str, path: str | Path) -> None:
    """`html` is the rendered report; only data: URLs may be resolved, so the PDF cannot pull anything in."""
    import weasyprint

    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    pdf = weasyprint.HTML(string=html, base_url=str(Path(path).parent), url_fetcher=fetcher).write_pdf()
    write_bytes_atomic(path, pdf)
