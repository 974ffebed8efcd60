"""Offline drafts that read like good real reports: the agency's own voice, each fact once,
no zero rows, no claims of work nobody reported, stable variety, offline 修改要求."""

from __future__ import annotations

import io
import re
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from changed import example
from draftbot.config import Settings
from draftbot.datafile import load_report
from draftbot.drafting import draft_offline, draft_report
from draftbot.drafting.instructions import parse_offline_instruction
from draftbot.drafting.offline import render_offline
from draftbot.drafting.voice import Voice, voice_for
from draftbot.model import AgencyLevel, Report
from draftbot.review import review_report
from draftbot.word import build_docx

_report = partial(example, "busy-2023.yaml")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# Stock phrases that claim work; none may appear unless the clerk reported that work.
CLAIM_PHRASES = (
    "相关信息已按规定公开",
    "自觉接受社会公众监督",
    "接受社会监督",
    "公开前进行审查",
    "保密审查",
    "三审三校",
    "领导小组",
    "培训",
    "考核",
    "评议",
    "专栏",
    "新媒体",
    "公众号",
    "目录",
    "指南",
    "清理",
    "及时、准确",
    "高度重视",
    "成效",
    "不断完善",
    # 决策公开、政民互动、建议提案 (facts.engagement, i12-gov): only where the clerk counted it
    "征求意见",
    "列席",
    "留言",
    "人大代表建议",
    "政协提案",
    "决策公开",
    "政民互动",
    "热线",  # 12345热线、在线访谈 (i12-gov2)
    "访谈",
    # counted government work (i12-gov3): only what the clerk counted
    "源头认定",
    "公开属性",
    "议题",
    "监测检查",
    "整改问题",
    "关停整合",
    "分解任务",
    "报送的年度报告",
    # the purpose or manner of a reported practice (i12-length): only beside that practice
    "审查关",
    "不应公开的内容",
    "申请的渠道和办理流程",
    "查找主动公开",
    "不同渠道获取",
    "互为补充",
    "就近查阅",
    "统一查阅",
    "传播范围",
    "常用的方式推送",
    "不便上网",
    "依法公开的能力",
    "业务水平",
    "以监督促落实",
    "压实政务公开",
    "以通报促进",
    # how the work is organised (facts.organisation): only what the clerk reported
    "任组长",
    "担任",
    "专兼职",
    "工作人员",
    "专题研究",
    "常务会议",
    "班子会议",
    "工作要点",
    "统筹",
    "统一部署",
    "全年工作任务",
    # the area's work (facts.area: governments and 乡镇): only where the clerk reported it
    "重点领域",
    "提案办理",
    "开放日",
    "政府公报",
    "刊登文件",
    "改版",
    "居务公开",
    "公开栏",
    "正式文本",
)


def _text(report: Report, instruction: str | None = None) -> str:
    return "\n".join(draft_offline(report, instruction=instruction).values())


# --- voice -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agency", "level", "voice"),
    [
        ("安吉县自然资源和规划局", "县级部门", Voice("我局")),
        ("湖州市发展和改革委员会", "市级部门", Voice("我委")),
        ("安吉县人民政府办公室", "县级部门", Voice("我办")),
        ("安吉县人民政府办公室", "区县政府", Voice("我办")),
        ("安吉县政务服务中心", "县级部门", Voice("我中心")),
        ("浙江省教育厅", "省级部门", Voice("我厅")),
        ("递铺镇人民政府", "乡镇（街道）", Voice("我镇")),
        ("杭垓乡人民政府", "乡镇（街道）", Voice("我乡")),
        ("昌硕街道办事处", "乡镇（街道）", Voice("本街道")),
        ("安吉县人民政府", "区县政府", Voice("县政府", "全县")),
        ("湖州市吴兴区人民政府", "区县政府", Voice("区政府", "全区")),
        ("义乌市人民政府", "区县政府", Voice("市政府", "全市")),
        ("湖州市人民政府", "市级政府", Voice("市政府", "全市")),
        ("浙江省人民政府", "省级政府", Voice("省政府", "全省")),
        ("某某工作组", "其他", Voice("本机关")),
        ("安吉县人力资源和社会保障局（安吉县医疗保障局）", "县级部门", Voice("我局")),
    ],
)
def test_voice_from_level_and_name(agency: str, level: str, voice: Voice) -> None:
    assert voice_for(agency, AgencyLevel(level)) == voice


