"""The official .docx: a `export.DocumentPlan` rendered with python-docx (page set-up, styles,
`— N —` page numbers, 草稿 header), 表三 and 表四 on landscape pages."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import Part
from docx.opc.pkgwriter import PackageWriter
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
    return ExportResult(plan_docx_bytes(plan, DRAFT_MARK if plan.draft else ""), plan.findings)


def plan_docx_bytes(plan: DocumentPlan, header_mark: str) -> bytes:
    """The .docx bytes of a plan: the same members, with the same bytes, as
    `docx_bytes(render_plan(plan, header_mark)[0])` (the core properties' times aside).

    The body is written as text into a serialised skeleton of the document (the template
    with the landscape sections of this plan), so the blocks' XML is neither parsed nor
    serialised again (issue 19: that round trip was a third of a .docx build). The block
    XML of `layout.py` is already in lxml's serialised form but for the namespace
    declaration each block carries and an empty `w:t`, which are rewritten; text that lxml
    would change or refuse (a carriage return, a character XML does not allow) takes the
    `render_plan` path instead, with its behaviour. The constant members (styles, settings,
    footers, relationships…) are taken from the skeleton and compressed once.
    """
    slots = _body_slots(plan)
    if slots is None:
        doc, _ = render_plan(plan, header_mark)
        return docx_bytes(doc)
    landscapes = tuple(block.text == "on" for block in plan.blocks if block.kind == "landscape")
    skeleton = _skeleton(header_mark, landscapes)
    document = skeleton.segments[0] + "".join(
        slot + segment for slot, segment in zip(slots, skeleton.segments[1:], strict=True)
    )
    core = copy.deepcopy(skeleton.core)
    _set_core_properties(CoreProperties(core), plan.title, plan.agency)
    own = {
        skeleton.document_name: document.encode("utf-8"),
        skeleton.core_name: serialize_part_xml(core),
    }
    members = [(name, own.get(name, blob)) for name, blob in skeleton.members]
    return _archive(members, lambda name, _blob: name in own)


_W_DECL = f" {nsdecls('w')}"
_EMPTY_T = '<w:t xml:space="preserve"></w:t>'
# What lxml would not write back as given: characters XML 1.0 does not allow, and the carriage
# return (a parser turns it into a line feed).
_NOT_AS_GIVEN = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _body_slots(plan: DocumentPlan) -> list[str] | None:
    """The body XML of a plan in lxml's serialised form, one string per run of blocks between
    landscape switches (None when some text would not be written back as given)."""
    slots: list[list[str]] = [[]]
    texts: list[str] = []  # all the text the blocks carry; the rest is layout.py's own markup
    for block, pieces in _blocks_xml(plan):
        if block.kind == "landscape":
            slots.append([])
        elif block.grid is not None:
            texts += (cell.text for cell in block.grid.cells)
        else:
            texts += (block.lead, block.text)
        slots[-1] += pieces
    if _NOT_AS_GIVEN.search("".join(texts)):
        return None
    return [
        "".join(slot).replace(_W_DECL, "").replace(_EMPTY_T, '<w:t xml:space="preserve"/>')
        for slot in slots
    ]


@dataclass(frozen=True)
class _Skeleton:
    """A serialised document without body blocks: `segments` around the slots the blocks go
    into, every member as saved, and the core properties to fill in per document."""

    segments: tuple[str, ...]
    members: tuple[tuple[str, bytes], ...]
    document_name: str
    core_name: str
    core: Any  # the core properties element, copied before it is filled in


@lru_cache(maxsize=16)
def _skeleton(header_mark: str, landscapes: tuple[bool, ...]) -> _Skeleton:
    """The document `render_plan` would make for a plan with these landscape switches
    (True = on) and no other blocks, a marker where the blocks go; built once, never changed."""
    doc = copy.deepcopy(_base_package(header_mark)).main_document_part.document
    package = doc.part.package
    core_part = package._core_properties_part  # made here when the template has none
    body = doc.element.body
    markers = [f'<w:bookmarkStart w:id="draftbot-slot-{i}"/>' for i in range(len(landscapes) + 1)]
    for marker, on in zip(markers, landscapes, strict=False):
        body.sectPr.addprevious(
            parse_xml(marker.replace("<w:bookmarkStart", "<w:bookmarkStart" + _W_DECL))
        )
        _set_page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=on)
    body.sectPr.addprevious(
        parse_xml(markers[-1].replace("<w:bookmarkStart", "<w:bookmarkStart" + _W_DECL))
    )
    members = _saved_members(package)
    document_name = doc.part.partname.membername
    text = dict(members)[document_name].decode("utf-8")
    segments = []
    for marker in markers:
        head, found, text = text.partition(marker)
        assert found and marker not in text, marker
        segments.append(head)
    segments.append(text)
    return _Skeleton(
        tuple(segments),
        tuple(members),
        document_name,
        core_part.partname.membername,
        copy.deepcopy(core_part.element),
    )


def docx_bytes(doc: Any) -> bytes:
    """A python-docx Document saved to bytes: the members `doc.save` writes (the large shared
    ones first), those that earlier documents shared byte for byte compressed only once.

    Every document starts from python-docx's template, whose styles parts alone are about
    0.8 MB of XML; compressing them again for every report was a quarter of a .docx build
    (issue 19). The members are the ones python-docx's `PackageWriter` writes; those of at
    least `_SHARED_MIN` bytes come from a cached archive holding exactly those bytes
    (never the main document part), the rest are appended to a copy of it, so a changed part
    can never be written stale.
    """
    body = doc.part.partname.membername  # the report's own text: never shared
    return _archive(
        _saved_members(doc.part.package),
        lambda name, blob: len(blob) < _SHARED_MIN or name == body,
    )


def _saved_members(package: Any) -> list[tuple[str, bytes]]:
    """(member name, bytes) of what python-docx's `PackageWriter` writes for a package, in order."""
    for part in package.parts:
        part.before_marshal()
    members = _Members()
    PackageWriter._write_content_types_stream(members, package.parts)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, package.parts)  # type: ignore[arg-type]  # duck-typed
    return members.items


