"""Render the busy example, as it would be published, page by page into docs/images/pages/.

The prose is drafted with the offline drafter, the .docx converted to PDF by LibreOffice and
each page drawn by pdftoppm (poppler-utils), so the layout can be seen without Word:

    .venv/bin/python scripts/render_pages.py            # writes docs/images/pages/page-N.png

Also prints, per page, its orientation and how far down the 版心 the text reaches.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images" / "pages"
DPI = 40


def main() -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    from draftbot.datafile import load_report
    from draftbot.pdf_export import docx_to_pdf
    from draftbot.word import build_docx
    from test_pdf import page_fill  # the measure the layout test uses
    from written import publishable

    report = publishable(load_report(ROOT / "examples" / "busy-2023.yaml"))
    pdf = docx_to_pdf(build_docx(report).data)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("page-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "busy.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-png", str(path), str(OUT / "page")], check=True
        )
        for number, (orientation, fill) in enumerate(page_fill(path), 1):
            print(f"第 {number} 页 {orientation}：文字到版心的 {fill:.0%}")
    for image in sorted(OUT.glob("page-*.png")):  # pdftoppm pads numbers: page-1 / page-01
        image.rename(OUT / f"page-{int(image.stem.split('-')[1])}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
