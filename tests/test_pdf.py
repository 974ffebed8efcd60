"""LibreOffice opens every example's .docx; the PDF shows every table label and number in order.

Needs `soffice`, `pdftotext`, `pdfinfo` and `pdffonts` (Debian libreoffice-writer, poppler-utils,
fonts-noto-cjk; .ci/run installs them). Skipped only on a developer machine without them; in CI
(env CI set) a missing tool is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from draftbot.datafile import load_report
from draftbot.outline import SECTION_HEADINGS
from draftbot.tables import report_grids
from draftbot.word import build_docx
from written import publishable

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
TOOLS = ("soffice", "pdftotext", "pdfinfo", "pdffonts")


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must have {', '.join(missing)} (see .ci/run)")
    pytest.skip(f"{', '.join(missing)} not installed on this machine")


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each example exported and converted to PDF once, in one soffice run."""
    _require_tools()
    folder = tmp_path_factory.mktemp("pdf")
    sources = []
    for name in EXAMPLE_NAMES:
        path = folder / f"{name}.docx"
        report = publishable(load_report(EXAMPLES / f"{name}.yaml"))  # as it would be published
        path.write_bytes(build_docx(report, force=True).data)
        sources.append(str(path))
    profile = (folder / "lo-profile").as_uri()
    command = [
        "soffice",
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        *sources,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    out = {name: folder / f"{name}.pdf" for name in EXAMPLE_NAMES}
    missing = [name for name, path in out.items() if not path.exists()]
    assert not missing, f"soffice did not convert {missing}: {done.stdout}\n{done.stderr}"
    return out


def _text(pdf: Path) -> str:
    raw = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", raw)


def _info(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdfinfo", *args, str(pdf)], capture_output=True, text=True, check=True
    ).stdout


def _assert_in_order(text: str, tokens: list[str], what: str) -> None:
    position = 0
    for token in tokens:
        found = text.find(re.sub(r"\s+", "", token), position)
        assert found >= 0, f"{what}: “{token}” missing after position {position}"
        position = found + len(re.sub(r"\s+", "", token))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_pdf_shows_every_table_cell_in_order(pdfs: dict[str, Path], name: str) -> None:
    text = _text(pdfs[name])
    for grid in report_grids(load_report(EXAMPLES / f"{name}.yaml")):
        cells = sorted(grid.cells, key=lambda c: (c.row, c.col))
        _assert_in_order(text, [c.text for c in cells], grid.name)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_pdf_has_title_headings_and_page_numbers(pdfs: dict[str, Path], name: str) -> None:
    report = load_report(EXAMPLES / f"{name}.yaml")
    text = _text(pdfs[name])
    _assert_in_order(
        text, [f"{report.meta.agency}{report.meta.report_year}年", *SECTION_HEADINGS], "headings"
    )
    pages = int(re.search(r"Pages:\s+(\d+)", _info(pdfs[name])).group(1))
    assert 4 <= pages <= 8
    for number in range(1, pages + 1):
        assert f"—{number}—" in text


def test_table_pages_are_landscape_and_fonts_are_cjk(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["busy-2023"]
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", _info(pdf, "-f", "1", "-l", "9"))
    orientation = ["landscape" if float(w) > float(h) else "portrait" for w, h in sizes]
    assert orientation[0] == "portrait" and orientation[-1] == "portrait"
    assert "landscape" in orientation
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "CJK" in fonts.stdout


def test_forced_draft_shows_the_mark_on_every_page(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["errors-2020"]
    pages = int(re.search(r"Pages:\s+(\d+)", _info(pdf)).group(1))
    for page in range(1, pages + 1):
        raw = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "草稿" in raw, page


MM = 72 / 25.4
# 版心 top and bottom margins (mm) of a portrait and a landscape page, as word.py sets them
MARGINS_MM = {"portrait": (37, 35), "landscape": (28, 26)}


def page_fill(pdf: Path) -> list[tuple[str, float]]:
    """Per page: orientation and how far down the 版心 the text reaches (0 … 1), footer excluded."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for width, height, body in re.findall(
        r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S
    ):
        orientation = "landscape" if float(width) > float(height) else "portrait"
        top, bottom = (m * MM for m in MARGINS_MM[orientation])
        limit = float(height) - bottom
        lows = [float(y) for y in re.findall(r'yMax="([\d.]+)"', body) if float(y) <= limit + 2]
        pages.append((orientation, (max(lows) - top) / (limit - top) if lows else 0.0))
    return pages


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_page_is_less_than_half_full_but_the_last_of_a_section_with_a_table(
    pdfs: dict[str, Path], name: str
) -> None:
    """A table may break between rows (its header repeats), so no page is left mostly empty
    in front of it; only the last page of a section (before the orientation changes, where
    表二 ends and where 表四 stands after a full-page 表三) and the document's last page may be."""
    pages = page_fill(pdfs[name])
    for number, (orientation, fill) in enumerate(pages, 1):
        last_of_section = number == len(pages) or pages[number][0] != orientation
        assert last_of_section or fill >= 0.5, f"page {number}: {pages}"
