"""The claim layer (issue 11): what a sentence claims, what is not a quantity, grounding
against the data, the labelled corpus, and the guard over real HTTP against the fake server."""

from __future__ import annotations

import io
import sys
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from draftbot.checks import check_report
from draftbot.claims import claim_data, find_claims, ground, non_quantities
from draftbot.config import Settings
from draftbot.datafile import load_report
from draftbot.drafting import apply_draft, draft_report
from draftbot.drafting.guard import ungrounded_claims
from draftbot.facts import build_fact_sheet
from draftbot.model import Report
from draftbot.review import review_report
from draftbot.word import build_docx
from fake_openai import FakeOpenAI, normal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from claims_eval import GOAL_FALSE_ALARMS, GOAL_MISSES, evaluate, load_corpus  # noqa: E402


@pytest.fixture(scope="module")
def busy() -> Report:
    return load_report(ROOT / "examples" / "busy-2023.yaml")


def _claims(text: str) -> list[tuple[str, str | None, str]]:
    return [(c.text, c.subject, c.scope) for c in find_claims(text)]


# --- what is not a quantity ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("按照某政办发〔2023〕14号文件要求", "文号"),
        ("依据国办公开办函[2021]30号", "文号"),
        ("国务院令第711号", "文号"),
        ("拨打12345政务服务便民热线", "热线"),
        ("畅通12336热线", "热线"),
        ("在20个工作日内答复", "法定期限"),
        ("60日内申请行政复议", "法定期限"),
        ("6个月内提起行政诉讼", "法定期限"),
        ("联系电话0572-5000000", "电话"),
        ("邮编313300", "邮编"),
        ("提供7×24小时服务", "固定用语"),
        ("推进一件事一次办", "固定用语"),
        ("深化最多跑一次改革", "固定用语"),
        ("围绕十四五规划", "固定用语"),
        ("学习贯彻二十大精神", "固定用语"),
        ("实现100%覆盖", "固定用语"),
        ("更新率达到百分之百", "固定用语"),
        ("统计期为2023年1月1日至12月31日", "时间"),
        ("自2019年新修订的条例施行以来", "时间"),
        ("依据第二十条", "序号"),
        ("从以下三个方面推进", "枚举"),
        ("一是加强领导", "序号"),
    ],
)
def test_non_quantities_are_recognised_and_give_no_claim(text: str, kind: str) -> None:
    assert kind in {n.kind for n in non_quantities(text)}
    assert find_claims(text) == []


def test_a_fixed_phrase_never_eats_part_of_a_number() -> None:
    assert [c.text for c in find_claims("增长3100%，覆盖率100%")] == ["3100%"]


def test_an_article_one_is_not_a_count() -> None:
    assert find_claims("年内开展一次专项检查，安排一名同志负责") == []
    (one,) = find_claims("本年收到一件申请")  # but one application is a count
    assert one.value == 1


# --- claims ---------------------------------------------------------------------------------


def test_subjects_scopes_and_approximate_forms() -> None:
    assert _claims("本年新收申请30件，较上年增加4件，增长15.4%。") == [
        ("30", "new_received", "本年"),
        ("4", "new_received", "同比"),
        ("15.4%", "new_received", "同比"),
    ]
    assert _claims("上年结转政府信息公开申请2件") == [("2", "carried_over", "本年")]
    assert _claims("予以公开及部分公开17件") == [("17", "granted_or_partial", "本年")]
    (approx,) = find_claims("收到申请三四件")
    assert approx.reading.approximate and (approx.reading.low, approx.reading.high) == (3, 4)
    (share,) = find_claims("新收申请中自然人提出的占七成以上")
    assert (share.subject, share.part_subject, share.scope) == (
        "new_received", "natural_person", "占比",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("受理群众咨询四十二宗", 42, "宗"), ("答复来信七十二封", 72, "封"), ("走访企业二十三户", 23, "户"),
     ("组织九十九位干部", 99, "位"), ("设立专区三十六处", 36, "处"), ("发放资料两千余册", 2000, "册"),
     ("效率提高三倍", 3, "倍"), ("在17个村设立公开栏", 17, "个村"), ("受理申请⑨件", 9, "件")],
)  # fmt: skip
def test_any_measure_word_makes_a_quantity(text: str, value: int, unit: str) -> None:
    (claim,) = find_claims(text)
    assert (claim.value, claim.unit) == (value, unit)


