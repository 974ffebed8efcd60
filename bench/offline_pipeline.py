"""The whole offline path for one report, in-process: data → checks → offline draft → .docx.

Usage: .venv/bin/python bench/offline_pipeline.py [--runs 50] [--write bench/results/offline_pipeline.md]
design.md §5 asks for well under 150 ms per report, so that a batch of a thousand agencies takes
minutes on two cores. Each run starts from the parsed data file's text (so parsing is counted),
checks it, drafts every section with the offline drafter, applies the draft and builds the .docx.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish

from draftbot.checks import check_report
from draftbot.config import load_settings
from draftbot.datafile import parse_report
from draftbot.drafting import apply_draft, draft_report
from draftbot.word import build_docx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("seed-2022.yaml", "busy-2023.yaml")
TARGET_MS = 150.0


def one_report(text: str, source: str, settings) -> int:
    report = parse_report(text, source)
    check_report(report)
    drafted = apply_draft(report, draft_report(report, settings, offline=True))
    check_report(drafted)
    return len(build_docx(drafted).data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    settings = load_settings()  # drafting is forced offline below
    rows = []
    for name in EXAMPLES:
        path = ROOT / "examples" / name
        text = path.read_text(encoding="utf-8")
        start = time.perf_counter()
        one_report(text, str(path), settings)
        first = (time.perf_counter() - start) * 1000
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            one_report(text, str(path), settings)
            samples.append((time.perf_counter() - start) * 1000)
        rows.append((name, statistics.median(samples), max(samples), first))
    lines = [
        "# Offline pipeline: data → checks → offline draft → .docx (in-process)",
        "",
        f"Command: `.venv/bin/python bench/offline_pipeline.py --runs {args.runs}`  ",
        f"Machine: {machine_line()}",
        "",
        f"| example | median ms ({args.runs} runs) | max ms | first call ms |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| `{n}` | {m:.1f} | {mx:.1f} | {f:.1f} |" for n, m, mx, f in rows]
    worst = max(m for _, m, _, _ in rows)
    lines += [
        "",
        f"Target: well under {TARGET_MS:.0f} ms per report (design.md §5). At the slower median "
        f"({worst:.0f} ms), 1,000 reports take about {worst:.0f} s on one core.",
        "The first call includes loading templates, prompts and python-docx's default document.",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
