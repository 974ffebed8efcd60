"""Checks that need several reports at once (the 政务公开办's audit of a batch).

- last year's report of the same agency, matched by a normalised agency name (with a map of
  renamed agencies), becomes the report's `previous_year` block, so the cross-year rules
  (X-01, X-02, P-06) run as for a single report;
- A-01: two agencies' reports whose prose is nearly identical, section by section;
- A-02: a report that speaks of another agency of the batch as itself (that agency's name
  opens a sentence, or stands in the contact details);
- A-03: published after the legal deadline (条例第五十条: 31 January for departments and
  townships, 31 March for the 本级政府's report, format-spec §2.2);
- A-04: two reports of the same agency and year in one batch.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .findings import Finding
from .model import Report
from .outline import SECTION_KEYS
from .review._text import quote
from .review.copying import MIN_CHARS, THRESHOLD, normalise, similarity
from .rollover import previous_year_block
from .text import split_sentences

COPIED = "A-01"
OTHER_AGENCY = "A-02"
LATE = "A-03"
DUPLICATE = "A-04"
MIN_SENTENCE_CHARS = 12  # shorter sentences are alike in every report
BOILERPLATE_SHARE = 10  # a sentence found in more reports than this is boilerplate
_NAME_NOISE_RE = re.compile(r"[\s\u3000·•.,，。、（）()“”\"'‘’《》-]")
_SELF_WORD = "本机关"


def agency_key(name: str, renames: dict[str, str] | None = None) -> str:
    """The agency name compared across reports: NFKC, blanks and punctuation removed, then
    followed through `renames` (old name → new name, also normalised) to the newest name."""
    key = _NAME_NOISE_RE.sub("", unicodedata.normalize("NFKC", name))
    table = {
        _NAME_NOISE_RE.sub("", unicodedata.normalize("NFKC", k)): v
        for k, v in (renames or {}).items()
    }
    seen = {key}
    while key in table:
        key = _NAME_NOISE_RE.sub("", unicodedata.normalize("NFKC", table[key]))
        if key in seen:
            break
        seen.add(key)
    return key


def publish_deadline(report: Report) -> dt.date:
    """31 January of the following year; 31 March for a 本级政府's whole-government report."""
    year = report.meta.report_year + 1
    if report.meta.level.is_government:
        return dt.date(year, 3, 31)
    return dt.date(year, 1, 31)


@dataclass
class AuditResult:
    """Per batch index: the report to check (with last year's block attached where found),
    the cross-report findings, and the source holding last year's report."""

    reports: dict[int, Report] = field(default_factory=dict)
    findings: dict[int, list[Finding]] = field(default_factory=lambda: defaultdict(list))
    previous_source: dict[int, str] = field(default_factory=dict)


def audit(
    items: Sequence[tuple[str, Report | None]], renames: dict[str, str] | None = None
) -> AuditResult:
    """Cross-report checks over (source name, report or None) in batch order."""
    result = AuditResult()
    present = {i: r for i, (_, r) in enumerate(items) if r is not None}
    keys = {i: agency_key(r.meta.agency, renames) for i, r in present.items()}
    by_key_year: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, r in present.items():
        by_key_year[(keys[i], r.meta.report_year)].append(i)
    for i, report in present.items():
        result.reports[i] = report
        same = by_key_year[(keys[i], report.meta.report_year)]
        if len(same) > 1:
            others = "、".join(items[j][0] for j in same if j != i)
            result.findings[i].append(_duplicate(report, others))
        last = by_key_year.get((keys[i], report.meta.report_year - 1))
        if last:
            result.previous_source[i] = items[last[0]][0]
            if report.previous_year is None:
                block = previous_year_block(present[last[0]])
                result.reports[i] = report.model_copy(update={"previous_year": block})
        late = _late(report)
        if late:
            result.findings[i].append(late)
    for i, j, key, ratio in copied_sections(present, keys):
        result.findings[i].append(_copied(present[i], key, present[j], items[j][0], ratio))
        result.findings[j].append(_copied(present[j], key, present[i], items[i][0], ratio))
    for i, found in other_agency_names(present, keys):
        result.findings[i].extend(found)
    return result


def _duplicate(report: Report, others: str) -> Finding:
    return Finding(
        DUPLICATE,
        "warning",
        f"{report.meta.agency}{report.meta.report_year}年度的报告在本批中不止一份（另见 {others}）",
        "请确认哪一份是正式版本，删去其余的，以免汇总时重复计算",
        paths=("meta.agency",),
    )