# --- grounding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "verdicts"),
    [
        ("部分公开4件", ["grounded"]),
        ("本年新收申请32件", ["contradicts"]),  # 30 new + 2 carried over is not 新收
        ("共受理申请32件（含上年结转2件）", ["grounded", "grounded"]),
        ("结转下年度继续办理2件", ["contradicts"]),  # 2 is last year's carry-over
        ("部分公开3件", ["contradicts"]),  # 3 is the carry-forward: another meaning
        ("本年新收申请30件，较上年增加5件", ["grounded", "contradicts"]),
        ("主动公开政府信息215条，同比增长19.4%", ["grounded", "grounded"]),
        ("主动公开政府信息215条，同比增长19.5%", ["grounded", "contradicts"]),
        ("规划批前公示和批后公告96条，占主动公开信息总数的44.7%", ["grounded", "grounded"]),
        ("予以公开13件，占办结总数的46%", ["grounded", "contradicts"]),
        ("受理群众咨询三宗", ["unexplained"]),  # 3 is in the data, but not as 宗
        ("全年主动公开信息二百余条", ["grounded"]),
        ("全年主动公开信息三百余条", ["contradicts"]),
    ],
)
def test_grounding_against_the_busy_example(busy: Report, text: str, verdicts: list[str]) -> None:
    data = claim_data(busy)
    assert [ground(c, data) for c in find_claims(text)] == verdicts


@pytest.fixture(scope="module")
def county() -> Report:
    """表四: 行政复议 维持5、纠正1、尚未审结1; 行政诉讼 (直接起诉) 维持2."""
    return load_report(ROOT / "examples" / "county-gov-2023.yaml")


@pytest.mark.parametrize(
    ("text", "subjects", "verdicts"),
    [
        (
            "行政复议案件中，维持5件、纠正1件、尚未审结1件。",
            ["review_maintained", "review_corrected", "review_pending"],
            ["grounded"] * 3,
        ),
        (
            "行政复议案件中，维持1件、纠正5件、尚未审结1件。",
            ["review_maintained", "review_corrected", "review_pending"],
            ["contradicts", "contradicts", "grounded"],
        ),
        # the case named last before the outcome decides whose outcome it is
        (
            "行政复议7件，其中结果维持5件；行政诉讼2件，维持2件。",
            ["review", "review_maintained", "litigation", "litigation_maintained"],
            ["grounded"] * 4,
        ),
        (
            "行政复议7件，其中结果维持5件；行政诉讼2件，维持1件。",
            ["review", "review_maintained", "litigation", "litigation_maintained"],
            ["grounded", "grounded", "grounded", "contradicts"],
        ),
        (
            "行政诉讼中，未经复议直接起诉2件、复议后起诉1件。",
            ["litigation_direct", "litigation_after_review"],
            ["grounded", "contradicts"],
        ),
        ("涉及政府信息公开的行政诉讼，以其他方式结案1件。", ["litigation_other"], ["contradicts"]),
    ],
)
def test_outcomes_of_review_and_litigation_are_read_for_their_case(
    county: Report, text: str, subjects: list[str], verdicts: list[str]
) -> None:
    data = claim_data(county)
    claims = find_claims(text)
    assert [c.subject for c in claims] == subjects
    assert [ground(c, data) for c in claims] == verdicts


