"""The fact sheet: Chinese facts from the data and the numbers the prose may contain."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from draftbot.datafile import load_report
from draftbot.facts import build_fact_sheet, percent
from draftbot.model import Report


def _load(examples_dir: Path, name: str) -> Report:
    return load_report(examples_dir / f"{name}.yaml")


def test_seed_facts_state_the_zero_agency_plainly(examples_dir: Path) -> None:
    sheet = build_fact_sheet(_load(examples_dir, "seed-2022"))
    lines = sheet.lines()
    assert "本年未收到政府信息公开申请（新收申请 0 件）" in lines
    assert "本年未发出信息处理费收费通知，未收取信息处理费" in lines
    assert any(
        line.startswith("本年主动公开政府信息 13 条，其中“部门文件、法规规章”5 条")
        for line in lines
    )
    assert "统计年度：2022年（2022年1月1日至12月31日）" in lines


def test_busy_facts_include_composition_share_and_change(examples_dir: Path) -> None:
    sheet = build_fact_sheet(_load(examples_dir, "busy-2023"))
    on_request = sheet.lines("on_request")
    assert on_request[0] == (
        "本年新收政府信息公开申请 30 件，其中自然人 22 件、商业企业 5 件、法律服务机构 2 件、其他 1 件"
    )
    assert "上年新收申请 26 件，本年较上年增加 4 件，增长 15.4%" in on_request
    assert "予以公开 13 件，占办结总数的 44.8%" in on_request
    assert "本年办结 29 件" in on_request
    assert "不予公开 2 件，其中保护第三方合法权益 1 件、属于四类过程性信息 1 件" in on_request
    assert sheet.lines("cases")[0] == "本年因政府信息公开工作被申请行政复议 1 件，其中结果维持 1 件"


def test_allowed_numbers_include_derived_values_with_meanings(examples_dir: Path) -> None:
    sheet = build_fact_sheet(_load(examples_dir, "busy-2023"))
    counts, percents = sheet.counts, sheet.percents
    # stated, summed (new + carried = 32), differences (+4, +35), years, listed items, amounts
    for value in ("30", "32", "4", "35", "2023", "2022", "2024", "12.5", "215", "180"):
        assert Decimal(value) in counts, value
    assert {Decimal("44.8"), Decimal("15.4"), Decimal("19.4"), Decimal("58.6")} <= percents
    assert "本年新收申请总数" in sheet.meanings(Decimal(30))
    assert Decimal(9999) not in counts
    assert any(text.startswith("44.8%：") for text in sheet.numbers_text())


def test_fact_sheet_is_deterministic(examples_dir: Path) -> None:
    report = _load(examples_dir, "busy-2023")
    first, second = build_fact_sheet(report), build_fact_sheet(report)
    assert first.facts == second.facts
    assert first.numbers == second.numbers


def test_without_last_year_there_is_no_change_fact(examples_dir: Path) -> None:
    report = _load(examples_dir, "busy-2023")
    report.previous_year = None
    sheet = build_fact_sheet(report)
    assert not any("上年新收申请" in line for line in sheet.lines())
    assert Decimal("15.4") not in sheet.percents


def test_fees_collected_are_facts(examples_dir: Path) -> None:
    report = _load(examples_dir, "seed-2022")
    report.facts.info_fee.notices_issued = 2
    report.facts.info_fee.notices_amount_yuan = Decimal(300)
    report.facts.info_fee.collected_yuan = Decimal(100)
    sheet = build_fact_sheet(report)
    assert "本年发出信息处理费收费通知 2 件，通知金额 300 元，实际收取 100 元" in sheet.lines(
        "fees"
    )
    assert {Decimal(300), Decimal(100)} <= sheet.counts


def test_2019_format_reports_use_the_2019_table(examples_dir: Path) -> None:
    report = _load(examples_dir, "seed-2022")
    data = report.model_dump()
    data["meta"]["report_year"] = 2020
    data["meta"]["publish_date"] = None
    data["table2_2019"] = {"normative_documents": {"made": 4, "published": 4, "total_public": 9}}
    sheet = build_fact_sheet(Report.model_validate(data))
    assert "规范性文件本年新制作 4 件，本年新公开 4 件，对外公开总数量 9 件" in sheet.lines()
    assert Decimal(9) in sheet.counts


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(2, 3, "66.7"), (1, 8, "12.5"), (1, 40, "2.5"), (0, 5, "0.0"), (3, 0, None)],
)
def test_percent_rounds_half_up_to_one_decimal(part: int, whole: int, expected: str | None) -> None:
    result = percent(part, whole)
    assert (str(result) if result is not None else None) == expected


def test_a_sheet_is_built_once_per_data_and_each_caller_gets_its_own(examples_dir: Path) -> None:
    """The sheet is remembered by the data (prose and revisions aside, which it never reads):
    equal to a fresh build, not changed by another caller's edits, and built anew when the
    data changes."""
    from draftbot.facts import _build_fact_sheet

    report = _load(examples_dir, "busy-2023")
    first = build_fact_sheet(report)
    assert first == _build_fact_sheet(report)
    first.numbers.clear()
    assert first.claims is not None
    first.claims.counts.add(Decimal(987654))
    first.claims.subjects.clear()
    written = report.model_copy(deep=True)
    written.narrative.overview_intro = "本年度共收到申请987654件。"
    again = build_fact_sheet(written)
    assert again == _build_fact_sheet(report) and again is not first
    assert again.claims is not None and Decimal(987654) not in again.claims.counts
    changed = report.model_copy(deep=True)
    changed.table3.new_received.natural_person += 1
    assert build_fact_sheet(changed) == _build_fact_sheet(changed) != again
