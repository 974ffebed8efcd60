"""The 审阅稿: every finding a Word comment at its table cell or sentence, read back with
python-docx; 待人工审核 text marked; the official export stays clean; LibreOffice opens it."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from draftbot.checks import check_report
from draftbot.datafile import load_report
from draftbot.model import Report
from draftbot.tables import report_grids
from draftbot.word import REVIEW_MARK, UNREVIEWED_NOTE, build_docx, build_review_docx
from written import publishable

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _report(name: str) -> Report:
    return load_report(EXAMPLES / f"{name}.yaml")


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def _comments(document: docx.document.Document) -> dict[int, str]:
    return {c.comment_id: c.text for c in document.comments}


def _anchors(document: docx.document.Document) -> dict[int, object]:
    """Comment id → the w:commentRangeStart element in the body."""
    body = document.element.body
    return {int(el.get(qn("w:id"))): el for el in body.iter(qn("w:commentRangeStart"))}


def _anchor_cell(document: docx.document.Document, start: object) -> tuple[int, int, int]:
    """(table index, row, grid column) of the cell a comment starts in."""
    tc = next(start.iterancestors(qn("w:tc")))  # type: ignore[attr-defined]
    tr = tc.getparent()
    tbl = tr.getparent()
    tables = [t._tbl for t in document.tables]
    column = 0
    for other in tr.iterchildren(qn("w:tc")):
        if other is tc:
            break
        span = other.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
        column += int(span.get(qn("w:val"))) if span is not None else 1
    return tables.index(tbl), list(tbl.iterchildren(qn("w:tr"))).index(tr), column


def _anchored_text(start: object) -> str:
    """The text between a comment's range start and its end."""
    comment_id = start.get(qn("w:id"))  # type: ignore[attr-defined]
    texts, node = [], start.getnext()  # type: ignore[attr-defined]
    while node is not None:
        if node.tag == qn("w:commentRangeEnd") and node.get(qn("w:id")) == comment_id:
            break
        texts += [t.text or "" for t in node.iter(qn("w:t"))]
        node = node.getnext()
    return "".join(texts)


def _comment(document: docx.document.Document, prefix: str) -> list[int]:
    return [cid for cid, text in _comments(document).items() if text.startswith(prefix)]


def _cell_of(report: Report, key: str) -> tuple[int, int, int]:
    for index, grid in enumerate(report_grids(report)):
        for cell in grid.value_cells():
            if cell.key == key:
                return index, cell.row, cell.col
    raise KeyError(key)


def test_every_finding_is_a_comment_with_code_message_and_hint() -> None:
    report = _report("errors-2020")
    document = _open(build_review_docx(report).data)
    texts = list(_comments(document).values())
    for finding in check_report(report):
        matching = [t for t in texts if t.startswith(f"[{finding.code}]") and finding.message in t]
        assert matching, finding
        assert f"建议：{finding.hint}" in matching[0]
    assert len(_anchors(document)) == len(texts)  # every comment is anchored in the body
    assert sum(t.startswith("[W-01] 错误") for t in texts) == 8  # all eight sections unwritten
    assert document.sections[0].header.paragraphs[0].text == REVIEW_MARK


@pytest.mark.parametrize(
    ("code", "needle", "key"),
    [
        ("[T3-03]", "总计填写为 6", "table3.new_received.total"),
        ("[T3-04]", "总计列：（七）总计填写为 6", "table3.results_total.total"),
        ("[T3-04]", "自然人列：（七）总计填写为 5", "table3.results_total.natural_person"),
        ("[T3-01]", "自然人列", "table3.new_received.natural_person"),
        ("[T4-01]", "总计填写为 3", "table4.review.total"),
        ("[X-02]", "行政规范性文件", "table2.normative_documents.in_force"),
    ],
)
def test_table_findings_are_anchored_at_their_cell(code: str, needle: str, key: str) -> None:
    report = _report("errors-2020")
    document = _open(build_review_docx(report).data)
    anchors = _anchors(document)
    texts = _comments(document)
    ids = [cid for cid in _comment(document, code) if needle in texts[cid]]
    assert len(ids) == 1, texts
    assert _anchor_cell(document, anchors[ids[0]]) == _cell_of(report, key)


def test_prose_findings_are_anchored_at_their_sentence() -> None:
    document = _open(build_review_docx(_report("seed-2022-as-published")).data)
    anchors = _anchors(document)
    (p01,) = _comment(document, "[P-01]")
    assert (
        _anchored_text(anchors[p01])
        == "其中，部门文件、法规规章5条，市级文件政策解读3条，工作计划和总结5条。"
    )
    (p04,) = _comment(document, "[P-04]")
    assert "区政府门户网站" in _anchored_text(anchors[p04])
    assert "主动公开政府信息13条" not in _anchored_text(
        anchors[p04]
    )  # the sentence, not the paragraph


def test_unwritten_sections_and_basic_information_are_anchored_where_printed() -> None:
    report = _report("busy-2023")
    report.narrative.problems = "部分栏目更新不够及时。"
    report.meta.contact = "安吉县新安东路XXX号，电话：0572-5000XXX"
    document = _open(build_review_docx(report).data)
    anchors = _anchors(document)
    w01 = _comment(document, "[W-01]")
    assert len(w01) == 7 and all(_anchored_text(anchors[c]) == "（待起草）" for c in w01)
    (m01,) = _comment(document, "[M-01]")
    assert "安吉县新安东路XXX号" in _anchored_text(anchors[m01])


def test_unreviewed_sections_are_highlighted_with_a_comment() -> None:
    report = publishable(_report("busy-2023"))
    document = _open(build_review_docx(report, unreviewed=["problems"]).data)
    (note,) = [cid for cid, text in _comments(document).items() if text == UNREVIEWED_NOTE]
    marked = [r for p in document.paragraphs for r in p.runs if r.font.highlight_color]
    assert marked and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in marked)
    assert "".join(r.text for r in marked) == "".join(report.narrative.problems.split())
    assert _anchored_text(_anchors(document)[note]).startswith(marked[0].text)


def test_the_official_export_has_no_comments_or_marks() -> None:
    data = build_docx(publishable(_report("busy-2023"))).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "word/comments.xml" not in archive.namelist()
    document = _open(data)
    assert not any(r.font.highlight_color for p in document.paragraphs for r in p.runs)
    assert all(p.text != REVIEW_MARK for p in document.sections[0].header.paragraphs)


def test_libreoffice_opens_the_review_copy(tmp_path: Path) -> None:
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have soffice and pdftotext (see .ci/run)")
        pytest.skip("soffice/pdftotext not installed on this machine")
    from draftbot.pdf_export import docx_to_pdf

    pdf = tmp_path / "review.pdf"
    pdf.write_bytes(docx_to_pdf(build_review_docx(_report("errors-2020")).data))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert REVIEW_MARK in text and "示例县民政局" in text


def test_the_unfilled_table3_reminder_is_anchored_at_the_carried_over_applications() -> None:
    from draftbot.rollover import start_from_previous

    report = start_from_previous(publishable(_report("busy-2023")))
    document = _open(build_review_docx(report).data)
    (reminder,) = _comment(document, "[T3-01] 错误：表三尚未填写")
    cell = _cell_of(report, "table3.carried_over.total")
    assert _anchor_cell(document, _anchors(document)[reminder]) == cell