@pytest.mark.parametrize("level", list(AgencyLevel))
def test_a_government_level_is_known_in_one_place(level: AgencyLevel) -> None:
    """`AgencyLevel.is_government` is the one answer to "is this a people's government" (the
    voice speaks for the whole area, the publishing deadline is 31 March, 列席 is asked)."""
    governments = {"区县政府", "市级政府", "省级政府"}
    assert level.is_government is (level.value in governments)
    assert bool(voice_for("某某县人民政府", level).area) is level.is_government


@pytest.mark.parametrize(
    ("agency", "level", "region", "own", "area"),
    [
        ("递铺镇人民政府", "乡镇（街道）", "浙江省湖州市安吉县", "我镇", ""),
        ("昌硕街道办事处", "乡镇（街道）", "浙江省湖州市安吉县", "本街道", ""),
        ("安吉县人民政府", "区县政府", "浙江省湖州市安吉县", "县政府", "全县"),
        ("湖州市吴兴区人民政府", "区县政府", "浙江省湖州市吴兴区", "区政府", "全区"),
        ("湖州市人民政府", "市级政府", "浙江省湖州市", "市政府", "全市"),
    ],
)
def test_drafts_speak_in_the_agencys_own_voice(
    agency: str, level: str, region: str, own: str, area: str
) -> None:
    report = _report(meta__agency=agency, meta__level=level, meta__region=region, meta__website="")
    text = _text(report)
    assert "本机关" not in text
    assert own in text
    if area:
        assert area in draft_offline(report)["overview_intro"]
    drafted = report.model_copy(
        update={"narrative": report.narrative.model_copy(update=draft_offline(report))}
    )
    assert review_report(drafted) == []


def test_the_regulation_is_defined_once_and_sentences_do_not_all_start_with_this_year() -> None:
    report = _report()
    texts = draft_offline(report)
    text = "\n".join(texts.values())
    # defined once, in the exported preamble; the prose only uses the short name
    assert "以下简称" not in text and "中华人民共和国政府信息公开条例" not in text
    drafted = report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})
    document = Document(io.BytesIO(build_docx(drafted).data))
    published = "\n".join(p.text for p in document.paragraphs)
    assert published.count("（以下简称《条例》）") == 1
    assert published.count("中华人民共和国政府信息公开条例") == 1
    sentences = [s for s in re.split(r"[。\n]", text) if s]
    assert sum(s.startswith("本年") for s in sentences) <= len(sentences) // 4


# --- clerk's notes stitched in -----------------------------------------------------------


def test_a_note_about_the_whole_area_gets_no_second_subject() -> None:
    report = _report(
        meta__agency="湖州市吴兴区人民政府",
        meta__level="区县政府",
        meta__region="浙江省湖州市吴兴区",
        facts__on_request_notes="全区统一使用依申请公开办理系统，实现登记、审核、答复全程留痕。",
    )
    text = draft_offline(report)["overview_on_request"]
    assert "全区统一使用依申请公开办理系统" in text
    assert "本机关全区" not in text and "区政府全区" not in text


@pytest.mark.parametrize(
    ("agency", "level", "note", "expected"),
    [
        ("德清县人民政府", "区县政府", "政府网站完成集约化改版。", "县政府网站完成集约化改版"),
        ("德清县人民政府", "区县政府", "政府办公室牵头清理规范性文件。", "县政府办公室牵头清理"),
        ("湖州市人民政府", "市级政府", "政府网站开通长者模式。", "市政府网站开通长者模式"),
        (
            "昌硕街道办事处",
            "乡镇（街道）",
            "街道办事处门户网页完成改版。",
            "办事处门户网页完成改版",
        ),
    ],
)
def test_a_note_opening_with_the_end_of_the_agencys_name_shares_it(
    agency: str, level: str, note: str, expected: str
) -> None:
    """The kind: a clerk's sentence that opens with a noun the agency's own name ends with
    (政府网站…, 街道办事处…) is not given that name again (县政府政府网站)."""
    texts = draft_offline(
        _report(meta__agency=agency, meta__level=level, facts__platform_notes=note)
    )
    text = "".join(texts.values())
    assert expected in text, texts["overview_platform"]
    assert not re.search(r"(政府|街道)\1", text)


def test_a_measure_starting_with_will_is_not_doubled() -> None:
    listed = _report(facts__measures=["将学校政务公开纳入年度考核", "下一步，将完善答复文书范本"])
    text = draft_offline(listed)["problems"]
    assert "将将" not in text and "将下一步" not in text
    assert "将学校政务公开纳入年度考核" in text and "完善答复文书范本" in text
    for measure in ("将学校政务公开纳入年度考核", "将完善答复文书范本", "下一步将建立台账"):
        single = draft_offline(_report(facts__measures=[measure]))["problems"]
        assert "将将" not in single and "将下一步" not in single, single
        assert measure.removeprefix("下一步").removeprefix("将")[:4] in single


