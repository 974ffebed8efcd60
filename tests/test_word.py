"""The Word export: tables cell by cell against the grids, merges, fonts, page, gate, round trip."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from draftbot.checks import check_report
from draftbot.datafile import load_report
from draftbot.export import (
    DRAFT_PLACEHOLDER,
    MISSING_PLACEHOLDER,
    ExportBlocked,
    load_document_template,
    title_lines,
)
from draftbot.model import Report
from draftbot.outline import SECTION_HEADINGS
from draftbot.tables import Grid, report_grids
from draftbot.word import DocxImportError, build_docx, export_docx, import_docx
from portal_pages import report_2019
from written import publishable

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _report(name: str) -> Report:
    return load_report(EXAMPLES / f"{name}.yaml")


@pytest.fixture(scope="module")
def exported() -> dict[str, bytes]:
    """Each example with its prose drafted offline, exported once (forced where the checks
    find errors)."""
    return {name: build_docx(publishable(_report(name)), force=True).data for name in EXAMPLE_NAMES}


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def _part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


# --- tables -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_table_cell_matches_the_grid(exported: dict[str, bytes], name: str) -> None:
    tables = _open(exported[name]).tables
    grids = report_grids(_report(name))
    assert len(tables) == 3
    for table, grid in zip(tables, grids, strict=True):
        cells = [[cell.text for cell in row.cells] for row in table.rows]
        assert cells == grid.matrix(), grid.name


def test_numbers_are_written_and_zero_is_0(exported: dict[str, bytes]) -> None:
    tables = _open(exported["busy-2023"]).tables
    assert tables[0].rows[13].cells[1].text == "12.5"  # 行政事业性收费, 万元 as entered
    assert tables[0].rows[2].cells[1].text == "0"
    seed_values = [
        c.text for row in _open(exported["seed-2022"]).tables[1].rows[3:] for c in row.cells[3:]
    ]
    assert seed_values and set(seed_values) == {"0"}


def _tc_at(tbl, row: int, col: int):
    tr = tbl.findall(f"{W_NS}tr")[row]
    position = 0
    for tc in tr.findall(f"{W_NS}tc"):
        if position == col:
            return tc
        span = tc.find(f"{W_NS}tcPr/{W_NS}gridSpan")
        position += int(span.get(f"{W_NS}val")) if span is not None else 1
    raise AssertionError(f"no cell starts at row {row}, column {col}")


def _assert_merges(tbl, grid: Grid) -> None:
    for cell in grid.cells:
        tc = _tc_at(tbl, cell.row, cell.col)
        span = tc.find(f"{W_NS}tcPr/{W_NS}gridSpan")
        assert (int(span.get(f"{W_NS}val")) if span is not None else 1) == cell.colspan, cell
        vmerge = tc.find(f"{W_NS}tcPr/{W_NS}vMerge")
        if cell.rowspan == 1:
            assert vmerge is None, cell
            continue
        assert vmerge is not None and vmerge.get(f"{W_NS}val") == "restart", cell
        for r in range(cell.row + 1, cell.row + cell.rowspan):
            below = _tc_at(tbl, r, cell.col).find(f"{W_NS}tcPr/{W_NS}vMerge")
            assert below is not None and below.get(f"{W_NS}val") in (None, "continue"), (cell, r)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_merges_follow_the_grid(exported: dict[str, bytes], name: str) -> None:
    document = _open(exported[name])
    for table, grid in zip(document.tables, report_grids(_report(name)), strict=True):
        _assert_merges(table._tbl, grid)


def test_header_rows_repeat_and_rows_do_not_split(exported: dict[str, bytes]) -> None:
    document = _open(exported["busy-2023"])
    for table, grid in zip(document.tables, report_grids(_report("busy-2023")), strict=True):
        rows = table._tbl.findall(f"{W_NS}tr")
        assert all(tr.find(f"{W_NS}trPr/{W_NS}cantSplit") is not None for tr in rows)
        repeated = [tr.find(f"{W_NS}trPr/{W_NS}tblHeader") is not None for tr in rows]
        assert repeated == [i < grid.header_rows for i in range(len(rows))]


def test_2019_format_tables(tmp_path: Path) -> None:
    report = report_2019()
    document = _open(build_docx(publishable(report)).data)
    for table, grid in zip(document.tables, report_grids(report), strict=True):
        assert [[c.text for c in row.cells] for row in table.rows] == grid.matrix()
        _assert_merges(table._tbl, grid)
    assert document.tables[0].rows[3].cells[0].text == "规范性文件"
    assert document.tables[0].rows[6].cells[2].text == "-2"


# --- typography and page --------------------------------------------------------------------


def test_every_run_names_an_east_asian_and_a_latin_font(exported: dict[str, bytes]) -> None:
    data = exported["busy-2023"]
    for part in ("word/document.xml", "word/footer1.xml", "word/footer2.xml"):
        runs = re.findall(r"<w:r>.*?</w:r>", _part(data, part), flags=re.S)
        assert runs, part
        for run in runs:
            fonts = re.search(r"<w:rFonts ([^>]*)/>", run)
            assert fonts, run
            assert re.search(r'w:eastAsia="[^"]+"', fonts.group(1)), run
            assert re.search(r'w:ascii="[^"]+"', fonts.group(1)), run
    styles = _part(data, "word/styles.xml")
    assert "Theme=" not in re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.S).group(0)


def test_fonts_and_sizes_by_role(exported: dict[str, bytes]) -> None:
    document = _open(exported["busy-2023"])
    paragraphs = document.paragraphs

    def east_asia(paragraph) -> set[str]:
        return {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in paragraph.runs}

    def sizes(paragraph) -> set[float]:
        return {r.font.size.pt for r in paragraph.runs}

    title = paragraphs[0]
    assert east_asia(title) == {"方正小标宋简体"} and sizes(title) == {22.0}
    assert title.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    headings = [p for p in paragraphs if p.text in SECTION_HEADINGS]
    assert [p.text for p in headings] == list(SECTION_HEADINGS)
    assert all(east_asia(p) == {"黑体"} and sizes(p) == {16.0} for p in headings)
    sub = next(p for p in paragraphs if p.text == "（一）主动公开")
    assert east_asia(sub) == {"楷体_GB2312"}
    body = paragraphs[1]
    assert east_asia(body) == {"仿宋_GB2312"} and sizes(body) == {16.0}
    assert body.paragraph_format.first_line_indent.pt == 32.0
    assert 28.0 <= body.paragraph_format.line_spacing.pt <= 29.0
    table_run = document.tables[1].rows[0].cells[3].paragraphs[0].runs[0]
    assert table_run._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_a4_with_gbt9704_margins_and_landscape_tables(exported: dict[str, bytes]) -> None:
    sections = _open(exported["busy-2023"]).sections
    assert len(sections) == 3
    portrait, landscape, back = sections

    def mm(*lengths) -> list[float]:
        return [round(length.mm, 1) for length in lengths]

    for section in (portrait, back):
        assert mm(section.page_width, section.page_height) == [210, 297]
        margins = mm(
            section.top_margin, section.bottom_margin, section.left_margin, section.right_margin
        )
        assert margins == [37, 35, 28, 26]
    assert mm(landscape.page_width, landscape.page_height) == [297, 210]
    usable = landscape.page_width - landscape.left_margin - landscape.right_margin
    for table in _open(exported["busy-2023"]).tables[1:]:
        width = sum(int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol")))
        assert width * 635 <= usable  # twips → EMU
    width2 = sum(int(g.get(qn("w:w"))) for g in _open(exported["busy-2023"]).tables[0]._tbl.tblGrid)
    assert width2 * 635 <= Mm(156)


def test_page_numbers_are_page_fields_odd_right_even_left(exported: dict[str, bytes]) -> None:
    data = exported["busy-2023"]
    assert "<w:evenAndOddHeaders/>" in _part(data, "word/settings.xml").replace(" ", "")
    document = _open(data)
    section = document.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        xml = footer._element.xml
        assert re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", xml)
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(
            " —"
        )
        assert f'<w:jc w:val="{align}"/>' in xml
        assert 'w:eastAsia="宋体"' in xml and 'w:sz w:val="28"' in xml  # 四号


# --- content --------------------------------------------------------------------------------


def test_title_preamble_and_closing_come_from_meta(exported: dict[str, bytes]) -> None:
    report = _report("busy-2023")
    texts = [p.text for p in _open(exported["busy-2023"]).paragraphs]
    assert texts[0].replace("\n", "") == "安吉县自然资源和规划局2023年政府信息公开工作年度报告"
    preamble = "".join(texts[1:4])
    assert "2023年1月1日至12月31日" in preamble
    assert report.meta.website in preamble and report.meta.contact in preamble
    assert "国办公开办函〔2021〕30号" in preamble
    assert texts[-2:] == ["安吉县自然资源和规划局", "2024年1月22日"]
    closing = _open(exported["busy-2023"]).paragraphs[-1]
    assert closing.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT


def test_a_formal_export_with_unwritten_sections_is_refused_with_their_list() -> None:
    report = _report("busy-2023")
    report.narrative.overview_proactive = "本年主动公开信息215条。"
    with pytest.raises(ExportBlocked) as info:
        build_docx(report)
    assert info.value.unwritten == [
        "一、总体情况 导语",
        "一、总体情况 ·（二）依申请公开",
        "一、总体情况 ·（三）政府信息管理",
        "一、总体情况 ·（四）政府信息公开平台建设",
        "一、总体情况 ·（五）监督保障",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    message = str(info.value)
    assert "正文还有 7 部分（待起草）" in message and "六、其他需要报告的事项" in message
    assert "数据检查" not in message  # the tables are fine: only the prose is missing
    w01 = [f for f in info.value.findings if f.code == "W-01"]
    assert len(w01) == 7 and all(f.severity == "error" for f in w01)
    assert build_docx(publishable(report)).findings == []  # written: a formal export


def test_empty_sections_get_a_placeholder_and_a_warning_in_a_draft() -> None:
    report = _report("busy-2023")
    report.narrative.overview_proactive = "本年主动公开信息215条。"
    result = build_docx(report, force=True)
    document = _open(result.data)
    assert document.sections[0].header.paragraphs[0].text == "草稿"
    forced = [f.message for f in result.findings if f.code == "W-04"]
    assert forced == ["正文有 7 部分（待起草），按要求强制导出；每页页眉标注“草稿”"]
    texts = [p.text for p in _open(result.data).paragraphs]
    placeholders = [f for f in result.findings if f.code == "W-01"]
    assert len(placeholders) == 7  # eight sections, one written
    assert all(f.severity == "warning" for f in placeholders)
    assert texts.count(DRAFT_PLACEHOLDER) == 7
    after = texts.index("（一）主动公开") + 1
    assert texts[after] == "本年主动公开信息215条。"
    for heading in SECTION_HEADINGS[4:]:
        assert texts[texts.index(heading) + 1] == DRAFT_PLACEHOLDER  # never an empty heading


def _without_meta(report: Report) -> Report:
    """`report` with the three basic-information fields the preamble and closing print left
    empty, as a clerk who has not yet got the date, site and contact line has it."""
    meta = report.meta.model_copy(update={"publish_date": None, "website": "", "contact": ""})
    return report.model_copy(update={"meta": meta})


def test_formal_export_refuses_each_missing_field_by_name_and_key() -> None:
    report = _without_meta(publishable(_report("seed-2022")))
    with pytest.raises(ExportBlocked) as caught:
        build_docx(report)
    blocked = caught.value
    assert blocked.missing == ["meta.website", "meta.contact", "meta.publish_date"]
    message = str(blocked)
    for name, key in (("电子版下载网址", "meta.website"), ("联系方式", "meta.contact")):
        assert f"{name}（{key}）" in message
    assert "发布日期（meta.publish_date）" in message and "数据检查" not in message
    web = "；".join(blocked.reasons(data_keys=False))
    assert "发布日期" in web and "meta." not in web
    w03 = [f for f in blocked.findings if f.code == "W-03"]
    assert [f.severity for f in w03] == ["error"] * 3
    assert [f.location for f in w03] == [
        "基本信息 · 电子版下载网址",
        "基本信息 · 联系方式",
        "基本信息 · 发布日期",
    ]
    assert all("概况" in f.hint and f.paths[0] in f.hint for f in w03)


def test_one_missing_field_blocks_alone_and_filling_it_unblocks() -> None:
    report = publishable(_report("busy-2023"))
    no_date = report.model_copy(
        update={"meta": report.meta.model_copy(update={"publish_date": None})}
    )
    with pytest.raises(ExportBlocked) as caught:
        build_docx(no_date)
    assert caught.value.missing == ["meta.publish_date"]
    assert "基本信息还有 1 项未填写" in str(caught.value)
    assert MISSING_PLACEHOLDER not in "".join(
        p.text for p in _open(build_docx(report).data).paragraphs
    )


def test_forced_draft_keeps_the_visible_placeholder_and_says_so() -> None:
    report = _without_meta(publishable(_report("seed-2022")))
    result = build_docx(report, force=True)
    document = _open(result.data)
    assert document.sections[0].header.paragraphs[0].text == "草稿"
    codes = [(f.code, f.severity, f.location) for f in result.findings if f.code == "W-03"]
    assert codes == [
        ("W-03", "warning", "基本信息 · 电子版下载网址"),
        ("W-03", "warning", "基本信息 · 联系方式"),
        ("W-03", "warning", "基本信息 · 发布日期"),
    ]
    forced = next(f for f in result.findings if f.code == "W-04")
    assert "基本信息有 3 项未填写" in forced.message
    texts = [p.text for p in document.paragraphs]
    preamble = "".join(texts[1:4])
    assert preamble.count(MISSING_PLACEHOLDER) == 2
    assert texts[-1] == MISSING_PLACEHOLDER  # the 落款 date


def test_a_template_that_does_not_print_a_field_does_not_require_it(tmp_path: Path) -> None:
    (tmp_path / "document").mkdir()
    (tmp_path / "document" / "report.yaml").write_text(
        'preamble: "本报告由{{ agency }}编制，统计期限为{{ year }}年。"\n'
        'closing:\n  - "{{ agency }}"\n  - "{{ publish_date }}"\n',
        encoding="utf-8",
    )
    template = load_document_template(tmp_path)
    assert template.variables == {"agency", "year", "publish_date"}
    report = _without_meta(publishable(_report("seed-2022")))
    with pytest.raises(ExportBlocked) as caught:
        build_docx(report, template=template)
    assert caught.value.missing == ["meta.publish_date"]
    dated = report.model_copy(
        update={"meta": report.meta.model_copy(update={"publish_date": dt.date(2023, 1, 18)})}
    )
    result = build_docx(dated, template=template)
    assert not [f for f in result.findings if f.code == "W-03"]
    assert MISSING_PLACEHOLDER not in "".join(p.text for p in _open(result.data).paragraphs)


def test_each_line_of_prose_is_its_own_indented_paragraph() -> None:
    report = _report("busy-2023")
    report.narrative.problems = "（一）存在的问题。部分栏目更新不及时。\n1.政策解读形式单一。\r\n\n（二）改进措施\n加强培训。"
    document = _open(build_docx(publishable(report)).data)
    paragraphs = document.paragraphs
    start = [p.text for p in paragraphs].index(SECTION_HEADINGS[4]) + 1
    chunk = paragraphs[start : start + 4]
    assert [p.text for p in chunk] == [
        "（一）存在的问题。部分栏目更新不及时。",
        "1.政策解读形式单一。",
        "（二）改进措施",
        "加强培训。",
    ]
    assert all(p.paragraph_format.first_line_indent.pt == 32.0 for p in chunk)
    lead = chunk[0].runs[0]
    assert lead.text == "（一）存在的问题。"
    assert lead._r.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert chunk[0].runs[1]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert chunk[2].runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"


def test_bad_text_is_cleaned_with_a_warning_and_the_rest_kept() -> None:
    report = _report("busy-2023")
    long_text = "政务公开" * 5000  # 20,000 characters
    report.narrative.overview_intro = "开头\x00中间\x0b结尾\x1f。"
    report.narrative.overview_on_request = long_text
    report.narrative.overview_platform = "<b>网站</b> **加粗** # 标题 {{ 7*7 }} 😀 𠀀𪚥"
    result = build_docx(report, force=True)  # the prose checks object to the markdown
    bad = [f for f in result.findings if f.code == "W-02"]
    assert len(bad) == 1
    assert "U+0000" in bad[0].message and "U+000B" in bad[0].message and "U+001F" in bad[0].message
    assert bad[0].location == "正文 · 一、总体情况 导语"
    texts = [p.text for p in _open(result.data).paragraphs]
    assert "开头中间结尾。" in texts
    assert long_text in texts
    assert "<b>网站</b> **加粗** # 标题 {{ 7*7 }} 😀 𠀀𪚥" in texts


def test_title_is_balanced_over_lines() -> None:
    assert title_lines("某县局", 2023) == ["某县局2023年政府信息公开工作年度报告"]
    lines = title_lines("安吉县自然资源和规划局", 2023)
    assert lines == ["安吉县自然资源和规划局2023年", "政府信息公开工作年度报告"]
    long = title_lines("内蒙古自治区呼和浩特市赛罕区人民政府办公室", 2023)
    assert (
        "".join(long) == "内蒙古自治区呼和浩特市赛罕区人民政府办公室2023年政府信息公开工作年度报告"
    )
    assert len(long) == 2 and long[0].endswith("人民政府")  # breaks between words only


# --- gate -----------------------------------------------------------------------------------


def test_export_refuses_when_checks_find_errors(tmp_path: Path) -> None:
    report = _report("errors-2020")
    target = tmp_path / "out.docx"
    target.write_bytes(b"previous")
    with pytest.raises(ExportBlocked) as info:
        export_docx(report, target)
    assert any(f.severity == "error" and f.code == "T3-01" for f in info.value.findings)
    assert "--force" in str(info.value)
    assert target.read_bytes() == b"previous"


def test_forced_export_marks_every_page_draft(exported: dict[str, bytes]) -> None:
    document = _open(exported["errors-2020"])
    for section in document.sections:
        assert section.header.paragraphs[0].text == "草稿"
        assert section.even_page_header.paragraphs[0].text == "草稿"
    forced = build_docx(_report("errors-2020"), force=True)
    assert any(f.code == "W-04" for f in forced.findings)
    clean = _open(exported["busy-2023"])
    assert all(p.text != "草稿" for p in clean.sections[0].header.paragraphs)


def test_export_docx_writes_atomically(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "report.docx"
    findings = export_docx(publishable(_report("busy-2023")), target)
    assert target.read_bytes()[:2] == b"PK"
    assert [p.name for p in target.parent.iterdir()] == ["report.docx"]
    assert all(f.severity == "warning" for f in findings)


# --- reading back ---------------------------------------------------------------------------

PRINTED = ("table2", "table2_2019", "table3", "table4")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_round_trip_is_the_identity(exported: dict[str, bytes], name: str) -> None:
    report = _report(name)
    back = import_docx(exported[name])
    assert back.meta.agency == report.meta.agency
    assert back.meta.report_year == report.meta.report_year
    assert back.format_version == report.format_version
    assert [g.matrix() for g in report_grids(back)] == [g.matrix() for g in report_grids(report)]
    expected = report.model_dump(include=set(PRINTED))
    if report.format_version == "2021":  # a 2021 table has no row for the 2019 （六）其他处理
        expected["table3"]["other_processing"] = back.table3.other_processing.model_dump()
    assert back.model_dump(include=set(PRINTED)) == expected


def test_round_trip_2019_format(tmp_path: Path) -> None:
    report = report_2019()
    path = tmp_path / "r.docx"
    export_docx(publishable(report), path)
    back = import_docx(path)
    assert back.format_version == "2019"
    assert back.table2_2019 == report.table2_2019
    assert back.table2_2019.procurement.amount == Decimal("251000")
    assert back.table3 == report.table3
    assert back.table4 == report.table4


def _rewrite_document_xml(data: bytes, edit) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                content = edit(content.decode("utf-8")).encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


def test_import_tolerates_label_variants(exported: dict[str, bytes]) -> None:
    def vary(xml: str) -> str:
        xml = xml.replace("行政规范性文件", "规范性文件")
        xml = xml.replace("第二十条第（一）项", "第二十条 第(一)项")
        xml = xml.replace("（一）予以公开", "(一) 予以公开")
        xml = xml.replace("4.保护第三方合法权益", "4、保护第三方合法权益")
        xml = xml.replace("危及“三安全一稳定”", '危及"三安全一稳定"')
        xml = xml.replace("本年收费金额（单位：万元）", "本年收费金额(单位:万元)")
        xml = xml.replace("结果维持", "结果 维持")
        return xml

    varied = _rewrite_document_xml(exported["busy-2023"], vary)
    assert "(一) 予以公开" in [c.text for row in _open(varied).tables[1].rows for c in row.cells]
    back = import_docx(varied)
    report = _report("busy-2023")
    assert (
        back.table2 == report.table2
        and back.table3 == report.table3
        and back.table4 == report.table4
    )


def test_import_keeps_a_stated_total_that_does_not_add_up(exported: dict[str, bytes]) -> None:
    back = import_docx(exported["errors-2020"])
    assert back.table3.new_received.total == 6  # 4 + 1 = 5 stated as 6: kept, so check flags it
    assert back.table4.review.total == 3


def test_import_reads_title_override_and_reports_missing_title(exported: dict[str, bytes]) -> None:
    def drop_title(xml: str) -> str:
        return xml.replace("政府信息公开工作年度报告", "工作报告", 1)

    untitled = _rewrite_document_xml(exported["busy-2023"], drop_title)
    with pytest.raises(DocxImportError, match="--agency"):
        import_docx(untitled)
    back = import_docx(untitled, agency="某某局", report_year=2023)
    assert (back.meta.agency, back.meta.report_year) == ("某某局", 2023)


def test_import_ignores_hidden_text_in_cells(exported: dict[str, bytes]) -> None:
    def hide(xml: str) -> str:  # a hidden "9" before the 412 of 行政许可
        return xml.replace(
            '<w:t xml:space="preserve">412</w:t>',
            '<w:t xml:space="preserve">412</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>9</w:t>',
        )

    assert import_docx(_rewrite_document_xml(exported["busy-2023"], hide)).table2.licensing == 412


def test_import_names_the_cell_that_is_not_a_number(exported: dict[str, bytes]) -> None:
    def garble(xml: str) -> str:
        return xml.replace(
            '<w:t xml:space="preserve">412</w:t>', '<w:t xml:space="preserve">四百一十二件</w:t>'
        )

    assert import_docx(_rewrite_document_xml(exported["busy-2023"], garble)).table2.licensing == 412

    def wrong(xml: str) -> str:
        return xml.replace(
            '<w:t xml:space="preserve">412</w:t>', '<w:t xml:space="preserve">约400</w:t>'
        )

    # kept as published: the cell is noted at its place, not refused and not read as 0
    report = import_docx(_rewrite_document_xml(exported["busy-2023"], wrong))
    [finding] = [f for f in check_report(report) if f.code == "I-01"]
    assert finding.location == "表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量"
    assert "“约400”" in finding.message


def test_import_names_a_missing_row(exported: dict[str, bytes]) -> None:
    def drop_row(xml: str) -> str:
        return xml.replace("8.属于行政查询事项", "8.另一项")

    report = import_docx(_rewrite_document_xml(exported["busy-2023"], drop_row))
    missing = [f.location for f in check_report(report) if f.code == "I-02"]
    assert missing == ["表三 · 三、本年度办理结果 ·（三）不予公开 · 8.属于行政查询事项"]


def test_control_characters_in_meta_are_cleaned_everywhere() -> None:
    report = _report("busy-2023")
    report.meta.agency = "安吉县\x0b自然资源和规划局"
    report.meta.contact = "电话\x000572-5000000"
    result = build_docx(publishable(report))
    locations = sorted(f.location for f in result.findings if f.code == "W-02")
    assert locations == ["基本信息 · 机关全称", "基本信息 · 联系方式"]
    document = _open(result.data)
    assert document.paragraphs[0].text.replace("\n", "").startswith("安吉县自然资源和规划局2023年")
    assert document.core_properties.author == "安吉县自然资源和规划局"
    assert "电话0572-5000000" in "".join(p.text for p in document.paragraphs[1:4])


def test_import_reads_tracked_changes_as_accepted_and_tables_in_content_controls(
    exported: dict[str, bytes],
) -> None:
    def track(xml: str) -> str:
        return xml.replace(
            '<w:t xml:space="preserve">412</w:t></w:r>',
            '<w:t xml:space="preserve">41</w:t></w:r><w:ins w:id="901" w:author="审核"><w:r>'
            '<w:t>2</w:t></w:r></w:ins><w:del w:id="902" w:author="审核"><w:r><w:delText>9'
            "</w:delText></w:r></w:del>",
        )

    def wrap_last_table(xml: str) -> str:
        start = xml.rindex("<w:tbl>")
        end = xml.rindex("</w:tbl>") + len("</w:tbl>")
        return (
            xml[:start]
            + "<w:sdt><w:sdtPr/><w:sdtContent>"
            + xml[start:end]
            + "</w:sdtContent></w:sdt>"
            + xml[end:]
        )

    edited = _rewrite_document_xml(exported["busy-2023"], lambda x: wrap_last_table(track(x)))
    assert "<w:sdtContent><w:tbl>" in _part(edited, "word/document.xml")
    back = import_docx(edited)
    assert back.table2.licensing == 412
    assert back.table4 == _report("busy-2023").table4


# --- the shared template (issue 19) ---------------------------------------------------------


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_builds_share_the_template_but_nothing_of_each_other() -> None:
    """Every build renders into a copy of one prepared template and reuses the compressed
    styles: a draft, then a formal document of another report, then the draft again must
    give the first draft's members exactly (core.xml holds the time), and the formal one
    carries no 草稿 header and none of the first report's agency."""
    first = publishable(_report("errors-2020"))  # errors: a forced build is a 草稿
    other = publishable(_report("seed-2022-as-published"))
    draft = _members(build_docx(first, force=True).data)
    formal = _members(build_docx(other).data)
    again = _members(build_docx(first, force=True).data)
    assert draft.keys() == again.keys()
    changed = [name for name in draft if draft[name] != again[name]]
    assert changed in ([], ["docProps/core.xml"])
    assert "草稿" in draft["word/header1.xml"].decode("utf-8")
    assert not any(name.startswith("word/header") for name in formal)
    assert first.meta.agency not in formal["word/document.xml"].decode("utf-8")
    assert formal["word/styles.xml"] == draft["word/styles.xml"]


