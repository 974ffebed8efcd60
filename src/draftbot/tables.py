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

from .model import (
    APPLICANT_COLUMNS,
    CASE_COLUMNS,
    FormatVersion,
    Report,
    Table2v2019,
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

ARTICLE_1 = "第二十条第（一）项"
ARTICLE_5 = "第二十条第（五）项"
ARTICLE_6 = "第二十条第（六）项"
ARTICLE_8 = "第二十条第（八）项"
ARTICLE_9 = "第二十条第（九）项"
CONTENT = "信息内容"
DECISIONS = "本年处理决定数量"

# 表二 value paths → (article, row label, column label), both formats.
TABLE2_LABELS: dict[str, tuple[str, str, str]] = {
    "table2.regulations.issued": (ARTICLE_1, "规章", "本年制发件数"),
    "table2.regulations.repealed": (ARTICLE_1, "规章", "本年废止件数"),
    "table2.regulations.in_force": (ARTICLE_1, "规章", "现行有效件数"),
    "table2.normative_documents.issued": (ARTICLE_1, "行政规范性文件", "本年制发件数"),
    "table2.normative_documents.repealed": (ARTICLE_1, "行政规范性文件", "本年废止件数"),
    "table2.normative_documents.in_force": (ARTICLE_1, "行政规范性文件", "现行有效件数"),
    "table2.licensing": (ARTICLE_5, "行政许可", DECISIONS),
    "table2.penalty": (ARTICLE_6, "行政处罚", DECISIONS),
    "table2.coercion": (ARTICLE_6, "行政强制", DECISIONS),
    "table2.fees_wan_yuan": (ARTICLE_8, "行政事业性收费", "本年收费金额（单位：万元）"),
}
_ITEM_COLS_2019 = {
    "previous_items": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
}
_DOC_COLS_2019 = {
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_public": "对外公开总数量",
}
for _row_key, _label in (("regulations", "规章"), ("normative_documents", "规范性文件")):
    for _col, _col_label in _DOC_COLS_2019.items():
        TABLE2_LABELS[f"table2_2019.{_row_key}.{_col}"] = (ARTICLE_1, _label, _col_label)
for _row_key, _article, _label in (
    ("licensing", ARTICLE_5, "行政许可"),
    ("other_services", ARTICLE_5, "其他对外管理服务事项"),
    ("penalty", ARTICLE_6, "行政处罚"),
    ("coercion", ARTICLE_6, "行政强制"),
):
    for _col, _col_label in _ITEM_COLS_2019.items():
        TABLE2_LABELS[f"table2_2019.{_row_key}.{_col}"] = (_article, _label, _col_label)
TABLE2_LABELS["table2_2019.fees.previous_items"] = (ARTICLE_8, "行政事业性收费", "上一年项目数量")
TABLE2_LABELS["table2_2019.fees.change"] = (ARTICLE_8, "行政事业性收费", "本年增/减")
TABLE2_LABELS["table2_2019.procurement.projects"] = (ARTICLE_9, "政府集中采购", "采购项目数量")
TABLE2_LABELS["table2_2019.procurement.amount"] = (ARTICLE_9, "政府集中采购", "采购总金额")


def join_location(*parts: str) -> str:
    """`表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人`: no space before a full-width bracket."""
    out = parts[0]
    for part in parts[1:]:
        out += (" ·" if part.startswith("（") else " · ") + part
    return out


def table3_row_location(row_key: str) -> list[str]:
    group, leaf = TABLE3_ROW_LABELS[row_key]
    parts = [] if row_key in TABLE3_TOP_ROWS or row_key == "carried_forward" else [RESULTS_LABEL]
    if group:
        parts.append(group)
    parts.append(leaf)
    return parts


def table3_location(row_key: str, column: str | None = None) -> str:
    parts = ["表三", *table3_row_location(row_key)]
    if column:
        parts.append(APPLICANT_LABELS[column])
    return join_location(*parts)


def table4_location(block: str, column: str | None = None) -> str:
    parts = ["表四", CASE_BLOCK_LABELS[block]]
    if column:
        parts.append(CASE_LABELS[column])
    return join_location(*parts)


def table2_row_location(path: str) -> str | None:
    """A 表二 row such as `table2.regulations` as printed (`表二 · 第二十条第（一）项 · 规章`)."""
    for cell_path, (article, row, _) in TABLE2_LABELS.items():
        if cell_path.startswith(path + "."):
            return join_location("表二", article, row)
    return None


def table2_location(path: str) -> str:
    article, row, column = TABLE2_LABELS[path]
    return join_location("表二", article, row, column)


# --- data → grid --------------------------------------------------------------------------


def _num(value: int | Decimal) -> str:
    return format_amount(value) if isinstance(value, Decimal) else str(value)


def table2_grid(report: Report) -> Grid:
    """表二 in the report's format; a published 2021 report whose 表二 was still the 2019 table
    (kept in `table2_2019`, finding V-03) shows that table, as published."""
    if report.format_version == "2019" or report.table2_2019 is not None:
        return _table2_grid_2019(report)
    t2 = report.table2
    cells: list[Cell] = []

    def section(row: int, article: str) -> None:
        cells.append(Cell(row, 0, article, "title", colspan=4))

    def header(row: int, *labels: str) -> None:
        cells.append(Cell(row, 0, CONTENT, "header"))
        if len(labels) == 1:
            cells.append(Cell(row, 1, labels[0], "header", colspan=3))
        else:
            cells.extend(Cell(row, i + 1, text, "header") for i, text in enumerate(labels))

    def single(row: int, label: str, path: str, value: int | Decimal) -> None:
        cells.append(Cell(row, 0, label, "label"))
        cells.append(Cell(row, 1, _num(value), "value", colspan=3, key=path))

    section(0, ARTICLE_1)
    header(1, "本年制发件数", "本年废止件数", "现行有效件数")
    for row, (key, label) in enumerate(
        (("regulations", "规章"), ("normative_documents", "行政规范性文件")), start=2
    ):
        counts = getattr(t2, key)
        cells.append(Cell(row, 0, label, "label"))
        for col, field in enumerate(("issued", "repealed", "in_force"), start=1):
            path = f"table2.{key}.{field}"
            cells.append(Cell(row, col, _num(getattr(counts, field)), "value", key=path))
    section(4, ARTICLE_5)
    header(5, DECISIONS)
    single(6, "行政许可", "table2.licensing", t2.licensing)
    section(7, ARTICLE_6)
    header(8, DECISIONS)
    single(9, "行政处罚", "table2.penalty", t2.penalty)
    single(10, "行政强制", "table2.coercion", t2.coercion)
    section(11, ARTICLE_8)
    header(12, "本年收费金额（单位：万元）")
    single(13, "行政事业性收费", "table2.fees_wan_yuan", t2.fees_wan_yuan)
    return Grid("表二", 14, 4, tuple(cells))


def _table2_grid_2019(report: Report) -> Grid:
    t2 = report.table2_2019 or Table2v2019()
    cells: list[Cell] = []
    three = ((1, 1), (2, 2), (4, 1))  # (start col, colspan) for 3-value rows on a 5-col grid
    two = ((1, 2), (3, 2))

    def section(row: int, article: str) -> None:
        cells.append(Cell(row, 0, article, "title", colspan=5))

    def header(row: int, labels: tuple[str, ...]) -> None:
        cells.append(Cell(row, 0, CONTENT, "header"))
        layout = three if len(labels) == 3 else two
        for (col, span), text in zip(layout, labels, strict=True):
            cells.append(Cell(row, col, text, "header", colspan=span))

    def values(row: int, label: str, key: str, fields: tuple[str, ...]) -> None:
        cells.append(Cell(row, 0, label, "label"))
        layout = three if len(fields) == 3 else two
        obj = getattr(t2, key)
        for (col, span), field in zip(layout, fields, strict=True):
            path = f"table2_2019.{key}.{field}"
            cells.append(Cell(row, col, _num(getattr(obj, field)), "value", colspan=span, key=path))

    docs = tuple(_DOC_COLS_2019)
    items = tuple(_ITEM_COLS_2019)
    section(0, ARTICLE_1)
    header(1, tuple(_DOC_COLS_2019.values()))
    values(2, "规章", "regulations", docs)
    values(3, "规范性文件", "normative_documents", docs)
    section(4, ARTICLE_5)
    header(5, tuple(_ITEM_COLS_2019.values()))
    values(6, "行政许可", "licensing", items)
    values(7, "其他对外管理服务事项", "other_services", items)
    section(8, ARTICLE_6)
    header(9, tuple(_ITEM_COLS_2019.values()))
    values(10, "行政处罚", "penalty", items)
    values(11, "行政强制", "coercion", items)
    section(12, ARTICLE_8)
    header(13, ("上一年项目数量", "本年增/减"))
    values(14, "行政事业性收费", "fees", ("previous_items", "change"))
    section(15, ARTICLE_9)
    header(16, ("采购项目数量", "采购总金额"))
    values(17, "政府集中采购", "procurement", ("projects", "amount"))
    return Grid("表二", 18, 5, tuple(cells))


def table3_row_keys(version: FormatVersion) -> tuple[str, ...]:
    """Body rows of 表三 in table order."""
    return (*TABLE3_TOP_ROWS, *result_rows(version), "results_total", "carried_forward")


def table3_grid(report: Report) -> Grid:
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
