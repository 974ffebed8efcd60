"""Shared by the benchmarks: the machine they ran on, and printing or recording results."""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path


def machine_line() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, "
        f"Python {sys.version.split()[0]}"
    )


def publish(lines: list[str], path: Path | None) -> None:
    """Print a results page and, when asked, record it (bench/results/…)."""
    text = "\n".join(lines) + "\n"
    print(text)
    if path is not None:
        path.write_text(text, encoding="utf-8")


def time_calls(call: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    """Time `call`: the first (cold) call, then `runs` more; both in milliseconds."""
    start = time.perf_counter()
    call()
    cold = (time.perf_counter() - start) * 1000
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return cold, samples
