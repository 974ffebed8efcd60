"""P-11: 五's problems and measures that do not fit each other or the data (true positives and
near-misses)."""

from __future__ import annotations

from typing import Any

from changed import example
from draftbot.review import review_report

FIX = "明确各栏目的更新责任人和时限，每月检查栏目更新情况"
LAST = [{"problem": "政府信息公开专栏部分栏目更新不及时", "rectification": FIX}]


def _p11(text: str, **changes: Any) -> list[str]:
    report = example("busy-2023.yaml", narrative__problems=text, **changes)
    return [f.message for f in review_report(report) if f.code == "P-11"]


def test_problems_and_measures_of_different_counts() -> None:
    text = "存在的问题：一是栏目更新不及时；二是解读形式单一。下一步将丰富解读形式。"
    two, one = ["栏目更新不及时", "解读形式单一"], ["丰富解读形式"]
    assert _p11(text, facts__problems=two, facts__measures=one) == [
        "填报的本年问题2条、改进措施1条，数目不一致"
    ]
    assert _p11(text, facts__problems=two, facts__measures=[*one, "建立栏目更新台账"]) == []
    assert _p11(text, facts__problems=two, facts__measures=[]) == []  # none entered: P-07's


def test_a_measure_that_repeats_last_years_fix() -> None:
    said = f"上年报告提出的“{LAST[0]['problem']}”问题，我局{FIX}。"
    repeated = (
        said
        + "存在的问题是部分栏目内容偏少。下一步，我局将明确各栏目的更新责任和时限，按月检查栏目更新情况。"
    )
    found = _p11(repeated, facts__previous_problems=LAST, facts__problems=[], facts__measures=[])
    assert len(found) == 1 and "已报告完成的整改" in found[0]
    # the rectification itself, and a new measure, are not repeats
    fresh = said + "存在的问题是部分栏目内容偏少。下一步，我局将组织各科室补充栏目内容。"
    assert _p11(fresh, facts__previous_problems=LAST, facts__problems=[], facts__measures=[]) == []
    # a measure entered by the clerk is compared too
    entered = _p11(
        "存在的问题是栏目内容偏少。下一步将加强栏目建设。",
        facts__previous_problems=LAST,
        facts__problems=["栏目内容偏少"],
        facts__measures=["明确各栏目更新责任人和时限，每月检查栏目的更新情况"],
    )
    assert len(entered) == 1


def test_reasoning_problem_when_every_application_was_granted() -> None:
    text = "存在的问题主要是依申请公开答复的说理还不够充分。下一步将规范答复文书。"
    granted = {"new_received": {"natural_person": 2}, "granted": {"natural_person": 2}}
    found = _p11(text, table3=granted, facts__problems=[], facts__measures=[])
    assert found == [
        "所列问题“说理还不够充分”与数据不符：表三办结的2件申请全部予以公开，没有需要说理的答复"
    ]
    # busy-2023 has refusals: reasoning them can be a problem
    assert _p11(text, facts__problems=[], facts__measures=[]) == []
    # last year's problem quoted is not this year's
    quoted = "上年报告提出的“答复说理不充分”问题，我局统一了答复文书。存在的问题是栏目更新不及时，下一步将加强栏目建设。"
    assert _p11(quoted, table3=granted, facts__problems=[], facts__measures=[]) == []


def test_no_training_interpretation_or_conference_against_the_facts() -> None:
    text = "存在的问题是本年未组织政务公开业务培训；全年没有发布政策解读；未召开新闻发布会。下一步将加强培训。"
    found = _p11(text, facts__problems=[], facts__measures=[])  # busy-2023: 3 trainings, …
    assert len(found) == 3 and "填报本年组织培训3次" in found[0]
    none = {"training_sessions": 0, "policy_interpretations": 0, "press_conferences": 0}
    changes = {f"facts__{k}": v for k, v in none.items()}
    assert _p11(text, facts__problems=[], facts__measures=[], **changes) == []
    # a judgement of degree is not decided from the data
    assert _p11("存在的问题是业务培训还不够。下一步将加强培训。", facts__problems=[]) == []
