"""The offline drafter's wording, as kinds: every variant of every template is rendered (each
`variant` choice forced in turn) and checked for the kind of fault a reviewer found in one of
them — 均/都 with a single application, comma run-ons after a percentage, 其他申请人, the
agency's own training told as if others ran it, 科室 in a government's measures, 县政府 as the
holder of the whole area's information, and 五's problems from the data at the wrong scale."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

import draftbot.drafting.offline as offline
from changed import example
from draftbot.drafting.guard import unmatched_numbers
from draftbot.drafting.offline import carried_too_many, render_offline, smooth, trend
from draftbot.facts import build_fact_sheet
from draftbot.model import Report

# more than the largest number of variants of one choice (the opening has 18 shapes)
ROUNDS = 18


def every_variant(report: Report, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The report's offline texts with every choice `variant` makes forced to i (mod its
    count), for i in range(ROUNDS): every phrasing of every list is rendered at least once."""
    for i in range(ROUNDS):
        monkeypatch.setattr(offline, "variant", lambda seed, key, count, i=i: i % max(count, 1))
        yield render_offline(report).texts
    monkeypatch.undo()


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[，。；：\n]", text) if c]


def _single(**table3: Any) -> Report:
    return example("busy-2023.yaml", table3=table3, table4={}, previous_year=None)


