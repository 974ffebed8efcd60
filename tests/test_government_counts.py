"""Issue 12 (i12-gov3): the counted work of real government reports. 公文公开属性源头认定 (every
level, `facts.practices`) in （三）; 政府常务会议议题 made public or explained in （一）; the
website and 政务新媒体 checks, problems fixed and stale accounts closed in （四） beside the
accounts; the plan's tasks and those done in （五） beside the plan; and a roll-up's coverage
(全县N个部门和N个乡镇（街道）) in the opening. Each is checked against its whole naming the
fields, asked of the levels that report it, drafted once in its sub-part, bound to its own
words in the claims check, and said nowhere when not given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from claims_caught import guard_flags, p01_findings
from draftbot import questions as qs
from draftbot.claims import bound_claims, claim_data, find_claims
from draftbot.datafile import dump_report, load_report, parse_report
from draftbot.drafting.guard import unmatched_numbers
from draftbot.drafting.offline import draft_offline
from draftbot.facts import build_fact_sheet
from draftbot.model import Meta, Organisation, Practices, Report
from draftbot.question_bank import QuestionBank, load_bank
from draftbot.review import review_report
from draftbot.rollup import roll_up
from draftbot.store import Store
from web_helpers import create_report, edit, make_client

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# A 区县政府's year (figures invented for the test, in the register of real reports).
PRACTICES = {"attributed_documents": 412, "attributed_public": 356}
AREA = {"meeting_topics": 38, "site_checks": 4, "site_problems_fixed": 27, "accounts_closed": 6}
PLAN = {"plan_tasks": 45, "plan_tasks_done": 43}
SUBJECTS = (*PRACTICES, *AREA, *PLAN)
# Words of the new clauses; none may appear when nothing was given.
CLAIM_WORDS = ("源头认定", "公开属性", "议题", "监测检查", "整改问题", "关停整合", "分解任务",
               "报送的年度报告")  # fmt: skip


def _county(practices: Any = None, area: Any = None, plan: Any = None, **meta: Any) -> Report:
    data = load_report(EXAMPLES / "county-gov-2023.yaml").model_dump(mode="json")
    data["facts"]["practices"].update(PRACTICES if practices is None else practices)
    data["facts"]["area"].update(AREA if area is None else area)
    data["facts"]["organisation"].update(PLAN if plan is None else plan)
    data["meta"].update(meta)
    return Report.model_validate(data)


def _drafted(report: Report) -> Report:
    texts = draft_offline(report)
    return report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})


# --- the data: units, checks naming the fields ------------------------------------------------


def test_counts_take_their_units_and_parts_stay_within_their_whole() -> None:
    assert (
        Practices(attributed_documents="412件", attributed_public="三百件").attributed_public == 300
    )
    assert Organisation(plan_tasks="45项", plan_tasks_done="43项").plan_tasks_done == 43
    with pytest.raises(ValidationError) as exc:
        Practices(attributed_documents=10, attributed_public=11)
    text = str(exc.value)
    assert "facts.practices.attributed_public" in text
    assert "facts.practices.attributed_documents" in text
    with pytest.raises(ValidationError) as exc:
        Organisation(plan_tasks=40, plan_tasks_done=45)
    assert "facts.organisation.plan_tasks_done" in str(exc.value)
    assert "facts.organisation.plan_tasks" in str(exc.value)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_counts_round_trip_through_the_data_file(fmt: str) -> None:
    report = _county()
    back = parse_report(dump_report(report, fmt), fmt)
    assert back.facts.area.accounts_closed == 6 and back.facts.organisation.plan_tasks == 45
    assert back.facts.practices.attributed_public == 356


# --- the questions: by level ------------------------------------------------------------------


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


def _asked(bank: QuestionBank, level: str) -> set[str]:
    report = Report(meta=Meta(agency="某某单位", level=level, report_year=2023))
    report = qs.apply_answer(bank, report, "proactive_total", "30")
    for gate in ("practices_gate", "area_gate", "organisation_gate"):
        if any(q.id == gate for q in qs.applicable_questions(bank, report)):
            report = qs.apply_answer(bank, report, gate, "是")
    return {q.id for q in qs.applicable_questions(bank, report)}


def test_government_counts_are_asked_of_governments_and_attribution_of_every_level(
    bank: QuestionBank,
) -> None:
    government_only = {"meeting_topics", "site_checks", "site_problems_fixed",
                       "accounts_closed", "plan_tasks"}  # fmt: skip
    for level in ("区县政府", "市级政府", "省级政府"):
        asked = _asked(bank, level)
        assert government_only | {"attributed_documents"} <= asked, level
    for level in ("县级部门", "市级部门", "乡镇（街道）"):
        asked = _asked(bank, level)
        assert "attributed_documents" in asked and not asked & government_only, level
    for qid, unit in (("attributed_documents", "件"), ("meeting_topics", "个"),
                      ("site_checks", "次"), ("accounts_closed", "个"), ("plan_tasks", "项")):  # fmt: skip
        assert bank.get(qid).unit == unit and bank.get(qid).optional


# --- the draft: one clause each, in its place, bound to its own words -------------------------


def test_a_government_gets_each_count_once_in_its_sub_part() -> None:
    report = _county()
    texts = draft_offline(report)
    whole = "".join(texts.values())
    expected = {
        "overview_management": ("412件", "认定为主动公开356件"),
        "overview_proactive": ("议题38个",),
        "overview_platform": ("4次", "整改问题27个", "关停整合"),
        "overview_supervision": ("任务45项", "完成任务43项"),
    }
    for section, clauses in expected.items():
        for clause in clauses:
            assert clause in texts[section], (section, clause, texts[section])
    for clause in ("412件", "356件", "议题38个", "27个", "45项", "43项"):
        assert whole.count(clause) == 1, clause
    platform = texts["overview_platform"]
    assert platform.index("政务新媒体账号26个") < platform.index("关停整合")  # beside the accounts
    sheet = build_fact_sheet(report)
    assert all(unmatched_numbers(t, sheet) == [] for t in texts.values())
    bound = {
        c.subject for t in texts.values() for c in bound_claims(find_claims(t), claim_data(report))
    }
    assert set(SUBJECTS) <= bound
    assert review_report(_drafted(report)) == []


def test_a_department_counts_only_its_attribution() -> None:
    data = load_report(EXAMPLES / "busy-2023.yaml").model_dump(mode="json")
    data["facts"]["practices"] = {"attributed_documents": 36}
    report = Report.model_validate(data)
    texts = draft_offline(report)
    assert (
        "36件" in texts["overview_management"] and "主动公开36" not in texts["overview_management"]
    )
    rest = "".join(v for k, v in texts.items() if k != "overview_management")
    assert not any(w in rest for w in ("议题", "监测检查", "关停整合", "分解任务"))
    assert review_report(_drafted(report)) == []


def test_tasks_without_a_plan_title_and_all_done() -> None:
    report = _county(plan={"work_plan": None, "plan_tasks": 40, "plan_tasks_done": 40})
    supervision = draft_offline(report)["overview_supervision"]
    assert "工作要点" in supervision and "40项" in supervision and supervision.count("40") == 1


def test_nothing_given_says_nothing() -> None:
    # the example gives every count: each is cleared (None), not merely left unchanged
    report = _county(dict.fromkeys(PRACTICES), dict.fromkeys(AREA), dict.fromkeys(PLAN))
    facts = report.facts.model_copy(update={"engagement": type(report.facts.engagement)()})
    plain = draft_offline(report.model_copy(update={"facts": facts}))
    text = "".join(plain.values())
    for word in CLAIM_WORDS:
        assert word not in text, word


def test_phrasings_vary_by_agency_and_stay_deterministic() -> None:
    seen = set()
    for name in ("德清县人民政府", "安吉县人民政府", "长兴县人民政府", "海盐县人民政府",
                 "嘉善县人民政府", "桐乡市人民政府"):  # fmt: skip
        report = _county(agency=name)
        texts = draft_offline(report)
        assert texts == draft_offline(report)
        seen.add(texts["overview_platform"].split("关停整合")[0][-30:].replace(name, ""))
    assert len(seen) >= 2


# --- claims: near-misses against neighbouring counts -------------------------------------------


@pytest.mark.parametrize(
    ("section", "text", "wrong"),
    [
        ("overview_platform", "关停整合政务新媒体账号26个。", "26"),  # the accounts run
        ("overview_platform", "运营政务新媒体账号6个。", "6"),  # the accounts closed
        ("overview_management", "源头认定公文356件，其中认定为主动公开412件。", "412"),
        ("overview_management", "其中认定为主动公开3716件。", "3716"),  # proactive_total
        ("overview_proactive", "会后公开或解读政府常务会议议题2个。", "2"),  # study_meetings
        ("overview_supervision", "明确任务45项，其中完成任务4项。", "4"),  # circulars
        ("overview_platform", "全年监测检查27次。", "27"),
    ],
)
def test_a_count_said_of_the_wrong_fact_is_caught(section: str, text: str, wrong: str) -> None:
    report = _county()
    assert wrong in guard_flags(report, text)
    found = p01_findings(report, section, text)
    assert found, text


# --- roll-up: coverage computed, attribution summed, the government's own counts not -----------


def test_a_roll_up_counts_its_departments_and_townships_and_says_so() -> None:
    base = load_report(EXAMPLES / "busy-2023.yaml")
    reports = []
    for agency, level, attributed in (("德清县财政局", "县级部门", 20), ("德清县民政局", "县级部门", 15),
                                      ("新市镇人民政府", "乡镇（街道）", 8)):  # fmt: skip
        report = base.model_copy(deep=True)
        report.meta.agency, report.meta.level, report.previous_year = agency, level, None
        report.facts.practices = Practices(attributed_documents=attributed)
        reports.append((f"{agency}.yaml", report))
    rollup = roll_up(reports, agency="德清县人民政府", region="浙江省湖州市德清县")
    area = rollup.report.facts.area
    assert (area.covered_departments, area.covered_townships) == (2, 1)
    assert area.site_checks is None and rollup.report.facts.organisation.plan_tasks is None
    assert rollup.report.facts.practices.attributed_documents == 43
    texts = draft_offline(rollup.report)
    assert "2个部门和1个乡镇（街道）" in texts["overview_intro"]
    data = claim_data(rollup.report)
    bound = {c.subject for c in bound_claims(find_claims(texts["overview_intro"]), data)}
    assert {"covered_departments", "covered_townships"} <= bound
    assert unmatched_numbers(texts["overview_intro"], build_fact_sheet(rollup.report)) == []
    # not a roll-up: no coverage sentence
    assert "报送的年度报告" not in draft_offline(base)["overview_intro"]


# --- the LLM's fact sheet: each count in the lines of its own section ------------------------


def test_the_fact_sheet_gives_each_count_to_its_section() -> None:
    from draftbot.drafting.sections import SECTION_TOPICS

    sheet = build_fact_sheet(_county())
    expected = {
        "overview_management": ("源头认定公开属性的公文 412 件", "认定为主动公开的公文 356 件"),
        "overview_platform": ("监测检查 4 次", "整改问题 27 个", "关停整合政务新媒体账号"),
        "overview_supervision": ("工作要点分解的任务 45 项", "已完成的任务 43 项"),
    }
    for section, lines in expected.items():
        text = "\n".join(sheet.lines(*SECTION_TOPICS[section]))
        for line in lines:
            assert line in text, (section, line)
    proactive = "\n".join(sheet.lines(*SECTION_TOPICS["overview_proactive"]))
    assert "常务会议议题会后公开或解读 38 个" in proactive
    supervision = "\n".join(sheet.lines(*SECTION_TOPICS["overview_supervision"]))
    assert "源头认定" not in supervision and "议题" not in supervision


# --- the web facts page: by level, saved as typed, a part over its whole refused ---------------


def test_the_counts_are_on_the_facts_page_and_autosave(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        report_id = create_report(client)  # a 县级部门: 源头认定 only
        page = client.get(f"/reports/{report_id}/facts").text
        assert 'data-key="facts.practices.attributed_documents"' in page
        assert 'data-key="facts.organisation.plan_tasks"' not in page
        assert 'data-key="facts.area.site_checks"' not in page
        changes = {"facts.practices.attributed_documents": "36件",
                   "facts.practices.attributed_public": "三十"}  # fmt: skip
        assert edit(client, report_id, changes).status_code == 200
        bad = edit(client, report_id, {"facts.practices.attributed_public": "40"})
        assert bad.status_code == 422 and "facts.practices.attributed_public" in bad.text
        assert edit(client, report_id, {"meta.level": "区县政府"}).status_code == 200
        page = client.get(f"/reports/{report_id}/facts").text
        for key in ("facts.area.meeting_topics", "facts.area.accounts_closed",
                    "facts.organisation.plan_tasks_done"):  # fmt: skip
            assert f'data-key="{key}"' in page, key
        changes = {"facts.area.accounts_closed": "6个", "facts.organisation.plan_tasks": "45",
                   "facts.area.site_checks": ""}  # fmt: skip
        assert edit(client, report_id, changes).status_code == 200
        saved = Store.in_folder(client.app.state.config.data_dir).get(report_id).report
        assert saved.facts.practices.attributed_documents == 36
        assert saved.facts.practices.attributed_public == 30
        assert saved.facts.area.accounts_closed == 6 and saved.facts.area.site_checks is None
        assert saved.facts.organisation.plan_tasks == 45


def test_a_note_telling_the_same_work_is_not_said_again() -> None:
    report = _county()
    notes = {
        "management_notes": "建立公开属性源头认定机制，拟文时同步确定公开方式。",
        "proactive_notes": "常务会议议题会后及时公开。",
        "platform_notes": "每季度对全县政府网站开展监测检查。",
        "supervision_notes": "年度工作要点明确的各项任务均已落实。",
    }
    report = report.model_copy(update={"facts": report.facts.model_copy(update=notes)})
    texts = draft_offline(report)
    assert texts["overview_management"].count("源头认定") == 1
    assert texts["overview_proactive"].count("议题") == 1
    assert texts["overview_platform"].count("监测检查") == 1
    # the note names the plan without its title: the title and its tasks are told, once, and the
    # note's sentence about the same plan is not (fix-read-c: a word does not hide the fact)
    supervision = texts["overview_supervision"]
    assert "45项" in supervision and supervision.count("工作要点") == 1
    assert "各项任务均已落实" not in supervision
    assert [f.code for f in review_report(_drafted(report))] == []
