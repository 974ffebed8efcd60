"""The Word (.docx) document: writing the report in the official layout, reading tables back.

This is the only module that imports python-docx. Layout follows GB/T 9704-2012 (A4, margins
37/35/28/26 mm, 三号 仿宋 body on a fixed 28.95 pt line, 黑体 / 楷体 headings, `— N —` page
numbers); the tables are drawn from the grids in `tables.py`, 表三 and 表四 on landscape pages.
What the document says comes from `export.plan_document`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from pydantic import ValidationError

from .checks import Finding
from .datafile import atomic_write_bytes, problems_from_validation
from .export import (
    DRAFT_MARK,
    Block,
    DocumentTemplate,
    ExportBlocked,
    plan_document,
)
from .model import Meta, Report, default_format_for
from .numbers import NumberError, parse_count
from .tables import Cell, Grid, table2_grid, table3_grid, table4_grid

__all__ = [
    "DocxImportError",
    "ExportBlocked",
    "ExportResult",
    "build_docx",
    "export_docx",
    "import_docx",
]

# --- typography -------------------------------------------------------------------------------

LATIN = "Times New Roman"
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TABLE_FONT = "宋体"
PAGE_NUMBER_FONT = "宋体"

SIZE_TITLE = 22.0  # 二号
SIZE_BODY = 16.0  # 三号
SIZE_PAGE_NUMBER = 14.0  # 四号
SIZE_TABLE = 10.5  # 五号 (表二, portrait)
SIZE_TABLE_SMALL = 9.0  # 小五 (表三、表四, landscape)
LINE_PITCH = 28.95  # pt, GB/T 9704 行 = 1 + 7/8 of a 三号 character
INDENT = 2 * SIZE_BODY  # two characters

A4_SHORT, A4_LONG = Mm(210), Mm(297)
MARGINS_PORTRAIT = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# The portrait 版心 turned a quarter: the binding margin is now at the top.
MARGINS_LANDSCAPE = {"top": 28, "bottom": 26, "left": 37, "right": 35}

TWIPS_PER_MM = 1440 / 25.4
# Column widths in mm per table layout; every row must still fit the 版心 width.
COLUMN_WIDTHS_MM: dict[tuple[str, int], tuple[float, ...]] = {
    ("表二", 4): (50.0, 35.0, 35.0, 35.0),
    ("表二", 5): (40.0, 29.0, 29.0, 29.0, 29.0),
    ("表三", 10): (7.0, 25.0, 82.0, 12.0, 15.5, 15.5, 22.0, 22.0, 12.0, 12.0),
    ("表四", 15): (15.0,) * 15,
}
CELL_MARGIN_TWIPS = 45  # left/right padding inside table cells (0.8 mm)


def _rpr(east_asia: str, size: float, latin: str = LATIN, bold: bool = False) -> str:
    half_points = round(size * 2)
    return (
        f'<w:rPr><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" '
        f'w:cs="{latin}" w:hint="eastAsia"/>{"<w:b/><w:bCs/>" if bold else ""}'
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>'
    )


def _run(text: str, rpr: str) -> str:
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _ppr(
    *,
    align: str = "both",
    first_line: float = INDENT,
    right: float = 0.0,
    line: float = LINE_PITCH,
    before: float = 0.0,
    after: float = 0.0,
    keep_next: bool = False,
    outline: int | None = None,
) -> str:
    spacing = f'w:before="{round(before * 20)}" w:after="{round(after * 20)}"'
    if line:
        spacing += f' w:line="{round(line * 20)}" w:lineRule="exact"'
    return (
        "<w:pPr>"
        + ("<w:keepNext/>" if keep_next else "")
        + '<w:widowControl w:val="0"/>'
        + f"<w:spacing {spacing}/>"
        + f'<w:ind w:left="0" w:right="{round(right * 20)}" w:firstLine="{round(first_line * 20)}"/>'
        + f'<w:jc w:val="{align}"/>'
        + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "")
        + "</w:pPr>"
    )


def _paragraph_xml(block: Block, *, first_closing: bool = False) -> str:
    body_rpr = _rpr(BODY_FONT, SIZE_BODY)
    if block.kind == "title":
        rpr = _rpr(TITLE_FONT, SIZE_TITLE)
        runs = f"<w:r>{rpr}<w:br/></w:r>".join(_run(line, rpr) for line in block.text.split("\n"))
        ppr = _ppr(align="center", first_line=0, line=36.0, after=LINE_PITCH)
        return f"<w:p {nsdecls('w')}>{ppr}{runs}</w:p>"
    if block.kind == "heading":
        ppr = _ppr(keep_next=True, outline=0)
        return f"<w:p {nsdecls('w')}>{ppr}{_run(block.text, _rpr(HEADING_FONT, SIZE_BODY))}</w:p>"
    if block.kind == "subheading":
        ppr = _ppr(keep_next=True, outline=1)
        return (
            f"<w:p {nsdecls('w')}>{ppr}{_run(block.text, _rpr(SUBHEADING_FONT, SIZE_BODY))}</w:p>"
        )
    if block.kind == "closing":
        # 落款 two blank lines below the text, 右空二字
        before = 2 * LINE_PITCH if first_closing else 0.0
        ppr = _ppr(align="right", first_line=0, right=INDENT, before=before)
        return f"<w:p {nsdecls('w')}>{ppr}{_run(block.text, body_rpr)}</w:p>"
    runs = _run(block.lead, _rpr(SUBHEADING_FONT, SIZE_BODY)) if block.lead else ""
    if block.text:
        runs += _run(block.text, body_rpr)
    return f"<w:p {nsdecls('w')}>{_ppr()}{runs}</w:p>"


# --- tables -----------------------------------------------------------------------------------


def _table_xml(grid: Grid) -> str:
    widths = [round(mm * TWIPS_PER_MM) for mm in COLUMN_WIDTHS_MM[(grid.name, grid.cols)]]
    size = SIZE_TABLE if grid.name == "表二" else SIZE_TABLE_SMALL
    starts = _cell_starts(grid)
    rows = "".join(_row_xml(grid, r, starts[r], widths, size) for r in range(grid.rows))
    return f"<w:tbl {nsdecls('w')}>{_table_properties(widths)}{rows}</w:tbl>"


def _table_properties(widths: list[int]) -> str:
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(
        border.format(b) for b in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    margins = "".join(
        f'<w:{side} w:w="{w}" w:type="dxa"/>'
        for side, w in (
            ("top", 14),
            ("left", CELL_MARGIN_TWIPS),
            ("bottom", 14),
            ("right", CELL_MARGIN_TWIPS),
        )
    )
    return (
        f'<w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f"<w:tblCellMar>{margins}</w:tblCellMar>"
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
    )


def _cell_starts(grid: Grid) -> list[list[tuple[Cell, bool]]]:
    """Per row, the cells that begin a `w:tc` there, left to right; True = vMerge continuation."""
    starts: list[list[tuple[Cell, bool]]] = [[] for _ in range(grid.rows)]
    for cell in grid.cells:
        starts[cell.row].append((cell, False))
        for r in range(cell.row + 1, cell.row + cell.rowspan):
            starts[r].append((cell, True))
    for row in starts:
        row.sort(key=lambda item: item[0].col)
    return starts


def _row_xml(
    grid: Grid, r: int, cells: list[tuple[Cell, bool]], widths: list[int], size: float
) -> str:
    header = "<w:tblHeader/>" if r < grid.header_rows else ""
    # keep-with-next on every row but the last keeps a table on one page where it fits
    keep = r < grid.rows - 1
    tcs = "".join(_cell_xml(cell, continued, widths, size, keep) for cell, continued in cells)
    return f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>{tcs}</w:tr>"


def _cell_xml(cell: Cell, continued: bool, widths: list[int], size: float, keep: bool) -> str:
    width = sum(widths[cell.col : cell.col + cell.colspan])
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if cell.colspan > 1:
        tcpr += f'<w:gridSpan w:val="{cell.colspan}"/>'
    if cell.rowspan > 1:
        tcpr += "<w:vMerge/>" if continued else '<w:vMerge w:val="restart"/>'
    tcpr += '<w:vAlign w:val="center"/>'
    # long row labels (表三 c1–c2) read better flush left; headers, numbers, groups centred
    flush_left = cell.kind == "label" and cell.rowspan == 1 and cell.col + cell.colspan > 2
    ppr = _ppr(
        align="left" if flush_left else "center",
        first_line=0,
        line=size + 2.0,
        keep_next=keep,
    )
    text = "" if continued else _run(cell.text, _rpr(TABLE_FONT, size))
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p>{ppr}{text}</w:p></w:tc>"


# --- document ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    data: bytes
    findings: list[Finding]


def build_docx(
    report: Report, *, force: bool = False, template: DocumentTemplate | None = None
) -> ExportResult:
    """The report as .docx bytes, and the export-time warnings.

    Raises `ExportBlocked` when the checks find errors, unless `force` (then every page
    header says 草稿).
    """
    plan = plan_document(report, force=force, template=template)
    doc = Document()
    _set_properties(doc, plan.title, plan.agency)
    _set_styles(doc)
    _set_page(doc.sections[0], landscape=False)
    _add_page_numbers(doc)
    if plan.draft:
        _add_draft_header(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    closing_seen = False
    for block in plan.blocks:
        if block.kind == "landscape":
            _set_page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=block.text == "on")
        elif block.kind == "table":
            assert block.grid is not None
            body.sectPr.addprevious(parse_xml(_table_xml(block.grid)))
            body.sectPr.addprevious(parse_xml(_table_gap_xml()))
        else:
            first_closing = block.kind == "closing" and not closing_seen
            closing_seen = closing_seen or block.kind == "closing"
            xml = _paragraph_xml(block, first_closing=first_closing)
            body.sectPr.addprevious(parse_xml(xml))
    out = io.BytesIO()
    doc.save(out)
    return ExportResult(out.getvalue(), plan.findings)


def export_docx(
    report: Report,
    path: str | Path,
    *,
    force: bool = False,
    template: DocumentTemplate | None = None,
) -> list[Finding]:
    """Write the .docx atomically (the old file stays intact on failure); the warnings."""
    result = build_docx(report, force=force, template=template)
    atomic_write_bytes(path, result.data)
    return result.findings


def _table_gap_xml() -> str:
    """A small empty paragraph after a table, so two tables never fuse into one."""
    return f"<w:p {nsdecls('w')}>{_ppr(first_line=0, line=12.0)}</w:p>"


def _set_properties(doc: Any, title: str, agency: str) -> None:
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):  # python-docx's template preview image
            del package.rels[rel_id]
    props = doc.core_properties
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.title = title
    props.author = agency
    props.last_modified_by = "draftbot"
    props.comments = ""
    props.keywords = "政府信息公开工作年度报告"
    props.created = now
    props.modified = now
    props.revision = 1


def _set_styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(SIZE_BODY)
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    rpr_default = doc.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"
    )
    if rpr_default is not None:
        _set_fonts(rpr_default, BODY_FONT)
        for lang in rpr_default.iterchildren(qn("w:lang")):
            lang.set(qn("w:eastAsia"), "zh-CN")


def _set_fonts(rpr: Any, east_asia: str, latin: str = LATIN) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for name in list(fonts.attrib):
        if name.endswith("Theme"):  # theme fonts would override the explicit names
            del fonts.attrib[name]
    for attr, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin)):
        fonts.set(qn(f"w:{attr}"), value)


def _set_page(section: Any, *, landscape: bool) -> None:
    margins = MARGINS_LANDSCAPE if landscape else MARGINS_PORTRAIT
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    )
    section.top_margin = Mm(margins["top"])
    section.bottom_margin = Mm(margins["bottom"])
    section.left_margin = Mm(margins["left"])
    section.right_margin = Mm(margins["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(23 if not landscape else 14)  # number 7 mm below the 版心


def _page_number_xml(align: str) -> str:
    rpr = _rpr(PAGE_NUMBER_FONT, SIZE_PAGE_NUMBER, latin=PAGE_NUMBER_FONT)
    one_char = round(SIZE_PAGE_NUMBER * 20)
    side = "right" if align == "right" else "left"
    return (
        f"<w:p {nsdecls('w')}><w:pPr>"
        f'<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:{side}="{one_char}" w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr>'
        + _run("— ", rpr)
        + f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        + f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        + f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        + _run("1", rpr)
        + f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
        + _run(" —", rpr)
        + "</w:p>"
    )


def _replace_paragraphs(part: Any, xml: str) -> None:
    element = part._element
    for p in list(element.iterchildren(qn("w:p"))):
        element.remove(p)
    element.append(parse_xml(xml))


def _add_page_numbers(doc: Any) -> None:
    """Odd pages: number at the right; even pages: at the left (GB/T 9704 §7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _replace_paragraphs(section.footer, _page_number_xml("right"))
    _replace_paragraphs(section.even_page_footer, _page_number_xml("left"))


def _add_draft_header(doc: Any) -> None:
    section = doc.sections[0]
    xml = (
        f'<w:p {nsdecls("w")}><w:pPr><w:jc w:val="center"/></w:pPr>'
        + _run(DRAFT_MARK, _rpr(HEADING_FONT, SIZE_BODY, bold=True))
        + "</w:p>"
    )
    _replace_paragraphs(section.header, xml)
    _replace_paragraphs(section.even_page_header, xml)


# --- reading back -----------------------------------------------------------------------------

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


class DocxImportError(Exception):
    """A .docx that cannot be read back; the message (Chinese) says why and what to do."""


def import_docx(
    source: Path | str | bytes,
    *,
    agency: str | None = None,
    report_year: int | None = None,
) -> Report:
    """Read 表二、表三、表四 (and agency and year from the title) of a .docx in the official layout.

    Labels may differ from ours in whitespace, bracket width, punctuation and 行政规范性文件
    vs 规范性文件; the 2019 (试行) and 2021 formats are told apart by their labels. A
    `agency`/`report_year` given here wins over the title.
    """
    data = _read_source(source)
    _check_package(data)
    try:
        document = Document(io.BytesIO(data))
    except Exception:
        raise DocxImportError(
            "无法打开该 Word 文件：内容已损坏或不是 .docx 格式。请用 Word 或 WPS 打开后另存为 .docx 再导入"
        ) from None
    body = document.element.body
    tables = [_read_table(tbl) for tbl in body.iter(qn("w:tbl"))]
    title_agency, title_year = _title_meta(body)
    agency = agency or title_agency
    report_year = report_year or title_year
    if not agency or not report_year:
        raise DocxImportError(
            "无法从标题识别机关名称和年度（标题应为“机关全称＋年份＋年政府信息公开工作年度报告”）；"
            "请用 --agency 和 --year 指定"
        )
    version, table2 = _import_table2(tables)
    table3 = _import_table3(tables, version)
    table4 = _import_table4(tables)
    meta: dict[str, Any] = {"agency": agency, "report_year": report_year}
    if version != default_format_for(report_year):
        meta["format_version"] = version
    data_dict: dict[str, Any] = {"meta": meta, "table3": table3, "table4": table4}
    data_dict["table2_2019" if version == "2019" else "table2"] = table2
    try:
        report = Report.model_validate(data_dict)
    except ValidationError as exc:
        problems = "；".join(str(p) for p in problems_from_validation(exc))
        raise DocxImportError(f"表格中的数字无法读取：{problems}") from None
    _drop_redundant_totals(report)
    return report


def _read_source(source: Path | str | bytes) -> bytes:
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > MAX_DOCX_BYTES:
                raise DocxImportError(_too_big_message())
            data = path.read_bytes()
        except FileNotFoundError:
            raise DocxImportError(f"找不到文件 {path}，请检查路径") from None
        except OSError as exc:
            raise DocxImportError(f"无法读取文件 {path}：{exc.strerror}") from None
    if len(data) > MAX_DOCX_BYTES:
        raise DocxImportError(_too_big_message())
    return data


def _too_big_message() -> str:
    return (
        f"文件超过 {MAX_DOCX_BYTES // (1024 * 1024)} MB，不像是一份年度报告；请删去图片后另存再导入"
    )


def _check_package(data: bytes) -> None:
    """Refuse non-docx content, zip bombs and XML with a DTD before python-docx sees it."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocxImportError(
            "这是旧版 .doc 文件或加密的文档；请用 Word 或 WPS 打开，去掉密码后另存为 .docx 再导入"
        )
    if not data.startswith(b"PK"):
        raise DocxImportError("文件不是 .docx 格式（内容不是 Word 2007 及以后的文档）")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DocxImportError(
            "文件已损坏，无法作为 .docx 打开；请在 Word 或 WPS 中另存后再导入"
        ) from None
    with archive:
        if len(members) > MAX_ZIP_MEMBERS:
            raise DocxImportError(_unsafe_message("包含的部件过多"))
        if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
            raise DocxImportError(_unsafe_message("解压后体积过大"))
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
                raise DocxImportError(_unsafe_message("压缩比异常（疑似压缩炸弹）"))
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names:
            raise DocxImportError("文件不是 .docx 格式（缺少内容类型说明）")
        content_types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in content_types:
            raise DocxImportError("这是启用宏的文档（.docm）；请另存为普通的 .docx 再导入")
        if _WORD_MAIN not in content_types:
            kind = "Excel 表格" if b"spreadsheetml" in content_types else "Word 文档"
            raise DocxImportError(
                f"文件不是 Word 文档（看起来是{kind}）；请导入 .docx 格式的年度报告"
            )
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels")):
                _refuse_dtd(archive, member)


def _unsafe_message(reason: str) -> str:
    return f"文件结构异常：{reason}，为安全起见拒绝读取。请在 Word 或 WPS 中另存为 .docx 后再导入"


def _refuse_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    if member.file_size > MAX_XML_PART_BYTES:
        raise DocxImportError(_unsafe_message(f"部件 {member.filename} 过大"))
    tail = b""
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(1 << 16):
                window = tail + chunk
                if any(marker in window for marker in _DOCTYPE_MARKERS):
                    raise DocxImportError(
                        "文件中含有不支持的内容（XML 文档类型声明），为安全起见拒绝读取；"
                        "请在 Word 或 WPS 中另存为 .docx 后再导入"
                    )
                tail = window[-32:]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise DocxImportError(
            "文件已损坏，无法作为 .docx 打开；请在 Word 或 WPS 中另存后再导入"
        ) from None


# A table as read from the .docx: per row, per grid column, (cell identity, text).
Lattice = list[list[tuple[int, str]]]


def _cell_text(tc: Any) -> str:
    """Visible text of a cell: tracked insertions kept, deletions and hidden runs left out."""
    paragraphs = []
    for p in tc.iter(qn("w:p")):
        texts = []
        for t in p.iter(qn("w:t")):
            run = t.getparent()
            rpr = run.find(qn("w:rPr")) if run is not None else None
            if rpr is not None and rpr.find(qn("w:vanish")) is not None:
                continue
            texts.append(t.text or "")
        paragraphs.append("".join(texts))
    return "\n".join(paragraphs).strip()


def _read_table(tbl: Any) -> Lattice:
    rows: Lattice = []
    serial = 0  # cell identity; id() of lxml proxies is not stable
    for tr in tbl.iterchildren(qn("w:tr")):
        row: list[tuple[int, str]] = []
        trpr = tr.find(qn("w:trPr"))
        before = trpr.find(qn("w:gridBefore")) if trpr is not None else None
        if before is not None:
            row += [(-1, "")] * int(before.get(qn("w:val"), "0"))
        for tc in _row_cells(tr):
            tcpr = tc.find(qn("w:tcPr"))
            span = 1
            vmerge = None
            if tcpr is not None:
                grid_span = tcpr.find(qn("w:gridSpan"))
                span = int(grid_span.get(qn("w:val"), "1")) if grid_span is not None else 1
                vmerge = tcpr.find(qn("w:vMerge"))
            col = len(row)
            serial += 1
            if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue" and rows:
                above = rows[-1][col] if col < len(rows[-1]) else (serial, "")
                row += [above] * span
            else:
                row += [(serial, _cell_text(tc))] * span
        rows.append(row)
    return rows


def _row_cells(tr: Any) -> Iterator[Any]:
    """The cells of a row, including those wrapped in content controls or tracked insertions."""
    for child in tr:
        if child.tag == qn("w:tc"):
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:customXml"), qn("w:ins")):
            yield from child.iter(qn("w:tc"))


def _distinct(row: list[tuple[int, str]]) -> list[str]:
    """Texts of a row's cells, one per cell however many grid columns it spans."""
    out, last = [], None
    for ident, text in row:
        if ident != last and ident != -1:
            out.append(text)
        last = ident
    return out


_PUNCT = re.compile(r"[\s()\[\]{}<>【】〔〕《》,.;:!?、。，；：！？“”‘’\"'·•・/／\\\-—–_]+")


def normalize_label(text: str) -> str:
    """A label reduced for matching: NFKC, no whitespace or punctuation, 行政规范性文件 → 规范性文件."""
    text = _PUNCT.sub("", unicodedata.normalize("NFKC", text))
    return text.replace("行政规范性文件", "规范性文件")


def _is_number(text: str) -> bool:
    try:
        parse_count(text.lstrip("+-"))
    except NumberError:
        return bool(re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text.strip().replace(",", "")))
    return True


