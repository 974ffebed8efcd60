"""P-03 (names of other regions) and P-04 (level words that do not fit the agency).

The agency's own region comes from `meta.region` (else from its name) and is resolved with
the shipped division data; its province, city and county, and every division inside it, may
be named. Anything else is reported unless listed in `meta.allowed_places`, which also
silences a level word (e.g. 区政府) the agency legitimately uses. Zone-type units (综合实验区,
新区, 开发区, 高新区 …) in the agency name or region use 区 for themselves (全区, 区委).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..findings import Finding
from ..model import AgencyLevel, Report
from ..patterns import lazy
from ..regions import GENERIC_NAMES, Division, Divisions, NameMatch, load_divisions
from ._text import Sentence, drafted_sections, quote, report_sentences

PLACE_CODE = "P-03"
LEVEL_CODE = "P-04"
CHECKED_KINDS = ("街道", "县", "区", "旗", "乡", "镇")
_TOWNSHIP_KINDS = ("街道", "镇", "乡")
# Zone-type units (not administrative divisions) whose reports rightly say 全区 and 区委.
ZONE_UNITS = lazy(
    r"综合实验区|综合试验区|新区|开发区|高新区|高新技术产业园区|经济技术开发区|保税区|示范区|"
    r"管理区|合作区|自贸区|自由贸易试验区|产业园区|工业园区"
)
_BELOW = {
    "county": frozenset({"乡", "镇", "街道"}),
    "city": frozenset({"县", "区", "市", "旗", "乡", "镇", "街道"}),
    "province": frozenset(CHECKED_KINDS),
    "township": frozenset(),
}
_LEVEL_SCOPE = {
    AgencyLevel.county_department: "county",
    AgencyLevel.county_government: "county",
    AgencyLevel.township: "township",
    AgencyLevel.city_department: "city",
    AgencyLevel.city_government: "city",
    AgencyLevel.provincial_department: "province",
    AgencyLevel.provincial_government: "province",
}
# Characters before a unit word that make it part of an ordinary noun (园区, 城乡, 乡镇, 国旗).
_COMPOUND_BEFORE = {
    "区": "园社景城辖小片新发治林矿郊市山灾校验范护能理济风特牧垦湾疫港库街县商地开贸税作业老苏学选厂",
    "县": "区州郡",
    "乡": "城家下老故返同还",
    "镇": "乡城村集坐重古名",
    "旗": "红国彩锦党队",
    "街道": "",
}
_SELF_RE = lazy(
    r"(?<![基根资成样版文日剧课账脚安健完齐周保万顾])(?P<word>(?:本|我|全)(?P<kind>街道|县|区|旗|乡|镇))"
    r"(?![域别分间块划村镇])"
)
_ENTITY_TAILS = (
    "人民政府|政府|党委|党工委|委员会|委|直|级|门户网站|政府网站|融媒体|广播电视|电视台"
    "|人大|政协|纪委|政务服务|办事处"
)
_ENTITY_RE = lazy(rf"(?P<kind>街道|县|区|旗|乡|镇)(?={_ENTITY_TAILS})")
_TAIL_RE = lazy(_ENTITY_TAILS)


@dataclass(frozen=True)
class OwnRegion:
    name: str  # as the report gives it, e.g. 山西省运城市稷山县
    divisions: tuple[Division, ...]  # the most specific ones it resolves to
    chain_codes: frozenset[str]
    chain_kinds: frozenset[str]  # unit words of the agency's own unit and those above it
    own_kind: str | None
    below_kinds: frozenset[str]

    def includes(self, division: Division) -> bool:
        return division.code in self.chain_codes or any(
            d.contains(division) for d in self.divisions
        )


def own_region(report: Report, divisions: Divisions) -> OwnRegion | None:
    """The agency's region, or None when neither meta.region nor the agency name names one."""
    meta = report.meta
    name = meta.region.strip()
    resolved = divisions.resolve(name) if name else []
    if not resolved:
        name, resolved = meta.agency, divisions.resolve(meta.agency)
    if not resolved:
        return None
    chains = [divisions.chain(d) for d in resolved]
    codes = frozenset(d.code for chain in chains for d in chain)
    kinds = {d.kind for chain in chains for d in chain}
    scope = _LEVEL_SCOPE.get(meta.level, resolved[0].level)
    own_kind = _own_kind(scope, chains[0], meta.agency)
    if scope == "township" and own_kind:
        kinds.add(own_kind)
    if ZONE_UNITS.search(meta.agency) or ZONE_UNITS.search(meta.region):
        kinds.add("区")  # a 综合实验区 or 新区 says 全区, 区委, 区管委会 of itself
    return OwnRegion(name, tuple(resolved), codes, frozenset(kinds), own_kind, _BELOW[scope])


