"""formats.py: one description per format version, checked against the hand-transcribed
official labels (tests/golden/official_labels.yaml), read back through the one 表二 reader,
and asked by every module instead of version strings."""

from __future__ import annotations

import ast
import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from draftbot.formats import (
    FORMAT_2019,
    FORMAT_2021,
    FORMATS,
    FormatDescription,
    default_format_for,
    format_for_year,
    table2_format,
)
from draftbot.model import Report
from draftbot.tables import TABLE2_LABELS, table2_grid

GOLDEN = Path(__file__).resolve().parent / "golden" / "official_labels.yaml"
SRC = Path(__file__).resolve().parent.parent / "src" / "draftbot"

# (article, row label, column label, first lattice column, colspan)
Label = tuple[str, str, str, int, int]


def _fmt(version: str) -> FormatDescription:
    return next(f for f in FORMATS.values() if f.version == version)


@functools.cache
def _golden() -> dict[str, Any]:
    return yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


def _golden_table2(version: str) -> tuple[list[int], list[Label]]:
    """Every 表二 value position of the golden file as (article, row, column, col, span)."""
    table = _golden()[version]["表二"]
    rows, cols = table["size"]
    by_row: dict[int, list[list[Any]]] = {}
    for cell in table["cells"]:
        by_row.setdefault(cell[0], []).append(cell)
    out: list[Label] = []
    article, headers = "", []
    for r in range(rows):
        cells = sorted(by_row.get(r, []), key=lambda c: c[1])
        first = cells[0]
        if first[3] == cols:  # a title row spanning the table: the article
            article = first[4]
        elif first[4] == "信息内容":
            headers = [(c[1], c[3], c[4]) for c in cells[1:]]
        else:
            out += [(article, first[4], text, col, span) for col, span, text in headers]
    return [rows, cols], out


def _described_table2(fmt: FormatDescription) -> tuple[list[int], list[Label]]:
    out: list[Label] = []
    rows = 0
    for block in fmt.table2_blocks:
        layout = fmt.table2_layouts[len(block.columns)]
        rows += 2 + len(block.rows)
        for _, row_label in block.rows:
            for (col, span), (_, column_label) in zip(layout, block.columns, strict=True):
                out.append((block.article, row_label, column_label, col, span))
    return [rows, fmt.table2_cols], out


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_table2_description_equals_the_official_labels(version: str) -> None:
    fmt = _fmt(version)
    assert _described_table2(fmt) == _golden_table2(version)
    described = [(a, r, c) for a, r, c, _, _ in _golden_table2(version)[1]]
    assert list(fmt.table2_labels.values()) == described
    assert all(path.startswith(fmt.table2_field + ".") for path in fmt.table2_labels)


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_table3_result_rows_match_the_official_table(version: str) -> None:
    body = _golden()[version]["表三"]["body"]
    results = next(c for c in body if c[4] == "三、本年度办理结果")
    fmt = _fmt(version)
    assert results[2] == len(fmt.result_rows) + 1  # + （七）总计
    assert set(fmt.other_result_rows).isdisjoint(fmt.result_rows)
    own = [c[4] for c in body if c[1] == 1 and c[4].startswith("（六）")]
    assert len(own) == 1  # （六）其他处理: the rows that tell the formats apart
    assert set(fmt.own_result_rows) <= {r for r in fmt.result_rows if r.startswith("other_")}
    assert fmt.own_result_rows and all(
        set(fmt.own_result_rows).isdisjoint(f.result_rows) for f in FORMATS.values() if f is not fmt
    )
    assert set(fmt.other_result_rows) | set(fmt.result_rows) == set(
        FORMAT_2019.result_rows + FORMAT_2021.result_rows
    )


def test_the_grid_and_the_labels_come_from_the_description() -> None:
    for fmt in FORMATS.values():
        for path, labels in fmt.table2_labels.items():
            assert TABLE2_LABELS[path] == labels
    assert len(TABLE2_LABELS) == sum(len(f.table2_labels) for f in FORMATS.values())


@pytest.mark.parametrize(
    ("year", "version"), [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2035, "2021")]
)
def test_format_for_year(year: int, version: str) -> None:
    assert format_for_year(year).version == version == default_format_for(year)
    assert format_for_year(year).covers(year)


def _report(year: int, **data: Any) -> Report:
    return Report.model_validate({"meta": {"agency": "测试县教育局", "report_year": year}, **data})


