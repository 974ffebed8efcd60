"""Word files made by other programs: each wrapper real files have, built from our own export.

Every case starts from the .docx draftbot writes for an example, rewrites its XML the way
Word, WPS or a PDF-to-Word converter does, and checks that the imported tables equal the
example cell by cell and the prose sections come back.
"""

from __future__ import annotations

import copy
import io
import resource
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from draftbot.cli import app
from draftbot.datafile import load_report
from draftbot.model import SECTION_KEYS, Report
from draftbot.published import ReportImportError, import_report
from draftbot.tables import report_grids
from draftbot.word import build_docx
from written import publishable

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@pytest.fixture(scope="module")
def busy() -> Report:
    # prose drafted offline: a formal export needs every section written
    return publishable(load_report(EXAMPLES / "busy-2023.yaml"))


@pytest.fixture(scope="module")
def busy_docx(busy: Report) -> bytes:
    return build_docx(busy).data


def rewrite(data: bytes, edit: Callable[[etree._Element], None]) -> bytes:
    """The .docx with its document.xml changed by `edit` (in place on the parsed tree)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(content)
                edit(root)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(info.filename, content)
    return out.getvalue()


def body(root: etree._Element) -> etree._Element:
    return root.find(w("body"))


def tables(root: etree._Element) -> list[etree._Element]:
    return list(body(root).iter(w("tbl")))


def row_with(tbl: etree._Element, text: str) -> etree._Element:
    for tr in tbl.iter(w("tr")):
        if any(text in (t.text or "") for t in tr.iter(w("t"))):
            return tr
    raise AssertionError(text)


def sdt(*children: etree._Element) -> etree._Element:
    control = etree.Element(w("sdt"))
    etree.SubElement(control, w("sdtPr"))
    content = etree.SubElement(control, w("sdtContent"))
    content.extend(children)
    return control


def assert_same_tables(back: Report, source: Report) -> None:
    assert back.meta.agency == source.meta.agency
    assert back.meta.report_year == source.meta.report_year
    assert [g.matrix() for g in report_grids(back)] == [g.matrix() for g in report_grids(source)]


def assert_prose(back: Report, source: Report) -> None:
    for key in SECTION_KEYS:
        assert getattr(back.narrative, key) == getattr(source.narrative, key).strip(), key


def imported(data: bytes) -> Report:
    result = import_report(data, filename="上年报告.docx")
    assert result.findings == []
    return result.report


# --- each wrapper ------------------------------------------------------------------------------


def test_plain_export_round_trip_with_prose(busy: Report, busy_docx: bytes) -> None:
    back = imported(busy_docx)
    assert_same_tables(back, busy)
    assert_prose(back, busy)
    assert back.is_published and back.source.file == "上年报告.docx"


def test_table_row_inside_a_content_control(busy: Report, busy_docx: bytes) -> None:
    def wrap_row(root: etree._Element) -> None:
        tr = row_with(tables(root)[1], "1.属于国家秘密")
        tr.addprevious(sdt(copy.deepcopy(tr)))
        tr.getparent().remove(tr)

    back = imported(rewrite(busy_docx, wrap_row))
    assert_same_tables(back, busy)


def test_title_inside_a_content_control(busy: Report, busy_docx: bytes) -> None:
    def wrap_title(root: etree._Element) -> None:
        title = body(root).find(w("p"))
        title.addprevious(sdt(copy.deepcopy(title)))
        body(root).remove(title)

    back = imported(rewrite(busy_docx, wrap_title))
    assert_same_tables(back, busy)


def test_whole_report_inside_a_one_cell_layout_table(busy: Report, busy_docx: bytes) -> None:
    def lay_out(root: etree._Element) -> None:
        parent = body(root)
        content = [child for child in parent if child.tag != w("sectPr")]
        layout = etree.SubElement(parent, w("tbl"))
        tc = etree.SubElement(etree.SubElement(layout, w("tr")), w("tc"))
        for child in content:
            tc.append(child)
        etree.SubElement(tc, w("p"))
        parent.insert(0, layout)

    back = imported(rewrite(busy_docx, lay_out))
    assert_same_tables(back, busy)
    assert_prose(back, busy)


def test_table3_cut_in_two_at_a_page_break(busy: Report, busy_docx: bytes) -> None:
    def split(root: etree._Element) -> None:
        tbl = tables(root)[1]
        cut = row_with(tbl, "1.信访举报投诉类申请")
        second = etree.Element(w("tbl"))
        second.append(copy.deepcopy(tbl.find(w("tblPr"))))
        second.append(copy.deepcopy(tbl.find(w("tblGrid"))))
        rows = list(tbl.iter(w("tr")))
        for tr in rows[rows.index(cut) :]:
            second.append(tr)
        gap = etree.Element(w("p"))
        etree.SubElement(etree.SubElement(gap, w("r")), w("br")).set(w("type"), "page")
        tbl.addnext(gap)
        gap.addnext(second)

    back = imported(rewrite(busy_docx, split))
    assert_same_tables(back, busy)


def test_tracked_changes_and_comments_read_as_the_final_text(
    busy: Report, busy_docx: bytes
) -> None:
    def track(root: etree._Element) -> None:
        tbl = tables(root)[1]
        # a deleted duplicate row, and a cell whose old value is a tracked deletion
        kept = row_with(tbl, "（一）予以公开")
        deleted = copy.deepcopy(kept)
        trpr = deleted.find(w("trPr"))
        etree.SubElement(trpr, w("del")).set(w("author"), "审核人")
        kept.addprevious(deleted)
        cell_p = kept.findall(w("tc"))[-1].find(w("p"))
        removed = etree.SubElement(etree.SubElement(cell_p, w("del")), w("r"))
        etree.SubElement(removed, w("delText")).text = "99"
        cell_p.insert(1, etree.Element(w("commentRangeStart")))
        reference = etree.SubElement(cell_p, w("r"))
        etree.SubElement(reference, w("commentReference")).set(w("id"), "0")

    back = imported(rewrite(busy_docx, track))
    assert_same_tables(back, busy)


def test_layout_grid_finer_than_the_visible_columns(busy: Report, busy_docx: bytes) -> None:
    def halve(root: etree._Element) -> None:
        for tbl in tables(root):
            grid = tbl.find(w("tblGrid"))
            for col in list(grid):
                col.addnext(copy.deepcopy(col))
            for tc in tbl.iter(w("tc")):
                tcpr = tc.find(w("tcPr"))
                span = tcpr.find(w("gridSpan"))
                if span is None:
                    span = etree.SubElement(tcpr, w("gridSpan"))
                    span.set(w("val"), "1")
                span.set(w("val"), str(2 * int(span.get(w("val")))))

    back = imported(rewrite(busy_docx, halve))
    assert_same_tables(back, busy)


STRICT = {
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main": (
        b"http://purl.oclc.org/ooxml/wordprocessingml/main"
    ),
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
}


def test_strict_open_xml_is_read(busy: Report, busy_docx: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(busy_docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            for transitional, strict in STRICT.items():
                content = content.replace(transitional, strict)
            target.writestr(info.filename, content)
    assert b"purl.oclc.org" in zipfile.ZipFile(out).read("word/document.xml")
    back = imported(out.getvalue())
    assert_same_tables(back, busy)


# --- hostile spans -------------------------------------------------------------------------------


def _set_first(tag: str, value: str, *, row: bool = False) -> Callable[[etree._Element], None]:
    def edit(root: etree._Element) -> None:
        tbl = tables(root)[1]
        if row:
            trpr = next(tbl.iter(w("trPr")))
            etree.SubElement(trpr, w(tag)).set(w("val"), value)
        else:
            tcpr = next(tbl.iter(w("tcPr")))
            span = tcpr.find(w(tag))
            if span is None:
                span = etree.SubElement(tcpr, w(tag))
            span.set(w("val"), value)

    return edit


@pytest.mark.parametrize(
    ("tag", "value", "row", "message"),
    [
        ("gridSpan", "300000000", False, "合并列数（gridSpan）为 300000000，超过表格最多 63 列"),
        ("gridSpan", "abc", False, "合并列数（gridSpan）设置无效（“abc”不是整数）"),
        ("gridSpan", "-4", False, "合并列数（gridSpan）设置无效（“-4”不是整数）"),
        ("gridBefore", "99999999999999999999", True, "行首空列数（gridBefore）为 999999999999"),
        ("gridBefore", "60", True, "超过最多 63 列的限制"),
        ("gridBefore", "１２", True, "行首空列数（gridBefore）设置无效"),
    ],
)
def test_hostile_spans_get_a_chinese_message_in_bounded_memory(
    busy_docx: bytes, tag: str, value: str, row: bool, message: str
) -> None:
    data = rewrite(busy_docx, _set_first(tag, value, row=row))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ReportImportError) as info:
        import_report(data, filename="x.docx")
    assert message in str(info.value)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 50 * 1024  # a row of 300 000 000 cells would take gigabytes


def test_cli_import_of_a_hostile_span_is_a_message_not_a_traceback(
    busy_docx: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "坏表格.docx"
    path.write_bytes(rewrite(busy_docx, _set_first("gridSpan", "300000000")))
    result = CliRunner().invoke(app, ["import", str(path)])
    assert result.exit_code == 2
    assert "gridSpan" in result.output and "Traceback" not in result.output
