"""Reading a text PDF of a report (printed from Word, WPS or LibreOffice) with pdfplumber.

Tables are found from their ruling lines; a merged cell covers the grid positions its box
spans, so the lattice is the same as from the .docx; a table running onto the next page is
joined by `reading.join_split_tables`. The text outside the tables is cut into paragraphs at
first-line indents and short last lines. A PDF without a text layer (a scan) is named as such.
"""

from __future__ import annotations

import io
import re
import time
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect

from .document import MAX_GRID_COLUMNS, MAX_TABLES, Lattice, PublishedDocument, ReportImportError

MAX_PDF_PAGES = 200
MAX_PDF_SECONDS = 60  # a crafted PDF must not hold a web worker for long
_PAGE_NUMBER = re.compile(r"^[—\-–]?\s*\d+\s*[—\-–]?$")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")


def read_pdf(data: bytes) -> PublishedDocument:
    """Paragraphs and tables of a text PDF.

    Raises `ReportImportError` for a damaged, encrypted, overlong or scanned (no text) PDF.
    """
    document = PublishedDocument("pdf")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise ReportImportError(
                    f"PDF 超过 {MAX_PDF_PAGES} 页，不像是一份年度报告；请核对文件"
                )
            started = time.monotonic()
            pages = []
            for page in pdf.pages:
                if time.monotonic() - started > MAX_PDF_SECONDS:
                    raise ReportImportError(
                        f"PDF 读取超过 {MAX_PDF_SECONDS} 秒仍未完成，已停止；"
                        "请找原 Word 文件或网页版本再导入"
                    )
                pages.append(_read_page(page, document))
    except ReportImportError:
        raise
    except PDFPasswordIncorrect:
        raise ReportImportError("PDF 设有密码；请去掉密码后另存，再导入") from None
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        if "password" in str(exc).lower() or isinstance(exc.__cause__, PDFPasswordIncorrect):
            raise ReportImportError("PDF 设有密码；请去掉密码后另存，再导入") from None
        raise ReportImportError("PDF 文件已损坏，无法读取；请重新下载或另存后再导入") from None
    if not any(lines for lines in pages if lines is not None) and not document.tables:
        raise ReportImportError(
            "这份 PDF 没有文字层（可能是扫描件或图片），无法读取表格；"
            "请找到原 Word 文件或网页版本再导入，或按原报告手工填写"
        )
    document.paragraphs = _paragraphs([line for lines in pages if lines for line in lines])
    return document


def _read_page(page: Any, document: PublishedDocument) -> list[dict[str, Any]] | None:
    """Add the page's tables; its text lines outside them (None when it has no text at all).

    Each line gets `width` (of its page) so margins are told per page orientation; lines in
    the running-header zone (top 7.5 % of the page) are left out.
    """
    if not page.chars:
        return None
    tables = page.find_tables()
    for table in tables:
        if len(document.tables) >= MAX_TABLES:
            raise ReportImportError(f"PDF 中的表格超过 {MAX_TABLES} 张，不像是一份年度报告")
        if max((len(row.cells) for row in table.rows), default=0) > MAX_GRID_COLUMNS:
            continue  # ruling that only looks like a table; no report table is this wide
        document.tables.append(_lattice(table))
    boxes = [table.bbox for table in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    lines = page.filter(outside).extract_text_lines(return_chars=False)
    header = 0.075 * float(page.height)
    return [{**line, "width": round(float(page.width))} for line in lines if line["top"] >= header]


def _lattice(table: Any) -> Lattice:
    """A pdfplumber table as a lattice; a merged cell's identity fills the positions it covers."""
    rows = table.rows
    texts = table.extract()
    width = max((len(row.cells) for row in rows), default=0)
    col_left = [
        min((row.cells[c][0] for row in rows if c < len(row.cells) and row.cells[c]), default=0.0)
        for c in range(width)
    ]
    row_top = [row.bbox[1] for row in rows]
    grid: list[list[tuple[int, str]]] = [[(-1, "")] * width for _ in rows]
    serial = 0
    for r, row in enumerate(rows):
        for c, box in enumerate(row.cells):
            if box is None:
                continue
            serial += 1
            value = (serial, texts[r][c] or "")
            cols = [cc for cc in range(c, width) if cc == c or col_left[cc] < box[2] - 1]
            spans = [rr for rr in range(r, len(rows)) if rr == r or row_top[rr] < box[3] - 1]
            for rr in spans:
                for cc in cols:
                    grid[rr][cc] = value
    return grid


def _paragraphs(lines: list[dict[str, Any]]) -> list[str]:
    """Lines joined into paragraphs: a new one after a short line or at a first-line indent."""
    lines = [line for line in lines if not _PAGE_NUMBER.match(line["text"].strip())]
    left: dict[int, float] = {}
    right: dict[int, float] = {}
    for line in lines:
        left[line["width"]] = min(left.get(line["width"], line["x0"]), line["x0"])
        right[line["width"]] = max(right.get(line["width"], line["x1"]), line["x1"])
    out: list[str] = []
    current = ""
    previous_short = True
    for line in lines:
        size = max(line.get("bottom", 0) - line.get("top", 0), 6.0)
        indented = line["x0"] > left[line["width"]] + size
        if current and (indented or previous_short):
            out.append(current)
            current = ""
        current += _SPACE_NEAR_CJK.sub("", line["text"].strip())
        previous_short = line["x1"] < right[line["width"]] - 1.5 * size
    if current:
        out.append(current)
    return out
