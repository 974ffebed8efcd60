"""Roll-up: the 本级政府's report (e.g. 某县人民政府 for 全县) from its agencies' reports.

Tables are summed cell by cell over the contributing reports, as the format's structure
requires (format-spec §7.2): 表二 per row and column, 表三 per applicant column of every
row, 表四 per block and column. Every 总计 of the roll-up is computed from its summed parts
(T3-03, T3-04, T4-01 hold by construction); a contributor's misstated 总计 is not carried
over (its own report has the finding). Every roll-up cell keeps the list of contributions it
is the sum of (`RollUp.trace`). The facts the prose needs are summed only when every
contributor gave them; otherwise they stay empty and `RollUp.notes` says who left them out.
The agencies' practices carry over into the whole area's facts (`_merge_practices`): each
listed practice once, the ones most agencies named first; practice counts (培训人次, 新媒体
账号…) and the engagement counts (征求意见, 留言, 新媒体发布信息, 承办建议提案:
`SUMMED_ENGAGEMENT`; not 热线 or 访谈, counted by more than one agency) summed on
the same every-contributor rule. The prose is then drafted from these facts
in the whole-area voice (全县/全区/全市), through the drafting path and its guard.
The coverage (`facts.area.covered_departments`, `covered_townships`: how many 部门 and
乡镇（街道） reports were summed) is counted for the opening. The area's other facts
(`facts.area`) and how the government organises its own work
(`facts.organisation`: its leading group, staff, 常务会议, plan) are not the agencies': they
are not summed (a department's staff are not the government's), and stay for the government
to fill in.
Agencies expected but absent (a list, or last year's batch) are listed in `missing`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from . import paths
from .audit import agency_key
from .datafile import problems_from_validation
from .errors import DraftbotError
from .model import AgencyLevel, Report, drop_redundant_totals
from .tables import report_grids

if TYPE_CHECKING:
    from .config import Settings
    from .drafting import DraftOutcome

SUMMED_FACTS: dict[str, str] = {
    "proactive_total": "主动公开政府信息条数",
    "policy_interpretations": "政策解读条数",
    "press_conferences": "新闻发布会场次",
    "training_sessions": "政务公开培训次数",
}
SUMMED_PRACTICES: dict[str, str] = {
    "responses": "回应社会关切次数",
    "new_media_accounts": "政务新媒体账号数",
    "reading_points": "查阅点、公开专区个数",
    "trained_people": "参加政务公开培训人次",
    "circulars": "政务公开工作通报次数",
    "attributed_documents": "源头认定公开属性的公文件数",
    "attributed_public": "其中认定为主动公开的公文件数",
}
# 决策公开、政民互动和建议提案办理 (facts.engagement) that add up across agencies: each agency's
# own 征求意见 items, its own mailbox's 留言, the 建议提案 it handled as 主办. 列席政府常务会议
# is the 本级政府's own (no agency report has it): not summed. The posts of each agency's own
# 新媒体 accounts add up like the accounts themselves. 12345 热线 is the government's: the cases
# its centre received are the ones it passed to the departments, whose reports count them again
# as 转办件 handled; an 在线访谈 is reported by the government that hosts it and by each
# department whose head sits in it: neither is summed (the 本级政府 gives its own count).
SUMMED_ENGAGEMENT: dict[str, str] = {
    "consultations": "公开征求意见项数",
    "messages": "收到群众留言件数",
    "messages_answered": "办结群众留言件数",
    "new_media_posts": "政务新媒体发布信息条数",
    "suggestions": "承办人大代表建议件数",
    "cppcc_proposals": "承办政协提案件数",
}
MERGED_PRACTICES = (
    "review_methods",
    "updated_guides",
    "interpretation_forms",
    "supervision_methods",
)
MAX_PRACTICE_ITEMS = 10  # Practices' lists hold at most 10


class RollUpError(DraftbotError):
    """No roll-up is possible (nothing to sum, or sums out of range); the message is Chinese."""


@dataclass(frozen=True)
class Contribution:
    source: str
    agency: str
    value: int | Decimal


@dataclass
class RollUp:
    """The rolled-up report, where each of its numbers comes from, and who is not in it."""

    report: Report
    contributors: list[tuple[str, str]]  # (source, agency) summed, in batch order
    cells: dict[str, list[Contribution]]  # grid cell key → every contributor's value
    excluded: list[tuple[str, str, str]] = field(default_factory=list)  # source, agency, why
    missing: list[str] = field(default_factory=list)  # expected agencies with no report
    notes: list[str] = field(default_factory=list)

    def trace(self, key: str) -> list[Contribution]:
        """The non-zero contributions to one cell (grid key, e.g. table3.granted.total)."""
        return [c for c in self.cells.get(key, []) if c.value]


def default_year(reports: Sequence[tuple[str, Report]]) -> int:
    """The report year most of the batch has (the later one on a tie)."""
    if not reports:
        raise RollUpError("没有可以汇总的报告")
    counts = Counter(r.meta.report_year for _, r in reports)
    return max(counts, key=lambda y: (counts[y], y))


def roll_up(
    reports: Sequence[tuple[str, Report]],
    *,
    agency: str,
    level: AgencyLevel = AgencyLevel.county_government,
    region: str = "",
    year: int | None = None,
    expected: Sequence[str] = (),
    renames: dict[str, str] | None = None,
    publish_date: dt.date | None = None,
    with_errors: Sequence[str] = (),
) -> RollUp:
    """Sum the tables of `reports` ((source, report) in batch order) into `agency`'s report.

    Reports of another year, the 本级政府's own report and a second report of the same
    agency are left out and listed in `excluded`. `with_errors` names the sources whose
    checks found errors: they are summed as they are, and a note lists them. Raises
    `RollUpError` when nothing is left.
    """
    year = year or default_year(reports)
    own_key = agency_key(agency, renames)
    included: list[tuple[str, Report]] = []
    excluded: list[tuple[str, str, str]] = []
    seen: dict[str, str] = {}
    for source, report in reports:
        key = agency_key(report.meta.agency, renames)
        reason = _exclusion(report, year, key, own_key, seen)
        if reason:
            excluded.append((source, report.meta.agency, reason))
            continue
        seen[key] = source
        included.append((source, report))
    if not included:
        raise RollUpError(f"没有 {year} 年度的部门或乡镇报告可以汇总")
    cells = _contributions(included)
    summed = _build(agency, level, region, year, publish_date, cells, included)
    rollup = RollUp(summed, [(s, r.meta.agency) for s, r in included], cells, excluded)
    rollup.notes = _sum_facts(rollup, included)
    _cover(rollup.report, included)
    flawed = [r.meta.agency for s, r in included if s in set(with_errors)]
    if flawed:
        rollup.notes.insert(
            0,
            f"{'、'.join(flawed)} 的报告有错误，已按原样汇总，汇总数会受影响；请改正后重新汇总",
        )
    rollup.missing = _missing(reports, included, expected, year, renames)
    return rollup


def _cover(report: Report, included: Sequence[tuple[str, Report]]) -> None:
    """The roll-up's coverage (facts.area.covered_departments / covered_townships): how many
    部门 and 乡镇（街道） reports were summed, for the opening's 全县N个部门和N个乡镇（街道）;
    a level with no report is None (not said). 其他 counts as neither."""
    levels = Counter(r.meta.level for _, r in included)
    departments = sum(levels[lv] for lv in AgencyLevel if lv.name.endswith("_department"))
    townships = levels[AgencyLevel.township]
    report.facts.area.covered_departments = departments or None
    report.facts.area.covered_townships = townships or None


def _exclusion(report: Report, year: int, key: str, own_key: str, seen: dict[str, str]) -> str:
    if report.meta.report_year != year:
        return f"统计年度为 {report.meta.report_year} 年，不是 {year} 年"
    if key == own_key:
        return "这是本级政府自己的报告，不参与汇总"
    if key in seen:
        return f"与 {seen[key]} 是同一机关的报告，只汇总第一份"
    return ""


def _computed(report: Report) -> Report:
    """The report with every stated 总计 replaced by its sum (what the roll-up adds up)."""
    copy = report.model_copy(deep=True)
    drop_redundant_totals(copy)
    t3 = copy.table3
    for name in type(t3).model_fields:
        row = getattr(t3, name)
        if row is not None and name != "results_total":
            row.total = None
    t3.results_total = None
    for block in ("review", "litigation_direct", "litigation_after_review"):
        getattr(copy.table4, block).total = None
    return copy


def _contributions(included: Sequence[tuple[str, Report]]) -> dict[str, list[Contribution]]:
    cells: dict[str, list[Contribution]] = {}
    for source, report in included:
        for grid in report_grids(_computed(report)):
            for cell in grid.value_cells():
                assert cell.key is not None
                value = Decimal(cell.text) if "." in cell.text else int(cell.text)
                cells.setdefault(cell.key, []).append(
                    Contribution(source, report.meta.agency, value)
                )
    return cells


def _is_total(key: str) -> bool:
    return key.endswith(".total") or ".results_total." in key


def _build(
    agency: str,
    level: AgencyLevel,
    region: str,
    year: int,
    publish_date: dt.date | None,
    cells: dict[str, list[Contribution]],
    included: Sequence[tuple[str, Report]],
) -> Report:
    formats = {r.format_version for _, r in included}
    meta: dict[str, Any] = {"agency": agency, "level": level, "region": region}
    meta["report_year"] = year
    if publish_date is not None:
        meta["publish_date"] = publish_date
    data: dict[str, Any] = {"meta": meta}
    if len(formats) > 1:
        raise RollUpError(f"{year} 年度的报告格式不一致（{'、'.join(sorted(formats))}），无法汇总")
    for key, contributions in cells.items():
        if _is_total(key):
            continue
        total = sum((c.value for c in contributions), start=type(contributions[0].value)())
        paths.set_value(data, key, total)
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(str(p) for p in problems_from_validation(exc))
        raise RollUpError(f"汇总结果超出范围：{problems}") from None


def _sum_facts(rollup: RollUp, included: Sequence[tuple[str, Report]]) -> list[str]:
    facts = rollup.report.facts
    notes = []
    for name, label in SUMMED_FACTS.items():
        values = [getattr(r.facts, name) for _, r in included]
        absent = [r.meta.agency for _, r in included if getattr(r.facts, name) is None]
        if not absent:
            setattr(facts, name, sum(values))
        elif len(absent) < len(included):
            notes.append(f"{label}：{'、'.join(absent)} 未填写，未汇总此项，请补充后重新汇总")
    fee = facts.info_fee
    for name in ("notices_issued", "notices_amount_yuan", "collected_yuan"):
        setattr(
            fee,
            name,
            sum((getattr(r.facts.info_fee, name) for _, r in included), start=getattr(fee, name)),
        )
    channels = Counter(c for _, r in included for c in dict.fromkeys(r.facts.channels))
    facts.channels = [c for c, _ in sorted(channels.items(), key=lambda kv: (-kv[1], kv[0]))][:30]
    notes += _merge_practices(rollup, included)
    return notes


def _merge_practices(rollup: RollUp, included: Sequence[tuple[str, Report]]) -> list[str]:
    """The agencies' practices as the whole area's: each listed item once, ordered by how
    many agencies named it (then by name), at most `MAX_PRACTICE_ITEMS`; each count summed
    when every contributor gave it (a note names who did not, when some did)."""
    practices = rollup.report.facts.practices
    for name in MERGED_PRACTICES:
        named = Counter(
            item for _, r in included for item in dict.fromkeys(getattr(r.facts.practices, name))
        )
        ranked = sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))
        setattr(practices, name, [item for item, _ in ranked][:MAX_PRACTICE_ITEMS])
    notes = _sum_every(practices, "practices", SUMMED_PRACTICES, included)
    return notes + _sum_every(
        rollup.report.facts.engagement, "engagement", SUMMED_ENGAGEMENT, included
    )


def _sum_every(
    into: Any, group: str, labels: dict[str, str], included: Sequence[tuple[str, Report]]
) -> list[str]:
    """Each count of `facts.<group>` named in `labels` summed into `into` when every
    contributor gave it; a note names who did not when some did (none: nothing, no note)."""
    notes = []
    for name, label in labels.items():
        values = [getattr(getattr(r.facts, group), name) for _, r in included]
        absent = [r.meta.agency for (_, r), v in zip(included, values, strict=True) if v is None]
        if not absent:
            setattr(into, name, sum(values))
        elif len(absent) < len(included):
            notes.append(f"{label}：{'、'.join(absent)} 未填写，未汇总此项，请补充后重新汇总")
    return notes


def _missing(
    reports: Sequence[tuple[str, Report]],
    included: Sequence[tuple[str, Report]],
    expected: Sequence[str],
    year: int,
    renames: dict[str, str] | None,
) -> list[str]:
    """Expected agencies, and agencies with last year's report in the batch, that have no
    report of `year` among the contributors."""
    present = {agency_key(r.meta.agency, renames) for _, r in included}
    wanted = list(expected) + [r.meta.agency for _, r in reports if r.meta.report_year == year - 1]
    out: list[str] = []
    keys: set[str] = set()
    for name in wanted:
        key = agency_key(name, renames)
        if key not in present and key not in keys:
            keys.add(key)
            out.append(name)
    return out


def draft_rollup(rollup: RollUp, settings: Settings, *, offline: bool = False) -> DraftOutcome:
    """Draft the roll-up report's prose from its summed facts and the agencies' merged
    practices (`roll_up`), in the whole-area voice, through the same path (and
    number guard) as any report: the offline templates, or the configured model with the
    offline draft as fallback. Apply with `drafting.apply_draft`."""
    from .drafting import draft_report

    return draft_report(rollup.report, settings, offline=offline)


def cell_location(key: str) -> str:
    """A grid cell key as the official table prints it: 表三 · 三、本年度办理结果 ·（一）予以公开 · 总计."""
    return paths.label(key)


def breakdown_rows(rollup: RollUp) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of the breakdown: one row per roll-up cell, its total and every
    contributor's value, in table order."""
    header = ["表格位置", "汇总数", *(agency for _, agency in rollup.contributors)]
    rows = []
    for grid in report_grids(rollup.report):
        for cell in grid.value_cells():
            assert cell.key is not None
            values = [c.value for c in rollup.cells[cell.key]]
            total: Any = Decimal(cell.text) if "." in cell.text else int(cell.text)
            rows.append([cell_location(cell.key), _plain(total), *(_plain(v) for v in values)])
    return header, rows


def _plain(value: int | Decimal) -> int | float:
    """A number for a spreadsheet (amounts have at most 4 decimals: exact enough as float)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