def test_the_guard_names_the_clause_and_what_the_data_says(busy: Report) -> None:
    (item,) = ungrounded_claims("本年依法答复，部分公开3件。", build_fact_sheet(busy))
    assert item.describe() == "“部分公开3件”中的“3”（表三 （二）部分公开（总计）为 4）"


def test_the_guard_sums_parts_in_brackets(busy: Report) -> None:
    text = "主动公开政府信息215条（其中规划公示96条、土地征收信息150条）。"
    named = [i.text for i in ungrounded_claims(text, build_fact_sheet(busy))]
    assert "150" in named


# --- the labelled corpus ------------------------------------------------------------------------


def test_the_corpus_meets_the_goals() -> None:
    corpus = load_corpus()
    assert len(corpus["legitimate"]) >= 150 and len(corpus["wrong"]) >= 80
    legitimate_kinds = {e["kind"] for e in corpus["legitimate"]}
    assert {"文号", "条款", "枚举", "电话", "邮编", "热线", "法定期限", "固定用语", "时间",
            "表二", "表三", "表四", "事实"} <= legitimate_kinds  # fmt: skip
    wrong_kinds = {e["kind"] for e in corpus["wrong"]}
    assert {"错误单元格", "他处的数", "占比", "同比", "分项之和", "量词", "约数"} <= wrong_kinds
    result = evaluate(corpus)
    assert result.guard_false_alarms.rate <= GOAL_FALSE_ALARMS, result.guard_false_alarms.failed
    assert result.guard_misses.rate <= GOAL_MISSES, result.guard_misses.failed
    assert result.review_false_alarms.rate <= GOAL_FALSE_ALARMS, result.review_false_alarms.failed
    assert result.review_misses.rate <= GOAL_MISSES, result.review_misses.failed


# --- the review: false alarms of the issue fixed, misses caught --------------------------------


def _review(report: Report, text: str) -> list[str]:
    narrative = report.narrative.model_copy(update={"overview_on_request": text})
    found = review_report(report.model_copy(update={"narrative": narrative}))
    return [f.message for f in found if f.code == "P-01"]


@pytest.mark.parametrize(
    "text",
    [
        "予以公开及部分公开17件。",
        "推进“一件事一次办”改革。",
        "本年制发行政规范性文件3件，废止行政规范性文件1件。",
        "按照国办发〔2019〕60号文件要求，依法答复申请。",
        "对申请人在20个工作日内予以答复。",
        # eleven items counted on: 十一是 follows 十是
        "一是建台账；二是定流程；三是审信息；四是改指南；五是调目录；六是清文件；七是建专区；"
        "八是管账号；九是办培训；十是抓考核；十一是促整改。",
    ],
)
def test_review_false_alarms_of_the_issue_stay_quiet(busy: Report, text: str) -> None:
    assert _review(busy, text) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("主动公开政府信息215条，同比增长19.5%。", "按本年 215、上年 180 计算，变化幅度应为 19.4%"),
        ("主动公开政府信息215条（其中规划公示96条、土地征收信息150条）。", "96 + 150 = 246条，多于总数"),
        ("主动公开政府信息215条，其中：规划公示96条；土地征收信息150条。", "96 + 150 = 246条"),
        ("一是加强领导；三是完善制度。", "列举序号跳过了序号"),
        ("一是加强领导；二是完善制度；二是强化培训。", "列举序号重复"),
        ("受理群众咨询四十二宗。", "“四十二宗”在表格和填报数据中找不到来源"),
    ],
)  # fmt: skip
def test_review_catches_what_the_issue_lists(busy: Report, text: str, fragment: str) -> None:
    assert any(fragment in m for m in _review(busy, text)), _review(busy, text)


def test_the_same_quantity_given_two_values_in_one_report(busy: Report) -> None:
    narrative = busy.narrative.model_copy(
        update={
            "overview_proactive": "发布政策解读6条。",
            "overview_supervision": "发布政策解读8条。",
        }
    )
    found = review_report(busy.model_copy(update={"narrative": narrative}))
    assert any("同一个数前后不一致" in f.message for f in found)


