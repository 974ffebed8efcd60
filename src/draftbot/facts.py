"""Data → a deterministic Chinese fact sheet and the set of numbers the prose may contain.

The LLM sees only these facts (plus the clerk's free text, fenced as material), and every
number it writes is compared with `FactSheet.numbers`. Each allowed number carries its
meaning, so a reviewer can trace it. Derived figures (sums, differences, percentages as
rounded here, years, counts of listed items) are included.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from .claims import ClaimData, claim_data, count_twins
from .formats import FORMAT_2019, FORMAT_2021, FormatVersion
from .model import AgencyLevel, Report, Table2v2019, result_rows
from .numbers import format_amount
from .tables import APPLICANT_LABELS, CASE_LABELS, TABLE3_ROW_LABELS

TOPICS = (
    "basic",
    "proactive",
    "on_request",
    "cases",
    "management",
    "platform",
    "supervision",
    "problems",
    "fees",
    "other",
)

RESULT_GROUPS: tuple[tuple[str, str], ...] = (
    ("denied", "不予公开"),
    ("unable", "无法提供"),
    ("not_processed", "不予处理"),
    ("other", "其他处理"),
)


@dataclass(frozen=True)
class AllowedNumber:
    value: Decimal
    meaning: str
    percent: bool = False


@dataclass(frozen=True)
class Fact:
    topic: str
    text: str


@dataclass(frozen=True)
class Labelled:
    label: str
    value: int


@dataclass(frozen=True)
class Applications:
    """表三 in the words the prose uses."""

    new_total: int
    by_applicant: tuple[Labelled, ...]
    carried_over: int
    done: int
    granted: int
    partial: int
    groups: tuple[tuple[str, int, tuple[Labelled, ...]], ...]  # (group label, total, parts)
    carried_forward: int
    previous_new_total: int | None

    @property
    def any(self) -> bool:
        return bool(self.new_total or self.carried_over or self.done or self.carried_forward)

    @property
    def granted_share(self) -> Decimal | None:
        return percent(self.granted, self.done)

    @property
    def natural_person(self) -> int:
        """新收 from 自然人 (0 when none)."""
        return next((p.value for p in self.by_applicant if p.label == "自然人"), 0)


@dataclass(frozen=True)
class Cases:
    review: tuple[int, tuple[Labelled, ...]]
    litigation_direct: tuple[int, tuple[Labelled, ...]]
    litigation_after_review: tuple[int, tuple[Labelled, ...]]

    @property
    def litigation_total(self) -> int:
        return self.litigation_direct[0] + self.litigation_after_review[0]


@dataclass
class FactSheet:
    year: int
    facts: list[Fact] = field(default_factory=list)
    numbers: list[AllowedNumber] = field(default_factory=list)
    claims: ClaimData | None = None  # the report's quantities by subject (`claims.claim_data`)

    def lines(self, *topics: str) -> list[str]:
        wanted = set(topics) or set(TOPICS)
        return [f.text for f in self.facts if f.topic in wanted]

    @property
    def counts(self) -> frozenset[Decimal]:
        return frozenset(n.value for n in self.numbers if not n.percent)

    @property
    def percents(self) -> frozenset[Decimal]:
        return frozenset(n.value for n in self.numbers if n.percent)

    def meanings(self, value: Decimal) -> list[str]:
        return [n.meaning for n in self.numbers if n.value == value]

    def numbers_text(self) -> list[str]:
        """`66.7%：予以公开占办结总数的比例` lines for prompts and docs, one per value."""
        seen: dict[tuple[Decimal, bool], str] = {}
        for n in self.numbers:
            seen.setdefault((n.value, n.percent), n.meaning)
        return [f"{fmt(v)}{'%' if p else ''}：{m}" for (v, p), m in seen.items()]


def fmt(value: int | Decimal) -> str:
    return format_amount(Decimal(value))


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage rounded half-up to one decimal (66.7), or None for whole 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


class _Builder:
    def __init__(self, year: int) -> None:
        self.sheet = FactSheet(year)

    def n(self, value: int | Decimal, meaning: str) -> str:
        """Register `value` as allowed and return it formatted for the fact text."""
        self.sheet.numbers.append(AllowedNumber(Decimal(value), meaning))
        return fmt(value)

    def pct(self, value: Decimal, meaning: str) -> str:
        self.sheet.numbers.append(AllowedNumber(value, meaning, percent=True))
        return f"{fmt(value)}%"

    def fact(self, topic: str, text: str) -> None:
        self.sheet.facts.append(Fact(topic, text))


def labelled_nonzero(pairs: Iterable[tuple[str, int]]) -> tuple[Labelled, ...]:
    return tuple(Labelled(label, value) for label, value in pairs if value)


def applications(report: Report) -> Applications:
    t3, version = report.table3, report.format_version
    rows = [k for k in TABLE3_ROW_LABELS if k in _result_keys(version)]
    groups = []
    for prefix, label in RESULT_GROUPS:
        keys = [k for k in rows if k.startswith(prefix + "_")]
        parts = labelled_nonzero(
            (TABLE3_ROW_LABELS[k][1].split(".", 1)[-1], t3.row(k).shown_total) for k in keys
        )
        total = sum(t3.row(k).shown_total for k in keys)
        groups.append((label, total, parts if len(keys) > 1 else ()))
    previous = report.previous_year
    return Applications(
        new_total=t3.new_received.shown_total,
        by_applicant=labelled_nonzero(
            (APPLICANT_LABELS[name], t3.new_received.column(name))
            for name in APPLICANT_LABELS
            if name != "total"
        ),
        carried_over=t3.carried_over.shown_total,
        done=t3.results_column_total(version, "total"),
        granted=t3.granted.shown_total,
        partial=t3.partially_granted.shown_total,
        groups=tuple(groups),
        carried_forward=t3.carried_forward.shown_total,
        previous_new_total=previous.new_received_total if previous else None,
    )


def share_bases(report: Report) -> dict[str, tuple[int, int]]:
    """Each share of 表三 that prose may state in words, as (part, whole) by
    `claims.SHARE_LABELS` key: 自然人 and 法人或其他组织 of 新收; 予以公开, 公开 (with 部分公开),
    未予公开 and the result groups of 办结; 结转下年度 of 新收 and 上年结转."""
    apps = applications(report)
    opened = apps.granted + apps.partial
    groups = {label: total for label, total, _ in apps.groups}
    return {
        "自然人": (apps.natural_person, apps.new_total),
        "法人或其他组织": (apps.new_total - apps.natural_person, apps.new_total),
        "予以公开": (apps.granted, apps.done),
        "公开": (opened, apps.done),
        "未予公开": (apps.done - opened, apps.done),
        **{label: (groups[label], apps.done) for label in ("不予公开", "无法提供", "不予处理")},
        "结转下年度": (apps.carried_forward, apps.new_total + apps.carried_over),
    }


def _result_keys(version: FormatVersion) -> set[str]:
    return set(result_rows(version))


def cases(report: Report) -> Cases:
    def block(name: str) -> tuple[int, tuple[Labelled, ...]]:
        counts = getattr(report.table4, name)
        parts = labelled_nonzero(
            (CASE_LABELS[col], getattr(counts, col))
            for col in ("maintained", "corrected", "other", "pending")
        )
        return counts.shown_total, parts

    return Cases(block("review"), block("litigation_direct"), block("litigation_after_review"))


def build_fact_sheet(report: Report) -> FactSheet:
    """The facts the prose may state, in Chinese, and every number they contain.

    The sheet reads the data, never the prose: drafting and then checking a report (or
    checking it again after a prose edit) builds it once (issue 19). Sheets are remembered
    by the report's content without `narrative` and `revisions` (a bounded cache); every
    caller gets its own copy, free to change.
    """
    key = report.model_dump_json(exclude=_NOT_READ)
    with _SHEETS_LOCK:
        sheet = _SHEETS.get(key)
        if sheet is not None:
            _SHEETS.move_to_end(key)
    if sheet is None:
        sheet = _build_fact_sheet(report)
        with _SHEETS_LOCK:
            _SHEETS[key] = sheet
            while len(_SHEETS) > SHEET_CACHE_SIZE:
                _SHEETS.popitem(last=False)
    return _copy_sheet(sheet)


SHEET_CACHE_SIZE = 64  # reports' data remembered by build_fact_sheet
_NOT_READ = {"narrative", "revisions"}  # what a fact sheet does not depend on
_SHEETS: OrderedDict[str, FactSheet] = OrderedDict()
_SHEETS_LOCK = threading.Lock()


def _copy_sheet(sheet: FactSheet) -> FactSheet:
    """A copy whose lists, sets and dicts are new (their items are immutable: facts,
    numbers, decimals, tuples), the claim data's included."""
    claims = sheet.claims
    if claims is not None:
        claims = ClaimData(**{f.name: copy.copy(getattr(claims, f.name)) for f in fields(claims)})
    return FactSheet(sheet.year, list(sheet.facts), list(sheet.numbers), claims)


