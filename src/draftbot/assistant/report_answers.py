"""Questions about this report: explaining a table finding, and reading a figure from the data.

"为什么表三不平衡？" → the findings of that table, each with its numbers (the finding's own
message), what to do, the candidate cells (official location and current value) and the
rules the check rests on. "去年结转几件？" → the row's figures as the table shows them.
Everything here is computed from the data; nothing goes through a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..answers import APPLICANT_WORDS
from ..checks import check_report
from ..facts import fmt
from ..findings import Finding
from ..freetext import TABLE3_ROWS
from ..model import APPLICANT_COLUMNS, CASE_COLUMNS, Report, result_rows
from ..paths import label as cell_label
from ..paths import read as get_value
from ..tables import APPLICANT_LABELS, CASE_BLOCK_LABELS, CASE_LABELS, TABLE3_ROW_LABELS

TABLE_WORDS = {"表二": "table2", "表三": "table3", "表四": "table4"}
_FINDING_CUES = re.compile(
    r"不平衡|平衡|勾稽|报错|错误|提示|有问题|问题在哪|对不上|不对|不一致|不相等|检查|红色|标红|通不过|不通过"
)
_WHY_CUES = re.compile(r"为什么|为何|怎么回事|哪里|哪儿|哪个|哪一格|哪些|什么原因|原因|怎么改|改哪")
_AMOUNT_CUES = re.compile(r"几件|多少|几个|几起|几次|几条|几宗|数量是|是几|填的是|填了几|有几")
_RULE_CUES = re.compile(
    r"怎么填|如何填|填在哪|计在哪|算在哪|算哪|计入哪|哪一行|哪一项|哪一列|哪一栏|算不算|要不要|能不能|是否"
)
_TABLE4_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("litigation_after_review", ("复议后起诉", "复议后诉讼")),
    ("litigation_direct", ("直接起诉", "未经复议")),
    ("review", ("行政复议", "复议")),
    ("litigation", ("行政诉讼", "诉讼", "起诉", "被告")),
]


@dataclass(frozen=True)
class CellView:
    """A cell as the clerk sees it: data path, official location, current value as shown."""

    path: str
    location: str
    value: str


@dataclass(frozen=True)
class Explanation:
    finding: Finding
    cells: tuple[CellView, ...]
    rule_ids: tuple[str, ...]

    def text(self) -> str:
        """The finding, what to do and the cells to check, as the clerk reads it."""
        lines = [f"【{self.finding.code}】{self.finding.location}：{self.finding.message}。"]
        if self.finding.hint:
            lines.append(f"怎么改：{self.finding.hint}。")
        if self.cells:
            listed = "；".join(f"{c.location} = {c.value}" for c in self.cells)
            lines.append(f"请核对这些单元格：{listed}。")
        return "\n".join(lines)


# --- findings ------------------------------------------------------------------------------


def is_finding_question(text: str) -> bool:
    """The clerk asks why a check fires ("为什么表三不平衡？", "表四哪里不对")."""
    return bool(_FINDING_CUES.search(text)) and (
        bool(_WHY_CUES.search(text)) or any(t in text for t in TABLE_WORDS)
    )


def explain_findings(
    report: Report, text: str, rule_ids_for: dict[str, list[str]]
) -> list[Explanation]:
    """Explanations of this report's findings that `text` asks about (by table, if one is named).

    `rule_ids_for` maps a finding code to the ids of the rules it rests on.
    """
    wanted = [table for word, table in TABLE_WORDS.items() if word in text]
    explanations = []
    for finding in check_report(report):
        table = next((t for w, t in TABLE_WORDS.items() if w in finding.tables), "")
        if wanted and table not in wanted:
            continue
        balance = "勾稽" in text or "平衡" in text
        if balance and finding.code not in ("T3-01", "T3-04", "T3-03", "X-01"):
            continue
        cells = tuple(cell_view(report, p) for p in candidate_cells(report, finding))
        explanations.append(Explanation(finding, cells, tuple(rule_ids_for.get(finding.code, []))))
    return explanations


def candidate_cells(report: Report, finding: Finding) -> list[str]:
    """Data paths of the cells a finding is about, the most likely culprits first."""
    first = finding.paths[0].split(".") if finding.paths else []
    column = first[2] if len(first) == 3 and first[2] in APPLICANT_LABELS else None
    if finding.topic and len(finding.paths) == 1:
        column = None  # the reminder of an unfilled 表三, not one column's balance
    t3 = report.table3
    version = report.format_version
    if finding.code in ("T3-01", "T3-04") and column:
        results = [k for k in result_rows(version) if t3.row(k).column(column)]
        head = ["new_received", "carried_over"] if finding.code == "T3-01" else []
        tail = ["carried_forward"] if finding.code == "T3-01" else ["results_total"]
        return [f"table3.{k}.{column}" for k in (*head, *results, *tail)]
    if finding.code == "X-01" and column:
        return [f"table3.carried_over.{column}"]
    if finding.code == "T3-03" and len(first) > 1:
        return [f"table3.{first[1]}.{c}" for c in (*APPLICANT_COLUMNS, "total")]
    if finding.code == "T4-01" and len(first) > 1:
        return [f"table4.{first[1]}.{c}" for c in (*CASE_COLUMNS, "total")]
    if finding.code == "X-02" and len(first) > 1:
        return [f"table2.{first[1]}.{c}" for c in ("issued", "repealed", "in_force")]
    if finding.code == "F-02" and len(first) > 1:
        return [f"table3.{first[1]}.total"]
    return []


def cell_view(report: Report, path: str) -> CellView:
    """The cell at data path `path` with its official location and shown value."""
    return CellView(path, cell_label(path), fmt_value(cell_value(report, path)))


def cell_value(report: Report, path: str) -> int | Decimal:
    """The value a cell shows: stated, or computed for a blank 总计."""
    parts = path.split(".")
    if parts[0] == "table3" and parts[-1] == "total":
        row = report.table3.row(parts[1])
        return row.shown_total
    if parts[0] == "table3" and parts[1] == "results_total":
        return report.table3.results_column_total(report.format_version, parts[2])
    if parts[0] == "table4" and parts[-1] == "total":
        return getattr(report.table4, parts[1]).shown_total
    value = get_value(report, path)
    return 0 if value is None else value


def fmt_value(value: int | Decimal) -> str:
    """A cell value as the tables print it (amounts without trailing zeros)."""
    return fmt(value)


# --- figures from the data -------------------------------------------------------------------


def is_data_question(text: str) -> bool:
    """The clerk asks for a figure of this report ("去年结转几件？"), not how to fill it in."""
    return bool(_AMOUNT_CUES.search(text)) and not _RULE_CUES.search(text)


@dataclass(frozen=True)
class DataAnswer:
    text: str
    cells: tuple[CellView, ...]


def answer_from_data(report: Report, text: str) -> DataAnswer | None:
    """The figures of the row `text` names (表三 rows by the clerk's words, 表四 blocks), or None."""
    block = _first(text, _TABLE4_WORDS)
    if block is not None:
        return _table4_answer(report, block)
    row = _first(text, TABLE3_ROWS)
    if row is None or row.startswith("?"):
        return None
    if row == "new_received" and not re.search(r"收到|新收|申请", text):
        return None
    row = report.format.result_row(row)
    return _table3_answer(report, row, _first(text, APPLICANT_WORDS))


def _first(text: str, vocabulary: Sequence[tuple[str, tuple[str, ...]]]) -> str | None:
    for key, words in vocabulary:
        if any(word in text for word in words):
            return key
    return None


def _table3_answer(report: Report, row: str, column: str | None) -> DataAnswer:
    columns = [column] if column else [*APPLICANT_COLUMNS, "total"]
    cells = tuple(cell_view(report, f"table3.{row}.{c}") for c in columns)
    label = TABLE3_ROW_LABELS[row][1]
    total = cell_view(report, f"table3.{row}.total").value
    if column:
        said = f"表三“{label}”中{APPLICANT_LABELS[column]}为 {cells[0].value} 件（本行总计 {total} 件）。"
    else:
        parts = [
            f"{APPLICANT_LABELS[c.path.rsplit('.', 1)[1]]} {c.value}"
            for c in cells[:-1]
            if c.value != "0"
        ]
        split = f"，其中{'、'.join(parts)}" if parts else ""
        said = f"表三“{label}”总计 {total} 件{split}。"
    return DataAnswer(said, cells)


def _table4_answer(report: Report, block: str) -> DataAnswer:
    blocks = ["litigation_direct", "litigation_after_review"] if block == "litigation" else [block]
    lines, cells = [], []
    for b in blocks:
        views = [cell_view(report, f"table4.{b}.{c}") for c in (*CASE_COLUMNS, "total")]
        cells.extend(views)
        split = "、".join(f"{CASE_LABELS[v.path.rsplit('.', 1)[1]]} {v.value}" for v in views[:-1])
        lines.append(f"表四“{CASE_BLOCK_LABELS[b]}”总计 {views[-1].value} 件（{split}）。")
    return DataAnswer("".join(lines), tuple(cells))
