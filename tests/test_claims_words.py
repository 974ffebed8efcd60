"""Shares of 表三 written in words (全部来自自然人, 绝大多数是自然人, 全部予以公开) are checked
against the figures by the thresholds the offline drafter writes them with (`numbers.share_words`).

busy-2023: 新收 30, 自然人 22 (73%: 多数); 办结 29, 予以公开 13."""

from __future__ import annotations

from pathlib import Path

import pytest

from draftbot.claims import share_word_claims, share_word_holds
from draftbot.datafile import load_report
from draftbot.findings import Finding
from draftbot.model import Report
from draftbot.review import review_report

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def busy() -> Report:
    return load_report(ROOT / "examples" / "busy-2023.yaml")


def _p01(report: Report, text: str) -> list[Finding]:
    narrative = report.narrative.model_copy(update={"overview_on_request": text})
    found = review_report(report.model_copy(update={"narrative": narrative}))
    return [f for f in found if f.code == "P-01"]


@pytest.mark.parametrize(
    "text",
    [
        "全年新收政府信息公开申请30件，全部来自自然人。",
        "本年新收申请30件，申请人都是自然人。",
        "本年新收申请均由自然人提出。",
        "没有法人或其他组织提出申请。",
        "申请人绝大多数是自然人。",
        "自然人提出的申请占绝大多数。",
        "申请人少数是自然人。",
        "申请人半数是自然人。",
    ],
)
def test_a_false_applicant_share_in_words_is_an_error_with_the_figures(busy: Report, text: str):
    found = _p01(busy, text)
    assert len(found) == 1, [f.message for f in found]
    assert found[0].severity == "error"
    assert "自然人 22 件，占新收 30 件的73%" in found[0].message


@pytest.mark.parametrize(
    "text",
    [
        "申请人多数是自然人。",
        "大多数申请由自然人提出。",
        "过半申请来自自然人。",
        "半数以上申请由自然人提出。",
        "自然人提出的申请有22件，占多数。",
        "上年结转的2件申请均为自然人提出。",
        "不予公开2件，均为个人隐私。",
    ],
)
def test_a_true_applicant_share_in_words_passes(busy: Report, text: str):
    assert [f.message for f in _p01(busy, text)] == []


@pytest.mark.parametrize(
    "text",
    ["办结的申请全部予以公开。", "已办结的29件均予以公开。", "答复办结的申请，结果均为予以公开。"],
)
def test_all_granted_when_not_all_were_is_an_error(busy: Report, text: str):
    found = _p01(busy, text)
    assert len(found) == 1, [f.message for f in found]
    assert "予以公开 13 件，占办结 29 件的45%" in found[0].message


def test_opened_in_full_or_in_part_is_not_read_as_all_granted(busy: Report):
    assert _p01(busy, "办结的申请均予以公开或部分公开。") == []


@pytest.mark.parametrize(
    ("text", "part", "whole", "holds"),
    [
        ("申请全部来自自然人。", 30, 30, True),
        ("申请全部来自自然人。", 29, 30, False),
        ("没有法人或其他组织提出申请。", 5, 5, True),
        ("申请人绝大多数是自然人。", 27, 30, True),
        ("申请人绝大多数是自然人。", 26, 30, False),
        ("申请人多数是自然人。", 18, 30, True),
        ("申请人多数是自然人。", 17, 30, False),
        ("自然人提出的申请占半数以上。", 15, 30, True),
        ("申请人过半是自然人。", 15, 30, False),
        ("申请人少数是自然人。", 10, 30, True),
        ("办结的申请全部予以公开。", 29, 29, True),
        ("办结的申请全部予以公开。", 28, 29, False),
    ],
)
def test_thresholds_are_the_drafters(text: str, part: int, whole: int, holds: bool):
    (claim,) = share_word_claims(text)
    assert share_word_holds(claim, part, whole) is holds
