"""A count given twice (trial fault 6): a fact count and a 主动公开 category of the same name
(政策解读 8 beside a category “政策解读” of 6). The check names both and asks which is right
(F-03); the drafter and the fact sheet state the fact's count once and never the other."""

from __future__ import annotations

import re

import pytest

from changed import example
from draftbot.checks import check_report
from draftbot.claims import count_twins
from draftbot.drafting.offline import draft_offline, render_offline
from draftbot.facts import build_fact_sheet
from draftbot.model import Report

# (fact path as `changed` takes it, the fact's data path, a category name of the same thing)
TWINS = [
    ("facts__policy_interpretations", "facts.policy_interpretations", "政策解读"),
    ("facts__press_conferences", "facts.press_conferences", "新闻发布会"),
    ("facts__training_sessions", "facts.training_sessions", "培训"),
    ("facts__practices__responses", "facts.practices.responses", "回应社会关切"),
    ("facts__policy_interpretations", "facts.policy_interpretations", "政策解读类"),
    ("facts__area__proposals", "facts.area.proposals", "建议提案办理结果"),
]


def _report(fact: str, name: str, fact_value: int, listed: int) -> Report:
    categories = [
        {"name": "通知公告", "count": 40},
        {"name": name, "count": listed},
        {"name": "工作动态", "count": 90},
    ]
    return example(
        "busy-2023.yaml",
        facts__proactive_categories=categories,
        **{fact: fact_value},
    )


@pytest.mark.parametrize(("fact", "path", "name"), TWINS)
def test_two_values_of_one_count_are_a_finding_naming_both(fact: str, path: str, name: str) -> None:
    report = _report(fact, name, 8, 6)
    found = [f for f in check_report(report) if f.code == "F-03"]
    assert len(found) == 1, found
    finding = found[0]
    assert finding.severity == "warning"
    assert "8" in finding.message and f"“{name}”填的是 6 条" in finding.message, finding.message
    assert "哪一个是对的" in finding.hint
    assert path in finding.paths and "facts.proactive_categories" in finding.paths


@pytest.mark.parametrize(("fact", "path", "name"), TWINS)
def test_the_draft_states_the_facts_count_and_not_the_other(
    fact: str, path: str, name: str
) -> None:
    report = _report(fact, name, 8, 6)
    drafted = render_offline(report)
    whole = "\n".join(drafted.texts.values())
    assert f"{name}6条" not in whole and f"“{name}”6条" not in whole, whole
    assert any(d.sentence == f"“{name}”6条" for d in drafted.dropped), drafted.dropped
    sheet = "\n".join(build_fact_sheet(report).lines())
    assert f"“{name}”6 条" not in sheet, sheet


@pytest.mark.parametrize(("fact", "path", "name"), TWINS)
def test_one_value_given_twice_is_no_finding_and_is_stated_once(
    fact: str, path: str, name: str
) -> None:
    report = _report(fact, name, 17, 17)
    assert not [f for f in check_report(report) if f.code == "F-03"]
    whole = "\n".join(draft_offline(report).values())
    assert len(re.findall(r"(?<![\d.])17(?![\d.])", whole)) == 1, whole  # stated once


def test_a_category_only_mentioning_the_facts_word_is_not_its_twin() -> None:
    """培训通知 are published notices of trainings, not the count of trainings."""
    report = _report("facts__training_sessions", "培训通知", 3, 12)
    assert count_twins(report) == []
    assert not [f for f in check_report(report) if f.code == "F-03"]
    assert "培训通知12条" in draft_offline(report)["overview_proactive"]
