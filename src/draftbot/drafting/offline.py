"""The offline drafter: deterministic Jinja2 templates (`prompts/offline/*.j2`) over the facts.

It is the default when no LLM endpoint is configured and the fallback when the LLM fails.
Templates see prepared values (numbers, lists of labelled counts, the clerk's notes); a line
holding only ¶ starts a new paragraph, other line breaks are joined. The clerk's
free text is used sentence by sentence: a sentence with a number that traces to nothing in
the data, or that reads like an instruction to a machine, is left out (and reported).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Template

from ..claims import count_twins
from ..facts import (
    RESULT_GROUPS,
    FactSheet,
    applications,
    build_fact_sheet,
    cases,
    decision_meeting,
    fmt,
    meeting_name,
    percent,
)
from ..model import Report, Table2v2019, result_rows
from ..numbers import format_amount, prose_share_words, share_tenths
from ..outline import SECTION_KEYS
from ..review.content import TOPICS
from ..review.copying import similarity
from ..review.measures import repeats_fix
from ..review.repeats import SAID_ONCE, SAID_ONCE_IN_REPORT
from ..text import split_sentences, wrong_years
from ..units import unit_suspicions
from .cleanup import clean_model_text
from .guard import unmatched_numbers
from .instructions import OfflineInstruction, parse_offline_instruction
from .prompts import PromptError, find_file, free_names, parse_template, sandbox
from .voice import FALLBACK_SELF, Voice, variant, voice_for

_INSTRUCTION_CUES = re.compile(
    r"忽略(?:以上|上述|之前|前面|所有)|无视(?:以上|上述)|(?:以上|上述|之前的)(?:指令|要求|规则)|"
    r"提示词|系统提示|ignore\s+(?:all|previous|the above)|system prompt|prompt",
    re.I,
)
_CN_DIGITS = "零一二三四五六七八九"
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
    "各",
)
# 全县 / 全区 / 全市 / 全镇 … as the first word: the note speaks for the whole area.
_AREA_START = re.compile(r"全(?:县|区|市|省|州|盟|旗|镇|乡|街道)")


@dataclass(frozen=True)
class Dropped:
    """A sentence of the clerk's text left out of a section, and why it could not be used."""

    section: str
    label: str
    sentence: str
    reason: str = (
        "含有数据中找不到的数字、与表三不符的比例说法、与统计年度不符的年份，或像是对程序的指令"
    )


@dataclass
class OfflineDraft:
    """The offline text of every section, the clerk's sentences left out, and what was made
    of the 修改要求 (`instruction.message()` says what was and was not applied)."""

    texts: dict[str, str]
    dropped: list[Dropped] = field(default_factory=list)
    instruction: OfflineInstruction = field(default_factory=OfflineInstruction)


def draft_offline(
    report: Report, prompts_dir: Path | None = None, instruction: str | None = None
) -> dict[str, str]:
    """All prose sections from the data, deterministically (same input, same text)."""
    return render_offline(report, prompts_dir, instruction=instruction).texts


def render_offline(
    report: Report,
    prompts_dir: Path | None = None,
    sheet: FactSheet | None = None,
    instruction: str | None = None,
) -> OfflineDraft:
    """Every section from the templates; `instruction` may hold 更简洁 / 更详细 / 不写百分比 /
    不写同比 (anything else is reported in `OfflineDraft.instruction`, not applied)."""
    sheet = sheet or build_fact_sheet(report)
    dropped: list[Dropped] = []
    parsed = parse_offline_instruction(instruction)
    context = offline_context(report, sheet, dropped, parsed)
    templates = load_offline_templates(prompts_dir)
    texts = {key: _render(templates[key], context) for key in SECTION_KEYS}
    return OfflineDraft(texts, dropped, parsed)


def _render(template: Template, context: dict[str, Any]) -> str:
    raw = template.render(**context)
    paragraphs = ["".join(line.strip() for line in block.split("\n")) for block in raw.split("¶")]
    return smooth(clean_model_text("\n".join(p for p in paragraphs if p)))


# 在主动公开上，在招生季… : a topic lead in 在…上 before a clause that itself opens with 在.
_STACKED_ZAI = re.compile(r"在([^，。；在]{2,12})上，(?=在)")


def smooth(text: str) -> str:
    """Two fixes of joined phrases: a topic lead 在X上， before a clause opening with 在 becomes
    X方面， (no stacked 在…在), and quoted items in a row take no 、 between them
    (“工作动态”“通知公告”, GB/T 15834)."""
    return _STACKED_ZAI.sub(r"\1方面，", text).replace("”、“", "”“")


