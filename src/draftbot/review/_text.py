"""Shared helpers of the prose checks: sections, sentences, quotes and numbers in prose.

Findings are placed by section key (`Finding.section`); their printed location is
`outline.section_location(key)`; `Sentence.location` names a section inside a message.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..model import Narrative, Report
from ..numbers import NumberError, normalize_text, parse_chinese_numeral
from ..outline import SECTION_KEYS, SECTION_LABELS
from ..text import split_sentences

QUOTE_LIMIT = 60

# A count as written in prose: 12, １２, 1,200, 十二, 两百零五.
NUM = r"(?:\d[\d,]*|[零〇一二两三四五六七八九十百千万]+)"


@dataclass(frozen=True)
class Sentence:
    section: str  # a key of SECTION_KEYS
    text: str  # stripped, ending punctuation kept

    @property
    def location(self) -> str:
        return SECTION_LABELS[self.section]


def drafted_sections(narrative: Narrative) -> Iterator[tuple[str, str]]:
    """(section key, text) of every section that has text; empty ones are not checked here."""
    for key in SECTION_KEYS:
        text = getattr(narrative, key)
        if text.strip():
            yield key, text


def report_sentences(report: Report) -> Iterator[Sentence]:
    """Every sentence of every drafted section, in order (`text.split_sentences`)."""
    for key, text in drafted_sections(report.narrative):
        for sentence in section_sentences(text):
            yield Sentence(key, sentence)


SENTENCES_CACHE_SIZE = 256  # section texts remembered by section_sentences


@lru_cache(maxsize=SENTENCES_CACHE_SIZE)
def section_sentences(text: str) -> tuple[str, ...]:
    """`text.split_sentences(text)` of one section, remembered for the last
    `SENTENCES_CACHE_SIZE` texts (a pure function of the text): every review reads the same
    sentences, and an autosave of a table cell leaves the prose unchanged."""
    return tuple(split_sentences(text))


def quote(sentence: str, focus: str = "") -> str:
    """The sentence for a message: whole if short, else a window around `focus`."""
    text = sentence.rstrip("。；;").replace("“", "‘").replace("”", "’")
    focus = focus.replace("“", "‘").replace("”", "’")
    if len(text) <= QUOTE_LIMIT:
        return f"“{text}”"
    at = max(text.find(focus), 0) if focus else 0
    start = max(0, min(at - QUOTE_LIMIT // 3, len(text) - QUOTE_LIMIT))
    piece = text[start : start + QUOTE_LIMIT]
    return (
        "“"
        + ("…" if start else "")
        + piece
        + ("…" if start + QUOTE_LIMIT < len(text) else "")
        + "”"
    )


def parse_prose_number(token: str) -> int | None:
    """The value of a number token from prose, or None when it is not a clean count."""
    text = normalize_text(token)
    if text.isdigit():
        return int(text)
    try:
        return parse_chinese_numeral(text)
    except NumberError:
        return None
