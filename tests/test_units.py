"""Money amounts follow their field's declared unit (万元 or 元), stated in the question, the
data format and the prose; a value that looks entered in the other unit is a warning (U-01)
and never reaches the prose as 3922533.2万元."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from draftbot.checks import check_report
from draftbot.config import Settings
from draftbot.datafile import load_report
from draftbot.drafting import draft_report
from draftbot.drafting.offline import draft_offline
from draftbot.model import Report
from draftbot.questions import load_bank

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _report_2020(procurement: dict[str, Any]) -> Report:
    data = load_report(EXAMPLES / "seed-2022.yaml").model_dump(mode="json")
    data["meta"].update(report_year=2020, publish_date="2021-01-20")
    data["table2_2019"] = {"procurement": procurement}
    return Report.model_validate(data)


def _u01(report: Report) -> list[tuple[str, str]]:
    return [(f.location, f.message) for f in check_report(report) if f.code == "U-01"]


def test_procurement_amount_entered_in_yuan_is_flagged_and_kept_out_of_the_prose() -> None:
    report = _report_2020({"projects": 3, "amount": "3922533.2"})
    found = _u01(report)
    assert len(found) == 1
    location, message = found[0]
    assert "政府集中采购" in location and "采购总金额" in location
    assert "单位是万元" in message and "应填 392.25332" in message
    text = draft_offline(report)["overview_proactive"]
    assert "3922533.2" not in text and "万元" not in text
    assert "政府集中采购项目3个" in text
    outcome = draft_report(report, Settings(_env_file=None), sections=["overview_proactive"])
    told = [f.message for f in outcome.findings if f.code == "D-03"]
    assert any("3922533.2万元" in m and "正文不写这个金额" in m for m in told), told


def test_procurement_amount_in_wan_yuan_is_written_with_its_unit() -> None:
    report = _report_2020({"projects": 3, "amount": "392.25"})
    assert _u01(report) == []
    assert (
        "政府集中采购项目3个、采购总金额392.25万元" in draft_offline(report)["overview_proactive"]
    )


def test_a_departments_fee_in_yuan_and_an_info_fee_in_wan_yuan_are_flagged() -> None:
    report = load_report(EXAMPLES / "busy-2023.yaml")
    assert _u01(report) == []
    report.table2.fees_wan_yuan = Decimal(125000)
    report.facts.info_fee.notices_issued = 1
    report.facts.info_fee.notices_amount_yuan = Decimal("0.02")
    report.facts.info_fee.collected_yuan = Decimal("0.02")
    found = _u01(report)
    assert [loc for loc, _ in found] == [
        "表二 · 第二十条第（八）项 · 行政事业性收费 · 本年收费金额（单位：万元）",
        "填报事实 · 信息处理费 · 收费通知的总金额",
        "填报事实 · 信息处理费 · 实际收取的总金额",
    ]
    assert "本栏单位是元" in found[1][1] and "应填 200" in found[1][1]
    assert "125000万元" not in draft_offline(report)["overview_proactive"]


def test_a_city_government_may_collect_large_fees() -> None:
    report = load_report(EXAMPLES / "busy-2023.yaml")
    report.meta.level = "市级政府"  # type: ignore[assignment]
    report.table2.fees_wan_yuan = Decimal(125000)
    assert _u01(report) == []


def test_the_questions_and_the_data_format_state_each_amounts_unit() -> None:
    questions = {q.id: q for q in load_bank().questions}
    assert "万元" in questions["t2_fees"].prompt
    assert "采购总金额（万元）" in questions["t2v2019_procurement"].prompt
    assert "251000 元填 25.1" in questions["t2v2019_procurement"].help
    assert questions["info_fee_amount"].unit == "元"
    schema = Report.model_json_schema()
    procurement = schema["$defs"]["Procurement2019"]["properties"]["amount"]
    assert "万元" in procurement["description"]
