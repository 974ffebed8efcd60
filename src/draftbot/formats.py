"""One description per official format version (2019 试行, 2021): what differs between them.

Everything that depends on the format version asks the report's `FormatDescription`
(`report.format`, or `format_of(version)`) instead of comparing version strings: which model
field holds 表二 and its rows, columns and labels (format-spec §5 for 2021, §6 for 2019), which
表三 result rows exist, and which rules apply (信息处理费, cross-year 现行有效件数).
It is the one reader of 表二: the drafter, the claims, the facts and the review read 表二 cells
through `table2_value`, `documents` and `decisions`.

This module imports nothing from the package, so the model itself can ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .model import Report

FormatVersion = Literal["2019", "2021"]
Table2Kind = Literal["documents", "decisions", "fees", "procurement"]

ARTICLE_1 = "第二十条第（一）项"
ARTICLE_5 = "第二十条第（五）项"
ARTICLE_6 = "第二十条第（六）项"
ARTICLE_8 = "第二十条第（八）项"
ARTICLE_9 = "第二十条第（九）项"
CONTENT = "信息内容"
DECISIONS = "本年处理决定数量"

# 表三 本年度办理结果 rows (（一）…（五）) present in every format, in table order.
RESULT_ROWS_COMMON: tuple[str, ...] = (
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_three_security_one_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_query",
    "unable_not_held",
    "unable_need_creation",
    "unable_unclear_after_correction",
    "not_processed_petition",
    "not_processed_repeat",
    "not_processed_publication",
    "not_processed_massive",
    "not_processed_confirm",
)
OTHER_ROWS_2021: tuple[str, ...] = ("other_no_correction", "other_no_fee_paid", "other_other")
OTHER_ROWS_2019: tuple[str, ...] = ("other_processing",)


@dataclass(frozen=True)
class Table2Block:
    """One article block of 表二: a title row (`article`), a header row, then one row per item.

    `columns`: (model field, header label) in printed order; a field "" means the row's own
    model field holds the single value (2021 `table2.licensing`). `rows`: (model field of the
    row, row label as printed). `kind`: what the block counts (documents: 规章/规范性文件;
    decisions: 处理决定; fees: 行政事业性收费; procurement: 政府集中采购).
    """

    kind: Table2Kind
    article: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FormatDescription:
    """What one format version prints and which rules apply to it.

    `version`: "2019" or "2021"; `name`: as said to a clerk (2019（试行）); `first_year`/
    `last_year`: the report years that use it (None: still in use). `table2_field`: the
    `Report` field holding 表二; `table2_optional`: that field may be None (absent).
    `table2_blocks`: 表二 rows, columns and labels; `table2_layouts`: number of values in a
    row → (first lattice column, colspan) of each value, on a lattice `table2_cols` wide.
    `document_columns`: the three 第二十条第（一）项 columns, the year's new documents first.
    `decision_columns`: the columns of a 处理决定 row, the year's decisions first ("": the row
    itself holds the value). `result_rows`: the 表三 本年度办理结果 rows in table order.
    `info_fee`: 信息处理费 is reported (国办函〔2020〕109号, from the 2021 format on; X-05).
    `in_force_column`: the 表二 column carried to next year's cross-year check (X-02), or None.
    `merged_rows`: 表三 rows of other formats → the one row of this format that holds them
    (2019 has one （六）其他处理 row for the three of 2021).
    """

    version: FormatVersion
    name: str
    first_year: int
    last_year: int | None
    table2_field: Literal["table2", "table2_2019"]
    table2_optional: bool
    table2_cols: int
    table2_layouts: dict[int, tuple[tuple[int, int], ...]]
    table2_blocks: tuple[Table2Block, ...]
    document_columns: tuple[str, str, str]
    decision_columns: tuple[str, ...]
    result_rows: tuple[str, ...]
    info_fee: bool
    in_force_column: str | None
    merged_rows: dict[str, str]

    @property
    def phrase(self) -> str:
        """How a message names the format: `2021 格式`, `2019（试行）格式`."""
        return f"{self.name}{'' if self.name.endswith('）') else ' '}格式"

    def covers(self, report_year: int) -> bool:
        """True when a report of `report_year` uses this format by default."""
        return self.first_year <= report_year and (
            self.last_year is None or report_year <= self.last_year
        )

    @property
    def other_result_rows(self) -> tuple[str, ...]:
        """表三 result rows of the other formats that this one does not have (finding F-02)."""
        rows = (row for f in FORMATS.values() for row in f.result_rows)
        return tuple(dict.fromkeys(r for r in rows if r not in self.result_rows))

    @cached_property
    def own_result_rows(self) -> tuple[str, ...]:
        """表三 result rows only this format has: they tell a printed table's format."""
        shared = set.intersection(*(set(f.result_rows) for f in FORMATS.values()))
        return tuple(r for r in self.result_rows if r not in shared)

    @cached_property
    def table2_labels(self) -> dict[str, tuple[str, str, str]]:
        """Every 表二 value cell in printed order: data path → (article, row label, column
        label). Read-only."""
        out: dict[str, tuple[str, str, str]] = {}
        for block in self.table2_blocks:
            for row, row_label in block.rows:
                for column, column_label in block.columns:
                    out[self.table2_path(row, column)] = (block.article, row_label, column_label)
        return out

    def result_row(self, row: str) -> str:
        """The 表三 row of this format that holds `row` (a row of any format): itself, or the
        row it is merged into (2021 other_other → 2019 other_processing)."""
        return self.merged_rows.get(row, row)

    def table2_rows(self, kind: Table2Kind) -> tuple[tuple[str, str], ...]:
        """The 表二 rows of blocks of `kind` as (row key, label), in printed order."""
        return tuple(row for b in self.table2_blocks if b.kind == kind for row in b.rows)

    def table2_path(self, row: str, column: str = "") -> str:
        """The data path of a 表二 cell, e.g. ("penalty", "decisions") → table2_2019.penalty.decisions."""
        return ".".join(part for part in (self.table2_field, row, column) if part)

    def table2_value(self, report: Report, cell: str) -> int | Decimal | None:
        """The value of 表二 cell `cell` ("procurement.amount", "licensing") in `report`.

        None when this format's 表二 has no such cell; 0 when the table is absent (an empty
        table). Raises nothing.
        """
        if self.table2_path(*cell.split(".", 1)) not in self.table2_labels:
            return None
        node: object = getattr(report, self.table2_field)
        if node is None:
            return 0
        for part in cell.split("."):
            node = getattr(node, part)
        assert isinstance(node, (int, Decimal))
        return node

    def documents(self, report: Report, row: str) -> tuple[int, int, int]:
        """第二十条第（一）项 figures of `row` (regulations / normative_documents), in printed
        order: 2021 制发/废止/现行有效, 2019 新制作/新公开/对外公开总数量."""
        first, second, third = (
            int(self.table2_value(report, f"{row}.{c}") or 0) for c in self.document_columns
        )
        return first, second, third

    def decisions(self, report: Report, row: str) -> tuple[int, ...]:
        """The figures of a 处理决定 row (licensing, penalty, coercion): the year's decisions
        first, then (2019) 上一年项目数量."""
        cells = (f"{row}.{c}" if c else row for c in self.decision_columns)
        return tuple(int(self.table2_value(report, cell) or 0) for cell in cells)


