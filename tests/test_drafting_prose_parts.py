"""The offline （三）（四）（五）, 五、问题 and 六、其他: each reported fact a concrete clause,
arranged differently from agency to agency; problems from the data with one measure each and
next year named (never the report talking about itself, never a stock problem); fees and other
matters as real reports write them."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any

from changed import example
from draftbot.datafile import load_report
from draftbot.drafting import draft_offline
from draftbot.drafting.guard import unmatched_numbers
from draftbot.drafting.offline import weave
from draftbot.facts import build_fact_sheet
from draftbot.model import Narrative, Report
from draftbot.review import review_report

_report = partial(example, "busy-2023.yaml")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NAMES = [
    "安吉县交通运输局", "安吉县民政局", "安吉县财政局", "安吉县水利局", "安吉县卫生健康局",
    "安吉县统计局", "安吉县司法局", "安吉县教育局",
]  # fmt: skip


def _findings(report: Report, texts: dict[str, str]) -> list[str]:
    drafted = report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})
    return [f.code for f in review_report(drafted)]


# --- （三）（四）（五）: concrete clauses, arranged per agency ----------------------------


def test_weave_keeps_every_clause_once_and_varies_the_arrangement() -> None:
    parts = ["落实保密审查", "修订政府信息公开指南", "建立公开属性源头认定机制"]
    leads = ["我局在政府信息管理上主要做了以下工作"]
    texts = {weave(name, "我局", "management", parts, leads, ("信息管理方面，",)) for name in NAMES}
    assert len(texts) >= 3, texts  # enumerated, connected sentences, one sentence …
    for text in texts:
        for part in parts:
            assert text.count(part) == 1, (part, text)
        assert text.count("我局") == 1, text  # the subject is not repeated per clause
        assert text.endswith("。")
    assert weave("x", "我局", "management", [], leads) == ""


def test_weave_names_the_topic_when_the_clauses_do_not() -> None:
    # P-07 wants a platform word in （四）; these clauses have none, so the lead names it
    for name in NAMES:
        text = weave(
            name,
            "我局",
            "platform",
            ["依托广播电视公开政府信息"],
            ["平台建设方面，我局的做法是"],
            ("平台建设方面，",),
        )
        assert "平台" in text, text


def test_sub_parts_with_facts_are_in_the_real_range_and_read_differently() -> None:
    practices = {
        "review_methods": ["保密审查", "三审三校"],
        "updated_guides": ["政府信息公开指南"],
        "new_media_accounts": 3,
        "reading_points": 2,
        "trained_people": 86,
        "supervision_methods": ["纳入年度绩效考核", "社会评议"],
        "circulars": 4,
    }
    drafts = [draft_offline(_report(meta__agency=n, facts__practices=practices)) for n in NAMES]
    for key in ("overview_management", "overview_platform", "overview_supervision"):
        for texts in drafts:
            assert 52 <= len(texts[key]) <= 321, (key, len(texts[key]), texts[key])
        assert len({t[key].replace(n, "") for t, n in zip(drafts, NAMES, strict=True)}) >= 4
    report = _report(meta__agency=NAMES[0], facts__practices=practices)
    sheet = build_fact_sheet(report)
    assert all(unmatched_numbers(t, sheet) == [] for t in drafts[0].values())
    assert _findings(report, drafts[0]) == []


def test_supervision_methods_become_clauses_with_their_verb() -> None:
    methods = ["纳入年度绩效考核", "社会评议", "责任追究", "第三方评估"]
    text = draft_offline(_report(facts__practices={"supervision_methods": methods}))[
        "overview_supervision"
    ]
    assert "将政务公开工作纳入年度绩效考核" in text
    assert re.search("(?:开展|组织)社会评议", text) and re.search("(?:开展|组织)第三方评估", text)
    assert "落实责任追究" in text


# --- 五、问题: from the data, one measure each, next year named -------------------------


def _quiet(**changes: Any) -> Report:
    base = {"facts__problems": [], "facts__measures": [], "facts__previous_problems": []}
    return _report(**{**base, **changes})


def _like_last_year(report: Report) -> Report:
    """`report` with last year's report written from the same data in the same words (the
    drafter chooses its wording by agency and year, so a report reused from last year is
    drafted with this year's)."""
    last_year = report.model_copy(update={"previous_year": None})
    assert report.previous_year is not None
    previous = report.previous_year.model_copy(
        update={"narrative": Narrative(**draft_offline(last_year))}
    )
    return report.model_copy(update={"previous_year": previous})


# The published report talking about itself: the reviewer's business (P-06, P-09), never 五's.
ABOUT_THE_REPORT = re.compile(r"本报告|年度报告|上年报告的文字|相近|与上年基本相同|避免照搬")


