"""Reading a data file: the fast read path (libyaml) against the round-trip reader (ruamel).

Usage: .venv/bin/python bench/datafile_read.py [--reads 200] [--write bench/results/datafile_read.md]
Goal (issue 16): batch and import read data files at least 5 times faster than the round-trip
reader (the whole batch of 1,000 reports in ≤ 60 s is bench/batch.py), with identical data
and messages (tests/test_datafile_fast.py). Both paths are timed in this one run, on every
example file, interleaved so that machine load hits both alike; medians per read.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish

from draftbot import datafile
from draftbot.datafile import parse_report

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 5.0


def _timed(text: str, fast: bool) -> float:
    saved = datafile._fast_yaml
    if not fast:
        datafile._fast_yaml = lambda _text: None  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        parse_report(text, "bench.yaml")
        return time.perf_counter() - start
    finally:
        datafile._fast_yaml = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    files = [p for p in sorted((ROOT / "examples").glob("*.yaml")) if p.name != "errors-2020.yaml"]
    lines = [
        "# Reading a data file: fast path against the round-trip reader",
        "",
        f"Command: `.venv/bin/python bench/datafile_read.py --reads {args.reads}`  ",
        f"Machine: {machine_line()}",
        "",
        "| file | round-trip ms (median) | fast ms (median) | ratio |",
        "|---|---:|---:|---:|",
    ]
    ratios = []
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        slow, fast = [], []
        for _ in range(args.reads):
            slow.append(_timed(text, fast=False))
            fast.append(_timed(text, fast=True))
        s, f = statistics.median(slow) * 1000, statistics.median(fast) * 1000
        ratios.append(s / f)
        lines.append(f"| {path.name} | {s:.2f} | {f:.2f} | {s / f:.1f} |")
    worst = min(ratios)
    lines += [
        "",
        f"Goal: the fast path ≥ {GOAL_RATIO:.0f}× faster (parse and validate, per file). "
        f"Smallest ratio {worst:.1f} → {'met' if worst >= GOAL_RATIO else 'NOT met'}.",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