OFFLINE_INPUTS = frozenset(
    {
        "agency", "level", "region", "year", "format_version", "t2", "t2_2019",
        "proactive_total", "categories", "proactive_change", "policy_interpretations",
        "press_conferences", "decisions", "channels", "website", "training_sessions", "apps", "apps_change",
        "granted_share", "cases", "notes", "problems", "measures", "previous_problems",
        "fee", "is_government", "me", "area", "actor", "pick", "opt", "applicants", "results",
        "signals", "amounts", "practices", "local", "engage", "org", "summary", "arrange",
        "tenths", "note_items", "weave", "recurring", "last_problems", "signal_words", "reported_fix",
        "distinct", "decision_meeting", "proposals_remainder",
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
    """The clerk's text minus sentences with untraceable numbers or shares in words that 表三
    contradicts (`guard.unmatched_numbers`), another year named as this year's, or
    instructions addressed to a machine; each left-out sentence is recorded."""
    kept = []
    for sentence in split_sentences(clean_model_text(text), at_semicolons=False):
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
    return bool(wrong_years(sentence, sheet.year))


def with_subject(text: str, agency: str, voice: Voice | None = None) -> str:
    """A note that starts with a verb (开展…、成立…) gets the agency's own name (我局 …) as
    its subject; one that starts with 本机关 is put in that voice; one that already has a
    subject (我局、全区、本年 …) is left as written."""
    voice = voice or Voice(FALLBACK_SELF)
    if not text:
        return text
    if text.startswith(FALLBACK_SELF) and voice.self_name != FALLBACK_SELF:
        return voice.self_name + text[len(FALLBACK_SELF) :]
    own = tuple(w for w in (agency, voice.self_name, voice.area) if w)
    if text.startswith((*own, *_HAS_SUBJECT)) or _AREA_START.match(text):
        return text
    return _joined_subject(voice.self_name, text)


def _joined_subject(subject: str, text: str) -> str:
    """`subject` before `text`, sharing the word both have (县政府 + 政府网站… → 县政府网站…,
    本街道 + 街道办事处… → 本街道办事处…): a clause that opens with a noun ending the
    subject's own name would otherwise read 县政府政府网站. Only overlaps of two or more
    characters count (我办 + 办理… is not 我办理…)."""
    for size in range(min(len(subject), len(text)) - 1, 1, -1):
        if subject.endswith(text[:size]):
            return subject + text[size:]
    return subject + text


def without_clauses(text: str, word: str) -> str:
    """`text` minus its clauses (split at ，；) that mention `word` and hold no number: the
    template states that fact once, with the figure (培训3次), so the clerk's bare
    mention (开展业务培训) would say it twice."""
    sentences = []
    for sentence in split_sentences(text, at_semicolons=False):
        end = sentence[-1] if sentence[-1] in "。！？!?" else ""
        body = sentence[: len(sentence) - len(end)]
        clauses = [c for c in re.split(r"(?<=[，,；;])", body) if c]
        kept = [c for c in clauses if word not in c or re.search(r"\d", c)]
        if not kept:
            continue
        joined = "".join(kept).rstrip("，,；;")
        sentences.append(joined + (end or "。"))
    return "".join(sentences)


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


def _change(now: int, before: int, unit: str, opt: OfflineInstruction) -> str:
    """增加35条、增长19.4% / 减少2件 / 持平: the change on last year, to follow 比上年."""
    if now == before:
        return "持平"
    word = "增加" if now > before else "减少"
    text = f"{word}{abs(now - before)}{unit}"
    share = percent(abs(now - before), before)
    if share is None or opt.no_percent:
        return text
    return text + f"、{'增长' if now > before else '下降'}{fmt(share)}%"


def decisions(report: Report) -> list[tuple[str, int]]:
    """表二's non-zero 处理决定数量 as (label, count), in table order."""
    form = report.format
    rows = form.table2_rows("decisions")
    pairs = [(label, form.decisions(report, key)[0]) for key, label in rows]
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
    regs = report.format.documents(report, "regulations")
    norms = report.format.documents(report, "normative_documents")
    return [*regs, *norms, *(a + b for a, b in zip(regs, norms, strict=True))]


# 表三 rows → the reason as the prose states it ({me} is the agency's own name); "|" separates
# phrasings, one chosen per agency.
REASONS: dict[str, str] = {
    "denied_state_secret": "属于国家秘密",
    "denied_law_prohibited": "属于其他法律行政法规禁止公开的信息",
    "denied_three_security_one_stability": "公开后可能危及“三安全一稳定”",
    "denied_third_party": "公开会损害第三方合法权益|公开可能损害第三方合法权益",
    "denied_internal_affairs": "属于三类内部事务信息|属于行政机关的内部事务信息",
    "denied_process_info": (
        "属于四类过程性信息|属于过程性信息|所申请的信息属于行政机关内部的过程性信息"
    ),
    "denied_enforcement_file": "属于行政执法案卷",
    "denied_admin_query": "属于行政查询事项",
    "unable_not_held": "{me}不掌握相关政府信息|所申请的信息不由{me}掌握|相关信息不属于{me}掌握的范围",
    "unable_need_creation": "没有现成信息、需要另行制作|申请的信息需要另行制作",
    "unable_unclear_after_correction": "补正后申请内容仍不明确",
    "not_processed_petition": "属于信访举报投诉类申请",
    "not_processed_repeat": "属于重复申请|申请人就同一内容重复申请",
    "not_processed_publication": "要求提供公开出版物",
    "not_processed_massive": "无正当理由大量反复申请",
    "not_processed_confirm": "要求确认或重新出具已获取的信息",
    "other_no_correction": "申请人逾期不补正|申请人逾期未补正",
    "other_no_fee_paid": "申请人逾期未缴纳信息处理费",
    "other_other": "其他情形",
    "other_processing": "其他情形",
}
RECEIVING_OFFICE = "受理申请的行政机关"
_UNNAMED_REASONS = ("other_other", "other_processing")  # 其他: no reason to state
_NOTE_SECTIONS = (
    ("proactive", "主动公开的其他情况"),
    ("on_request", "依申请公开的工作情况"),
    ("management", "政府信息管理情况"),
    ("platform", "政府信息公开平台建设情况"),
    ("supervision", "监督保障情况"),
)


def offline_context(
    report: Report,
    sheet: FactSheet,
    dropped: list[Dropped],
    instruction: OfflineInstruction | None = None,
) -> dict[str, Any]:
    """Everything the offline templates may use, prepared from the data (see OFFLINE_INPUTS)."""
    meta, f = report.meta, report.facts
    opt = instruction or OfflineInstruction()
    voice = voice_for(meta.agency, meta.level)
    apps = applications(report)
    plan = _plan_title(report, sheet, dropped)
    notes = _notes(report, sheet, dropped, voice, plan, categories_listed=not opt.brief)
    seed = f"{meta.agency}|{meta.report_year}"
    signals = _signals(report, apps)
    problems = usable_items(f.problems, sheet, ("problems", "本年存在的问题"), dropped)
    if f.organisation.staff == 1:  # one person: 为兼职, not 多为兼职
        problems = [p.replace("多为兼职", "为兼职") for p in problems]
    last = last_year_problems(report)
    return {
        "agency": meta.agency,
        "level": meta.level.value,
        "region": meta.region,
        "year": meta.report_year,
        "format_version": report.format_version,
        "is_government": voice.is_government,
        "me": voice.self_name,
        "area": voice.area,
        "actor": voice.actor,
        "pick": functools.partial(variant, seed),
        "opt": opt,
        "t2": report.table2,
        "t2_2019": _table2_2019(report),
        "proactive_total": f.proactive_total,
        "categories": _listed_categories(report, dropped),
        "proactive_change": _changes(report, opt)[0],
        "decisions": decisions(report),
        "policy_interpretations": f.policy_interpretations,
        "press_conferences": f.press_conferences,
        "channels": "、".join(f.channels),
        "website": meta.website,
        "training_sessions": f.training_sessions,
        "apps": apps,
        "apps_change": _changes(report, opt)[1],
        "applicants": _applicants(apps),
        "results": _results(report, apps, voice),
        "granted_share": fmt(apps.granted_share)
        if apps.granted_share is not None and not opt.no_percent
        else "",
        "cases": cases(report),
        "notes": notes,
        "problems": _numbered(problems),
        "measures": _numbered(
            [
                _measure(m)
                for m in usable_items(f.measures, sheet, ("problems", "改进措施"), dropped)
            ]
        ),
        "signals": signals,
        "signal_words": signal_words(report),
        "reported_fix": functools.partial(
            repeats_fix, [p.rectification for p in f.previous_problems if p.rectification]
        ),  # a measure like a rectification reported done (review P-11) is not chosen
        "previous_problems": _previous_problems(report, sheet, dropped),
        "fee": _fee(report),
        "amounts": _amounts(report, dropped),
        "practices": _practices(report, sheet, dropped),
        "local": _area_work(report, sheet, dropped),
        "engage": report.facts.engagement.model_dump(),
        "org": _organisation(report, plan, notes["supervision"]),
        "summary": overview_summary(report, opt),
        "arrange": functools.partial(arrange, seed),
        "tenths": share_tenths,
        "note_items": {name: _clauses(text, voice, meta.agency) for name, text in notes.items()},
        "weave": functools.partial(weave, seed, voice.actor),
        "distinct": distinct,
        "decision_meeting": decision_meeting(report),
        "proposals_remainder": proposals_remainder,
        "recurring": recurring(last, signals, problems),
        "last_problems": _last_problems_text(report),
    }


# Words opening the second, third … sentence of a sub-part ("" for none), one set per report:
# at most one connective in a chain of up to four sentences (never 同时…此外…另外…).
_CONNECTIVES = (
    ("同时，", "", "", "此外，"),
    ("", "此外，", "", ""),
    ("", "", "同时，", ""),
    ("此外，", "", "", "同时，"),
)


def weave(
    seed: str,
    subject: str,
    key: str,
    parts: list[str],
    leads: list[str],
    openers: tuple[str, ...] | list[str] = (),
    notes: tuple[str, ...] | list[str] = (),
) -> str:
    """The clauses of one sub-part (each without end punctuation) arranged in one of
    several shapes chosen by `variant(seed, key…)`: 一是…二是… after a lead from `leads`
    (a phrase ending before the colon), sentences joined by connectives, or one sentence of
    clauses. `parts` are the structured facts in their logical order, `notes` the clerk's
    own clauses, placed after or before them. `subject` (我局, 全县 …) starts the first
    sentence, after an opener from `openers` (在政府信息管理上，) when one is chosen; a
    clause already starting with the subject does not get it twice. When the text would
    hold none of the words review P-07 looks for in the sub-part `overview_<key>`, the first of `leads` and
    `openers` is used, which must name the topic. "" for no clauses."""
    parts, own = distinct(
        [_strip_subject(p, subject) for p in parts if p],
        [_strip_subject(p, subject) for p in notes if p],
    )
    # the structured facts lead (they hold the figures), the clerk's own clauses follow; a list
    # longer than `LIST_CAP` keeps its first items and says the rest in sentences after it
    parts = parts + own
    if not parts:
        return ""
    parts, overflow = parts[:LIST_CAP], parts[LIST_CAP:]
    own_subject = subject
    if _has_subject(parts[0]):  # 县政府办公室每季度检查…: its own subject, none added
        subject = ""
    options = ["", *openers]
    opener = options[variant(seed, key + ".opener", len(options))]
    lead = leads[variant(seed, key + ".lead", len(leads))] if leads else ""
    shape = variant(seed, key + ".shape", 3) if len(parts) > 1 else 1
    if len(parts) > 4 and leads:  # five or more: 一是…五是…, not a chain of 此外、同时
        shape = 0
    link = variant(seed, key + ".link", len(_CONNECTIVES))
    text = _arranged(parts, shape, subject, opener, lead, link)
    topic = TOPICS.get(f"overview_{key}", ("", ()))[1]
    if topic and not any(word in text for word in topic):
        text = _arranged(parts, shape, subject, openers[0] if openers else "", leads[0], link)
    return text + _overflow(overflow, own_subject)


# The most items a sub-part lists (一是…六是…); the rest follow in sentences of their own.
LIST_CAP = 6


def _overflow(items: list[str], subject: str) -> str:
    """Items beyond `LIST_CAP`, as sentences of a following paragraph (nothing is dropped),
    the first with `subject` when it opens with its verb."""
    if not items:
        return ""
    first = subject + items[0] if items[0][:1] in _VERB_START else items[0]
    return "\n¶\n此外，" + "".join(item + "。" for item in [first, *items[1:]])


# Work items a sub-part names once (review P-12 looks for the same): two items that both name
# one of these say the same thing; also 查阅点 and 重点领域 (the 查阅点 counted and then set up
# again, a clerk's 重点公开… beside the 重点领域 line), which the review leaves alone (a channel
# may be called 政务服务中心查阅点, a category 重点领域信息); and 关停 (closing stale new-media
# accounts) and 专职工作人员 (named again per department), which clerks write twice in other words.
_SAID_ONCE = (*SAID_ONCE, "查阅点", "重点领域", "关停", "专职工作人员")
# One work under several names: two items naming it in any of them say the same thing (答复书统一
# 使用规范文本 and 统一答复文书格式).
_ONE_WORK = (("规范文本", "文书格式", "文书范本", "格式文本"),)
_NEAR_DUPLICATE = 0.4  # review.copying.similarity of two items saying one thing in other words
# Words every item of a sub-part may hold: left out before two items are compared.
_COMMON_WORDS = re.compile(r"政务公开工作|政府信息公开|政务公开|政府信息|信息公开|工作")


def same_work(a: str, b: str) -> bool:
    """Whether two items of one sub-part say the same work: both name one of `_SAID_ONCE`'s
    work items (or one work of `_ONE_WORK` in either of its names), read alike (`similarity`
    at least 0.4 once the words any item may hold, 政务公开工作 …, are left out), or share two
    names of five characters or more."""
    if any(term in a and term in b for term in _SAID_ONCE):
        return True
    if any(any(t in a for t in names) and any(t in b for t in names) for names in _ONE_WORK):
        return True
    a, b = _COMMON_WORDS.sub("|", a), _COMMON_WORDS.sub("|", b)
    if similarity(a, b) >= _NEAR_DUPLICATE:
        return True
    # 重点公开财政预决算、重大建设项目… and 财政预决算、政府债务和重大建设项目…: two shared names
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(1 for m in blocks if m.size >= 5 and "|" not in a[m.a : m.a + m.size]) >= 2


def distinct(parts: list[str], notes: list[str]) -> tuple[list[str], list[str]]:
    """The structured items `parts` and the clerk's `notes` of one sub-part with each work
    said once (`same_work`). Of two notes saying one work the longer stays, in the earlier
    one's place. A structured item (it holds the figure and the purpose) stays; a note that
    says the same is left out when it opens with that work (the rest of it tells more about
    it), otherwise only its clauses that say it are (开展规范性文件清理，落实保密审查 keeps its
    first clause beside 保密审查、三审三校). Falsy items are dropped."""
    parts = [p for p in parts if p]
    own = []
    for note in (n for n in notes if n):
        twins = [p for p in parts if same_work(p, note)]
        note = _without_work(note, twins) if twins else note
        if note:
            own.append(note)
    kept: list[str] = []
    for note in own:
        twin = next((i for i, k in enumerate(kept) if same_work(k, note)), None)
        if twin is None:
            kept.append(note)
        elif len(note) > len(kept[twin]):
            kept[twin] = note
    return parts, kept


def _without_work(note: str, parts: list[str]) -> str:
    """`note` minus its clauses that say the work of one of `parts`; "" when its first
    clause does, or when no single clause does (the note as a whole says it)."""
    end = note[-1] if note[-1] in "。！？!?" else ""
    clauses = [c for c in re.split(r"(?<=[，,；;])", note[: len(note) - len(end)]) if c]
    said = [any(same_work(c.rstrip("，,；;"), p) for p in parts) for c in clauses]
    if not any(said) or said[0]:
        return ""
    rest = "".join(c for c, s in zip(clauses, said, strict=True) if not s).rstrip("，,；;")
    return rest + end


def _arranged(parts: list[str], shape: int, subject: str, opener: str, lead: str, link: int) -> str:
    if shape == 0 and lead:
        items = [f"{cn_ordinal(i)}是{p}" for i, p in enumerate(parts, 1)]
        return f"{lead}：" + "；".join(items) + "。"
    head = opener + subject
    if shape == 1 or len(parts) > 3:
        words = _CONNECTIVES[link]
        sentences = [head + parts[0] + "。"]
        sentences += [_linked(words[i % len(words)], p) + "。" for i, p in enumerate(parts[1:])]
        return "".join(sentences)
    last = _linked("还" if len(parts) == 2 else "并", parts[-1])
    return head + "；".join(parts[:-1]) + "；" + last + "。"


# First characters of a clause that starts with its verb (落实…, 对…, 在…): only these
# may follow a bare 还 / 并; a clause starting with a noun (台账按月更新) gets 同时，.
_VERB_START = set(
    "落对把将在修完建制开组实推设运聘邀明按依坚加强整优通以更梳及动统发召印关引做严定健编探打出利集细拓转举答安"
)


def _linked(word: str, clause: str) -> str:
    if word.endswith("，") or not word or clause[:1] in _VERB_START:
        return word + clause
    return "同时，" + clause


def _has_subject(clause: str) -> bool:
    """Whether a clause opens with who does it: 我局…, 本街道…, 各镇…, 全县…, or a name
    of a government or office (县政府办公室…)."""
    return clause.startswith(("我", "本", "各")) or bool(
        _AREA_START.match(clause) or _OFFICE_START.match(clause)
    )


_OFFICE_START = re.compile(
    r"[县区市省州镇乡旗]政府|[^，。；的了在对将把]{0,10}?(?:办公室|领导小组)"
)


def _strip_subject(text: str, subject: str) -> str:
    text = text.rstrip("。；;，,")
    return text[len(subject) :] if subject and text.startswith(subject) else text


def _clauses(text: str, voice: Voice, agency: str) -> list[str]:
    """The clerk's note as clauses to arrange (see `weave`): its sentences without end
    punctuation and without the agency's own name as a leading subject; a sentence that only
    says information was published (`_EMPTY_NOTE`) is left out."""
    out = []
    for sentence in split_sentences(text, at_semicolons=False):
        sentence = sentence.strip().rstrip("。！？!?；;，,")
        for own in sorted({agency, voice.self_name, voice.area} - {""}, key=len, reverse=True):
            # 我局建立… loses 我局; 县政府办公室… keeps its subject (the 办公室 is not a verb)
            if sentence.startswith(own) and sentence[len(own) : len(own) + 1] in _VERB_START:
                sentence = sentence[len(own) :]
                break
        if sentence and not _EMPTY_NOTE.match(sentence):
            out.append(sentence)
    return out


# A note that says only that information was published (政务微信公众号全年推送信息): no count, no
# content, nothing the report can state as work.
_EMPTY_NOTE = re.compile(
    r"[^，、；]{0,14}?(?:全年|年内|本年)(?:推送|发布|公开|更新)了?(?:政府)?信息$"
)


def _practices(report: Report, sheet: FactSheet, dropped: list[Dropped]) -> dict[str, Any]:
    """facts.practices for the templates: the listed items joined (each checked like the
    clerk's other text), the counts as entered (None: not reported)."""
    p = report.facts.practices
    lists = {
        "review_methods": ("overview_management", "信息发布前的审查做法"),
        "updated_guides": ("overview_management", "本年更新的公开指南、目录"),
        "interpretation_forms": ("overview_proactive", "政策解读的形式"),
        "supervision_methods": ("overview_supervision", "监督考核的做法"),
    }
    out: dict[str, Any] = {
        name: "、".join(usable_items(getattr(p, name), sheet, where, dropped))
        for name, where in lists.items()
    }
    for name in (
        "responses",
        "new_media_accounts",
        "reading_points",
        "trained_people",
        "circulars",
        "attributed_documents",
        "attributed_public",
    ):
        out[name] = getattr(p, name)
    return out


def _area_work(report: Report, sheet: FactSheet, dropped: list[Dropped]) -> dict[str, Any]:
    """facts.area for the templates (as `local`): the named items (each checked like the
    clerk's other text) as lists, a 重点领域 already named as a 主动公开 category left out (its
    count is told there, once); the counts as entered (None: not reported)."""
    a = report.facts.area
    categories = {c.name for c in report.facts.proactive_categories}
    out: dict[str, Any] = {
        "key_areas": [
            item
            for item in usable_items(
                a.key_areas, sheet, ("overview_proactive", "重点公开的领域"), dropped
            )
            if item not in categories
        ],
        "website_columns": usable_items(
            a.website_columns, sheet, ("overview_platform", "政府网站新开设或改版的栏目"), dropped
        ),
    }
    for name in (
        "proposals",
        "open_days",
        "gazette_issues",
        "gazette_documents",
        "villages",
        "notice_boards",
        "meeting_topics",
        "site_checks",
        "site_problems_fixed",
        "accounts_closed",
        "covered_departments",
        "covered_townships",
    ):
        out[name] = getattr(a, name)
    return out


# Words of the clerk's notes that name an organisation answer. A note that gives the same fact
# (the head's post beside 领导小组, the plan's 《title》) stands and the answer is not told again;
# a note that only names the word (领导小组召开会议…, 对照工作要点…) loses that clause instead
# (`fact_terms`), so the structured fact, which is more exact, is told. A figure-less mention of
# the staff or the study meetings is dropped from the note by `_notes` first, so these words
# left in the note come with the clerk's own figure.
_ORGANISATION_SAID = {
    "group_head": ("领导小组",),
    "work_plan": ("工作要点", "实施方案", "工作方案"),
    "plan_tasks": ("项任务", "任务项"),
    "staff": ("兼职", "兼）职"),  # 专兼职人员, 专（兼）职工作人员
    "study_meetings": ("专题研究",),
}


# The subject of a clerk's sentence about the 建议提案 (政府系统承办的人大代表建议和政协提案),
# up to what it says of them (均按期办结，办理复文依规公开).
_PROPOSALS_SUBJECT = re.compile(
    r"^[^，。；]*?(?:人大代表建议|建议)(?:和|、|及)?(?:政协提案|提案)的?"
)


def proposals_remainder(note: str, handled: int | None) -> str:
    """What a clerk's sentence about the 建议提案 says of them beyond the subject the structured
    line already states (均按期办结，办理复文依规在政府网站公开), "" when it says nothing else or
    does not start with them; 均 is dropped when one item was handled."""
    match = _PROPOSALS_SUBJECT.match(note)
    if not match:
        return ""
    rest = note[match.end() :].strip("，。； ")
    if handled == 1:
        rest = rest.removeprefix("均").removeprefix("都")
    return rest


def _plan_title(report: Report, sheet: FactSheet, dropped: list[Dropped]) -> str | None:
    """The year's plan (facts.organisation.work_plan) as the prose may state it: checked like
    the clerk's other text, None when it names another year (recorded)."""
    o = report.facts.organisation
    where = ("overview_supervision", "年度工作要点")
    plan = usable_items([o.work_plan] if o.work_plan else [], sheet, where, dropped)
    years = {int(y) for y in re.findall(r"(\d{4})年", plan[0])} if plan else set()
    if years - {report.meta.report_year}:  # 《2021年…要点》 in the report on 2023
        dropped.append(
            Dropped(*where, plan[0], "标题中的年份不是统计年度，请核对是否为本年印发的文件")
        )
        return None
    return plan[0] if plan else None


def _gives_same(name: str, value: str, note: str) -> bool:
    """Whether the clerk's note states the organisation answer `name` itself: the head's post
    (常务副市长) next to 领导小组, the plan's title in 《》; staff and study meetings as before
    (their figure-less mentions are gone, so a mention left carries the clerk's figure)."""
    if not any(word in note for word in _ORGANISATION_SAID[name]):
        return False
    if name == "group_head":
        return value in note
    if name == "work_plan":
        titles = re.findall(r"《[^》]+》", value)
        return any(title in note for title in titles or [value])
    return True


def fact_terms(report: Report, plan: str | None, supervision_note: str) -> list[str]:
    """Words naming a structured fact the draft states with its figure or name (列席 for the
    attendees of 常务会议, 征求意见 for the consultations, 领导小组 and 工作要点 for the
    organisation answers the clerk's 监督保障 note does not itself give): a clause of the clerk's
    notes in any part that names one of them says that work again and is left out
    (`without_clauses`; one with a figure of its own stays)."""
    e, o = report.facts.engagement, report.facts.organisation
    terms = []
    if e.attendees:
        terms.append("列席")
    if e.consultations:
        terms.append("征求意见")
    if o.group_head and not _gives_same("group_head", o.group_head, supervision_note):
        terms.append("领导小组")
    if plan and not _gives_same("work_plan", plan, supervision_note):
        terms.append("工作要点")
    return terms


def _organisation(report: Report, plan: str | None, note: str) -> dict[str, Any]:
    """facts.organisation for the templates (as `org`): the leading group's head, the plan's
    title (`_plan_title`), the staff and study-meeting counts, and `meeting` (常务会议 /
    党政班子会议 / 领导班子会议, `facts.meeting_name`); an answer the clerk's 监督保障 note
    itself gives (`_gives_same`) is None."""
    o = report.facts.organisation
    out: dict[str, Any] = {
        "group_head": o.group_head,
        "work_plan": plan,
        "staff": o.staff,
        "study_meetings": o.study_meetings,
        "plan_tasks": o.plan_tasks,
        "plan_tasks_done": o.plan_tasks_done,
    }
    for name in _ORGANISATION_SAID:
        if out[name] and _gives_same(name, str(out[name]), note):
            out[name] = None
    meeting = meeting_name(report)
    out["meeting"] = meeting.removeprefix("政府") if meeting.startswith("政府") else meeting
    out["meeting_body"] = meeting_body(report)
    return out


def meeting_body(report: Report) -> str:
    """The meeting that studies the work, named with its body, one form per level: 县政府常务会议,
    镇党政班子会议 / 街道党政班子会议, 局领导班子会议 (委, 中心 … from the agency's self name;
    本机关领导班子会议 when the name gives none); a government's office entered at the
    government's level (我办) names the government's 政府常务会议 without its own unit."""
    voice = voice_for(report.meta.agency, report.meta.level)
    meeting = meeting_name(report)
    if voice.is_government:  # 县政府 + 常务会议
        return voice.self_name + meeting.removeprefix("政府")
    if report.meta.level.is_government:  # 县政府办公室 (我办) reports the government's meeting
        return meeting
    unit = voice.self_name.removeprefix("我").removeprefix("本")
    return (unit if unit != "机关" else "本机关") + meeting


def _amounts(report: Report, dropped: list[Dropped]) -> dict[str, str]:
    """表二's money values for the prose, in 万元; one that looks entered in 元 is left out
    of the prose (recorded, so the clerk is told) rather than printed as 3922533.2万元."""
    suspects = {s.field: s for s in unit_suspicions(report)}
    out = {}
    for key, path, value in (
        ("fees", "table2.fees_wan_yuan", report.table2.fees_wan_yuan),
        (
            "procurement",
            "table2_2019.procurement.amount",
            report.table2_2019.procurement.amount if report.table2_2019 else Decimal(0),
        ),
    ):
        suspect = suspects.get(path)
        if suspect is not None:
            where = ("overview_proactive", suspect.label)
            reason = suspect.message() + "，正文不写这个金额"
            dropped.append(Dropped(*where, f"{format_amount(value)}万元", reason))
        out[key] = "" if suspect is not None or not value else format_amount(value)
    return out


def _notes(
    report: Report,
    sheet: FactSheet,
    dropped: list[Dropped],
    voice: Voice,
    plan: str | None = None,
    categories_listed: bool = True,
) -> dict[str, str]:
    """The clerk's notes of every part, each work said once: within a part (`_said_once`),
    beside a fact a template states with its figure (培训3次, `fact_terms`; the categories
    （一） lists, `without_categories`, unless `categories_listed` is False), and across parts
    (`across_parts`: a sentence saying what an earlier part's note already said is left out)."""
    f, agency = report.facts, report.meta.agency
    notes = {
        name: _own_voice(
            _once_with_subject(
                usable_text(
                    getattr(f, f"{name}_notes"), sheet, (f"overview_{name}", label), dropped
                ),
                agency,
                voice,
            ),
            voice,
        )
        for name, label in _NOTE_SECTIONS
    }
    # A fact the template states with its figure is not stated again by the clerk's words.
    for word, value in (
        ("培训", f.training_sessions),
        ("专题研究", f.organisation.study_meetings),
        ("兼职", f.organisation.staff),  # 专兼职工作人员
        ("兼）职", f.organisation.staff),  # 专（兼）职工作人员
    ):
        if value:
            notes["supervision"] = without_clauses(notes["supervision"], word)
    for word, value in (("政策解读", f.policy_interpretations), ("发布会", f.press_conferences)):
        if value:
            notes["proactive"] = without_clauses(notes["proactive"], word)
    if categories_listed:  # （一） names each category (with its count when it may)
        names = {c.name for c in f.proactive_categories}
        notes["proactive"] = without_categories(notes["proactive"], names)
    if f.area.key_areas:  # the 重点领域 line says what was published 重点; the note just 公开
        notes["proactive"] = notes["proactive"].replace("重点公开", "公开")
    where = ("other_matters", "其他需要报告的事项")
    notes["other_matters"] = _said_once(usable_text(f.other_matters, sheet, where, dropped))
    for term in fact_terms(report, plan, notes["supervision"]):
        notes = {name: without_term(text, term) for name, text in notes.items()}
    return across_parts(notes)


# （我局）公开定点医药机构名单和医保报销政策: a clause that opens with publishing (after at most its
# subject) and says what, a list joined by 、和及 (围绕…发布政策文件 says more and is left alone).
_PUBLISHED_LIST = re.compile(
    r"^(?:我.|本[^，。；]{1,3}|[^，。；]{0,3}?[县区市省州镇乡]政府)?(?:重点|集中|及时|主动)?"
    r"(?:公开|发布)([^，。；]+?)(?=[，。；]|$)"
)


def without_categories(text: str, names: set[str]) -> str:
    """The clerk's （一） note without the counted categories (`names`) it names again as what
    was published (公开定点医药机构名单和医保报销政策 beside 定点医药机构名单39条 →
    公开医保报销政策); a clause that names only those is left out."""
    if not names:
        return text

    named = "|".join(f"{re.escape(n)}(?:信息)?" for n in sorted(names, key=len, reverse=True))

    def cut(clause: str) -> str | None:  # None: the clause names only counted categories
        match = _PUBLISHED_LIST.search(clause)
        if match is None:
            return clause
        items = re.findall(named + r"|[^、和及]+", match.group(1))  # a name may hold 和
        kept = [i for i in items if i not in names and i.removesuffix("信息") not in names]
        if not kept:
            return None
        if len(kept) == len(items):
            return clause
        return clause[: match.start(1)] + "和".join(kept) + clause[match.end(1) :]

    out = []
    for sentence in split_sentences(text, at_semicolons=False):
        end = sentence[-1] if sentence[-1] in "。！？!?" else ""
        clauses = [c for c in re.split(r"(?<=[，,；;])", sentence[: len(sentence) - len(end)]) if c]
        kept = [cut(c) for c in clauses]
        if kept and kept[0] is None:  # it opens with them: the rest explains them
            continue
        out.append("".join(c for c in kept if c is not None).rstrip("，,；;") + (end or "。"))
    return "".join(out)


def without_term(text: str, term: str) -> str:
    """`text` without what it says about `term` (a work the draft states from the data): a
    sentence that opens with it is left out (the rest explains it), otherwise only its clauses
    naming it are; a clause with a figure of its own stays."""
    out = []
    for sentence in split_sentences(text, at_semicolons=False):
        end = sentence[-1] if sentence[-1] in "。！？!?" else ""
        clauses = [c for c in re.split(r"(?<=[，,；;])", sentence[: len(sentence) - len(end)]) if c]
        said = [term in c and not re.search(r"\d", c) for c in clauses]
        if said and said[0]:
            continue
        out.append("".join(c for c, s in zip(clauses, said, strict=True) if not s).rstrip("，,；;"))
        out[-1] += end or "。"
    return "".join(s for s in out if s.strip("。！？!?"))


def across_parts(notes: dict[str, str]) -> dict[str, str]:
    """The clerk's notes with each work said once in the whole report: in the report's order
    (（一）…（五）, 六), a sentence that says what an earlier part's note said (`same_work`, or
    one of `SAID_ONCE_IN_REPORT` named again: 对照工作要点…) is left out, or only its clauses
    that say it are (`distinct`, `without_term`)."""
    earlier: list[str] = []
    out = {}
    for name, text in notes.items():
        for term in SAID_ONCE_IN_REPORT:
            if any(term in s for s in earlier):
                text = without_term(text, term)
        sentences = [s for s in split_sentences(text, at_semicolons=False) if s.strip()]
        kept = distinct(earlier, sentences)[1] if earlier else sentences
        out[name] = "".join(s if s[-1] in "。！？!?" else s + "。" for s in kept)
        earlier += kept
    return out


def _once_with_subject(text: str, agency: str, voice: Voice) -> str:
    """The clerk's text said once (`_said_once`), with its subject (`with_subject`) when it
    still opens with the clerk's first sentence (a later sentence moved to the front may open
    with a noun, 财政预决算…, that takes no subject)."""
    once = _said_once(text)
    first = next(iter(split_sentences(text, at_semicolons=False)), "")
    return with_subject(once, agency, voice) if first and once.startswith(first) else once


def _said_once(text: str) -> str:
    """The clerk's text with each work said once (`distinct`): of two sentences saying the
    same work the longer stays."""
    sentences = [s for s in split_sentences(text, at_semicolons=False) if s.strip()]
    return "".join(distinct([], sentences)[1])


def _own_voice(text: str, voice: Voice) -> str:
    """The clerk's 本机关 in the draft's own voice (我局 …), so the two never alternate."""
    if voice.self_name == FALLBACK_SELF:
        return text
    return text.replace(FALLBACK_SELF, voice.self_name)


def _numbered(items: list[str]) -> list[tuple[str, str]]:
    return [(cn_ordinal(i), item) for i, item in enumerate(items, 1)]


_WILL = re.compile(
    r"^(?:下一步[，,]?)?(?:我们|本机关)?(?:将(?!.*(?:纳入|列入|作为|融入|放在|落实到))|要)?"
)


def _measure(text: str) -> str:
    """A measure as the clause after 将: a leading 下一步/将/要 is not doubled, but 将 used
    as 把 (将学校政务公开纳入考核) stays with its object."""
    return _WILL.sub("", text) or text


def _changes(report: Report, opt: OfflineInstruction) -> tuple[str, str]:
    """(主动公开, 新收申请) changes on last year, "" when unknown or not wanted."""
    previous = report.previous_year
    if previous is None or opt.no_change:
        return "", ""
    f, apps = report.facts, applications(report)
    proactive = ""
    if f.proactive_total is not None and previous.proactive_total is not None:
        proactive = _change(f.proactive_total, previous.proactive_total, "条", opt)
    requests = ""
    if apps.previous_new_total is not None:
        requests = _change(apps.new_total, apps.previous_new_total, "件", opt)
    return proactive, requests


def _listed_categories(report: Report, dropped: list[Dropped]) -> list[tuple[str, int | None]]:
    """Categories to list as (name, count or None): one that only repeats the 政策解读 count,
    or that names a fact count of its own (`claims.count_twins`: a category “政策解读” beside
    the 政策解读 count, “新闻发布会” beside the 新闻发布会 count), is left to that fact's
    sentence, so a count is never printed twice, nor with two values (F-03 asks the clerk
    which is right); without a total only the names are written."""
    policy = report.facts.policy_interpretations
    twins = {t.category: t for t in count_twins(report)}
    for twin in twins.values():
        if twin.fact != twin.listed:
            what = twin.label.removeprefix("填报的")
            reason = f"与{what} {twin.fact} 不一致，正文只写{what}"
            dropped.append(
                Dropped("overview_proactive", "主动公开信息分类",
                        f"“{twin.category}”{twin.listed}条", reason)
            )  # fmt: skip
    if report.facts.proactive_total is None:  # counts without a total are not in the sheet
        return [(c.name, None) for c in report.facts.proactive_categories if c.name not in twins]
    return [
        (name, count)
        for name, count in categories(report, dropped)
        if name not in twins and not (policy and count == policy and "解读" in name)
    ]


def _applicants(apps: Any) -> dict[str, Any]:
    """表三's applicant mix: 自然人 count, the others' total (when the sheet allows it)."""
    natural = apps.natural_person
    others = [p for p in apps.by_applicant if p.label != "自然人"]
    return {
        "natural": natural,
        "others": others,
        "others_total": sum(p.value for p in others),
        "all_natural": bool(natural) and not others,
        "share_words": prose_share_words(natural, apps.new_total),
    }


def _table2_2019(report: Report) -> Table2v2019 | None:
    """The 2019 表二 the templates read as `t2_2019`; None when the report's format has
    another 表二 (formats.py)."""
    if report.format.table2_field != "table2_2019":
        return None
    return report.table2_2019 or Table2v2019()


def _results(report: Report, apps: Any, voice: Voice) -> dict[str, Any]:
    """表三's results as good reports summarise them: opened (with a share in words), then the
    other outcomes largest first, each with its main reason; zero rows are left out."""
    version, t3 = report.format_version, report.table3
    opened = apps.granted + apps.partial
    seed = f"{report.meta.agency}|{report.meta.report_year}"
    # A government's 表三 counts the applications of its whole area (全县 …): who did not hold
    # the information is the office that received the request, not 县政府.
    holder = RECEIVING_OFFICE if voice.is_government else voice.self_name

    def reason(key: str) -> str:
        options = REASONS[key].split("|")
        return options[variant(seed, key, len(options))].format(me=holder)

    others: list[dict[str, Any]] = []  # template values
    for prefix, label in RESULT_GROUPS:
        rows = [k for k in result_rows(version) if k.startswith(prefix + "_") or k == prefix]
        counts = sorted(
            ((t3.row(k).shown_total, k) for k in rows if k in REASONS and t3.row(k).shown_total),
            key=lambda pair: -pair[0],
        )
        total = sum(n for n, _ in counts)
        if not total:
            continue
        detail = [(reason(k), n) for n, k in counts]
        named = [(n, k) for n, k in counts if k not in _UNNAMED_REASONS]
        reasons = [reason(k) for _, k in named]
        main = reasons[0] if named and (named[0][0] * 2 > total or len(counts) == 1) else ""
        share = share_tenths(total, apps.done) if total < apps.done else ""
        others.append(
            {
                "label": label,
                "total": total,
                "main": main,
                "reasons": reasons[:2],
                "detail": detail,
                "share": share,
            }
        )
    others.sort(key=lambda g: -g["total"])
    return {
        "opened": opened,
        "opened_words": prose_share_words(opened, apps.done),
        "others": others,
    }


def _signals(report: Report, apps: Any) -> list[str]:
    """Problems the data supports, most telling first (keys the problems template knows), at
    most three; [] when the data supports none."""
    f, t4 = report.facts, report.table4
    found = []
    corrected = t4.review.corrected + t4.litigation_direct.corrected
    if corrected + t4.litigation_after_review.corrected:
        found.append("corrected")
    unable = next((g[1] for g in apps.groups if g[0] == "无法提供"), 0)
    denied = next((g[1] for g in apps.groups if g[0] == "不予公开"), 0)
    # a share is 较多/较高 of two answers or more: one answer is a case, not a pattern
    if apps.done >= 3 and unable >= 2 and unable * 10 >= apps.done * 3:
        found.append("unable_high")
    if apps.done >= 3 and denied >= 2 and denied * 5 >= apps.done:
        found.append("denied_high")
    if carried_too_many(apps.carried_forward, apps.new_total + apps.carried_over):
        found.append("carried")
    previous = report.previous_year
    if (
        f.proactive_total is not None
        and previous is not None
        and previous.proactive_total is not None
        and f.proactive_total < previous.proactive_total
        and not trend(f.proactive_total, previous.proactive_total).startswith("略有")
    ):
        found.append("proactive_down")
    if f.policy_interpretations == 0:
        found.append("no_interpretation")
    if f.press_conferences == 0 and report.meta.level.is_government:
        found.append("no_press")
    if f.training_sessions == 0:
        found.append("no_training")
    # A sub-part the clerk said nothing about, or text like last year's, is not a problem of
    # the agency's work: the report would be talking about itself (P-09 and P-06 tell the
    # reviewer). Nothing found is nothing found: no stock problem stands in (P-09 again).
    return found[:3]


# 结转下年度 is a problem only when it is more than the lawful tail of the year explains: an
# application received in the last 15 working days of December (about three weeks, 6 % of a
# year's applications), or 30 with an extension, is lawfully answered in January. A fifth of
# the year's applications (new and carried over), and at least three, is more than that.
CARRIED_SHARE = Decimal("0.2")
CARRIED_MIN = 3


def carried_too_many(carried: int, handled: int) -> bool:
    """Whether `carried` applications carried into next year, of `handled` (new plus carried
    over), say something about the agency's pace: at least `CARRIED_MIN` and at least
    `CARRIED_SHARE` of them (late-December applications are carried over lawfully)."""
    return carried >= CARRIED_MIN and carried >= CARRIED_SHARE * handled


def signal_words(report: Report) -> dict[str, str]:
    """What 五's problems from the data (`_signals`) say in words: `proactive_trend`, the fall of
    主动公开 on last year in the opening's words (`trend`: 大幅减少 …); `corrected`, the corrected
    cases by type and count (1件行政复议 / 1件行政复议和2件行政诉讼); `corrected_in`, the types
    (行政复议 / 行政复议、行政诉讼); `corrected_total`, their number."""
    t4, previous = report.table4, report.previous_year
    before = previous.proactive_total if previous is not None else None
    review = t4.review.corrected
    litigation = t4.litigation_direct.corrected + t4.litigation_after_review.corrected
    kinds = [(n, what) for n, what in ((review, "行政复议"), (litigation, "行政诉讼")) if n]
    return {
        "proactive_trend": trend(report.facts.proactive_total, before) or "减少",
        "corrected": "和".join(f"{n}件{what}" for n, what in kinds),
        "corrected_in": "、".join(what for _, what in kinds),
        "corrected_total": str(review + litigation),
    }


# What a problem of each kind (a key of `_signals`) is called in a report: a problem of last
# year that names one of these words is taken to be of that kind.
_PROBLEM_KINDS: dict[str, tuple[str, ...]] = {
    "corrected": ("纠正",),
    "unable_high": ("无法提供",),
    "denied_high": ("不予公开",),
    "carried": ("结转", "跨年度"),
    "proactive_down": (
        "主动公开的信息比上年",
        "主动公开信息的数量",
        "主动公开的条数",
        "主动公开信息的数量低于上年",
        "较上年有所下降",
    ),
    "no_interpretation": ("政策解读",),
    "no_training": ("培训",),
    "no_press": ("新闻发布会",),
}
_SAME_PROBLEM = 0.6  # review.copying.similarity of two problems stated in other words


def last_year_problems(report: Report) -> list[str]:
    """Last year's problems as stated: 上年报告的问题 when the clerk entered them, else the
    sentences of last year's 五、问题 that state a problem rather than a measure (no 将);
    [] without last year's data."""
    previous = report.previous_year
    if previous is None:
        return []
    if previous.problems:
        return [p for p in previous.problems if p.strip()]
    if previous.narrative is None:
        return []
    sentences = split_sentences(previous.narrative.problems, at_semicolons=True)
    return [s for s in sentences if "将" not in s and s.strip()]


def _last_problems_text(report: Report) -> str:
    """Last year's problems and 五、问题 as one text (to tell which measure was last year's)."""
    previous = report.previous_year
    if previous is None:
        return ""
    narrative = previous.narrative.problems if previous.narrative is not None else ""
    return "\n".join([*previous.problems, narrative])


def recurring(last: list[str], signals: list[str], problems: list[str]) -> list[str]:
    """Which of this year's problems were already raised last year: the keys of `signals`
    whose kind (`_PROBLEM_KINDS`) last year's problems name, and the Chinese ordinals
    (一, 二 …, as numbered in the draft) of the clerk's `problems` that read like one of
    `last` (similarity at least 0.6). [] when `last` is empty."""
    if not last:
        return []
    text = "\n".join(last)
    kinds = [k for k in signals if any(w in text for w in _PROBLEM_KINDS.get(k, ()))]
    own = [
        cn_ordinal(i)
        for i, problem in enumerate(problems, 1)
        if any(similarity(problem, before) >= _SAME_PROBLEM for before in last)
    ]
    return kinds + own


def _previous_problems(
    report: Report, sheet: FactSheet, dropped: list[Dropped]
) -> list[dict[str, str]]:
    out = []
    for i, item in enumerate(report.facts.previous_problems, 1):
        problem = usable_items([item.problem], sheet, ("problems", f"上年问题 第{i}条"), dropped)
        if problem:
            where = ("problems", f"上年问题 第{i}条的整改情况")
            fix = _item(usable_text(item.rectification, sheet, where, dropped))
            out.append({"problem": problem[0], "rectification": fix})
    return out


def _fee(report: Report) -> dict[str, Any]:
    fee = report.facts.info_fee
    return {
        "any": bool(fee.notices_issued or fee.notices_amount_yuan or fee.collected_yuan),
        "notices": fee.notices_issued,
        "amount": format_amount(fee.notices_amount_yuan),
        "collected": format_amount(fee.collected_yuan),
    }


# --- the opening and （一）（二）: what they summarise in words --------------------------------


def arrange(seed: str, key: str, items: list[Any]) -> list[Any]:
    """`items` in one of their orders, chosen stably by `variant` (same seed and key, same
    order): for sentences whose order the meaning leaves free. Falsy items are dropped."""
    pool = [item for item in items if item]
    out = []
    while pool:
        out.append(pool.pop(variant(seed, f"{key}#{len(pool)}", len(pool))))
    return out


def trend(now: int | None, before: int | None) -> str:
    """A change on last year in words, without the figure (the opening summarises; （一）（二）
    give the figures): 大幅增加 (by half or more), 明显增加 (by a fifth or more), 有所增加,
    略有增加 (by less than a tenth); the same with 减少 (大幅: by half or more); 持平; ""
    when either year is unknown."""
    if now is None or before is None:
        return ""
    if now == before:
        return "持平"
    verb = "增加" if now > before else "减少"
    if not before:
        return "有所" + verb
    change = abs(now - before) / before
    for floor, degree in ((0.5, "大幅"), (0.2, "明显"), (0.1, "有所")):
        if change >= floor:
            return degree + verb
    return "略有" + verb


def overview_summary(report: Report, opt: OfflineInstruction) -> dict[str, Any]:
    """What the opening of 一、总体情况 says in words, without figures (the sub-parts give
        them): the change of 主动公开 and 新收申请 on last year (`trend`), the applicants'
        natural-person share (`share_words`), the kinds of organisation among them other than 商业企业
    (`organisations`: 科研机构, 社会公益组织, 法律服务机构 with a non-zero 新收 cell), whether every application was closed, whether
        more than one form of interpretation was used, and whether there was no 行政复议 or
        行政诉讼. Values: str ("" when unknown) or bool."""
    f, apps = report.facts, applications(report)
    previous = report.previous_year
    natural = apps.natural_person
    return {
        "proactive_trend": ""
        if previous is None or opt.no_change
        else trend(f.proactive_total, previous.proactive_total),
        "apps_trend": "" if opt.no_change else trend(apps.new_total, apps.previous_new_total),
        "natural_words": prose_share_words(natural, apps.new_total),
        "organisations": [
            label
            for label, name in (
                ("科研机构", "research"),
                ("社会公益组织", "social_welfare"),
                ("法律服务机构", "legal_service"),
            )
            if getattr(report.table3.new_received, name)
        ],
        "all_done": bool(apps.done) and not apps.carried_forward,
        "many_forms": len(f.practices.interpretation_forms) >= 2,
        "no_cases": not (
            report.table4.review.shown_total
            or report.table4.litigation_direct.shown_total
            or report.table4.litigation_after_review.shown_total
        ),
    }