def test_the_2021_description_reads_the_2021_table2() -> None:
    report = _report(
        2023,
        table2={
            "regulations": {"issued": 1, "repealed": 2, "in_force": 3},
            "normative_documents": {"issued": 4, "repealed": 5, "in_force": 6},
            "licensing": 7,
            "penalty": 8,
            "coercion": 9,
            "fees_wan_yuan": "1.5",
        },
    )
    fmt = report.format
    assert fmt is FORMAT_2021 and table2_format(report) is FORMAT_2021
    assert fmt.documents(report, "regulations") == (1, 2, 3)
    assert fmt.documents(report, "normative_documents") == (4, 5, 6)
    assert [fmt.decisions(report, k) for k, _ in fmt.table2_rows("decisions")] == [(7,), (8,), (9,)]
    assert fmt.table2_value(report, "fees_wan_yuan") == Decimal("1.5")
    assert fmt.table2_value(report, "procurement.amount") is None  # no such cell in 2021
    assert fmt.info_fee and fmt.in_force_column == "in_force"
    assert fmt.result_row("other_other") == "other_other"


def test_the_2019_description_reads_the_2019_table2() -> None:
    item = {"previous_items": 2, "change": -1, "decisions": 5}
    report = _report(
        2020,
        table2_2019={
            "regulations": {"made": 1, "published": 2, "total_public": 3},
            "licensing": item,
            "other_services": {**item, "decisions": 6},
            "procurement": {"projects": 2, "amount": "30"},
        },
    )
    fmt = report.format
    assert fmt is FORMAT_2019 and table2_format(report) is FORMAT_2019
    assert fmt.documents(report, "regulations") == (1, 2, 3)
    assert fmt.documents(report, "normative_documents") == (0, 0, 0)
    rows = [k for k, _ in fmt.table2_rows("decisions")]
    assert rows == ["licensing", "other_services", "penalty", "coercion"]
    assert [fmt.decisions(report, k) for k in rows] == [(5, 2), (6, 2), (0, 0), (0, 0)]
    assert fmt.table2_value(report, "procurement.amount") == Decimal(30)
    assert fmt.table2_value(report, "fees_wan_yuan") is None  # no 收费金额 in 2019
    assert not fmt.info_fee and fmt.in_force_column is None
    for row in ("other_no_correction", "other_no_fee_paid", "other_other"):
        assert fmt.result_row(row) == "other_processing"


def test_an_absent_2019_table_reads_as_zeros_and_prints_zeros() -> None:
    report = _report(2019)
    assert report.table2_2019 is None
    assert report.format.documents(report, "regulations") == (0, 0, 0)
    assert report.format.table2_value(report, "procurement.amount") == 0
    values = [c.text for c in table2_grid(report).value_cells()]
    assert len(values) == len(FORMAT_2019.table2_labels) and set(values) == {"0"}


def test_a_published_2021_report_with_a_2019_table2_prints_that_table() -> None:
    report = _report(
        2022,
        source={"kind": "published"},
        table2_2019={"regulations": {"made": 4}},
    )
    assert report.format is FORMAT_2021
    assert table2_format(report) is FORMAT_2019
    grid = table2_grid(report)
    assert grid.cols == FORMAT_2019.table2_cols
    assert {c.key: c.text for c in grid.value_cells()}["table2_2019.regulations.made"] == "4"


def test_a_typed_2021_report_refuses_a_2019_table2() -> None:
    with pytest.raises(ValueError, match="table2_2019"):
        _report(2022, table2_2019={"regulations": {"made": 4}})


# --- no version tests outside formats.py ----------------------------------------------------

_VERSIONS = set(FORMATS)


def _is_version_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in _VERSIONS
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_is_version_literal(e) for e in node.elts)
    return False


def _version_comparisons(source: str) -> list[int]:
    """Lines comparing something to a format version literal ("2019", ("2019", "2021")…)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_version_literal(o) for o in operands):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.match_case)
            and isinstance(node.pattern, ast.MatchValue)
            and _is_version_literal(node.pattern.value)
        ):
            lines.append(node.pattern.lineno)
    return lines


def test_the_version_scanner_finds_comparisons() -> None:
    source = 'a = v == "2019"\nb = "2021" != v\nc = v in ("2019", "2021")\nd = {"2019": 1}\n'
    assert _version_comparisons(source) == [1, 2, 3]


def test_no_module_outside_formats_compares_a_format_version_to_a_literal() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name == "formats.py":
            continue
        lines = _version_comparisons(path.read_text(encoding="utf-8"))
        offenders += [f"{name}:{line}" for line in lines]
    assert offenders == [], "ask the FormatDescription (formats.py) instead: " + ", ".join(
        offenders
    )
