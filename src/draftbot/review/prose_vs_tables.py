"""P-01: numbers stated in the prose against the tables and the filled-in facts.

Each `Quantity` is one common phrasing of a table quantity (收到申请 N 件, 予以公开 N 件,
行政复议 N 起 …) with the values the data allows for it. A phrase whose number is not among
them is an error. `N余`/`N多` is accepted when the data is at least N. Sentences that say
there were none (未收到申请, 未发生行政复议) are compared with 0. Parts listed after 其中 that
add up to more than the stated 共 N total are an error too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..checks import Finding, Severity
from ..model import Report, result_rows
from ._text import NUM, Sentence, parse_prose_number, quote, report_sentences

CODE = "P-01"
HINT = "正文中的数字应与表格和填报数据一致：请改正正文，或核对表格中的数字"
HINT_DOCUMENTS = (
    "读者会拿这个数字与表二对照：如是本机关制发的，请核对表二；如是转发、公开的上级法规文件，"
    "请在正文中写明，避免被误读为本机关制发"
)
_N = rf"\s*(?P<n>{NUM})\s*(?P<approx>余|多)?\s*"
_GAP = r"[^，,。；;、\d]{0,12}?"
Values = Callable[[Report], tuple[int, ...] | None]


@dataclass(frozen=True)
class Quantity:
    cue: str  # words the pattern needs: sentences without them are skipped quickly
    label: str  # what the data is called in the message
    pattern: re.Pattern[str]
    values: Values  # allowed values, the first one shown; None = not known, not checked
    severity: Severity = "error"


def _rows_total(report: Report, prefix: str) -> int:
    rows = [k for k in result_rows(report.format_version) if k.startswith(prefix)]
    return sum(report.table3.row(k).shown_total for k in rows)


def _new_received(r: Report) -> tuple[int, ...]:
    new = r.table3.new_received.shown_total
    return (new, new + r.table3.carried_over.shown_total)


def _results_total(r: Report) -> tuple[int, ...]:
    return (r.table3.results_column_total(r.format_version, "total"),)


def _litigation(r: Report) -> tuple[int, ...]:
    t4 = r.table4
    return (t4.litigation_direct.shown_total + t4.litigation_after_review.shown_total,)


def _documents(r: Report, key: str) -> tuple[int, ...]:
    """Numbers of 规章 (key=regulations) or 规范性文件 the table holds: issued first."""
    if r.format_version == "2019":
        c19 = getattr(r.table2_for_format, key)
        return (c19.made, c19.published, c19.total_public)
    c21 = getattr(r.table2, key)
    return (c21.issued, c21.repealed, c21.in_force)


def _any_documents(r: Report) -> tuple[int, ...]:
    regs, norms = _documents(r, "regulations"), _documents(r, "normative_documents")
    sums = tuple(a + b for a, b in zip(regs, norms, strict=True))
    return (sums[0], *regs, *norms, *sums[1:])


def _decisions(key: str) -> Values:
    def values(r: Report) -> tuple[int, ...]:
        if r.format_version == "2019":
            item = getattr(r.table2_for_format, key)
            return (item.decisions, item.previous_items)
        return (getattr(r.table2, key),)

    return values


def _fact(name: str) -> Values:
    def values(r: Report) -> tuple[int, ...] | None:
        value = getattr(r.facts, name)
        return None if value is None else (value,)

    return values


def _q(
    cue: str, label: str, pattern: str, values: Values, severity: Severity = "error"
) -> Quantity:
    return Quantity(cue, label, re.compile(pattern.replace("{N}", _N)), values, severity)


_T3 = "表三 "
# 清理规范性文件 12 件 counts a review, not the table's documents.
_NOT_AFTER_VERBS = "".join(
    f"(?<!{verb})(?<!{verb}行政)" for verb in ("清理", "审查", "备案", "审核", "评估", "解读")
)
QUANTITIES: tuple[Quantity, ...] = (
    _q(
        "申请",
        "表三 一、本年新收政府信息公开申请数量（总计）",
        rf"(?:新收|收到|受理|接到|接收){_GAP}申请(?:数量?)?(?:为|达)?(?:共|合计|总计|累计|共计)?{{N}}(?:件|个|份)",
        _new_received,
    ),
    _q(
        "结转",
        "表三 二、上年结转政府信息公开申请数量（总计）",
        rf"上一?年度?结转{_GAP}{{N}}件",
        lambda r: (r.table3.carried_over.shown_total,),
    ),
    _q(
        "予以公开",
        _T3 + "（一）予以公开（总计）",
        r"予以公开(?:的)?(?:申请)?{N}件",
        lambda r: (r.table3.granted.shown_total,),
    ),
    _q(
        "部分公开",
        _T3 + "（二）部分公开（总计）",
        r"部分公开(?:的)?(?:申请)?{N}件",
        lambda r: (r.table3.partially_granted.shown_total,),
    ),
    _q(
        "不予公开",
        _T3 + "（三）不予公开（合计）",
        r"不予公开(?:的)?{N}件",
        lambda r: (_rows_total(r, "denied_"),),
    ),
    _q(
        "无法提供",
        _T3 + "（四）无法提供（合计）",
        r"无法提供(?:的)?{N}件",
        lambda r: (_rows_total(r, "unable_"),),
    ),
    _q(
        "不予处理",
        _T3 + "（五）不予处理（合计）",
        r"不予处理(?:的)?{N}件",
        lambda r: (_rows_total(r, "not_processed_"),),
    ),
    _q("办结", _T3 + "（七）总计", r"(?:共|累计|全部)?办结(?:申请)?{N}件", _results_total),
    _q(
        "结转",
        "表三 四、结转下年度继续办理（总计）",
        r"结转(?:至|到)?(?:下一?年度?|\d{4}年度?)(?:继续办理)?(?:的)?(?:申请)?{N}件",
        lambda r: (r.table3.carried_forward.shown_total,),
    ),
    _q(
        "行政复议",
        "表四 行政复议（总计）",
        r"行政复议(?:的)?(?:案件|申请)?(?:共)?{N}(?:起|件|宗)",
        lambda r: (r.table4.review.shown_total,),
    ),
    _q(
        "行政诉讼",
        "表四 行政诉讼（两类总计之和）",
        r"行政诉讼(?:的)?(?:案件)?(?:共)?{N}(?:起|件|宗)",
        _litigation,
    ),
    _q(
        "规范性文件",
        "表二 行政规范性文件 本年制发件数",
        r"(?:制发|印发|出台|制定)(?:行政)?规范性文件(?:共)?{N}(?:件|个|份)",
        lambda r: _documents(r, "normative_documents"),
    ),
    _q(
        "规章",
        "表二 规章 本年制发件数",
        r"(?:制发|印发|出台|制定)规章(?:共)?{N}(?:件|部|个)",
        lambda r: _documents(r, "regulations"),
    ),
    # A bare mention (法规规章 5 条 among the published items) may count re-published
    # documents of higher levels, which 表二 does not: a warning, not an error.
    _q(
        "规",
        "表二中规章和行政规范性文件的本年制发件数合计",
        _NOT_AFTER_VERBS + r"(?:规章|规范性文件)"
        r"[^，,。；;、\d]{0,8}?{N}(?:件|条|部|个|份|篇)",
        _any_documents,
        "warning",
    ),
    _q(
        "行政许可",
        "表二 行政许可 本年处理决定数量",
        r"行政许可(?:决定|处理决定)?(?:共)?{N}(?:件|项)",
        _decisions("licensing"),
    ),
    _q(
        "行政处罚",
        "表二 行政处罚 本年处理决定数量",
        r"行政处罚(?:决定|处理决定)?(?:共)?{N}(?:件|项)",
        _decisions("penalty"),
    ),
    _q(
        "行政强制",
        "表二 行政强制 本年处理决定数量",
        r"行政强制(?:决定|措施)?(?:共)?{N}(?:件|项)",
        _decisions("coercion"),
    ),
    _q(
        "主动公开",
        "填报的本年主动公开政府信息条数",
        r"主动公开(?:了)?(?:各类)?(?:政府|政务)?信息(?:共|合计|累计|总计|共计)?{N}条",
        _fact("proactive_total"),
    ),
    _q(
        "政策解读",
        "填报的政策解读条数",
        r"政策解读(?:材料|信息|文章|稿件)?(?:共)?{N}(?:条|篇|期|件)",
        _fact("policy_interpretations"),
    ),
    _q(
        "新闻发布会",
        "填报的新闻发布会场次",
        r"新闻发布会(?:共)?{N}(?:场|次)",
        _fact("press_conferences"),
    ),
    _q(
        "培训",
        "填报的培训次数",
        r"培训(?:会|班)?(?:共)?{N}(?:次|场|期)",
        _fact("training_sessions"),
    ),
)

_ZERO_APPLICATIONS = re.compile(
    r"(?:未|没有)(?:收到|受理|接到|接收)(?:任何)?(?:政府信息公开|依申请公开)?申请"
)
_ZERO_CASES = re.compile(
    r"(?:未|没有|无)(?:发生|出现|收到|产生|涉及)?[^，,。；;\d]{0,14}?"
    rf"(?P<what>行政复议(?:(?:和|及|、|或)行政诉讼)?|行政诉讼)(?!\s*(?:案件)?(?:共)?\s*{NUM})"
)
# A total directly followed by 其中: 共收到申请 4 件，其中 … / 主动公开信息 20 条，其中 …
_TOTAL = re.compile(
    rf"(?<![\d.])(?P<n>{NUM})\s*(?P<approx>余|多)?\s*(?P<unit>件|条|起|场|次|篇)[，,]?\s*(?=其中)"
)
_PART = rf"(?P<n>{NUM})\s*(?P<approx>余|多)?\s*"


def check_prose_numbers(report: Report) -> Iterator[Finding]:
    for sentence in report_sentences(report):
        yield from _quantity_findings(report, sentence)
        yield from _zero_findings(report, sentence)
        yield from _sum_findings(sentence)


def _quantity_findings(report: Report, sentence: Sentence) -> Iterator[Finding]:
    taken: list[tuple[int, int]] = []
    for quantity in QUANTITIES:
        if quantity.cue not in sentence.text:
            continue
        for match in quantity.pattern.finditer(sentence.text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append(match.span())
            stated = parse_prose_number(match.group("n"))
            allowed = quantity.values(report)
            if (
                stated is None
                or allowed is None
                or _fits(stated, bool(match.group("approx")), allowed)
            ):
                continue
            phrase = _phrase(sentence.text, match)
            yield Finding(
                CODE,
                quantity.severity,
                sentence.location,
                f"{quote(sentence.text, phrase)}中写的是“{phrase}”，但{quantity.label}为 {allowed[0]}",
                HINT if quantity.severity == "error" else HINT_DOCUMENTS,
            )


def _phrase(text: str, match: re.Match[str]) -> str:
    """The matched words widened to the start of their clause, without inner quotes."""
    start = match.start()
    while start > 0 and text[start - 1] not in "，,。；;：:（(":
        start -= 1
    return re.sub(r"[“”‘’\"]", "", text[start : match.end()]).strip()


def _fits(stated: int, approximate: bool, allowed: tuple[int, ...]) -> bool:
    if approximate:
        return any(stated <= value < stated * 2 + 10 for value in allowed)
    return stated in allowed


def _zero_findings(report: Report, sentence: Sentence) -> Iterator[Finding]:
    claims: list[tuple[str, str, int]] = []
    match = _ZERO_APPLICATIONS.search(sentence.text)
    if match:
        claims.append(
            (
                match.group(0),
                "表三 一、本年新收政府信息公开申请数量（总计）",
                _new_received(report)[0],
            )
        )
    for match in _ZERO_CASES.finditer(sentence.text):
        if "行政复议" in match.group("what"):
            claims.append(
                (match.group(0), "表四 行政复议（总计）", report.table4.review.shown_total)
            )
        if "行政诉讼" in match.group("what"):
            claims.append((match.group(0), "表四 行政诉讼（两类总计之和）", _litigation(report)[0]))
    for phrase, label, value in claims:
        if value:
            yield Finding(
                CODE,
                "error",
                sentence.location,
                f"{quote(sentence.text, phrase)}说没有，但{label}为 {value}",
                HINT,
            )


_NOT_A_PART = re.compile(r"另|此外|结转|较|比|增|减|占|超|共|合计|累计|总计")


def _listed_parts(text: str, unit: str) -> list[re.Match[str]]:
    """The items after 其中: `a 件、b 件` in one clause, or one item per clause
    (其中，a 5 条，b 3 条), stopping at a clause that is not an item (另有结转 2 件, 较上年…)."""
    clauses = [c for c in re.split(r"[，,]", re.split(r"[；;。]", text)[0]) if c.strip()]
    parts: list[re.Match[str]] = []
    for index, clause in enumerate(clauses):
        found = list(re.finditer(_PART + unit, clause))
        if not found or _NOT_A_PART.search(clause):
            break
        if len(found) > 1:
            return found if index == 0 else parts
        parts += found
    return parts


def _sum_findings(sentence: Sentence) -> Iterator[Finding]:
    """N 件，其中 a 件、b 件 …: the parts may not add up to more than the total."""
    for total in _TOTAL.finditer(sentence.text):
        if total.group("approx"):
            continue
        parts = _listed_parts(sentence.text[total.end() + 2 :], total.group("unit"))
        values = [parse_prose_number(p.group("n")) for p in parts]
        stated = parse_prose_number(total.group("n"))
        if len(parts) < 2 or stated is None or None in values:
            continue
        added = sum(v for v in values if v is not None)
        if added > stated:
            shown = " + ".join(str(v) for v in values)
            yield Finding(
                CODE,
                "error",
                sentence.location,
                f"{quote(sentence.text, total.group(0))}中总数为 {stated}{total.group('unit')}，"
                f"但“其中”各项相加为 {shown} = {added}{total.group('unit')}，多于总数",
                "分项之和不应超过总数：请核对总数和各分项的数字",
            )
