"""The number guard: every quantity a text claims, traced to the data (`claims`).

`ungrounded_claims` is what the LLM path uses: each claim (number, subject, scope) is grounded
against the report's data and the fact sheet (see `claims.ground`); a wrong value for a named
subject is caught even when that value means something else elsewhere; a share of 表三 in words
(全部来自自然人, 多数不予公开, 全部办结 …) that the figures contradict is caught by the review's
rule (`claims.share_word_conflicts`). The numbers
themselves are read by `claims.find_claims` (the one scanner of quantities in prose): list and
section numbering, fixed terms, dates, citations and other non-quantities are not numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..claims import (
    DATA_UNITS,
    Claim,
    ClaimData,
    add_sheet_numbers,
    bound_claims,
    data_value_text,
    find_claims,
    ground,
    parts_over_totals,
    share_word_conflicts,
)
from ..facts import FactSheet
from ..text import sentence_pieces, split_sentences


@dataclass(frozen=True)
class Ungrounded:
    """A claim the data does not bear out: the number as written, its clause, and what the
    data says for its subject ("" when the claim has no recognised subject)."""

    text: str
    clause: str
    data: str

    def describe(self) -> str:
        inside = self.clause and self.clause != self.text
        where = f"“{self.clause}”中的“{self.text}”" if inside else f"“{self.text}”"
        return f"{where}（{self.data}）" if self.data else f"{where}（数据中没有这个数）"


def sheet_claim_data(sheet: FactSheet) -> ClaimData:
    """The claim data of a fact sheet: the report's subjects when known, plus every number
    the sheet lists."""
    data = ClaimData() if sheet.claims is None else sheet.claims
    add_sheet_numbers(data, sheet.counts, sheet.percents)
    return data


def ungrounded_claims(text: str, sheet: FactSheet) -> list[Ungrounded]:
    """The claims of `text` the data does not bear out, in order, each once.

    A claim is grounded when it equals its subject's value (or, said of no certain subject,
    a value the data holds with a measure word the data uses), or is a share or change of
    two data quantities at the sentence's precision. Reasoning blocks must already be gone
    (`cleanup.clean_model_text`).
    """
    data = sheet_claim_data(sheet)
    seen: dict[tuple[str, str], Ungrounded] = {}
    for claim in bound_claims(find_claims(text), data):
        verdict = ground(claim, data)
        nearby = not claim.certain and claim.scope != "同比"
        if verdict == "contradicts" and nearby and _in_pool(claim, data):
            verdict = "grounded"  # a subject only nearby: the value has some meaning
        if verdict != "grounded":
            said = data_value_text(claim, data) if verdict == "contradicts" else ""
            seen.setdefault((claim.text, claim.clause), Ungrounded(claim.text, claim.clause, said))
    for sentence in split_sentences(text):
        for conflict in share_word_conflicts(sentence, data):
            phrase = conflict.claim.phrase
            clause = _clause_of(sentence, phrase)
            said = f"表三中{conflict.data_text()}"
            seen.setdefault((phrase, clause), Ungrounded(phrase, clause, said))
    for item in parts_over_totals(text):
        said = f"其中各项相加为 {item.added}，多于总数 {item.total}"
        for part, _ in item.parts:
            seen.setdefault((part, ""), Ungrounded(_number_of(part), _clause_of(text, part), said))
    return list(seen.values())


def _number_of(part: str) -> str:
    match = re.search(r"\d[\d,]*|[零〇一二两三四五六七八九十百千万]+", part)
    return match.group(0) if match else part


def _clause_of(text: str, piece: str) -> str:
    at = text.find(piece)
    start = at
    while start > 0 and text[start - 1] not in "，,。；;：:（(":
        start -= 1
    return text[start : at + len(piece)]


def _in_pool(claim: Claim, data: ClaimData) -> bool:
    if claim.percent or claim.unit_word not in DATA_UNITS:
        return False
    return any(claim.reading.admits(v) for v in data.counts)


def unmatched_numbers(text: str, sheet: FactSheet) -> list[str]:
    """The numbers in `text` that the data does not bear out, each once, as written."""
    seen: dict[str, None] = {}
    for item in ungrounded_claims(text, sheet):
        seen.setdefault(item.text, None)
    return list(seen)


def describe(values: list[str]) -> str:
    return "、".join(f"“{v}”" for v in values)


def describe_claims(items: list[Ungrounded]) -> str:
    """For the re-ask and findings: each clause, its number and what the data says."""
    return "；".join(item.describe() for item in items)


def drop_clauses(text: str, items: list[Ungrounded]) -> str | None:
    """`text` without the sentences holding `items`, when at least half of it and one whole
    sentence remain (it still reads as a paragraph); else None."""
    kept_lines = []
    dropped = 0
    for line in text.split("\n"):
        sentences = sentence_pieces(line)
        kept = [s for s in sentences if not any(i.clause and i.clause in s for i in items)]
        dropped += len(sentences) - len(kept)
        if kept:
            kept_lines.append(
                "".join(kept).rstrip("；") if kept[-1].endswith("；") else "".join(kept)
            )
    result = "\n".join(
        line if line.endswith(("。", "！", "？")) else line + "。" for line in kept_lines
    )
    if not dropped or not result or len(result) * 2 < len(text):
        return None
    return result