def test_a_street_office_note_and_the_template_use_one_voice() -> None:
    report = _report(
        meta__agency="昌硕街道办事处",
        meta__level="乡镇（街道）",
        facts__on_request_notes="对申请内容不属于本街道掌握的，告知申请人向有关机关申请。",
        facts__management_notes="建立信息发布审核制度。",
    )
    texts = draft_offline(report)
    assert "本机关" not in "".join(texts.values())
    assert re.search(
        r"^(?:[^，。]*，)?本街道建立信息发布审核制度[。；]", texts["overview_management"]
    )
    assert re.search(
        "(?:本街道不掌握相关政府信息|所申请的信息不由本街道掌握|相关信息不属于本街道掌握的范围)",
        texts["overview_on_request"],
    )


def test_a_note_written_with_this_office_is_put_in_the_agencys_voice() -> None:
    report = _report(facts__platform_notes="本机关优化门户网站专栏设置。")
    text = draft_offline(report)["overview_platform"]
    assert "本机关" not in text and "优化门户网站专栏设置" in text
    assert re.search(r"(?:我局|[一二三四五六]是|，|；)优化门户网站专栏设置", text), text


# --- each fact once, in its place --------------------------------------------------------


def test_each_fact_is_stated_once() -> None:
    texts = draft_offline(_report())
    text = "\n".join(texts.values())
    # the totals and their change are given in （一）（二）; the opening says it in words
    assert text.count("215条") == 1 and "215条" in texts["overview_proactive"]
    assert text.count("30件") == 1 and "30件" in texts["overview_on_request"]
    assert text.count("政策解读6条") == 1 and "“政策解读”" not in text  # category = the count
    assert len(re.findall(r"培训\D{0,4}3次", text)) == 1 and "开展业务培训" not in text
    assert text.count("政务新媒体") == 1 and "政务新媒体" in texts["overview_platform"]
    assert text.count("25件") == 1 and "25件" in texts["overview_management"]
    assert text.count("废止") == 1


# Agencies whose drafts pick different phrasings of the same sentences (voice.variant).
_NAMES = [
    "安吉县自然资源和规划局", "安吉县民政局", "安吉县财政局", "安吉县水利局", "安吉县卫生健康局",
    "安吉县教育局", "安吉县统计局", "安吉县司法局", "安吉县医疗保障局", "安吉县应急管理局",
]  # fmt: skip


@pytest.mark.parametrize("name", _NAMES)
def test_the_opening_summarises_in_words_and_the_parts_give_the_figures(name: str) -> None:
    texts = draft_offline(_report(meta__agency=name))
    intro = texts["overview_intro"]
    assert re.findall(r"\d+", intro) == ["2023"], intro  # only the year
    assert "有所增加" in intro or "依申请公开" in intro
    assert "215条" in texts["overview_proactive"] and "30件" in texts["overview_on_request"]


@pytest.mark.parametrize(
    ("now", "before", "words"),
    [(215, 180, "有所增加"), (30, 26, "有所增加"), (63, 10, "大幅增加"), (12, 10, "明显增加"),
     (105, 110, "略有减少"), (10, 31, "大幅减少"), (8, 8, "持平"), (3, 0, "有所增加"),
     (5, None, "")],
)  # fmt: skip
def test_the_opening_sizes_a_change_in_words(now: int, before: int | None, words: str) -> None:
    from draftbot.drafting.offline import trend

    assert trend(now, before) == words


@pytest.mark.parametrize("name", _NAMES)
def test_the_change_on_last_year_follows_its_own_total(name: str) -> None:
    texts = draft_offline(_report(meta__agency=name))
    proactive, requests = texts["overview_proactive"], texts["overview_on_request"]
    assert re.search(
        r"政府信息(?:共计?)?215条，(?:比上年|较上年|同比|与上年相比)增加35条、增长19\.4%"
        r"|与上年相比，主动公开政府信息增加35条、增长19\.4%，全年共215条",
        proactive,
    ), proactive
    assert re.search(
        r"申请(?:共)?30件，(?:比上年|较上年|同比|与上年相比)增加4件、增长15\.4%"
        r"|新收申请数[较比]上年增加4件、增长15\.4%"
        r"|与上年相比，新收申请增加4件、增长15\.4%，全年共收到政府信息公开申请30件",
        requests,
    ), requests
    # never after a category's count, where it would read as that category's change
    assert not re.search(r"(?<!政府)(?:公告|信息|结果|解读)\d+条，(?:较|比|同比)", proactive)


