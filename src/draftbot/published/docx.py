"""Reading the paragraphs and tables of a .docx made by any program (Word, WPS, converters).

The package is checked first (size, zip bombs, DTDs, macros); the main part is then parsed with
lxml without python-docx, so Strict Open XML (purl.oclc.org namespaces) reads like the usual
Transitional form. Rows and cells are found through content controls (`w:sdt`), custom XML and
tracked insertions; tracked deletions and hidden text are left out; a table that only lays out
the page (one that holds other tables, or a single cell) is looked through.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from .document import (
    MAX_TABLE_ROWS,
    MAX_TABLES,
    Lattice,
    PublishedDocument,
    ReportImportError,
    check_row_width,
    span_value,
)

MAX_DOCX_BYTES = 30 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_XML_PART_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
_WORD_MAIN = b"wordprocessingml.document.main+xml"
_DOCTYPE_MARKERS = tuple(
    marker.encode(enc)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("ascii", "utf-16-le", "utf-16-be")
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Strict Open XML → Transitional namespaces (ISO/IEC 29500-1 vs -4); element names are the same.
_STRICT_NAMESPACES = {
    b"http://purl.oclc.org/ooxml/wordprocessingml/main": W.encode(),
    b"http://purl.oclc.org/ooxml/officeDocument/relationships": (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ),
}


def q(name: str) -> str:
    """`w:tbl` → `{namespace}tbl`."""
    return f"{{{W}}}{name.split(':', 1)[1]}"


_WRAPPERS = frozenset(
    {q("w:sdt"), q("w:sdtContent"), q("w:customXml"), q("w:ins"), q("w:smartTag")}
)
_SKIPPED = frozenset({q("w:del"), q("w:moveFrom"), q("w:sdtPr"), q("w:sdtEndPr")})


def read_source(source: Path | str | bytes, limit: int = MAX_DOCX_BYTES) -> bytes:
    """The bytes of a file or of `source` itself, refusing more than `limit` bytes."""
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            if path.stat().st_size > limit:
                raise ReportImportError(too_big_message(limit))
            data = path.read_bytes()
        except FileNotFoundError:
            raise ReportImportError(f"找不到文件 {path}，请检查路径") from None
        except IsADirectoryError:
            raise ReportImportError(f"{path} 是文件夹，请指定一个文件") from None
        except OSError as exc:
            raise ReportImportError(f"无法读取文件 {path}：{exc.strerror}") from None
    if len(data) > limit:
        raise ReportImportError(too_big_message(limit))
    return data


def too_big_message(limit: int = MAX_DOCX_BYTES) -> str:
    """The message for a file over `limit` bytes."""
    return f"文件超过 {limit // (1024 * 1024)} MB，不像是一份年度报告；请删去图片后另存再导入"


def read_docx(data: bytes) -> PublishedDocument:
    """Paragraphs and tables of a .docx, after the package checks.

    Raises `ReportImportError` (Chinese) for anything that is not a safe, readable .docx.
    """
    check_package(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(_main_part(archive))
    for strict, transitional in _STRICT_NAMESPACES.items():
        xml = xml.replace(strict, transitional)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        raise ReportImportError(
            "无法打开该 Word 文件：内容已损坏或不是 .docx 格式。请用 Word 或 WPS 打开后另存为 .docx 再导入"
        ) from None
    body = root.find(q("w:body"))
    if body is None:
        raise ReportImportError(
            "无法打开该 Word 文件：找不到正文。请用 Word 或 WPS 打开后另存为 .docx 再导入"
        )
    document = PublishedDocument("docx")
    _walk(body, document)
    return document


def _main_part(archive: zipfile.ZipFile) -> str:
    types = etree.fromstring(archive.read("[Content_Types].xml"), etree.XMLParser(no_network=True))
    for override in types:
        if str(override.get("ContentType", "")).endswith("document.main+xml"):
            name = str(override.get("PartName", "")).lstrip("/")
            if name in archive.namelist():
                return name
    raise ReportImportError("文件不是 .docx 格式（找不到文档正文部件）")


def _walk(element: Any, document: PublishedDocument) -> None:
    """Collect paragraphs and innermost tables under `element`, in document order."""
    for child in element:
        tag = child.tag
        if tag == q("w:p"):
            text = paragraph_text(child)
            if text:
                document.paragraphs.append(text)
        elif tag == q("w:tbl"):
            if _is_layout_table(child):
                for tc in _cells(child):
                    _walk(tc, document)
            else:
                if len(document.tables) >= MAX_TABLES:
                    raise ReportImportError(
                        f"文件中的表格超过 {MAX_TABLES} 张，不像是一份年度报告；请核对文件"
                    )
                document.tables.append(read_table(child))
        elif tag in _WRAPPERS:
            _walk(child, document)


def _is_layout_table(tbl: Any) -> bool:
    """A table holding other tables, or a single cell: it lays out the page, it is not data."""
    if tbl.find(f".//{q('w:tbl')}") is not None:
        return True
    return len(list(_cells(tbl))) <= 1


def _cells(tbl: Any) -> Iterator[Any]:
    for tr in _descend(tbl, q("w:tr")):
        yield from _descend(tr, q("w:tc"))


def _descend(element: Any, wanted: str) -> Iterator[Any]:
    """Children of `element` with tag `wanted`, looking through content controls and insertions."""
    for child in element:
        if child.tag == wanted:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _descend(child, wanted)


def paragraph_text(p: Any) -> str:
    """A `w:p`'s visible text: tracked deletions, moved-away and hidden runs left out; tabs as spaces."""
    parts: list[str] = []
    for node in p.iter(q("w:t"), q("w:tab"), q("w:br")):
        if _hidden(node, p):
            continue
        parts.append((node.text or "") if node.tag == q("w:t") else " ")
    return "".join(parts).strip()