def _build_fact_sheet(report: Report) -> FactSheet:
    b = _Builder(report.meta.report_year)
    _basic_facts(b, report)
    _TABLE2_FACTS[report.format.table2_field](b, report)
    _proactive_facts(b, report)
    _practice_facts(b, report)
    _area_facts(b, report)
    _engagement_facts(b, report)
    _organisation_facts(b, report)
    _application_facts(b, applications(report))
    _case_facts(b, cases(report))
    _listed_facts(b, report)
    _fee_facts(b, report)
    b.sheet.claims = claim_data(report)
    b.sheet.claims.shares = share_bases(report)
    return b.sheet


def _basic_facts(b: _Builder, report: Report) -> None:
    meta = report.meta
    year = meta.report_year
    b.fact("basic", f"报告机关：{meta.agency}（{meta.level.value}）")
    if meta.region:
        b.fact("basic", f"所在行政区划：{meta.region}")
    b.fact("basic", f"统计年度：{b.n(year, '统计年度')}年（{year}年1月1日至12月31日）")
    b.n(year - 1, "上一年度")
    b.n(year + 1, "报告发布年度")
    if meta.publish_date:
        d = meta.publish_date
        b.n(d.month, "发布日期的月份")
        b.n(d.day, "发布日期的日")


def _table2_facts(b: _Builder, report: Report) -> None:
    t2 = report.table2
    for key, label in FORMAT_2021.table2_rows("documents"):
        c = getattr(t2, key)
        b.fact(
            "proactive",
            f"本年制发{label} {b.n(c.issued, f'本年制发{label}件数')} 件，"
            f"废止 {b.n(c.repealed, f'本年废止{label}件数')} 件，"
            f"现行有效 {b.n(c.in_force, f'现行有效{label}件数')} 件",
        )
    b.fact(
        "proactive",
        f"本年作出行政许可决定 {b.n(t2.licensing, '行政许可本年处理决定数量')} 件、"
        f"行政处罚决定 {b.n(t2.penalty, '行政处罚本年处理决定数量')} 件、"
        f"行政强制决定 {b.n(t2.coercion, '行政强制本年处理决定数量')} 件",
    )
    b.fact(
        "proactive",
        f"行政事业性收费本年收费金额 {b.n(t2.fees_wan_yuan, '行政事业性收费金额（万元）')} 万元",
    )
    previous = report.previous_year
    if previous and previous.in_force.normative_documents is not None:
        b.n(previous.in_force.normative_documents, "上年现行有效行政规范性文件件数")
    if previous and previous.in_force.regulations is not None:
        b.n(previous.in_force.regulations, "上年现行有效规章件数")


