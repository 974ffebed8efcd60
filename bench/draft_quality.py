"""Quality of the offline drafts over many generated agencies of every level (and the examples).

Usage: .venv/bin/python bench/draft_quality.py [--agencies 60] [--write bench/results/draft_quality.md]

Goals (issue 12): mean pairwise similarity of two agencies' drafts per section, after masking
digits and names, ≤ 0.35 (real reports from one portal: 0.34 opening, 0.11 监督保障, 0.15 问题);
characters per section and per report compared with real reports (（三）（四）（五） 52–321
characters, 150–600 for governments; department reports about 1,000–2,000, county-wide ones
about 3,800; 乡镇 and 市/省级政府 by the same reasoning, see REAL_REPORT_CHARS); 0 facts
stated twice in one report; 0 claims of work when every optional fact is empty; 0 review
findings other than P-09 (general wording where the clerk reported nothing), P-06 (text
like last year's) and P-07 on 五 (no problem from the clerk or the data); 五 never talks about
the report itself and never holds a stock problem the data does not support.
The agencies are generated deterministically (seeded), so two runs give the same figures.

Generator (`--generator realistic`, the default since i12-bench), calibrated to what real reports
show (the register of county, city and province reports; no published sentence is copied):
- kind of agency from its name (民政/人社 social, 自然资源 land, 市场监管 market, 教育, 卫健/医保,
  农业农村, 住建/交通/水利 works, 应急, 司法, 办公室/统计 office; 乡镇 town; 政府 government);
- applications a year by level (乡镇 0–6, 县级部门 0–18, 市级部门 2–45, 省级部门 5–90, 区县政府
  15–160, 市级政府 40–320, 省级政府 120–700; one agency in seven far fewer);
- applicant mix by kind: a 镇 about 93 % 自然人; 市场监管 about 45 % 商业企业; 自然资源 about 10 %
  法律服务机构; 科研机构、社会公益组织、其他 a few per cent where they occur;
- results by profile: mixed (55 %), all 予以公开 (20 %, and half of agencies with ≤ 3
  applications), 无法提供-heavy (13 %), 不予公开-heavy (12 %); within a group the rows by real
  frequency (信息不存在 ≫ 需另行制作 > 补正后不明确; 过程性、内部事务 > 第三方 > 执法案卷、查询 >
  法律禁止 > 三安全一稳定 > 国家秘密; 信访 > 重复 > 出版物); about 3 % still pending (结转);
- 主动公开 categories and 主动公开 notes by kind (土地征收/国土空间规划 for 自然资源, 招生入学 for
  教育, 惠农补贴/村务财务 for a 镇 …); other notes from the shared pools, 村务 notes only for
  镇 and governments; notes per part: governments 2–4, 市/省级部门 1–3, 县级部门 0–3, 乡镇 0–2;
  penalties zero for 办公室/财政/镇, four times more for 市场监管.
- how much each level reports (i12-length, `_more_facts`, own seeded draws so the tables stay
  those above): governments report for the whole area — every structured practice (2–4 审查做法,
  指南/目录, 解读形式, 考核做法; 政务新媒体 20–90 accounts for a county, 60–300 for a city, 150–900
  for a province; 查阅点/公开专区 8–40, 20–120, 50–400; 3–15 trainings of 200–9,000 人次; 2–8
  通报), 4–6 主动公开 categories, 15–240 政策解读, 4–80 新闻发布会, 3–4 more items a sub-part
  in full sentences, 3–4 problems and measures with their cause, 2–3 items for 六 (建议提案,
  工作要点, 开放日); city/province departments structured practices 76 %, county departments
  72 %, 乡镇 30 % (as before); about half of the agencies with last year's figures answer for
  1–2 of last year's problems; half of the departments and 镇 (70 % of governments) write 1–3
  problems and measures of their own.
- the area's work a government or 乡镇 reports (`_area_facts`, own seeded draws; shares of
  real reports of the level that mention it in AREA_BY_LEVEL): 重点领域 90 % of governments,
  half of 乡镇; 建议提案办理结果 50–65 %; 政府开放日 35–45 %; 政府公报 40 % of 区县, 85 % of 市,
  95 % of 省; new website columns 60 %; 村居 counted in 30 % of 区县 and half of 乡镇 reports.
- how the work is organised, every level (`_organisation_facts`, own seeded draws; shares of
  real reports of the level that tell it in ORGANISATION_BY_LEVEL): the 领导小组 and its head
  in about 70 % of department and 乡镇 reports and 60 % of governments'; 专（兼）职工作人员
  counted in about 45 % of departments and 乡镇 (1–4) and 20 % of governments (the office's
  3–12); 专题研究 at 班子会议 in 40 % of departments and 乡镇, at 常务会议 in 85 % of
  governments (1–4 times); the year's 工作要点 or 实施方案 by title in 45 % of departments,
  35 % of 乡镇 and 90 % of governments. An answer the 监督保障 note already tells is not drawn.
- 政民互动 (`_engagement_facts`, `_talk_facts`, own seeded draws): 征求意见、列席、留言、承办建议提案
  (ENGAGEMENT_BY_LEVEL), 12345热线 cases 45–50 % of 区县/市级政府 (35 % 省), 20–30 % of departments,
  no 乡镇; 在线访谈 40–45 % of governments, 15–30 % of departments; 新媒体发布信息 half of the
  governments, 35–45 % of departments, a quarter of 乡镇, never with 0 accounts (TALK_BY_LEVEL);
  none drawn when the notes already tell it.
`--generator uniform` is the first generator (every agency only 自然人 and 商业企业, the same two
refusal rows, one shared pool of categories and notes), kept for the before/after comparison.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish

from draftbot.datafile import load_report
from draftbot.drafting.offline import draft_offline, same_work
from draftbot.model import APPLICANT_COLUMNS, SECTION_KEYS, Report
from draftbot.review import review_report
from draftbot.review.copying import similarity

ROOT = Path(__file__).resolve().parent.parent
TARGET_SIMILARITY = 0.35
CLAIM_PHRASES = (
    "相关信息已按规定公开", "自觉接受社会公众监督", "接受社会监督", "公开前进行审查",
    "保密审查", "三审三校", "领导小组", "培训", "考核", "评议", "专栏", "新媒体", "公众号",
    "目录", "指南", "清理", "高度重视", "成效", "不断完善",
    # the area's work (facts.area): only where the clerk reported it
    "重点领域", "提案办理", "开放日", "政府公报", "改版", "居务公开", "公开栏",
    # 决策公开、政民互动、建议提案 (facts.engagement): only where the clerk counted it
    "征求意见", "列席", "留言", "人大代表建议", "政协提案", "决策公开", "政民互动",
    # how the work is organised (facts.organisation): only what the clerk reported
    "任组长", "专兼职", "专题研究", "常务会议", "班子会议", "工作要点",
    "热线", "访谈",
    # counted government work (i12-gov3): only what the clerk counted
    "源头认定", "公开属性", "议题", "监测检查", "整改问题", "关停整合", "分解任务", "报送的年度报告",
    # the purpose or manner of a reported practice (i12-length): only beside that practice
    "审查关", "不应公开的内容", "申请的渠道和办理流程", "查找主动公开", "不同渠道获取", "互为补充", "就近查阅", "统一查阅", "传播范围", "常用的方式推送", "不便上网", "依法公开的能力", "业务水平", "以监督促落实", "压实政务公开", "以通报促进",
)  # fmt: skip
PREFECTURES: dict[str, list[str]] = {
    "湖州市": ["安吉县", "长兴县", "德清县", "吴兴区", "南浔区"],
    "嘉兴市": ["海盐县", "嘉善县", "平湖市", "桐乡市", "南湖区", "秀洲区"],
    "绍兴市": ["新昌县", "嵊州市", "诸暨市", "越城区", "柯桥区", "上虞区"],
    "金华市": ["浦江县", "武义县", "磐安县", "义乌市", "东阳市", "婺城区"],
    "台州市": ["天台县", "仙居县", "三门县", "温岭市", "临海市", "椒江区", "黄岩区"],
    "丽水市": ["缙云县", "遂昌县", "松阳县", "云和县", "青田县", "龙泉市", "莲都区"],
}
DEPARTMENTS = [
    "民政局", "财政局", "交通运输局", "水利局", "卫生健康局", "发展和改革局", "教育局",
    "农业农村局", "市场监督管理局", "人力资源和社会保障局", "住房和城乡建设局", "应急管理局",
    "统计局", "司法局", "医疗保障局", "人民政府办公室", "机关事务管理中心", "民族宗教事务委员会",
]  # fmt: skip
TOWNS = ["清溪镇", "梅林镇", "石门乡", "双桥镇", "东城街道", "西湖街道", "凤山街道", "龙潭乡"]
NOTES: dict[str, list[str]] = {
    "proactive": [
        "重点公开财政预决算、重大建设项目和公共资源配置信息",
        "围绕企业开办、惠企政策兑现等事项集中发布办事指引",
        "在汛期及时发布雨情水情和避险转移信息",
        "对教育收费、招生入学政策进行集中公开",
        "按季度公开低保、特困人员救助资金发放情况",
        "及时发布食品安全抽检结果和消费警示",
        "公开农村集体经济组织财务和惠农补贴发放情况",
        "对社会关注的征地拆迁补偿标准逐项公开",
        "在网站开设优化营商环境专题，集中发布涉企政策",
        "公开养老服务机构名录和收费标准",
        "对重大行政决策事项在决策前公开征求意见",
        "按月发布重点项目建设进度",
    ],
    "on_request": [
        "建立依申请公开登记、审核、答复、归档全流程台账",
        "答复前由法律顾问进行合法性审核",
        "对申请内容不明确的，一次性告知申请人补正事项",
        "对不属于本机关掌握的信息，告知申请人有关机关的联系方式",
        "每件答复书均写明法律依据和救济途径",
        "与申请人电话沟通，确认申请的具体内容",
        "对涉及第三方权益的申请，书面征求第三方意见",
        "依申请公开答复书统一使用规范文本",
        "对多次被申请公开的同类信息，经审查后转为主动公开",
        "安排专人负责申请的接收、登记和转办",
    ],
    "management": [
        "落实公开前保密审查，未经审查的信息不予发布",
        "实行信息发布三审三校制度",
        "按新修订的政府信息公开指南更新受理渠道和办理流程",
        "动态调整主动公开基本目录，新增乡村振兴等栏目事项",
        "对现行有效规范性文件逐件评估，及时清理",
        "政府信息公开工作台账按月更新，纸质材料统一归档",
        "制定政府信息发布审核流程图，明确各环节责任",
        "对历年公开的政府信息进行梳理，更正失效链接",
        "规范性文件统一登记、统一编号、统一公布",
        "建立公开属性源头认定机制，拟文时同步确定公开方式",
    ],
    "platform": [
        "优化门户网站政府信息公开专栏，规范栏目名称和更新频次",
        "政务微信公众号每周推送政策信息和办事提醒",
        "在政务服务中心设置政府信息公开查阅点",
        "在村务公开栏同步张贴惠民政策",
        "开通政务微博，及时回应网民关切",
        "完成网站适老化和无障碍改造",
        "整合各科室网页，统一纳入门户网站集约化平台",
        "在政务服务大厅设置自助查询终端",
        "政务新媒体账号纳入统一管理，关停更新不及时的账号",
        "在镇便民服务中心设立政策咨询窗口",
    ],
    "supervision": [
        "将政务公开纳入年度综合考核",
        "聘请社会监督员对公开工作进行评议",
        "每季度检查栏目更新情况并通报结果",
        "明确分管领导和专职工作人员，落实工作责任",
        "对信息发布不及时的科室进行约谈提醒",
        "邀请群众代表参加政务开放日活动",
        "主要负责人专题听取政务公开工作汇报",
        "对照上级年度工作要点逐项落实并开展自查",
        "建立政务公开工作责任清单，明确到科室和个人",
        "将群众评议结果纳入科室年度考评",
    ],
    "other_matters": [
        "人大代表建议和政协提案的办理复文已按规定在门户网站公开",
        "年度政务公开工作要点明确的各项任务均已落实",
        "承办的人大代表建议和政协提案均在规定时限内办结，办理结果已公开",
        "结合基层政务公开标准化规范化建设，编制完成本部门公开事项标准目录",
        "举办政府开放日活动，邀请群众代表走进机关了解政务公开工作",
        "重大行政决策事项在决策前向社会公开征求意见",
    ],
}
CHANNELS = ["政府门户网站", "政务新媒体", "政务服务大厅公开栏", "新闻发布会", "广播电视", "报刊"]
CATEGORIES = [
    "工作动态",
    "通知公告",
    "政策文件",
    "人事信息",
    "财政预决算",
    "规划计划",
    "重点领域信息",
]


def generate(rng: random.Random, index: int, generator: str = "realistic") -> Report:
    """One agency: level, name and region, tables and facts, all from `rng`. Every third
    agency with last year's figures also has last year's text: the offline draft of the same
    facts a year earlier (a clerk who kept last year's notes), which P-06 should flag (and
    五、问题 never name: the report does not talk about itself)."""
    data = GENERATORS[generator](rng, index)
    if "previous_year" in data and index % 3 == 0:
        last = {k: v for k, v in data.items() if k != "previous_year"}
        last["meta"] = {**data["meta"], "report_year": data["meta"]["report_year"] - 1}
        data["previous_year"]["narrative"] = draft_offline(Report.model_validate(last))
    return Report.model_validate(data)


def typical(report: Report) -> bool:
    """Whether the agency gave typical facts (structured practices, or notes for at least two
    sub-parts) rather than almost none beyond the tables."""
    f = report.facts
    notes = [f.proactive_notes, f.on_request_notes, f.management_notes, f.platform_notes]
    notes.append(f.supervision_notes)
    return f.practices != type(f.practices)() or sum(bool(n) for n in notes) >= 2


# Real reports' lengths (issue 12), characters of prose, for agencies with typical facts.
# Departments: about 1,000–2,000 (issue 12, from real county, city and province department
# reports); a county-wide 区县政府 report about 3,800, taken as 3,000–4,600. The other levels
# by the same reasoning (i12-length): a 乡镇（街道） report has a department's six parts but
# few applications (0–6) and fewer items per sub-part, so it runs below a county department:
# 800–1,600; a 市级政府 or 省级政府 report covers the whole city or province in the shape of a
# county-wide one, with at least as many items per sub-part: 3,000–5,000.
REAL_REPORT_CHARS = {
    "乡镇（街道）": (800, 1600), "县级部门": (1000, 2000), "市级部门": (1000, 2000),
    "省级部门": (1000, 2000), "区县政府": (3000, 4600), "市级政府": (3000, 5000),
    "省级政府": (3000, 5000),
}  # fmt: skip
REAL_PART_CHARS = (52, 321)  # （三）（四）（五） each, when the agency reported something
# （三）（四）（五） of a government's report: each about a tenth of a 3,000–5,000 report
REAL_GOVERNMENT_PART_CHARS = (150, 600)
# （三）（四）（五） each, by level: departments and 乡镇 the real range above, governments theirs
PART_CHARS_BY_LEVEL = {
    level: REAL_GOVERNMENT_PART_CHARS if level.endswith("政府") else REAL_PART_CHARS
    for level in REAL_REPORT_CHARS
}
PARTS = ("overview_management", "overview_platform", "overview_supervision")


def level_lengths(
    reports: list[Report], drafts: list[dict[str, str]]
) -> dict[str, dict[str, float]]:
    """Median characters per level over the agencies with typical facts: the whole report
    ("report") and each section (its key), for the drafts given."""
    by_level: dict[str, list[dict[str, str]]] = {}
    for r, d in zip(reports, drafts, strict=True):
        if typical(r):
            by_level.setdefault(r.meta.level.value, []).append(d)
    out = {}
    for level, group in by_level.items():
        row = {key: float(statistics.median(len(d[key]) for d in group)) for key in SECTION_KEYS}
        row["report"] = float(statistics.median(sum(len(v) for v in d.values()) for d in group))
        row["count"] = len(group)
        out[level] = row
    return out


def _level_table(reports: list[Report], drafts: list[dict[str, str]]) -> list[str]:
    """Median characters per report and per section, by level (typical facts), against the
    goal ranges (REAL_REPORT_CHARS, PART_CHARS_BY_LEVEL)."""
    rows = level_lengths(reports, drafts)
    short = {
        "overview_intro": "导语", "overview_proactive": "（一）", "overview_on_request": "（二）",
        "overview_management": "（三）", "overview_platform": "（四）",
        "overview_supervision": "（五）", "problems": "五", "other_matters": "六",
    }  # fmt: skip
    lines = [
        "",
        "Per level, agencies with typical facts: median characters per report and per section "
        "(goal ranges: report REAL_REPORT_CHARS, （三）（四）（五） PART_CHARS_BY_LEVEL; ✓ inside)",
        "",
        "| level | reports | report | goal | "
        + " | ".join(short[k] for k in SECTION_KEYS)
        + " | （三）–（五） goal |",
        "|---|---|---|---|" + "---|" * len(SECTION_KEYS) + "---|",
    ]
    for level in REAL_REPORT_CHARS:
        if level not in rows:
            continue
        row, (low, high) = rows[level], REAL_REPORT_CHARS[level]
        plow, phigh = PART_CHARS_BY_LEVEL[level]
        cells = []
        for key in SECTION_KEYS:
            mark = (" ✓" if plow <= row[key] <= phigh else " ✗") if key in PARTS else ""
            cells.append(f"{row[key]:.0f}{mark}")
        mark = "✓" if low <= row["report"] <= high else "✗"
        lines.append(
            f"| {level} | {row['count']:.0f} | {row['report']:.0f} {mark} | {low:,}–{high:,} | "
            + " | ".join(cells)
            + f" | {plow}–{phigh} |"
        )
    return lines


# A department's name at a level above the county, where it differs from the county's (局):
# a province's departments are 厅 except those that stay 局 or are 委员会; a city's 发改 and 卫健
# are 委员会; a province's 办公室 is the 人民政府办公厅 and its 机关事务 a 管理局.
_PROVINCIAL_NAMES = {
    "发展和改革局": "发展和改革委员会", "卫生健康局": "卫生健康委员会", "统计局": "统计局",
    "医疗保障局": "医疗保障局", "市场监督管理局": "市场监督管理局",
    "人民政府办公室": "人民政府办公厅", "机关事务管理中心": "机关事务管理局",
    "自然资源和规划局": "自然资源厅",
}  # fmt: skip
_CITY_NAMES = {"发展和改革局": "发展和改革委员会", "卫生健康局": "卫生健康委员会"}


def department_name(department: str, level: str) -> str:
    """The department's name as an agency of `level` is called (发展和改革局 → 省: 发展和改革委员会,
    民政局 → 省: 民政厅); the county's name at other levels."""
    if level == "省级部门":
        return _PROVINCIAL_NAMES.get(department, department.replace("局", "厅"))
    if level == "市级部门":
        return _CITY_NAMES.get(department, department)
    return department


