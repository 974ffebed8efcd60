"""Speed of importing one published report: portal page (.html), .docx and text PDF.

Usage: .venv/bin/python bench/import_speed.py [--runs 20] [--write bench/results/import_speed.md]
The report is examples/busy-2023.yaml with all eight prose sections written; the .docx is our
export, the page is written in portal style by tests/portal_pages.py, the PDF is printed from
the .docx by LibreOffice (soffice, once, not timed). Each case times
`draftbot.published.import_report` on the bytes, in-process. Goals (issue 14): HTML and .docx
under 1 s, PDF under 3 s, for a typical report; the ratio is median / goal (below 1 is met).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from export_speed import publishable
from machine import machine_line, publish, time_calls

from draftbot.datafile import load_report
from draftbot.published import import_report
from draftbot.word import build_docx
from portal_pages import portal_page

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "busy-2023.yaml"
GOALS_MS = {"html": 1000.0, "docx": 1000.0, "pdf": 3000.0}


def pdf_of(docx: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(docx)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(Path(folder) / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return (Path(folder) / "report.pdf").read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    report = publishable(load_report(EXAMPLE))
    docx = build_docx(report).data
    files = {
        "html": portal_page(report).encode("utf-8"),
        "docx": docx,
        "pdf": pdf_of(docx),
    }
    rows = []
    for kind, data in files.items():
        name = f"report.{kind}"
        cold, samples = time_calls(lambda d=data, n=name: import_report(d, filename=n), args.runs)
        median = statistics.median(samples)
        goal = GOALS_MS[kind]
        rows.append(
            f"| {kind} | {len(data) // 1024} | {median:.0f} | {max(samples):.0f} | {cold:.0f} "
            f"| {goal:.0f} | {median / goal:.2f} |"
        )
    lines = [
        "# Import speed of one published report (in-process)",
        "",
        f"Command: `.venv/bin/python bench/import_speed.py --runs {args.runs}`  ",
        f"Machine: {machine_line()}  ",
        "Load average while measuring (shared machine): "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg()),
        "",
        "Goal (issue 14): HTML and .docx under 1 s, PDF under 3 s; ratio = median / goal.",
        "",
        f"| format | size KB | median ms ({args.runs} runs) | max ms | first call ms | goal ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "The first call includes importing lxml / pdfplumber and building the table layouts.",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