@lru_cache(maxsize=2)
def _empty_report(version: str) -> Report:
    year = 2020 if version == "2019" else 2021
    return Report(meta=Meta(agency="示例机关", report_year=year))


def _find_table(tables: list[Lattice], marker: str, name: str) -> Lattice:
    """The first table with a cell whose label equals `marker` (normalized)."""
    wanted = normalize_label(marker)
    for table in tables:
        if any(normalize_label(text) == wanted for row in table for _, text in row):
            return table
    raise DocxImportError(
        f"文件中没有找到{name}（找不到“{marker}”一栏）；请确认这是按官方格式填写的年度报告"
    )


# --- 表二 ---


def _table2_layout(version: str) -> tuple[dict[tuple[str, str], str], str, str]:
    """(row label, column header) → data path; the header-row marker; the first section title."""
    grid = table2_grid(_empty_report(version))
    matrix = grid.matrix()
    mapping: dict[tuple[str, str], str] = {}
    header_marker = matrix[1][0]
    for cell in grid.value_cells():
        header_row = max(r for r in range(cell.row) if matrix[r][0] == header_marker)
        key = (normalize_label(matrix[cell.row][0]), normalize_label(matrix[header_row][cell.col]))
        mapping[key] = cell.key or ""
    return mapping, header_marker, matrix[0][0]