def test_saved_members_are_those_python_docx_writes() -> None:
    """`docx_bytes` writes the same members with the same bytes as python-docx's own save."""
    from draftbot.export import DRAFT_MARK, plan_document
    from draftbot.word.writer import docx_bytes, render_plan

    doc, _ = render_plan(plan_document(publishable(_report("busy-2023")), force=True), DRAFT_MARK)
    ours = _members(docx_bytes(doc))
    out = io.BytesIO()
    doc.save(out)
    theirs = _members(out.getvalue())
    assert ours == theirs
    assert len(ours["word/styles.xml"]) > 64 * 1024  # the shared path was taken


# --- the body written as text (issue 19) ------------------------------------------------------


def _same_members(data: bytes) -> dict[str, bytes]:
    """Members with the core properties' two times taken out (they hold the build time)."""
    members = _members(data)
    members["docProps/core.xml"] = re.sub(
        rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", members["docProps/core.xml"]
    )
    return members


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_body_as_text_equals_python_docx_serialising_it(name: str) -> None:
    """`build_docx` writes the body as text; every member, document.xml included, must be
    byte for byte what rendering the plan into python-docx elements and saving gives, for
    every example, drafts and formal documents alike."""
    from draftbot.export import DRAFT_MARK, plan_document
    from draftbot.word.writer import docx_bytes, plan_docx_bytes, render_plan

    report = publishable(_report(name))
    plan = plan_document(report, force=True, findings=check_report(report))
    for mark in ("", DRAFT_MARK):
        fast = _same_members(plan_docx_bytes(plan, mark))
        slow = _same_members(docx_bytes(render_plan(plan, mark)[0]))
        assert fast == slow
        assert len(fast["word/document.xml"]) > 100_000  # the whole body, tables included