@pytest.mark.parametrize("name", _NAMES)
def test_wrong_figures_in_every_phrasing_are_caught(name: str) -> None:
    """Each phrasing of the totals, their change and the outcomes is read by the claims
    check for what it claims: the draft is grounded, and the same sentence with a wrong
    figure is not."""
    from draftbot.drafting.guard import unmatched_numbers
    from draftbot.facts import build_fact_sheet

    report = _report(meta__agency=name)
    sheet = build_fact_sheet(report)
    texts = draft_offline(report)
    for key in ("overview_proactive", "overview_on_request"):
        assert unmatched_numbers(texts[key], sheet) == [], texts[key]
    wrong = {
        "overview_proactive": [("215条", "216条"), ("35条", "36条"), ("19.4%", "18.4%")],
        "overview_on_request": [
            ("30件", "31件"),
            ("4件、", "5件、"),
            ("13件", "14件"),
            ("约占办结总数的三成", "约占办结总数的六成"),
        ],
    }
    for key, swaps in wrong.items():
        for right, bad in swaps:
            assert right in texts[key], (right, texts[key])
            changed = texts[key].replace(right, bad, 1)
            assert unmatched_numbers(changed, sheet), (bad, changed)


def test_zero_rows_are_not_listed() -> None:
    report = _report(
        table3={
            "new_received": {"natural_person": 3},
            "granted": {"natural_person": 2},
            "unable_not_held": {"natural_person": 1},
        },
        table4={"litigation_direct": {"maintained": 1}},
        previous_year=None,
    )
    texts = draft_offline(report)
    text = "\n".join(texts.values())
    assert not re.search(r"(?<![\d.])0(?:件|条|次|场|个|元|万元)", text), text
    assert "部分公开" not in text and "不予公开" not in text and "复议后起诉" not in text
    assert "予以公开2件" in texts["overview_on_request"]
    reason = "(?:我局不掌握相关政府信息|所申请的信息不由我局掌握|相关信息不属于我局掌握的范围)"
    assert re.search(
        f"无法提供1件，(?:原因是|是因为){reason}|因{reason}无法提供1件",
        texts["overview_on_request"],
    )
    # the case with its count and result, in the sentence that gives it (no paragraph alone)
    assert re.search(
        r"行政诉讼(?:案件)?有?1件，(?:结果为|结果是|以)?维持", texts["overview_on_request"]
    )
    assert "\n" not in texts["overview_on_request"]


def test_outcomes_are_given_as_shares_in_words() -> None:
    """（二） gives a sizeable outcome's share of the closed applications in tenths (约三成),
    which the claims check reads against 表三; a small one gets none, nor with 不写百分比."""
    from draftbot.numbers import share_tenths as tenths

    shares = [
        tenths(8, 29),
        tenths(3, 6),
        tenths(2, 29),
        tenths(9, 10),
        tenths(1, 0),
        tenths(64, 262),
    ]
    assert shares == ["约三成", "五成", "", "九成", "", "约两成"]
    text = draft_offline(_report())["overview_on_request"]
    assert "无法提供8件，约占办结总数的三成" in text
    assert (
        "办结总数的"
        not in draft_offline(_report(), instruction="不写百分比")["overview_on_request"]
    )
    # the largest category's share of the total, where the wording names it, is checked too
    from draftbot.drafting.guard import unmatched_numbers
    from draftbot.facts import build_fact_sheet

    sheet = build_fact_sheet(_report())
    said = "主动公开政府信息215条。规划批前公示和批后公告96条，约占全部主动公开信息的四成。"
    assert unmatched_numbers(said, sheet) == []
    assert unmatched_numbers(said.replace("四成", "七成"), sheet) == ["七成"]


def test_on_request_is_summarised_not_every_reason_listed() -> None:
    text = draft_offline(_report())["overview_on_request"]
    assert re.search("法人[或和及]其他组织8件", text) and "商业企业" not in text
    assert "没有现成信息" not in text  # the minor reason of 无法提供 is not listed
    assert len(text) < 330


# --- nothing empty dressed up ------------------------------------------------------------


