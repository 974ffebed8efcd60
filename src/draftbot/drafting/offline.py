"""The offline drafter: deterministic Jinja2 templates (`prompts/offline/*.j2`) over the facts.

It is the default when no LLM endpoint is configured and the fallback when the LLM fails.
Templates see prepared values (numbers, lists of labelled counts, the clerk's notes); a line
holding only ¶ starts a new paragraph, other line breaks are joined. The clerk's
free text is used sentence by sentence: a sentence with a number that traces to nothing in
the data, or that reads like an instruction to a machine, is left out (and reported).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Template

from ..facts import FactSheet, applications, build_fact_sheet, cases, fmt, percent
from ..model import SECTION_KEYS, Report
from ..numbers import format_amount
from .cleanup import clean_text
from .guard import unmatched_numbers
from .prompts import PromptError, find_file, free_names, parse_template, sandbox

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_INSTRUCTION_CUES = re.compile(
    r"忽略(?:以上|上述|之前|前面|所有)|无视(?:以上|上述)|(?:以上|上述|之前的)(?:指令|要求|规则)|"
    r"提示词|系统提示|ignore\s+(?:all|previous|the above)|system prompt|prompt",
    re.I,
)
_CN_DIGITS = "零一二三四五六七八九"
_YEAR = re.compile(r"(?<![〔\[（(\d])((?:19|20)\d{2})\s*年(?!度?\s*[〕\]])")
_THIS_YEAR_WORDS = ("本年", "今年", "全年", "年内")
_HAS_SUBJECT = (
    "本",
    "我",
    "全年",
    "今年",
    "年内",
    "在",
    "按照",
    "根据",
    "依据",
    "围绕",
    "坚持",
    "为",
)


@dataclass(frozen=True)
class Dropped:
    """A sentence of the clerk's text left out of a section, and why it could not be used."""

    section: str
    label: str
    sentence: str
    reason: str = "含有数据中找不到的数字、与统计年度不符的年份，或像是对程序的指令"


@dataclass
class OfflineDraft:
    texts: dict[str, str]
    dropped: list[Dropped] = field(default_factory=list)


def draft_offline(report: Report, prompts_dir: Path | None = None) -> dict[str, str]:
    """All prose sections from the data, deterministically (same input, same text)."""
    return render_offline(report, prompts_dir).texts


def render_offline(
    report: Report, prompts_dir: Path | None = None, sheet: FactSheet | None = None
) -> OfflineDraft:
    sheet = sheet or build_fact_sheet(report)
    dropped: list[Dropped] = []
    context = offline_context(report, sheet, dropped)
    templates = load_offline_templates(prompts_dir)
    texts = {key: _render(templates[key], context) for key in SECTION_KEYS}
    return OfflineDraft(texts, dropped)


def _render(template: Template, context: dict[str, Any]) -> str:
    raw = template.render(**context)
    paragraphs = ["".join(line.strip() for line in block.split("\n")) for block in raw.split("¶")]
    return clean_text("\n".join(p for p in paragraphs if p))


OFFLINE_INPUTS = frozenset(
    {
        "agency", "level", "region", "year", "format_version", "t2", "t2_2019",
        "proactive_total", "categories", "proactive_change", "policy_interpretations",
        "press_conferences", "decisions", "channels", "website", "training_sessions", "apps", "apps_change",
        "granted_share", "cases", "notes", "problems", "measures", "previous_problems",
        "fee", "is_government",
    }
)  # fmt: skip


def load_offline_templates(prompts_dir: Path | None = None) -> dict[str, Template]:
    paths = tuple(find_file("offline", f"{key}.j2", prompts_dir) for key in SECTION_KEYS)
    return _compile(paths, tuple(p.stat().st_mtime_ns for p in paths))


@functools.lru_cache(maxsize=8)
def _compile(paths: tuple[Path, ...], _mtimes: tuple[int, ...]) -> dict[str, Template]:
    compiled = {}
    for path in paths:
        ast = parse_template(path.read_text(encoding="utf-8-sig"), path)
        unknown = sorted(free_names(ast) - OFFLINE_INPUTS)
        if unknown:
            raise PromptError(
                f"离线模板 {path.name} 使用了未知变量“{unknown[0]}”；可用的变量有："
                + "、".join(sorted(OFFLINE_INPUTS))
            )
        compiled[path.stem] = sandbox().from_string(ast)
    return compiled


