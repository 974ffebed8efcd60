"""In-process speed of the prose review (P-01 … P-08) for one report.

Usage: .venv/bin/python bench/review_speed.py [--runs 50] [--write bench/results/review_speed.md]
Measures `draftbot.review.review_report` on examples/busy-2023.yaml with its sections drafted
by the offline drafter, and on the same report with every section at its 20,000-character
maximum. The first call (which reads the division data) is timed separately.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish, time_calls

from draftbot.datafile import load_report
from draftbot.drafting.offline import draft_offline
from draftbot.model import Report
from draftbot.review import review_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "busy-2023.yaml"
MAX_SECTION = 20000


def with_sections(report: Report, texts: dict[str, str]) -> Report:
    return report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    report = load_report(EXAMPLE)
    drafted = draft_offline(report)
    longest = {
        key: (text * (MAX_SECTION // len(text) + 1))[:MAX_SECTION] for key, text in drafted.items()
    }
    cases = {
        "offline-drafted busy-2023": with_sections(report, drafted),
        "every section at 20,000 characters": with_sections(report, longest),
    }
    rows = []
    for name, case in cases.items():
        cold, samples = time_calls(lambda c=case: review_report(c), args.runs)
        samples.sort()
        chars = sum(len(t) for t in case.narrative.model_dump().values())
        p90 = samples[int(len(samples) * 0.9) - 1]
        rows.append(
            f"| {name} ({chars:,} chars) | {statistics.median(samples):.1f} | {p90:.1f} | {cold:.1f} |"
        )
    lines = [
        "# Prose review speed (in-process)",
        "",
        f"Command: `.venv/bin/python bench/review_speed.py --runs {args.runs}`  ",
        f"Machine: {machine_line()}",
        "",
        f"| report | median ms ({args.runs} runs) | p90 ms | first call ms |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        "The first call of the first case includes reading the division data (once per process).",
        "Repeated calls find the unchanged prose in the review's text caches (sentences, claims,",
        "place names: bounded, keyed by the text); the first call of each case reads it afresh.",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
