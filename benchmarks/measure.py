"""Wall time and peak memory of one command, measured in a child process (shared by the benchmark scripts)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

# Runs the command and reports its wall time and the peak resident memory of the largest process under it
# (ru_maxrss of RUSAGE_CHILDREN covers every descendant that was waited for; Linux gives it in KiB).
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
status = subprocess.call(sys.argv[1:])
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
figures = {"status": status, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kib": usage.ru_maxrss}
print(json.dumps(figures), file=sys.stderr)
"""


@dataclass
class Measure:
    name: str
    wall: float  # seconds
    cpu: float  # seconds of CPU (user + system) of every process under the command: on a busy machine, a
    # command of several processes gets more of the CPU than one of a single process
    peak_mib: float

    def rate(self, records: int) -> float:
        return records / self.wall if self.wall else float("inf")


def measure(name: str, command: list[str], log=None) -> Measure:
    """Run `command`; its stdout goes to `log` (or nowhere), its stderr is kept for an error message."""
    result = subprocess.run([sys.executable, "-c", _WRAPPER, *command], stdout=log or subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    lines = result.stderr.strip().splitlines()
    figures = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {"status": result.returncode}
    if result.returncode or figures["status"]:
        sys.exit(f"{name} failed ({' '.join(command)}):\n" + "\n".join(lines[-20:]))
    return Measure(name, figures["wall"], figures["cpu"], figures["peak_kib"] / 1024)


def python_step(code: str, *args: str) -> list[str]:
    """A command that runs `code` in a fresh interpreter (sys.argv[1:] = args)."""
    return [sys.executable, "-c", code, *args]


def show(measures: list[Measure], records: int) -> None:
    width = max(len(m.name) for m in measures)
    for m in measures:
        print(f"  {m.name:<{width}}  {m.wall:9.2f} s  {m.rate(records):12,.0f} records/s  CPU {m.cpu:9.2f} s  "
              f"peak {m.peak_mib:8.1f} MiB")  # fmt: skip
