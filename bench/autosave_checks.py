"""CPU of `check_report` per autosave-like edit: a 表二 cell changes, the prose does not.

    .venv/bin/python bench/autosave_checks.py [--edits 100] [--batches 5]

examples/busy-2023.yaml drafted offline; `--edits` versions differing in one 表二 cell
(as the autosave of bench/web_latency.py makes them) are checked in turn, `--batches` times;
prints the median CPU per check. Run with PYTHONPATH=DIR/src to measure another checkout
(bench/results/web_latency.md compares main with the review's text caches).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args()
    import draftbot
    from draftbot.checks import check_report
    from draftbot.config import Settings
    from draftbot.datafile import load_report
    from draftbot.drafting import apply_draft, draft_report
    from draftbot.web.edits import apply_changes

    report = load_report(ROOT / "examples" / "busy-2023.yaml")
    report = apply_draft(report, draft_report(report, Settings(), offline=True))
    edited = [apply_changes(report, {"table2.licensing": str(i % 50)}) for i in range(args.edits)]
    for version in edited[:5]:  # warm: division data, first reads
        check_report(version)
    per_check = []
    for _ in range(args.batches):
        start = time.process_time()
        for version in edited:
            check_report(version)
        per_check.append((time.process_time() - start) / len(edited) * 1000)
    print(f"Code: {Path(draftbot.__file__).resolve().parent}")
    print(f"Machine: {machine_line()}")
    print(f"check_report per data edit: median {statistics.median(per_check):.2f} ms CPU")


if __name__ == "__main__":
    main()
