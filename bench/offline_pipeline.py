"""The whole offline path for one report, in-process: data → offline draft → checks → .docx,
against a naive python-docx build of the same document measured in the same run.

Usage: .venv/bin/python bench/offline_pipeline.py [--runs 50] [--write bench/results/offline_pipeline.md]

Goals (issue 19): ≤ 50 ms median per report, and ≤ 1.0× the naive build. Each run starts from
the data file's text (so parsing is counted), drafts every section with the offline drafter,
applies the draft, checks the drafted report once and builds the .docx with those findings.
The naive baseline gets the same document plan (same paragraphs and tables, computed outside
its timing) and builds it the way python-docx's tutorial does: `Document()`, `add_paragraph`,
`add_table`, `cell.merge`, `cell.text`, `save`. No warm-up is hidden: the first call of each is
reported separately.

Repeating one example lets the caches keyed by content (the fact sheet by the data, the
review's section readings and claims by their text) answer from the second run on, as they
do when the same report is checked and exported again. The "new data" column changes 表二's
行政许可 count on every run (a report never seen before: the fact sheet, the drafted
（一） and its checks, 表二 are all new), the price of a first export.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import io

from docx import Document
from machine import machine_line, publish, time_calls

from draftbot.checks import check_report
from draftbot.config import load_settings
from draftbot.datafile import parse_report
from draftbot.drafting import apply_draft, draft_report
from draftbot.export import DocumentPlan, plan_document
from draftbot.word import build_docx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = tuple(sorted(p.name for p in (ROOT / "examples").glob("*.yaml")))  # every example
TARGET_MS = 50.0


def one_report(text: str, source: str, settings) -> int:
    report = parse_report(text, source)
    drafted = apply_draft(report, draft_report(report, settings, offline=True))
    findings = check_report(drafted)
    return len(build_docx(drafted, force=True, findings=findings).data)


_LICENSING = re.compile(r"^  licensing: \d+", re.MULTILINE)
_FRESH = itertools.count(1000)


def fresh_text(text: str) -> str:
    """`text` with another 表二 行政许可 count each call (inserted when the example has none)."""
    line = f"  licensing: {next(_FRESH)}"
    if _LICENSING.search(text):
        return _LICENSING.sub(line, text, count=1)
    return text.replace("\ntable2:\n", f"\ntable2:\n{line}\n", 1)


def naive_docx(plan: DocumentPlan) -> int:
    """The same paragraphs and tables through python-docx's public API, nothing else."""
    doc = Document()
    for block in plan.blocks:
        if block.kind == "table" and block.grid is not None:
            grid = block.grid
            table = doc.add_table(rows=grid.rows, cols=grid.cols)
            for cell in grid.cells:
                target = table.cell(cell.row, cell.col)
                if cell.rowspan > 1 or cell.colspan > 1:
                    corner = table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1)
                    target = target.merge(corner)
                target.text = cell.text
        elif block.kind != "landscape":
            doc.add_paragraph(block.lead + block.text)
    out = io.BytesIO()
    doc.save(out)
    return len(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    settings = load_settings()  # drafting is forced offline below
    rows = []
    for name in EXAMPLES:
        path = ROOT / "examples" / name
        text = path.read_text(encoding="utf-8")
        source = str(path)
        first, ours = time_calls(lambda t=text, s=source: one_report(t, s, settings), args.runs)
        assert fresh_text(text) != text
        _, fresh = time_calls(
            lambda t=text, s=source: one_report(fresh_text(t), s, settings), args.runs
        )
        report = parse_report(text, source)
        drafted = apply_draft(report, draft_report(report, settings, offline=True))
        plan = plan_document(drafted, force=True)
        naive_runs = max(3, args.runs // 10)  # seconds per call: python-docx tables are O(n²)
        naive_first, naive = time_calls(lambda p=plan: naive_docx(p), naive_runs)
        rows.append(
            (
                name,
                statistics.median(ours),
                statistics.median(naive),
                first,
                naive_first,
                statistics.median(fresh),
            )
        )
    lines = [
        "# Offline pipeline: data → offline draft → checks → .docx (in-process)",
        "",
        f"Command: `.venv/bin/python bench/offline_pipeline.py --runs {args.runs}`  ",
        f"Machine: {machine_line()}; 1-minute load average {load:.1f} before the run, "
        f"{os.getloadavg()[0]:.1f} after",
        "",
        f"| example | pipeline median ms ({args.runs} runs) | goal | ratio | naive python-docx "
        "build of the same document, median ms (runs ÷ 10) | pipeline ÷ naive (goal ≤ 1.0) "
        "| first calls ms (pipeline / naive) | new data each run, median ms (ratio to goal) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| `{n}` | {m:.1f} | {TARGET_MS:.0f} | {m / TARGET_MS:.2f} | {nv:.1f} | {m / nv:.2f} "
        f"| {f:.0f} / {nf:.0f} | {fr:.1f} ({fr / TARGET_MS:.2f}) |"
        for n, m, nv, f, nf, fr in rows
    ]
    worst = max(rows, key=lambda row: row[1])
    worst_naive = max(rows, key=lambda row: row[1] / row[2])
    worst_fresh = max(rows, key=lambda row: row[5])
    lines += [
        "",
        f"Goal ≤ {TARGET_MS:.0f} ms per report: slowest `{worst[0]}` {worst[1]:.1f} ms = "
        f"{worst[1] / TARGET_MS:.2f} × the goal; goal ≤ 1.0 × naive: highest "
        f"`{worst_naive[0]}` {worst_naive[1] / worst_naive[2]:.2f} ×; with new data each run: "
        f"slowest `{worst_fresh[0]}` {worst_fresh[5]:.1f} ms = {worst_fresh[5] / TARGET_MS:.2f} × "
        "the goal.",
        "",
        "The pipeline includes parsing the YAML text, drafting, checking and building the styled "
        "document; the naive build only lays out already-computed paragraphs and tables.",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
