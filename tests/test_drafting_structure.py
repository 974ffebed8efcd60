"""The structure of offline drafts: each work said once, the opening in the report's order,
each section's skeleton (topic, total, categories, work), purpose clauses with their fact;
and review P-12, which finds one work stated twice in a sub-part of any text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from draftbot.datafile import load_report
from draftbot.drafting import draft_offline
from draftbot.drafting.offline import distinct, same_work
from draftbot.model import AgencyLevel, Narrative, Report
from draftbot.review import review_report

NAMES = [
    f"{p}市{k}" for p in ("湖州", "嘉兴", "绍兴", "台州") for k in ("民政局", "教育局", "统计局")
]


@pytest.fixture
def busy(examples_dir: Path) -> Report:
    return load_report(examples_dir / "busy-2023.yaml")


def _as(report: Report, agency: str, **facts: object) -> Report:
    meta = report.meta.model_copy(update={"agency": agency})
    return report.model_copy(update={"meta": meta, "facts": report.facts.model_copy(update=facts)})


def test_same_work_names_one_work_once() -> None:
    assert same_work(
        "落实公开前保密审查，未经审查的信息不予发布", "信息发布前进行保密审查、三审三校"
    )
    assert same_work(
        "建立公开属性源头认定机制，拟文时同步确定公开方式",
        "建立公开属性源头认定机制，公文拟稿时同步明确公开属性",
    )
    assert same_work(
        "重点公开财政预决算、重大建设项目和公共资源配置信息",
        "财政预决算、政府债务和重大建设项目批准实施信息按规定集中公开",
    )
    # one work under two names
    assert same_work("依申请公开答复书统一使用规范文本", "统一全域依申请公开答复文书格式")
    # different work in one sub-part stays apart
    assert not same_work(
        "落实责任追究，压实政务公开工作责任", "建立政务公开工作责任清单，明确到科室和个人"
    )
    assert not same_work(
        "对现行有效规范性文件逐件评估，及时清理", "规范性文件统一登记、统一编号、统一公布"
    )


def test_distinct_keeps_the_structured_item_and_the_clerks_other_work() -> None:
    parts, notes = distinct(
        ["设置政府信息公开查阅点14个，方便群众就近查阅", "实行保密审查、三审三校"],
        [
            "在政务服务中心设置政府信息公开查阅点",
            "落实公开前保密审查，未经审查的信息不予发布",
            "开展行政规范性文件清理，落实公开前保密审查",
            "按月更新台账",
        ],
    )
    assert parts == ["设置政府信息公开查阅点14个，方便群众就近查阅", "实行保密审查、三审三校"]
    assert notes == ["开展行政规范性文件清理", "按月更新台账"]
    _, notes = distinct(
        [], ["动态调整主动公开基本目录", "组织各部门动态调整主动公开基本目录，明确公开时限"]
    )
    assert notes == ["组织各部门动态调整主动公开基本目录，明确公开时限"]


@pytest.mark.parametrize("agency", NAMES[:6])
def test_a_repeated_note_is_written_once(busy: Report, agency: str) -> None:
    practices = busy.facts.practices.model_copy(update={"review_methods": ["保密审查", "三审三校"]})
    report = _as(
        busy,
        agency,
        practices=practices,
        management_notes="落实公开前保密审查，未经审查的信息不予发布。实行信息发布三审三校制度。"
        "建立公开属性源头认定机制，拟文时同步确定公开方式。"
        "建立公开属性源头认定机制，公文拟稿时同步明确公开属性，不予公开的写明理由。",
        on_request_notes="对多次被申请的同类信息转为主动公开。对申请较多的事项开展分析研判，将群众普遍关注的信息转为主动公开。",
    )
    texts = draft_offline(report)
    management = texts["overview_management"]
    for term in ("保密审查", "三审三校", "源头认定"):
        assert management.count(term) == 1, management
    assert "不予公开的写明理由" in management  # the fuller of the two notes
    assert "保密审查、三审三校" in management  # the structured item stays
    assert texts["overview_on_request"].count("转为主动公开") == 1


@pytest.mark.parametrize("agency", NAMES)
def test_opening_keeps_the_report_order(busy: Report, agency: str) -> None:
    intro = draft_offline(_as(busy, agency))["overview_intro"]
    first = intro.split("。")[0]
    if "申请" in first:  # a shape that lists the topics lists 主动公开 (主动发布 …) first
        assert "主动" in first and first.index("主动") < first.index("申请"), intro
    assert not re.search(r"(?:概况|情况)如下[。：:].", intro), intro
    assert intro.count("。") <= 3, intro  # the opening and at most two summary sentences
    assert "监督" not in first or first.index("监督") > first.index("申请"), intro


@pytest.mark.parametrize("agency", NAMES)
def test_proactive_total_comes_first_and_topic_leads_management(busy: Report, agency: str) -> None:
    texts = draft_offline(_as(busy, agency))
    first = texts["overview_proactive"].split("。")[0]
    assert f"{busy.facts.proactive_total}条" in first, texts["overview_proactive"]
    assert not texts["overview_management"].startswith(("本年废止", "年内废止", "全年废止", "截至"))


@pytest.mark.parametrize("agency", NAMES)
def test_purpose_goes_with_its_fact_and_empty_notes_go(busy: Report, agency: str) -> None:
    practices = busy.facts.practices.model_copy(
        update={"new_media_accounts": 7, "reading_points": 3}
    )
    report = _as(busy, agency, practices=practices, platform_notes="政务微信公众号全年推送信息。")
    platform = draft_offline(report)["overview_platform"]
    assert "全年推送信息" not in platform
    assert not re.search(r"为方便群众现场查阅，设置[^。；]*并运营政务新媒体", platform), platform


def _with_prose(report: Report, **texts: str) -> Report:
    if report.narrative is None:
        return report.model_copy(update={"narrative": Narrative(**texts)})
    return report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})


@pytest.mark.parametrize(
    ("section", "text", "work"),
    [
        (
            "overview_management",
            "我局的做法是：一是信息发布前实行保密审查、三审三校；二是更新公开指南；"
            "三是落实公开前保密审查，未经审查的信息不予发布。",
            "保密审查",
        ),
        (
            "other_matters",
            "承办的人大代表建议和政协提案均按期办结。人大代表建议和政协提案的办理复文已公开。",
            "提案",
        ),
        (
            "overview_on_request",
            "对多次被申请的同类信息转为主动公开。对申请较多的事项开展研判，将群众关注的信息转为主动公开。",
            "转为主动公开",
        ),
    ],
)
def test_review_finds_one_work_stated_twice(
    busy: Report, section: str, text: str, work: str
) -> None:
    found = [f for f in review_report(_with_prose(busy, **{section: text})) if f.code == "P-12"]
    assert [(f.section, f"“{work}”" in f.message) for f in found] == [(section, True)]


@pytest.mark.parametrize(
    ("section", "text"),
    [
        # one sentence that names the work and explains it
        ("overview_management", "坚持先审后发，信息发布前进行保密审查，未经保密审查的信息不发布。"),
        # a channel called 查阅点 beside the count of 查阅点
        (
            "overview_platform",
            "依托门户网站与政务服务中心查阅点公开信息。设置查阅点3个，方便群众查阅。",
        ),
        # 重点领域 as a category and as the area's work
        ("overview_proactive", "重点领域信息57条。按照重点领域信息公开的要求发布社会救助信息。"),
        # the same work in two sub-parts
        ("overview_supervision", "邀请群众参加政府开放日活动。"),
    ],
)
def test_review_leaves_a_work_stated_once_alone(busy: Report, section: str, text: str) -> None:
    texts = {section: text}
    if section == "overview_supervision":
        texts["other_matters"] = "举办政府开放日活动，邀请群众走进机关。"
    assert not [f for f in review_report(_with_prose(busy, **texts)) if f.code == "P-12"]


def test_a_note_moved_to_the_front_gets_no_subject(busy: Report) -> None:
    report = _as(
        busy,
        "嘉善县人民政府",
        proactive_notes="重点公开财政预决算、重大建设项目信息。"
        "财政预决算、政府债务和重大建设项目批准实施信息按规定集中公开，部门预决算统一在网站发布。",
    )
    report = report.model_copy(
        update={"meta": report.meta.model_copy(update={"level": AgencyLevel.county_government})}
    )
    proactive = draft_offline(report)["overview_proactive"]
    assert proactive.count("财政预决算") == 1 and "政府债务" in proactive, proactive
    assert "县政府财政预决算" not in proactive and "全县财政预决算" not in proactive, proactive


# --- each work once in the whole report, lists of a readable length, 表二 in table order -------


def test_review_finds_a_work_stated_in_two_parts(busy: Report) -> None:
    texts = {
        "overview_proactive": "邀请公众代表列席政府常务会议12人次。",
        "other_matters": "部分会议邀请利益相关方列席。",
    }
    found = [f for f in review_report(_with_prose(busy, **texts)) if f.code == "P-12"]
    assert [(f.section, "“列席”" in f.message) for f in found] == [("other_matters", True)]


def test_a_note_in_a_later_part_does_not_repeat_an_earlier_part_or_a_fact(busy: Report) -> None:
    from draftbot.model import Engagement

    report = _as(
        busy,
        "湖州市民政局",
        engagement=Engagement(attendees=6, consultations=3),
        supervision_notes="对照上级年度工作要点逐项落实并开展自查。建立政务公开责任清单。",
        other_matters="对照上级政务公开工作要点，逐项落实并按季度调度。部分会议邀请利益相关方列席。"
        "公开征求意见的草案均反馈采纳情况。组织开展政府开放日活动。",
    )
    texts = draft_offline(report)
    whole = "\n".join(texts.values())
    for work in ("工作要点", "列席", "征求意见"):
        assert whole.count(work) == 1, (work, whole)
    assert "工作要点" in texts["overview_supervision"] and "列席" in texts["overview_proactive"]
    assert "开放日" in texts["other_matters"]  # other work stays
    assert not [f for f in review_report(_with_prose(report, **texts)) if f.code == "P-12"]


def test_a_long_list_keeps_six_items_and_says_the_rest_after_it(busy: Report) -> None:
    notes = [
        "建立政务公开工作责任清单", "主要负责人专题听取政务公开工作汇报",
        "对信息发布不及时的单位进行约谈提醒", "对发现的问题建立整改台账，逐项销号",
        "邀请人大代表走进服务中心听取意见", "组织各单位交叉评查公开专栏",
        "聘请社会监督员暗访公开窗口", "年底对各单位的公开工作进行评估",
    ]  # fmt: skip
    for name in NAMES[:6]:
        report = _as(busy, name, supervision_notes="。".join(notes) + "。")
        text = draft_offline(report)["overview_supervision"]
        first = text.split("\n")[0]
        assert not re.search("七是", first) and first.count("；") <= 5, text
        for note in notes:  # nothing is lost
            assert note in text, (note, text)


def test_table2_is_one_sentence_in_the_table_order(busy: Report) -> None:
    order = ("规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费")
    for name in NAMES:
        text = draft_offline(_as(busy, name))["overview_proactive"]
        table = text.split("\n")[-1]
        assert table.count("。") == 1 and "据统计" not in table and "另外" not in table, table
        where = [table.index(w) for w in order if w in table]
        assert len(where) == 5 and where == sorted(where), table


def test_platform_items_hold_one_fact_and_the_website_is_a_channel(
    examples_dir: Path,
) -> None:
    report = load_report(examples_dir / "county-gov-2023.yaml")
    for name in ("德清县人民政府", "长兴县人民政府", "安吉县人民政府", "海盐县人民政府"):
        meta = report.meta.model_copy(update={"agency": name})
        text = draft_offline(report.model_copy(update={"meta": meta}))["overview_platform"]
        assert not re.search(r"(?:^|[是，；。])在[^，；。]*专栏公开政府信息[；。]", text), text
        assert text.count("查阅点") == 1, text
        items = re.split(r"[一二三四五六]是", text.split("\n")[0])[1:]
        assert all("；" not in i.rstrip("；") for i in items), text


def test_on_request_states_the_total_before_the_change_and_closing_before_results(
    busy: Report,
) -> None:
    for name in NAMES:
        text = draft_offline(_as(busy, name))["overview_on_request"]
        assert text.index("30件") < text.index("增加4件"), text
        first = text.index("办结")
        assert first < text.index("予以公开"), text


@pytest.mark.parametrize(
    ("note", "kept", "gone"),
    [
        ("我局公开{name}和医保报销政策。建立公开台账。", "公开医保报销政策", ""),
        ("我局公开{name}，方便群众查询。建立公开台账。", "建立公开台账", "方便群众查询"),
        # what is published under a topic says more than the category: left alone
        ("围绕营商环境集中发布{name}和办事指南。建立公开台账。", "", ""),
    ],
)
def test_a_counted_category_is_not_named_again_by_the_note(
    busy: Report, note: str, kept: str, gone: str
) -> None:
    name = busy.facts.proactive_categories[0].name  # a name holding 和
    for agency in NAMES[:4]:
        report = _as(busy, agency, proactive_notes=note.format(name=name))
        proactive = draft_offline(report)["overview_proactive"]
        assert proactive.count(name) == (1 if kept else 2), proactive
        assert kept in proactive and "建立公开台账" in proactive, proactive
        assert not gone or gone not in proactive, proactive
        brief = draft_offline(report, instruction="更简洁")["overview_proactive"]
        assert name in brief  # no list of categories: the note's words stay