def test_with_every_optional_fact_empty_no_work_is_claimed() -> None:
    report = _report(facts={}, table2={}, previous_year=None, meta__website="")
    texts = draft_offline(report)
    # 五、问题 holds plans for next year, not claims of work done
    text = "\n".join(v for k, v in texts.items() if k != "problems")
    found = [phrase for phrase in CLAIM_PHRASES if phrase in text]
    assert found == [], found
    for key in (
        "overview_proactive",
        "overview_management",
        "overview_platform",
        "overview_supervision",
    ):
        assert len(texts[key]) <= 30, texts[key]
    drafted = report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})
    flagged = {f.location for f in review_report(drafted) if f.code == "P-09"}
    assert flagged == {
        "正文 · 一、总体情况 ·（一）主动公开",
        "正文 · 一、总体情况 ·（三）政府信息管理",
        "正文 · 一、总体情况 ·（四）政府信息公开平台建设",
        "正文 · 一、总体情况 ·（五）监督保障",
    }
    assert all(
        f.message == "此部分只有通用表述，建议补充具体做法"
        for f in review_report(drafted)
        if f.code == "P-09"
    )


def test_with_every_optional_fact_empty_the_tables_alone_claim_no_work() -> None:
    """The tables (documents repealed, decisions, applications) are data, not reported work:
    the opening's summary in words claims nothing from them."""
    report = _report(facts={}, previous_year=None, meta__website="")
    texts = draft_offline(report)
    text = "\n".join(v for k, v in texts.items() if k != "problems")
    assert [phrase for phrase in CLAIM_PHRASES if phrase in text] == []


# --- problems from the data --------------------------------------------------------------


def test_problems_come_from_the_data_and_differ_between_agencies() -> None:
    quiet = load_report(EXAMPLES / "seed-2022.yaml")
    quiet.facts.problems, quiet.facts.measures = [], []
    busy = _report(facts__problems=[], facts__measures=[], table4={"review": {"corrected": 1}})
    quiet_text, busy_text = draft_offline(quiet)["problems"], draft_offline(busy)["problems"]
    assert "纠正" in busy_text and "无法提供" not in busy_text
    assert "纠正" not in quiet_text
    assert quiet_text != busy_text
    assert "2024年" in busy_text and "2023年" in quiet_text


def test_a_high_share_of_unable_to_provide_is_named_as_a_problem_with_a_measure() -> None:
    report = _report(
        facts__problems=[],
        facts__measures=[],
        table3={
            "new_received": {"natural_person": 10},
            "granted": {"natural_person": 5},
            "unable_not_held": {"natural_person": 5},
        },
    )
    text = draft_offline(report)["problems"]
    assert re.search("无法提供[^。]*(?:较高|不够)", text), text
    assert "完善政府信息公开指南" in text


# --- variety that stays deterministic ----------------------------------------------------


def test_same_input_same_bytes_and_other_agencies_read_differently() -> None:
    one = _report()
    assert draft_offline(one) == draft_offline(one.model_copy(deep=True))
    names = ["安吉县交通运输局", "安吉县民政局", "安吉县财政局", "安吉县水利局", "安吉县卫生健康局"]
    openings = {draft_offline(_report(meta__agency=n))["overview_intro"][:30] for n in names}
    assert len(openings) >= 3


# --- offline instructions ----------------------------------------------------------------


def test_offline_instructions_change_the_text() -> None:
    report = _report()
    plain = draft_offline(report)
    brief = draft_offline(report, instruction="更简洁")
    assert sum(map(len, brief.values())) < sum(map(len, plain.values()))
    assert "%" in "".join(plain.values())
    assert "%" not in "".join(draft_offline(report, instruction="不写百分比").values())
    no_change = "".join(draft_offline(report, instruction="不写同比").values())
    assert "比上年" not in no_change and "较上年" not in no_change
    detailed = draft_offline(report, instruction="更详细")["overview_on_request"]
    assert "没有现成信息、需要另行制作1件" in detailed
    assert len(detailed) > len(plain["overview_on_request"])


@pytest.mark.parametrize(
    ("instruction", "applied", "ignored"),
    [
        ("更简洁，不要写百分比", ("更简洁", "不写百分比"), ""),
        ("不写百分比和同比", ("不写百分比", "不写同比"), ""),
        ("语气更正式一些", (), "语气更正式一些"),
        ("更简洁，突出乡村振兴", ("更简洁",), "突出乡村振兴"),
    ],
)
def test_what_the_offline_drafter_makes_of_an_instruction(
    instruction: str, applied: tuple[str, ...], ignored: str
) -> None:
    parsed = parse_offline_instruction(instruction)
    assert parsed.applied == applied
    assert parsed.ignored == ignored
    message = parsed.message()
    if ignored:
        assert f"“{ignored}”离线模板无法处理" in message
    if applied:
        assert "离线模板已按修改要求处理：" + "、".join(applied) in message