# --- the guard over real HTTP ------------------------------------------------------------------

LEGITIMATE = {
    "share of two table numbers": "规划批前公示和批后公告96条，占主动公开信息总数的44.7%。",
    "hotline": "群众可拨打12345政务服务便民热线咨询。",
    "statutory period": "所有申请均在20个工作日内予以答复。",
    "document number": "按照某政办发〔2023〕14号文件要求，细化年度任务。",
    "ascii brackets": "依据国办公开办函[2021]30号规定的格式编制本报告。",
    "fixed phrase": "政务服务热线实行7×24小时人工服务，重点领域公开实现100%覆盖。",
    "phone": "联系电话：0572-5000000。",
    "year": "自2019年新修订的《条例》施行以来，本机关持续完善制度。",
    "slogan": "推进“一件事一次办”，深化“最多跑一次”改革，贯彻党的二十大精神。",
    "enumeration": "主要从以下三个方面开展工作，开展一次全面自查。",
    "periods": "申请人可在60日内申请行政复议，或者6个月内提起行政诉讼。",
}
UNLISTED = {
    "宗": "受理群众咨询四十二宗。",
    "封": "答复群众来信七十二封。",
    "户": "走访企业二十三户。",
    "位": "组织九十九位干部参加学习。",
    "处": "设立政务公开专区三十六处。",
    "册": "发放宣传资料两千余册。",
    "倍": "信息发布效率提高三倍。",
    "circled digit": "本年收到申请⑨件。",
}
GOOD = "本年主动公开政府信息215条，发布政策解读6条。"


def llm_settings(fake: FakeOpenAI, tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        llm_base_url=fake.base_url,
        llm_model="fake-model",
        llm_api_key="sk-test",
        llm_timeout=30.0,
        llm_retries=0,
        cache_dir=tmp_path / "cache",
    )


@pytest.mark.parametrize("text", LEGITIMATE.values(), ids=LEGITIMATE.keys())
def test_legitimate_model_text_is_accepted_at_once(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report, text: str
) -> None:
    fake_openai.default = normal(text)
    outcome = draft_report(busy, llm_settings(fake_openai, tmp_path), sections=["主动公开"])
    draft = outcome.sections["overview_proactive"]
    assert (draft.source, draft.text, draft.findings) == ("fake-model", text, [])
    assert fake_openai.calls == 1


@pytest.mark.parametrize("text", UNLISTED.values(), ids=UNLISTED.keys())
def test_invented_numbers_with_any_measure_word_never_reach_the_docx(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report, text: str
) -> None:
    fake_openai.default = normal(GOOD + text)
    outcome = draft_report(busy, llm_settings(fake_openai, tmp_path), sections=["主动公开"])
    draft = outcome.sections["overview_proactive"]
    assert fake_openai.calls == 2  # re-asked once, naming the clause
    assert text.rstrip("。") in fake_openai.requests[1].messages[-1]["content"]
    # the rest reads well: only the offending sentence is removed, with a finding quoting it
    assert (draft.source, draft.text) == ("fake-model", GOOD)
    assert [f.code for f in draft.findings] == ["D-01"]
    assert text.rstrip("。") in draft.findings[0].message
    exported = docx.Document(io.BytesIO(build_docx(apply_draft(busy, outcome), force=True).data))
    assert text.rstrip("。") not in "\n".join(p.text for p in exported.paragraphs)


def test_a_wrong_value_that_exists_elsewhere_is_re_asked(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report
) -> None:
    fake_openai.script(
        normal("本年予以公开13件，部分公开3件。"), normal("本年予以公开13件，部分公开4件。")
    )
    outcome = draft_report(busy, llm_settings(fake_openai, tmp_path), sections=["依申请公开"])
    assert outcome.sections["overview_on_request"].text == "本年予以公开13件，部分公开4件。"
    reask = fake_openai.requests[1].messages[-1]["content"]
    assert "“部分公开3件”中的“3”（表三 （二）部分公开（总计）为 4）" in reask


