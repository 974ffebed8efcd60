"""The prose review checks (P-01 … P-08) on hand-written paragraphs: each check's true
positives and the near-misses that must stay quiet."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from draftbot.checks import check_report
from draftbot.datafile import load_report
from draftbot.findings import Finding, has_errors
from draftbot.model import Report
from draftbot.regions import load_divisions
from draftbot.review import own_region, review_report, similarity


def _data(**meta: Any) -> dict[str, Any]:
    """A 2022 county bureau with some activity: 4 new + 1 carried = 4 done + 1 forward."""
    return {
        "meta": {
            "agency": "稷山县工科局",
            "level": "县级部门",
            "region": "山西省运城市稷山县",
            "report_year": 2022,
            "publish_date": "2023-01-18",
            **meta,
        },
        "table2": {"normative_documents": {"issued": 2, "in_force": 10}, "licensing": 5},
        "table3": {
            "new_received": {"natural_person": 3, "commercial": 1},
            "carried_over": {"natural_person": 1},
            "granted": {"natural_person": 2},
            "partially_granted": {"natural_person": 1},
            "unable_not_held": {"commercial": 1},
            "carried_forward": {"natural_person": 1},
        },
        "table4": {"review": {"maintained": 1}},
        "facts": {"proactive_total": 120, "policy_interpretations": 6, "training_sessions": 2},
    }


def _report(section: str = "overview_intro", text: str = "", **meta: Any) -> Report:
    data = _data(**meta)
    data["narrative"] = {section: text}
    return Report.model_validate(data)


def _review(text: str, section: str = "overview_intro", **meta: Any) -> list[Finding]:
    return review_report(_report(section, text, **meta))


def _codes(text: str, section: str = "overview_intro", **meta: Any) -> list[str]:
    return [f.code for f in _review(text, section, **meta)]


# --- empty narrative ----------------------------------------------------------------------


def test_empty_narrative_gives_no_findings():
    assert review_report(Report.model_validate(_data())) == []
    assert _review("   \n ") == []


def test_lead_examples_with_empty_narrative_gain_no_prose_findings(examples_dir: Path):
    for name in ("seed-2022.yaml", "busy-2023.yaml", "errors-2020.yaml"):
        assert review_report(load_report(examples_dir / name)) == []


# --- P-01 prose against tables ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本年共收到政府信息公开申请6件。", "表三 一、本年新收政府信息公开申请数量（总计） 为 4"),
        ("其中予以公开3件。", "（一）予以公开（总计） 为 2"),
        ("被申请行政复议2起。", "表四 行政复议（总计） 为 1"),
        ("本年制发行政规范性文件3件。", "表二 行政规范性文件 本年制发件数 为 2"),
        ("全年主动公开政府信息100条。", "填报的本年主动公开政府信息条数 为 120"),
        ("主动公开政府信息10余条。", "主动公开政府信息条数 为 120"),
        ("发布政策解读八条。", "政策解读条数 为 6"),
        ("结转下年度继续办理2件。", "结转下年度继续办理（总计） 为 1"),
        ("结转至2023年继续办理2件。", "结转下年度继续办理（总计） 为 1"),
        ("本年度新收政府信息公开申请数量为7件。", "本年新收政府信息公开申请数量（总计） 为 4"),
        ("被申请行政复议的案件3起。", "表四 行政复议（总计） 为 1"),
    ],
)
def test_p01_numbers_that_contradict_the_data_are_errors(text: str, expected: str):
    findings = _review(text)
    assert [(f.code, f.severity) for f in findings] == [("P-01", "error")]
    label, value = expected.rsplit(" 为 ", 1)
    assert label in findings[0].message and findings[0].message.endswith(f"为 {value}")
    assert findings[0].location == "正文 · 一、总体情况 导语"
    assert text.rstrip("。") in findings[0].message  # the sentence is quoted


def test_p01_statements_of_none_are_compared_with_zero():
    findings = _review("本年度未收到政府信息公开申请，未发生行政复议。", "overview_on_request")
    assert [f.code for f in findings] == ["P-01", "P-01"]
    assert "说没有，但表三 一、本年新收政府信息公开申请数量（总计）为 4" in findings[0].message
    assert "表四 行政复议（总计）为 1" in findings[1].message


def test_p01_parts_adding_up_to_more_than_the_total():
    findings = _review("共收到申请4件，其中自然人3件、商业企业2件。", "overview_on_request")
    assert [f.code for f in findings] == ["P-01", "P-01"]
    # the part that contradicts 表三, and the sum
    assert "“其中自然人3件、商业企业2件”，但表三 一、本年新收 · 商业企业为 1" in findings[0].message
    assert "3 + 2 = 5件，多于总数" in findings[1].message


def test_p01_parts_after_a_total_without_gong():
    findings = _review("主动公开政府信息120条，其中工作动态80条、通知公告50条。")
    assert [f.code for f in findings] == ["P-01"]
    assert "80 + 50 = 130条" in findings[0].message
    quiet = "主动公开政府信息120条，其中工作动态80条、通知公告30条，较上年增加35条，增长41.2%。"
    assert _review(quiet) == []


def test_p01_published_regulations_against_an_empty_table2_is_a_warning():
    data = _data()
    data["table2"] = {}
    data["narrative"] = {"overview_intro": "其中，部门文件、法规规章5条，工作总结5条。"}
    findings = review_report(Report.model_validate(data))
    assert [(f.code, f.severity) for f in findings] == [("P-01", "warning")]
    assert "“部门文件、法规规章5条”" in findings[0].message
    assert findings[0].message.endswith("合计为 0")


@pytest.mark.parametrize(
    "text",
    [
        "本年新收政府信息公开申请4件，其中自然人3件、商业企业1件。",
        "共受理申请5件（含上年结转1件），予以公开2件，部分公开1件，无法提供1件。",
        "本年共办结4件，结转下年度继续办理1件。",
        "被申请行政复议1起，结果维持。",
        "制发行政规范性文件2件，截至年底现行有效行政规范性文件10件。",
        "全年主动公开政府信息百余条，发布政策解读6条，组织培训2次。",
        "作出行政许可决定5件。",
        "本年主动公开政府信息120条，其中政策解读6条、工作动态50条。",
    ],
)
def test_p01_matching_numbers_stay_quiet(text: str):
    assert _review(text) == []


@pytest.mark.parametrize(
    ("text", "notes"),
    [
        ("开展规范性文件清理，清理行政规范性文件12件。", "清理行政规范性文件12件"),
        ("在17个村设立公开栏。", "全县17个村设有公开栏"),
        ("接待来访群众580人次。", "接待来访群众580人次"),
        ("更新办事指南64项。", "更新办事指南64项"),
        ("发放资料两千余份。", "发放宣传资料2100份"),
    ],
)
def test_p01_a_count_with_no_subject_is_grounded_only_by_the_clerks_figures(text: str, notes: str):
    findings = _review(text)
    assert [(f.code, f.severity) for f in findings] == [("P-01", "warning")]
    assert "找不到来源" in findings[0].message
    assert findings[0].hint == "正文中的每个数量都应有依据：请写明依据或在填报事实中补充该数字"
    data = _data()
    data["facts"]["management_notes"] = notes
    data["narrative"] = {"overview_intro": text}
    assert review_report(Report.model_validate(data)) == []


def test_p01_the_clerks_number_with_another_measure_word_is_still_unexplained():
    data = _data()
    data["facts"]["management_notes"] = "接待来访群众580人次"
    data["narrative"] = {"overview_intro": "发放资料580份。"}
    assert [f.code for f in review_report(Report.model_validate(data))] == ["P-01"]


def test_p01_bare_numbers_and_parts_after_qizhong_are_not_unexplained_counts():
    assert _review("编号20230017的文件已归档。") == []
    assert _review("主动公开政府信息120条，其中工作动态70条、通知公告50条。") == []


# --- P-02 wrong year ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2021年，我局累计主动公开政府信息120条。",
        "本年组织2021年度政务公开培训两次。",
        "截至2021年底，现行有效行政规范性文件10件。",
        "（一）2021年，我局继续推进公开工作。",
    ],
)
def test_p02_a_year_that_cannot_belong_is_a_warning(text: str):
    findings = _review(text)
    assert [(f.code, f.severity) for f in findings] == [("P-02", "warning")]
    assert "2021年" in findings[0].message and "统计年度为 2022 年" in findings[0].message


def test_p02_wrong_statistical_period_is_an_error():
    findings = _review("本报告统计期为2021年1月1日至12月31日。", "overview_intro")
    assert [(f.code, f.severity) for f in findings] == [("P-02", "error")]
    assert "2022年1月1日至12月31日" in findings[0].hint
    assert [f.code for f in _review("统计期为2022年1月1日至2021年12月31日。")] == ["P-02"]
    long_form = "本报告数据统计期限自2021年1月1日起至2021年12月31日止。"
    assert [f.severity for f in _review(long_form)] == ["error"]


@pytest.mark.parametrize(
    "text",
    [
        "2023年1月18日",  # the closing date of a 2022 report
        "稷山县工科局\n2023年1月18日",
        "按照国办公开办函〔2021〕30号的要求，本年度报告采用新格式。",
        "本年主动公开政府信息120条，较2021年增加20条。",
        "2019年以来，本局持续推进政务公开标准化建设。",
        "2023年，我局将继续加强政策解读。",
        "本报告统计期为2022年1月1日至12月31日。",
        "2022年，我局主动公开政府信息120条。",
        "本年学习了《2021年政务公开工作要点》。",
        "全年共办理2021年结转申请1件。",
    ],
)
def test_p02_near_misses_stay_quiet(text: str):
    assert _review(text) == []


# --- P-03 wrong place ---------------------------------------------------------------------


def test_p03_another_regions_name_is_a_warning_with_a_way_to_allow_it():
    text = "我局借鉴四川省宜宾市和盐湖区的做法。"
    findings = _review(text)
    assert [(f.code, f.severity) for f in findings] == [("P-03", "warning")] * 3
    assert "“宜宾市”（四川省宜宾市）" in findings[1].message
    assert "不是本机关所在的山西省运城市稷山县或其下辖地区" in findings[0].message
    assert "meta.allowed_places" in findings[0].hint
    assert _review(text, allowed_places=["四川省宜宾市", "盐湖区"]) == []


@pytest.mark.parametrize(
    "text",
    [
        "山西省运城市稷山县工科局按照运城市和山西省的要求开展工作。",
        "稷山县工科局通过稷山县人民政府门户网站公开信息。",
        "我局积极创建政务公开示范县。",
        "加强城区道路和重点区域的信息发布。",
    ],
)
def test_p03_own_region_at_every_level_stays_quiet(text: str):
    assert _review(text) == []


def test_p03_a_city_department_may_name_its_counties():
    meta = {"agency": "湖州市自然资源和规划局", "level": "市级部门", "region": "浙江省湖州市"}
    assert _review("指导安吉县、德清县做好公开工作。", **meta) == []
    assert [f.code for f in _review("参考绍兴市的做法。", **meta)] == ["P-03"]


def test_p03_without_a_known_region_checks_nothing():
    assert _review("借鉴宜宾市的做法。", agency="示例局", region="") == []


# --- P-04 wrong level ---------------------------------------------------------------------


def test_p04_district_words_in_a_county_report():
    findings = _review("我局借助区政府门户网站发布工作动态，全区上下共同推进。")
    assert [(f.code, f.severity) for f in findings] == [("P-04", "warning")] * 2
    assert "“全区”" in findings[0].message
    assert "“区政府”与本机关不符" in findings[1].message
    assert "这里应是“县”而不是“区”" in findings[1].message
    assert "请改为“县政府”" in findings[1].hint


def test_p04_county_words_in_a_city_department_report():
    meta = {"agency": "湖州市统计局", "level": "市级部门", "region": "浙江省湖州市"}
    assert [f.code for f in _review("本县统计信息全部公开。", **meta)] == ["P-04"]
    assert _review("指导各县政府门户网站做好统计信息发布。", **meta) == []


def test_p04_street_words_in_a_township_report():
    meta = {"agency": "稷峰镇人民政府", "level": "乡镇（街道）"}
    findings = _review("街道办事处设立公开栏。", **meta)
    assert [f.code for f in findings] == ["P-04"]
    assert "应是“镇”而不是“街道”" in findings[0].message
    assert _review("镇政府和县政府门户网站同步发布，全镇各村设立公开栏。", **meta) == []


@pytest.mark.parametrize(
    "text",
    [
        "我局通过县政府门户网站和县融媒体中心发布信息。",
        "配合开发区管委会和产业园区做好公开。",
        "按照市政府要求，指导各乡镇政府做好公开。",
        "参加全市政务公开培训。",
        "社区和景区公开栏同步更新。",
    ],
)
def test_p04_words_that_fit_a_county_agency_stay_quiet(text: str):
    assert _review(text) == []


def test_p04_a_district_agency_may_say_district_but_not_county():
    meta = {"agency": "盐湖区教育局", "region": "山西省运城市盐湖区"}
    assert _review("通过区政府门户网站发布信息。", **meta) == []
    assert [f.code for f in _review("通过县政府门户网站发布信息。", **meta)] == ["P-04"]


def test_p04_allowed_words_and_named_places_are_not_level_words():
    assert _review("借助区政府门户网站发布。", allowed_places=["区政府"]) == []
    codes = _codes("盐湖区政府门户网站转载了我局信息。")
    assert codes == ["P-03"]  # a named district is a place finding, not a level word


# --- P-05 placeholders --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("本年主动公开信息  条。", "条"),
        ("本年主动公开信息\u3000条。", "条"),
        ("XX县工科局认真贯彻条例。", "XX"),
        ("发布政策解读××条。", "××"),
        ("收到申请＿＿件。", "＿＿"),
        ("发布信息【数字】条。", "【数字】"),
        ("TODO 补充平台建设情况。", "TODO"),
        ("（待起草）", "（待起草）"),
        ("共件，其中予以公开2件。", "共件"),
        ("信息处理费待补充。", "待补充"),
        ("{{ agency }}认真贯彻条例。", "{{ agency }}"),
    ],
)
def test_p05_placeholders_are_errors(text: str, shown: str):
    findings = _review(text)
    assert [(f.code, f.severity) for f in findings] == [("P-05", "error")]
    assert f"“{shown}”" in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "认真贯彻《政府信息公开条例》，落实公开条件。",
        "二○二二年，我局主动公开政府信息120条。",
        "主动公开政府信息 120 条。",
        "处理决定文书已公开。",
    ],
)
def test_p05_near_misses_stay_quiet(text: str):
    assert _review(text) == []


# --- P-06 copying -------------------------------------------------------------------------

_LAST_YEAR = (
    "2021年，我局通过县政府门户网站主动公开政府信息98条，其中工作动态60条、通知公告38条，"
    "重点公开了工业经济运行、科技项目申报和企业服务等方面的信息，做到应公开尽公开。"
    "同时，通过局务公开栏和微信工作群及时转发上级政策文件，方便企业和群众查阅。"
)


def _with_previous(text: str, previous: str, **facts: Any) -> Report:
    data = _data()
    data["narrative"] = {"overview_proactive": text, "problems": facts.pop("problems_text", "")}
    data["previous_year"] = {
        "narrative": {"overview_proactive": previous},
        "problems": facts.pop("previous_problems", []),
    }
    data["facts"].update(facts)
    return Report.model_validate(data)


def test_p06_last_years_text_with_new_figures_is_reported_with_the_ratio():
    copied = _LAST_YEAR.replace("2021", "2022").replace("98", "120").replace("60", "80")
    findings = review_report(_with_previous(copied, _LAST_YEAR))
    assert [(f.code, f.severity) for f in findings] == [("P-06", "warning")]
    assert re.search(r"相似度约为 (9\d|100)%", findings[0].message)
    assert findings[0].location == "正文 · 一、总体情况 ·（一）主动公开"


def test_p06_rewritten_or_short_text_stays_quiet():
    short = "本年按规定主动公开政府信息，依法办理公开申请，按时答复。"
    rewritten = (
        "本年我局以企业需求为导向，围绕科技成果转化、专精特新企业培育等重点工作主动公开政府信息120条，"
        "同步开通政务新媒体，信息发布更加及时。"
    )
    assert review_report(_with_previous(rewritten, _LAST_YEAR)) == []
    # the short text is not copying (P-06), but it is only general wording (P-09)
    assert [f.code for f in review_report(_with_previous(short, short))] == ["P-09"]


def test_p06_the_same_problems_as_last_year_are_called_out():
    problems = ["部分信息发布不够及时", "个别科室主动性不强"]
    text = "一是部分信息发布不够及时；二是个别科室主动性不强。下一步将加强培训。"
    report = _with_previous(
        "", "", problems=problems, previous_problems=problems, problems_text=text
    )
    findings = review_report(report)
    assert [f.code for f in findings] == ["P-06"]
    assert "与上年报告所列问题完全相同" in findings[0].message
    assert findings[0].location == "正文 · 五、存在的主要问题及改进情况"


def test_p06_reporting_on_last_years_problems_is_not_copying():
    text = "针对上年报告提出的“部分信息发布不够及时”问题，本年建立更新台账，已整改到位。"
    report = _with_previous("", "", previous_problems=["部分信息发布不够及时"], problems_text=text)
    # not copying; but last year's quoted problem is not one of this year's, so P-07 asks for one
    assert [(f.code, f.message) for f in review_report(report)] == [
        ("P-07", "没有写出具体存在的问题")
    ]
    with_this_years = text + "本年仍存在政策解读形式比较单一的问题，下一步将增加图解解读。"
    report = _with_previous(
        "", "", previous_problems=["部分信息发布不够及时"], problems_text=with_this_years
    )
    assert [f.code for f in review_report(report)] == []


# --- P-07 missing content -----------------------------------------------------------------


def test_p07_sections_that_leave_out_their_content():
    assert _codes("我局高度重视，成效明显。", "overview_on_request") == ["P-07"]
    assert _codes("我局高度重视，成效明显。", "overview_platform") == ["P-07", "P-09"]
    other = _review("无其他需要报告的事项。", "other_matters")
    assert [f.code for f in other] == ["P-07"] and "信息处理费" in other[0].message
    problems = _review("一是部分信息发布不够及时。", "problems")
    assert [f.message for f in problems] == ["没有写出改进措施"]
    measures = _review("下一步将加强培训，完善制度。", "problems")
    assert [f.message for f in measures] == ["没有写出具体存在的问题"]


@pytest.mark.parametrize(
    ("section", "text"),
    [
        ("overview_on_request", "依法办理政府信息公开申请，均在法定期限内答复。"),
        ("overview_management", "落实公开前保密审查，动态更新公开目录。"),
        ("overview_platform", "优化门户网站专栏设置。"),
        ("overview_supervision", "将政务公开纳入年度考核。"),
        ("other_matters", "本年度未收取信息处理费。"),
        ("problems", "一是栏目更新不够及时。下一步将建立更新台账。"),
    ],
)
def test_p07_sections_with_their_content_stay_quiet(section: str, text: str):
    assert _review(text, section) == []


# --- P-08 privacy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "severity", "what"),
    [
        ("申请人身份证号140824199003071231。", "error", "身份证号码"),
        ("请联系13812345678。", "error", "手机号码"),
        ("申请人通过 zhang.san@qq.com 提交申请。", "warning", "个人邮箱地址"),
        ("申请人张三提出申请，要求公开补贴名单。", "warning", "申请人的姓名"),
        ("申请人王晓明（自然人）要求公开。", "warning", "申请人的姓名"),
    ],
)
def test_p08_personal_data(text: str, severity: str, what: str):
    findings = _review(text)
    assert [(f.code, f.severity) for f in findings] == [("P-08", severity)]
    assert what in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "申请人王某要求公开补贴名单，已予以公开。",
        "申请人逾期未补正，不再处理。",
        "申请人陆续提出申请。",
        "咨询电话0359-5522123，邮箱jsxgkb@jishan.gov.cn。",
        "编号140824199003071234的文件已归档。",  # 18 digits with a wrong check digit
    ],
)
def test_p08_near_misses_stay_quiet(text: str):
    assert _review(text) == []


# --- a whole hand-written report -----------------------------------------------------------

_WELL_WRITTEN = {
    "overview_intro": "2023年，安吉县自然资源和规划局在县委、县政府的领导下，深入贯彻《中华人民共和国"
    "政府信息公开条例》和国办公开办函〔2021〕30号文件精神，扎实推进政府信息公开工作。"
    "本报告统计期为2023年1月1日至12月31日。",
    "overview_proactive": "全年通过安吉县人民政府门户网站、“安吉发布”政务新媒体等平台主动公开政府信息"
    "215条，较2022年增加35条。其中，规划批前公示和批后公告96条、土地征收信息48条、行政许可和行政处罚"
    "结果55条。发布政策解读6条，召开新闻发布会2场。本年制发行政规范性文件3件，废止1件，现行有效25件。"
    "作出行政许可决定412件、行政处罚决定37件、行政强制决定2件。",
    "overview_on_request": "本年共收到政府信息公开申请30件，其中自然人22件、商业企业5件、法律服务机构"
    "2件、其他1件，另有上年结转2件。办结29件，其中予以公开13件、部分公开4件、不予公开2件、无法提供8件、"
    "不予处理1件、其他处理1件，结转下年度继续办理3件。因政府信息公开被申请行政复议1件，结果维持；"
    "未被提起行政诉讼。",
    "overview_management": "严格落实公开前保密审查制度，完成行政规范性文件清理，动态调整政府信息公开"
    "目录，对湖州市、浙江省要求公开的事项逐项落实。",
    "overview_platform": "优化县政府门户网站自然资源专栏，规范栏目设置；在全县15个乡镇（街道）便民服务"
    "中心设置公开栏。",
    "overview_supervision": "将政务公开纳入年度目标考核，全年组织培训3次，参训人员累计120人次；主动接受"
    "县人大代表、政协委员和社会公众监督。",
    "problems": "（一）上年问题整改情况。针对上年报告提出的依申请公开答复文书不够规范的问题，制定答复"
    "文书范本。（二）存在的问题。一是部分栏目更新不够及时；二是政策解读形式较为单一。（三）改进措施。"
    "一是建立栏目更新台账；二是推出图文解读和视频解读。",
    "other_matters": "本年度未发出信息处理费收费通知，未收取信息处理费。无其他需要报告的事项。",
}


def test_a_well_written_report_has_no_prose_findings(examples_dir: Path):
    report = load_report(examples_dir / "busy-2023.yaml")
    narrative = report.narrative.model_copy(update=_WELL_WRITTEN)
    # the counts of places and people the prose gives are the clerk's own (issue 11: a count
    # with no subject is grounded only by the data)
    practices = report.facts.practices.model_copy(update={"trained_people": 120})
    notes = "在全县15个乡镇（街道）便民服务中心设置公开栏。"
    facts = report.facts.model_copy(update={"platform_notes": notes, "practices": practices})
    report = report.model_copy(update={"narrative": narrative, "facts": facts})
    assert review_report(report) == []


# --- integration --------------------------------------------------------------------------


def test_seed_as_published_is_flagged_for_district_and_for_five_versus_zero(examples_dir: Path):
    report = load_report(examples_dir / "seed-2022-as-published.yaml")
    findings = check_report(report)
    assert [(f.code, f.location) for f in findings] == [
        ("P-01", "正文 · 一、总体情况 ·（一）主动公开"),
        ("P-04", "正文 · 一、总体情况 ·（一）主动公开"),
    ]
    five, district = findings
    assert "部门文件、法规规章5条" in five.message and five.message.endswith("为 0")
    assert "“区政府”" in district.message and "应是“县”" in district.message
    assert not has_errors(findings)


def test_check_report_appends_prose_findings_after_table_findings(examples_dir: Path):
    data = load_report(examples_dir / "errors-2020.yaml").model_dump()
    data["narrative"]["overview_on_request"] = "本年新收政府信息公开申请  件。"
    findings = check_report(Report.model_validate(data))
    assert findings[-1].code == "P-05"
    assert {f.code for f in findings[:-1]} >= {"T3-01", "X-04"}
    assert all(not f.code.startswith("P-") for f in findings[:-1])


def test_every_prose_finding_has_a_hint_and_a_known_location():
    text = "2021年，XX县借助区政府门户网站收到申请9件，申请人张三的手机号13812345678。全区推进。"
    findings = _review(text, "overview_on_request")
    assert {f.code for f in findings} == {"P-01", "P-02", "P-04", "P-05", "P-08"}
    assert all(f.hint and f.location == "正文 · 一、总体情况 ·（二）依申请公开" for f in findings)


def test_draftbot_check_reports_the_prose_findings_as_json(examples_dir: Path):
    from typer.testing import CliRunner

    from draftbot.cli import app

    path = examples_dir / "seed-2022-as-published.yaml"
    result = CliRunner().invoke(app, ["check", "--json", str(path)])
    assert result.exit_code == 0  # both findings are warnings: they do not block export
    payload = json.loads(result.stdout)
    assert [f["code"] for f in payload["findings"]] == ["P-01", "P-04"]
    blocked = CliRunner().invoke(app, ["check", str(examples_dir / "errors-2020.yaml")])
    assert blocked.exit_code == 1


def test_similarity_ignores_figures_and_punctuation():
    assert similarity("2021年公开98条。", "2022年公开120条") == 1.0
    assert similarity("", "") == 0.0
    assert similarity("主动公开政府信息", "依法办理申请答复") == 0.0


def test_own_region_for_a_township_adds_its_unit_word():
    meta = {"agency": "稷峰镇人民政府", "level": "乡镇（街道）", "region": "山西省运城市稷山县"}
    own = own_region(_report(**meta), load_divisions())
    assert own is not None and own.own_kind == "镇"
    assert own.chain_kinds == {"省", "市", "县", "镇"}


_POOL = "0123456789１２一二两十百千万余多件条起次年月日共其中、，。；（）“”〔〕《》XＸ×＿【】 \u3000@申请人公开复议规章区县市省镇街道本全我稷山运城宜宾张王某身份证"


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=_POOL, max_size=120))
def test_review_never_fails_on_arbitrary_text(text: str):
    for finding in review_report(_report("overview_on_request", text)):
        assert finding.code.startswith("P-0") and finding.message and finding.hint


@pytest.mark.parametrize(
    "name", ["seed-2022.yaml", "seed-2022-as-published.yaml", "errors-2020.yaml"]
)
def test_without_prose_only_the_basic_information_is_reviewed(examples_dir: Path, name: str):
    """`review_report` skips (and does not even import) the prose reviews while no section
    has text (issue 19): each of them finds nothing then, even with last year's problems,
    facts and a placeholder in the basic information present."""
    import importlib

    from draftbot import review
    from draftbot.model import SECTION_KEYS

    report = load_report(examples_dir / name)
    report.meta.website = "XX网站"  # M-01: the one review that still has something to say
    report.narrative = report.narrative.model_copy(update=dict.fromkeys(SECTION_KEYS, " \n"))
    for name_ in review._PROSE_REVIEWS:
        module, _, function = name_.partition(":")
        run = getattr(importlib.import_module(f"draftbot.review.{module}"), function)
        assert list(run(report)) == [], name_
    assert [f.code for f in review_report(report)] == ["M-01"]
