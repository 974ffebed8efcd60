"""Issue 12: names the clerk declared (主动公开 categories, channels, named practices) are read
as names, not as the table terms their words may hold; each count is bound to the name it is
written with, so swapped counts are caught (`claims.bind_names`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from draftbot.claims import bind_names, claim_data, declared_names, find_claims, ground
from draftbot.datafile import load_report
from draftbot.drafting.guard import ungrounded_claims
from draftbot.drafting.offline import draft_offline
from draftbot.facts import build_fact_sheet
from draftbot.findings import Finding
from draftbot.model import Report
from draftbot.review import review_report

ROOT = Path(__file__).resolve().parent.parent
# busy-2023: 表二 行政许可 412, 行政处罚 37, 规范性文件 制发 3 现行有效 25; 表四 行政复议 1;
# 政策解读 6. The clerk's categories below share names with these terms, with other counts.
CATEGORIES = [
    {"name": "通知公告", "count": 8},
    {"name": "工作动态", "count": 5},
    {"name": "行政处罚决定", "count": 35},
    {"name": "行政许可", "count": 12},
    {"name": "政策解读", "count": 9},
    {"name": "行政复议决定书", "count": 3},
    {"name": "财政资金", "count": 20},
]


def _with_facts(**changes: Any) -> Report:
    report = load_report(ROOT / "examples" / "busy-2023.yaml")
    data = report.model_dump(mode="json")
    data["facts"] = {**data["facts"], **changes}
    return Report.model_validate(data)


@pytest.fixture(scope="module")
def named() -> Report:
    return _with_facts(
        proactive_categories=CATEGORIES,
        channels=["政府门户网站", "政务服务大厅公开栏"],
        practices={"interpretation_forms": ["政策解读会", "图解"]},
    )


def _p01(report: Report, text: str, section: str = "overview_proactive") -> list[Finding]:
    narrative = report.narrative.model_copy(update={section: text})
    found = review_report(report.model_copy(update={"narrative": narrative}))
    return [f for f in found if f.code == "P-01"]


def _guard(report: Report, text: str) -> list[str]:
    return [item.text for item in ungrounded_claims(text, build_fact_sheet(report))]


def _passes(report: Report, text: str) -> None:
    assert _guard(report, text) == []
    assert [f.message for f in _p01(report, text)] == []


def _fails(report: Report, text: str, wrong: str) -> list[Finding]:
    assert wrong in _guard(report, text)
    found = _p01(report, text)
    assert found, text
    return found


# --- fault 1: a category named like a table term is not the table's figure -----------------


@pytest.mark.parametrize(
    "text",
    [
        "按内容分，公开行政处罚决定35条、通知公告8条、工作动态5条。",
        "分类别看，行政许可12条、行政处罚决定35条、财政资金20条。",
        "在公开的信息中，通知公告8条，工作动态5条，行政复议决定书3条。",
        "数量较多的是行政处罚决定（35条）和财政资金（20条），另有行政许可12条。",
        "主动公开“行政处罚决定”类信息35条。",
        "公开政策解读9条。",
    ],
)
def test_a_category_named_like_a_table_term_is_grounded_by_its_count(
    named: Report, text: str
) -> None:
    _passes(named, text)


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("按内容分，公开行政处罚决定36条、通知公告8条、工作动态5条。", "36"),
        ("分类别看，行政许可13条、行政处罚决定35条。", "13"),
        ("在公开的信息中，行政复议决定书4条。", "4"),
        ("公开政策解读10条。", "10"),
    ],
)
def test_a_category_count_that_is_neither_its_count_nor_the_tables_fails(
    named: Report, text: str, wrong: str
) -> None:
    found = _fails(named, text, wrong)
    assert any("填报的主动公开类别" in f.message and f.severity == "error" for f in found)


def test_the_message_names_both_figures_of_a_shadowed_name(named: Report) -> None:
    (finding,) = _p01(named, "公开行政处罚决定36条。")
    assert "填报的主动公开类别“行政处罚决定”为 35" in finding.message
    assert "表二 行政处罚 本年处理决定数量为 37" in finding.message


# --- the genuinely ambiguous case: the measure word and the sentence decide ----------------


@pytest.mark.parametrize(
    "text",
    [
        "全年作出行政处罚决定37件，公开行政处罚决定信息35条。",  # 表二's 件, the category's 条
        "作出的处理决定中，行政许可412件、行政处罚决定37件。",
        "本年作出行政许可决定412件，主动公开行政许可12条。",
        "政策解读类信息9条，其中本年发布政策解读6条。",  # the category and the 政策解读 count
        "因政府信息公开工作被申请行政复议1件，结果维持。",
    ],
)
def test_either_reading_grounds_a_figure_written_as_that_reading_allows(
    named: Report, text: str
) -> None:
    _passes(named, text)


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("按内容分，行政处罚决定37条、通知公告8条。", "37"),  # 表二's figure counted in 条
        ("本年公开行政复议决定书1条。", "1"),  # 表四's figure counted in 条
        ("本年作出行政处罚决定35件。", "35"),  # the category's count, not published items
    ],
)
def test_a_figure_in_the_other_readings_measure_word_fails(
    named: Report, text: str, wrong: str
) -> None:
    _fails(named, text, wrong)


@pytest.mark.parametrize(
    "text",
    [
        "政务公开工作中被申请行政复议3件。",  # 政务公开 names the work, not a publication
        "因政府信息公开被申请行政复议3件。",
        "予以公开行政复议3件。",
    ],
)
def test_words_of_the_work_are_not_a_publication(text: str) -> None:
    report = _with_facts(proactive_categories=[{"name": "行政复议", "count": 3}])  # 表四: 1
    _fails(report, text, "3")
    _passes(report, "公开行政复议3件。")


# --- fault 2: counts bound to the category they are written with ---------------------------


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("按内容分，通知公告5条、工作动态8条。", ["5", "8"]),
        ("分类别看，行政许可35条、行政处罚决定12条。", ["35", "12"]),
        ("在公开的信息中，财政资金3条，行政复议决定书20条。", ["3", "20"]),
        ("主动公开通知公告5条。", ["5"]),
    ],
)
def test_swapped_category_counts_fail_each(named: Report, text: str, wrong: list[str]) -> None:
    assert _guard(named, text) == wrong
    found = _p01(named, text)
    assert len(found) == len(wrong) and all(f.severity == "error" for f in found)
    assert all("填报的主动公开类别" in f.message for f in found)


@pytest.mark.parametrize(
    "text",
    ["按内容分，通知公告8条、工作动态5条。", "主动公开通知公告8条，工作动态类5条。"],
)
def test_category_counts_in_their_order_pass(named: Report, text: str) -> None:
    _passes(named, text)


def test_two_categories_of_one_name_allow_both_counts() -> None:
    report = _with_facts(
        proactive_categories=[{"name": "通知公告", "count": 8}, {"name": "通知公告", "count": 4}]
    )
    _passes(report, "按内容分，通知公告8条、通知公告4条。")
    _fails(report, "按内容分，通知公告6条。", "6")


# --- siblings: names without a count, and a name that is the table's own noun --------------


def test_a_count_after_a_named_form_of_interpretation_is_not_the_interpretation_count(
    named: Report,
) -> None:
    # 政策解读 6 is the data's count; 政策解读会 is a form the clerk named, with no count
    _fails(named, "全年召开政策解读会6场。", "6")
    typed = _with_facts(
        practices={"interpretation_forms": ["政策解读会"]},
        proactive_notes="全年召开政策解读会6场。",
    )
    _passes(typed, "全年召开政策解读会6场。")


def test_a_count_before_a_channel_name_is_unchanged(named: Report) -> None:
    _passes(named, "通过政府门户网站主动公开政府信息215条。")
    _fails(named, "通过政府门户网站主动公开政府信息216条。", "216")


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("本年制发行政规范性文件3件。", None),
        ("截至年底，现行有效的行政规范性文件共25件。", None),
        ("本年制发行政规范性文件4件。", "4"),
        ("截至年底，现行有效的行政规范性文件共27件。", "27"),
    ],
)
def test_a_category_that_is_the_tables_own_noun_leaves_the_table_term(
    text: str, wrong: str | None
) -> None:
    report = _with_facts(proactive_categories=[{"name": "规范性文件", "count": 7}])
    if wrong is None:
        _passes(report, text)
    else:
        _fails(report, text, wrong)


def test_a_document_category_is_grounded_and_still_warned_as_before() -> None:
    """The documents rule stays (seed-2022-as-published): readers compare 规章/规范性文件
    with 表二 (the offline drafter writes only the name of such a category); the number is
    the clerk's, so the guard grounds it and the review's finding is a warning."""
    report = _with_facts(proactive_categories=[{"name": "规范性文件", "count": 7}])
    text = "按内容分，公开规范性文件7条。"
    assert _guard(report, text) == []
    (finding,) = _p01(report, text)
    assert finding.severity == "warning" and "表二" in finding.message


def test_a_table_figure_and_a_category_count_are_not_one_quantity_said_twice(
    named: Report,
) -> None:
    text = "全年作出行政处罚决定37件。公开行政处罚决定35条。"
    assert [f.message for f in _p01(named, text)] == []


# --- the mechanism --------------------------------------------------------------------------


def test_declared_names_keep_counts_and_drop_names_that_would_bind_anything() -> None:
    report = _with_facts(
        proactive_categories=[{"name": "“三公”经费", "count": 4}, {"name": "信息", "count": 2}],
        channels=["政务微博", "网"],
    )
    names = declared_names(report)
    assert names["三公经费"] == (4,) and names["政务微博"] == ()
    assert "信息" not in names and "网" not in names


def test_binding_twice_gives_the_same_claim(named: Report) -> None:
    data = claim_data(named)
    for text in ("按内容分，通知公告5条。", "作出行政处罚决定37件。", "公开行政许可12条。"):
        for claim in find_claims(text):
            once = bind_names(claim, data)
            assert bind_names(once, data) == once
            assert ground(once, data) == ground(claim, data)


def test_a_report_without_declared_names_reads_as_before() -> None:
    report = _with_facts(proactive_categories=[], channels=[])
    data = claim_data(report)
    claim = find_claims("公开行政处罚决定35条。")[0]
    assert bind_names(claim, data) == claim and ground(claim, data) == "contradicts"


@pytest.mark.parametrize(
    "categories",
    [CATEGORIES, [{"name": "通知公告", "count": 5}, {"name": "行政处罚决定", "count": 37}]],
    ids=["named-like-table-terms", "a-category-equal-to-the-table"],
)
def test_the_offline_draft_with_such_categories_passes_the_review(
    categories: list[dict[str, Any]],
) -> None:
    report = _with_facts(proactive_categories=categories)
    texts = draft_offline(report)
    assert "行政处罚决定" in texts["overview_proactive"]
    drafted = report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})
    assert review_report(drafted) == []


# --- sibling of fault 2: the practices' counts, each bound to its own words -----------------


@pytest.fixture(scope="module")
def county() -> Report:
    # practices: 新媒体账号 26, 查阅点 14, 回应关切 38, 培训 4 次 320 人次, 通报 4
    return load_report(ROOT / "examples" / "county-gov-2023.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "线上运营政务新媒体账号26个，线下设置政府信息公开查阅点14个。",
        "全年回应社会关切38次。",
        "组织政务公开业务培训4次，培训干部职工320人次。",
        "全年组织培训4次，参训人员累计320人次。",
        "年内通报政务公开工作4次。",
    ],
)
def test_the_practices_counts_in_their_place_pass(county: Report, text: str) -> None:
    _passes(county, text)


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("运营政务新媒体账号14个，设置政府信息公开查阅点26个。", ["14", "26"]),
        ("全年回应社会关切26次。", ["26"]),
        ("培训干部职工4人次。", ["4"]),
        ("全年通报政务公开工作14次。", ["14"]),
    ],
)
def test_the_practices_counts_swapped_or_misplaced_fail(
    county: Report, text: str, wrong: list[str]
) -> None:
    assert _guard(county, text) == wrong
    found = _p01(county, text)
    assert len(found) == len(wrong) and all(f.severity == "error" for f in found)


def test_a_practice_left_empty_is_judged_like_a_count_without_subject() -> None:
    report = _with_facts(practices={})  # busy-2023 gives no practices
    (finding,) = _p01(report, "在全县设置政府信息公开查阅点36个。")
    assert finding.severity == "warning" and "找不到来源" in finding.message
    typed = _with_facts(practices={}, platform_notes="在全县设置政府信息公开查阅点36个。")
    _passes(typed, "在全县设置政府信息公开查阅点36个。")


# --- sibling of fault 2: names listed before 分别, numbers after, bound by position ----------


@pytest.mark.parametrize(
    "text",
    [
        "予以公开、部分公开分别为13件、4件。",
        "作出行政许可、行政处罚和行政强制决定分别为412件、37件、2件。",
        "新收申请中，自然人、商业企业分别提出22件、5件。",
        "按内容分，通知公告、工作动态分别为8条、5条。",
        "“行政处罚决定”“行政许可”两类信息分别为35条、12条。",
    ],
)
def test_a_respectively_list_in_its_order_passes(named: Report, text: str) -> None:
    _passes(named, text)


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("予以公开、部分公开分别为4件、13件。", ["4", "13"]),
        ("作出行政许可、行政处罚决定分别为37件、412件。", ["37", "412"]),
        ("新收申请中，自然人、商业企业分别提出5件、22件。", ["5", "22"]),
        ("按内容分，通知公告和工作动态分别为5条、8条。", ["5", "8"]),
    ],
)
def test_a_respectively_list_swapped_fails_each(named: Report, text: str, wrong: list[str]) -> None:
    assert _guard(named, text) == wrong
    assert len(_p01(named, text)) == len(wrong)


def test_a_category_named_like_a_practice_is_read_by_its_measure_word(county: Report) -> None:
    data = county.model_dump(mode="json")
    data["facts"]["proactive_categories"] = [{"name": "回应社会关切", "count": 5}]
    report = Report.model_validate(data)  # 回应社会关切 38 次 (practice), 5 条 (category)
    _passes(report, "全年回应社会关切38次。")
    _passes(report, "公开回应社会关切5条。")
    (finding,) = _fails(report, "全年回应社会关切5次。", "5")
    assert "回应社会关切次数为 38" in finding.message
    assert "如指主动公开类别“回应社会关切”，填报的是 5 条" in finding.message
    _fails(report, "公开回应社会关切38条。", "38")