def test_the_body_as_text_keeps_awkward_text_as_python_docx_does() -> None:
    """Markup characters, quotes, tabs, empty cells, a line break in the title, a lead, and
    text lxml would rewrite or refuse (a carriage return, a control character: that plan
    goes through python-docx's elements, with their behaviour)."""
    from draftbot.export import Block, DocumentPlan
    from draftbot.word.writer import _body_slots, docx_bytes, plan_docx_bytes, render_plan

    grid = next(g for g in report_grids(_report("seed-2022")) if g.name == "表三")
    cells = tuple(
        replace(cell, text="" if i % 7 == 0 else f"{cell.text}<&>\"'\t")
        if cell.kind != "label"
        else cell
        for i, cell in enumerate(grid.cells)
    )
    awkward = [
        Block("title", "某局2023年\n政府信息公开工作年度报告"),
        Block("heading", "一、总体情况 <b>&amp;</b>"),
        Block("body", "正文“引号”'单引号'\t制表符 ]]> & < >", lead="（一）"),
        Block("landscape", "on"),
        Block("table", grid=replace(grid, cells=cells)),
        Block("landscape", "off"),
        Block("closing", "某局"),
        Block("closing", "2024年1月20日"),
    ]
    plan = DocumentPlan("某局 <报告>", "某局 & 某处", awkward)
    assert _body_slots(plan) is not None  # written as text, not through python-docx
    fast = _same_members(plan_docx_bytes(plan, ""))
    assert fast == _same_members(docx_bytes(render_plan(plan, "")[0]))
    assert '<w:t xml:space="preserve"/>' in fast["word/document.xml"].decode("utf-8")
    for bad in ("第一行\r第二行", "控制\x0b字符"):
        plan = DocumentPlan("某局", "某局", [Block("body", bad)])
        assert _body_slots(plan) is None
        try:
            expected = _same_members(docx_bytes(render_plan(plan, "")[0]))
        except Exception as refused:  # lxml's own error, whatever python-docx raises
            with pytest.raises(type(refused)):
                plan_docx_bytes(plan, "")
        else:
            assert _same_members(plan_docx_bytes(plan, "")) == expected