def test_a_number_a_person_typed_is_reported_by_check(busy: Report) -> None:
    narrative = busy.narrative.model_copy(update={"overview_proactive": "走访企业二十三户。"})
    findings = check_report(busy.model_copy(update={"narrative": narrative}))
    assert any(f.code == "P-01" and "二十三户" in f.message for f in findings)


def test_claim_values_are_decimals(busy: Report) -> None:
    (claim,) = find_claims("行政事业性收费12.5万元")
    assert claim.value == Decimal("12.5") and ground(claim, claim_data(busy)) == "grounded"


# --- the other false alarms of the issue ---------------------------------------------------------


def test_a_zone_type_unit_may_say_quan_qu(busy: Report) -> None:
    def p04(agency: str) -> list[str]:
        meta = busy.meta.model_copy(update={"agency": agency})
        narrative = busy.narrative.model_copy(
            update={"overview_intro": "全区政务公开工作稳步推进。"}
        )
        updated = busy.model_copy(update={"meta": meta, "narrative": narrative})
        return [f.code for f in review_report(updated) if f.code == "P-04"]

    assert p04("安吉县自然资源和规划局") == ["P-04"]  # a county bureau: 全区 is the wrong level
    for agency in (
        "安吉县某某综合实验区管理委员会",
        "安吉县某某新区管委会",
        "安吉县经济开发区管委会",
    ):
        assert p04(agency) == []


def test_an_offices_own_mailbox_is_not_personal_data(busy: Report) -> None:
    def p08(text: str) -> list[str]:
        narrative = busy.narrative.model_copy(update={"other_matters": text})
        found = review_report(busy.model_copy(update={"narrative": narrative}))
        return [f.code for f in found if f.code == "P-08"]

    assert p08("本年未收取信息处理费。联系邮箱：ajzrgh@163.com。") == []
    assert p08("本年未收取信息处理费。申请人通过 wang.wu@163.com 提交申请。") == ["P-08"]


def test_a_2019_format_report_is_not_asked_about_the_information_fee(examples_dir: Path) -> None:
    seed = load_report(examples_dir / "seed-2022.yaml")
    meta = seed.meta.model_copy(update={"report_year": 2020, "format_version": "2019"})
    report = seed.model_copy(update={"meta": meta})
    assert report.format_version == "2019"
    narrative = report.narrative.model_copy(update={"other_matters": "无其他需要报告的事项。"})
    found = review_report(report.model_copy(update={"narrative": narrative}))
    assert not [f for f in found if "信息处理费" in f.message]
    busy = load_report(examples_dir / "busy-2023.yaml")
    narrative = busy.narrative.model_copy(update={"other_matters": "无其他需要报告的事项。"})
    found = review_report(busy.model_copy(update={"narrative": narrative}))
    assert [f for f in found if "信息处理费" in f.message]


def test_english_model_text_falls_back(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report
) -> None:
    settings = llm_settings(fake_openai, tmp_path)
    fake_openai.default = normal(
        "In 2023 the bureau proactively disclosed 215 items of government information online."
    )
    draft = draft_report(busy, settings, sections=["主动公开"]).sections["overview_proactive"]
    assert draft.source == "offline"
    assert [f.code for f in draft.findings] == ["D-02"]
    assert "模型用英文写了这一段" in draft.findings[0].message


def test_traditional_characters_get_a_finding(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report
) -> None:
    settings = llm_settings(fake_openai, tmp_path)
    traditional = "本年主動公開政府信息215條，發布政策解讀6條，進一步規範公開工作。"
    fake_openai.default = normal(traditional)
    draft = draft_report(busy, settings, sections=["主动公开"]).sections["overview_proactive"]
    assert (draft.source, draft.text) == ("fake-model", traditional)
    assert [f.code for f in draft.findings] == ["D-04"]
