"""Arithmetic and consistency checks: exact findings for each example, and rule by rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from draftbot.checks import check_report
from draftbot.datafile import load_report, parse_report
from draftbot.findings import has_errors
from draftbot.model import Report, beijing_today

EXPECTED_ERRORS_EXAMPLE = [
    ("T3-01", "error", "表三 · 勾稽关系 · 自然人",
     "自然人列：新收 4 + 上年结转 1 = 5，但办理结果总计 5 + 结转下年度 1 = 6，相差 1 件"),
    ("T3-03", "error", "表三 · 一、本年新收政府信息公开申请数量 · 总计",
     "总计填写为 6，但六类申请人合计 4 + 1 + 0 + 0 + 0 + 0 = 5"),
    ("T3-04", "error", "表三 · 三、本年度办理结果 ·（七）总计 · 自然人",
     "自然人列：（七）总计填写为 5，但（一）至（六）各项合计为 3，相差 2 件"),
    ("T3-04", "error", "表三 · 三、本年度办理结果 ·（七）总计 · 总计",
     "总计列：（七）总计填写为 6，但（一）至（六）各项合计为 4，相差 2 件"),
    ("F-02", "error", "表三 · 三、本年度办理结果 ·（六）其他处理",
     "本报告使用 2021 格式，表三没有“（六）其他处理”这一行，但填写了 1 件"),
    ("T4-01", "error", "表四 · 行政复议 · 总计",
     "总计填写为 3，但结果维持 1 + 结果纠正 0 + 其他结果 0 + 尚未审结 1 = 2"),
    ("X-01", "warning", "表三 · 二、上年结转政府信息公开申请数量 · 自然人",
     "上年结转填写为 1 件，但上年报告的结转下年度继续办理为 2 件"),
    ("X-01", "warning", "表三 · 二、上年结转政府信息公开申请数量 · 总计",
     "上年结转填写为 1 件，但上年报告的结转下年度继续办理为 2 件"),
    ("X-02", "warning", "表二 · 第二十条第（一）项 · 行政规范性文件 · 现行有效件数",
     "行政规范性文件：上年现行有效 5 + 本年制发 2 - 本年废止 0 = 7，但本年现行有效填写为 10"),
    ("V-01", "error", "基本信息 · 格式版本", "2020 年度报告应使用 2019 格式，但指定了 2021 格式"),
    ("X-04", "error", "基本信息 · 发布日期",
     "发布日期 2020年12月30日 早于统计期结束（2020年12月31日）"),
    ("X-07", "warning", "填报事实 · 监督保障情况",
     "“本年组织2019年度政务公开培训两次”说的是本年，却写了 2019年，而统计年度为 2020 年"),
    ("X-05", "warning",
     "表三 · 三、本年度办理结果 ·（六）其他处理 · "
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 · 总计",
     "因逾期未缴费不再处理的申请有 1 件，但填报的收费通知只有 0 件"),
    ("X-05", "warning", "填报事实 · 信息处理费", "实际收取 50 元，多于收费通知总金额 0 元"),
    ("F-01", "warning", "填报事实 · 本年主动公开政府信息条数",
     "分类合计 工作动态 15 + 通知公告 10 = 25 条，多于填报的主动公开总数 20 条"),
]  # fmt: skip

ALL_CODES = {"T3-01", "T3-03", "T3-04", "T4-01", "F-01", "F-02", "V-01", "X-01", "X-02", "X-04",
             "X-05", "X-07"}  # fmt: skip


def table_findings(report: Report) -> list[tuple[str, str, str, str]]:
    """Findings of the table and consistency rules (prose review codes start with P-)."""
    return [
        (f.code, f.severity, f.location, f.message)
        for f in check_report(report)
        if not f.code.startswith("P-")
    ]


@pytest.mark.parametrize("name", ["seed-2022.yaml", "busy-2023.yaml"])
def test_clean_examples_have_no_findings(examples_dir: Path, name: str):
    assert check_report(load_report(examples_dir / name)) == []


def test_error_example_fires_every_rule_with_location_and_numbers(examples_dir: Path):
    report = load_report(examples_dir / "errors-2020.yaml")
    assert table_findings(report) == EXPECTED_ERRORS_EXAMPLE
    assert {code for code, *_ in EXPECTED_ERRORS_EXAMPLE} == ALL_CODES
    assert has_errors(check_report(report))


def test_every_finding_has_a_hint(examples_dir: Path):
    for finding in check_report(load_report(examples_dir / "errors-2020.yaml")):
        assert finding.hint, finding.code


HEAD = "meta: {agency: 示例县民政局, region: 山西省运城市稷山县, report_year: 2022}\n"


def findings_of(text: str) -> list[tuple[str, str, str, str]]:
    return table_findings(parse_report(HEAD + text))


def test_t3_01_on_total_column_only_when_totals_disagree():
    found = findings_of(
        "table3:\n  new_received: {natural_person: 2, total: 3}\n  granted: {natural_person: 2}\n"
    )
    codes = [(code, loc) for code, _, loc, _ in found]
    assert codes == [
        ("T3-01", "表三 · 勾稽关系 · 总计"),
        ("T3-03", "表三 · 一、本年新收政府信息公开申请数量 · 总计"),
    ]


def test_balanced_table_with_stated_totals_is_clean():
    text = (
        "table3:\n"
        "  new_received: {natural_person: 2, commercial: 1, total: 3}\n"
        "  granted: {natural_person: 1, commercial: 1, total: 2}\n"
        "  carried_forward: {natural_person: 1, total: 1}\n"
        "  results_total: {natural_person: 1, commercial: 1, total: 2}\n"
        "table4:\n  litigation_direct: {corrected: 1, pending: 2, total: 3}\n"
    )
    assert findings_of(text) == []


def test_2019_report_uses_single_other_row_and_rejects_2021_rows():
    text = (
        "meta: {agency: 示例县民政局, report_year: 2020}\n"
        "table3:\n  new_received: {natural_person: 2}\n"
        "  other_processing: {natural_person: 1}\n  other_other: {natural_person: 1}\n"
    )
    found = table_findings(parse_report(text))
    # The 2021-only row is not counted in a 2019 table, so the balance is off by it too.
    assert [(c, loc) for c, _, loc, _ in found] == [
        ("T3-01", "表三 · 勾稽关系 · 自然人"),
        ("T3-01", "表三 · 勾稽关系 · 总计"),
        ("F-02", "表三 · 三、本年度办理结果 ·（六）其他处理 · 3.其他"),
    ]


def test_publish_date_two_years_later_is_a_warning():
    found = table_findings(
        parse_report("meta: {agency: 示例县民政局, report_year: 2022, publish_date: 2024-01-10}\n")
    )
    assert found == [
        ("X-04", "warning", "基本信息 · 发布日期",
         "发布日期 2024年1月10日 晚于 2023 年，而统计年度为 2022 年"),
    ]  # fmt: skip


def test_a_report_year_after_this_year_is_an_error_naming_the_field():
    this_year = beijing_today().year
    later = parse_report(f"meta: {{agency: 示例县民政局, report_year: {this_year + 1}}}\n")
    found = table_findings(later)
    assert [(c, sev, loc) for c, sev, loc, _ in found] == [("V-04", "error", "基本信息 · 统计年度")]
    message = found[0][3]
    assert f"统计年度为 {this_year + 1} 年，晚于今年（{this_year} 年）" in message
    finding = next(f for f in check_report(later) if f.code == "V-04")
    assert "请核对统计年度" in finding.hint and finding.paths == ("meta.report_year",)
    assert has_errors(check_report(later))


@pytest.mark.parametrize("back", [0, 1])
def test_this_year_and_last_year_are_fine(back: int):
    year = beijing_today().year - back
    report = parse_report(f"meta: {{agency: 示例县民政局, report_year: {year}}}\n")
    assert "V-04" not in {f.code for f in check_report(report)}


def test_publish_date_in_following_january_is_fine():
    report = parse_report(HEAD)
    report.meta.publish_date = dt.date(2023, 1, 18)
    assert check_report(report) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "本年落实〔2021〕30号文件要求。",
        "2023年1月在门户网站发布本年度报告。",
        "全年共发布信息二百条。",
    ],
)
def test_year_rule_stays_quiet_on_legitimate_mentions(sentence: str):
    assert findings_of(f"facts:\n  proactive_notes: {sentence}\n") == []


def test_x02_skipped_without_previous_figure():
    assert findings_of("table2:\n  normative_documents: {issued: 1, in_force: 9}\n") == []


def test_results_given_only_as_row_totals_count_in_the_total_column() -> None:
    """办理结果总计 in the 总计 column adds each result row's 总计, stated or computed."""
    from draftbot.model import Meta, Report

    report = Report(meta=Meta(agency="某县某局", report_year=2024))
    report.table3.new_received.natural_person = 10
    report.table3.new_received.commercial = 2
    report.table3.granted.total = 7
    report.table3.partially_granted.total = 2
    report.table3.unable_not_held.total = 3
    assert report.table3.results_column_total("2021", "total") == 12
    balance = [f for f in check_report(report) if f.code == "T3-01"]
    assert [f.location.rsplit(" · ", 1)[-1] for f in balance] == ["自然人", "商业企业"]
    # the 自然人 column still says 办理结果总计 0: those rows have no split yet, which is true
    assert "办理结果总计 0 + 结转下年度 0" in balance[0].message


def test_result_rows_near_the_cell_bound_sum_to_a_total_without_a_validation_error():
    """Each cell is bounded (1,000,000), a computed 总计 is not: two rows at the bound give a
    （七）总计 of 2,000,000 that the checks, the import's total clean-up and the grid can use
    (a fuzzed upload once turned this into a 500)."""
    from draftbot.model import drop_redundant_totals

    report = Report.model_validate(
        {
            "meta": {"agency": "某县某局", "report_year": 2023},
            "table3": {
                "granted": {"natural_person": 1_000_000},
                "partially_granted": {"natural_person": 1_000_000},
            },
        }
    )
    total = report.table3.computed_results_total(report.format_version)
    assert total.natural_person == 2_000_000
    drop_redundant_totals(report)  # must not raise
    codes = {f.code for f in check_report(report)}
    assert "T3-01" in codes  # nothing was carried or received: the balance does not hold
