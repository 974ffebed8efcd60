"""Issue 12 (i12-org): how the work is organised (`Facts.organisation`: 领导小组组长, 专兼职工作人员,
专题研究次数, 年度工作要点), asked of every level, validated with Chinese messages naming the
field, drafted as one clause each in （五）监督保障 in the agency's own voice, bound in the claims
check, kept out of a government's roll-up, and said nowhere when not given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from draftbot import questions as qs
from draftbot.claims import bound_claims, claim_data, find_claims
from draftbot.datafile import DataFileError, dump_report, load_report, parse_report
from draftbot.drafting.guard import ungrounded_claims, unmatched_numbers
from draftbot.drafting.offline import draft_offline, meeting_body
from draftbot.facts import build_fact_sheet
from draftbot.model import Meta, Organisation, Report
from draftbot.question_bank import QuestionBank, load_bank
from draftbot.review import review_report
from draftbot.rollup import roll_up

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# A year's organisation in the register of real reports (figures invented for the test).
ORG: dict[str, Any] = {
    "group_head": "局长",
    "staff": 3,
    "study_meetings": 2,
    "work_plan": "2023年政务公开工作要点",
}
AGENCIES = {
    "县级部门": "安吉县交通运输局",
    "乡镇（街道）": "梅溪镇人民政府",
    "区县政府": "德清县人民政府",
    "市级政府": "湖州市人民政府",
}


def _report(
    level: str = "县级部门", agency: str | None = None, table3: Any = None, **facts: Any
) -> Report:
    meta = Meta(agency=agency or AGENCIES[level], level=level, report_year=2023)
    return Report(meta=meta, facts={"training_sessions": 2, **facts}, table3=table3 or {})


def _drafted(report: Report) -> Report:
    texts = draft_offline(report)
    return report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})


# --- the model: each answer validated, in Chinese, naming the field ----------------------------


def test_answers_are_read_as_a_clerk_writes_them() -> None:
    org = Organisation(group_head="由分管副县长担任领导小组组长", staff="三名", study_meetings="2次",
                       work_plan="2023年政务公开工作要点")  # fmt: skip
    assert org.group_head == "分管副县长" and org.staff == 3 and org.study_meetings == 2
    assert org.work_plan == "《2023年政务公开工作要点》"
    assert Organisation(group_head="党组书记、局长").group_head == "党组书记、局长"
    assert Organisation(group_head="办公室主任").group_head == "办公室主任"
    nested = "《关于印发〈2023年政务公开工作要点〉的通知》"
    assert Organisation(work_plan=nested).work_plan == nested


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("group_head", "张伟", "领导小组组长的职务"),
        ("group_head", "3名局长", "不含数字"),
        ("group_head", "由县委常委、常务副县长兼任领导小组组长", "2～12 个汉字"),
        ("staff", "3次", "专兼职工作人员"),
        ("study_meetings", "很多", "专题研究政务公开工作的次数"),
        ("work_plan", "印发了工作要点。", "工作要点或实施方案的标题"),
        ("work_plan", "2023年工作要点", "含“公开”"),
        ("work_plan", "《2023年政务公开》", "要点、方案、计划"),
    ],
)
def test_a_bad_answer_is_refused_in_chinese_naming_the_field(
    field: str, value: str, words: str
) -> None:
    text = (
        "meta: {agency: 安吉县交通运输局, level: 县级部门, report_year: 2023}\n"
        f"facts:\n  organisation:\n    {field}: {value}\n"
    )
    with pytest.raises(DataFileError) as caught:
        parse_report(text, "r.yaml")
    message = str(caught.value)
    assert "工作的组织" in message and words in message, message
    assert value in message


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_organisation_round_trips_through_the_data_file(fmt: str) -> None:
    report = _report(organisation=ORG)
    back = parse_report(dump_report(report, fmt), f"r.{fmt}")
    assert back.facts.organisation == report.facts.organisation


# --- the question bank: every level, behind its gate -----------------------------------------


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


@pytest.mark.parametrize("level", ["县级部门", "乡镇（街道）", "区县政府", "省级部门", "其他"])
def test_the_organisation_is_asked_of_every_level(bank: QuestionBank, level: str) -> None:
    report = Report(meta=Meta(agency="某某单位", level=level, report_year=2023))
    # like the practices, not asked of an agency that published nothing (a short interview)
    assert "organisation_gate" not in {q.id for q in qs.applicable_questions(bank, report)}
    report = qs.apply_answer(bank, report, "proactive_total", "12")
    assert "organisation_gate" in {q.id for q in qs.applicable_questions(bank, report)}
    report = qs.apply_answer(bank, report, "organisation_gate", "是")
    asked = {q.id for q in qs.applicable_questions(bank, report)}
    assert {"group_head", "staff", "study_meetings", "work_plan"} <= asked
    for qid in ("group_head", "staff", "study_meetings", "work_plan"):
        question = bank.get(qid)
        assert question.gate == "organisation_gate" and question.optional
        assert question.fills == [f"facts.organisation.{qid}"]


def test_answers_fill_the_organisation_and_no_leaves_it_empty(bank: QuestionBank) -> None:
    report = Report(meta=Meta(agency="梅溪镇人民政府", level="乡镇（街道）", report_year=2023))
    yes = qs.apply_answer(bank, report, "organisation_gate", "是")
    yes = qs.apply_answer(bank, yes, "group_head", "镇长任组长")
    yes = qs.apply_answer(bank, yes, "staff", "两名")
    yes = qs.apply_answer(bank, yes, "study_meetings", "三")
    yes = qs.apply_answer(bank, yes, "work_plan", "")
    org = yes.facts.organisation
    assert (org.group_head, org.staff, org.study_meetings, org.work_plan) == ("镇长", 2, 3, None)
    with pytest.raises(qs.AnswerError, match="领导小组组长"):
        qs.apply_answer(bank, yes, "group_head", "王芳")
    with pytest.raises(qs.AnswerError, match="名"):
        qs.apply_answer(bank, yes, "staff", "3次")
    no = qs.apply_answer(bank, yes, "organisation_gate", "否")
    assert no.facts.organisation == Organisation()


# --- drafting: one clause each, in （五）, in the agency's voice, once --------------------------


@pytest.mark.parametrize(
    ("level", "voice", "meeting"),
    [
        ("县级部门", "我局", "领导班子会议"),
        ("乡镇（街道）", "我镇", "党政班子会议"),
        ("区县政府", "县政府", "县政府常务会议"),
        ("市级政府", "市政府", "市政府常务会议"),
    ],
)
def test_each_answer_is_one_clause_of_supervision_in_the_agency_voice(
    level: str, voice: str, meeting: str
) -> None:
    org = {**ORG, "group_head": "分管副县长" if level.endswith("政府") else ORG["group_head"]}
    report = _report(level, organisation=org)
    texts = draft_offline(report)
    supervision = texts["overview_supervision"]
    whole = "\n".join(texts.values())
    for clause in (org["group_head"], "《2023年政务公开工作要点》", "3名", meeting, "2次"):
        assert clause in supervision, (clause, supervision)
    for clause in ("领导小组", "《2023年政务公开工作要点》", "专兼职工作人员", "专题研究"):
        assert whole.count(clause) == 1, (clause, whole)
    assert voice in supervision
    if level.endswith("政府"):
        assert f"{voice}办公室" in supervision  # a government's staff are its office's
        assert "领导班子" not in supervision
    else:
        assert "常务会议" not in supervision and "办公室" not in supervision
    sheet = build_fact_sheet(report)
    assert all(unmatched_numbers(t, sheet) == [] for t in texts.values())
    bound = {c.subject for c in bound_claims(find_claims(supervision), claim_data(report))}
    assert {"staff", "study_meetings"} <= bound
    findings = review_report(_drafted(report))
    assert [f for f in findings if f.section == "overview_supervision" or f.code == "P-01"] == []


def test_the_clauses_are_deterministic_and_differ_between_agencies() -> None:
    names = ("安吉县交通运输局", "德清县财政局", "长兴县民政局", "海盐县教育局", "嘉善县卫生健康局",
             "桐乡市司法局", "湖州市吴兴区商务局", "安吉县水利局")  # fmt: skip
    texts = set()
    for name in names:
        report = _report(agency=name, organisation=ORG)
        supervision = draft_offline(report)["overview_supervision"]
        assert supervision == draft_offline(report)["overview_supervision"]
        texts.add(supervision.replace(name, ""))
    assert len(texts) >= 4


def test_a_partial_answer_says_only_what_was_given() -> None:
    supervision = draft_offline(_report(organisation={"staff": 2}))["overview_supervision"]
    assert "专兼职工作人员2名" in supervision or "专兼职工作人员有2名" in supervision
    for phrase in ("领导小组", "专题研究", "工作要点", "印发"):
        assert phrase not in supervision


def test_not_reported_writes_nothing() -> None:
    plain = draft_offline(_report(organisation={}))
    assert plain == draft_offline(_report(organisation={"staff": None, "work_plan": None}))
    text = "".join(plain.values())
    for phrase in ("领导小组", "任组长", "专兼职", "专题研究", "班子会议", "工作要点"):
        assert phrase not in text, phrase


def test_what_the_clerk_note_already_says_is_not_said_twice() -> None:
    note = (
        "调整政务公开工作领导小组，由局长任组长。印发年度政务公开工作要点。"
        "领导班子会议专题研究政务公开工作。配备专（兼）职工作人员负责日常工作。"
    )
    report = _report(organisation=ORG, supervision_notes=note)
    supervision = draft_offline(report)["overview_supervision"]
    assert supervision.count("领导小组") == 1 and "调整政务公开工作领导小组" in supervision
    # the note names the plan without its title: the title is told, the note's mention is not
    assert "《2023年政务公开工作要点》" in supervision
    assert "印发年度政务公开工作要点" not in supervision
    # the figure-less mentions give way to the clauses with the clerk's figures
    assert supervision.count("专题研究") == 1 and "2次" in supervision
    assert supervision.count("兼）职") + supervision.count("专兼职") == 1
    assert "3名" in supervision
    findings = review_report(_drafted(report))
    assert [f for f in findings if f.section == "overview_supervision" or f.code == "P-01"] == []


@pytest.mark.parametrize(
    ("note", "word", "fact", "kept", "gone"),
    [
        ("领导小组召开专题会议，研究部署年度重点任务。", "领导小组", "由局长", "", "研究部署"),
        ("对照上级年度工作要点逐项落实。", "工作要点", "《2023年政务公开工作要点》", "", "逐项落实"),
        ("建立工作台账，对照工作要点按月调度。", "工作要点", "《2023年政务公开工作要点》",
         "建立工作台账", "按月调度"),
    ],
)  # fmt: skip
def test_a_note_that_only_names_the_word_does_not_hide_the_fact(
    note: str, word: str, fact: str, kept: str, gone: str
) -> None:
    texts = draft_offline(_report(organisation=ORG, supervision_notes=note))
    whole = "\n".join(texts.values())
    assert fact in texts["overview_supervision"]
    assert whole.count(word) == 1, whole  # the structured fact only
    assert kept in whole and gone not in whole


def test_a_note_naming_the_head_or_the_title_keeps_the_clerk_words() -> None:
    note = "成立由局长任组长的政务公开工作领导小组。印发《2023年政务公开工作要点》。"
    supervision = draft_offline(_report(organisation=ORG, supervision_notes=note))[
        "overview_supervision"
    ]
    assert supervision.count("领导小组") == 1 and "成立由局长任组长" in supervision
    assert supervision.count("《2023年政务公开工作要点》") == 1


def test_a_note_giving_the_staff_with_its_figure_keeps_it_once() -> None:
    report = _report(organisation=ORG, supervision_notes="明确专（兼）职工作人员3名。")
    supervision = draft_offline(report)["overview_supervision"]
    assert supervision.count("3名") == 1


def test_a_plan_naming_another_year_is_left_out_and_recorded() -> None:
    from draftbot.drafting.offline import render_offline

    report = _report(organisation={"work_plan": "2021年政务公开工作要点"})
    draft = render_offline(report)
    assert "2021年政务公开工作要点" not in draft.texts["overview_supervision"]
    assert any("年度工作要点" in d.label for d in draft.dropped)


# --- claims: the counts bound to their subjects ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("配备专兼职工作人员2名。", "2"),
        ("领导班子会议专题研究政务公开工作3次。", "3"),
        ("局党组会议3次专题研究政务公开工作。", "3"),
        ("配备专（兼）职工作人员2名。", "2"),
    ],
)
def test_a_wrong_organisation_count_is_caught(text: str, wrong: str) -> None:
    report = _report(organisation=ORG, table3={"new_received": {"natural_person": 3}})
    sheet = build_fact_sheet(report)
    assert wrong in [c.text for c in ungrounded_claims(text, sheet)]
    right = text.replace(wrong + "名", "3名").replace(wrong + "次", "2次")
    assert [c.text for c in ungrounded_claims(right, sheet)] == []


# --- roll-up: the government's own, never the departments' sum ---------------------------------


def test_a_roll_up_does_not_sum_the_departments_organisation() -> None:
    departments = [
        (f"{i}.yaml", _report(agency=name, organisation={**ORG, "staff": i + 2}))
        for i, name in enumerate(("德清县财政局", "德清县民政局"))
    ]
    rollup = roll_up(departments, agency="德清县人民政府", year=2023)
    assert rollup.report.facts.organisation == Organisation()
    supervision = draft_offline(rollup.report)["overview_supervision"]
    assert "领导小组" not in supervision and "专兼职" not in supervision


def test_the_county_example_tells_its_organisation_once() -> None:
    report = load_report(EXAMPLES / "county-gov-2023.yaml")
    supervision = draft_offline(report)["overview_supervision"]
    assert "分管副县长" in supervision and "县政府常务会议" in supervision
    assert "《2023年政务公开工作要点》" in supervision


def test_a_governments_office_names_the_governments_meeting_not_its_own_unit() -> None:
    """The kind: the meeting's body comes from the voice (我办 → 办) while the meeting comes from
    the level (政府常务会议); a 县政府办公室 entered as 区县政府 must not get 「办政府常务会议」."""
    report = load_report(EXAMPLES / "county-gov-2023.yaml")
    report.meta.agency = "德清县人民政府办公室"
    assert meeting_body(report) == "政府常务会议"
    supervision = draft_offline(report)["overview_supervision"]
    assert "政府常务会议专题研究政务公开工作2次" in supervision
    assert "办政府" not in supervision
