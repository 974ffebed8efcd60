"""The report's outline as data: its six sections, the sub-parts of 一、总体情况, their keys,
titles and labels (format-spec §2–§4; 国办公开办函〔2021〕30号).

Everything that names a section derives from `SECTIONS`: the model's narrative fields, the
exported headings, the drafter's section list and titles, the review's and the web's section
labels, the Excel sheet. To reword a section, change it here.

A prose part is one `Narrative` field (its key); it is printed directly under its section's
heading (the section's `body`) or under its own （一）-style subheading (a `parts` entry).
Its `title` is its heading as printed (一、总体情况, （一）主动公开); its `label` says where it is in
the document (一、总体情况 ·（一）主动公开), and `location` is where findings on it point
(正文 · 一、总体情况 ·（一）主动公开).

This module imports nothing from the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

SectionKey = Literal[
    "overview_intro",
    "overview_proactive",
    "overview_on_request",
    "overview_management",
    "overview_platform",
    "overview_supervision",
    "problems",
    "other_matters",
]
PROSE_AREA = "正文"


@dataclass(frozen=True)
class ProsePart:
    """One prose part: `key` (its `Narrative` field), `title` as printed, `label` (where it
    is), `aliases` (other names a clerk may type for it, e.g. 平台建设)."""

    key: SectionKey
    title: str
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The short name a message uses (总体情况, 主动公开, 存在的主要问题及改进情况)."""
        return self.aliases[0] if self.aliases else self.title

    @property
    def location(self) -> str:
        """Where findings on this part point: `正文 · <label>`."""
        return f"{PROSE_AREA} · {self.label}"


@dataclass(frozen=True)
class Section:
    """One of the six numbered sections: `number` (一…六), `name` (总体情况), `table` (表二…
    when the section is an official table), `body` (prose directly under the heading) and
    `parts` (the （一）… sub-parts, each under its own subheading)."""

    number: str
    name: str
    table: str | None = None
    body: ProsePart | None = None
    parts: tuple[ProsePart, ...] = ()

    @property
    def heading(self) -> str:
        """The heading as printed, e.g. 一、总体情况."""
        return f"{self.number}、{self.name}"

    @property
    def prose(self) -> tuple[ProsePart, ...]:
        """The section's prose parts in document order (body first)."""
        return ((self.body,) if self.body else ()) + self.parts


def _sub_part(key: SectionKey, number: str, name: str, *aliases: str) -> ProsePart:
    title = f"（{number}）{name}"
    return ProsePart(key, title, f"一、总体情况 ·{title}", (name, *aliases))


SECTIONS: tuple[Section, ...] = (
    Section(
        "一",
        "总体情况",
        body=ProsePart("overview_intro", "一、总体情况", "一、总体情况 导语", ("总体情况", "导语")),
        parts=(
            _sub_part("overview_proactive", "一", "主动公开"),
            _sub_part("overview_on_request", "二", "依申请公开"),
            _sub_part("overview_management", "三", "政府信息管理"),
            _sub_part("overview_platform", "四", "政府信息公开平台建设", "平台建设"),
            _sub_part("overview_supervision", "五", "监督保障"),
        ),
    ),
    Section("二", "主动公开政府信息情况", table="表二"),
    Section("三", "收到和处理政府信息公开申请情况", table="表三"),
    Section("四", "政府信息公开行政复议、行政诉讼情况", table="表四"),
    Section(
        "五",
        "存在的主要问题及改进情况",
        body=ProsePart(
            "problems",
            "五、存在的主要问题及改进情况",
            "五、存在的主要问题及改进情况",
            ("存在的主要问题及改进情况", "问题"),
        ),
    ),
    Section(
        "六",
        "其他需要报告的事项",
        body=ProsePart(
            "other_matters",
            "六、其他需要报告的事项",
            "六、其他需要报告的事项",
            ("其他需要报告的事项", "其他"),
        ),
    ),
)

PROSE_PARTS: tuple[ProsePart, ...] = tuple(p for s in SECTIONS for p in s.prose)
PARTS: dict[str, ProsePart] = {p.key: p for p in PROSE_PARTS}

SECTION_KEYS: tuple[str, ...] = tuple(p.key for p in PROSE_PARTS)
SECTION_HEADINGS: tuple[str, ...] = tuple(s.heading for s in SECTIONS)
SECTION_TITLES: dict[str, str] = {p.key: p.title for p in PROSE_PARTS}
SECTION_LABELS: dict[str, str] = {p.key: p.label for p in PROSE_PARTS}
TABLE_SECTIONS: dict[str, Section] = {s.table: s for s in SECTIONS if s.table}

if get_args(SectionKey) != SECTION_KEYS:  # pragma: no cover - a wrong edit of this file
    raise RuntimeError("outline.SECTIONS and outline.SectionKey list different keys")


def part(key: str) -> ProsePart:
    """The prose part of narrative key `key`; raises KeyError for an unknown key."""
    return PARTS[key]


def section_location(key: str) -> str:
    """Where findings on the prose part `key` point, e.g. 正文 · 一、总体情况 ·（一）主动公开."""
    return PARTS[key].location


def section_of_location(location: str) -> str | None:
    """The narrative key a location names (a part's label, or `正文 · ` + label), or None."""
    bare = location.removeprefix(f"{PROSE_AREA} · ")
    for p in PROSE_PARTS:
        if bare == p.label:
            return p.key
    return None


def section_by_name(name: str) -> str | None:
    """The narrative key a clerk's name for a section stands for: its key, its title
    (（一）主动公开), its label, or an alias (主动公开, 平台建设, 问题…); None if none fits."""
    name = name.strip()
    for p in PROSE_PARTS:
        if name in (p.key, p.title, p.label):
            return p.key
    for p in PROSE_PARTS:
        if name in p.aliases:
            return p.key
    return None