def test_an_instruction_drafted_offline_says_what_was_applied() -> None:
    outcome = draft_report(
        _report(), Settings(_env_file=None), sections=["problems"], instruction="更简洁，突出亮点"
    )
    notes = [f for f in outcome.findings if f.code == "D-05"]
    assert len(notes) == 1
    assert "已按修改要求处理：更简洁" in notes[0].message
    assert "“突出亮点”离线模板无法处理" in notes[0].message
    assert render_offline(_report(), instruction="更简洁").instruction.applied == ("更简洁",)


def test_this_office_in_a_note_follows_the_drafts_voice_throughout() -> None:
    report = _report(
        meta__agency="昌硕街道办事处",
        meta__level="乡镇（街道）",
        facts__on_request_notes="对不属于本机关掌握的信息，告知申请人有关机关的联系方式。",
    )
    text = draft_offline(report)["overview_on_request"]
    assert "对不属于本街道掌握的信息" in text and "本机关" not in text


# --- the LLM prompts follow the same rules -----------------------------------------------


def test_the_model_is_told_the_agencys_voice_and_the_drafting_rules(
    fake_openai: Any, tmp_path: Path
) -> None:
    from fake_openai import normal

    fake_openai.default = normal("我镇依照《条例》管理政府信息。")
    report = _report(meta__agency="递铺镇人民政府", meta__level="乡镇（街道）", meta__website="")
    settings = Settings(
        _env_file=None,
        llm_base_url=fake_openai.base_url,
        llm_model="fake-model",
        llm_timeout=60.0,  # not the subject: generous for a loaded machine
        cache_dir=tmp_path / "cache",
    )
    draft_report(report, settings, sections=["overview_intro", "overview_management"])
    by_section = {
        ("intro" if "一、总体情况\n" in r.prompt_text else "management"): r
        for r in fake_openai.requests
    }
    system = by_section["management"].messages[0]["content"]
    assert "本机关自称“我镇”" in system and "不要写“本机关”" in system
    assert "正文各部分（包括导语）一律直接写《条例》" in system
    assert "件数为 0 的项目不写" in system and "相关信息已按规定公开" in system
    assert "本机关" not in system.split("写作要求")[0]
    intro = by_section["intro"].messages[1]["content"]
    assert "以“我镇”为主语" in intro and "不写条数、件数" in intro
    management = by_section["management"].messages[1]["content"]
    assert "没有素材时只写一句简短、真实的话" in management


# --- structured practices: one concrete clause each, in its own sub-part ----------------


def test_each_practice_becomes_one_clause_in_its_sub_part() -> None:
    from draftbot.drafting.guard import unmatched_numbers
    from draftbot.facts import build_fact_sheet

    report = _report(
        facts__practices={
            "interpretation_forms": ["图解", "问答"],
            "responses": 12,
            "review_methods": ["保密审查", "三审三校"],
            "updated_guides": ["政府信息公开指南"],
            "new_media_accounts": 3,
            "reading_points": 2,
            "trained_people": 86,
            "supervision_methods": ["纳入年度绩效考核", "社会评议", "责任追究"],
            "circulars": 4,
        }
    )
    texts = draft_offline(report)
    expected = {
        "overview_proactive": ("图解、问答", "回应社会关切12次"),
        "overview_management": ("保密审查、三审三校", "政府信息公开指南"),
        "overview_platform": ("政务新媒体账号3个", "政府信息公开查阅点2个"),
        "overview_supervision": (
            "3次、参训86人次",
            "将政务公开工作纳入年度绩效考核",
            "社会评议",
            "落实责任追究",
            "工作4次",
        ),
    }
    text = "\n".join(texts.values())
    for section, clauses in expected.items():
        for clause in clauses:
            assert clause in texts[section], (section, clause, texts[section])
            assert text.count(clause) == 1
    sheet = build_fact_sheet(report)
    assert all(unmatched_numbers(t, sheet) == [] for t in texts.values())


def test_a_practice_not_reported_writes_nothing() -> None:
    plain = draft_offline(_report())
    skipped = draft_offline(_report(facts__practices={"responses": None, "review_methods": []}))
    assert plain == skipped
    assert "回应社会关切" not in "".join(plain.values())
