"""What every reader of a published report produces: paragraphs and tables, in document order.

A table is a `Lattice`: per row, per grid column, (cell identity, text). A merged cell repeats
its identity over every grid position it covers, so readers of Word, HTML and PDF tables all
hand the same shape to `reading.report_from_document`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import DraftbotError

Lattice = list[list[tuple[int, str]]]

# Word allows 63 columns; no official table has more than 15. Anything wider is refused
# before a row is built, so a hostile span cannot make memory grow.
MAX_GRID_COLUMNS = 63
MAX_TABLE_ROWS = 2000
MAX_TABLES = 200


class ReportImportError(DraftbotError):
    """A published report that cannot be read; the message (Chinese) says why and what to do."""


@dataclass
class PublishedDocument:
    """Paragraph texts (body order, tables excluded) and tables of one published report."""

    kind: str  # docx / html / pdf / doc
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Lattice] = field(default_factory=list)


def span_value(raw: str | None, what: str, default: int = 1, minimum: int = 1) -> int:
    """A cell's span or skipped-column count as printed in the file, bounded.

    Raises `ReportImportError` for a value that is not a whole number or exceeds the width
    any report table can have (`MAX_GRID_COLUMNS`).
    """
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise ReportImportError(
            f"表格的{what}设置无效（“{text[:20]}”不是整数），文件可能已损坏；"
            "请在 Word 或 WPS 中打开后另存，再导入"
        )
    value = int(text) if len(text) <= 6 else MAX_GRID_COLUMNS + 1
    if value > MAX_GRID_COLUMNS:
        raise ReportImportError(
            f"表格的{what}为 {text[:12]}，超过表格最多 {MAX_GRID_COLUMNS} 列的限制，"
            "文件可能已损坏或被篡改；请在 Word 或 WPS 中打开后另存，再导入"
        )
    return max(value, minimum)


def check_row_width(width: int) -> None:
    """Raises `ReportImportError` when a row spans more grid columns than a table can have."""
    if width > MAX_GRID_COLUMNS:
        raise ReportImportError(
            f"表格的一行合计 {width} 列，超过最多 {MAX_GRID_COLUMNS} 列的限制，"
            "文件可能已损坏或被篡改；请在 Word 或 WPS 中打开后另存，再导入"
        )


def visible_columns(table: Lattice) -> Lattice:
    """The lattice with grid columns that no cell boundary separates merged into one.

    A layout grid finer than the table's columns (converters split columns to align rows)
    then reads like the official table: one lattice column per visible column.
    """
    width = max((len(row) for row in table), default=0)
    keep = [0]
    for col in range(1, width):
        if any(col < len(row) and row[col][0] != row[col - 1][0] for row in table):
            keep.append(col)
    return [[row[c] for c in keep if c < len(row)] for row in table]
