"""P-02: years that cannot belong in the sentence.

Quiet on purpose: the closing date in the following year (2023年1月18日), references to
documents (〔2021〕30号, 《…2021年…》), comparisons (较上年, 2021年以来) and plans (2024年将…).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..checks import Finding
from ..model import Report
from ._text import Sentence, quote, report_sentences

CODE = "P-02"
_YEAR = r"((?:19|20)\d{2})\s*年"
_PERIOD_RE = re.compile(
    _YEAR
    + r"\s*1\s*月\s*1\s*日\s*起?\s*(?:至|到|—|－|-|～|~)\s*(?:"
    + _YEAR
    + r"\s*)?12\s*月\s*31\s*日"
)
_YEAR_RE = re.compile(r"(?<!\d)" + _YEAR)
# Titles, document numbers and quotations: years inside them are references, not claims.
_REFERENCE_RE = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|【[^】]*】|“[^”]*”|（\d{4}）")
_THIS_YEAR = ("本年", "今年", "本年度", "全年", "年内", "当年")
_COMPARISON_RE = re.compile(
    r"上一?年|去年|同比|较|相比|与.{0,12}比|以来|此前|历年|往年|年度报告|连续|以前|之前"
    r"|自.{0,12}起|至今|分别|结转|遗留"
)
_FUTURE = ("将", "计划", "下一步", "明年", "今后", "力争", "拟", "预计", "前完成", "以后")
_OPENING_RE = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?" + _YEAR + r"度?\s*[，,]?"
)
_AS_OF_RE = re.compile(r"截至\s*" + _YEAR + r"\s*(?:底|末|12\s*月)")
_DATE_AFTER = re.compile(r"\s*\d{1,2}\s*月")


def check_years(report: Report) -> Iterator[Finding]:
    year = report.meta.report_year
    for sentence in report_sentences(report):
        if _YEAR_RE.search(sentence.text) is None:
            continue
        yield from _period_findings(sentence, year)
        yield from _stray_year_findings(sentence, year)


def _period_findings(sentence: Sentence, year: int) -> Iterator[Finding]:
    for match in _PERIOD_RE.finditer(sentence.text):
        years = {int(y) for y in match.groups() if y}
        if years != {year}:
            yield Finding(
                CODE,
                "error",
                sentence.location,
                f"{quote(sentence.text, match.group(0))}中的统计期“{match.group(0)}”"
                f"与统计年度 {year} 年不符",
                f"统计期应为“{year}年1月1日至12月31日”",
            )


def _stray_year_findings(sentence: Sentence, year: int) -> Iterator[Finding]:
    text = _PERIOD_RE.sub(lambda m: "#" * len(m.group(0)), sentence.text)
    text = _REFERENCE_RE.sub(lambda m: "#" * len(m.group(0)), text)
    wrong = sorted({y for y in _claimed_years(text, year) if y != year})
    if wrong:
        shown = "、".join(f"{y}年" for y in wrong)
        yield Finding(
            CODE,
            "warning",
            sentence.location,
            f"{quote(sentence.text, str(wrong[0]))}写的是 {shown}，而本报告的统计年度为 {year} 年",
            "可能沿用了往年报告的文字：说本年情况时请写本年度的年份；如确是引用往年，请写明“上年”“较…”等",
        )


def _claimed_years(text: str, year: int) -> Iterator[int]:
    """Years the sentence presents as the year it reports on."""
    if any(word in text for word in _FUTURE):
        return
    comparing = _COMPARISON_RE.search(text) is not None
    about_this_year = any(word in text for word in _THIS_YEAR)
    opening = _OPENING_RE.match(text)
    for match in _YEAR_RE.finditer(text):
        value = int(match.group(1))
        if value == year + 1 and _DATE_AFTER.match(text, match.end()):
            continue  # a date in the following year: the closing date, the publication
        at_opening = opening is not None and opening.start(1) == match.start(1)
        if (at_opening or about_this_year) and not comparing:
            yield value
    for match in _AS_OF_RE.finditer(text):
        yield int(match.group(1))