def test_text_like_last_years_report_is_the_reviewers_not_a_problem() -> None:
    for name in NAMES:
        similar = _like_last_year(_quiet(meta__agency=name))
        texts = draft_offline(similar)
        assert not ABOUT_THE_REPORT.search(texts["problems"]), (name, texts["problems"])
        drafted = similar.model_copy(update={"narrative": Narrative(**texts)})
        # the reviewer is told, by P-06
        assert any(f.code == "P-06" for f in review_report(drafted)), name


def test_carried_forward_applications_and_no_press_conference_are_problems() -> None:
    report = _quiet(
        meta__agency="安吉县人民政府",
        meta__level="区县政府",
        facts__press_conferences=0,
        table3={
            "new_received": {"natural_person": 10},
            "granted": {"natural_person": 7},
            "carried_forward": {"natural_person": 3},  # 3 of 10: more than late December explains
        },
    )
    text = draft_offline(report)["problems"]
    assert "新闻发布会" in text and re.search("跨年度|结转下年度", text), text
    assert "2024年" in text
    department = draft_offline(_quiet(facts__press_conferences=0))["problems"]
    assert "新闻发布会" not in department  # a department need not hold press conferences


def test_the_same_problem_reads_differently_between_agencies_and_each_has_a_measure() -> None:
    texts = [
        draft_offline(
            _quiet(meta__agency=n, facts__training_sessions=0, facts__policy_interpretations=0)
        )["problems"]
        for n in NAMES
    ]
    assert len({t.replace(n[3:], "") for t, n in zip(texts, NAMES, strict=True)}) == len(NAMES)
    for text in texts:
        assert "2024年" in text and "培训" in text and "解读" in text
        assert not re.search(r"\d+(?:件|条|次)", text)  # no figures the data does not hold
    shapes = {("一是" in t, "\n" in t, "对此" in t or "改进措施：" in t) for t in texts}
    assert len(shapes) >= 2, shapes


# --- 六、其他 --------------------------------------------------------------------------


def test_other_matters_states_fees_and_the_clerks_other_matters() -> None:
    note = "人大代表建议和政协提案的办理复文已按规定在门户网站公开。"
    texts = [
        draft_offline(_report(meta__agency=n, facts__other_matters=note))["other_matters"]
        for n in NAMES
    ]
    for text in texts:
        assert "人大代表建议和政协提案的办理复文已按规定在门户网站公开。" in text
        assert "信息处理费" in text or "收费" in text
        assert "无其他需要报告的事项" not in text  # there was another matter
    plain = [draft_offline(_report(meta__agency=n))["other_matters"] for n in NAMES]
    assert all("信息处理费" in t or "收费" in t for t in plain)
    assert (
        len({t.replace(n, "").replace(n[3:], "") for t, n in zip(plain, NAMES, strict=True)}) >= 5
    )


def test_a_note_with_its_own_subject_gets_no_second_one() -> None:
    report = load_report(EXAMPLES / "county-gov-2023.yaml")
    text = draft_offline(report)["overview_supervision"]
    assert "县政府办公室每季度检查" in text
    assert "全县办公室" not in text and "全县县政府" not in text
    # a note starting with the agency's own name and a verb is put in the area's voice once
    for name in NAMES:
        note = "我局建立信息发布审核制度。落实公开前保密审查。"
        text = draft_offline(_report(meta__agency=name, facts__management_notes=note))[
            "overview_management"
        ]
        assert "我局我局" not in text and text.count("我局") <= 1, text
        assert "建立信息发布审核制度" in text and "落实公开前保密审查" in text


# --- each practice a full clause with its purpose, written only when the fact is there ----

# The purpose or manner words each structured fact brings (any of them, by agency); none may
# appear when that fact was not reported.
PURPOSES = {
    "review_methods": ("审查关", "合法、准确", "先审后发", "不应公开的内容"),
    "guide": ("方便申请人了解申请的渠道和办理流程",),
    "catalogue": ("方便公众查找主动公开的政府信息",),
    "new_media_accounts": ("传播范围", "个推送政府信息", "更快地传到群众手中", "不上网的群众"),
    "reading_points": ("就近查阅", "现场查阅", "不便上网", "不上网的群众"),
    "supervision_methods": ("推动各项公开要求落到实处", "以监督促落实", "压实政务公开工作责任"),
    "circulars": ("以通报促进工作落实", "落实公开要求", "按要求落实"),
}


def _said(text: str, key: str) -> bool:
    return any(words in text for words in PURPOSES[key])