def _hidden(node: Any, stop: Any) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in _SKIPPED:
            return True
        if parent.tag == q("w:r"):
            rpr = parent.find(q("w:rPr"))
            if rpr is not None and rpr.find(q("w:vanish")) is not None:
                return True
        parent = parent.getparent()
    return False


def _cell_text(tc: Any) -> str:
    return "\n".join(paragraph_text(p) for p in tc.iter(q("w:p"))).strip()


def read_table(tbl: Any) -> Lattice:
    """A `w:tbl` as a lattice; vertically merged cells repeat the identity of the cell above.

    Raises `ReportImportError` for spans that are not numbers or wider than a table can be.
    """
    rows: Lattice = []
    serial = 0  # cell identity; id() of lxml proxies is not stable
    for tr in _descend(tbl, q("w:tr")):
        if len(rows) >= MAX_TABLE_ROWS:
            raise ReportImportError(
                f"表格超过 {MAX_TABLE_ROWS} 行，不像是年度报告的表格；请核对文件"
            )
        trpr = tr.find(q("w:trPr"))
        if trpr is not None and trpr.find(q("w:del")) is not None:
            continue  # a row deleted with track changes on
        row: list[tuple[int, str]] = []
        before = trpr.find(q("w:gridBefore")) if trpr is not None else None
        if before is not None:
            row += [(-1, "")] * span_value(before.get(q("w:val")), "行首空列数（gridBefore）", 0, 0)
        for tc in _descend(tr, q("w:tc")):
            tcpr = tc.find(q("w:tcPr"))
            span, vmerge = 1, None
            if tcpr is not None:
                grid_span = tcpr.find(q("w:gridSpan"))
                if grid_span is not None:
                    span = span_value(grid_span.get(q("w:val")), "合并列数（gridSpan）")
                vmerge = tcpr.find(q("w:vMerge"))
            check_row_width(len(row) + span)
            col = len(row)
            serial += 1
            if vmerge is not None and vmerge.get(q("w:val"), "continue") == "continue" and rows:
                above = rows[-1][col] if col < len(rows[-1]) else (serial, "")
                row += [above] * span
            else:
                row += [(serial, _cell_text(tc))] * span
        rows.append(row)
    slivers = _sliver_columns(tbl)
    if slivers:
        rows = [[cell for c, cell in enumerate(row) if c not in slivers] for row in rows]
    return rows


# Grid columns narrower than this (in twips; 30 ≈ 0.5 mm) are rounding left-overs of the
# program that wrote the file (LibreOffice leaves 1-twip columns), not columns anyone sees.
SLIVER_TWIPS = 30


def _sliver_columns(tbl: Any) -> set[int]:
    grid = tbl.find(q("w:tblGrid"))
    if grid is None:
        return set()
    out = set()
    for index, col in enumerate(grid.iterchildren(q("w:gridCol"))):
        width = str(col.get(q("w:w")) or "")
        if width.isascii() and width.isdigit() and 0 < int(width) < SLIVER_TWIPS:
            out.add(index)
    return out


# --- package checks ----------------------------------------------------------------------------


def check_package(data: bytes) -> None:
    """Refuse non-docx content, zip bombs and XML with a DTD before any XML is parsed."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportImportError(
            "这是旧版 .doc 文件或加密的文档；请用 Word 或 WPS 打开，去掉密码后另存为 .docx 再导入"
        )
    if not data.startswith(b"PK"):
        raise ReportImportError("文件不是 .docx 格式（内容不是 Word 2007 及以后的文档）")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ReportImportError(
            "文件已损坏，无法作为 .docx 打开；请在 Word 或 WPS 中另存后再导入"
        ) from None
    with archive:
        try:
            _check_members(archive, members)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error):
            raise ReportImportError(  # a member whose header or data is damaged
                "文件已损坏，无法作为 .docx 打开；请在 Word 或 WPS 中另存后再导入"
            ) from None


def _check_members(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise ReportImportError(_unsafe_message("包含的部件过多"))
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        raise ReportImportError(_unsafe_message("解压后体积过大"))
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
            raise ReportImportError(_unsafe_message("压缩比异常（疑似压缩炸弹）"))
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names:
        raise ReportImportError("文件不是 .docx 格式（缺少内容类型说明）")
    content_types = archive.read("[Content_Types].xml")
    if b"macroEnabled" in content_types:
        raise ReportImportError("这是启用宏的文档（.docm）；请另存为普通的 .docx 再导入")
    if _WORD_MAIN not in content_types:
        kind = "Excel 表格" if b"spreadsheetml" in content_types else "Word 文档"
        raise ReportImportError(
            f"文件不是 Word 文档（看起来是{kind}）；请导入 .docx 格式的年度报告"
        )
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")):
            _refuse_dtd(archive, member)


def _unsafe_message(reason: str) -> str:
    return f"文件结构异常：{reason}，为安全起见拒绝读取。请在 Word 或 WPS 中另存为 .docx 后再导入"


def _refuse_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    if member.file_size > MAX_XML_PART_BYTES:
        raise ReportImportError(_unsafe_message(f"部件 {member.filename} 过大"))
    tail = b""
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(1 << 16):
                window = tail + chunk
                if any(marker in window for marker in _DOCTYPE_MARKERS):
                    raise ReportImportError(
                        "文件中含有不支持的内容（XML 文档类型声明），为安全起见拒绝读取；"
                        "请在 Word 或 WPS 中另存为 .docx 后再导入"
                    )
                tail = window[-32:]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ReportImportError(
            "文件已损坏，无法作为 .docx 打开；请在 Word 或 WPS 中另存后再导入"
        ) from None
