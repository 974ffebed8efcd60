"""Values read from a published report are kept as printed (design §7 provenance).

Each case below is one way a real published table differs from a clean data file; the figures
are made up in the size real reports have. Typed data keeps its strict errors.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from draftbot.checks import check_report
from draftbot.cli import app
from draftbot.datafile import DataFileError, dump_report, parse_report

TYPED = "meta: {agency: 示例市人民政府, report_year: 2023}\n"
PUBLISHED = TYPED + "source: {kind: published, file: 2023年报.html}\n"


def findings(report, code: str) -> list[tuple[str, str]]:
    return [(f.location, f.message) for f in check_report(report) if f.code == code]


def problems(text: str) -> list[str]:
    with pytest.raises(DataFileError) as info:
        parse_report(text, "x.yaml")
    return [str(p) for p in info.value.problems]


# --- sizes ---------------------------------------------------------------------------------


def test_city_wide_licensing_count_loads_with_a_warning_at_its_cell():
    report = parse_report(PUBLISHED + "table2: {licensing: 1573179}\n")
    assert report.table2.licensing == 1573179
    assert findings(report, "I-04") == [
        (
            "表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量",
            "原报告此格为 1573179，超过通常的上限 1000000，已按原样保留",
        )
    ]


def test_typed_count_beyond_the_bound_is_still_an_error():
    assert problems(TYPED + "table2: {licensing: 1573179}\n") == [
        "第 2 行，表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量："
        "数值过大（上限 1000000），收到“1573179”，请核对是否多输了位数"
    ]


def test_fee_with_six_decimals_loads_as_printed():
    report = parse_report(PUBLISHED + "table2: {fees_wan_yuan: '0.123456'}\n")
    assert report.table2.fees_wan_yuan == Decimal("0.123456")
    assert "fees_wan_yuan: '0.123456'" in dump_report(report)
    [(where, message)] = findings(report, "I-04")
    assert where == "表二 · 第二十条第（八）项 · 行政事业性收费 · 本年收费金额（单位：万元）"
    assert "0.123456" in message


def test_published_values_have_an_outer_bound_too():
    found = problems(PUBLISHED + "table2: {licensing: 99999999999}\n")
    assert found == [
        "第 3 行，表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量："
        "数值过大（上限 10000000000），收到“99999999999”，请核对是否多输了位数"
    ]


# --- blank and `/` cells, missing rows -------------------------------------------------------


def test_blank_and_slash_cells_are_kept_as_notes_not_zero():
    report = parse_report(
        PUBLISHED + "table3:\n  granted: {natural_person: /, commercial: null, research: ''}\n"
    )
    notes = report.source.notes
    assert notes["table3.granted.natural_person"].kind == "mark"
    assert notes["table3.granted.natural_person"].printed == "/"
    assert notes["table3.granted.commercial"].kind == "blank"
    assert notes["table3.granted.research"].kind == "blank"
    found = dict(findings(report, "I-01"))
    assert found["表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人"] == (
        "原报告此格为“/”，不是数字；核对时按 0 计算"
    )
    assert found["表三 · 三、本年度办理结果 ·（一）予以公开 · 商业企业"] == (
        "原报告此格为空白，不是数字；核对时按 0 计算"
    )


def test_a_null_row_and_an_omitted_row_are_both_missing_rows():
    rows = "\n".join(
        f"  {key}: {{}}" for key in ("new_received", "carried_over", "granted", "carried_forward")
    )
    report = parse_report(PUBLISHED + "table3:\n" + rows + "\n  partially_granted: null\n")
    missing = [where for where, _ in findings(report, "I-02")]
    assert (
        "表三 · 三、本年度办理结果 ·（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
        in missing
    )
    assert "表三 · 三、本年度办理结果 ·（三）不予公开 · 1.属于国家秘密" in missing
    assert "表三 · 一、本年新收政府信息公开申请数量" not in missing
    assert len(missing) == 20  # the 21 result rows of 2021 but 予以公开 (部分公开 is null)


def test_published_notes_survive_a_save_and_reload():
    report = parse_report(
        PUBLISHED + "table3:\n  granted: {natural_person: /}\n  denied_third_party: null\n"
    )
    again = parse_report(dump_report(report))
    assert again.source.notes == report.source.notes
    assert findings(again, "I-02") == findings(report, "I-02")


def test_check_command_reports_published_defects_at_their_cells(tmp_path: Path):
    path = tmp_path / "published.yaml"
    path.write_text(
        PUBLISHED + "table2: {licensing: 1573179, penalty: /}\ntable3:\n  granted: null\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check", str(path), "--json"])
    codes = {(f["code"], f["location"]) for f in json.loads(result.stdout)["findings"]}
    assert ("I-04", "表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量") in codes
    assert ("I-01", "表二 · 第二十条第（六）项 · 行政处罚 · 本年处理决定数量") in codes
    assert ("I-02", "表三 · 三、本年度办理结果 ·（一）予以公开") in codes


# --- formats -------------------------------------------------------------------------------


def test_2021_report_with_a_2019_table2_loads_with_a_finding():
    report = parse_report(
        PUBLISHED + "table2_2019:\n  licensing: {previous_items: 12, change: -2, decisions: 30}\n"
    )
    assert report.table2_2019.licensing.change == -2
    assert findings(report, "V-03") == [
        (
            "表二",
            "原报告使用 2021 格式，但表二仍是 2019（试行）格式（新旧格式混用），已按原样保留在 table2_2019",
        )
    ]


def test_typed_2021_report_with_a_2019_table2_is_still_refused():
    assert "table2_2019" in problems(TYPED + "table2_2019:\n  licensing: {decisions: 3}\n")[0]


def test_stated_2019_format_with_a_filled_2021_table2_says_so():
    text = "meta: {agency: 示例县民政局, report_year: 2020}\ntable2: {licensing: 5}\n"
    report = parse_report(text)
    [finding] = [f for f in check_report(report) if f.code == "V-02"]
    assert finding.severity == "error"
    assert "不会导出" in finding.message
    published = parse_report(text + "source: {kind: published}\n")
    [finding] = [f for f in check_report(published) if f.code == "V-02"]
    assert finding.severity == "warning"


# --- messages for null cells (typed data) ------------------------------------------------------


def test_null_cell_asks_for_zero_instead_of_showing_none():
    assert problems(TYPED + "table3:\n  granted: {natural_person: null}\n") == [
        "第 3 行，表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人：此格为空；没有发生的事项请填 0"
    ]


def test_slash_cell_asks_for_zero():
    assert problems(TYPED + "table4:\n  review: {maintained: /}\n") == [
        "第 3 行，表四 · 行政复议 · 结果维持：此格为“/”；没有发生的事项请填 0"
    ]


def test_null_table2_row_is_named_by_its_label():
    assert problems(TYPED + "table2:\n  regulations: null\n") == [
        "第 3 行，表二 · 第二十条第（一）项 · 规章："
        "此行为空；请填写各格的数字，没有发生的事项填 0（删去这一行也表示全部为 0）"
    ]


def test_null_amount_asks_for_zero():
    found = problems(TYPED + "table2: {fees_wan_yuan: null}\n")
    assert found == [
        "第 2 行，表二 · 第二十条第（八）项 · 行政事业性收费 · 本年收费金额（单位：万元）："
        "此格为空；没有发生的事项请填 0"
    ]


def test_2019_procurement_amount_printed_in_yuan_loads_with_a_warning():
    text = (
        "meta: {agency: 示例县财政局, report_year: 2020}\n"
        "source: {kind: published}\n"
        "table2_2019:\n  procurement: {projects: 41, amount: '23,456,789.50'}\n"
    )
    report = parse_report(text)
    assert report.table2_2019.procurement.amount == Decimal("23456789.50")
    [(where, message)] = findings(report, "I-04")
    assert where == "表二 · 第二十条第（九）项 · 政府集中采购 · 采购总金额"
    assert "23456789.5" in message


def test_saved_published_data_keeps_every_row_of_its_format_and_misplaced_numbers():
    report = parse_report(PUBLISHED + "table3:\n  other_processing: {natural_person: 2}\n")
    text = dump_report(report)
    assert "other_no_fee_paid:" in text and "denied_state_secret:" in text
    again = parse_report(text)
    assert again.table3.other_processing.natural_person == 2  # F-02 still sees it
    assert [f.code for f in check_report(again) if f.code == "F-02"] == ["F-02"]


@pytest.mark.parametrize("notes", ["[1, 2]", "abc", "{x: {kind: nonsense}}"])
def test_bad_notes_are_a_message_naming_the_field(notes: str):
    found = problems(TYPED + f"source: {{kind: published, notes: {notes}}}\n")
    assert found and all("数据来源" in p for p in found), found
