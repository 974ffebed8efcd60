"""Reading a report page saved from a government portal (.html, .htm) or a web archive (.mht).

Parsed with lxml's HTML parser (no regular expressions over markup): tables become lattices
with rowspan/colspan expanded, whitespace, `&nbsp;` and stray inline tags in cells do not
matter, and the page's text blocks (title, headings, paragraphs) become paragraphs in order.
Tables that only lay out the page (holding other tables, or a single cell) are looked through.
"""

from __future__ import annotations

import email
import email.policy
import re
from typing import Any

import lxml.html
from lxml import etree

from .document import (
    MAX_GRID_COLUMNS,
    MAX_TABLE_ROWS,
    MAX_TABLES,
    Lattice,
    PublishedDocument,
    ReportImportError,
    check_row_width,
)

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "center",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "dl",
        "form",
        "tr",
        "caption",
        "title",
    ]
)
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "select"})
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


def decode_html(data: bytes) -> str:
    """Text of an HTML page: UTF-8, else the charset its head declares (GB2312/GBK as GB18030)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(data[:4096])
    charset = match.group(1).decode("ascii").lower() if match else "gb18030"
    if charset.replace("-", "") in ("gb2312", "gbk", "gb18030", "hzgb2312"):
        charset = "gb18030"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("gb18030", errors="replace")


def read_html(data: bytes | str) -> PublishedDocument:
    """Paragraphs and tables of an HTML page.

    Raises `ReportImportError` when the page cannot be parsed or has absurd tables.
    """
    text = decode_html(data) if isinstance(data, bytes) else data
    try:
        root = lxml.html.document_fromstring(text.lstrip("\ufeff") or "<html></html>")
    except (etree.ParserError, ValueError):
        raise ReportImportError(
            "网页内容无法解析；请在浏览器中打开后另存为“网页，仅 HTML”再导入"
        ) from None
    document = PublishedDocument("html")
    title = root.find(".//title")
    if isinstance(title, lxml.html.HtmlElement):
        document.paragraphs.append(clean(title.text_content()))
    walker = _Walker(document)
    walker.walk(root.find("body") if root.find("body") is not None else root)
    walker.flush()
    return document


def read_mht(data: bytes) -> PublishedDocument:
    """The HTML part of a web archive (.mht/.mhtml, MIME multipart/related)."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):  # None for an empty part
                payload = b""
            charset = part.get_content_charset()
            if charset:
                try:
                    return read_html(payload.decode(charset, errors="replace"))
                except LookupError:
                    pass
            return read_html(payload)
    raise ReportImportError("这个 .mht 文件中没有网页内容；请在浏览器中另存为 .html 再导入")


def clean(text: str) -> str:
    """Whitespace of any kind (incl. &nbsp; and full-width spaces) collapsed, ends trimmed."""
    return _SPACES.sub(" ", text).strip()


class _Walker:
    """Walks the page in order, cutting text into paragraphs at block elements and <br>."""

    def __init__(self, document: PublishedDocument) -> None:
        self.document = document
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = clean("".join(self.buffer))
        if text:
            self.document.paragraphs.append(text)
        self.buffer = []

    def walk(self, element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP:
            self._tail(element)
            return
        if tag == "table":
            self.flush()
            self._table(element)
            self._tail(element)
            return
        block = tag in _BLOCKS or tag == "br"
        if block:
            self.flush()
        if element.text and tag != "br":
            self.buffer.append(element.text)
        for child in element:
            self.walk(child)
        if block:
            self.flush()
        self._tail(element)

    def _tail(self, element: Any) -> None:
        if element.tail:
            self.buffer.append(element.tail)

    def _table(self, table: Any) -> None:
        cells = [cell for row in _rows(table) for cell in _cells(row)]
        if table.find(".//table") is not None or len(cells) <= 1:
            for cell in cells:
                self.flush()
                if cell.text:
                    self.buffer.append(cell.text)
                for child in cell:
                    self.walk(child)
                self.flush()
            return
        if len(self.document.tables) >= MAX_TABLES:
            raise ReportImportError(
                f"网页中的表格超过 {MAX_TABLES} 张，不像是一份年度报告；请核对文件"
            )
        self.document.tables.append(read_table(table))


def _rows(table: Any) -> list[Any]:
    """The table's own rows (in thead/tbody/tfoot or directly), not those of nested tables."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


def _cells(row: Any) -> list[Any]:
    return [cell for cell in row if cell.tag in ("td", "th")]


def _span(raw: str | None, limit: int) -> int:
    """A rowspan/colspan as browsers read it (leading digits, else 1), at most `limit`."""
    match = re.match(r"\s*(\d+)", raw or "")
    if not match:
        return 1
    digits = match.group(1)
    value = int(digits) if len(digits) <= 9 else limit + 1
    return max(1, min(value, limit)) if limit >= 1 else 1


def read_table(table: Any) -> Lattice:
    """An HTML table as a lattice: every grid position a cell covers carries its identity.

    A colspan wider than a table can be is refused (`ReportImportError`); a rowspan is cut at
    the table's last row, as browsers do.
    """
    rows = _rows(table)
    if len(rows) > MAX_TABLE_ROWS:
        raise ReportImportError(
            f"网页中的表格超过 {MAX_TABLE_ROWS} 行，不像是年度报告的表格；请核对文件"
        )
    grid: list[dict[int, tuple[int, str]]] = [{} for _ in rows]
    serial = 0
    for r, row in enumerate(rows):
        col = 0
        for cell in _cells(row):
            while col in grid[r]:
                col += 1
            colspan = _span(cell.get("colspan"), MAX_GRID_COLUMNS + 1)
            rowspan = _span(cell.get("rowspan"), len(rows) - r)
            check_row_width(col + colspan)
            serial += 1
            value = (serial, clean(cell.text_content()))
            for rr in range(r, r + rowspan):
                for cc in range(col, col + colspan):
                    grid[rr][cc] = value
            col += colspan
    out: Lattice = []
    for cells in grid:
        width = max(cells, default=-1) + 1
        out.append([cells.get(c, (-1, "")) for c in range(width)])
    return out