def _table2_2019_facts(b: _Builder, report: Report) -> None:
    t2 = report.table2_2019 or Table2v2019()
    for key, label in FORMAT_2019.table2_rows("documents"):
        c = getattr(t2, key)
        b.fact(
            "proactive",
            f"{label}本年新制作 {b.n(c.made, f'{label}本年新制作数量')} 件，"
            f"本年新公开 {b.n(c.published, f'{label}本年新公开数量')} 件，"
            f"对外公开总数量 {b.n(c.total_public, f'{label}对外公开总数量')} 件",
        )
    for key, label in FORMAT_2019.table2_rows("decisions"):
        c = getattr(t2, key)
        b.fact("proactive", f"{label}处理决定 {b.n(c.decisions, f'{label}处理决定数量')} 件")
        b.n(c.previous_items, f"{label}上一年项目数量")
        b.n(abs(c.change), f"{label}本年增/减项目数")
    b.n(t2.fees.previous_items, "行政事业性收费上一年项目数量")
    b.n(abs(t2.fees.change), "行政事业性收费本年增/减项目数")
    b.fact(
        "proactive",
        f"政府集中采购项目 {b.n(t2.procurement.projects, '政府集中采购项目数量')} 个，"
        f"采购总金额 {b.n(t2.procurement.amount, '政府集中采购总金额（万元）')} 万元",
    )


_TABLE2_FACTS: dict[str, Callable[[_Builder, Report], None]] = {
    "table2": _table2_facts,
    "table2_2019": _table2_2019_facts,
}


