"""The official .docx: a `export.DocumentPlan` rendered with python-docx (page set-up, styles,
`— N —` page numbers, 草稿 header), 表三 and 表四 on landscape pages."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from ..datafile import atomic_write_bytes
from ..export import (
    DRAFT_MARK,
    Block,
    DocumentPlan,
    DocumentTemplate,
    plan_document,
)
from ..findings import Finding
from ..model import Report
from .layout import (
    A4_LONG,
    A4_SHORT,
    BODY_FONT,
    HEADING_FONT,
    LATIN,
    MARGINS_LANDSCAPE,
    MARGINS_PORTRAIT,
    PAGE_NUMBER_FONT,
    SIZE_BODY,
    SIZE_PAGE_NUMBER,
    para_props,
    paragraph_xml,
    run_props,
    run_xml,
    table_xml,
)

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
    doc, _ = render_plan(plan, DRAFT_MARK if plan.draft else "")
    return ExportResult(docx_bytes(doc), plan.findings)


def docx_bytes(doc: Any) -> bytes:
    """A python-docx Document saved to bytes."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_plan(
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
            element = parse_xml(table_xml(block.grid))
            body.sectPr.addprevious(element)
            body.sectPr.addprevious(parse_xml(_table_gap_xml()))
        else:
            first_closing = block.kind == "closing" and not closing_seen
            closing_seen = closing_seen or block.kind == "closing"
            element = parse_xml(
                paragraph_xml(block, first_closing=first_closing, by_sentence=by_sentence)
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
    return f"<w:p {nsdecls('w')}>{para_props(first_line=0, line=12.0)}</w:p>"


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
    rpr = run_props(PAGE_NUMBER_FONT, SIZE_PAGE_NUMBER, latin=PAGE_NUMBER_FONT)
    one_char = round(SIZE_PAGE_NUMBER * 20)
    side = "right" if align == "right" else "left"
    return (
        f"<w:p {nsdecls('w')}><w:pPr>"
        f'<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:{side}="{one_char}" w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr>'
        + run_xml("— ", rpr)
        + f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        + f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        + f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        + run_xml("1", rpr)
        + f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
        + run_xml(" —", rpr)
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
        + run_xml(mark, run_props(HEADING_FONT, SIZE_BODY, bold=True))
        + "</w:p>"
    )
    _replace_paragraphs(section.header, xml)
    _replace_paragraphs(section.even_page_header, xml)
