"""The number guard: every quantity a text claims, traced to the data (`claims`).

`ungrounded_claims` is what the LLM path uses: each claim (number, subject, scope) is grounded
against the report's data and the fact sheet (see `claims.ground`); a wrong value for a named
subject is caught even when that value means something else elsewhere. `find_numbers` below
is the older number scanner, kept for its callers:

Recognised: 13、12.5、66.7%、两次、十余件、20余条、百分之三十、三成、二〇二二年. Not numbers:
list and section numbering (1. / （一） / 一是 / 第二十条), fixed terms whose numerals are
part of a name (“三安全一稳定”、四类过程性信息、一网通办), the statistical period's 1月1日 and
12月31日, and the citations the templates use (国办函〔2020〕109号, 国办公开办函〔2021〕30号).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..claims import (
    DATA_UNITS,
    Claim,
    ClaimData,
    add_sheet_numbers,
    data_value_text,
    find_claims,
    ground,
    parts_over_totals,
)
from ..facts import FactSheet
from ..numbers import NumberError, parse_chinese_numeral
from ..text import sentence_pieces

FIXED_TERMS = (
    "三安全一稳定",
    "三类内部事务信息",
    "四类过程性信息",
    "五类法人",
    "两微一端",
    "一网通办",
    "一网统管",
    "一件事",
    "一次性",
    "一事一申请",
    "一窗受理",
    "一站式",
    "一对一",
    "一把手",
    "一览表",
    "一张网",
    "一码通",
    "两个维护",
    "四个意识",
    "四个自信",
)
MEASURE_WORDS = "个工作日|工作日|个百分点|人次|万元|亿元|件|条|次|场|个|项|家|期|篇|份|起|名|人|类|天|元|页|年|月|日|号|批|轮|栏|套|部|所"
_CN = "零〇一二两三四五六七八九十百千万"
_ORDINALS = re.compile(
    r"第["
    + _CN
    + r"\d]+|[（(]["
    + _CN
    + r"\d]+[)）]|["
    + _CN
    + r"]+是(?=[^否])|其[一二三四五六七八九十]"
)
# Numbers that are part of a citation or of the statistical period, not quantities. Only
# these exact citations are exempt: a 文号 the model invents is still checked.
_CITATIONS = re.compile(
    r"国办函〔2020〕109号|国办公开办函〔2021〕30号|国务院令第711号|1月1日|12月31日"
)
_LINE_NUMBERING = re.compile(r"^\s*(?:\d+|[" + _CN + r"]+)\s*[.、．]", re.M)
_PERCENT_CN = re.compile(r"百分之([" + _CN + r"]+(?:点[零〇一二三四五六七八九]+)?)")
_TENTHS_CN = re.compile(r"(?<![" + _CN + r"])([二两三四五六七八九])成(?![为功果绩员立效交本])")
_ARABIC = re.compile(r"(?<![\d.A-Za-z])(\d+(?:\.\d+)?)(\s*%|\s*％)?\s*(余|多)?")
_CHINESE = re.compile(r"(?<![" + _CN + r"])([" + _CN + r"]+)(余|多)?(?=" + MEASURE_WORDS + r")")
_SOLO_ONE_OK = re.compile(r"一(?=件|条|次|场|项|名|份|篇|人次|个百分点)")


@dataclass(frozen=True)
class NumberMention:
    text: str  # as written, e.g. “十余”、“66.7%”
    value: Decimal
    percent: bool = False
    approximate: bool = False


def find_numbers(text: str) -> list[NumberMention]:
    """Every quantity mentioned in `text`, in order of appearance."""
    text = _blank_out(text)
    found: list[tuple[int, NumberMention]] = []
    for m in _PERCENT_CN.finditer(text):
        value = _chinese_decimal(m.group(1))
        if value is not None:
            found.append((m.start(), NumberMention(m.group(0), value, percent=True)))
    text = _PERCENT_CN.sub(lambda m: "＃" * len(m.group(0)), text)
    for m in _TENTHS_CN.finditer(text):
        value = Decimal(parse_chinese_numeral(m.group(1)) * 10)
        found.append((m.start(), NumberMention(m.group(0), value, percent=True, approximate=True)))
    for m in _ARABIC.finditer(text):
        value = Decimal(m.group(1))
        mention = NumberMention(
            m.group(0).strip(), value, percent=bool(m.group(2)), approximate=bool(m.group(3))
        )
        found.append((m.start(), mention))
    for m in _CHINESE.finditer(text):
        digits = m.group(1)
        if digits == "一" and not _SOLO_ONE_OK.match(text, m.start()):
            continue
        try:
            value = Decimal(parse_chinese_numeral(digits))
        except NumberError:
            continue
        found.append((m.start(), NumberMention(m.group(0), value, approximate=bool(m.group(2)))))
    return [mention for _, mention in sorted(found, key=lambda pair: pair[0])]


def _blank_out(text: str) -> str:
    """Replace numbering, ordinals and fixed terms with filler so they are not read as numbers."""
    for term in FIXED_TERMS:
        text = text.replace(term, "＃" * len(term))
    text = _CITATIONS.sub(lambda m: "＃" * len(m.group(0)), text)
    text = _LINE_NUMBERING.sub(lambda m: "＃" * len(m.group(0)), text)
    return _ORDINALS.sub(lambda m: "＃" * len(m.group(0)), text)


def _chinese_decimal(text: str) -> Decimal | None:
    whole, _, frac = text.partition("点")
    try:
        value = Decimal(parse_chinese_numeral(whole)) if whole else Decimal(0)
        if frac:
            value += Decimal("0." + "".join(str(parse_chinese_numeral(ch)) for ch in frac))
    except (NumberError, InvalidOperation):
        return None
    return value


def is_allowed(mention: NumberMention, sheet: FactSheet) -> bool:
    pool = sheet.percents if mention.percent else sheet.counts
    if mention.approximate:
        return any(_within_approximation(mention.value, v, mention.percent) for v in pool)
    if mention.value in pool:
        return True
    return mention.percent and any(_rounds_to(v, mention.value) for v in pool)


def _within_approximation(said: Decimal, actual: Decimal, percent: bool) -> bool:
    if percent:  # 三成 ≈ 25%–35%
        return abs(actual - said) <= 5
    if said <= 0:
        return False
    step = Decimal(10) ** (len(str(int(said))) - 1)  # 十余 → (10, 20); 200余 → (200, 300)
    return said < actual < said + step


def _rounds_to(actual: Decimal, said: Decimal) -> bool:
    """66.7 may be written 67%: the model's precision, rounded half-up."""
    exponent = said.as_tuple().exponent
    places = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return actual.quantize(places, ROUND_HALF_UP) == said


@dataclass(frozen=True)
class Ungrounded:
    """A claim the data does not bear out: the number as written, its clause, and what the
    data says for its subject ("" when the claim has no recognised subject)."""

    text: str
    clause: str
    data: str

    def describe(self) -> str:
        where = f"“{self.clause}”中的“{self.text}”" if self.clause else f"“{self.text}”"
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
    (`cleanup.clean_text`).
    """
    data = sheet_claim_data(sheet)
    seen: dict[tuple[str, str], Ungrounded] = {}
    for claim in find_claims(text):
        verdict = ground(claim, data)
        nearby = not claim.certain and claim.scope != "同比"
        if verdict == "contradicts" and nearby and _in_pool(claim, data):
            verdict = "grounded"  # a subject only nearby: the value has some meaning
        if verdict != "grounded":
            said = data_value_text(claim, data) if verdict == "contradicts" else ""
            seen.setdefault((claim.text, claim.clause), Ungrounded(claim.text, claim.clause, said))
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