def _proactive_facts(b: _Builder, report: Report) -> None:
    f = report.facts
    if f.proactive_total is not None:
        text = f"本年主动公开政府信息 {b.n(f.proactive_total, '本年主动公开政府信息条数')} 条"
        # a category that repeats a fact count with another value (F-03) is left to the fact
        differing = {t.category for t in count_twins(report) if t.fact != t.listed}
        listed = [c for c in f.proactive_categories if c.name not in differing]
        if listed:
            parts = "、".join(
                f"“{c.name}”{b.n(c.count, f'主动公开的{c.name}条数')} 条" for c in listed
            )
            text += f"，其中{parts}"
            b.n(len(f.proactive_categories), "列出的主动公开信息类别数")
        b.fact("proactive", text)
        previous = report.previous_year
        if previous and previous.proactive_total is not None:
            b.fact(
                "proactive",
                _change_text(
                    b, "主动公开政府信息", "条", f.proactive_total, previous.proactive_total
                ),
            )
    if f.policy_interpretations is not None:
        b.fact("proactive", f"发布政策解读 {b.n(f.policy_interpretations, '发布政策解读条数')} 条")
    if f.press_conferences is not None:
        b.fact("proactive", f"召开新闻发布会 {b.n(f.press_conferences, '召开新闻发布会场次')} 场")
    if f.channels:
        count = b.n(len(f.channels), "列出的公开渠道个数")
        b.fact("platform", f"公开渠道（{count} 个）：{'、'.join(f.channels)}")
    if report.meta.website:
        b.fact("platform", f"政府信息公开网址：{report.meta.website}")
    if f.training_sessions is not None:
        b.fact(
            "supervision", f"组织政务公开培训 {b.n(f.training_sessions, '组织政务公开培训次数')} 次"
        )


def _practice_facts(b: _Builder, report: Report) -> None:
    """The structured practices (facts.practices) as fact lines, with their numbers."""
    p = report.facts.practices
    _named_and_counted(
        b,
        (
            ("management", "信息发布前的审查做法", p.review_methods),
            ("management", "本年更新的公开指南、目录", p.updated_guides),
            ("proactive", "政策解读采用的形式", p.interpretation_forms),
            ("supervision", "监督考核的做法", p.supervision_methods),
        ),
        (
            ("proactive", "回应社会关切", "次", p.responses),
            ("platform", "运营政务新媒体账号", "个", p.new_media_accounts),
            ("platform", "设置政府信息公开查阅点（公开专区）", "个", p.reading_points),
            ("supervision", "参加政务公开培训", "人次", p.trained_people),
            ("supervision", "通报政务公开工作", "次", p.circulars),
            ("management", "起草时源头认定公开属性的公文", "件", p.attributed_documents),
            ("management", "其中认定为主动公开的公文", "件", p.attributed_public),
        ),
    )


def _area_facts(b: _Builder, report: Report) -> None:
    """The area's work (facts.area: a government's or a 乡镇's) as fact lines, with numbers."""
    a = report.facts.area
    _named_and_counted(
        b,
        (
            ("proactive", "本年重点公开的领域", a.key_areas),
            ("platform", "政府网站新开设或改版的栏目、专题", a.website_columns),
        ),
        (
            ("other", "公开人大代表建议、政协提案办理结果", "件", a.proposals),
            ("proactive", "举办政府开放日活动", "次", a.open_days),
            ("platform", "编印政府公报", "期", a.gazette_issues),
            ("platform", "政府公报刊登文件", "件", a.gazette_documents),
            ("platform", "开展村（居）务公开的村（社区）", "个", a.villages),
            ("platform", "设置政务公开栏、村（居）务公开栏", "个", a.notice_boards),
            ("proactive", "政府常务会议议题会后公开或解读", "个", a.meeting_topics),
            ("platform", "政府网站和政务新媒体监测检查", "次", a.site_checks),
            ("platform", "监测检查发现并整改问题", "个", a.site_problems_fixed),
            ("platform", "关停整合政务新媒体账号（不是运营的账号数）", "个", a.accounts_closed),
            ("basic", "本汇总报告汇总的部门报告（只写在导语）", "个", a.covered_departments),
            ("basic", "本汇总报告汇总的乡镇（街道）报告（只写在导语）", "个", a.covered_townships),
        ),
    )