def test_each_purpose_clause_is_written_only_with_its_fact() -> None:
    for name in NAMES:
        bare = draft_offline(_report(meta__agency=name, facts__practices={}))
        text = "\n".join(bare.values())
        assert not any(_said(text, key) for key in PURPOSES), (name, text)
        practices = {
            "review_methods": ["保密审查"],
            "updated_guides": ["政府信息公开指南"],
            "new_media_accounts": 3,
            "supervision_methods": ["纳入年度绩效考核"],
            "circulars": 2,
        }
        full = draft_offline(_report(meta__agency=name, facts__practices=practices))
        management = full["overview_management"]
        assert _said(management, "review_methods") and _said(management, "guide"), management
        assert not _said(management, "catalogue")
        assert "政务新媒体账号3个" in full["overview_platform"]
        assert _said(full["overview_platform"], "new_media_accounts")
        assert not any(w in full["overview_platform"] for w in ("就近查阅", "现场查阅", "不便上网"))
        assert _said(full["overview_supervision"], "circulars"), full["overview_supervision"]
        catalogue = draft_offline(
            _report(meta__agency=name, facts__practices={"updated_guides": ["主动公开基本目录"]})
        )["overview_management"]
        assert _said(catalogue, "catalogue") and not _said(catalogue, "guide"), catalogue
        points = draft_offline(_report(meta__agency=name, facts__practices={"reading_points": 2}))[
            "overview_platform"
        ]
        assert "查阅点2个" in points and _said(points, "reading_points"), points
        assert not any(w in points for w in ("传播范围", "个推送政府信息", "更快地传到"))


def test_purpose_clauses_keep_the_drafts_clean() -> None:
    practices = {
        "review_methods": ["保密审查", "三审三校"],
        "updated_guides": ["政府信息公开指南", "主动公开基本目录"],
        "new_media_accounts": 3,
        "reading_points": 2,
        "trained_people": 86,
        "supervision_methods": ["纳入年度绩效考核", "社会评议"],
        "circulars": 4,
    }
    for name in NAMES:
        report = _report(meta__agency=name, facts__practices=practices)
        texts = draft_offline(report)
        sheet = build_fact_sheet(report)
        assert all(unmatched_numbers(t, sheet) == [] for t in texts.values())
        assert _findings(report, texts) == [], (name, texts)
        assert "；同时" not in texts["overview_platform"] and "同时，同时" not in "".join(
            texts.values()
        )


def test_the_clerks_own_problems_stand_alone_when_the_text_is_like_last_years() -> None:
    for name in NAMES:
        report = _quiet(
            meta__agency=name,
            facts__problems=["部分栏目信息更新不够及时"],
            facts__measures=["按月检查栏目"],
        )
        problems = draft_offline(_like_last_year(report))["problems"]
        assert "部分栏目信息更新不够及时" in problems and "按月检查栏目" in problems
        assert not ABOUT_THE_REPORT.search(problems), (name, problems)


# The stock problems once written when nothing else was found (公开内容与公众需求的对接…).
STOCK_PROBLEMS = (
    "公众需求的对接",
    "专业术语较多",
    "可读性",
    "回应公众关切的意识",
    "群众关注的事项",
)


def _nothing_to_find(**changes: Any) -> Report:
    """No problem of the clerk's and none the data supports: no optional fact given (a count
    not given is not a zero), no application, no case, no last year's figures."""
    return example("seed-2022.yaml", facts={}, **changes)


def test_nothing_found_is_one_true_forward_looking_sentence_and_a_finding() -> None:
    texts = set()
    for name in NAMES:
        report = _nothing_to_find(meta__agency=name)
        drafted = draft_offline(report)
        problems = drafted["problems"]
        texts.add(problems.replace(name, ""))
        assert not any(p in problems for p in STOCK_PROBLEMS), (name, problems)
        # no shortcoming is stated: one sentence, next year named
        assert problems.count("。") == 1 and "2023年" in problems, problems
        assert not re.search(r"问题|不足|差距|有待|不够", problems), problems
        assert draft_offline(report)["problems"] == problems  # deterministic
        findings = review_report(report.model_copy(update={"narrative": Narrative(**drafted)}))
        assert [f.message for f in findings if f.section == "problems"] == [
            "没有写出具体存在的问题"
        ], name
    assert len(texts) >= 2, texts  # several wordings, chosen by agency


def test_last_years_problems_alone_do_not_count_as_this_years() -> None:
    report = _nothing_to_find(
        facts__previous_problems=[
            {"problem": "政策解读形式比较单一", "rectification": "增加了图解和问答形式的解读"}
        ]
    )
    drafted = draft_offline(report)
    assert "政策解读形式比较单一" in drafted["problems"]
    assert not any(p in drafted["problems"] for p in STOCK_PROBLEMS), drafted["problems"]
    findings = review_report(report.model_copy(update={"narrative": Narrative(**drafted)}))
    assert "没有写出具体存在的问题" in [f.message for f in findings if f.section == "problems"]
