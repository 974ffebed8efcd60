"""Shared by the benchmarks: the machine they ran on, and printing or recording results."""

from __future__ import annotations

import os
import platform
import sys
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
