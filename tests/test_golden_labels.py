"""Golden test of the official labels: grids and the exported .docx against a hand transcription.

The reference (tests/golden/official_labels.yaml) is written by hand from the official formats,
independently of src/draftbot/tables.py, so a label or merge changed by mistake in the code fails
here even when every other test derives its expectation from the same code.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

from draftbot.datafile import load_report
from draftbot.model import Report
from draftbot.tables import Grid, report_grids
from draftbot.word import build_docx
from portal_pages import report_2019

GOLDEN = Path(__file__).resolve().parent / "golden" / "official_labels.yaml"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TABLE_NAMES = ("表二", "表三", "表四")

Spec = tuple[int, int, int, int, str]


@functools.cache
def _golden() -> dict[str, dict[str, Any]]:
    with GOLDEN.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _expected_cells(version: str, table: str) -> set[Spec]:
    entry = _golden()[version][table]
    rows = list(entry["cells"]) + list(entry.get("body", []))
    return {(r, c, rs, cs, text) for r, c, rs, cs, text in rows}


def _report(version: str) -> Report:
    if version == "2021":
        return load_report(EXAMPLES / "busy-2023.yaml")
    return report_2019()


def _grid(version: str, table: str) -> Grid:
    grids = report_grids(_report(version))
    return grids[TABLE_NAMES.index(table)]


CASES = [(version, table) for version in ("2021", "2019") for table in TABLE_NAMES]


def test_golden_file_covers_both_formats_and_all_tables() -> None:
    golden = _golden()
    assert set(golden) == {"2019", "2021"}
    for version in golden:
        assert set(golden[version]) == set(TABLE_NAMES)


@pytest.mark.parametrize(("version", "table"), CASES)
def test_grid_labels_and_merges_equal_the_official_format(version: str, table: str) -> None:
    grid = _grid(version, table)
    assert [grid.rows, grid.cols] == _golden()[version][table]["size"]
    actual = {
        (cell.row, cell.col, cell.rowspan, cell.colspan, cell.text)
        for cell in grid.cells
        if cell.kind != "value"
    }
    expected = _expected_cells(version, table)
    assert sorted(actual - expected) == [], "labels or merges not in the official format"
    assert sorted(expected - actual) == [], "official labels or merges missing from the grid"


def _docx_lattice(tbl: Any) -> dict[tuple[int, int], tuple[int, int, str]]:
    """Cells that start at (row, col) in a w:tbl → (rowspan, colspan, text), read from OOXML."""
    starts: dict[tuple[int, int], list[Any]] = {}
    open_columns: dict[int, tuple[int, int]] = {}
    for r, tr in enumerate(tbl.findall(f"{W}tr")):
        col = 0
        for tc in tr.findall(f"{W}tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_el.get(f"{W}val")) if span_el is not None else 1
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            continued = vmerge is not None and vmerge.get(f"{W}val") in (None, "continue")
            if continued:
                origin = open_columns[col]
                starts[origin][0] += 1
            else:
                text = "".join(t.text or "" for t in tc.iter(f"{W}t"))
                starts[(r, col)] = [1, span, text]
                open_columns[col] = (r, col)
            col += span
    return {pos: (rs, cs, text) for pos, (rs, cs, text) in starts.items()}


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_exported_docx_labels_and_merges_equal_the_official_format(version: str) -> None:
    document = docx.Document(io.BytesIO(build_docx(_report(version), force=True).data))
    assert len(document.tables) == len(TABLE_NAMES)
    for tbl, table in zip(document.tables, TABLE_NAMES, strict=True):
        lattice = _docx_lattice(tbl._tbl)
        rows, cols = _golden()[version][table]["size"]
        assert len(tbl._tbl.findall(f"{W}tr")) == rows, table
        assert len(tbl._tbl.findall(f"{W}tblGrid/{W}gridCol")) == cols, table
        for r, c, rowspan, colspan, text in sorted(_expected_cells(version, table)):
            assert lattice.get((r, c)) == (rowspan, colspan, text), (table, r, c, text)