def _late(report: Report) -> Finding | None:
    date = report.meta.publish_date
    deadline = publish_deadline(report)
    if date is None or date <= deadline:
        return None
    whose = (
        "本级政府的年度报告" if report.meta.level.is_government else "部门和乡镇（街道）的年度报告"
    )
    return Finding(
        LATE,
        "warning",
        f"发布日期 {_cn(date)} 晚于法定期限 {_cn(deadline)}（{whose}应在此前公布）",
        "《政府信息公开条例》第五十条规定了公布期限；如确属逾期，请在“其他需要报告的事项”中说明原因",
        paths=("meta.publish_date",),
    )


def _cn(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


# --- copied prose ---------------------------------------------------------------------------


def _masked(report: Report, key: str) -> str:
    """A section's text with the agency's own name replaced, so two copies match."""
    return getattr(report.narrative, key).replace(report.meta.agency, _SELF_WORD)


def copied_sections(
    reports: dict[int, Report], keys: dict[int, str]
) -> Iterator[tuple[int, int, str, float]]:
    """(i, j, section key, similarity) for every section two agencies share almost word for
    word, i < j, same report year, different agencies. Candidates come from long sentences
    the two reports share (boilerplate found in many reports does not count), so a batch of
    a thousand reports is not compared pair by pair."""
    index: dict[str, set[int]] = defaultdict(set)
    for i, report in reports.items():
        for key in SECTION_KEYS:
            for sentence in split_sentences(_masked(report, key)):
                norm = normalise(sentence)
                if len(norm) >= MIN_SENTENCE_CHARS:
                    index[norm].add(i)
    pairs: set[tuple[int, int]] = set()
    for holders in index.values():
        if 1 < len(holders) <= BOILERPLATE_SHARE:
            pairs.update(combinations(sorted(holders), 2))
    for i, j in sorted(pairs):
        a, b = reports[i], reports[j]
        if keys[i] == keys[j] or a.meta.report_year != b.meta.report_year:
            continue
        for key in SECTION_KEYS:
            text_a, text_b = _masked(a, key), _masked(b, key)
            if len(normalise(text_a)) < MIN_CHARS or len(normalise(text_b)) < MIN_CHARS:
                continue
            ratio = similarity(text_a, text_b)
            if ratio >= THRESHOLD:
                yield i, j, key, ratio


def _copied(report: Report, key: str, other: Report, other_source: str, ratio: float) -> Finding:
    first = split_sentences(getattr(report.narrative, key))[0]
    return Finding(
        COPIED,
        "warning",
        f"这一部分与{other.meta.agency}（{other_source}）报告的同一部分文字相似度约为 {ratio:.0%}"
        f"（从{quote(first)}开始）",
        "两个机关的年度报告应各写本机关的实际情况；请核实是否相互套用，并按本机关的工作重写",
        section=key,
    )


# --- another agency's name -------------------------------------------------------------------

_YEAR_OPENING_RE = re.compile(r"^(?:(?:19|20)\d{2}年度?|今年|本年|全年|一年来)[，,、]?")


def other_agency_names(
    reports: dict[int, Report], keys: dict[int, str]
) -> Iterator[tuple[int, list[Finding]]]:
    """Reports of departments and townships that open a sentence with (or give as contact)
    the full name of another department or township of the batch."""
    names: dict[str, str] = {}  # full name → agency key
    for i, report in reports.items():
        if not report.meta.level.is_government:  # departments may cite the government
            names.setdefault(report.meta.agency, keys[i])
    lengths = sorted({len(n) for n in names}, reverse=True)
    for i, report in reports.items():
        if report.meta.level.is_government:
            continue  # the 本级政府's report rightly speaks of its departments
        own = report.meta.agency
        found: list[Finding] = []
        seen: set[tuple[str, str]] = set()
        for where, text in _self_spots(report):
            for length in lengths:
                name = text[:length]
                if name in names and names[name] != keys[i] and name not in own and own not in name:
                    if (name, where) not in seen:
                        seen.add((name, where))
                        found.append(_other_name(report, name, where, text))
                    break
        if found:
            yield i, found


def _self_spots(report: Report) -> Iterator[tuple[str, str]]:
    """(data path, text starting where a report names itself): each sentence opening (after
    a year opening such as “2023年，”), and the contact details."""
    for key in SECTION_KEYS:
        for sentence in split_sentences(getattr(report.narrative, key)):
            yield f"narrative.{key}", _YEAR_OPENING_RE.sub("", sentence)
    if report.meta.contact:
        yield "meta.contact", report.meta.contact.strip()


def _other_name(report: Report, name: str, where: str, text: str) -> Finding:
    return Finding(
        OTHER_AGENCY,
        "warning",
        f"{quote(text, name)}以{name}的口吻叙述，而本报告是{report.meta.agency}的报告",
        f"可能套用了{name}的报告；请改为本机关的名称和实际情况",
        paths=() if where.startswith("narrative.") else (where,),
        section=where.removeprefix("narrative.") if where.startswith("narrative.") else None,
    )