def cn_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二 (for 一是、二是 numbering)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def usable_text(text: str, sheet: FactSheet, where: tuple[str, str], dropped: list[Dropped]) -> str:
    """The clerk's text minus sentences with untraceable numbers, another year named as this
    year's, or instructions addressed to a machine; each left-out sentence is recorded."""
    kept = []
    for sentence in _SENTENCE.findall(clean_text(text).replace("\n", "。")):
        sentence = sentence.strip(" ，,；;")
        if not sentence.strip("。！？!?"):
            continue
        if _unusable(sentence, sheet):
            dropped.append(Dropped(*where, sentence))
            continue
        kept.append(sentence if sentence[-1] in "。！？!?" else sentence + "。")
    return "".join(kept)


def _unusable(sentence: str, sheet: FactSheet) -> bool:
    if unmatched_numbers(sentence, sheet) or _INSTRUCTION_CUES.search(sentence):
        return True
    years = {int(y) for y in _YEAR.findall(sentence)}
    return bool(years - {sheet.year}) and any(w in sentence for w in _THIS_YEAR_WORDS)


def with_subject(text: str, agency: str) -> str:
    """A note that starts with a verb (开展…、成立…) gets 本机关 as its subject."""
    if not text or text.startswith((agency, *_HAS_SUBJECT)):
        return text
    return "本机关" + text


def _item(text: str) -> str:
    return text.strip().rstrip("。；;，,.!！")


def usable_items(
    items: list[str], sheet: FactSheet, where: tuple[str, str], dropped: list[Dropped]
) -> list[str]:
    out = []
    for i, item in enumerate(items, 1):
        text = usable_text(item, sheet, (where[0], f"{where[1]} 第{i}条"), dropped)
        if text:
            out.append(_item(text).replace("。", "，"))
    return out


def _change(now: int, before: int | None, unit: str) -> str:
    if before is None:
        return ""
    if now == before:
        return "持平"
    word = "增加" if now > before else "减少"
    text = f"{word}{abs(now - before)}{unit}"
    share = percent(abs(now - before), before)
    return text + (
        f"，{'增长' if now > before else '下降'}{fmt(share)}%" if share is not None else ""
    )


def decisions(report: Report) -> list[tuple[str, int]]:
    """表二's non-zero 处理决定数量 as (label, count), in table order."""
    if report.format_version == "2019":
        t = report.table2_for_format
        pairs = [
            ("行政许可", t.licensing.decisions),  # type: ignore[union-attr]
            ("其他对外管理服务事项", t.other_services.decisions),  # type: ignore[union-attr]
            ("行政处罚", t.penalty.decisions),  # type: ignore[union-attr]
            ("行政强制", t.coercion.decisions),  # type: ignore[union-attr]
        ]
    else:
        t2 = report.table2
        pairs = [("行政许可", t2.licensing), ("行政处罚", t2.penalty), ("行政强制", t2.coercion)]
    return [(label, n) for label, n in pairs if n]


_DOCUMENT_WORDS = ("规章", "规范性文件")


def categories(report: Report, dropped: list[Dropped]) -> list[tuple[str, int | None]]:
    """Published categories as (name, count); a count the prose must not state becomes None.

    The prose must not contradict the data: when the counts add up to more than the stated
    total, or a category named after 规章/规范性文件 matches none of 表二's document counts
    (it may count re-published documents of higher levels), only the name is written.
    """
    f = report.facts
    listed = sum(c.count for c in f.proactive_categories)
    over_total = f.proactive_total is not None and listed > f.proactive_total
    allowed = set(_document_counts(report))
    out: list[tuple[str, int | None]] = []
    for c in f.proactive_categories:
        reason = ""
        if over_total:
            reason = (
                f"各分类条数之和 {listed} 多于主动公开总数 {f.proactive_total}，正文只写分类名称"
            )
        elif any(w in c.name for w in _DOCUMENT_WORDS) and c.count not in allowed:
            reason = "条数与表二中规章、行政规范性文件的件数不一致，正文只写分类名称、不写条数"
        if reason:
            where = ("overview_proactive", "主动公开信息分类")
            dropped.append(Dropped(*where, f"“{c.name}”{c.count}条", reason))
        out.append((c.name, None if reason else c.count))
    return out


