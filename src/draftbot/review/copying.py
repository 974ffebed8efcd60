"""P-06: text copied from last year's report.

Similarity is the overlap of character pairs (Dice coefficient over bigrams) after removing
blanks and punctuation and replacing every number by 0, so a text whose only changes are the
year and the figures still counts as a copy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping

from ..findings import Finding
from ..model import Narrative, Report
from ..patterns import lazy
from ..text import split_sentences
from ._text import drafted_sections, quote

CODE = "P-06"
THRESHOLD = 0.8
MIN_CHARS = 80  # short factual statements (本年未收到申请…) are alike every year
_NOISE_RE = lazy(r"[\s，,。．.；;：:、！!？?“”‘’\"'（）()《》〔〕【】\-—…·]")
_REVISITED = ("上年", "去年", "上一年", "整改")


def normalise(text: str) -> str:
    return re.sub(r"\d+", "0", _NOISE_RE.sub("", text))


def similarity(a: str, b: str) -> float:
    """0…1: how much of the two texts' character pairs they share."""
    pairs_a, pairs_b = _bigrams(normalise(a)), _bigrams(normalise(b))
    total = sum(pairs_a.values()) + sum(pairs_b.values())
    if not total:
        return 0.0
    return 2 * sum((pairs_a & pairs_b).values()) / total


def _bigrams(text: str) -> Counter[str]:
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def check_copying(report: Report) -> Iterator[Finding]:
    previous = report.previous_year
    if previous is None:
        return
    if previous.narrative is not None:
        yield from _similar_sections(report)
    yield from _repeated_problems(report)


def similar_sections(texts: Mapping[str, str], last: Narrative) -> list[tuple[str, float]]:
    """(section key, similarity 0…1) of each text of `texts` (section key → text) that
    reads like the same section of last year's report `last`: both at least `MIN_CHARS`
    long once normalised, similarity at least `THRESHOLD`. The offline drafter names these
    parts among the problems; the review raises P-06 on them."""
    found = []
    for key, text in texts.items():
        before = getattr(last, key, "")
        if len(normalise(text)) < MIN_CHARS or len(normalise(before)) < MIN_CHARS:
            continue
        ratio = similarity(text, before)
        if ratio >= THRESHOLD:
            found.append((key, ratio))
    return found


def _similar_sections(report: Report) -> Iterator[Finding]:
    assert report.previous_year is not None and report.previous_year.narrative is not None
    texts = dict(drafted_sections(report.narrative))
    for key, ratio in similar_sections(texts, report.previous_year.narrative):
        yield Finding(
            CODE,
            "warning",
            f"这一部分与上年报告同一部分的文字相似度约为 {ratio:.0%}"
            f"（从{quote(split_sentences(texts[key])[0])}开始）",
            "年度报告应写本年的实际情况：请根据本年工作重写，不要沿用上年的文字",
            section=key,
        )


def _repeated_problems(report: Report) -> Iterator[Finding]:
    """The problems named this year are exactly last year's."""
    previous = report.previous_year
    text = report.narrative.problems
    if previous is None or not previous.problems or not text.strip():
        return
    last = {normalise(p) for p in previous.problems}
    this = {normalise(p) for p in report.facts.problems}
    if this:
        repeated = this == last
    else:
        body = normalise(text)
        repeated = all(p in body for p in last) and not any(w in text for w in _REVISITED)
    if repeated:
        yield Finding(
            CODE,
            "warning",
            "本年所列的问题与上年报告所列问题完全相同：" + "；".join(previous.problems),
            "同样的问题年年出现，说明整改没有到位或照搬了上年文字：请写明上年问题的整改情况和本年新发现的问题",
            section="problems",
        )
