"""Quality of the offline drafts over many generated agencies of every level (and the examples).

Usage: .venv/bin/python bench/draft_quality.py [--agencies 60] [--write bench/results/draft_quality.md]

Goals (issue 12): mean pairwise similarity of two agencies' drafts per section, after masking
digits and names, ≤ 0.35 (real reports from one portal: 0.34 opening, 0.11 监督保障, 0.15 问题);
characters per section and per report compared with real reports (（三）（四）（五） 52–321
characters; department reports about 1,000–2,000, county-wide ones about 3,800); 0 facts
stated twice in one report; 0 claims of work when every optional fact is empty; 0 review
findings other than P-09 (general wording where the clerk reported nothing).
The agencies are generated deterministically (seeded), with notes drawn from a pool written
for this benchmark, so two runs give the same figures.
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
from draftbot.drafting.offline import draft_offline
from draftbot.model import SECTION_KEYS, Report
from draftbot.review import review_report

ROOT = Path(__file__).resolve().parent.parent
TARGET_SIMILARITY = 0.35
CLAIM_PHRASES = (
    "相关信息已按规定公开", "自觉接受社会公众监督", "接受社会监督", "公开前进行审查",
    "保密审查", "三审三校", "领导小组", "培训", "考核", "评议", "专栏", "新媒体", "公众号",
    "目录", "指南", "清理", "高度重视", "成效", "不断完善",
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
        "对多次申请同类信息的，主动将其转为主动公开",
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
        "政务微信公众号全年推送信息",
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


def generate(rng: random.Random, index: int) -> Report:
    """One agency: level, name and region, tables and facts, all from `rng`. Every third
    agency with last year's figures also has last year's text: the offline draft of the same
    facts a year earlier (a clerk who kept last year's notes), which 五、问题 should name."""
    data = generate_data(rng, index)
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


# Real reports' lengths (issue 12): whole report by level, characters of prose.
REAL_REPORT_CHARS = {
    "县级部门": (1000, 2000), "市级部门": (1000, 2000), "省级部门": (1000, 2000),
    "区县政府": (3000, 4600),
}  # fmt: skip
REAL_PART_CHARS = (52, 321)  # （三）（四）（五） each, when the agency reported something


def generate_data(rng: random.Random, index: int) -> dict[str, Any]:
    """The data file of one generated agency (see `generate`)."""
    level = [
        "县级部门", "县级部门", "乡镇（街道）", "市级部门", "区县政府", "市级政府", "省级部门",
        "省级政府",
    ][index % 8]  # fmt: skip
    city = rng.choice(sorted(PREFECTURES))
    county = rng.choice(PREFECTURES[city])
    region = f"浙江省{city}{county}"
    if level == "县级部门":
        agency = county + rng.choice(DEPARTMENTS)
    elif level == "乡镇（街道）":
        town = rng.choice(TOWNS)
        agency = town + ("办事处" if town.endswith("街道") else "人民政府")
    elif level == "市级部门":
        agency, region = city + rng.choice(DEPARTMENTS), f"浙江省{city}"
    elif level == "区县政府":
        agency = county + "人民政府"
    elif level == "市级政府":
        agency, region = city + "人民政府", f"浙江省{city}"
    elif level == "省级部门":
        agency, region = "浙江省" + rng.choice(DEPARTMENTS).replace("局", "厅"), "浙江省"
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


def _last_year_findings(reports: list[Report], drafts: list[dict[str, str]]) -> list[str]:
    """P-06 (text like last year's) is expected where last year's text is in the data and
    was drafted from the same notes; each part it flags must be named in 五、问题."""
    from draftbot.outline import PARTS

    flagged = named = agencies = 0
    for r, d in zip(reports, drafts, strict=True):
        drafted = r.model_copy(update={"narrative": r.narrative.model_copy(update=d)})
        keys = {f.section for f in review_report(drafted) if f.code == "P-06"}
        if keys:
            agencies += 1
            flagged += len(keys)
            named += sum(f"“{PARTS[k].name}”" in d["problems"] for k in keys if k in PARTS)
    return [
        f"Agencies given last year's text: {sum(1 for r in reports if r.previous_year and r.previous_year.narrative)}; "
        f"P-06 on {agencies} of them ({flagged} parts), named in 五、问题: {named} of {flagged} (goal: all)",
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
    else:
        given = [f.training_sessions is not None, p.supervision_methods, p.circulars]
    return notes + sum(bool(g) for g in given)


def _part_lengths(reports: list[Report], drafts: list[dict[str, str]]) -> list[str]:
    """（三）（四）（五）: characters by how many facts the agency gave for the part (none: one
    short true sentence and P-09; one: a single clause; two or more: the real range)."""
    low, high = REAL_PART_CHARS
    lines = [
        "",
        f"（三）（四）（五） by the facts given for the part: real range {low}–{high} chars when "
        "the agency reported something; with none, one short true sentence + P-09",
        "",
        "| section | facts given | drafts | in real range | median | min | max |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in ("overview_management", "overview_platform", "overview_supervision"):
        groups: dict[str, list[int]] = {"none": [], "one": [], "two or more": []}
        for r, d in zip(reports, drafts, strict=True):
            given = part_facts(r, key)
            groups["none" if not given else "one" if given == 1 else "two or more"].append(
                len(d[key])
            )
        for label, sizes in groups.items():
            if not sizes:
                continue
            inside = sum(low <= n <= high for n in sizes)
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
        "Whole report (all prose parts), characters. Real ranges checked: department reports "
        "1,000–2,000; county-wide 区县政府 about 3,800 (3,000–4,600); other levels: no real figure.",
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
        "--max-pairs", type=int, default=5000, help="pairs compared per section (more: sampled)"
    )
    args = parser.parse_args()
    load_start, started = os.getloadavg(), time.perf_counter()
    rng = random.Random(12)
    reports = [generate(rng, i) for i in range(args.agencies)]
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
    lines += [
        "",
        f"Facts stated twice in one report (goal 0): {len(twice)}"
        + (f" — e.g. {twice[:3]}" if twice else ""),
        f"Claims of work with every optional fact empty (goal 0): {len(claimed)}"
        + (f" — e.g. {claimed[:3]}" if claimed else ""),
        "Review findings on the drafts (goal: none but P-09, and P-06 where last year's text "
        "is reused): "
        + (", ".join(f"{code} × {n}" for code, n in sorted(review.items())) or "none"),
        *_last_year_findings(reports, drafts),
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
