"""P-05: placeholders left in the text (XX, ××, ＿＿, 【】, TODO, （待起草）) and gaps where a
number belongs (主动公开信息  条)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..model import Report
from ..patterns import lazy
from ._text import Sentence, quote, report_sentences

CODE = "P-05"
_UNITS = r"(?:人次|万元|条|件|次|场|起|项|篇|个|元|家|份|期|%|％)"
PLACEHOLDER_RE = lazy(
    "|".join(
        (
            r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])",
            r"[×✕╳*＊]{2,}",
            r"[_＿]{2,}",
            r"【[^】]*】",
            r"(?i:\bTODO\b|\bTBD\b|FIXME)",
            r"[（(]\s*待[^）)]{0,6}[）)]",
            r"待(?:补充|填写|填报|核实数据)",
            r"[?？]{2,}",
            r"□",
            r"\{\{[^}]*\}\}|\{%[^%]*%\}|\$\{[^}]*\}|\{[a-z_]+\}",
            r"(?:共|共计|合计|累计|总计)" + _UNITS + r"(?![例件数目])",
        )
    )
)
# A number missing between words and a unit: 主动公开信息  条.
GAP_RE = lazy(r"(?<=[\u4e00-\u9fff])[ \t\u3000\xa0]+(?P<unit>" + _UNITS + r")(?![例件数目])")


def check_placeholders(report: Report) -> Iterator[Finding]:
    for sentence in report_sentences(report):
        for match in PLACEHOLDER_RE.finditer(sentence.text):
            found = match.group(0).strip()
            yield _finding(sentence, found, f"中有未填写的占位内容“{found}”")
        for match in GAP_RE.finditer(sentence.text):
            yield _finding(sentence, match.group(0), f"中“{match.group('unit')}”前缺少数字")


def _finding(sentence: Sentence, found: str, what: str) -> Finding:
    return Finding(
        CODE,
        "error",
        quote(sentence.text, found) + what,
        "请把占位符换成实际内容（数字、名称），或删去这句话",
        section=sentence.section,
    )
