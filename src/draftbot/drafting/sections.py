"""The narrative sections for the drafter: fact topics and the clerk's material for each
(keys, titles and names: `outline.py`)."""

from __future__ import annotations

import re

from ..errors import DraftbotError
from ..model import Report
from ..outline import SECTION_TITLES, section_by_name

SECTION_TOPICS: dict[str, tuple[str, ...]] = {
    "overview_intro": ("basic", "proactive", "on_request", "cases"),
    "overview_proactive": ("basic", "proactive", "platform"),
    "overview_on_request": ("basic", "on_request", "cases", "fees"),
    "overview_management": ("basic", "management", "proactive"),
    "overview_platform": ("basic", "platform"),
    "overview_supervision": ("basic", "supervision"),
    "problems": ("basic", "problems"),
    "other_matters": ("basic", "fees", "other"),
}


class UnknownSectionError(DraftbotError, ValueError):
    """A section name that is not one of the report's prose sections."""


def resolve_section(name: str) -> str:
    """A section key from its key or its Chinese name (主动公开, （一）主动公开, 问题…)."""
    name = name.strip()
    bare = re.sub(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[)）]", "", name)
    key = section_by_name(name) or section_by_name(bare)
    if key is not None:
        return key
    choices = "、".join(f"{k}（{t}）" for k, t in SECTION_TITLES.items())
    raise UnknownSectionError(f"没有名为“{name}”的段落；可选：{choices}")


def section_material(report: Report, section: str) -> list[tuple[str, str]]:
    """The clerk's free text for a section, as (label, text) pairs; empty texts left out."""
    f = report.facts
    items: list[tuple[str, str]] = []
    if section == "overview_proactive":
        items.append(("主动公开的其他情况", f.proactive_notes))
    elif section == "overview_on_request":
        items.append(("依申请公开的工作情况", f.on_request_notes))
    elif section == "overview_management":
        items.append(("政府信息管理情况", f.management_notes))
    elif section == "overview_platform":
        items.append(("政府信息公开平台建设情况", f.platform_notes))
    elif section == "overview_supervision":
        items.append(("监督保障情况", f.supervision_notes))
    elif section == "problems":
        items += [(f"本年存在的问题 第{i}条", p) for i, p in enumerate(f.problems, 1)]
        items += [(f"改进措施 第{i}条", m) for i, m in enumerate(f.measures, 1)]
        for i, prev in enumerate(f.previous_problems, 1):
            items.append((f"上年报告提出的问题 第{i}条", prev.problem))
            items.append((f"上年问题 第{i}条的本年整改情况", prev.rectification))
    elif section == "other_matters":
        items.append(("其他需要报告的事项", f.other_matters))
    return [(label, text.strip()) for label, text in items if text.strip()]
