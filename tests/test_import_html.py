"""Report pages saved from government portals (.html, .htm, .mht), built from our own examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from draftbot.datafile import load_report
from draftbot.model import SECTION_KEYS, Report
from draftbot.published import ReportImportError, import_report
from draftbot.tables import report_grids
from portal_pages import as_mht, portal_page, report_2019

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_NAMES = ("busy-2023", "seed-2022", "seed-2022-as-published", "errors-2020")


def assert_same_tables(back: Report, source: Report) -> None:
    assert back.meta.agency == source.meta.agency
    assert back.meta.report_year == source.meta.report_year
    assert back.format_version == source.format_version
    assert [g.matrix() for g in report_grids(back)] == [g.matrix() for g in report_grids(source)]


def assert_prose(back: Report, source: Report) -> None:
    for key in SECTION_KEYS:
        assert getattr(back.narrative, key) == getattr(source.narrative, key).strip(), key


def codes(result) -> list[tuple[str, str]]:
    return [(f.code, f.location) for f in result.findings]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("layout_table", [False, True])
def test_portal_page_tables_and_prose_equal_the_source(name: str, layout_table: bool) -> None:
    source = load_report(EXAMPLES / f"{name}.yaml")
    page = portal_page(source, layout_table=layout_table)
    assert "rowspan" in page and "colspan" in page and "&nbsp;" in page
    result = import_report(page.encode("utf-8"), filename="年报.html")
    assert_same_tables(result.report, source)
    assert_prose(result.report, source)
    assert result.findings == []
    assert result.report.meta.publish_date == source.meta.publish_date


def test_2019_format_page() -> None:
    source = report_2019()
    result = import_report(portal_page(source).encode(), filename="2020年报.htm")
    assert_same_tables(result.report, source)
    assert result.report.table2_2019 == source.table2_2019
    assert_prose(result.report, source)


def test_gbk_page_and_web_archive() -> None:
    source = load_report(EXAMPLES / "seed-2022-as-published.yaml")
    page = portal_page(source)
    gbk = page.replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030")
    assert_same_tables(import_report(gbk, filename="年报.htm").report, source)
    archived = import_report(as_mht(page), filename="年报.mht")
    assert_same_tables(archived.report, source)
    assert_prose(archived.report, source)


def _edit_cell(page: str, row_label: str, column: int, new: str) -> str:
    """The page with the `column`-th number cell (from 0) of the row labelled `row_label` replaced."""
    start = page.index(row_label[:3])
    start = page.index(row_label[-3:], start)
    row_end = page.index("</tr>", start)
    cells = list(re.finditer(r"&nbsp;<span[^>]*>([\d.]+)</span>&nbsp;", page[start:row_end]))
    match = cells[column]
    return page[: start + match.start()] + new + page[start + match.end() :]


def test_published_defects_on_a_page_are_kept_with_findings_at_their_cells() -> None:
    source = load_report(EXAMPLES / "busy-2023.yaml")
    page = portal_page(source)
    page = _edit_cell(page, "（一）予以公开", 2, "&nbsp;")
    page = _edit_cell(page, "（一）予以公开", 1, " / ")
    page = page.replace("（二）部分公开", "（二）部份公开", 1)  # a misprinted label
    result = import_report(page.encode(), filename="年报.html")
    found = codes(result)
    assert ("I-01", "表三 · 三、本年度办理结果 ·（一）予以公开 · 商业企业") in found
    assert ("I-01", "表三 · 三、本年度办理结果 ·（一）予以公开 · 科研机构") in found
    notes = result.report.source.notes
    assert notes["table3.granted.commercial"].printed == "/"
    assert notes["table3.granted.research"].kind == "blank"
    assert notes["table3.partially_granted"].kind == "label"
    assert notes["table3.partially_granted"].printed.startswith("（二）部份公开")
    assert result.report.table3.partially_granted == source.table3.partially_granted


def test_a_row_missing_from_the_page_is_a_finding_not_zero() -> None:
    source = load_report(EXAMPLES / "busy-2023.yaml")
    page = portal_page(source, quirky=False)
    row = re.search(
        r"<tr>(?:(?!</tr>).)*2\.其他法律行政法规禁止公开(?:(?!</tr>).)*</tr>", page, re.S
    )
    page = page.replace(row.group(0), "")
    group = re.search(r'rowspan="(\d+)" valign="middle">（三）不予公开', page)
    shorter = f'rowspan="{int(group.group(1)) - 1}" valign="middle">（三）不予公开'
    result = import_report(page.replace(group.group(0), shorter).encode(), filename="年报.html")
    assert codes(result) == [
        ("I-02", "表三 · 三、本年度办理结果 ·（三）不予公开 · 2.其他法律行政法规禁止公开")
    ]


def test_2021_page_with_the_2019_table2_loads_with_a_finding() -> None:
    source = load_report(EXAMPLES / "busy-2023.yaml")
    old = report_2019()
    page = portal_page(source)
    new_table2 = re.search(r"<table.*?</table>", page, re.S).group(0)
    old_table2 = re.search(r"<table.*?</table>", portal_page(old), re.S).group(0)
    result = import_report(page.replace(new_table2, old_table2).encode(), filename="年报.html")
    assert result.report.format_version == "2021"
    assert result.report.table2_2019 == old.table2_2019
    assert result.report.table3 == load_report(EXAMPLES / "busy-2023.yaml").table3
    assert ("V-03", "表二") in codes(result)


def test_city_wide_figures_load_with_a_warning() -> None:
    source = load_report(EXAMPLES / "busy-2023.yaml")
    page = portal_page(source, quirky=False).replace(">412<", ">1573179<", 1)
    result = import_report(page.encode(), filename="年报.html")
    assert result.report.table2.licensing == 1573179
    assert codes(result) == [("I-04", "表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量")]


@pytest.mark.parametrize("span", ['colspan="300000000"', 'colspan="99999999999999999999999"'])
def test_hostile_colspan_is_a_message(span: str) -> None:
    page = portal_page(load_report(EXAMPLES / "busy-2023.yaml")).replace("colspan='3'", span, 1)
    with pytest.raises(ReportImportError, match="超过最多 63 列"):
        import_report(page.encode(), filename="年报.html")


def test_page_without_the_tables_names_what_is_missing() -> None:
    page = "<html><body><h1>某县某局2023年政府信息公开工作年度报告</h1><p>正文</p></body></html>"
    with pytest.raises(ReportImportError, match="没有找到表二"):
        import_report(page.encode(), filename="年报.html")


def test_cli_import_writes_the_data_file_and_reports_what_is_uncertain(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from draftbot.cli import app
    from draftbot.datafile import load_report as load

    source = load_report(EXAMPLES / "busy-2023.yaml")
    page = tmp_path / "上年报告.html"
    page.write_text(_edit_cell(portal_page(source), "（一）予以公开", 1, "/"), encoding="utf-8")
    out = tmp_path / "上年.yaml"
    result = CliRunner().invoke(app, ["import", str(page), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "读取到：标题：安吉县自然资源和规划局2023年度，2021 格式" in result.output
    assert "存疑 1 处" in result.output
    assert "表三 · 三、本年度办理结果 ·（一）予以公开 · 商业企业：原报告此格为“/”" in result.output
    back = load(out)
    assert back.source.file == "上年报告.html"
    assert back.source.notes["table3.granted.commercial"].printed == "/"
    checked = CliRunner().invoke(app, ["check", str(out)])
    assert "I-01" in checked.output


def test_a_table2_row_missing_from_the_page_is_one_finding() -> None:
    source = load_report(EXAMPLES / "busy-2023.yaml")
    page = portal_page(source, quirky=False)
    row = re.search(r"<tr>(?:(?!</tr>).)*>规章<(?:(?!</tr>).)*</tr>", page, re.S)
    result = import_report(page.replace(row.group(0), "").encode(), filename="年报.html")
    assert codes(result) == [("I-02", "表二 · 第二十条第（一）项 · 规章")]
    assert result.report.table2.normative_documents == source.table2.normative_documents


def test_next_years_report_starts_from_the_published_text_and_problems() -> None:
    from draftbot.rollover import start_from_previous

    source = load_report(EXAMPLES / "seed-2022-as-published.yaml")
    last = import_report(portal_page(source).encode(), filename="年报.html").report
    assert last.facts.problems == ["部分信息发布不够及时", "个别科室做好公开工作的主动性不强"]
    new = start_from_previous(last)
    assert new.source is None and new.meta.report_year == 2023
    assert [p.problem for p in new.facts.previous_problems] == last.facts.problems
    assert new.previous_year.narrative.problems == source.narrative.problems.strip()
    assert new.table3.carried_over.values() == source.table3.carried_forward.values()


def test_a_misprinted_table2_row_label_is_read_with_a_finding() -> None:
    source = load_report(EXAMPLES / "busy-2023.yaml")
    page = portal_page(source, quirky=False).replace(">行政许可<", ">行政许诺<", 1)
    result = import_report(page.encode(), filename="年报.html")
    assert result.report.table2 == source.table2
    [finding] = result.findings
    assert (finding.code, finding.location) == (
        "I-03",
        "表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量",
    )
    assert "“行政许诺”" in finding.message and "“行政许可”" in finding.message


@pytest.mark.parametrize(
    "title",
    ["示例县民政局2023年政府信息公开工作年度报告", "示例县民政局2023年度政府信息公开工作报告"],
)
def test_title_variants_give_agency_and_year(title: str) -> None:
    from draftbot.published.reading import title_meta

    assert title_meta(["首页 > 政务公开", "示例县民政局", title[6:]]) == ("示例县民政局", 2023)
    assert title_meta([title]) == ("示例县民政局", 2023)


def test_mixed_format_report_exports_its_2019_table2_as_published() -> None:
    from draftbot.word import build_docx

    source = load_report(EXAMPLES / "busy-2023.yaml")
    old = report_2019()
    page = portal_page(source)
    new_table2 = re.search(r"<table.*?</table>", page, re.S).group(0)
    old_table2 = re.search(r"<table.*?</table>", portal_page(old), re.S).group(0)
    mixed = import_report(page.replace(new_table2, old_table2).encode(), filename="年报.html")
    again = import_report(build_docx(mixed.report, force=True).data, filename="年报.docx")
    assert again.report.table2_2019 == old.table2_2019
    assert again.report.table3 == mixed.report.table3
    assert ("V-03", "表二") in codes(again)
