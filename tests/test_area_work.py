"""Issue 12 (i12-length): the work a government or a 乡镇 reports for its whole area
(`Facts.area`: 重点领域, 建议提案办理结果, 政府开放日, 政府公报, 网站栏目, 村务居务公开和公开栏).
Each answer is asked only of the levels that report it, becomes one clause in its sub-part,
is bound to its own words in the claims check, and round-trips through every way in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claims_caught import guard_flags, p01_findings
from draftbot import questions as qs
from draftbot.claims import bound_claims, claim_data, find_claims
from draftbot.datafile import dump_report, load_report, parse_report
from draftbot.drafting.guard import ungrounded_claims, unmatched_numbers
from draftbot.drafting.offline import draft_offline
from draftbot.facts import build_fact_sheet
from draftbot.model import Meta, Report
from draftbot.question_bank import BankError, QuestionBank, load_bank
from draftbot.review import review_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AREA_FIELDS = ("key_areas", "proposals", "open_days", "gazette_issues", "gazette_documents",
               "website_columns", "villages", "notice_boards")  # fmt: skip
# The counted government work and the roll-up's coverage (i12-gov3, tests/test_government_counts.py)
GOVERNMENT_COUNTS = ("meeting_topics", "site_checks", "site_problems_fixed", "accounts_closed",
                     "covered_departments", "covered_townships")  # fmt: skip
# A 区县政府's year, in the register of its report (figures invented for the test).
COUNTY_AREA: dict[str, Any] = {
    "key_areas": ["社会救助", "公共资源配置"],
    "proposals": 121,
    "open_days": 5,
    "gazette_issues": 6,
    "gazette_documents": 41,
    "website_columns": ["惠企政策专区"],
    "villages": 188,
    "notice_boards": 203,
}


def _with(example: str, **facts: Any) -> Report:
    report = load_report(EXAMPLES / example)
    data = report.model_dump(mode="json")
    data["facts"] = {**data["facts"], **facts}
    return Report.model_validate(data)


def _county(area: dict[str, Any] | None = None) -> Report:
    # the area's facts alone: the example's engagement counts (在线访谈6期 …) are left out
    return _with("county-gov-2023.yaml", area=COUNTY_AREA if area is None else area, engagement={})


def _drafted(report: Report) -> Report:
    texts = draft_offline(report)
    return report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})


# --- drafting: one clause each, in its sub-part, once ----------------------------------------


def test_each_area_fact_becomes_one_clause_in_its_sub_part() -> None:
    report = _county()
    texts = draft_offline(report)
    text = "\n".join(texts.values())
    expected = {
        "overview_proactive": ("社会救助、公共资源配置", "政府开放日活动5次"),
        "other_matters": ("121件",),
        "overview_platform": ("政府公报", "6期", "41件", "“惠企政策专区”", "188个", "203个"),
    }
    for section, clauses in expected.items():
        for clause in clauses:
            assert clause in texts[section], (section, clause, texts[section])
            assert text.count(clause) == 1, clause
    sheet = build_fact_sheet(report)
    assert all(unmatched_numbers(t, sheet) == [] for t in texts.values())
    # each count is read as said of its own fact, even beside the clerk's channel 村务公开栏
    data = claim_data(report)
    bound = {c.subject for t in texts.values() for c in bound_claims(find_claims(t), data)}
    assert {"proposals", "open_days", "gazette_issues", "gazette_documents"} <= bound
    assert {"villages", "notice_boards"} <= bound
    assert review_report(_drafted(report)) == []


def test_a_township_reports_its_villages_and_notice_boards_in_its_own_voice() -> None:
    meta = Meta(
        agency="梅溪镇人民政府", level="乡镇（街道）", region="浙江省湖州市安吉县", report_year=2023
    )
    area = {"key_areas": ["惠农补贴", "低保和特困供养"], "villages": 17, "notice_boards": 19}
    report = Report(meta=meta, facts={"proactive_total": 64, "area": area})
    texts = draft_offline(report)
    assert "惠农补贴、低保和特困供养" in texts["overview_proactive"]
    platform = texts["overview_platform"]
    assert "17个" in platform and "19个" in platform and "居务" in platform
    assert unmatched_numbers(platform, build_fact_sheet(report)) == []


def test_an_area_fact_not_reported_writes_nothing() -> None:
    plain = draft_offline(_county(area={}))
    assert plain == draft_offline(_county(area={"proposals": None, "website_columns": []}))
    text = "".join(plain.values())
    for phrase in (
        "社会救助",
        "提案办理",
        "开放日",
        "政府公报",
        "居务公开",
        "或改版",
        "惠企政策专区",
    ):
        assert phrase not in text, phrase


def test_a_key_area_already_counted_as_a_category_is_not_told_twice() -> None:
    # county-gov-2023 has the category 重大建设项目 (95 条)
    texts = draft_offline(_county(area={"key_areas": ["重大建设项目", "生态环境"]}))
    proactive = texts["overview_proactive"]
    assert proactive.count("重大建设项目") == 1 and "重大建设项目95条" in proactive
    assert "生态环境" in proactive


@pytest.mark.parametrize("seed_name", ["德清县人民政府", "湖州市吴兴区人民政府", "湖州市人民政府"])
def test_phrasings_vary_by_agency_and_stay_deterministic(seed_name: str) -> None:
    report = _county()
    report = report.model_copy(
        update={"meta": report.meta.model_copy(update={"agency": seed_name})}
    )
    assert draft_offline(report) == draft_offline(report)


def test_the_area_clauses_differ_between_agencies() -> None:
    platforms = set()
    for name in ("德清县人民政府", "安吉县人民政府", "长兴县人民政府", "海盐县人民政府",
                 "嘉善县人民政府", "桐乡市人民政府"):  # fmt: skip
        report = _county()
        meta = report.meta.model_copy(update={"agency": name})
        platform = draft_offline(report.model_copy(update={"meta": meta}))["overview_platform"]
        platforms.add(platform.split("政府公报")[0][-12:] + platform.split("41件")[0][-6:])
    assert len(platforms) >= 2


# --- claims: every new number bound to its subject --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "公开人大代表建议和政协提案办理结果121件。",
        "全年编印政府公报6期，共刊登文件41件。",
        "举办政府开放日活动5次。",
        "村务、居务公开覆盖村居188个，政务、村务公开栏共设置203个。",
    ],
)
def test_the_area_counts_in_their_place_pass(text: str) -> None:
    report = _county()
    assert [c.text for c in ungrounded_claims(text, build_fact_sheet(report))] == []


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("公开人大代表建议和政协提案办理结果41件。", "41"),
        ("全年编印政府公报41期，共刊登文件6件。", "41"),
        ("举办政府开放日活动6次。", "6"),
        ("村务、居务公开覆盖村居203个，政务、村务公开栏共设置203个。", "203"),
        ("设置公开栏188个，用于公开政务和村务、居务。", "188"),
        ("政府公报刊登文件121件。", "121"),
    ],
)
def test_a_wrong_area_count_is_caught(text: str, wrong: str) -> None:
    report = _county()
    assert wrong in guard_flags(report, text)
    found = p01_findings(report, "overview_platform", text)
    assert found and any(f.severity == "error" for f in found), found


# --- the question bank: asked of the levels that report it -------------------------------------


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


def _asked(bank: QuestionBank, level: str) -> set[str]:
    report = Report(meta=Meta(agency="某某单位", level=level, report_year=2023))
    report = qs.apply_answer(bank, report, "area_gate", "是") if level != "县级部门" else report
    return {q.id for q in qs.applicable_questions(bank, report)}


def test_the_area_questions_are_asked_by_level(bank: QuestionBank) -> None:
    government = {"area_gate", "key_areas", "proposals", "open_days", "gazette_issues",
                  "gazette_documents", "website_columns"}  # fmt: skip
    villages = {"villages", "notice_boards"}
    assert not (government | villages) & _asked(bank, "县级部门")
    assert government <= _asked(bank, "市级政府") and not villages & _asked(bank, "市级政府")
    assert government | villages <= _asked(bank, "区县政府")
    town = _asked(bank, "乡镇（街道）")
    assert {"area_gate", "key_areas"} | villages <= town
    assert not {"proposals", "gazette_issues", "website_columns"} & town
    for qid in (government | villages) - {"area_gate"}:
        question = bank.get(qid)
        assert question.gate == "area_gate" and question.optional
        assert all(path.startswith("facts.area.") for path in question.fills)


def test_answers_fill_the_area_and_no_at_the_gate_leaves_it_empty(bank: QuestionBank) -> None:
    report = Report(meta=Meta(agency="某某县人民政府", level="区县政府", report_year=2023))
    yes = qs.apply_answer(bank, report, "area_gate", "是")
    yes = qs.apply_answer(bank, yes, "key_areas", "财政预决算、社会救助")
    yes = qs.apply_answer(bank, yes, "gazette_issues", "十二")
    yes = qs.apply_answer(bank, yes, "proposals", "")
    area = yes.facts.area
    assert area.key_areas == ["财政预决算", "社会救助"] and area.gazette_issues == 12
    assert area.proposals is None
    with pytest.raises(qs.AnswerError):
        qs.apply_answer(bank, yes, "villages", "很多")
    no = qs.apply_answer(bank, report, "area_gate", "否")
    assert no.facts.area == type(no.facts.area)()
    assert not {"key_areas", "proposals"} & {q.id for q in qs.applicable_questions(bank, no)}


def test_a_question_asked_of_more_levels_than_its_gate_is_refused(tmp_path: Path) -> None:
    text = (ROOT / "schemas" / "questions.yaml").read_text(encoding="utf-8")
    marker = "    levels: [区县政府, 乡镇（街道）]\n    prompt: 有多少个村"
    assert marker in text
    bad = text.replace(marker, "    levels: [县级部门]\n    prompt: 有多少个村")
    path = tmp_path / "q.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(BankError, match=r"villages.*超出了它的闸门 area_gate"):
        load_bank(path)
    path.write_text(text.replace(marker, "    levels: [某某层级]\n    prompt: 有多少个村"), "utf-8")
    with pytest.raises(BankError, match="levels"):
        load_bank(path)


# --- the data file ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_area_round_trips_through_the_data_file(fmt: str) -> None:
    report = _county()
    back = parse_report(dump_report(report, fmt), f"r.{fmt}")
    assert back.facts.area == report.facts.area
    assert back.facts.area.key_areas == ["社会救助", "公共资源配置"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("proposals", -1), ("villages", "许多"), ("key_areas", ["x" * 61]), ("nearby", 3)],
)
def test_a_bad_area_value_is_refused(field: str, value: Any) -> None:
    data = _county().model_dump(mode="json")
    data["facts"]["area"] = {field: value}
    with pytest.raises(ValueError):
        Report.model_validate(data)


def test_every_area_field_is_in_the_model() -> None:
    from draftbot.model import AreaWork

    assert tuple(AreaWork.model_fields) == AREA_FIELDS + GOVERNMENT_COUNTS
    assert all(info.description for info in AreaWork.model_fields.values())
