"""Describe the machine a benchmark ran on (for the recorded results)."""

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
