"""The official tables as data: labels character for character, merges, and data → grid.

A grid is a list of `Cell`s on a fixed row × column lattice; a merged cell carries its
rowspan/colspan. Exporters (Word, web) draw grids; they never spell a label themselves.
Labels follow format-spec §5 (2021) and §6 (2019).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .formats import CONTENT, FORMATS, table2_format
from .model import (
    APPLICANT_COLUMNS,
    CASE_COLUMNS,
    FormatVersion,
    Report,
    result_rows,
)
from .numbers import format_amount

CellKind = Literal["title", "header", "label", "value"]


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    text: str
    kind: CellKind
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None  # dotted data path of a value cell, e.g. "table3.granted.research"


@dataclass(frozen=True)
class Grid:
    name: str  # 表二 / 表三 / 表四
    rows: int
    cols: int
    cells: tuple[Cell, ...]
    header_rows: int = 0  # rows repeated at the top of each page

    def matrix(self) -> list[list[str]]:
        """Text at every lattice position; a merged cell's text fills its whole area."""
        out = [["" for _ in range(self.cols)] for _ in range(self.rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    out[r][c] = cell.text
        return out

    def value_cells(self) -> Iterator[Cell]:
        return (cell for cell in self.cells if cell.kind == "value")


# --- labels -------------------------------------------------------------------------------

TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other": "其他",
    "total": "总计",
}
LEGAL_PERSON_LABEL = "法人或其他组织"
APPLICANT_HEADER = "申请人情况"
RESULTS_LABEL = "三、本年度办理结果"

# Row key → (group label or None, leaf label). Group labels are merged vertically.
TABLE3_ROW_LABELS: dict[str, tuple[str | None, str]] = {
    "new_received": (None, "一、本年新收政府信息公开申请数量"),
    "carried_over": (None, "二、上年结转政府信息公开申请数量"),
    "granted": (None, "（一）予以公开"),
    "partially_granted": (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "denied_state_secret": ("（三）不予公开", "1.属于国家秘密"),
    "denied_law_prohibited": ("（三）不予公开", "2.其他法律行政法规禁止公开"),
    "denied_three_security_one_stability": ("（三）不予公开", "3.危及“三安全一稳定”"),
    "denied_third_party": ("（三）不予公开", "4.保护第三方合法权益"),
    "denied_internal_affairs": ("（三）不予公开", "5.属于三类内部事务信息"),
    "denied_process_info": ("（三）不予公开", "6.属于四类过程性信息"),
    "denied_enforcement_file": ("（三）不予公开", "7.属于行政执法案卷"),
    "denied_admin_query": ("（三）不予公开", "8.属于行政查询事项"),
    "unable_not_held": ("（四）无法提供", "1.本机关不掌握相关政府信息"),
    "unable_need_creation": ("（四）无法提供", "2.没有现成信息需要另行制作"),
    "unable_unclear_after_correction": ("（四）无法提供", "3.补正后申请内容仍不明确"),
    "not_processed_petition": ("（五）不予处理", "1.信访举报投诉类申请"),
    "not_processed_repeat": ("（五）不予处理", "2.重复申请"),
    "not_processed_publication": ("（五）不予处理", "3.要求提供公开出版物"),
    "not_processed_massive": ("（五）不予处理", "4.无正当理由大量反复申请"),
    "not_processed_confirm": ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    "other_no_correction": (
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    "other_no_fee_paid": (
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    "other_other": ("（六）其他处理", "3.其他"),
    "other_processing": (None, "（六）其他处理"),
    "results_total": (None, "（七）总计"),
    "carried_forward": (None, "四、结转下年度继续办理"),
}
TABLE3_TOP_ROWS = ("new_received", "carried_over")

CASE_LABELS: dict[str, str] = {
    "maintained": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
CASE_BLOCK_LABELS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼 · 未经复议直接起诉",
    "litigation_after_review": "行政诉讼 · 复议后起诉",
}

# 表二 value paths → (article, row label, column label), both formats (formats.py).
TABLE2_LABELS: dict[str, tuple[str, str, str]] = {
    path: labels for f in FORMATS.values() for path, labels in f.table2_labels.items()
}


def table3_row_location(row_key: str) -> list[str]:
    """The printed label parts of a 表三 row below the table name (`paths.label` joins them)."""
    group, leaf = TABLE3_ROW_LABELS[row_key]
    parts = [] if row_key in TABLE3_TOP_ROWS or row_key == "carried_forward" else [RESULTS_LABEL]
    if group:
        parts.append(group)
    parts.append(leaf)
    return parts


# --- data → grid --------------------------------------------------------------------------


def _num(value: int | Decimal) -> str:
    return format_amount(value) if isinstance(value, Decimal) else str(value)


def table2_grid(report: Report) -> Grid:
    """表二 as the report's format describes it (formats.py); a published 2021 report whose
    表二 was still the 2019 table (kept in `table2_2019`, finding V-03) shows that table, as
    published."""
    fmt = table2_format(report)
    cells: list[Cell] = []
    row = 0
    for block in fmt.table2_blocks:
        cells.append(Cell(row, 0, block.article, "title", colspan=fmt.table2_cols))
        layout = fmt.table2_layouts[len(block.columns)]
        cells.append(Cell(row + 1, 0, CONTENT, "header"))
        for (col, span), (_, text) in zip(layout, block.columns, strict=True):
            cells.append(Cell(row + 1, col, text, "header", colspan=span))
        row += 2
        for key, label in block.rows:
            cells.append(Cell(row, 0, label, "label"))
            for (col, span), (field, _) in zip(layout, block.columns, strict=True):
                cell = f"{key}.{field}" if field else key
                value = fmt.table2_value(report, cell) or 0
                path = fmt.table2_path(key, field)
                cells.append(Cell(row, col, _num(value), "value", colspan=span, key=path))
            row += 1
    return Grid("表二", row, fmt.table2_cols, tuple(cells))


def table3_row_keys(version: FormatVersion) -> tuple[str, ...]:
    """Body rows of 表三 in table order."""
    return (*TABLE3_TOP_ROWS, *result_rows(version), "results_total", "carried_forward")


def table3_grid(report: Report) -> Grid:
    """表三 of `report`: reads only `report.table3` and the format version (the web caches it
    by those, web/context.py)."""
    version = report.format_version
    t3 = report.table3
    body = table3_row_keys(version)
    cells: list[Cell] = [
        Cell(0, 0, TABLE3_NOTE, "header", rowspan=3, colspan=3),
        Cell(0, 3, APPLICANT_HEADER, "header", colspan=7),
        Cell(1, 3, APPLICANT_LABELS["natural_person"], "header", rowspan=2),
        Cell(1, 4, LEGAL_PERSON_LABEL, "header", colspan=5),
        Cell(1, 9, APPLICANT_LABELS["total"], "header", rowspan=2),
    ]
    cells += [
        Cell(2, col, APPLICANT_LABELS[name], "header")
        for col, name in enumerate(APPLICANT_COLUMNS[1:], start=4)
    ]
    first_result = 3 + len(TABLE3_TOP_ROWS)
    n_results = len(result_rows(version)) + 1  # + （七）总计
    cells.append(Cell(first_result, 0, RESULTS_LABEL, "label", rowspan=n_results))
    seen_groups: set[str] = set()
    for offset, key in enumerate(body):
        row = 3 + offset
        group, leaf = TABLE3_ROW_LABELS[key]
        if key in TABLE3_TOP_ROWS or key == "carried_forward":
            cells.append(Cell(row, 0, leaf, "label", colspan=3))
        elif group is None:
            cells.append(Cell(row, 1, leaf, "label", colspan=2))
        else:
            if group not in seen_groups:
                size = sum(1 for k in body if TABLE3_ROW_LABELS[k][0] == group)
                cells.append(Cell(row, 1, group, "label", rowspan=size))
                seen_groups.add(group)
            cells.append(Cell(row, 2, leaf, "label"))
        for col, name in enumerate((*APPLICANT_COLUMNS, "total"), start=3):
            if key == "results_total":
                value = t3.results_column_total(version, name)
            else:
                value = t3.row(key).column(name)
            cells.append(Cell(row, col, str(value), "value", key=f"table3.{key}.{name}"))
    return Grid("表三", 3 + len(body), 10, tuple(cells), header_rows=3)


TABLE4_BLOCKS = ("review", "litigation_direct", "litigation_after_review")


def table4_grid(report: Report) -> Grid:
    """表四 of `report`: reads only `report.table4` (the web caches it by that)."""
    t4 = report.table4
    case_cols = (*CASE_COLUMNS, "total")
    cells: list[Cell] = [
        Cell(0, 0, "行政复议", "header", colspan=5),
        Cell(0, 5, "行政诉讼", "header", colspan=10),
        Cell(1, 5, "未经复议直接起诉", "header", colspan=5),
        Cell(1, 10, "复议后起诉", "header", colspan=5),
    ]
    cells += [
        Cell(1, i, CASE_LABELS[name], "header", rowspan=2) for i, name in enumerate(case_cols)
    ]
    for start in (5, 10):
        cells += [
            Cell(2, start + i, CASE_LABELS[name], "header") for i, name in enumerate(case_cols)
        ]
    for b, block in enumerate(TABLE4_BLOCKS):
        counts = getattr(t4, block)
        for i, name in enumerate(case_cols):
            value = counts.shown_total if name == "total" else getattr(counts, name)
            cells.append(Cell(3, b * 5 + i, str(value), "value", key=f"table4.{block}.{name}"))
    return Grid("表四", 4, 15, tuple(cells), header_rows=3)


def report_grids(report: Report) -> tuple[Grid, Grid, Grid]:
    return table2_grid(report), table3_grid(report), table4_grid(report)
