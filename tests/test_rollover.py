"""Starting this year's report from last year's."""

from __future__ import annotations

from pathlib import Path

import pytest

from draftbot.checks import check_report
from draftbot.datafile import load_report
from draftbot.export import ExportBlocked, gate
from draftbot.rollover import start_from_previous


def test_next_year_carries_forward_what_the_format_links(examples_dir: Path):
    last = load_report(examples_dir / "busy-2023.yaml")
    last.meta.allowed_places = ["湖州市南太湖新区"]
    last.narrative.problems = "1.部分栏目信息更新不够及时。"
    report = start_from_previous(last)

    assert report.meta.agency == last.meta.agency
    assert report.meta.region == last.meta.region
    assert report.meta.report_year == 2024
    assert report.meta.publish_date is None
    assert report.meta.allowed_places == ["湖州市南太湖新区"]
    # 上年结转 = last year's 结转下年度, column by column.
    assert report.table3.carried_over == last.table3.carried_forward
    assert report.table3.new_received.computed_total == 0
    assert report.table2.normative_documents.in_force == 25
    previous = report.previous_year
    assert previous is not None
    assert previous.carried_forward == last.table3.carried_forward
    assert previous.in_force.normative_documents == 25
    assert previous.in_force.regulations == 0
    assert previous.new_received_total == 30
    assert previous.proactive_total == 215
    assert previous.problems == last.facts.problems
    assert previous.narrative is not None
    assert previous.narrative.problems == "1.部分栏目信息更新不够及时。"
    assert [p.problem for p in report.facts.previous_problems] == last.facts.problems
    assert all(p.rectification == "" for p in report.facts.previous_problems)


def test_new_report_from_a_clean_one_is_consistent(examples_dir: Path):
    report = start_from_previous(load_report(examples_dir / "busy-2023.yaml"))
    # The carried-over applications are still open: one reminder says what to fill (not an
    # error per column before anything was typed); a formal export is still refused.
    (reminder,) = check_report(report)
    assert (reminder.code, reminder.severity, reminder.location) == (
        "T3-01",
        "warning",
        "表三 · 勾稽关系",
    )
    assert "上年结转的 3 件申请（自然人 2 件、法律服务机构 1 件）" in reminder.message
    with pytest.raises(ExportBlocked) as info:
        gate(report)
    assert [(f.code, f.severity) for f in info.value.findings if f.code == "T3-01"] == [
        ("T3-01", "error")
    ]
    # once the clerk types into 表三, the balance is checked column by column again
    report.table3.granted.natural_person = 1
    codes = [(f.code, f.location) for f in check_report(report)]
    assert codes == [
        ("T3-01", "表三 · 勾稽关系 · 自然人"),
        ("T3-01", "表三 · 勾稽关系 · 法律服务机构"),
        ("T3-01", "表三 · 勾稽关系 · 总计"),
    ]
    assert all(f.severity == "error" for f in check_report(report))


def test_stated_totals_are_not_carried_as_stated(examples_dir: Path):
    last = load_report(examples_dir / "busy-2023.yaml")
    last.table3.carried_forward.total = 3
    report = start_from_previous(last)
    assert report.table3.carried_over.total is None
    assert report.table3.carried_over.computed_total == 3
