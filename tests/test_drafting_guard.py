"""The number guard (every number traced to the fact sheet) and the cleanup of model output."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from draftbot.claims import find_claims, non_quantities
from draftbot.datafile import load_report
from draftbot.drafting.cleanup import clean_model_text
from draftbot.drafting.guard import unmatched_numbers
from draftbot.facts import FactSheet, build_fact_sheet


@pytest.fixture
def busy_sheet(examples_dir: Path) -> FactSheet:
    return build_fact_sheet(load_report(examples_dir / "busy-2023.yaml"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本年新收申请30件，增长15.4%。", [("30", False, False), ("15.4", True, False)]),
        ("组织培训两次", [("2", False, False)]),
        ("办理十余件", [("10", False, True)]),
        ("发布20余条信息", [("20", False, True)]),
        ("占比百分之三十", [("30", True, False)]),
        ("三成以上", [("30", True, True)]),
        ("收费12.5万元", [("12.5", False, False)]),
        ("收到一件申请", [("1", False, False)]),
        ("收到申请9999件", [("9999", False, False)]),
    ],
)
def test_the_claims_scanner_reads_arabic_and_chinese(
    text: str, expected: list[tuple[str, bool, bool]]
) -> None:
    found = [(str(c.value), c.percent, c.reading.approximate) for c in find_claims(text)]
    assert found == expected


def test_a_year_in_chinese_numerals_is_a_date_not_a_quantity() -> None:
    assert find_claims("二〇二二年") == []
    assert [(n.kind, n.text) for n in non_quantities("二〇二二年")] == [("时间", "二〇二二")]


@pytest.mark.parametrize(
    "text",
    [
        "一是加强培训；二是完善制度。",
        "依据《条例》第二十条第（一）项",
        "危及“三安全一稳定”，属于四类过程性信息",
        "1.进一步完善制度\n2.统一发布平台",
        "（一）主动公开",
        "完成任务，形成合力，一起推进，一次性告知，一网通办",
        "应当等于上年报告表三“四、结转下年度继续办理”的同一列",
    ],
)
def test_numbering_ordinals_and_fixed_terms_are_not_numbers(text: str) -> None:
    assert find_claims(text) == []


def test_numbers_from_the_fact_sheet_pass(busy_sheet: FactSheet) -> None:
    text = (
        "本年新收政府信息公开申请30件，较上年增加4件，增长15.4%；予以公开13件，"
        "占办结总数的44.8%。主动公开政府信息215条，行政事业性收费12.5万元。"
    )
    assert unmatched_numbers(text, busy_sheet) == []


def test_invented_numbers_are_reported_once_as_written(busy_sheet: FactSheet) -> None:
    text = "本年收到申请9999件，办理9999件，培训十五次，约占百分之九十。"
    assert unmatched_numbers(text, busy_sheet) == ["9999", "十五", "百分之九十"]


def test_approximations_must_bracket_a_real_value(busy_sheet: FactSheet) -> None:
    assert unmatched_numbers("主动公开信息200余条", busy_sheet) == []  # 215
    assert unmatched_numbers("主动公开信息300余条", busy_sheet) == ["300余"]
    assert unmatched_numbers("予以公开的约占四成", busy_sheet) == []  # 44.8%
    assert unmatched_numbers("予以公开的约占八成", busy_sheet) == ["八成"]


def test_percentages_may_be_written_at_coarser_precision(busy_sheet: FactSheet) -> None:
    assert unmatched_numbers("占45%", busy_sheet) == []
    assert unmatched_numbers("占44.80%", busy_sheet) == []
    assert unmatched_numbers("占46%", busy_sheet) == ["46%"]


def test_a_count_is_not_matched_by_a_percentage(busy_sheet: FactSheet) -> None:
    assert Decimal("44.8") not in busy_sheet.counts
    assert unmatched_numbers("办理44.8件", busy_sheet) == ["44.8"]


def test_cleanup_removes_markdown_preamble_heading_and_sign_off() -> None:
    raw = (
        "好的，以下是“（一）主动公开”部分的内容：\n\n## （一）主动公开\n\n"
        "　　**本年**主动公开政府信息13条。\n- 一是加强培训；\n1. 完善制度\n> 引用一句\n"
        "---\n```\n如需修改，请告诉我。"
    )
    assert (
        clean_model_text(raw, "（一）主动公开")
        == "本年主动公开政府信息13条。\n一是加强培训；\n1.完善制度\n引用一句"
    )


def test_cleanup_removes_inline_chat_and_control_characters() -> None:
    assert clean_model_text("好的！本年共收到申请3件。\x0b\x00") == "本年共收到申请3件。"
    assert (
        clean_model_text("五、存在的主要问题及改进情况\n一是……", "五、存在的主要问题及改进情况")
        == "一是……"
    )


def test_cleanup_keeps_a_sentence_that_merely_starts_like_a_heading() -> None:
    text = "主动公开工作取得新进展，本年主动公开政府信息13条。"
    assert clean_model_text(text, "（一）主动公开") == text


def test_citations_and_the_period_are_exempt_but_their_numbers_are_not_free(
    examples_dir: Path,
) -> None:
    sheet = build_fact_sheet(load_report(examples_dir / "seed-2022.yaml"))
    cited = (
        "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）和国办公开办函〔2021〕30号"
    )
    assert unmatched_numbers(cited + "，统计期为2022年1月1日至12月31日。", sheet) == []
    assert unmatched_numbers("本年收到申请30件，办结12件。", sheet) == ["30", "12"]
    # a document number of any issuer is a citation, not a quantity (issue 11)
    assert unmatched_numbers("依据某政办发〔2023〕14号和国办函[2019]60号", sheet) == []
