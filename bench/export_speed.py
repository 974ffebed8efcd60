"""In-process speed of the Word export (and of reading the tables back) for one report.

Usage: .venv/bin/python bench/export_speed.py [--runs 50] [--write bench/results/export_speed.md]
Measures `draftbot.word.build_docx` on examples/busy-2023.yaml as shipped (narrative still
empty: a 草稿 with placeholders, since a formal export needs every section written) and with
all eight sections filled with prose, `draftbot.word.build_review_docx` (the 审阅稿 with one
Word comment per finding) of examples/errors-2020.yaml, plus `draftbot.word.import_docx` of
the result. The first (cold) call is timed separately. With `--pdf N`, also the PDF
conversion through LibreOffice (`draftbot.pdf_export.docx_to_pdf`), N runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish, time_calls

from draftbot.datafile import load_report
from draftbot.model import SECTION_KEYS, Report
from draftbot.word import build_docx, build_review_docx, import_docx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "busy-2023.yaml"
TARGET_MS = 150.0
PROSE = (
    "本年度，我局严格落实政府信息公开各项要求，围绕群众关注的重点领域及时公开信息，"
    "规范办理依申请公开事项，做好政策解读和回应关切工作。\n"
) * 4


def publishable(report: Report) -> Report:
    filled = report.model_copy(deep=True)
    for key in SECTION_KEYS:
        setattr(filled.narrative, key, PROSE)
    return filled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--pdf", type=int, default=0, help="also time N PDF conversions")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    report = load_report(EXAMPLE)
    filled = publishable(report)
    docx_bytes = build_docx(filled).data
    errors = load_report(ROOT / "examples" / "errors-2020.yaml")
    cases = {
        "build_docx(busy-2023) as shipped (草稿)": lambda: build_docx(report, force=True),
        "build_docx(busy-2023) with all 8 sections written": lambda: build_docx(filled),
        "import_docx(that .docx)": lambda: import_docx(docx_bytes),
        "build_review_docx(errors-2020), 25 comments": lambda: build_review_docx(errors),
    }
    rows = []
    for name, call in cases.items():
        cold, samples = time_calls(call, args.runs)
        samples.sort()
        p90 = samples[int(len(samples) * 0.9) - 1]
        rows.append(f"| `{name}` | {statistics.median(samples):.1f} | {p90:.1f} | {cold:.1f} |")
    if args.pdf:
        from draftbot.pdf_export import docx_to_pdf

        cold, samples = time_calls(lambda: docx_to_pdf(docx_bytes), args.pdf)
        rows.append(
            f"| `docx_to_pdf(that .docx)` (LibreOffice, {args.pdf} runs) | "
            f"{statistics.median(samples):.0f} | {max(samples):.0f} | {cold:.0f} |"
        )
    lines = [
        "# Word export speed (in-process)",
        "",
        f"Command: `.venv/bin/python bench/export_speed.py --runs {args.runs}"
        + (f" --pdf {args.pdf}" if args.pdf else "")
        + "`  ",
        f"Machine: {machine_line()}  ",
        "Load average while measuring (shared machine): "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg()),
        "",
        f"| call | median ms ({args.runs} runs) | p90 ms | first call ms |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"Target: one export well under {TARGET_MS:.0f} ms (median, in-process; design.md §5).",
        "The first call includes loading python-docx's template and compiling the preamble template.",
        "The PDF row is a separate LibreOffice process per call (seconds, not milliseconds): the",
        "web PDF download and `draftbot export --pdf` take about this long.",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
