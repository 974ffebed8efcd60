"""P-01: what the prose claims against the tables and the filled-in facts.

The claims of each sentence (`claims.find_claims`: subject, value, exact or approximate,
scope) are grounded against the data (`claims.ground`): a claim whose subject is named right
before its number and whose value differs is an error, one whose subject is only nearby a
warning. Also: a 同比 percentage or a share that does not follow from the figures; sentences
that say there were none (未收到申请, 未发生行政复议) compared with 0; parts listed after 其中
(also in brackets and in ；lists) adding up to more than the stated total; the same quantity
given two different values in one report; enumerations that skip or repeat (一是…三是…三是).
A bare mention of 规章/规范性文件 (法规规章 5 条) is compared with 表二 as a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from ..findings import Finding, Severity
from ..model import Report, result_rows
from ..patterns import lazy
from ..text import split_sentences
from ._text import NUM, Sentence, drafted_sections, parse_prose_number, quote, section_sentences

# claims and facts are imported where prose is read: a report without prose (the usual
# `draftbot check` of filled-in tables) never imports them (issue 19: start-up)
if TYPE_CHECKING:
    from ..claims import Claim, ClaimData, PartsOverTotal

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


def _any_documents(r: Report) -> tuple[int, ...]:
    regs = r.format.documents(r, "regulations")
    norms = r.format.documents(r, "normative_documents")
    sums = tuple(a + b for a, b in zip(regs, norms, strict=True))
    return (sums[0], *regs, *norms, *sums[1:])


def _decisions(key: str) -> Values:
    return lambda r: r.format.decisions(r, key)


def _fact(name: str) -> Values:
    def values(r: Report) -> tuple[int, ...] | None:
        value = getattr(r.facts, name)
        return None if value is None else (value,)

    return values


def _q(
    cue: str, label: str, pattern: str, values: Values, severity: Severity = "error"
) -> Quantity:
    return Quantity(cue, label, lazy(pattern.replace("{N}", _N)), values, severity)


_T3 = "表三 "
# 清理规范性文件 12 件 counts a review, not the table's documents.
_NOT_AFTER_VERBS = "".join(
    f"(?<!{verb})(?<!{verb}行政)" for verb in ("清理", "审查", "备案", "审核", "评估", "解读")
)
# A bare mention (法规规章 5 条 among the published items) may count re-published documents
# of higher levels, which 表二 does not: a warning, and only when no claim subject is named.
QUANTITIES: tuple[Quantity, ...] = (
    _q(
        "规",
        "表二中规章和行政规范性文件的本年制发件数合计",
        _NOT_AFTER_VERBS + r"(?:规章|规范性文件)"
        r"[^，,。；;、\d]{0,8}?{N}(?:件|条|部|个|份|篇)",
        _any_documents,
        "warning",
    ),
)

_ZERO_APPLICATIONS = lazy(
    r"(?:未|没有)(?:收到|受理|接到|接收)(?:任何)?(?:政府信息公开|依申请公开)?申请"
)
_ZERO_CASES = lazy(
    r"(?:未|没有|无)(?:发生|出现|收到|产生|涉及)?[^，,。；;\d]{0,14}?"
    rf"(?P<what>行政复议(?:(?:和|及|、|或)行政诉讼)?|行政诉讼)(?!\s*(?:案件)?(?:共)?\s*{NUM})"
)
# A total directly followed by 其中: 共收到申请 4 件，其中 … / 主动公开信息 20 条，其中 …


def check_prose_numbers(report: Report) -> Iterator[Finding]:
    sections = [(key, read_section(text)) for key, text in drafted_sections(report.narrative)]
    if not sections:  # no prose: nothing to ground (and no fact sheet to build, issue 19)
        return
    from ..claims import bound_claims, claim_data
    from ..facts import build_fact_sheet

    sheet = build_fact_sheet(report)
    data = sheet.claims if sheet.claims is not None else claim_data(report)  # built once
    data.add_counts(sheet.counts)  # the figures the guard allows too
    stated: dict[tuple[str, str], tuple[Claim, Sentence]] = {}
    for key, prose in sections:
        for text, found in prose.sentences:
            sentence, claims = Sentence(key, text), bound_claims(found, data)
            yield from _claim_findings(data, sentence, claims)
            yield from _unlisted_findings(data, sentence, claims)
            yield from _percent_findings(data, sentence, claims)
            yield from _repeated_findings(data, sentence, claims, stated)
            yield from _quantity_findings(report, sentence, claims)
            yield from _zero_findings(report, sentence)
            yield from _share_word_findings(data, sentence)
    for key, prose in sections:
        for text, items in prose.sums:
            yield from _sum_findings(Sentence(key, text), items)
    yield from _enumeration_findings(report)


@dataclass(frozen=True)
class SectionProse:
    """What one section's prose says, read from its text alone: each sentence (as
    `text.split_sentences` cuts it) with its claims (`claims.find_claims`), and each long
    sentence (not cut at semicolons) whose listed parts add up to more than their total
    (`claims.parts_over_totals`), with those totals."""

    sentences: tuple[tuple[str, tuple[Claim, ...]], ...]
    sums: tuple[tuple[str, tuple[PartsOverTotal, ...]], ...]


SECTION_CACHE_SIZE = 256  # section texts (≤ MAX_SECTION_CHARS each) remembered by read_section


@lru_cache(maxsize=SECTION_CACHE_SIZE)
def read_section(text: str) -> SectionProse:
    """`SectionProse` of one section's text, remembered for the last `SECTION_CACHE_SIZE`
    texts: an autosave of a table cell changes the data, not the prose, so the review
    re-grounds the same claims against the new data without reading the prose again.

    A pure function of `text`: sentence splitting, `find_claims` and `parts_over_totals`
    read only the text and this module's fixed patterns (no report data, no format version).
    """
    from ..claims import find_claims, parts_over_totals

    sentences = tuple((s, tuple(find_claims(s))) for s in section_sentences(text))
    sums = tuple(
        (long_sentence, tuple(items))
        for long_sentence in split_sentences(text, at_semicolons=False)
        if (items := parts_over_totals(long_sentence))
    )
    return SectionProse(sentences, sums)


def _claim_findings(data: ClaimData, sentence: Sentence, claims: list[Claim]) -> Iterator[Finding]:
    """A count whose subject the sentence names and the data contradicts."""
    from ..claims import data_value_text, ground

    for claim in claims:
        if claim.subject is None or claim.percent or ground(claim, data) != "contradicts":
            continue
        phrase = _claim_phrase(sentence.text, claim)
        severity: Severity = "error" if claim.certain else "warning"
        yield Finding(
            CODE,
            severity,
            f"{quote(sentence.text, phrase)}中写的是“{phrase}”，但{data_value_text(claim, data)}",
            HINT,
            section=sentence.section,
        )


def _unlisted_findings(
    data: ClaimData, sentence: Sentence, claims: list[Claim]
) -> Iterator[Finding]:
    """A count with no recognised subject, whatever its measure word (四十二宗、580人次、
    在17个村), that the clerk did not enter in the data (`claims.ground`: "unexplained"). A
    warning: the subject is uncertain. A subject the data has no value for (a practice the
    clerk left empty) counts as none."""
    from ..claims import ground

    for claim in claims:
        known = claim.subject is not None and claim.subject in data.subjects
        if known or claim.percent or not claim.unit_word:
            continue  # a bare number (an ID, a code) is not a count
        if _a_listed_part(sentence.text, claim) or ground(claim, data) != "unexplained":
            continue
        phrase = _claim_phrase(sentence.text, claim)
        unit = claim.unit_word
        yield Finding(
            CODE,
            "warning",
            f"{quote(sentence.text, phrase)}中的“{claim.text}{unit}”在表格和填报数据中找不到来源",
            "正文中的每个数量都应有依据：请写明依据或在填报事实中补充该数字",
            section=sentence.section,
        )


def _a_listed_part(text: str, claim: Claim) -> bool:
    """A part listed after 其中 (工作动态80条): the breakdown of a total, judged by the
    parts-over-totals check, not by itself."""
    before = text[: claim.start]
    return "其中" in before[before.rfind("。") + 1 :]


def _claim_phrase(text: str, claim: Claim) -> str:
    start = claim.start
    while start > 0 and text[start - 1] not in "，,。；;：:（(":
        start -= 1
    end = claim.end
    while end < len(text) and end < claim.end + 4 and text[end] not in "，,。；;：:（()）、":
        end += 1
        if text[end - 1] in "件条次场起项个篇期份名人宗":
            break
    return re.sub(r"[“”‘’\"]", "", text[start:end]).strip()


def _percent_findings(
    data: ClaimData, sentence: Sentence, claims: list[Claim]
) -> Iterator[Finding]:
    """同比 percentages and shares that do not follow from the figures (the data's, or the
    ones the sentence states), at the sentence's precision: an error when both figures are
    known, a warning when no data quantity gives the percentage."""
    from ..claims import ground, percent_candidates

    for claim in claims:
        if not claim.reading.percent:
            continue
        candidates, determinate = percent_candidates(claim, data)
        if not candidates or ground(claim, data) == "grounded":
            continue
        phrase = _claim_phrase(sentence.text, claim)
        if determinate:
            value, how = candidates[0]
            shown = (
                _at_precision(value, claim.value)
                if not claim.reading.approximate
                else value.quantize(Decimal("0.1"), ROUND_HALF_UP)
            )
            message = f"{quote(sentence.text, phrase)}中写的是“{claim.text}”，但{how}应为 {shown}%"
        else:
            message = (
                f"{quote(sentence.text, phrase)}中写的是“{claim.text}”，但用表格和填报数据中的数字"
                "算不出这个百分比"
            )
        yield Finding(
            CODE,
            "error" if determinate else "warning",
            message,
            "百分比应由数字算出：请按表格中的数字重新计算，或核对句中的数字",
            section=sentence.section,
        )


def _at_precision(actual: Decimal, said: Decimal) -> Decimal:
    exponent = said.as_tuple().exponent  # 15.0% is said to one decimal
    places = Decimal(1).scaleb(min(exponent, 0) if isinstance(exponent, int) else 0)
    return actual.quantize(places, ROUND_HALF_UP)


def _repeated_findings(
    data: ClaimData,
    sentence: Sentence,
    claims: list[Claim],
    stated: dict[tuple[str, str], tuple[Claim, Sentence]],
) -> Iterator[Finding]:
    """The same quantity given two different values in one report (20 here, 16 there)."""
    for claim in claims:
        if claim.subject is None or not claim.certain or claim.reading.approximate:
            continue
        key = (claim.subject, claim.scope)
        if key not in stated:
            stated[key] = (claim, sentence)
            continue
        first, where = stated[key]
        allowed = data.subjects.get(claim.subject, ())
        if first.value == claim.value or (first.value in allowed and claim.value in allowed):
            continue
        yield Finding(
            CODE,
            "warning",
            f"{quote(sentence.text, claim.text)}中写的是“{_claim_phrase(sentence.text, claim)}”，"
            f"但{where.location}写的是“{_claim_phrase(where.text, first)}”，同一个数前后不一致",
            "同一个数在报告中应前后一致：请核对表格后统一",
            section=sentence.section,
        )


_ENUMERATION = lazy(r"(?<![一二三四五六七八九十])([一二三四五六七八九十]{1,2})是(?=[^否])")
_ORDINAL_VALUES = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}


def _ordinal_value(word: str) -> int:
    """一 → 1, 十 → 10, 十一 → 11, 二十 → 20 (the ordinals before 是 in 一是…十一是); 0 for
    anything else."""
    if len(word) == 1:
        return _ORDINAL_VALUES.get(word, 0)
    tens, ones = word[0], word[1]
    if tens == "十":
        return 10 + _ORDINAL_VALUES.get(ones, -10) if ones != "十" else 0
    if ones == "十" and tens != "十":
        return _ORDINAL_VALUES.get(tens, 0) * 10
    return 0


def _enumeration_findings(report: Report) -> Iterator[Finding]:
    """一是…二是…三是 in one paragraph must count up by one: no skip, no repeat."""

    for key, text in drafted_sections(report.narrative):
        for paragraph in text.split("\n"):
            numbers = [
                (_ordinal_value(m.group(1)), m.group(0)) for m in _ENUMERATION.finditer(paragraph)
            ]
            if not numbers or numbers[0][0] != 1:
                continue
            previous = 0
            for value, word in numbers:
                if value == 1 and previous:
                    previous = 1  # a second list in the same paragraph
                    continue
                if value != previous + 1:
                    what = "重复" if value <= previous else "跳过了序号"
                    yield Finding(
                        CODE,
                        "warning",
                        f"{quote(paragraph, word)}中的列举序号{what}：“{word}”前面是第 {previous} 项",
                        "列举的序号应依次递增（一是、二是、三是……）：请核对序号",
                        section=key,
                    )
                    break
                previous = value


def _quantity_findings(
    report: Report, sentence: Sentence, claims: list[Claim]
) -> Iterator[Finding]:
    # the claims speak for these; a count of the clerk's category named after 规章/规范性文件
    # (部门文件、法规规章5条) is still compared with 表二 as a warning: readers will
    taken = [(c.start, c.end) for c in claims if c.subject and c.category is None]
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
                f"{quote(sentence.text, phrase)}中写的是“{phrase}”，但{quantity.label}为 {allowed[0]}",
                HINT if quantity.severity == "error" else HINT_DOCUMENTS,
                section=sentence.section,
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
                f"{quote(sentence.text, phrase)}说没有，但{label}为 {value}",
                HINT,
                section=sentence.section,
            )


def _share_word_findings(data: ClaimData, sentence: Sentence) -> Iterator[Finding]:
    """全部来自自然人, 均为法人或其他组织, 全部予以公开, 多数不予公开, 全部办结 …: a share of 表三
    in words that the figures do not bear out (`claims.share_word_conflicts`, the guard's rule;
    thresholds of `numbers.share_word_holds`)."""
    from ..claims import share_word_conflicts

    for conflict in share_word_conflicts(sentence.text, data):
        phrase = conflict.claim.phrase
        yield Finding(
            CODE,
            "error",
            f"{quote(sentence.text, phrase)}说“{phrase}”，但表三中{conflict.data_text()}",
            HINT,
            section=sentence.section,
        )


def _sum_findings(sentence: Sentence, items: Sequence[PartsOverTotal]) -> Iterator[Finding]:
    """N 件，其中 a 件、b 件 … (also in brackets, ；lists and a、b分别为 x、y): the parts may not add up to more
    than the total (`claims.parts_over_totals`)."""
    for item in items:
        shown = " + ".join(str(v) for _, v in item.parts)
        yield Finding(
            CODE,
            "error",
            f"{quote(sentence.text, item.total_text)}中总数为 {item.total}{item.unit}，"
            f"但“其中”各项相加为 {shown} = {item.added}{item.unit}，多于总数",
            "分项之和不应超过总数：请核对总数和各分项的数字",
            section=sentence.section,
        )
