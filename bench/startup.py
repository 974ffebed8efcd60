"""Start-up time of `draftbot --help` and `draftbot check`, against a bare interpreter.

Usage: .venv/bin/python bench/startup.py [--runs 21] [--write bench/results/startup.md]
The machine is shared and noisy: we report medians and the ratio to `python -c pass`
measured in the same run. Goals (issue 19): `draftbot --help` ≤ 6 × `python -c pass`;
`draftbot check FILE` ≤ 250 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish

ROOT = Path(__file__).resolve().parent.parent
DRAFTBOT = [sys.executable, "-m", "draftbot"]
CASES = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "draftbot --help": [*DRAFTBOT, "--help"],
    "draftbot check examples/busy-2023.yaml": [*DRAFTBOT, "check", "examples/busy-2023.yaml"],
}


def time_command(argv: list[str], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    medians = {}
    for name, argv in CASES.items():
        medians[name] = statistics.median(time_command(argv, args.runs))
    base = medians["python -c pass (baseline)"]
    help_ms = medians["draftbot --help"]
    check_ms = medians["draftbot check examples/busy-2023.yaml"]
    bytecode = "off (PYTHONDONTWRITEBYTECODE)" if sys.flags.dont_write_bytecode else "on"
    lines = [
        "# Start-up time",
        "",
        f"Command: `.venv/bin/python bench/startup.py --runs {args.runs}`  ",
        f"Machine: {machine_line()}; 1-minute load average before the run {load:.1f}; "
        f"bytecode caching {bytecode}",
        "",
        "| command | median ms | × baseline |",
        "|---|---:|---:|",
    ]
    lines += [f"| `{name}` | {ms:.0f} | {ms / base:.1f} |" for name, ms in medians.items()]
    lines += [
        "",
        "| goal | result | ratio to goal |",
        "|---|---:|---:|",
        f"| `draftbot --help` ≤ 6 × baseline | {help_ms / base:.1f} × | {help_ms / base / 6:.2f} |",
        f"| `draftbot check` ≤ 250 ms | {check_ms:.0f} ms | {check_ms / 250:.2f} |",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
