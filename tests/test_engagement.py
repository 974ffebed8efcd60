"""Issue 12 (i12-gov): 决策公开、政民互动和建议提案办理 (`Facts.engagement`: 征求意见 项,
列席政府常务会议 人次, 群众留言 收到/办结 件, 承办人大代表建议、政协提案 件). Each answer is
asked of the levels that report it, checked against its neighbours (办结 ≤ 收到, 公开办理结果 ≤
承办之和), becomes one clause in its sub-part, is bound to its own words in the claims check,
and round-trips through every way in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from draftbot import questions as qs
from draftbot.claims import bound_claims, claim_data, find_claims
from draftbot.datafile import dump_report, load_report, parse_report
from draftbot.drafting.guard import ungrounded_claims, unmatched_numbers
from draftbot.drafting.offline import draft_offline
from draftbot.drafting.sections import SECTION_TOPICS
from draftbot.facts import build_fact_sheet
from draftbot.model import Engagement, Meta, Report
from draftbot.question_bank import QuestionBank, load_bank
from draftbot.review import review_report
from draftbot.rollup import roll_up
from draftbot.store import Store
from web_helpers import create_report, edit, make_client

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ENGAGEMENT_FIELDS = ("consultations", "attendees", "messages", "messages_answered",
                     "suggestions", "cppcc_proposals")  # fmt: skip
# A 区县政府's year (county-gov-2023 publishes 143 建议提案 results), figures invented here.
COUNTY: dict[str, Any] = {
    "consultations": 23,
    "attendees": 46,
    "messages": 1260,
    "messages_answered": 1248,
    "suggestions": 96,
    "cppcc_proposals": 131,
}
# A 县级部门 (busy-2023): a few drafts put out for comment, its mailbox, the 建议提案 it handled.
DEPARTMENT: dict[str, Any] = {
    "consultations": 4,
    "messages": 37,
    "messages_answered": 37,
    "suggestions": 12,
    "cppcc_proposals": 9,
}
# Words of the new clauses; none may appear when nothing was given.
CLAIM_WORDS = ("征求意见", "列席", "留言", "人大代表建议", "政协提案", "决策公开", "政民互动")


def _with(example: str, engagement: dict[str, Any], **meta: Any) -> Report:
    data = load_report(EXAMPLES / example).model_dump(mode="json")
    data["facts"]["engagement"] = engagement
    data["meta"].update(meta)
    return Report.model_validate(data)


def _drafted(report: Report) -> Report:
    texts = draft_offline(report)
    return report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})


def _sentence_with(text: str, word: str) -> str:
    (sentence,) = [s for s in re.split(r"(?<=[。；])", text) if word in s]
    return sentence


# --- the data: units, checks naming the fields ------------------------------------------------


def test_every_engagement_field_is_described_with_its_unit_and_place() -> None:
    assert tuple(Engagement.model_fields) == ENGAGEMENT_FIELDS
    for info in Engagement.model_fields.values():
        assert info.description and re.search(r"（(项|人次|件)；写入", info.description)


@pytest.mark.parametrize(
    ("field", "typed", "saved"),
    [("consultations", "十二项", 12), ("attendees", "46人次", 46), ("messages", "1,260条", 1260),
     ("suggestions", "九十六件", 96)],
)  # fmt: skip
def test_counts_take_their_declared_units(field: str, typed: str, saved: int) -> None:
    assert getattr(Engagement.model_validate({field: typed}), field) == saved


@pytest.mark.parametrize(
    ("field", "value"),
    [("messages", -1), ("consultations", "许多"), ("attendees", "3项"), ("hotline", 5)],
)
def test_a_bad_engagement_value_is_refused(field: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        Engagement.model_validate({field: value})


def test_more_answered_than_received_is_refused_naming_both_fields() -> None:
    with pytest.raises(ValidationError) as err:
        Engagement(messages=30, messages_answered=31)
    text = str(err.value)
    assert "facts.engagement.messages_answered" in text
    assert "facts.engagement.messages，30 件" in text
    assert Engagement(messages=30, messages_answered=30).messages_answered == 30


def test_more_published_than_handled_is_refused_naming_the_three_fields() -> None:
    too_many = {**COUNTY, "suggestions": 10, "cppcc_proposals": 20}  # 143 published > 30
    with pytest.raises(ValidationError) as err:
        _with("county-gov-2023.yaml", too_many)
    text = str(err.value)
    for path in ("facts.area.proposals，143 件", "facts.engagement.suggestions，10 件",
                 "facts.engagement.cppcc_proposals，20 件", "之和 30 件"):  # fmt: skip
        assert path in text
    # only one handled count given: the other may hold the rest, no check
    assert _with("county-gov-2023.yaml", {"suggestions": 10}).facts.engagement.handled is None


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_engagement_round_trips_through_the_data_file(fmt: str) -> None:
    report = _with("county-gov-2023.yaml", COUNTY)
    back = parse_report(dump_report(report, fmt), f"r.{fmt}")
    assert back.facts.engagement == report.facts.engagement == Engagement(**COUNTY)


# --- the question bank -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


def _opened(bank: QuestionBank, level: str) -> Report:
    report = Report(meta=Meta(agency="某某单位", level=level, report_year=2023))
    report = qs.apply_answer(bank, report, "proactive_total", "30")
    return qs.apply_answer(bank, report, "engagement_gate", "是")


def _asked(bank: QuestionBank, report: Report) -> set[str]:
    return {q.id for q in qs.applicable_questions(bank, report) if q.gate == "engagement_gate"}


def test_the_engagement_questions_are_asked_by_level(bank: QuestionBank) -> None:
    every = {"consultations", "messages", "suggestions", "cppcc_proposals"}
    for level in ("县级部门", "市级部门", "乡镇（街道）"):
        assert _asked(bank, _opened(bank, level)) == every, level
    for level in ("区县政府", "市级政府", "省级政府"):
        assert _asked(bank, _opened(bank, level)) == every | {"attendees"}, level
    for qid in every | {"attendees", "messages_answered"}:
        question = bank.get(qid)
        assert question.optional and question.unit in ("项", "人次", "件")
        assert question.fills == [f"facts.engagement.{qid}"]
    # an agency that published nothing is not asked
    nothing = Report(meta=Meta(agency="某某单位", level="县级部门", report_year=2023))
    assert "engagement_gate" not in {q.id for q in qs.applicable_questions(bank, nothing)}


def test_answers_fill_the_engagement_and_no_at_the_gate_leaves_it_empty(
    bank: QuestionBank,
) -> None:
    report = _opened(bank, "区县政府")
    assert "messages_answered" not in _asked(bank, report)  # asked once 留言 are counted
    for qid, typed in (("consultations", "二十三项"), ("attendees", "46人次"),
                       ("messages", "一千二百六十"), ("suggestions", ""),
                       ("cppcc_proposals", "131件")):  # fmt: skip
        report = qs.apply_answer(bank, report, qid, typed)
    assert "messages_answered" in _asked(bank, report)
    report = qs.apply_answer(bank, report, "messages_answered", "1248")
    e = report.facts.engagement
    assert (e.consultations, e.attendees, e.messages, e.messages_answered) == (23, 46, 1260, 1248)
    assert e.suggestions is None and e.cppcc_proposals == 131
    with pytest.raises(qs.AnswerError, match=r"facts\.engagement\.messages_answered"):
        qs.apply_answer(bank, report, "messages_answered", "1300")
    with pytest.raises(qs.AnswerError):
        qs.apply_answer(bank, report, "attendees", "很多")
    no = qs.apply_answer(bank, _opened(bank, "区县政府"), "engagement_gate", "否")
    assert no.facts.engagement == Engagement() and _asked(bank, no) == set()


def test_the_published_count_over_the_handled_is_refused_in_the_interview(
    bank: QuestionBank,
) -> None:
    report = _opened(bank, "区县政府")
    report = qs.apply_answer(bank, report, "suggestions", "50")
    report = qs.apply_answer(bank, report, "cppcc_proposals", "60")
    report = qs.apply_answer(bank, report, "area_gate", "是")
    with pytest.raises(qs.AnswerError, match=r"facts\.area\.proposals.*之和 110 件"):
        qs.apply_answer(bank, report, "proposals", "120")
    assert qs.apply_answer(bank, report, "proposals", "110").facts.area.proposals == 110


# --- the web facts page ------------------------------------------------------------------------


def test_the_engagement_is_on_the_facts_page_and_autosaves(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        report_id = create_report(client)  # a 县级部门: 列席常务会议 is a government's
        page = client.get(f"/reports/{report_id}/facts").text
        assert 'data-key="facts.engagement.messages"' in page
        assert 'data-key="facts.engagement.attendees"' not in page
        changes = {
            "facts.engagement.consultations": "四项",
            "facts.engagement.messages": "37",
            "facts.engagement.messages_answered": "三十七",
            "facts.engagement.suggestions": "",
        }
        assert edit(client, report_id, changes).status_code == 200
        saved = Store.in_folder(client.app.state.config.data_dir).get(report_id).report
        e = saved.facts.engagement
        assert (e.consultations, e.messages, e.messages_answered) == (4, 37, 37)
        assert e.suggestions is None
        page = client.get(f"/reports/{report_id}/facts").text
        assert 'data-key="facts.engagement.messages_answered" value="37"' in page
        bad = edit(client, report_id, {"facts.engagement.messages_answered": "40"})
        assert bad.status_code == 422
        assert "facts.engagement.messages_answered" in bad.text and "40" in bad.text
        assert edit(client, report_id, {"meta.level": "区县政府"}).status_code == 200
        page = client.get(f"/reports/{report_id}/facts").text
        assert 'data-key="facts.engagement.attendees"' in page


# --- drafting: one clause each, in its sub-part, once ------------------------------------------


def test_a_government_gets_each_count_once_in_its_sub_part() -> None:
    report = _with("county-gov-2023.yaml", COUNTY)
    texts = draft_offline(report)
    whole = "".join(texts.values())
    expected = {
        "overview_proactive": ("征求意见23项", "46人次"),
        "overview_platform": ("群众留言1260件", "1248件"),
        "other_matters": ("人大代表建议96件", "政协提案131件", "143件"),
    }
    for section, clauses in expected.items():
        for clause in clauses:
            assert clause in texts[section], (section, clause, texts[section])
            assert whole.count(clause) == 1, clause
    # 建议、提案 and the published results read as one sentence
    sentence = _sentence_with(texts["other_matters"], "人大代表建议")
    assert "政协提案131件" in sentence and "143件" in sentence
    sheet = build_fact_sheet(report)
    assert all(unmatched_numbers(t, sheet) == [] for t in texts.values())
    data = claim_data(report)
    bound = {c.subject for t in texts.values() for c in bound_claims(find_claims(t), data)}
    assert set(ENGAGEMENT_FIELDS) <= bound
    assert review_report(_drafted(report)) == []


def test_a_department_tells_its_own_in_its_own_voice() -> None:
    report = _with("busy-2023.yaml", DEPARTMENT)
    texts = draft_offline(report)
    assert "征求意见4项" in texts["overview_proactive"]
    platform = texts["overview_platform"]
    assert "群众留言37件" in platform and platform.count("37件") == 1  # all answered: said once
    assert any(w in platform for w in ("均已办结答复", "全部办结", "件件有回复"))
    other = texts["other_matters"]
    assert "人大代表建议12件" in other and "政协提案9件" in other and "本机关" not in other
    assert "列席" not in "".join(texts.values())
    assert review_report(_drafted(report)) == []


def test_a_township_counts_only_its_messages() -> None:
    meta = Meta(agency="梅溪镇人民政府", level="乡镇（街道）", region="浙江省湖州市安吉县",
                report_year=2023)  # fmt: skip
    report = Report(meta=meta, facts={"proactive_total": 64, "engagement": {"messages": 18}})
    texts = draft_offline(report)
    assert "群众留言18件" in texts["overview_platform"]
    assert "办结" not in texts["overview_platform"]  # not given: not claimed
    assert unmatched_numbers(texts["overview_platform"], build_fact_sheet(report)) == []


def test_handled_without_published_and_published_without_handled() -> None:
    handled = draft_offline(_with("busy-2023.yaml", {"suggestions": 12}))["other_matters"]
    assert "人大代表建议12件" in handled and "提案" not in handled
    only_cppcc = draft_offline(_with("busy-2023.yaml", {"cppcc_proposals": 9}))["other_matters"]
    assert "承办政协提案9件" in only_cppcc and "人大代表" not in only_cppcc
    published = draft_offline(_with("county-gov-2023.yaml", {}))["other_matters"]
    assert "143件" in published and "承办" not in published


def test_nothing_given_says_nothing() -> None:
    plain = draft_offline(_with("county-gov-2023.yaml", {}))
    assert plain == draft_offline(_with("county-gov-2023.yaml", {"messages": None}))
    text = "".join(v for k, v in plain.items() if k != "other_matters")
    for word in CLAIM_WORDS:
        assert word not in text, word
    dept = "".join(draft_offline(_with("busy-2023.yaml", {})).values())
    for word in CLAIM_WORDS:
        assert word not in dept, word


def test_phrasings_vary_by_agency_and_stay_deterministic() -> None:
    seen = set()
    for name in ("德清县人民政府", "安吉县人民政府", "长兴县人民政府", "海盐县人民政府",
                 "嘉善县人民政府", "桐乡市人民政府"):  # fmt: skip
        report = _with("county-gov-2023.yaml", COUNTY, agency=name)
        texts = draft_offline(report)
        assert texts == draft_offline(report)
        seen.add(_sentence_with(texts["overview_proactive"], "征求意见").replace(name, ""))
    assert len(seen) >= 2


# --- the LLM's fact sheet: each count in the lines of its own section ------------------------


def test_the_fact_sheet_gives_each_count_to_its_section() -> None:
    sheet = build_fact_sheet(_with("county-gov-2023.yaml", COUNTY))
    expected = {
        "overview_proactive": ("公开征求意见 23 项", "列席政府常务会议 46 人次"),
        "overview_platform": ("收到群众留言 1260 件", "群众留言办结（答复） 1248 件"),
        "other_matters": ("承办人大代表建议 96 件", "承办政协提案 131 件"),
    }
    for section, lines in expected.items():
        text = "\n".join(sheet.lines(*SECTION_TOPICS[section]))
        for line in lines:
            assert line in text, (section, line)
        for other, others in expected.items():
            # （一）'s prompt also sees （四）'s lines (it is told channels go in （四）)
            if other != section and (section, other) != ("overview_proactive", "overview_platform"):
                assert not any(line in text for line in others), (section, other)


# --- claims: each number bound to its own fact ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("重大行政决策事项和政策文件草案公开征求意见46项。", "46"),
        ("邀请公众代表、利益相关方列席政府常务会议23人次。", "23"),
        ("收到群众留言1248件，办结群众留言1260件。", "1260"),
        ("承办人大代表建议131件、政协提案96件。", "131"),
        ("承办人大代表建议96件、政协提案143件。", "143"),
        ("公开建议提案办理结果227件。", "227"),
    ],
)
def test_a_count_said_of_the_wrong_fact_is_caught(text: str, wrong: str) -> None:
    report = _with("county-gov-2023.yaml", COUNTY)
    assert wrong in [c.text for c in ungrounded_claims(text, build_fact_sheet(report))]
    narrative = report.narrative.model_copy(update={"other_matters": text})
    found = [
        f
        for f in review_report(report.model_copy(update={"narrative": narrative}))
        if f.code == "P-01"
    ]
    assert found and any(f.severity == "error" for f in found), found


# --- roll-up: the counts that add up ------------------------------------------------------------


def test_rollup_sums_the_engagement_when_every_agency_gave_it() -> None:
    base = load_report(EXAMPLES / "busy-2023.yaml")
    reports = []
    for agency, messages, suggestions in (("安吉县教育局", 40, 12), ("安吉县民政局", 25, None)):
        report = base.model_copy(deep=True)
        report.meta.agency, report.previous_year = agency, None
        report.facts.engagement = Engagement(messages=messages, suggestions=suggestions)
        reports.append((f"{agency}.yaml", report))
    rollup = roll_up(reports, agency="安吉县人民政府", region="浙江省湖州市安吉县")
    e = rollup.report.facts.engagement
    assert e.messages == 65 and e.suggestions is None and e.attendees is None
    assert "承办人大代表建议件数：安吉县民政局 未填写，未汇总此项，请补充后重新汇总" in rollup.notes