SINGLE = {
    "one granted": _single(new_received={"natural_person": 1}, granted={"natural_person": 1}),
    "one other organisation": _single(new_received={"other": 1}, other_no_correction={"other": 1}),
    "one unable of two": _single(
        new_received={"natural_person": 1, "other": 1},
        granted={"natural_person": 1},
        unable_not_held={"other": 1},
    ),
    "one case": example(
        "busy-2023.yaml",
        table3={
            "new_received": {"natural_person": 1},
            "not_processed_repeat": {"natural_person": 1},
        },
        table4={"review": {"corrected": 1}},
    ),
}


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_no_jun_or_dou_about_a_single_item(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """均/都 (all of them) is said of two or more: with one application, one result of a kind
    or one case, no variant says it (two named things, 行政复议和行政诉讼均未发生, may)."""
    report = SINGLE[name]
    sheet = build_fact_sheet(report)
    for texts in every_variant(report, monkeypatch):
        for key, text in texts.items():
            wrong = [
                c for c in _clauses(text) if re.search("[均都]", c) and not re.search("[和与、]", c)
            ]
            if report.table3.new_received.shown_total > 1:
                wrong = [c for c in wrong if key != "overview_intro" or "办" not in c]
            assert not wrong, (key, wrong, text)
            assert not unmatched_numbers(text, sheet), (key, text)


def test_jun_still_said_of_several(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other side: with several applications the 均/都 phrasings are still used."""
    report = _single(new_received={"natural_person": 5}, granted={"natural_person": 5})
    said = [t["overview_on_request"] for t in every_variant(report, monkeypatch)]
    assert any(re.search("[均都]", t) for t in said)


def test_table_column_names_and_plain_leads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 法人或其他组织·其他 column is named as in 表三, never 其他申请人; the outcomes after
    the opened ones are not led by 另外 or 其他申请里; no colloquial 现行有效的还有 or 回顾…做了."""
    report = example(
        "busy-2023.yaml",
        table3={
            "new_received": {"natural_person": 9, "other": 2},
            "granted": {"natural_person": 6},
            "unable_not_held": {"natural_person": 3, "other": 1},
            "denied_process_info": {"other": 1},
        },
    )
    seen = set()
    for texts in every_variant(report, monkeypatch):
        text = "".join(texts.values())
        for wrong in (
            "其他申请人",
            "另外，无法提供",
            "另外，不予公开",
            "其他申请里",
            "现行有效的还有",
        ):
            assert wrong not in text
        assert not re.search(r"回顾\d{4}年.{0,30}做了", text)
        seen.update(re.findall(r"其他法人或组织\d+件", texts["overview_on_request"]))
    assert seen == {"其他法人或组织2件"}


def test_no_comma_run_on_after_a_percentage(monkeypatch: pytest.MonkeyPatch) -> None:
    """A change on last year with its percentage ends the sentence: the applicants follow in a
    sentence of their own, not after a comma (同比增加4件、增长15.4%，从申请人看，…)."""
    report = example("busy-2023.yaml")
    assert "%" in offline.offline_context(report, build_fact_sheet(report), [])["apps_change"]
    for texts in every_variant(report, monkeypatch):
        assert not re.search(r"\d%，[^。]*(?:自然人|申请人|个人)", texts["overview_on_request"])


def test_the_agency_that_ran_trainings_organised_them(monkeypatch: pytest.MonkeyPatch) -> None:
    report = example("busy-2023.yaml")
    assert report.facts.training_sessions
    for texts in every_variant(report, monkeypatch):
        assert not re.search("参加了[^。]*培训", texts["overview_intro"])


def _government(**changes: Any) -> Report:
    return example("county-gov-2023.yaml", facts__problems=[], facts__measures=[], **changes)


def test_a_governments_problems_and_reasons_speak_for_the_whole_area(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A government's report covers the whole county: its measures name 部门/单位, never 科室,
    and who did not hold the information is the office that received the request, not 县政府."""
    report = _government(
        previous_year__proactive_total=900,
        table3={
            "new_received": {"natural_person": 20},
            "granted": {"natural_person": 8},
            "unable_not_held": {"natural_person": 12},
        },
    )
    for texts in every_variant(report, monkeypatch):
        assert "科室" not in texts["problems"]
        for key in ("overview_on_request", "problems"):
            assert "县政府不掌握" not in texts[key]
            assert not re.search("不(?:由|属于)县政府掌握", texts[key])
        assert re.search("受理申请的行政机关|相关行政机关", texts["overview_on_request"])
    quiet = _government(table3={}, table4={})
    for texts in every_variant(quiet, monkeypatch):
        assert "县政府未收到" not in texts["overview_on_request"]
        assert "县政府全年未收到" not in texts["overview_on_request"]


def test_carry_over_is_a_problem_only_when_large() -> None:
    """Applications received late in December are lawfully answered in January: one of six or
    three of 140 carried over is no problem; a fifth of the year's applications (and 3) is."""
    assert not carried_too_many(1, 6)
    assert not carried_too_many(3, 140)
    assert not carried_too_many(2, 5)
    assert carried_too_many(3, 12)
    assert carried_too_many(30, 140)
    report = _government(
        table3={
            "new_received": {"natural_person": 140},
            "granted": {"natural_person": 137},
            "carried_forward": {"natural_person": 3},
        }
    )
    assert "carried" not in offline._signals(report, offline.applications(report))
    report = _government(
        table3={
            "new_received": {"natural_person": 10},
            "granted": {"natural_person": 7},
            "carried_forward": {"natural_person": 3},
        }
    )
    assert "carried" in offline._signals(report, offline.applications(report))


@pytest.mark.parametrize(
    ("before", "word"), [(616, "大幅减少"), (250, "明显减少"), (225, "有所减少"), (205, None)]
)
def test_a_fall_in_proactive_is_told_at_its_scale(
    before: int, word: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """五 names the fall of 主动公开 with the opening's trend word (one scale: `trend`); a fall
    of less than a tenth is no problem."""
    report = _government(facts__proactive_total=200, previous_year__proactive_total=before)
    signals = offline._signals(report, offline.applications(report))
    if word is None:
        assert "proactive_down" not in signals
        return
    assert trend(200, before) == word
    assert "proactive_down" in signals
    told = [
        t["problems"] for t in every_variant(report, monkeypatch) if "主动公开" in t["problems"]
    ]
    assert told and all(
        word in t and "有所下降" not in t for t in told if "比上年" in t or "较上年" in t
    )


def test_corrected_cases_are_named_by_type_and_count(monkeypatch: pytest.MonkeyPatch) -> None:
    one = _government(table4={"review": {"corrected": 1, "maintained": 2}})
    both = _government(table4={"review": {"corrected": 1}, "litigation_direct": {"corrected": 2}})
    for report, words in ((one, "1件行政复议"), (both, "1件行政复议和2件行政诉讼")):
        assert offline.signal_words(report)["corrected"] == words
        for texts in every_variant(report, monkeypatch):
            assert "或行政诉讼" not in texts["problems"]
            assert "复议或" not in texts["problems"]
            assert "纠正" in texts["problems"]


def test_smooth_joins_quoted_items_and_unstacks_zai() -> None:
    assert smooth("在主动公开上，在招生季开设问答专栏。") == "主动公开方面，在招生季开设问答专栏。"
    assert smooth("开设“工作动态”、“通知公告”栏目。") == "开设“工作动态”“通知公告”栏目。"
    assert smooth("在主动公开上，我局发布信息。") == "在主动公开上，我局发布信息。"


def test_no_measure_repeats_a_fix_reported_done(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no training this year and last year's training problem reported fixed by
    组织经办人员参加上级业务培训, no variant of 五 offers that fix again as this year's measure
    (review P-11 would flag it)."""
    fix = "组织经办人员参加上级业务培训，并开展内部学习交流"
    report = _government(
        facts__training_sessions=0,
        facts__previous_problems=[{"problem": "政务公开业务培训不够", "rectification": fix}],
    )
    assert "no_training" in offline._signals(report, offline.applications(report))
    for texts in every_variant(report, monkeypatch):
        after = texts["problems"].split("\n", 1)[1]  # the rectification is stated first
        assert "上级业务培训" not in after, after