def _decision_block(article: str, columns: tuple[tuple[str, str], ...], *rows: str) -> Table2Block:
    return Table2Block(
        "decisions", article, columns, tuple((row, _ROW_LABELS[row]) for row in rows)
    )


_ROW_LABELS = {
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
}
_ITEM_COLUMNS_2019 = (
    ("previous_items", "上一年项目数量"),
    ("change", "本年增/减"),
    ("decisions", "处理决定数量"),
)

FORMAT_2021 = FormatDescription(
    version="2021",
    name="2021",
    first_year=2021,
    last_year=None,
    table2_field="table2",
    table2_optional=False,
    table2_cols=4,
    table2_layouts={1: ((1, 3),), 3: ((1, 1), (2, 1), (3, 1))},
    table2_blocks=(
        Table2Block(
            "documents",
            ARTICLE_1,
            (
                ("issued", "本年制发件数"),
                ("repealed", "本年废止件数"),
                ("in_force", "现行有效件数"),
            ),
            (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
        ),
        _decision_block(ARTICLE_5, (("", DECISIONS),), "licensing"),
        _decision_block(ARTICLE_6, (("", DECISIONS),), "penalty", "coercion"),
        Table2Block(
            "fees",
            ARTICLE_8,
            (("", "本年收费金额（单位：万元）"),),
            (("fees_wan_yuan", "行政事业性收费"),),
        ),
    ),
    document_columns=("issued", "repealed", "in_force"),
    decision_columns=("",),
    result_rows=RESULT_ROWS_COMMON + OTHER_ROWS_2021,
    info_fee=True,
    in_force_column="in_force",
    merged_rows={},
)

FORMAT_2019 = FormatDescription(
    version="2019",
    name="2019（试行）",
    first_year=2019,
    last_year=2020,
    table2_field="table2_2019",
    table2_optional=True,
    table2_cols=5,
    table2_layouts={2: ((1, 2), (3, 2)), 3: ((1, 1), (2, 2), (4, 1))},
    table2_blocks=(
        Table2Block(
            "documents",
            ARTICLE_1,
            (
                ("made", "本年新制作数量"),
                ("published", "本年新公开数量"),
                ("total_public", "对外公开总数量"),
            ),
            (("regulations", "规章"), ("normative_documents", "规范性文件")),
        ),
        _decision_block(ARTICLE_5, _ITEM_COLUMNS_2019, "licensing", "other_services"),
        _decision_block(ARTICLE_6, _ITEM_COLUMNS_2019, "penalty", "coercion"),
        Table2Block(
            "fees",
            ARTICLE_8,
            (("previous_items", "上一年项目数量"), ("change", "本年增/减")),
            (("fees", "行政事业性收费"),),
        ),
        Table2Block(
            "procurement",
            ARTICLE_9,
            (("projects", "采购项目数量"), ("amount", "采购总金额")),
            (("procurement", "政府集中采购"),),
        ),
    ),
    document_columns=("made", "published", "total_public"),
    decision_columns=("decisions", "previous_items"),
    result_rows=RESULT_ROWS_COMMON + OTHER_ROWS_2019,
    info_fee=False,
    in_force_column=None,
    merged_rows=dict.fromkeys(OTHER_ROWS_2021, "other_processing"),
)

FORMATS: dict[FormatVersion, FormatDescription] = {"2019": FORMAT_2019, "2021": FORMAT_2021}
CURRENT_FORMAT = FORMAT_2021  # the format of new reports and of data that does not say


def format_of(version: FormatVersion) -> FormatDescription:
    """The description of format `version` ("2019" or "2021")."""
    return FORMATS[version]


def format_for_year(report_year: int) -> FormatDescription:
    """The format a report of `report_year` uses by default: 2019（试行） for 2019–2020, else 2021."""
    for description in FORMATS.values():
        if description.covers(report_year):
            return description
    return CURRENT_FORMAT


def default_format_for(report_year: int) -> FormatVersion:
    """The version string of `format_for_year(report_year)`."""
    return format_for_year(report_year).version


def parse_format_version(value: object) -> FormatVersion | None:
    """`value` as a format version when it names one ("2019", "2021"), else None."""
    for version in FORMATS:
        if value == version:
            return version
    return None


def table2_format(report: Report) -> FormatDescription:
    """The format whose 表二 `report` prints: its own, except a published 2021 report whose 表二
    was still the 2019 table (kept in `table2_2019`, finding V-03) prints that table."""
    own = report.format
    for other in FORMATS.values():
        if (
            other is not own
            and other.table2_optional
            and getattr(report, other.table2_field) is not None
        ):
            return other
    return own
