"""修改要求 the offline drafter can follow: 更简洁, 更详细, 不写百分比, 不写同比.

Anything else in the instruction is reported back, word for word, as not applied; the
offline templates never guess at free-form wishes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NEGATION = r"(?:不要|不用|不必|无需|不需要|去掉|删去|删除|删掉|省略|别|不)"
_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("brief", "更简洁", re.compile(r"简洁|精简|简短|简练|简明|压缩|缩短|短一些|短一点|删繁就简")),
    ("detailed", "更详细", re.compile(r"详细|详尽|具体一些|具体一点|展开|充实")),
    (
        "no_percent",
        "不写百分比",
        re.compile(_NEGATION + r"[^，,。；;]{0,6}?(?:百分比|百分数|百分号|比例|占比|%|％)"),
    ),
    (
        "no_change",
        "不写同比",
        re.compile(
            _NEGATION
            + r"[^，,。；;]{0,6}?(?:同比|环比|较上年|与上年|和上年|上年对比|增减|增长|比较)"
        ),
    ),
)
_FILLER = re.compile(
    r"[\s，,。；;：:、！!？?“”\"'（）()…]|请|麻烦|帮我|一点|一些|些|写得|写|更加|更|再|稍微|"
    r"本段|这段|正文|文字|内容|要|的|地|和|及|并且|并|同时|也|都"
)


@dataclass(frozen=True)
class OfflineInstruction:
    """What the offline drafter makes of a 修改要求.

    Flags for the templates; `applied`: the labels of the rules followed (更简洁 …);
    `ignored`: the rest of the instruction as the clerk wrote it, "" when nothing is left.
    """

    brief: bool = False
    detailed: bool = False
    no_percent: bool = False
    no_change: bool = False
    applied: tuple[str, ...] = ()
    ignored: str = ""

    def message(self) -> str:
        """One plain Chinese sentence saying what was and was not applied ("" for none)."""
        parts = []
        if self.applied:
            parts.append("离线模板已按修改要求处理：" + "、".join(self.applied))
        if self.ignored:
            parts.append(
                f"修改要求中的“{self.ignored}”离线模板无法处理，正文未按它修改"
                f"（离线模板只能处理：{'、'.join(label for _, label, _ in _RULES)}；"
                "配置大模型后可以按任意要求修改）"
            )
        return "；".join(parts)


def parse_offline_instruction(text: str | None) -> OfflineInstruction:
    """Flags for the rules found in `text`; the words matching no rule are `ignored`."""
    text = (text or "").strip()
    if not text:
        return OfflineInstruction()
    covered = [False] * len(text)
    flags: dict[str, bool] = {}
    applied = []
    for key, label, pattern in _RULES:
        for match in pattern.finditer(text):
            flags[key] = True
            covered[match.start() : match.end()] = [True] * (match.end() - match.start())
        if flags.get(key):
            applied.append(label)
    if flags.get("brief") and flags.get("detailed"):
        flags["detailed"] = False
        applied.remove("更详细")
    rest = "".join(ch if not done else "，" for ch, done in zip(text, covered, strict=True))
    leftover = [c.strip(" ，,。；;") for c in re.split(r"[，,。；;]+", rest)]
    ignored = "，".join(c for c in leftover if len(_FILLER.sub("", c)) >= 2)
    return OfflineInstruction(**flags, applied=tuple(applied), ignored=ignored)