def _archive(members: list[tuple[str, bytes]], own: Callable[[str, bytes], bool]) -> bytes:
    """The zip of `members`: those not `own` (shared by every document) first, from a cached
    archive holding exactly those bytes, then the document's own ones appended to a copy."""
    shared = tuple((name, blob) for name, blob in members if not own(name, blob))
    key = tuple(name for name, _ in shared)
    with _SHARED_LOCK:
        cached = _SHARED_ARCHIVES.get(key)
    # Byte-for-byte equal (after copying the base, usually the very same bytes object).
    if cached is not None and all(
        a is b or a == b for (_, a), b in zip(shared, cached[0], strict=True)
    ):
        prebuilt = cached[1]
    else:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, blob in shared:
                archive.writestr(name, blob)
        prebuilt = out.getvalue()
        with _SHARED_LOCK:
            if key not in _SHARED_ARCHIVES and len(_SHARED_ARCHIVES) >= 8:
                _SHARED_ARCHIVES.pop(next(iter(_SHARED_ARCHIVES)))
            _SHARED_ARCHIVES[key] = (tuple(blob for _, blob in shared), prebuilt)
    out = io.BytesIO(prebuilt)
    out.seek(0, io.SEEK_END)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, blob in members:
            if own(name, blob):
                archive.writestr(name, blob, compresslevel=_OWN_LEVEL)
    return out.getvalue()


# zlib level of a document's own members: 1 compresses document.xml (about 200 kB) in half the
# time of the default 6, the file about 3 kB larger (issue 19).
_OWN_LEVEL = 1
_SHARED_MIN = 64 * 1024  # bytes: python-docx's styles parts are 350 and 440 kB
_SHARED_ARCHIVES: dict[tuple[str, ...], tuple[tuple[bytes, ...], bytes]] = {}
_SHARED_LOCK = threading.Lock()


class _Members:
    """Collects what python-docx's `PackageWriter` writes: (member name, bytes) in order."""

    def __init__(self) -> None:
        self.items: list[tuple[str, bytes]] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.items.append((pack_uri.membername, blob))


def render_plan(
    plan: DocumentPlan, header_mark: str, *, by_sentence: bool = False
) -> tuple[Any, list[tuple[Block, Any]]]:
    """The python-docx Document of a plan, and each block with its `w:p` / `w:tbl` element.

    `header_mark` (草稿, 审阅稿) is printed in every page header when given; `by_sentence`
    writes body text one run per sentence, so a comment can be anchored at a sentence.
    """
    doc = copy.deepcopy(_base_package(header_mark)).main_document_part.document
    _set_properties(doc, plan.title, plan.agency)
    body = doc.element.body
    placed: list[tuple[Block, Any]] = []
    for block, pieces in _blocks_xml(plan, by_sentence=by_sentence):
        if block.kind == "landscape":
            _set_page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=block.text == "on")
            continue
        elements = [parse_xml(piece) for piece in pieces]
        for element in elements:
            body.sectPr.addprevious(element)
        placed.append((block, elements[0]))  # a table's, not the gap after it
    return doc, placed


def _blocks_xml(
    plan: DocumentPlan, *, by_sentence: bool = False
) -> Iterator[tuple[Block, list[str]]]:
    """Each block of a plan with its XML (`layout.py`): a table and the gap after it, one
    paragraph, or nothing for a landscape switch. Only the first closing line is marked as
    such."""
    closing_seen = False
    for block in plan.blocks:
        if block.kind == "landscape":
            yield block, []
        elif block.kind == "table":
            assert block.grid is not None
            yield block, [table_xml(block.grid), _table_gap_xml()]
        else:
            first_closing = block.kind == "closing" and not closing_seen
            closing_seen = closing_seen or block.kind == "closing"
            yield (
                block,
                [paragraph_xml(block, first_closing=first_closing, by_sentence=by_sentence)],
            )


@lru_cache(maxsize=4)
def _base_package(header_mark: str) -> Any:
    """python-docx's default package with what every report shares already set: styles,
    A4 portrait page, page numbers, the header mark, no thumbnail, an empty body.

    Built once per `header_mark` and never changed: `render_plan` renders into a deep copy
    (issue 19: loading and styling the template was most of a .docx build). Only whole part
    trees are copied; no object holding an element inside a part is kept on the package.
    """
    doc = Document()
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):  # python-docx's template preview image
            del package.rels[rel_id]
    _set_styles(doc)
    _set_page(doc.sections[0], landscape=False)
    _add_page_numbers(doc)
    if header_mark:
        _add_draft_header(doc, header_mark)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    _freeze_styles(doc)
    return package


def _freeze_styles(doc: Any) -> None:
    """Replace the styles part (350 kB of XML) by a plain part holding its bytes, so copying
    the base and saving a document neither copies nor serialises it again. A later
    `doc.styles` on a copy fails (AttributeError) rather than changing styles unseen."""
    main = doc.part
    for rel_id, rel in list(main.rels.items()):
        if rel.reltype == RT.STYLES and not rel.is_external:
            styles = rel.target_part
            frozen = Part(styles.partname, styles.content_type, styles.blob, styles.package)
            del main.rels[rel_id]
            main.load_rel(RT.STYLES, frozen, rel_id)


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
    _set_core_properties(doc.core_properties, title, agency)


def _set_core_properties(props: Any, title: str, agency: str) -> None:
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
