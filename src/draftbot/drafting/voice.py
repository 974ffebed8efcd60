"""The agency's own voice: how a report refers to its author, derived from level and name.

Real reports do not write 本机关: a 局 writes 我局, a 委员会 我委, a 镇 我镇, a 街道 本街道, and a
government writes 县政府 / 区政府 / 市政府 and speaks for its whole area (全县 / 全区 / 全市).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..model import AgencyLevel

# Suffix of the agency's name (after removing a trailing （…）) → how it calls itself.
# Longest suffixes first; the first match wins.
_SELF_BY_SUFFIX: tuple[tuple[str, str], ...] = (
    ("街道办事处", "本街道"),
    ("街道", "本街道"),
    ("镇人民政府", "我镇"),
    ("乡人民政府", "我乡"),
    ("办公室", "我办"),
    ("委员会", "我委"),
    ("中心", "我中心"),
    ("事务所", "我所"),
    ("办", "我办"),
    ("委", "我委"),
    ("局", "我局"),
    ("厅", "我厅"),
    ("院", "我院"),
    ("署", "我署"),
    ("馆", "我馆"),
    ("站", "我站"),
    ("所", "我所"),
    ("镇", "我镇"),
    ("乡", "我乡"),
)
# The unit a government's name ends with (before 人民政府) → (short name, its whole area).
_GOVERNMENT_UNITS: tuple[tuple[str, str, str], ...] = (
    ("自治区", "自治区政府", "全区"),
    ("自治州", "州政府", "全州"),
    ("自治县", "县政府", "全县"),
    ("自治旗", "旗政府", "全旗"),
    ("省", "省政府", "全省"),
    ("市", "市政府", "全市"),
    ("州", "州政府", "全州"),
    ("盟", "盟行政公署", "全盟"),
    ("县", "县政府", "全县"),
    ("区", "区政府", "全区"),
    ("旗", "旗政府", "全旗"),
)
_GOVERNMENT_DEFAULT = {
    AgencyLevel.county_government: ("县政府", "全县"),
    AgencyLevel.city_government: ("市政府", "全市"),
    AgencyLevel.provincial_government: ("省政府", "全省"),
}
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[)）]\s*$")
FALLBACK_SELF = "本机关"


@dataclass(frozen=True)
class Voice:
    """How the prose names its author.

    `self_name`: 我局 / 我委 / 我镇 / 本街道 / 县政府 / 本机关; `area`: 全县 / 全区 / 全市 for a
    government (its report covers the whole area), "" otherwise.
    """

    self_name: str
    area: str = ""

    @property
    def is_government(self) -> bool:
        return bool(self.area)

    @property
    def actor(self) -> str:
        """Who does the work in a sentence: 全县 for a government, else the self name."""
        return self.area or self.self_name


def voice_for(agency: str, level: AgencyLevel) -> Voice:
    """The voice of `agency` at `level`; 本机关 when its name gives no usable suffix."""
    name = _TRAILING_NOTE.sub("", agency.strip()).strip()
    if level in _GOVERNMENT_DEFAULT and not name.endswith(("办公室", "办")):
        return _government_voice(name, level)
    for suffix, self_name in _SELF_BY_SUFFIX:
        if name.endswith(suffix):
            return Voice(self_name)
    return Voice(FALLBACK_SELF)


def _government_voice(name: str, level: AgencyLevel) -> Voice:
    core = re.sub(r"(?:人民政府|政府)$", "", name)
    for unit, short, area in _GOVERNMENT_UNITS:
        if core.endswith(unit):
            return Voice(short, area)
    return Voice(*_GOVERNMENT_DEFAULT[level])


def variant(seed: str, key: str, count: int) -> int:
    """A stable choice in range(count) for one kind of sentence of one agency's report.

    `seed` is built from the agency and its data; the same input always gives the same
    choice (a digest, not Python's salted `hash`), different agencies spread over the range.
    """
    digest = hashlib.sha256(f"{seed}\x1f{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % max(count, 1)