def _own_kind(scope: str, chain: list[Division], agency: str) -> str | None:
    if scope == "township":
        return next((k for k in _TOWNSHIP_KINDS if k in agency), None)
    return next((d.kind for d in chain if d.level == scope), None)


def check_places(report: Report) -> Iterator[Finding]:
    if next(drafted_sections(report.narrative), None) is None:
        return  # nothing drafted: do not load the division data
    divisions = load_divisions()
    own = own_region(report, divisions)
    if own is None:
        return
    allowed = [a.strip() for a in report.meta.allowed_places if a.strip()]
    for sentence in report_sentences(report):
        names = names_in(sentence.text)
        yield from _place_findings(sentence, names, own, divisions, allowed)
        yield from _level_findings(sentence, names, own, allowed)


NAMES_CACHE_SIZE = 2048  # sentences remembered by names_in
_CACHED_LENGTH = 1000  # longer sentences are read afresh each time


def names_in(text: str) -> list[NameMatch]:
    """The division names in one sentence (`Divisions.find_names` of the shipped divisions,
    generic names included): a pure function of the text, remembered for the last
    `NAMES_CACHE_SIZE` sentences up to `_CACHED_LENGTH` characters, since an autosave of a
    table cell re-reviews the same prose."""
    if len(text) > _CACHED_LENGTH:
        return list(load_divisions().find_names(text, include_generic=True))
    return list(_cached_names(text))


@lru_cache(maxsize=NAMES_CACHE_SIZE)
def _cached_names(text: str) -> tuple[NameMatch, ...]:
    return tuple(load_divisions().find_names(text, include_generic=True))


def _is_allowed(word: str, allowed: list[str]) -> bool:
    return any(word in entry for entry in allowed)


def _place_findings(
    sentence: Sentence,
    names: list[NameMatch],
    own: OwnRegion,
    divisions: Divisions,
    allowed: list[str],
) -> Iterator[Finding]:
    reported: set[str] = set()
    for match in names:
        candidates = divisions.named(match.name)
        if (
            match.name in reported
            or match.name in GENERIC_NAMES
            or _is_allowed(match.name, allowed)
        ):
            continue
        if any(own.includes(d) for d in candidates):
            continue
        reported.add(match.name)
        where = "、".join(sorted({"".join(x.name for x in divisions.chain(d)) for d in candidates}))
        yield Finding(
            PLACE_CODE,
            "warning",
            f"{quote(sentence.text, match.name)}提到“{match.name}”（{where}），"
            f"不是本机关所在的{own.name}或其下辖地区",
            "如是照搬其他地方报告时留下的地名，请改为本地名称；如确需提及（如对口帮扶、考察学习），"
            f"请把“{match.name}”加入“允许地名”（网页：概况 · 基本信息；数据文件：meta.allowed_places）",
            section=sentence.section,
        )


def _level_findings(
    sentence: Sentence, names: list[NameMatch], own: OwnRegion, allowed: list[str]
) -> Iterator[Finding]:
    if own.own_kind is None:
        return
    text = _mask_names(sentence.text, names, allowed)
    words: dict[str, str] = {}
    for match in _SELF_RE.finditer(text):
        if match.group("kind") not in own.chain_kinds:
            words.setdefault(match.group("word"), match.group("kind"))
    for match in _ENTITY_RE.finditer(text):
        kind = match.group("kind")
        before = text[max(0, match.start() - 1) : match.start()]
        if before and before in _COMPOUND_BEFORE[kind]:
            continue
        if kind not in own.chain_kinds | own.below_kinds:
            words.setdefault(_entity_word(text, match.start(), kind), kind)
    for word, kind in words.items():
        if _is_allowed(word, allowed):
            continue
        yield Finding(
            LEVEL_CODE,
            "warning",
            f"{quote(sentence.text, word)}中的“{word}”与本机关不符：本机关在{own.name}，"
            f"这里应是“{own.own_kind}”而不是“{kind}”",
            f"可能照搬了其他地方的报告：请改为“{word.replace(kind, own.own_kind, 1)}”等本级说法；"
            f"如确属正常提法，请把“{word}”加入“允许地名”（网页：概况 · 基本信息；数据文件：meta.allowed_places）",
            section=sentence.section,
        )


def _entity_word(text: str, start: int, kind: str) -> str:
    """The level word with what follows it, for the message: 区政府门户网站 → 区政府."""
    tail = _TAIL_RE.match(text, start + len(kind))
    return kind + (tail.group(0) if tail else "")


def _mask_names(text: str, names: list[NameMatch], allowed: list[str]) -> str:
    """Blank out division names (盐湖区政府 is a place, not a level word) and allowed words."""
    chars = list(text)
    spans = [(m.start, m.end) for m in names]
    for entry in allowed:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(entry), text)]
    for start, end in spans:
        chars[start:end] = "#" * (end - start)
    return "".join(chars)
