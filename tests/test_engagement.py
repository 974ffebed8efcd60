"""Issue 12 (i12-gov, i12-gov2): 决策公开、政民互动和建议提案办理 (`Facts.engagement`: 征求意见 项,
列席政府常务会议 人次, 群众留言 收到/办结 件, 12345热线受理 件, 在线访谈 期, 政务新媒体发布信息 条,
承办人大代表建议、政协提案 件). Each answer is
asked of the levels that report it, checked against its neighbours (办结 ≤ 收到, 公开办理结果 ≤
承办之和), becomes one clause in its sub-part, is bound to its own words in the claims check,
and round-trips through every way in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from claims_caught import guard_flags, p01_findings
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
                     "hotline_cases", "interviews", "new_media_posts",
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
        assert info.description and re.search(
            r"（(项|人次|件|期、次或场|条)；写入", info.description
        )


@pytest.mark.parametrize(
    ("field", "typed", "saved"),
    [("consultations", "十二项", 12), ("attendees", "46人次", 46), ("messages", "1,260条", 1260),
     ("suggestions", "九十六件", 96), ("hotline_cases", "5230件", 5230),
     ("interviews", "十二期", 12), ("interviews", "12场", 12), ("interviews", "12次", 12),
     ("new_media_posts", "3,100条", 3100), ("new_media_posts", "86篇", 86)],
)  # fmt: skip
def test_counts_take_their_declared_units(field: str, typed: str, saved: int) -> None:
    assert getattr(Engagement.model_validate({field: typed}), field) == saved


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("messages", -1),
        ("consultations", "许多"),
        ("attendees", "3项"),
        ("hotline", 5),
        ("hotline_cases", "12条"),
        ("interviews", "3件"),
        ("new_media_posts", "3100余条"),
        ("new_media_posts", "约3100条"),
        ("interviews", -2),
    ],
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
    every = {"consultations", "messages", "new_media_posts", "suggestions", "cppcc_proposals"}
    talk = {"hotline_cases", "interviews"}  # those that run or answer a hotline, host or sit in
    assert _asked(bank, _opened(bank, "乡镇（街道）")) == every
    for level in ("县级部门", "市级部门", "省级部门"):
        assert _asked(bank, _opened(bank, level)) == every | talk, level
    for level in ("区县政府", "市级政府", "省级政府"):
        assert _asked(bank, _opened(bank, level)) == every | talk | {"attendees"}, level
    for qid in every | talk | {"attendees", "messages_answered"}:
        question = bank.get(qid)
        assert question.optional and question.unit in ("项", "人次", "件", "期", "条")
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
    assert set(COUNTY) <= bound
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
    assert wrong in guard_flags(report, text)
    found = p01_findings(report, "other_matters", text)
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


# --- i12-gov2: 12345热线、在线访谈、政务新媒体发布信息 -----------------------------------------------

# The county's 热线, 访谈 and the posts of its 26 新媒体 accounts (county-gov-2023 publishes 3716
# items in all: the posts are not that total), figures invented here.
TALK: dict[str, Any] = {"hotline_cases": 5230, "interviews": 12, "new_media_posts": 3100}
COUNTY_TALK = {**COUNTY, **TALK}
TALK_WORDS = ("热线", "访谈", "全年发布信息", "全年共发布信息", "推送信息")


def test_posts_without_an_account_are_refused_naming_both_fields() -> None:
    data = load_report(EXAMPLES / "county-gov-2023.yaml").model_dump(mode="json")
    data["facts"]["practices"]["new_media_accounts"] = 0
    data["facts"]["engagement"] = {"new_media_posts": 40}
    with pytest.raises(ValidationError) as err:
        Report.model_validate(data)
    text = str(err.value)
    assert "facts.engagement.new_media_posts，40 条" in text
    assert "facts.practices.new_media_accounts" in text
    data["facts"]["practices"]["new_media_accounts"] = None  # accounts not told: no check
    assert Report.model_validate(data).facts.engagement.new_media_posts == 40
    data["facts"]["practices"]["new_media_accounts"] = 0
    data["facts"]["engagement"] = {"new_media_posts": 0}
    assert Report.model_validate(data).facts.engagement.new_media_posts == 0


def test_a_provinces_hotline_and_posts_may_pass_a_million_but_not_without_end() -> None:
    big = Engagement(hotline_cases="1200万件", new_media_posts=3_000_000)
    assert (big.hotline_cases, big.new_media_posts) == (12_000_000, 3_000_000)
    for field, value in (("hotline_cases", 200_000_000), ("new_media_posts", 20_000_000),
                         ("interviews", 2_000_000)):  # fmt: skip
        with pytest.raises(ValidationError, match="数值过大"):
            Engagement.model_validate({field: value})


def test_the_talk_answers_fill_their_fields(bank: QuestionBank) -> None:
    report = _opened(bank, "区县政府")
    for qid, typed in (("hotline_cases", "五千二百三十件"), ("interviews", "12场"),
                       ("new_media_posts", "3100条")):  # fmt: skip
        report = qs.apply_answer(bank, report, qid, typed)
    e = report.facts.engagement
    assert (e.hotline_cases, e.interviews, e.new_media_posts) == (5230, 12, 3100)
    with pytest.raises(qs.AnswerError, match="约数"):
        qs.apply_answer(bank, report, "new_media_posts", "3100余条")
    with pytest.raises(qs.AnswerError, match="件"):
        qs.apply_answer(bank, report, "hotline_cases", "5230条")
    # the 留言 question no longer counts the hotline's cases (asked on their own)
    assert "热线" in bank.get("hotline_cases").prompt
    assert "不要重复" in bank.get("messages").help


def test_the_talk_is_on_the_facts_page_by_level(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        report_id = create_report(client)  # a 县级部门
        page = client.get(f"/reports/{report_id}/facts").text
        for key in TALK:
            assert f'data-key="facts.engagement.{key}"' in page, key
        changes = {"facts.engagement.hotline_cases": "86件", "facts.engagement.interviews": "三期",
                   "facts.engagement.new_media_posts": "412"}  # fmt: skip
        assert edit(client, report_id, changes).status_code == 200
        e = Store.in_folder(client.app.state.config.data_dir).get(report_id).report.facts.engagement
        assert (e.hotline_cases, e.interviews, e.new_media_posts) == (86, 3, 412)
        bad = edit(client, report_id, {"facts.practices.new_media_accounts": "0"})
        assert bad.status_code == 422 and "facts.engagement.new_media_posts" in bad.text
        assert edit(client, report_id, {"facts.engagement.hotline_cases": ""}).status_code == 200
        assert edit(client, report_id, {"facts.engagement.interviews": ""}).status_code == 200
        assert edit(client, report_id, {"meta.level": "乡镇（街道）"}).status_code == 200
        page = client.get(f"/reports/{report_id}/facts").text
        assert 'data-key="facts.engagement.hotline_cases"' not in page  # a 镇 runs no hotline
        assert 'data-key="facts.engagement.new_media_posts" value="412"' in page


def test_the_talk_round_trips_through_excel() -> None:
    from draftbot.excel import import_xlsx, template_bytes

    report = _with("county-gov-2023.yaml", COUNTY_TALK)
    back = import_xlsx(template_bytes(report))
    assert back.facts.engagement == report.facts.engagement == Engagement(**COUNTY_TALK)


def test_a_government_tells_the_talk_in_platform_once_beside_the_messages() -> None:
    report = _with("county-gov-2023.yaml", COUNTY_TALK)
    texts = draft_offline(report)
    whole = "".join(texts.values())
    platform = texts["overview_platform"]
    for clause in ("12345政务服务便民热线", "受理群众诉求5230件", "在线访谈12期", "信息3100条"):
        assert clause in platform, (clause, platform)
        assert whole.count(clause) == 1, clause
    # the posts read in one clause with the accounts they were posted from
    assert re.search(r"政务新媒体账号26个[^；。]{0,12}，全年(共)?(发布|推送)信息3100条", platform)
    # 政民互动 in one place: the hotline clause follows the 留言's
    at = {word: platform.index(word) for word in ("群众留言1260件", "5230件", "在线访谈12期")}
    assert at["群众留言1260件"] < at["5230件"] < at["在线访谈12期"]
    assert "3100" not in texts["overview_proactive"] and "主动公开" not in platform
    sheet = build_fact_sheet(report)
    assert all(unmatched_numbers(t, sheet) == [] for t in texts.values())
    bound = {
        c.subject for t in texts.values() for c in bound_claims(find_claims(t), claim_data(report))
    }
    assert set(COUNTY_TALK) <= bound
    assert review_report(_drafted(report)) == []


def test_a_department_handles_hotline_cases_in_its_own_voice() -> None:
    report = _with("busy-2023.yaml", {"hotline_cases": 86, "interviews": 3, "new_media_posts": 412})
    platform = draft_offline(report)["overview_platform"]
    assert "群众诉求86件" in platform and "12345政务服务便民热线受理" not in platform
    assert "在线访谈3期" in platform or "网上访谈3期" in platform
    assert "举办" not in platform  # a department may have sat in a government's 访谈
    # no account count given: the posts get a sentence of their own, naming the 新媒体
    assert _sentence_with(platform.replace("；", "。"), "412条").count("新媒体") >= 1
    assert unmatched_numbers(platform, build_fact_sheet(report)) == []
    assert review_report(_drafted(report)) == []


def test_the_talk_given_alone_each_says_only_itself() -> None:
    for key, value in TALK.items():
        texts = draft_offline(_with("county-gov-2023.yaml", {key: value}))
        assert f"{value}" in texts["overview_platform"], key
        others = [w for k, w in (("hotline_cases", "热线"), ("interviews", "访谈")) if k != key]
        assert not any(w in "".join(texts.values()) for w in others), key
        assert "留言" not in texts["overview_platform"]


def test_no_talk_given_says_nothing_of_it() -> None:
    for example in ("county-gov-2023.yaml", "busy-2023.yaml"):
        text = "".join(draft_offline(_with(example, {})).values())
        for word in TALK_WORDS:
            assert word not in text, (example, word)


def test_the_talk_varies_by_agency_and_stays_deterministic() -> None:
    seen = set()
    for name in ("德清县人民政府", "安吉县人民政府", "长兴县人民政府", "海盐县人民政府",
                 "嘉善县人民政府", "桐乡市人民政府"):  # fmt: skip
        report = _with("county-gov-2023.yaml", COUNTY_TALK, agency=name)
        texts = draft_offline(report)
        assert texts == draft_offline(report)
        platform = texts["overview_platform"]
        assert re.search(r"政务新媒体账号26个，全年(共)?(发布|推送)信息3100条", platform), platform
        seen.add(
            re.sub(
                r"[一二三四五六七八九]是",
                "",
                _sentence_with(texts["overview_platform"].replace("；", "。"), "5230件"),
            )
        )
    assert len(seen) >= 2


def test_the_fact_sheet_gives_the_talk_to_platform() -> None:
    sheet = build_fact_sheet(_with("county-gov-2023.yaml", COUNTY_TALK))
    platform = "\n".join(sheet.lines(*SECTION_TOPICS["overview_platform"]))
    for line in ("12345政务服务便民热线受理群众诉求 5230 件", "在线访谈、网上访谈 12 期",
                 "政务新媒体账号全年发布信息 3100 条"):  # fmt: skip
        assert line in platform, line
    for section in ("overview_on_request", "other_matters", "overview_supervision"):
        text = "\n".join(sheet.lines(*SECTION_TOPICS[section]))
        assert "5230" not in text and "3100" not in text, section


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        # the posts as the 主动公开 total, and the total as the posts
        ("主动公开政府信息3100条。", "3100"),
        ("运营政务新媒体账号26个，全年发布信息3716条。", "3716"),
        ("通过政务新媒体发布信息3716条。", "3716"),
        # a count said of the neighbouring 政民互动 fact
        ("12345政务服务便民热线受理群众诉求1260件。", "1260"),
        ("政民互动方面，收到群众留言5230件。", "5230"),
        ("举办在线访谈26期。", "26"),
        ("运营政务新媒体账号26个，全年发布信息5230条。", "5230"),
        ("运营政务新媒体账号3100个。", "3100"),
    ],
)
def test_a_talk_count_said_of_the_wrong_fact_is_caught(text: str, wrong: str) -> None:
    report = _with("county-gov-2023.yaml", COUNTY_TALK)
    assert wrong in guard_flags(report, text)
    found = p01_findings(report, "overview_platform", text)
    assert found and any(f.severity == "error" for f in found), found


@pytest.mark.parametrize(
    "text",
    [
        "运营政务新媒体账号26个，全年发布信息3100条。",
        "12345政务服务便民热线受理群众诉求5230件，举办在线访谈12期。",
        "全年主动公开政府信息3716条。",
        "全年发布信息3716条。",  # no 新媒体 named: 发布信息 is the total's as much as anything
    ],
)
def test_a_talk_count_in_its_place_is_grounded(text: str) -> None:
    report = _with("county-gov-2023.yaml", COUNTY_TALK)
    assert ungrounded_claims(text, build_fact_sheet(report)) == []


def test_rollup_sums_the_posts_but_not_the_hotline_or_the_interviews() -> None:
    base = load_report(EXAMPLES / "busy-2023.yaml")
    reports = []
    for agency, posts in (("安吉县教育局", 412), ("安吉县民政局", 288)):
        report = base.model_copy(deep=True)
        report.meta.agency, report.previous_year = agency, None
        report.facts.engagement = Engagement(hotline_cases=86, interviews=2, new_media_posts=posts)
        reports.append((f"{agency}.yaml", report))
    rollup = roll_up(reports, agency="安吉县人民政府", region="浙江省湖州市安吉县")
    e = rollup.report.facts.engagement
    assert e.new_media_posts == 700
    assert e.hotline_cases is None and e.interviews is None
    assert not any("热线" in n or "访谈" in n for n in rollup.notes)