def _engagement_facts(b: _Builder, report: Report) -> None:
    """决策公开、政民互动和建议提案办理 (facts.engagement) as fact lines, with their numbers."""
    e = report.facts.engagement
    _named_and_counted(
        b,
        (),
        (
            ("proactive", "重大行政决策、政策文件草案公开征求意见", "项", e.consultations),
            (
                "proactive",
                f"邀请公众代表、利益相关方列席{decision_meeting(report)}",
                "人次",
                e.attendees,
            ),
            ("platform", "政府网站留言、信箱、热线收到群众留言", "件", e.messages),
            ("platform", "群众留言办结（答复）", "件", e.messages_answered),
            ("platform", "12345政务服务便民热线受理群众诉求", "件", e.hotline_cases),
            ("platform", "举办或参加在线访谈、网上访谈", "期", e.interviews),
            ("platform", "政务新媒体账号全年发布信息", "条", e.new_media_posts),
            ("other", "承办人大代表建议", "件", e.suggestions),
            ("other", "承办政协提案", "件", e.cppcc_proposals),
        ),
    )


def decision_meeting(report: Report) -> str:
    """The meeting the public is invited to sit in on (列席) as the agency's level names it: a
    government's 政府常务会议; a 乡镇's 镇长办公会议 / 乡长办公会议, a 街道's 主任办公会议 (they hold
    no 常务会议); another agency's 领导班子会议."""
    level = report.meta.level
    if level.is_government:
        return "政府常务会议"
    if level is not AgencyLevel.township:
        return "领导班子会议"
    name = report.meta.agency.strip().removesuffix("人民政府").removesuffix("办事处")
    if name.endswith("街道"):
        return "街道主任办公会议"
    return "乡长办公会议" if name.endswith("乡") else "镇长办公会议"


def meeting_name(report: Report) -> str:
    """The meeting at which the leadership studies the work, as reports name it: a
    government's 常务会议 (县政府常务会议), a 乡镇's 党政班子会议, another agency's
    领导班子会议."""
    level = report.meta.level
    if level.is_government:
        return "政府常务会议"
    return "党政班子会议" if level is AgencyLevel.township else "领导班子会议"


def _organisation_facts(b: _Builder, report: Report) -> None:
    """How the work is organised (facts.organisation) as fact lines of （五）, with numbers."""
    o = report.facts.organisation
    if o.group_head:
        b.fact("supervision", f"政务公开工作领导小组由{o.group_head}任组长")
    if o.work_plan:
        b.fact("supervision", f"本年印发{o.work_plan}")
    _named_and_counted(
        b,
        (),
        (
            ("supervision", "负责政务公开工作的专兼职工作人员", "名", o.staff),
            ("supervision", f"{meeting_name(report)}专题研究政务公开工作", "次", o.study_meetings),
            ("supervision", "年度工作要点分解的任务", "项", o.plan_tasks),
            ("supervision", "其中已完成的任务", "项", o.plan_tasks_done),
        ),
    )


def _named_and_counted(
    b: _Builder,
    named: tuple[tuple[str, str, list[str]], ...],
    counted: tuple[tuple[str, str, str, int | None], ...],
) -> None:
    """Fact lines of one group of answers: each non-empty list as `label：a、b` and each count
    the clerk gave (None: not reported, no line) as `text N unit`, under its topic."""
    for topic, label, items in named:
        if items:
            b.fact(topic, f"{label}：{'、'.join(items)}")
    for topic, text, unit, value in counted:
        if value is not None:
            b.fact(topic, f"{text} {b.n(value, text + unit + '数')} {unit}")


def _change_text(b: _Builder, what: str, unit: str, now: int, before: int) -> str:
    head = f"上年{what} {b.n(before, f'上年{what}{unit}数')} {unit}，"
    if now == before:
        return head + "与上年持平"
    word = "增加" if now > before else "减少"
    text = head + f"本年较上年{word} {b.n(abs(now - before), f'较上年{word}的{unit}数')} {unit}"
    share = percent(abs(now - before), before)
    if share is not None:
        text += (
            f"，{'增长' if now > before else '下降'} {b.pct(share, f'{what}较上年{word}的幅度')}"
        )
    return text


