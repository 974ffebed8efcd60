"""P-12: one sub-part states the same work twice.

A clerk's notes, the structured practices and the area's facts can each name the same piece of
work (保密审查 in a practice and again in a note, 主动公开基本目录 in three items of a list, the
查阅点 counted and then set up again). The offline drafter says each work once
(`drafting.offline.distinct`); this check shows the reviewer where hand-written or model-written
text does not. Only named pieces of work that a sub-part states once are looked for
(`SAID_ONCE`), in different sentences or different items of one list (一是……；二是……), so a
sentence that names a work and explains it is not counted twice. A few works belong to one part
of the whole report (`SAID_ONCE_IN_REPORT`: 列席 in 决策公开, the year's 工作要点 in 监督保障); one
named in two parts is told too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding
from ..model import Report
from ..outline import SECTION_TITLES
from ._text import drafted_sections, quote, section_sentences

CODE = "P-12"
# Pieces of work a sub-part names once; two items naming one of them say the same thing.
SAID_ONCE = (
    "保密审查", "三审三校", "先审后发", "公开指南", "基本目录", "源头认定",
    "转为主动公开", "提案", "开放日", "征求意见", "救济途径", "公开专栏", "无障碍", "适老化",
    "权责清单", "议题", "监测检查",
)  # fmt: skip
# Works the report states in one part only: named again in another part, they say it twice.
SAID_ONCE_IN_REPORT = ("列席", "工作要点")
CHECKED = (
    "overview_proactive",
    "overview_on_request",
    "overview_management",
    "overview_platform",
    "overview_supervision",
    "other_matters",
)
_ITEM_BREAK = re.compile(r"(?<=[；;])")


def section_items(text: str) -> list[str]:
    """The sentences of a section, a sentence listing 一是……；二是…… split at its semicolons."""
    return [i for s in section_sentences(text) for i in _ITEM_BREAK.split(s) if i.strip()]


def repeated_work(text: str) -> list[tuple[str, str, str]]:
    """(work, first item, second item) for each of `SAID_ONCE` named in two items of `text`."""
    items = section_items(text)
    out = []
    for work in SAID_ONCE:
        holding = [i for i in items if work in i]
        if len(holding) >= 2:
            out.append((work, holding[0], holding[1]))
    return out


def repeated_across(sections: list[tuple[str, str]]) -> list[tuple[str, str, str, str]]:
    """(work, first part, its item, second part) for each of `SAID_ONCE_IN_REPORT` named in
    two of `sections` ((key, text) in the report's order)."""
    out = []
    for work in SAID_ONCE_IN_REPORT:
        holding = [
            (key, item) for key, text in sections for item in section_items(text) if work in item
        ]
        parts = list(dict.fromkeys(key for key, _ in holding))
        if len(parts) >= 2:
            out.append((work, parts[0], next(i for k, i in holding if k == parts[1]), parts[1]))
    return out


def check_repeats(report: Report) -> Iterator[Finding]:
    sections = [(k, t) for k, t in drafted_sections(report.narrative) if k in CHECKED]
    for work, first, item, second in repeated_across(sections):
        yield Finding(
            CODE,
            "warning",
            f"同一项工作“{work}”在“{SECTION_TITLES.get(first, first)}”已经写过，这里又写了一遍："
            f"{quote(item, work)}",
            "建议只在一处写，删去重复的一处",
            section=second,
        )
    for key, text in sections:
        for work, first, second in repeated_work(text):
            yield Finding(
                CODE,
                "warning",
                f"同一项工作“{work}”写了两遍：{quote(first, work)}与{quote(second, work)}",
                "建议合并为一句，或删去重复的一处",
                section=key,
            )