def _document_counts(report: Report) -> list[int]:
    if report.format_version == "2019":
        t = report.table2_for_format
        fields = ("made", "published", "total_public")
    else:
        t = report.table2
        fields = ("issued", "repealed", "in_force")
    regs = [getattr(t.regulations, f) for f in fields]
    norms = [getattr(t.normative_documents, f) for f in fields]
    return [*regs, *norms, *(a + b for a, b in zip(regs, norms, strict=True))]


def offline_context(report: Report, sheet: FactSheet, dropped: list[Dropped]) -> dict[str, Any]:
    meta, f = report.meta, report.facts
    apps = applications(report)
    previous = report.previous_year
    notes = {
        name: with_subject(
            usable_text(getattr(f, f"{name}_notes"), sheet, (f"overview_{name}", label), dropped),
            meta.agency,
        )
        for name, label in (
            ("proactive", "主动公开的其他情况"),
            ("on_request", "依申请公开的工作情况"),
            ("management", "政府信息管理情况"),
            ("platform", "政府信息公开平台建设情况"),
            ("supervision", "监督保障情况"),
        )
    }
    where = ("other_matters", "其他需要报告的事项")
    notes["other_matters"] = usable_text(f.other_matters, sheet, where, dropped)
    previous_problems = []
    for i, item in enumerate(f.previous_problems, 1):
        problem = usable_items([item.problem], sheet, ("problems", f"上年问题 第{i}条"), dropped)
        if problem:
            where = ("problems", f"上年问题 第{i}条的整改情况")
            fix = usable_text(item.rectification, sheet, where, dropped)
            fix = _item(fix)
            if fix and not fix.startswith(("本年", "今年", "全年", "已")):
                fix = "本年" + fix
            previous_problems.append({"problem": problem[0], "rectification": fix})
    fee = f.info_fee
    return {
        "agency": meta.agency,
        "level": meta.level.value,
        "region": meta.region,
        "year": meta.report_year,
        "format_version": report.format_version,
        "is_government": meta.level.value.endswith("政府"),
        "t2": report.table2,
        "t2_2019": report.table2_for_format if report.format_version == "2019" else None,
        "proactive_total": f.proactive_total,
        "categories": categories(report, dropped),
        "proactive_change": _change(
            f.proactive_total or 0, previous.proactive_total if previous else None, "条"
        )
        if f.proactive_total is not None
        else "",
        "decisions": decisions(report),
        "policy_interpretations": f.policy_interpretations,
        "press_conferences": f.press_conferences,
        "channels": "、".join(f.channels),
        "website": meta.website,
        "training_sessions": f.training_sessions,
        "apps": apps,
        "apps_change": _change(apps.new_total, apps.previous_new_total, "件"),
        "granted_share": fmt(apps.granted_share) if apps.granted_share is not None else "",
        "cases": cases(report),
        "notes": notes,
        "problems": [
            (cn_ordinal(i), p)
            for i, p in enumerate(
                usable_items(f.problems, sheet, ("problems", "本年存在的问题"), dropped), 1
            )
        ],
        "measures": [
            (cn_ordinal(i), m)
            for i, m in enumerate(
                usable_items(f.measures, sheet, ("problems", "改进措施"), dropped), 1
            )
        ],
        "previous_problems": previous_problems,
        "fee": {
            "any": bool(fee.notices_issued or fee.notices_amount_yuan or fee.collected_yuan),
            "notices": fee.notices_issued,
            "amount": format_amount(fee.notices_amount_yuan),
            "collected": format_amount(fee.collected_yuan),
        },
    }