def _import_table2(tables: list[Lattice]) -> tuple[str, dict[str, Any]]:
    layouts = {version: _table2_layout(version) for version in ("2021", "2019")}
    _, header_marker, first_title = layouts["2021"]
    table = _find_table(tables, first_title, "表二（主动公开政府信息情况）")
    marker = normalize_label(header_marker)
    for version, (mapping, _, _) in layouts.items():
        values: dict[str, str] = {}
        headers: list[str] = []
        matched = True
        for row in table:
            cells = _distinct(row)
            if not cells:
                continue
            first = normalize_label(cells[0])
            if first == marker:
                headers = [normalize_label(c) for c in cells[1:]]
                continue
            row_values = cells[1:]
            keys = [mapping.get((first, h)) for h in headers]
            if any(k for k in keys) and len(row_values) == len(headers):
                for key, text in zip(keys, row_values, strict=True):
                    if key is None:
                        matched = False
                    else:
                        values[key] = text
        if matched and len(values) == len(mapping):
            return version, _nest(values, "table2_2019" if version == "2019" else "table2")
    raise DocxImportError(
        "表二（主动公开政府信息情况）的栏目与 2019（试行）或 2021 格式都不一致，或缺少某一行；"
        "请核对表格是否完整"
    )


def _nest(values: dict[str, str], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, text in values.items():
        parts = path.split(".")
        assert parts[0] == prefix
        node = out
        for part in parts[1:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = text
    return out


# --- 表三 ---


def _import_table3(tables: list[Lattice], table2_version: str) -> dict[str, Any]:
    probe = table3_grid(_empty_report("2021"))
    table = _find_table(tables, probe.matrix()[0][3], "表三（收到和处理政府信息公开申请情况）")
    leaves = {**_table3_leaves("2019"), **_table3_leaves("2021")}
    found: dict[str, list[str]] = {}
    for row in table:
        cells = _distinct(row)
        labels = [text for text in cells[:-7] if text]
        if len(cells) < 8 or not labels:
            continue
        key = leaves.get(normalize_label(labels[-1]))
        values = cells[-7:]
        if key is None or not all(_is_number(v) or v == "" for v in values):
            continue
        if key in found:
            raise DocxImportError(f"表三中“{labels[-1]}”一行出现了两次；请删去重复的行")
        found[key] = values
    versions_seen = set()
    if "other_processing" in found:
        versions_seen.add("2019")
    if {"other_no_correction", "other_no_fee_paid", "other_other"} & set(found):
        versions_seen.add("2021")
    if len(versions_seen) > 1:
        raise DocxImportError(
            "表三同时含有 2019（试行）和 2021 格式的“（六）其他处理”行；请核对表格"
        )
    version = versions_seen.pop() if versions_seen else table2_version
    _check_table3_columns(table, version)
    grid = table3_grid(_empty_report(version))
    matrix = grid.matrix()
    out: dict[str, Any] = {}
    for cell in grid.value_cells():
        _, key, column = (cell.key or "").split(".")
        if key not in found:
            raise DocxImportError(f"表三缺少“{matrix[cell.row][2]}”一行；请核对表格是否完整")
        index = (*_applicant_order(grid),).index(column)
        out.setdefault(key, {})[column] = found[key][index]
    return out


@lru_cache(maxsize=2)
def _table3_leaves(version: str) -> dict[str, str]:
    grid = table3_grid(_empty_report(version))
    matrix = grid.matrix()
    leaves = {}
    for cell in grid.value_cells():
        key = (cell.key or "").split(".")[1]
        leaves[normalize_label(matrix[cell.row][2])] = key
    return leaves


def _applicant_order(grid: Grid) -> tuple[str, ...]:
    first_body = min(cell.row for cell in grid.value_cells())
    cells = sorted((c for c in grid.value_cells() if c.row == first_body), key=lambda c: c.col)
    return tuple((c.key or "").split(".")[2] for c in cells)


def _check_table3_columns(table: Lattice, version: str) -> None:
    grid = table3_grid(_empty_report(version))
    _check_header_columns(table, grid, "表三")


def _check_header_columns(table: Lattice, grid: Grid, name: str) -> None:
    """Each data column's header labels (bottom-aligned grid columns) match the official ones."""
    matrix = grid.matrix()
    data_cols = sorted({c.col for c in grid.value_cells()})
    header = [row for row in table[: grid.header_rows + 2] if row]
    for offset, col in enumerate(reversed(data_cols), start=1):
        expected = {normalize_label(matrix[r][col]) for r in range(grid.header_rows)}
        seen = {normalize_label(row[-offset][1]) for row in header if len(row) >= offset}
        if not expected <= seen:
            raise DocxImportError(
                f"{name}的第 {len(data_cols) - offset + 1} 个数据列应为“{matrix[grid.header_rows - 1][col]}”，"
                "与文件中的表头不一致；请核对列的顺序"
            )


# --- 表四 ---


def _import_table4(tables: list[Lattice]) -> dict[str, Any]:
    grid = table4_grid(_empty_report("2021"))
    matrix = grid.matrix()
    table = _find_table(tables, matrix[1][5], "表四（政府信息公开行政复议、行政诉讼情况）")
    _check_header_columns(table, grid, "表四")
    value_cols = len(list(grid.value_cells()))
    for row in table:
        cells = _distinct(row)
        if len(cells) >= value_cols and all(_is_number(v) or v == "" for v in cells[-value_cols:]):
            values = cells[-value_cols:]
            out: dict[str, Any] = {}
            for cell, text in zip(
                sorted(grid.value_cells(), key=lambda c: c.col), values, strict=True
            ):
                _, block, column = (cell.key or "").split(".")
                out.setdefault(block, {})[column] = text
            return out
    raise DocxImportError("表四（行政复议、行政诉讼情况）中没有找到数字行；请核对表格是否完整")


def _drop_redundant_totals(report: Report) -> None:
    """A 总计 equal to the sum is not a stated total: let the tool compute it (identity round trip)."""
    t3 = report.table3
    for name in type(t3).model_fields:
        row = getattr(t3, name)
        if row is not None and row.total is not None and row.total == row.computed_total:
            row.total = None
    if t3.results_total is not None:
        computed = t3.computed_results_total(report.format_version)
        stated = t3.results_total
        if stated.values() == computed.values() and stated.shown_total == computed.shown_total:
            t3.results_total = None
    for block in ("review", "litigation_direct", "litigation_after_review"):
        counts = getattr(report.table4, block)
        if counts.total is not None and counts.total == counts.computed_total:
            counts.total = None


# --- title ---

_TITLE_RE = re.compile(r"^(.{2,100}?)((?:19|20)\d{2})年度?政府信息公开工作年度报告")


def _title_meta(body: Any) -> tuple[str | None, int | None]:
    texts = []
    for p in body.iterchildren(qn("w:p")):
        text = re.sub(r"\s+", "", "".join(t.text or "" for t in p.iter(qn("w:t"))))
        if not text:
            continue
        texts.append(text)
        for start in range(len(texts)):
            match = _TITLE_RE.match("".join(texts[start:]))
            if match:
                return match.group(1), int(match.group(2))
        if len(texts) >= 4:
            break
    return None, None