def generate_data_uniform(
    rng: random.Random, index: int, departments: list[str] = DEPARTMENTS
) -> dict[str, Any]:
    """The data file of one generated agency with the first generator (before i12-bench): every
    agency has only 自然人 and 商业企业 applicants, the same two refusal rows, categories and
    notes from one shared pool (kept for the before/after comparison: `--generator uniform`)."""
    level = [
        "县级部门", "县级部门", "乡镇（街道）", "市级部门", "区县政府", "市级政府", "省级部门",
        "省级政府",
    ][index % 8]  # fmt: skip
    city = rng.choice(sorted(PREFECTURES))
    county = rng.choice(PREFECTURES[city])
    region = f"浙江省{city}{county}"
    if level == "县级部门":
        agency = county + rng.choice(departments)
    elif level == "乡镇（街道）":
        town = rng.choice(TOWNS)
        agency = town + ("办事处" if town.endswith("街道") else "人民政府")
    elif level == "市级部门":
        agency, region = city + department_name(rng.choice(departments), level), f"浙江省{city}"
    elif level == "区县政府":
        agency = county + "人民政府"
    elif level == "市级政府":
        agency, region = city + "人民政府", f"浙江省{city}"
    elif level == "省级部门":
        agency, region = "浙江省" + department_name(rng.choice(departments), level), "浙江省"
    else:
        province = rng.choice(["浙江省", "江苏省", "安徽省", "福建省", "江西省"])
        agency, region = province + "人民政府", province
    scale = {"区县政府": 12, "市级政府": 25, "市级部门": 4, "省级部门": 6, "省级政府": 40}.get(
        level, 1
    )
    government = level.endswith("政府")
    n = lambda top: rng.randint(0, top * scale)  # noqa: E731
    natural, firms = n(8), n(3)
    granted = rng.randint(0, natural + firms)
    rest = natural + firms - granted
    unable = rng.randint(0, rest)
    denied = rest - unable
    year = rng.choice([2021, 2022, 2023, 2024])
    facts: dict[str, Any] = {
        "proactive_total": n(60) + 5,
        "policy_interpretations": rng.choice([None, 0, n(5) + 1]),
        "press_conferences": rng.choice([None, 0, n(2)]),
        "channels": rng.sample(CHANNELS, rng.randint(0, 4)),
        "training_sessions": rng.choice([None, 0, rng.randint(1, 6)]),
    }
    total = facts["proactive_total"]
    names = rng.sample(CATEGORIES, rng.randint(0, 3))
    facts["proactive_categories"] = [
        {"name": c, "count": rng.randint(1, total // 4 + 1)} for c in names
    ]
    if rng.random() < 0.6:
        facts["practices"] = {
            "review_methods": rng.sample(
                ["保密审查", "三审三校", "合法性审查", "公开属性审查"], rng.randint(0, 2)
            ),
            "updated_guides": rng.sample(
                ["政府信息公开指南", "主动公开基本目录", "依申请公开流程图"], rng.randint(0, 2)
            ),
            "interpretation_forms": rng.sample(
                ["文字解读", "图解", "视频", "问答", "专家解读"], rng.randint(0, 3)
            ),
            "responses": rng.choice([None, n(10) + 1]),
            "new_media_accounts": rng.choice([None, n(3) + 1]),
            "reading_points": rng.choice([None, n(2) + 1]),
            "trained_people": rng.choice([None, n(80) + 5]) if facts["training_sessions"] else None,
            "supervision_methods": rng.sample(
                ["纳入年度绩效考核", "社会评议", "责任追究", "第三方评估"], rng.randint(0, 2)
            ),
            "circulars": rng.choice([None, n(4) + 1]),
        }
    for key, pool in NOTES.items():
        # a government's report covers its whole area: it reports more work in each part, and
        # its 六、其他 usually tells 工作要点落实 and 建议提案办理 (questions.yaml, other_matters)
        counts = [2, 3, 3, 4] if government else [0, 1, 1, 2, 3]
        if key == "other_matters":
            counts = [1, 2, 2] if government else [0, 0, 1, 2]
        picked = rng.sample(pool, rng.choice(counts))
        name = key if key == "other_matters" else f"{key}_notes"
        facts[name] = "。".join(picked) + ("。" if picked else "")
    if (
        index // 8
    ) % 5 == 2:  # an agency (of every level) that reports almost nothing beyond the tables
        facts = {k: v for k, v in facts.items() if not k.endswith("_notes") and k != "practices"}
        facts["other_matters"] = ""
    data: dict[str, Any] = {
        "meta": {"agency": agency, "level": level, "region": region, "report_year": year},
        "table2": {
            "normative_documents": {"issued": n(3), "repealed": n(1), "in_force": n(20)},
            "licensing": n(300),
            "penalty": n(40),
            "fees_wan_yuan": str(rng.choice([0, 0, 3.5, 12.25, 80])),
        },
        "table3": {
            "new_received": {"natural_person": natural, "commercial": firms},
            "granted": {"natural_person": granted},
            "unable_not_held": {"natural_person": unable},
            "denied_process_info": {"commercial": denied},
        },
        "table4": {
            "review": {
                "maintained": rng.choice([0, 0, 1, 2]),
                "corrected": rng.choice([0, 0, 0, 1]),
            }
        },
        "facts": facts,
    }
    if rng.random() < 0.5:
        data["previous_year"] = {"new_received_total": n(10), "proactive_total": n(60) + 5}
    return data


# --- the realistic generator (default since i12-bench) -------------------------------------
# Calibration (from the register of real county/city/province reports and the one real report in
# ../shared/seed; no sentence is copied): the kind of agency decides what it publishes, who
# applies and what its notes are about; the level decides volume and how much work is reported.
REAL_DEPARTMENTS: dict[str, str] = {
    "民政局": "social", "人力资源和社会保障局": "social", "财政局": "finance",
    "发展和改革局": "finance", "交通运输局": "works", "水利局": "works",
    "住房和城乡建设局": "works", "卫生健康局": "health", "医疗保障局": "insurance",
    "教育局": "education", "农业农村局": "rural", "市场监督管理局": "market",
    "自然资源和规划局": "land", "应急管理局": "safety", "司法局": "law", "统计局": "office",
    "人民政府办公室": "office", "机关事务管理中心": "office", "民族宗教事务委员会": "office",
}  # fmt: skip
KIND_CATEGORIES: dict[str, list[str]] = {
    "social": ["社会救助", "养老服务", "就业创业政策", "社会保险基金", "财政预决算"],
    "finance": ["财政预决算", "政府债务", "重大建设项目", "价格收费", "政策文件"],
    "works": ["重大建设项目", "招标投标", "工程质量安全", "规划计划", "通知公告"],
    "health": ["医疗机构名录", "公共卫生", "卫生健康监督执法", "传染病防控", "财政预决算"],
    "insurance": ["医疗保障政策", "定点医药机构名单", "医保基金监管", "药品和医用耗材集中采购",
                  "财政预决算"],
    "education": ["招生入学", "教育收费", "学校名录", "学生资助", "财政预决算"],
    "rural": ["惠农补贴", "农产品质量安全", "乡村振兴项目", "动物防疫", "政策文件"],
    "market": ["双随机抽查结果", "食品安全抽检", "执法信息公示", "企业信用信息", "消费警示"],
    "land": ["土地征收", "国土空间规划", "建设项目用地", "矿业权出让", "不动产登记"],
    "safety": ["安全生产执法", "应急预案", "灾害预警", "事故调查报告", "通知公告"],
    "law": ["公共法律服务", "法律援助", "普法宣传", "规范性文件备案", "人事信息"],
    "office": ["政策文件", "人事信息", "通知公告", "工作动态", "财政预决算"],
    "town": ["惠农补贴", "村务财务", "低保救助", "征地拆迁", "工作动态", "财政预决算"],
    "government": [
        "政策文件", "规划计划", "重大建设项目", "财政预决算", "人事信息", "重点领域信息", "征地拆迁",
    ],
}  # fmt: skip
KIND_PROACTIVE: dict[str, list[str]] = {
    "social": ["按季度公开低保、特困人员救助资金发放情况", "公开养老服务机构名录和收费标准",
               "集中发布稳就业补贴的申领条件和办理流程"],
    "finance": ["重点公开财政预决算、重大建设项目和公共资源配置信息",
                "对部门预决算公开情况逐家检查并通报"],
    "works": ["按月发布重点项目建设进度", "在汛期及时发布雨情水情和避险转移信息",
              "公开保障性住房分配对象和轮候情况"],
    "health": ["公开医疗机构执业登记和医疗服务价格", "及时发布传染病防控提示"],
    "insurance": ["公开定点医药机构名单和医保报销政策", "公开医保基金飞行检查和专项治理结果",
                  "集中发布药品和医用耗材集中带量采购的中选结果"],
    "education": ["对教育收费、招生入学政策进行集中公开", "在招生季开设入学政策问答专栏"],
    "rural": ["公开农村集体经济组织财务和惠农补贴发放情况", "公开高标准农田建设项目清单"],
    "market": ["及时发布食品安全抽检结果和消费警示", "公开双随机抽查计划和抽查结果",
               "围绕企业开办、惠企政策兑现等事项集中发布办事指引"],
    "land": ["对社会关注的征地拆迁补偿标准逐项公开", "公开国土空间规划批前公示和批后公告",
             "土地征收启动公告、补偿安置方案全部在网站公开"],
    "safety": ["公开安全生产行政处罚信息", "在汛期及时发布雨情水情和避险转移信息"],
    "law": ["公开行政复议受理渠道和法律援助服务网点"],
    "office": ["对重大行政决策事项在决策前公开征求意见", "在网站开设优化营商环境专题，集中发布涉企政策"],
    "town": ["公开农村集体经济组织财务和惠农补贴发放情况", "在村务公开栏按季度公布低保对象名单",
             "对社会关注的征地拆迁补偿标准逐项公开"],
    "government": ["重点公开财政预决算、重大建设项目和公共资源配置信息",
                   "对重大行政决策事项在决策前公开征求意见",
                   "在网站开设优化营商环境专题，集中发布涉企政策",
                   "按月发布重点项目建设进度", "对社会关注的征地拆迁补偿标准逐项公开"],
}  # fmt: skip
# applicant mix (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他) by kind of agency
APPLICANT_MIX: dict[str, tuple[float, ...]] = {
    "town": (0.93, 0.03, 0.0, 0.0, 0.02, 0.02),
    "market": (0.45, 0.45, 0.01, 0.02, 0.05, 0.02),
    "land": (0.72, 0.14, 0.01, 0.01, 0.10, 0.02),
    "works": (0.70, 0.20, 0.01, 0.01, 0.06, 0.02),
    "government": (0.76, 0.10, 0.02, 0.02, 0.07, 0.03),
}
DEFAULT_MIX = (0.84, 0.08, 0.02, 0.02, 0.03, 0.01)
# outcome rows with weights within their group (real frequencies: 信息不存在 dominates 无法提供,
# 过程性信息 and 内部事务 dominate 不予公开, 信访举报 and 重复申请 dominate 不予处理)
OUTCOME_GROUPS: dict[str, dict[str, float]] = {
    "granted": {"granted": 1.0},
    "partial": {"partially_granted": 1.0},
    "denied": {
        "denied_process_info": 3, "denied_internal_affairs": 3, "denied_third_party": 2,
        "denied_enforcement_file": 1.5, "denied_admin_query": 1.5, "denied_law_prohibited": 1,
        "denied_three_security_one_stability": 0.5, "denied_state_secret": 0.3,
    },
    "unable": {"unable_not_held": 6, "unable_need_creation": 2,
               "unable_unclear_after_correction": 1.5},
    "not_processed": {"not_processed_petition": 3, "not_processed_repeat": 2,
                      "not_processed_publication": 1.5, "not_processed_confirm": 0.5,
                      "not_processed_massive": 0.3},
    "other": {"other_no_correction": 2, "other_other": 2, "other_no_fee_paid": 0.2},
}  # fmt: skip
# profiles of results (share of each group): most agencies mixed; some all 予以公开; some with
# 无法提供 or 不予公开 making most of the results
PROFILES: dict[str, dict[str, float]] = {
    "mixed": {"granted": 0.45, "partial": 0.1, "denied": 0.08, "unable": 0.25,
              "not_processed": 0.07, "other": 0.05},
    "all_granted": {"granted": 1.0},
    "unable_heavy": {"granted": 0.2, "partial": 0.05, "unable": 0.6, "not_processed": 0.1,
                     "other": 0.05},
    "denied_heavy": {"granted": 0.3, "partial": 0.1, "denied": 0.4, "unable": 0.15,
                     "other": 0.05},
}  # fmt: skip
# applications a year by level (real: a 镇 a handful, a county government tens to hundreds)
VOLUME = {
    "乡镇（街道）": (0, 6), "县级部门": (0, 18), "市级部门": (2, 45), "省级部门": (5, 90),
    "区县政府": (15, 160), "市级政府": (40, 320), "省级政府": (120, 700),
}  # fmt: skip
# 3 notes per part for governments and city/province departments, fewer for counties and towns
NOTE_COUNTS = {
    "乡镇（街道）": [0, 1, 1, 2], "县级部门": [0, 1, 2, 2, 3], "市级部门": [1, 2, 2, 3],
    "省级部门": [1, 2, 3, 3],
}  # fmt: skip
TOWN_ONLY = ("村务", "镇便民", "惠农")


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def _table3(rng: random.Random, kind: str, level: str) -> dict[str, Any]:
    """表三 of one agency: applications drawn one by one (applicant by the kind's mix, result by
    the agency's profile); a few still pending at year-end go to 结转下年度继续办理."""
    low, high = VOLUME[level]
    count = rng.randint(low, high) if rng.random() < 0.85 else rng.randint(0, max(1, high // 6))
    profile = PROFILES[
        rng.choices(sorted(PROFILES), [PROFILES_WEIGHT[p] for p in sorted(PROFILES)])[0]
    ]
    if count <= 3 and rng.random() < 0.5:
        profile = PROFILES["all_granted"]
    mix = APPLICANT_MIX.get(kind, DEFAULT_MIX)
    rows: dict[str, dict[str, int]] = {}
    for _ in range(count):
        column = rng.choices(APPLICANT_COLUMNS, mix)[0]
        group = _weighted(rng, profile)
        row = "carried_forward" if rng.random() < 0.03 else _weighted(rng, OUTCOME_GROUPS[group])
        for name in ("new_received", row):
            rows.setdefault(name, {}).setdefault(column, 0)
            rows[name][column] += 1
    return rows


PROFILES_WEIGHT = {"mixed": 0.55, "all_granted": 0.2, "unable_heavy": 0.13, "denied_heavy": 0.12}


def generate_data_realistic(rng: random.Random, index: int) -> dict[str, Any]:
    """The data file of one generated agency, calibrated per kind and level (see the module
    docstring): applicant mix, results profile, categories and notes by kind of agency."""
    data = generate_data_uniform(rng, index, departments=sorted(REAL_DEPARTMENTS))
    meta, facts = data["meta"], data["facts"]
    level = meta["level"]
    government = level.endswith("政府")
    if level == "乡镇（街道）":
        kind = "town"
    elif government:
        kind = "government"
    else:
        kind = next(
            k
            for d, k in REAL_DEPARTMENTS.items()
            if meta["agency"].endswith(department_name(d, level))
        )
    data["table3"] = _table3(rng, kind, level)
    total = facts["proactive_total"]
    if rng.random() < 0.8:
        names = rng.sample(KIND_CATEGORIES[kind], rng.randint(1, 4))
        facts["proactive_categories"] = [
            {"name": c, "count": rng.randint(1, total // 3 + 1)} for c in names
        ]
    else:
        facts["proactive_categories"] = []
    if data["table2"]["penalty"] and kind in ("office", "finance", "town"):
        data["table2"]["penalty"] = 0  # 办公室、财政、统计… rarely decide penalties
    if kind == "market":
        data["table2"]["penalty"] *= 4
    if kind == "office":  # 办公室、机关事务、统计 grant no licences and charge no fees;
        # 民族宗教 approves a few (宗教活动场所 …)
        religious = meta["agency"].endswith("民族宗教事务委员会")
        data["table2"]["licensing"] = min(data["table2"]["licensing"], 12) if religious else 0
        data["table2"]["fees_wan_yuan"] = "0"
    if kind == "insurance":  # 医保 decides few licences and charges no fees
        data["table2"]["licensing"] = min(data["table2"]["licensing"], 20)
        data["table2"]["fees_wan_yuan"] = "0"
    if "proactive_notes" not in facts:  # the agency that reported almost nothing
        return data
    counts = [2, 3, 3, 4] if government else NOTE_COUNTS[level]
    for key in ("proactive", "on_request", "management", "platform", "supervision"):
        pool = KIND_PROACTIVE[kind] if key == "proactive" else NOTES[key]
        if kind != "town" and not government:
            pool = [n for n in pool if not any(w in n for w in TOWN_ONLY)] or pool
        if government:  # a government's units are 部门, not 科室
            pool = [n for n in pool if "科室" not in n]
        picked = rng.sample(pool, min(len(pool), rng.choice(counts)))
        facts[f"{key}_notes"] = "。".join(picked) + ("。" if picked else "")
    if "practices" in facts and level == "乡镇（街道）" and rng.random() < 0.5:
        del facts["practices"]  # a 镇 seldom keeps structured records of its practices
    _more_facts(random.Random(12_000 + index), data, kind)
    _area_facts(random.Random(13_000 + index), data, kind)
    _engagement_facts(random.Random(15_000 + index), data)
    _organisation_facts(random.Random(14_000 + index), data, kind)
    _talk_facts(random.Random(16_000 + index), data)
    _government_counts(random.Random(17_000 + index), data)  # 16_000: _talk_facts
    if "problems" in facts and facts.get("organisation", {}).get("staff") == 1:  # not 多为兼职
        facts["problems"] = [p.replace("多为兼职", "为兼职") for p in facts.get("problems", [])]
    return data


# --- how much a typical agency of each level reports (i12-length) --------------------------
# Calibration, from reading the register of real reports of each level (numbers written here,
# no published text copied): a county/city/province government's report covers the whole area
# and tells several items in every sub-part (公开专区/查阅点 counts, dozens of 政务新媒体 accounts,
# trainings for the area's staff counted in hundreds of 人次, 考核 of every department and
# quarterly 通报, 社会评议), each in a sentence of its own; a department tells one to three items
# a sub-part; a 镇 fewer. About half of the reports that have last year's report answer for last
# year's problems (the 2021 format asks for 改进情况). The draws below use their own generator
# (seeded by the agency's index), so the tables stay those of the first draw.
# practices: chance of structured answers, and ranges (low, high) of the counts
PRACTICES_BY_LEVEL: dict[str, dict[str, Any]] = {
    "乡镇（街道）": {"chance": 0.0, "items": (1, 2), "accounts": (1, 2), "points": (1, 3),
                  "sessions": (1, 2), "people": (8, 40), "circulars": (1, 2)},
    "县级部门": {"chance": 0.3, "items": (1, 2), "accounts": (1, 3), "points": (1, 2),
             "sessions": (1, 4), "people": (10, 60), "circulars": (1, 4)},
    "市级部门": {"chance": 0.4, "items": (1, 3), "accounts": (1, 5), "points": (1, 3),
             "sessions": (2, 6), "people": (30, 200), "circulars": (2, 6)},
    "省级部门": {"chance": 0.4, "items": (1, 3), "accounts": (2, 8), "points": (1, 3),
             "sessions": (2, 8), "people": (50, 400), "circulars": (2, 8)},
    "区县政府": {"chance": 1.0, "items": (2, 4), "accounts": (20, 90), "points": (8, 40),
             "sessions": (3, 10), "people": (200, 1500), "circulars": (2, 6)},
    "市级政府": {"chance": 1.0, "items": (2, 4), "accounts": (60, 300), "points": (20, 120),
             "sessions": (4, 12), "people": (500, 4000), "circulars": (2, 8)},
    "省级政府": {"chance": 1.0, "items": (2, 4), "accounts": (150, 900), "points": (50, 400),
             "sessions": (4, 15), "people": (1000, 9000), "circulars": (2, 8)},
}  # fmt: skip
# the items a government's clerk adds for the whole area, in every sub-part (4–6 of them)
GOVERNMENT_NOTES: dict[str, list[str]] = {
    "proactive": [
        "围绕优化营商环境、稳岗就业等重点工作集中发布政策文件和办事指南，涉企政策在政府网站专题集中展示",
        "组织各部门按季度更新权责清单和行政执法公示信息，执法结果在作出决定后按规定公示",
        "围绕就业、教育、医疗、养老等民生领域编制公开事项清单，逐项明确公开内容和公开时限",
        "乡村振兴衔接资金项目在项目所在地和政府网站同步公示，接受群众对资金使用的监督",
        "重大行政决策作出前通过政府网站公开征求意见，并在决策后公布意见采纳情况和理由",
        "财政预决算、政府债务和重大建设项目批准实施信息按规定集中公开，部门预决算统一在政府网站发布",
        "生态环境、食品药品、安全生产等领域的监管信息在政府网站开设专栏集中发布",
    ],
    "on_request": [
        "统一全域依申请公开答复文书格式，规范告知书中法律依据和救济途径的写法",
        "对疑难复杂申请实行会商办理，由司法行政部门参与答复前的合法性审核",
        "建立依申请公开办理工作月报制度，掌握各部门的办理进度，临近期限的申请提前提醒",
        "对申请较多的事项开展分析研判，将群众普遍关注的信息转为主动公开",
        "组织各部门对依申请公开答复书开展交叉评查，评查意见逐件反馈承办单位",
        "在政务服务中心设立依申请公开受理窗口，现场指导申请人填写申请表",
    ],
    "management": [
        "组织各部门动态调整主动公开基本目录，新增事项逐条明确公开时限和公开方式",
        "对政府网站历年发布的规范性文件逐件标注有效性，失效文件统一标注后保留查阅",
        "推进基层政务公开标准化规范化建设，指导基层单位更新公开事项清单并在公开专区展示",
        "建立公开属性源头认定机制，公文拟稿时同步明确公开属性，不予公开的写明理由",
        "组织开展政务公开自查，对栏目空白、内容更新不及时等问题逐项整改并建立台账",
        "政府信息发布实行部门初审、办公室复审、分管领导终审，重要信息发布前征求相关部门意见",
    ],
    "platform": [
        "对政府门户网站政府信息公开专栏进行改版，按法定主动公开内容重新设置栏目",
        "在各级政务服务中心设立政府信息公开专区，配备查询终端和纸质公开资料，方便群众现场查阅",
        "政务新媒体统一纳入政府网站集约化平台管理，每季度开展内容检查，关停长期不更新的账号",
        "政府网站开通无障碍浏览和长者模式，方便老年人和残障人士获取信息",
        "在政府网站开设政策问答库，集中回应企业和群众的常见咨询，答复内容定期更新",
        "依托融媒体中心开设政策解读栏目，用广播、电视和短视频发布重要政策",
    ],
    "supervision": [
        "对各部门政务公开工作中发现的问题建立整改台账，逐项销号",
        "按季度对各部门政府网站和政务新媒体开展检查，发现的问题限期整改并跟踪复查",
        "邀请人大代表、政协委员和群众代表走进政务服务中心，听取对公开工作的意见建议",
        "政务公开工作领导小组召开专题会议，研究部署年度重点任务并明确责任分工",
        "对群众反映的信息公开问题建立转办、督办和反馈机制，办理结果告知反映人",
        "各部门明确一名分管负责人和专职工作人员负责政务公开，人员变动时及时报备",
    ],
}
# last year's problems and what was done about them (problem, rectification)
PREVIOUS_PROBLEMS = [
    ("政策解读形式比较单一", "采用图解、短视频和问答等形式解读重要政策文件，解读材料与政策文件同步发布"),
    ("依申请公开答复的规范性有待加强", "统一了答复文书格式，答复前增加法律顾问审核环节"),
    ("政府信息公开专栏部分栏目更新不及时", "明确各栏目的更新责任人和时限，每月检查栏目更新情况"),
    ("政务公开业务培训不够", "组织经办人员参加上级业务培训，并开展内部学习交流"),
    ("主动公开的深度和广度还不够", "对照主动公开基本目录逐项梳理公开事项，补充公开财政资金和重点项目信息"),
    ("回应社会关切不够及时", "建立舆情收集和回应机制，对群众关注的问题及时发布说明"),
]  # fmt: skip

# the problems and measures a clerk writes in (五) when asked (not paired one to one)
OWN_PROBLEMS = [
    "政策解读的针对性和通俗性还不够强，图解、视频等形式运用较少",
    "部分栏目信息更新不够及时，个别栏目内容偏少",
    "依申请公开答复的说理还不够充分",
    "政务公开工作人员多为兼职，业务能力有待提高",
    "回应社会关切的主动性和时效性有待加强",
    "公开内容与群众需求的结合还不够紧密",
]
OWN_MEASURES = [
    "丰富政策解读形式，对重要政策文件同步制作图解和问答",
    "明确各栏目的更新责任和时限，按月检查栏目更新情况",
    "规范依申请公开答复文书，答复前加强法制审核",
    "组织经办人员系统学习《条例》和答复规范，提高业务能力",
    "建立回应关切工作机制，对群众关注的问题及时作出说明",
    "围绕群众关注的事项梳理公开清单，提高公开的针对性",
]

# a government's clerk writes the problems and measures of the whole area, each with its cause
GOVERNMENT_PROBLEMS = [
    "部分部门和基层单位对政务公开工作重视不够，栏目更新不及时、内容不完整的问题仍然存在",
    "政策解读的质量参差不齐，部分解读只是对文件内容的简单摘录，群众不易理解",
    "基层政务公开标准化规范化建设推进不平衡，部分基层单位的公开事项清单落实不到位",
    "依申请公开答复的规范性仍需提高，个别部门答复说理不充分、告知不完整",
    "政务新媒体数量多、运维力量分散，个别账号更新慢、互动少",
    "政务公开工作人员变动较频繁，新任人员的业务能力有待提高",
]
GOVERNMENT_MEASURES = [
    "加强对各部门政务公开工作的日常检查，按季度通报栏目更新情况并督促整改",
    "建立政策文件与解读材料同步起草、同步审签、同步发布的机制，多用图解和问答进行解读",
    "指导基层单位对照标准目录逐项梳理公开事项，组织交叉检查",
    "组织依申请公开答复文书评查，对不规范的答复逐件反馈、限期改正",
    "对政务新媒体开展集中清理整合，落实账号的主管主办责任",
    "把政务公开纳入干部教育培训内容，对新任工作人员开展上岗前业务辅导",
]
GOVERNMENT_OTHER = [
    "政府系统承办的人大代表建议和政协提案均按期办结，办理复文依规在政府网站公开",
    "对照上级政务公开工作要点，逐项制定任务分解表并按季度调度落实情况",
    "组织开展政府开放日活动，邀请群众代表走进政务服务中心和重点项目现场",
    "政府常务会议审议的重要事项会后及时公开，部分会议邀请利益相关方列席",
]


def _more_facts(rng: random.Random, data: dict[str, Any], kind: str) -> None:
    """Top up the facts an agency of this level typically reports (calibration above): more
    structured practices for governments and city/province departments, a government's items
    for the whole area in every sub-part, last year's problems answered. An agency that reported
    almost nothing beyond the tables gets nothing."""
    facts, level = data["facts"], data["meta"]["level"]
    if "proactive_notes" not in facts:
        return
    spec = PRACTICES_BY_LEVEL[level]
    government = level.endswith("政府")
    if "practices" not in facts and rng.random() < spec["chance"]:
        facts["practices"] = {}
    if "practices" in facts and level != "乡镇（街道）":
        practices, span = facts["practices"], spec["items"]
        pools = {
            "review_methods": ["保密审查", "三审三校", "合法性审查", "公开属性审查"],
            "updated_guides": ["政府信息公开指南", "主动公开基本目录", "依申请公开流程图"],
            "interpretation_forms": ["文字解读", "图解", "视频", "问答", "专家解读"],
            "supervision_methods": ["纳入年度绩效考核", "社会评议", "责任追究", "第三方评估"],
        }
        for name, pool in pools.items():
            if len(practices.get(name) or []) < span[0]:
                practices[name] = rng.sample(pool, min(len(pool), rng.randint(*span)))
        counts = {
            "new_media_accounts": "accounts",
            "reading_points": "points",
            "circulars": "circulars",
        }
        for name, key in counts.items():
            if government or (practices.get(name) is None and rng.random() < 0.5):
                practices[name] = rng.randint(*spec[key])
        if government:
            facts["training_sessions"] = rng.randint(*spec["sessions"])
            practices["trained_people"] = rng.randint(*spec["people"])
        elif facts.get("training_sessions") and practices.get("trained_people") is None:
            practices["trained_people"] = rng.randint(*spec["people"])
    if government:  # （一）: a government publishes in many categories and explains its policies
        total = facts["proactive_total"]
        names = rng.sample(KIND_CATEGORIES[kind], rng.randint(4, 6))
        shares = [rng.random() + 0.2 for _ in names]
        facts["proactive_categories"] = [
            {"name": c, "count": max(1, int(total * 0.8 * w / sum(shares)))}
            for c, w in zip(names, shares, strict=True)
        ]
        scale = {"区县政府": 1, "市级政府": 2, "省级政府": 4}[level]
        facts["policy_interpretations"] = rng.randint(15, 60) * scale
        facts["press_conferences"] = rng.randint(4, 20) * scale
        practices = facts["practices"]
        practices["responses"] = rng.randint(20, 120) * scale
        facts["channels"] = rng.sample(CHANNELS, rng.randint(3, 5))
        for key, pool in GOVERNMENT_NOTES.items():
            had = [s for s in facts.get(f"{key}_notes", "").split("。") if s]
            drawn = rng.sample(pool, rng.randint(3, 4))
            # a clerk does not write the same work twice (NOTES and GOVERNMENT_NOTES overlap)
            picked = had + [n for n in drawn if not any(same_work(n, h) for h in had)]
            facts[f"{key}_notes"] = "。".join(picked) + "。"
    if "previous_year" in data and rng.random() < 0.5:
        chosen = rng.sample(PREVIOUS_PROBLEMS, rng.randint(1, 2))
        facts["previous_problems"] = [{"problem": p, "rectification": r} for p, r in chosen]
    if rng.random() < (0.7 if government else 0.5):  # the clerk's own problems and measures
        many = rng.randint(3, 4) if government else rng.randint(1, 3)
        problems, measures = (
            (GOVERNMENT_PROBLEMS, GOVERNMENT_MEASURES)
            if government
            else (OWN_PROBLEMS, OWN_MEASURES)
        )
        # each problem with its own measure (the lists are paired by position), none that
        # repeats last year's fix already reported done, no 说理 problem without a refusal (P-11)
        done = [p["rectification"] for p in facts.get("previous_problems", [])]
        refused = any(
            row.startswith(("denied", "unable", "not_processed", "other")) for row in data["table3"]
        )
        eligible = [
            i
            for i in range(len(problems))
            if not any(similarity(measures[i], fix) >= 0.6 for fix in done)
            and (refused or "说理" not in problems[i])
        ]
        chosen = sorted(rng.sample(eligible, min(many, len(eligible))))
        if chosen:
            facts["problems"] = [problems[i] for i in chosen]
            facts["measures"] = [measures[i] for i in chosen]
    if government:  # 六: the area's 建议提案 and 工作要点, as a government reports them
        facts["other_matters"] = "。".join(rng.sample(GOVERNMENT_OTHER, rng.randint(2, 3))) + "。"


# --- the area's work (facts.area, i12-length: issue 12's length for governments and 乡镇) ---
# Calibration, from reading the register of real reports of each level (numbers written here,
# no published text copied): the share of reports of the level that mention the item, and the
# range of its count. Governments' reports nearly always have a 重点领域信息公开 passage; about
# half report 建议提案办理结果 (more for cities and provinces); a third to two fifths 政府开放日;
# a 政府公报 about two in five 区县 (many counties print none), most 市 and nearly every 省
# (monthly to twice a month, a handful of documents an issue); new or revised website columns
# and 专题 about three in five; a 区县 report sometimes counts the 村居 that publish 村务、居务.
# A 乡镇 report names the fields it published (惠农补贴、低保 …) in about half the cases, counts
# its 村居 in about half and its 公开栏 in two fifths.
AREA_BY_LEVEL: dict[str, dict[str, tuple[float, int, int]]] = {
    "区县政府": {"key_areas": (0.9, 3, 5), "proposals": (0.5, 80, 260), "open_days": (0.35, 1, 6),
             "gazette_issues": (0.4, 4, 12), "website_columns": (0.6, 1, 3),
             "villages": (0.3, 90, 400)},
    "市级政府": {"key_areas": (0.9, 3, 5), "proposals": (0.6, 300, 900), "open_days": (0.45, 2, 12),
             "gazette_issues": (0.85, 12, 24), "website_columns": (0.6, 1, 3)},
    "省级政府": {"key_areas": (0.9, 3, 5), "proposals": (0.65, 800, 2000),
             "open_days": (0.4, 2, 15), "gazette_issues": (0.95, 12, 36),
             "website_columns": (0.6, 1, 3)},
    "乡镇（街道）": {"key_areas": (0.5, 2, 3), "villages": (0.5, 6, 30)},
}  # fmt: skip
AREA_KEY_AREAS = {
    "government": ["财政预决算", "重大建设项目", "公共资源配置", "社会公益事业", "政府采购",
                   "生态环境", "食品药品监管", "安全生产", "义务教育", "医疗卫生", "社会救助",
                   "就业创业", "乡村振兴"],
    "town": ["惠农补贴", "低保和特困供养", "村级财务", "危房改造", "医疗救助", "乡村振兴项目"],
}  # fmt: skip
AREA_COLUMNS = ["优化营商环境专题", "政策问答库", "惠企政策专区", "重点项目建设专栏",
                "民生实事专题", "乡村振兴专栏", "人大建议政协提案办理专栏"]  # fmt: skip


def _area_facts(rng: random.Random, data: dict[str, Any], kind: str) -> None:
    """The area's work a government or a 乡镇 reports (calibration above), drawn with its own
    generator so every earlier draw stays; a 重点领域, column, 建议提案 or 开放日 the agency's
    categories or notes already tell is not drawn (the clerk would not say it twice). An agency that
    reported almost nothing beyond the tables gets nothing."""
    facts, level = data["facts"], data["meta"]["level"]
    spec = AREA_BY_LEVEL.get(level)
    if spec is None or "proactive_notes" not in facts:
        return
    told = " ".join(
        [c["name"] for c in facts.get("proactive_categories", [])]
        + [v for k, v in facts.items() if k.endswith("_notes") or k == "other_matters"]
    )
    said = {"proposals": "提案", "open_days": "开放日"}  # told in the clerk's own words already
    area: dict[str, Any] = {}
    for name, (chance, low, high) in spec.items():
        if rng.random() >= chance or said.get(name, "\0") in told:
            continue
        if name == "key_areas":
            pool = [a for a in AREA_KEY_AREAS[kind if kind == "town" else "government"]
                    if a not in told]  # fmt: skip
            area[name] = rng.sample(pool, min(len(pool), rng.randint(low, high)))
        elif name == "website_columns":
            pool = [c for c in AREA_COLUMNS if c[:4] not in told]
            area[name] = rng.sample(pool, min(len(pool), rng.randint(low, high)))
        else:
            area[name] = rng.randint(low, high)
    if "gazette_issues" in area and rng.random() < 0.7:
        area["gazette_documents"] = area["gazette_issues"] * rng.randint(3, 8)
    if "villages" in area and rng.random() < 0.8:
        area["notice_boards"] = area["villages"] + rng.randint(1, 5)
    if area:
        facts["area"] = area


# --- 决策公开、政民互动和建议提案办理 (facts.engagement, i12-gov) ------------------------------
# Calibration, from reading the register of real reports of each level (numbers written here,
# no published text copied): the share of reports of the level that give the count, and its
# range. Governments count drafts and decisions put out for comment in most reports (tens a
# 区县, up to a few hundred a province) and, in about a third, the people invited to sit in
# on 常务会议; about half count the website's or hotline's 留言 (hundreds to thousands a 区县,
# tens of thousands a province), nearly always with how many were answered; about half count
# the 建议 and 提案 the government system handled. Departments give these less often and in
# small numbers (a few consultations, tens to hundreds of 留言, a few dozen 建议提案, most
# often those that handle many: 教育, 人社, 住建 …); a 乡镇 seldom, and then only 留言.
ENGAGEMENT_BY_LEVEL: dict[str, dict[str, tuple[float, int, int]]] = {
    "区县政府": {"consultations": (0.6, 5, 40), "attendees": (0.35, 10, 60),
             "messages": (0.5, 300, 5000), "suggestions": (0.5, 80, 250)},
    "市级政府": {"consultations": (0.65, 10, 80), "attendees": (0.4, 20, 120),
             "messages": (0.55, 2000, 30000), "suggestions": (0.5, 300, 800)},
    "省级政府": {"consultations": (0.7, 20, 150), "attendees": (0.45, 30, 200),
             "messages": (0.55, 10000, 200000), "suggestions": (0.5, 600, 1200)},
    "县级部门": {"consultations": (0.2, 1, 6), "messages": (0.3, 10, 300),
             "suggestions": (0.3, 3, 40)},
    "市级部门": {"consultations": (0.3, 2, 12), "messages": (0.35, 50, 2000),
             "suggestions": (0.35, 10, 80)},
    "省级部门": {"consultations": (0.35, 3, 20), "messages": (0.35, 100, 5000),
             "suggestions": (0.4, 20, 150)},
    "乡镇（街道）": {"messages": (0.15, 5, 80)},
}  # fmt: skip
# Words of the notes that already tell a fact: the clerk who wrote them would not also count it.
ENGAGEMENT_TOLD = {"consultations": "征求意见", "attendees": "列席", "messages": "留言",
                   "suggestions": "提案"}  # fmt: skip


def _engagement_facts(rng: random.Random, data: dict[str, Any]) -> None:
    """The engagement counts an agency of this level reports (calibration above), drawn with
    its own generator so every earlier draw stays; a fact the notes or 六 already tell is not
    drawn; the 政协提案 are at least the published results less the 建议 (facts.area.proposals
    ≤ 建议 + 提案, the data check). An agency that reported almost nothing gets nothing."""
    facts, level = data["facts"], data["meta"]["level"]
    spec = ENGAGEMENT_BY_LEVEL.get(level)
    if spec is None or "proactive_notes" not in facts:
        return
    told = " ".join(v for k, v in facts.items() if k.endswith("_notes") or k == "other_matters")
    out: dict[str, int] = {}
    for name, (chance, low, high) in spec.items():
        if rng.random() >= chance or ENGAGEMENT_TOLD[name] in told:
            continue
        out[name] = rng.randint(low, high)
        if name == "messages" and rng.random() < 0.9:  # nearly always with the answered count
            out["messages_answered"] = out[name] - rng.choice([0, 0, rng.randint(1, 20)])
            out["messages_answered"] = max(out["messages_answered"], 0)
        if name == "suggestions":
            published = facts.get("area", {}).get("proposals") or 0
            cppcc = int(out[name] * rng.uniform(0.8, 1.4))
            out["cppcc_proposals"] = max(cppcc, published - out[name])
    if out:
        facts["engagement"] = out


# How the work is organised (calibration above): for each answer, the share of the level's real
# reports that tell it and the range of the count; governments' staff are their office's.
_DEPARTMENT_ORG = {"group_head": (0.7, 0, 0), "staff": (0.45, 1, 4),
                   "study_meetings": (0.4, 1, 4), "work_plan": (0.45, 0, 0)}  # fmt: skip
_GOVERNMENT_ORG = {"group_head": (0.6, 0, 0), "staff": (0.2, 3, 12),
                   "study_meetings": (0.85, 1, 4), "work_plan": (0.9, 0, 0)}  # fmt: skip
ORGANISATION_BY_LEVEL: dict[str, dict[str, tuple[float, int, int]]] = {
    "县级部门": _DEPARTMENT_ORG, "市级部门": _DEPARTMENT_ORG, "省级部门": _DEPARTMENT_ORG,
    "乡镇（街道）": {**_DEPARTMENT_ORG, "work_plan": (0.35, 0, 0)},
    "区县政府": _GOVERNMENT_ORG, "市级政府": _GOVERNMENT_ORG, "省级政府": _GOVERNMENT_ORG,
}  # fmt: skip
ORGANISATION_PLANS = ["{y}年政务公开工作要点", "{y}年政务公开工作实施方案",
                      "{y}年政务公开重点工作任务清单", "{y}年政府信息公开工作计划"]  # fmt: skip
# (said, the posts that head the group): a government by its kind of area, others by name.
GROUP_HEADS = {
    "县": ["分管副县长", "常务副县长", "县长"], "区": ["分管副区长", "常务副区长"],
    "市": ["分管副市长", "常务副市长"], "省": ["分管副省长"],
    "镇": ["镇长", "党委书记", "分管副镇长"], "乡": ["乡长", "分管副乡长"],
    "街道": ["办事处主任", "党工委书记"], "局": ["局长", "党组书记、局长", "分管副局长"],
    "厅": ["厅长", "分管副厅长"], "委员会": ["主任", "分管副主任"], "办公室": ["主任", "分管副主任"],
    "中心": ["主任", "分管副主任"], "委": ["主任", "分管副主任"], "院": ["院长", "分管副院长"],
    "所": ["所长"], "站": ["站长"], "队": ["队长", "支队长"],
}  # fmt: skip


def _group_head(rng: random.Random, agency: str, level: str) -> str:
    """A post that heads the agency's 领导小组, as its reports name it."""
    name = agency.removesuffix("人民政府").removesuffix("办事处")  # 凤山街道办事处 → 街道
    if level.endswith("政府"):
        key = next((k for k in ("县", "区", "市", "省") if name.endswith(k)), "县")
    else:
        # the longest suffix first: 委员会 before 委
        key = next(
            (k for k in sorted(GROUP_HEADS, key=len, reverse=True) if name.endswith(k)), "局"
        )
    return rng.choice(GROUP_HEADS[key])


def _organisation_facts(rng: random.Random, data: dict[str, Any], kind: str) -> None:
    """How the agency organises its work (calibration above), drawn with its own generator so
    every earlier draw stays; an answer the 监督保障 note already tells is not drawn. An agency
    that reported almost nothing beyond the tables gets nothing."""
    facts, meta = data["facts"], data["meta"]
    spec = ORGANISATION_BY_LEVEL.get(meta["level"])
    if spec is None or "proactive_notes" not in facts:
        return
    note = facts.get("supervision_notes", "")
    said = {"group_head": "领导小组", "work_plan": "要点", "study_meetings": "专题", "staff": "兼"}
    org: dict[str, Any] = {}
    for name, (chance, low, high) in spec.items():
        if rng.random() >= chance or said[name] in note:
            continue
        if name == "group_head":
            org[name] = _group_head(rng, meta["agency"], meta["level"])
        elif name == "work_plan":
            org[name] = rng.choice(ORGANISATION_PLANS).format(y=meta["report_year"])
        else:
            org[name] = rng.randint(low, high)
    if org:
        facts["organisation"] = org


# --- 12345热线、在线访谈、政务新媒体发布信息 (facts.engagement, i12-gov2) ---------------------------
# Calibration as above (numbers written here, no published text copied): the share of reports of
# the level that give the count, and its range. A 区县政府's report gives its 12345 hotline's cases
# in a little under half the reports (thousands to tens of thousands), a city's hundreds of
# thousands, a province's millions; departments give the 转办件 they handled (or their own
# 12315/12333 line) less often, a 乡镇 runs no hotline. Governments host 在线访谈 in about two
# reports in five (a few to a few dozen a year); departments sit in one or host a few. Half of the
# governments and a third of the departments count the posts of their 新媒体 accounts (thousands to
# hundreds of thousands by level), a 镇 with an account sometimes; never without an account.
TALK_BY_LEVEL: dict[str, dict[str, tuple[float, int, int]]] = {
    "区县政府": {"hotline_cases": (0.45, 2000, 60000), "interviews": (0.4, 4, 36),
             "new_media_posts": (0.5, 3000, 40000)},
    "市级政府": {"hotline_cases": (0.5, 80000, 900000), "interviews": (0.45, 10, 60),
             "new_media_posts": (0.5, 10000, 150000)},
    "省级政府": {"hotline_cases": (0.35, 500000, 5000000), "interviews": (0.45, 12, 80),
             "new_media_posts": (0.45, 30000, 400000)},
    "县级部门": {"hotline_cases": (0.25, 20, 1500), "interviews": (0.15, 1, 4),
             "new_media_posts": (0.35, 100, 2000)},
    "市级部门": {"hotline_cases": (0.3, 200, 20000), "interviews": (0.25, 1, 6),
             "new_media_posts": (0.4, 300, 5000)},
    "省级部门": {"hotline_cases": (0.2, 500, 50000), "interviews": (0.3, 1, 10),
             "new_media_posts": (0.45, 500, 10000)},
    "乡镇（街道）": {"new_media_posts": (0.25, 50, 800)},
}  # fmt: skip
# Words of the notes that already tell a fact (政务微信公众号全年推送信息: the posts, uncounted).
TALK_TOLD = {"hotline_cases": ("热线",), "interviews": ("访谈", "直播"),
             "new_media_posts": ("推送信息", "发布信息")}  # fmt: skip


def _talk_facts(rng: random.Random, data: dict[str, Any]) -> None:
    """The 热线, 访谈 and 新媒体发布信息 an agency of this level counts (calibration above), with
    its own generator so every earlier draw stays; a fact the notes already tell is not drawn;
    no posts without a 新媒体 account (none reported: the posts may still be, as in real reports)."""
    facts, level = data["facts"], data["meta"]["level"]
    spec = TALK_BY_LEVEL.get(level)
    if spec is None or "proactive_notes" not in facts:
        return
    told = " ".join(v for k, v in facts.items() if k.endswith("_notes") or k == "other_matters")
    accounts = facts.get("practices", {}).get("new_media_accounts")
    out: dict[str, int] = {}
    for name, (chance, low, high) in spec.items():
        if rng.random() >= chance or any(w in told for w in TALK_TOLD[name]):
            continue
        if name == "new_media_posts" and accounts == 0:
            continue
        out[name] = rng.randint(low, high)
    if out:
        facts.setdefault("engagement", {}).update(out)


# Counted work of real reports (i12-gov3): for each count, the share of the level's reports that
# give it and its range. Governments: 常务会议议题 made public or explained, website and 政务新媒体
# checks (quarterly to monthly) with the problems fixed and the stale accounts closed, the plan's
# tasks (only beside a plan); every level: 公文公开属性源头认定 (most often in governments').
_GOV_COUNTS = {"meeting_topics": (0.45, 20, 60), "site_checks": (0.6, 4, 12),
               "accounts_closed": (0.35, 2, 30), "plan_tasks": (0.4, 30, 90),
               "attributed_documents": (0.35, 120, 700)}  # fmt: skip
GOVERNMENT_COUNTS_BY_LEVEL: dict[str, dict[str, tuple[float, int, int]]] = {
    "区县政府": _GOV_COUNTS,
    "市级政府": {**_GOV_COUNTS, "meeting_topics": (0.5, 30, 90), "plan_tasks": (0.45, 50, 120)},
    "省级政府": {**_GOV_COUNTS, "meeting_topics": (0.5, 40, 120), "plan_tasks": (0.45, 60, 150)},
    "县级部门": {"attributed_documents": (0.25, 10, 150)},
    "市级部门": {"attributed_documents": (0.25, 20, 200)},
    "省级部门": {"attributed_documents": (0.25, 30, 300)},
    "乡镇（街道）": {"attributed_documents": (0.1, 10, 60)},
}  # fmt: skip
# Words of the notes that already tell a count: the clerk who wrote them would not also count it.
GOVERNMENT_COUNTS_TOLD = {"meeting_topics": ("议题",), "site_checks": ("监测", "内容检查"),
                          "accounts_closed": ("关停",), "plan_tasks": ("各项任务", "任务分解"),
                          "attributed_documents": ("源头认定",)}  # fmt: skip


def _government_counts(rng: random.Random, data: dict[str, Any]) -> None:
    """The counted work of i12-gov3 (calibration above), drawn with its own generator so every
    earlier draw stays; a count the notes already tell is not drawn, the plan's tasks only
    beside a plan, 源头认定 only where practices are kept. Each part ≤ its whole (完成 ≤ 任务,
    主动公开 ≤ 认定). An agency that reported almost nothing gets nothing."""
    facts, level = data["facts"], data["meta"]["level"]
    spec = GOVERNMENT_COUNTS_BY_LEVEL.get(level)
    if spec is None or "proactive_notes" not in facts:
        return
    told = " ".join(v for k, v in facts.items() if k.endswith("_notes") or k == "other_matters")
    for name, (chance, low, high) in spec.items():
        if rng.random() >= chance or any(w in told for w in GOVERNMENT_COUNTS_TOLD[name]):
            continue
        value = rng.randint(low, high)
        if name == "attributed_documents":
            if "practices" not in facts:
                continue
            facts["practices"][name] = value
            if rng.random() < 0.8:
                facts["practices"]["attributed_public"] = int(value * rng.uniform(0.55, 0.9))
        elif name == "plan_tasks":
            org = facts.get("organisation", {})
            if not org.get("work_plan"):
                continue
            org[name] = value
            if rng.random() < 0.8:
                org["plan_tasks_done"] = value if rng.random() < 0.6 else value - rng.randint(1, 5)
        else:
            area = facts.setdefault("area", {})
            area[name] = value
            if name == "site_checks" and rng.random() < 0.8:
                area["site_problems_fixed"] = rng.randint(8, 40 * value // 4)


GENERATORS = {"realistic": generate_data_realistic, "uniform": generate_data_uniform}


def _mask(text: str, report: Report) -> str:
    from draftbot.drafting.voice import voice_for

    names = [report.meta.agency, *re.findall(r"[^省市县区]+[省市县区]", report.meta.region)]
    own = voice_for(report.meta.agency, report.meta.level)
    for name in sorted({*names, own.self_name, own.area} - {""}, key=len, reverse=True):
        text = text.replace(name, "Ⓝ")
    text = re.sub(r"“[^”]*”", "Ⓠ", text)
    return re.sub(r"\d+(?:\.\d+)?", "#", text)


_FACT = re.compile(r"([\u4e00-\u9fff]{1,9})(\d+(?:\.\d+)?)(条|件|次|场|个|万元|元)")


def facts_twice(texts: dict[str, str]) -> list[str]:
    """Figures stated twice in one report: the same four characters, number and unit
    (业务培训3次 …); distinct facts with equal numbers (予以公开3件, 不予公开3件) differ."""
    seen = Counter(m.group(0) for text in texts.values() for m in _FACT.finditer(text))
    return [fact for fact, times in seen.items() if times > 1]


def claims(report: Report) -> list[str]:
    meta = report.meta.model_copy(update={"website": ""})
    empty = report.model_copy(
        update={"facts": type(report.facts)(), "previous_year": None, "meta": meta}
    )
    texts = draft_offline(empty)
    text = "\n".join(v for k, v in texts.items() if k != "problems")
    return [phrase for phrase in CLAIM_PHRASES if phrase in text]


def mean_similarity(
    masked: list[dict[str, str]], key: str, pairs: list[tuple[int, int]] | None = None
) -> float:
    """Mean difflib ratio of the section `key` over all pairs of drafts (or the given pairs)."""
    chosen = pairs if pairs is not None else list(itertools.combinations(range(len(masked)), 2))
    ratios = [
        difflib.SequenceMatcher(None, masked[a][key], masked[b][key], autojunk=False).ratio()
        for a, b in chosen
    ]
    return statistics.fmean(ratios)


def _pairs(count: int, limit: int) -> list[tuple[int, int]] | None:
    """All pairs when there are at most `limit`, else `limit` pairs drawn (seeded)."""
    total = count * (count - 1) // 2
    if total <= limit:
        return None
    every = list(itertools.combinations(range(count), 2))
    return random.Random(12).sample(every, limit)


# 五 talking about the report itself (the reviewer's business, P-06 / P-09), and the stock
# problems once written when nothing else was found (公开内容与公众需求的对接还有差距 …).
ABOUT_THE_REPORT = re.compile(r"本报告|年度报告|上年报告的文字|相近|与上年基本相同")
STOCK_PROBLEMS = ("公众需求的对接", "专业术语较多", "回应公众关切的意识")


def _problems_lines(reports: list[Report], drafts: list[dict[str, str]]) -> list[str]:
    """五、问题: P-06 (text like last year's) is expected where last year's text is in the
    data and was drafted from the same notes, but 五 never names it (0 drafts talk about the
    report); no stock problem stands in when neither the clerk nor the data gives one (one
    forward-looking sentence and P-07 instead)."""
    flagged = agencies = none_found = 0
    for r, d in zip(reports, drafts, strict=True):
        drafted = r.model_copy(update={"narrative": r.narrative.model_copy(update=d)})
        found = review_report(drafted)
        keys = {f.section for f in found if f.code == "P-06"}
        if keys:
            agencies += 1
            flagged += len(keys)
        none_found += any(f.code == "P-07" and f.section == "problems" for f in found)
    about = sum(bool(ABOUT_THE_REPORT.search(d["problems"])) for d in drafts)
    stock = sum(any(p in d["problems"] for p in STOCK_PROBLEMS) for d in drafts)
    given = sum(1 for r in reports if r.previous_year and r.previous_year.narrative)
    return [
        f"Agencies given last year's text: {given}; P-06 on {agencies} of them ({flagged} parts); "
        f"五、问题 talking about the report itself: {about} of {len(drafts)} (goal 0)",
        f"五、问题 with a stock problem the data does not support: {stock} of {len(drafts)} "
        f"(goal 0); with no problem from the clerk or the data (one forward-looking sentence "
        f"+ P-07): {none_found} of {len(drafts)}",
    ]


def part_facts(report: Report, key: str) -> int:
    """How many facts the agency gave for （三）（四）（五） `key`: each listed practice, count,
    channel list, website, table figure and sentence of the clerk's notes counts one."""
    from draftbot.text import split_sentences

    f, p, t2 = report.facts, report.facts.practices, report.table2
    name = key.removeprefix("overview_")
    notes = len(split_sentences(getattr(f, f"{name}_notes"))) if getattr(f, f"{name}_notes") else 0
    if key == "overview_management":
        given = [p.review_methods, p.updated_guides, t2.normative_documents.repealed]
        given += [t2.normative_documents.in_force, t2.regulations.repealed, t2.regulations.in_force]
    elif key == "overview_platform":
        given = [f.channels, report.meta.website, p.new_media_accounts, p.reading_points]
        a = f.area
        given += [a.gazette_issues or a.gazette_documents, a.website_columns]
        given += [a.villages or a.notice_boards]
        e = f.engagement  # 政民互动: the 留言, and the 热线 and 访谈 told in one clause
        given += [e.messages or e.messages_answered, e.hotline_cases or e.interviews]
    else:
        given = [f.training_sessions is not None, p.supervision_methods, p.circulars]
        o = f.organisation
        given += [o.group_head, o.staff, o.study_meetings, o.work_plan]
    return notes + sum(bool(g) for g in given)


def _part_lengths(reports: list[Report], drafts: list[dict[str, str]]) -> list[str]:
    """（三）（四）（五）: characters by how many facts the agency gave for the part (none: one
    short true sentence and P-09; one: a single clause; two or more: the real range of the
    agency's level, PART_CHARS_BY_LEVEL)."""
    low, high = REAL_PART_CHARS
    glow, ghigh = REAL_GOVERNMENT_PART_CHARS
    lines = [
        "",
        f"（三）（四）（五） by the facts given for the part: real range {low}–{high} chars "
        f"({glow}–{ghigh} for governments) when the agency reported something; with none, one "
        "short true sentence + P-09",
        "",
        "| section | facts given | drafts | in real range | median | min | max |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in ("overview_management", "overview_platform", "overview_supervision"):
        groups: dict[str, list[tuple[int, str]]] = {"none": [], "one": [], "two or more": []}
        for r, d in zip(reports, drafts, strict=True):
            given = part_facts(r, key)
            groups["none" if not given else "one" if given == 1 else "two or more"].append(
                (len(d[key]), r.meta.level.value)
            )
        for label, pairs in groups.items():
            if not pairs:
                continue
            sizes = [n for n, _ in pairs]
            inside = sum(
                PART_CHARS_BY_LEVEL[level][0] <= n <= PART_CHARS_BY_LEVEL[level][1]
                for n, level in pairs
            )
            lines.append(
                f"| {key} | {label} | {len(sizes)} | {inside} | {statistics.median(sizes):.0f} "
                f"| {min(sizes)} | {max(sizes)} |"
            )
    return lines


def _report_lengths(reports: list[Report], drafts: list[dict[str, str]]) -> list[str]:
    """Characters per report by level, agencies with typical facts apart from those that
    reported almost nothing beyond the tables, against real reports' range where known."""
    lines = [
        "",
        "Whole report (all prose parts), characters. Goal ranges (REAL_REPORT_CHARS): departments "
        "1,000–2,000 and 区县政府 about 3,800 (3,000–4,600) from real reports; 乡镇 800–1,600 and "
        "市级/省级政府 3,000–5,000 by the same reasoning (see the constant's comment).",
        "",
        "| level | facts | reports | median | min | max | real range | median in range |",
        "|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, str], list[int]] = {}
    for r, d in zip(reports, drafts, strict=True):
        kind = "typical" if typical(r) else "almost none"
        groups.setdefault((r.meta.level.value, kind), []).append(sum(len(v) for v in d.values()))
    for (level, kind), sizes in sorted(groups.items()):
        real = REAL_REPORT_CHARS.get(level)
        median = statistics.median(sizes)
        shown = f"{real[0]:,}–{real[1]:,}" if real else "—"
        inside = (
            ("yes" if real[0] <= median <= real[1] else "no") if real and kind == "typical" else "—"
        )
        lines.append(
            f"| {level} | {kind} | {len(sizes)} | {median:.0f} | {min(sizes)} | {max(sizes)} "
            f"| {shown} | {inside} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument(
        "--generator",
        choices=sorted(GENERATORS),
        default="realistic",
        help="realistic (per kind and level, default) or uniform (the first generator)",
    )
    parser.add_argument(
        "--max-pairs", type=int, default=5000, help="pairs compared per section (more: sampled)"
    )
    args = parser.parse_args()
    load_start, started = os.getloadavg(), time.perf_counter()
    rng = random.Random(12)
    reports = [generate(rng, i, args.generator) for i in range(args.agencies)]
    reports += [load_report(p) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    drafts = [draft_offline(r) for r in reports]
    masked = [{k: _mask(v, r) for k, v in d.items()} for r, d in zip(reports, drafts, strict=True)]
    twice = [
        (r.meta.agency, f) for r, d in zip(reports, drafts, strict=True) for f in facts_twice(d)
    ]
    claimed = [(r.meta.agency, c) for r in reports for c in claims(r)]
    review: Counter[str] = Counter()
    for r, d in zip(reports, drafts, strict=True):
        drafted = r.model_copy(update={"narrative": r.narrative.model_copy(update=d)})
        review.update(f.code for f in review_report(drafted))
    pairs = _pairs(len(masked), args.max_pairs)
    levels = Counter(r.meta.level.value for r in reports[: args.agencies])
    lines = [
        "# Offline draft quality over generated agencies (issue 12)",
        "",
        "Machine: {machine}",
        f"Command: `.venv/bin/python bench/draft_quality.py --agencies {args.agencies}"
        + (" --generator uniform" if args.generator == "uniform" else "")
        + (f" --max-pairs {args.max_pairs}`" if pairs else "`"),
        f"Agencies: {args.agencies} generated (seed 12) + {len(reports) - args.agencies} examples; "
        + "per level: "
        + "、".join(f"{k} {v}" for k, v in sorted(levels.items())),
        f"Pairs compared per section: {len(pairs) if pairs else len(masked) * (len(masked) - 1) // 2}"
        + (" (drawn at random, seeded)" if pairs else " (all)"),
        "",
        f"Goal: mean pairwise similarity per section (digits and names masked) ≤ {TARGET_SIMILARITY}",
        "",
        "| section | mean similarity | ratio to goal | median chars | min | max |",
        "|---|---|---|---|---|---|",
    ]
    for key in SECTION_KEYS:
        sim = mean_similarity(masked, key, pairs)
        sizes = [len(d[key]) for d in drafts]
        lines.append(
            f"| {key} | {sim:.3f} | {sim / TARGET_SIMILARITY:.2f} | {statistics.median(sizes):.0f} "
            f"| {min(sizes)} | {max(sizes)} |"
        )
    lines += _part_lengths(reports, drafts)
    lines += _report_lengths(reports, drafts)
    lines += _level_table(reports, drafts)
    lines += [
        "",
        f"Facts stated twice in one report (goal 0): {len(twice)}"
        + (f" — e.g. {twice[:3]}" if twice else ""),
        f"Claims of work with every optional fact empty (goal 0): {len(claimed)}"
        + (f" — e.g. {claimed[:3]}" if claimed else ""),
        "Review findings on the drafts (goal: none but P-09, P-06 where last year's text "
        "is reused, and P-07 on 五 where neither the clerk nor the data gives a problem): "
        + (", ".join(f"{code} × {n}" for code, n in sorted(review.items())) or "none"),
        *_problems_lines(reports, drafts),
    ]
    load_end = "/".join(f"{x:.2f}" for x in os.getloadavg())
    machine = (
        f"{machine_line()}; load average (1/5/15 min) at start "
        + "/".join(f"{x:.2f}" for x in load_start)
        + f", at end {load_end}; wall time {time.perf_counter() - started:.0f} s"
    )
    publish([line.replace("{machine}", machine) for line in lines], args.write)


if __name__ == "__main__":
    main()
