"""The Word (.docx) document: writing the report in the official layout, reading tables back.

This is the only module that imports python-docx. Layout follows GB/T 9704-2012 (A4, margins
37/35/28/26 mm, 三号 仿宋 body on a fixed 28.95 pt line, 黑体 / 楷体 headings, `— N —` page
numbers); the tables are drawn from the grids in `tables.py`, 表三 and 表四 on landscape pages.
What the document says comes from `export.plan_document`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from .anchors import quoted_pieces
from .datafile import atomic_write_bytes
from .export import (
    DRAFT_MARK,
    EMPTY_SECTION,
    FORCED_DRAFT,
    Block,
    DocumentPlan,
    DocumentTemplate,
    ExportBlocked,
    gate,
    meta_variable_of,
    plan_document,
)
from .findings import SEVERITY_LABELS, Finding, cells_of
from .model import Report
from .published import ReportImportError, import_report
from .tables import Cell, Grid
from .text import sentence_pieces

__all__ = [
    "DocxImportError",
    "ExportBlocked",
    "ExportResult",
    "build_docx",
    "build_review_docx",
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


def _paragraph_xml(block: Block, *, first_closing: bool = False, by_sentence: bool = False) -> str:
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
    pieces = sentence_pieces(block.text) if by_sentence else [block.text]
    runs += "".join(_run(piece, body_rpr) for piece in pieces if piece)
    return f"<w:p {nsdecls('w')}>{_ppr()}{runs}</w:p>"


# --- tables -----------------------------------------------------------------------------------


def _table_xml(grid: Grid) -> str:
    widths = [round(mm * TWIPS_PER_MM) for mm in COLUMN_WIDTHS_MM[(grid.name, grid.cols)]]
    size = SIZE_TABLE if grid.name == "表二" else SIZE_TABLE_SMALL
    starts = _cell_starts(grid)
    keep = _kept_rows(grid)
    rows = "".join(_row_xml(grid, r, starts[r], widths, size, r in keep) for r in range(grid.rows))
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


def _kept_rows(grid: Grid) -> set[int]:
    """Rows kept on the page of the next row: the repeated header, a row without values (a
    block's heading or column labels) and every row of a merged label but its last.

    Elsewhere a table may break between rows (its header repeats), so a table that does not
    fit the rest of a page no longer leaves that page mostly empty.
    """
    keep = set(range(grid.header_rows))
    valued = {cell.row for cell in grid.value_cells()}
    keep |= {r for r in range(grid.rows) if r not in valued}
    for cell in grid.cells:
        keep |= set(range(cell.row, cell.row + cell.rowspan - 1))
    return keep - {grid.rows - 1}


def _row_xml(
    grid: Grid, r: int, cells: list[tuple[Cell, bool]], widths: list[int], size: float, keep: bool
) -> str:
    header = "<w:tblHeader/>" if r < grid.header_rows else ""
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
    report: Report,
    *,
    force: bool = False,
    template: DocumentTemplate | None = None,
    findings: Sequence[Finding] | None = None,
) -> ExportResult:
    """The report as .docx bytes, and the export-time warnings.

    Raises `ExportBlocked` when the checks find errors or a prose section is unwritten,
    unless `force` (then every page header says 草稿). Pass `findings` (= `check_report(report)`)
    when already computed, so the report is checked once.
    """
    plan = plan_document(report, force=force, template=template, findings=findings)
    doc, _ = _render(plan, DRAFT_MARK if plan.draft else "")
    return ExportResult(_save(doc), plan.findings)


def _save(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _render(
    plan: DocumentPlan, header_mark: str, *, by_sentence: bool = False
) -> tuple[Any, list[tuple[Block, Any]]]:
    """The python-docx Document of a plan, and each block with its `w:p` / `w:tbl` element.

    `header_mark` (草稿, 审阅稿) is printed in every page header when given; `by_sentence`
    writes body text one run per sentence, so a comment can be anchored at a sentence.
    """
    doc = Document()
    _set_properties(doc, plan.title, plan.agency)
    _set_styles(doc)
    _set_page(doc.sections[0], landscape=False)
    _add_page_numbers(doc)
    if header_mark:
        _add_draft_header(doc, header_mark)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    placed: list[tuple[Block, Any]] = []
    closing_seen = False
    for block in plan.blocks:
        if block.kind == "landscape":
            _set_page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=block.text == "on")
            continue
        if block.kind == "table":
            assert block.grid is not None
            element = parse_xml(_table_xml(block.grid))
            body.sectPr.addprevious(element)
            body.sectPr.addprevious(parse_xml(_table_gap_xml()))
        else:
            first_closing = block.kind == "closing" and not closing_seen
            closing_seen = closing_seen or block.kind == "closing"
            element = parse_xml(
                _paragraph_xml(block, first_closing=first_closing, by_sentence=by_sentence)
            )
            body.sectPr.addprevious(element)
        placed.append((block, element))
    return doc, placed


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


def _add_draft_header(doc: Any, mark: str = DRAFT_MARK) -> None:
    section = doc.sections[0]
    xml = (
        f'<w:p {nsdecls("w")}><w:pPr><w:jc w:val="center"/></w:pPr>'
        + _run(mark, _rpr(HEADING_FONT, SIZE_BODY, bold=True))
        + "</w:p>"
    )
    _replace_paragraphs(section.header, xml)
    _replace_paragraphs(section.even_page_header, xml)


# --- reading back -----------------------------------------------------------------------------

DocxImportError = ReportImportError


def import_docx(
    source: Path | str | bytes,
    *,
    agency: str | None = None,
    report_year: int | None = None,
) -> Report:
    """Read 表二、表三、表四, the prose and the title of a .docx; see `published.import_report`.

    Raises `DocxImportError` (a `ReportImportError`) with a Chinese message.
    """
    return import_report(source, agency=agency, report_year=report_year, docx_only=True).report


# --- review copy (审阅稿) ----------------------------------------------------------------------

REVIEW_MARK = "审阅稿"
REVIEW_AUTHOR = "draftbot 检查"
UNREVIEWED_NOTE = "待人工审核：本部分由模型或离线模板生成，尚无人修改或确认，请逐句核对后再定稿"


def build_review_docx(
    report: Report,
    *,
    unreviewed: tuple[str, ...] | list[str] = (),
    template: DocumentTemplate | None = None,
) -> ExportResult:
    """The 审阅稿: the report (header 审阅稿) with every finding as a Word comment.

    A table finding is anchored at its value cell, a prose finding at the sentence it quotes
    (else at the section's first paragraph), other findings at the title. Sections whose keys
    are in `unreviewed` are highlighted yellow and carry a 待人工审核 comment; （待起草）
    placeholders carry the W-01 comment. Never blocked: errors are what the reviewer reads.
    """
    findings = gate(report, force=True)
    plan = plan_document(report, force=True, template=template)
    doc, placed = _render(plan, REVIEW_MARK, by_sentence=True)
    keys = [key for block, _ in placed if block.grid for key in _grid_keys(block.grid)]
    extra = [f for f in plan.findings if f.code not in (FORCED_DRAFT, EMPTY_SECTION)]
    for finding in [*findings, *extra]:
        run = _anchor_run(doc, placed, finding, keys)
        text = f"[{finding.code}] {SEVERITY_LABELS[finding.severity]}：{finding.message}"
        if finding.hint:
            text += f"\n建议：{finding.hint}"
        doc.add_comment(run, text=text, author=REVIEW_AUTHOR, initials="DB")
    for key in unreviewed:
        runs = _section_runs(doc, placed, key)
        if not runs:
            continue
        for run in runs:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        doc.add_comment(runs, text=UNREVIEWED_NOTE, author=REVIEW_AUTHOR, initials="DB")
    return ExportResult(_save(doc), plan.findings)


def _grid_keys(grid: Grid) -> list[str]:
    return [cell.key for cell in grid.value_cells() if cell.key]


def _anchor_run(
    doc: Any, placed: list[tuple[Block, Any]], finding: Finding, keys: list[str]
) -> Any:
    """The run a finding's comment is anchored at: its cell, its sentence, its preamble line,
    else the title."""
    cells = cells_of(finding, keys)
    if cells:
        return _cell_run(doc, placed, cells[0])
    section = finding.section
    if section is not None:
        runs = _section_runs(doc, placed, section)
        for piece in quoted_pieces(finding):
            for run in runs:
                if piece in run.text:
                    return run
        if runs:
            return runs[0]
    if any(path.startswith("meta.") for path in finding.paths):
        run = _meta_run(doc, placed, finding)
        if run is not None:
            return run
    return _paragraph(doc, placed[0][1]).runs[0]


def _paragraph(doc: Any, element: Any) -> Any:
    from docx.text.paragraph import Paragraph

    return Paragraph(element, doc._body)


def _section_runs(doc: Any, placed: list[tuple[Block, Any]], section: str) -> list[Any]:
    runs = []
    for block, element in placed:
        if block.section == section and block.kind == "body":
            runs += [run for run in _paragraph(doc, element).runs if run.text]
    return runs


def _cell_run(doc: Any, placed: list[tuple[Block, Any]], key: str) -> Any:
    from docx.table import Table

    for block, element in placed:
        if block.grid is None:
            continue
        cell = next((c for c in block.grid.value_cells() if c.key == key), None)
        if cell is not None:
            paragraph = Table(element, doc._body).cell(cell.row, cell.col).paragraphs[0]
            return paragraph.runs[0]
    raise KeyError(key)


def _meta_run(doc: Any, placed: list[tuple[Block, Any]], finding: Finding) -> Any | None:
    """The run of the preamble or closing line printing the field a finding names: the
    sentence holding the quoted value if there is one, else the line's first run."""
    field = next(filter(None, map(meta_variable_of, finding.paths)), None)
    for block, element in placed:
        if field and field in block.fields:
            runs = _paragraph(doc, element).runs
            for piece in quoted_pieces(finding):
                for run in runs:
                    if piece in run.text:
                        return run
            return runs[0]
    return None
