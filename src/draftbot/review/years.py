"""P-02: years that cannot belong in the sentence.

Quiet on purpose: the closing date in the following year (2023年1月18日), references to
documents (〔2021〕30号, 《…2021年…》), comparisons (较上年, 2021年以来) and plans (2024年将…).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..model import Report
from ..text import PERIOD_RE, YEAR_RE, wrong_years
from ._text import Sentence, quote, report_sentences

CODE = "P-02"


def check_years(report: Report) -> Iterator[Finding]:
    year = report.meta.report_year
    for sentence in report_sentences(report):
        if YEAR_RE.search(sentence.text) is None:
            continue
        yield from _period_findings(sentence, year)
        yield from _stray_year_findings(sentence, year)


def _period_findings(sentence: Sentence, year: int) -> Iterator[Finding]:
    for match in PERIOD_RE.finditer(sentence.text):
        years = {int(y) for y in match.groups() if y}
        if years != {year}:
            yield Finding(
                CODE,
                "error",
                f"{quote(sentence.text, match.group(0))}中的统计期“{match.group(0)}”"
                f"与统计年度 {year} 年不符",
                f"统计期应为“{year}年1月1日至12月31日”",
                section=sentence.section,
            )


def _stray_year_findings(sentence: Sentence, year: int) -> Iterator[Finding]:
    wrong = wrong_years(sentence.text, year)
    if wrong:
        shown = "、".join(f"{y}年" for y in wrong)
        yield Finding(
            CODE,
            "warning",
            f"{quote(sentence.text, str(wrong[0]))}写的是 {shown}，而本报告的统计年度为 {year} 年",
            "可能沿用了往年报告的文字：说本年情况时请写本年度的年份；如确是引用往年，请写明“上年”“较…”等",
            section=sentence.section,
        )