def _application_facts(b: _Builder, apps: Applications) -> None:
    if not apps.new_total:
        b.fact("on_request", "本年未收到政府信息公开申请（新收申请 0 件）")
        b.n(0, "件数为 0 的各项")
    else:
        text = f"本年新收政府信息公开申请 {b.n(apps.new_total, '本年新收申请总数')} 件"
        if apps.by_applicant:
            parts = "、".join(
                f"{p.label} {b.n(p.value, f'{p.label}提出的新收申请件数')} 件"
                for p in apps.by_applicant
            )
            text += f"，其中{parts}"
            others = [p.value for p in apps.by_applicant if p.label != "自然人"]
            legal = sum(others)
            if len(others) > 1:
                b.n(legal, "法人或其他组织提出的新收申请合计")
        b.fact("on_request", text)
    if apps.previous_new_total is not None:
        b.fact(
            "on_request", _change_text(b, "新收申请", "件", apps.new_total, apps.previous_new_total)
        )
    b.fact(
        "on_request", f"上年结转政府信息公开申请 {b.n(apps.carried_over, '上年结转申请件数')} 件"
    )
    b.n(apps.new_total + apps.carried_over, "本年需办理的申请合计（新收 + 上年结转）")
    if apps.done:
        b.fact("on_request", f"本年办结 {b.n(apps.done, '本年度办理结果总计')} 件")
        granted = f"予以公开 {b.n(apps.granted, '予以公开件数')} 件"
        share = apps.granted_share
        if share is not None and apps.granted:
            granted += f"，占办结总数的 {b.pct(share, '予以公开占办结总数的比例')}"
        b.fact("on_request", granted)
        b.fact("on_request", f"部分公开 {b.n(apps.partial, '部分公开件数')} 件")
        both = apps.granted + apps.partial
        if apps.granted and apps.partial:
            b.n(both, "予以公开与部分公开合计")
            both_share = percent(both, apps.done)
            if both_share is not None:
                b.fact(
                    "on_request",
                    f"予以公开和部分公开合计 {fmt(both)} 件，占办结总数的 "
                    f"{b.pct(both_share, '予以公开和部分公开占办结总数的比例')}",
                )
        for label, total, members in apps.groups:
            text = f"{label} {b.n(total, f'{label}件数')} 件"
            if total and members:
                text += "，其中" + "、".join(
                    f"{p.label} {b.n(p.value, f'{label}·{p.label}件数')} 件" for p in members
                )
            b.fact("on_request", text)
    b.fact(
        "on_request",
        f"结转下年度继续办理 {b.n(apps.carried_forward, '结转下年度继续办理件数')} 件",
    )


def _case_facts(b: _Builder, c: Cases) -> None:
    for (total, parts), label in (
        (c.review, "被申请行政复议"),
        (c.litigation_direct, "被提起行政诉讼（未经复议直接起诉）"),
        (c.litigation_after_review, "被提起行政诉讼（复议后起诉）"),
    ):
        text = f"本年因政府信息公开工作{label} {b.n(total, f'{label}件数')} 件"
        if parts:
            text += "，其中" + "、".join(
                f"{p.label} {b.n(p.value, f'{label}·{p.label}件数')} 件" for p in parts
            )
        b.fact("cases", text)
    if c.litigation_direct[0] and c.litigation_after_review[0]:
        b.fact("cases", f"行政诉讼合计 {b.n(c.litigation_total, '行政诉讼件数合计')} 件")


def _listed_facts(b: _Builder, report: Report) -> None:
    f = report.facts
    if f.problems:
        b.fact(
            "problems",
            f"填报的本年存在问题 {b.n(len(f.problems), '列出的问题条数')} 条（内容见素材）",
        )
    if f.measures:
        b.fact(
            "problems",
            f"填报的改进措施 {b.n(len(f.measures), '列出的改进措施条数')} 条（内容见素材）",
        )
    if f.previous_problems:
        b.fact(
            "problems",
            f"上年报告提出的问题 {b.n(len(f.previous_problems), '上年问题条数')} 条及本年整改情况（内容见素材）",
        )


def _fee_facts(b: _Builder, report: Report) -> None:
    fee = report.facts.info_fee
    if not (fee.notices_issued or fee.notices_amount_yuan or fee.collected_yuan):
        b.fact("fees", "本年未发出信息处理费收费通知，未收取信息处理费")
        b.n(0, "信息处理费收费通知件数和金额")
        return
    b.fact(
        "fees",
        f"本年发出信息处理费收费通知 {b.n(fee.notices_issued, '信息处理费收费通知件数')} 件，"
        f"通知金额 {b.n(fee.notices_amount_yuan, '信息处理费收费通知总金额（元）')} 元，"
        f"实际收取 {b.n(fee.collected_yuan, '实际收取的信息处理费（元）')} 元",
    )
