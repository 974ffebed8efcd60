"""The text toolkit: quantities in typed text, clauses and sentences.

One home for reading words a clerk typed or a drafter wrote, shared by the interview
(`questions`, `answers`), the web forms (`web.edits`), the sentence parser (`freetext`), the
assistant and the prose review:

- `find_numbers(text)`: every count, amount, approximate number or fraction in `text`, as
  `Mention`s (position, value, unit; approximate, fraction or malformed numbers are marked,
  never given a value). Single numerals are read by `numbers.read_number`; numbers that are not
  quantities (文号, 第二十条, 20个工作日内, 12345热线 … see `claims.non_quantities`) are left out.
- `refusal_reason(text)`: the Chinese reason a single typed answer cannot be an exact number
  (约数, 比例, malformed numeral, negative), or "".
- `clauses(text)`: a typed sentence cut at ，；。、 and brackets (a thousands comma such as
  1,200 is not a cut).
- `wrong_years(sentence, year)`: years a sentence presents as the year it reports on that are
  not the report's year (a leftover from an earlier report), for the prose review (P-02), the
  checks of typed facts (X-07) and the offline drafter's choice of the clerk's sentences.
- `CONTROL_RE` / `without_control(text)`: the one rule for characters no text may keep (C0
  controls but tab and line ends, DEL, U+FFFE/U+FFFF, lone surrogates: Word cannot hold them);
  `INVISIBLE_RE`: zero-width and direction characters that hide inside typed answers.
- `split_sentences(text)`: prose cut into sentences at 。！？； and line ends;
  `sentence_pieces(text)`: the same cut, lossless (the pieces join back to the text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from .numbers import CHINESE_NUMERAL_CHARS, NumberError, read_number
from .patterns import lazy

_DIGITS_ONLY = str.maketrans("０１２３４５６７８９．％，－", "0123456789.%,-")
_CN = "零〇一二两三四五六七八九十百千万亿"
# 12, 1,200, 3.5, 1万2千, 3.5万 (not 3.5万元: there 万元 is the unit), 二百五, 两万三.
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:[十百千万亿](?!元)\d*)*|[{_CN}]+"
MEASURE_WORDS = "件个条次场起份项家名人位宗"
_APPROX_BEFORE = r"(?:约有|大约|大概|约|近|将近|接近|超过|逾|差不多|不到|不足)"
_APPROX_AFTER = r"(?:余|多|来|左右|上下|以上|以下|有余)"
_MENTION_RE = lazy(
    rf"(?P<fraction>(?P<den>{_NUM})分之(?P<numer>{_NUM})|\d+/\d+|百分之(?:{_NUM})|(?:\d+(?:\.\d+)?)%"
    rf"|[一二三四五六七八九]成|一半|半数|大半|大部分|少数|多数)"
    rf"|(?P<vague>[数几若][十百千万]?(?:余|多)?[{MEASURE_WORDS}]|十几|几十|数十|若干)"
    rf"|(?P<before>{_APPROX_BEFORE})?\s*(?P<num>{_NUM})\s*(?P<after1>{_APPROX_AFTER})?\s*"
    rf"(?P<unit>万元|元|[{MEASURE_WORDS}])?\s*(?P<after2>左右|上下|以上|有余)?"
)
_NOT_A_COUNT_AFTER = lazy(r"^\s*(?:年|月|日|号|时|点|分之|个月|周岁|岁|%)")
# Before a lone Chinese numeral that ends a clause, these make it an answer (行政许可：三).
_ANSWER_MARK = lazy(r"(?:^|[\s:：为是有])$")
_CLAUSE_BREAKS = "，,；;。！!？?\n、"
CONTROL_RE = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
INVISIBLE_RE = lazy(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SENTENCE_RE = lazy(r"[^。！？；!?;\n]+[。！？；!?;]?")
_FULL_SENTENCE_RE = lazy(r"[^。！？!?\n]+[。！？!?]?")
_PIECE_RE = lazy(r"[^。！？；!?;]*[。！？；!?;]+|[^。！？；!?;]+$")
_PIECE_LINES_RE = lazy(r"[^。！？；!?;\n]*[。！？；!?;\n]+|[^。！？；!?;\n]+$")


@dataclass(frozen=True)
class Mention:
    """A number as written in the text: `text` and its span [`start`, `end`) in the text,
    `value` (int for whole numbers, Decimal otherwise; None for fractions, vague words and
    malformed numerals), its `unit` (件, 元, 万元 …, or ""), and why it is not exact."""

    text: str
    start: int
    end: int
    value: int | Decimal | None
    unit: str = ""
    approximate: bool = False
    fraction: bool = False
    error: str = ""  # why a malformed (三十二十) or negative (-3) number cannot be used

    @property
    def exact(self) -> bool:
        """A stated, exact, well-formed value."""
        return (
            self.value is not None and not self.approximate and not self.fraction and not self.error
        )


def normalize(text: str) -> str:
    """Full-width digits and signs to ASCII, one character for one, so positions stay."""
    return text.translate(_DIGITS_ONLY)


def find_numbers(text: str) -> list[Mention]:
    """Every count, amount, approximate number or fraction in `text`, in order. Numbers that
    are not quantities (see `claims.non_quantities`) are left out."""
    text = normalize(text)
    from .claims import non_quantities  # here: text is imported everywhere, claims is big

    skip = [(n.start, n.end) for n in non_quantities(text)]
    out: list[Mention] = []
    for match in _MENTION_RE.finditer(text):
        mention = _mention(text, match)
        if mention is not None and not any(s <= mention.start < e for s, e in skip):
            out.append(mention)
    return out


def _mention(text: str, match: re.Match[str]) -> Mention | None:
    raw = match.group(0).strip()
    start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
    end = start + len(raw)
    if match.group("fraction"):
        return Mention(raw, start, end, None, fraction=True)
    if match.group("vague"):
        return Mention(raw, start, end, None, approximate=True)
    number = match.group("num")
    unit = match.group("unit") or ""
    if number is None or _is_ordinal_or_date(text, match, number, unit):
        return None
    if number[0] in CHINESE_NUMERAL_CHARS and not _plausible_chinese(text, match, number, unit):
        return None
    if _negative(text, match.start("num")) and not match.group("before"):
        shown = text[match.start("num") - 1 : end]
        what = "金额" if "." in number or "元" in unit else "整数"
        return Mention(
            shown, start - 1, end, None, unit, error=f"应为不小于 0 的{what}，收到“{shown}”"
        )
    try:
        reading = read_number(number)
    except NumberError as exc:
        return Mention(raw, start, end, None, unit, error=str(exc))
    if reading.approximate:  # 三四件, 十几件: a range, not a count
        return Mention(raw, start, end, None, unit, approximate=True)
    value = _value(reading.value)
    approx = bool(match.group("before") or match.group("after1") or match.group("after2"))
    return Mention(raw, start, end, value, unit, approx)


def _negative(text: str, at: int) -> bool:
    """-3 or 负3 typed as a value (not 2023-2024, where the dash joins two numbers)."""
    if at == 0 or text[at - 1] not in "-负":
        return False
    return at < 2 or not text[at - 2].isdigit()


def _is_ordinal_or_date(text: str, match: re.Match[str], number: str, unit: str) -> bool:
    before = text[max(0, match.start("num") - 1) : match.start("num")]
    after = text[match.end("num") :]
    if before == "第":
        return True
    return not unit and bool(_NOT_A_COUNT_AFTER.match(after))


def _plausible_chinese(text: str, match: re.Match[str], number: str, unit: str) -> bool:
    """一 in 统一/一是 is not a number: Chinese numerals count with a measure word or a unit,
    as a numeral of two characters or more with 十百千万亿, or alone as the answer that ends
    the text after a mark such as ：, 为, 是 (行政许可：三)."""
    if unit or (len(number) >= 2 and any(c in "十百千万亿" for c in number)):
        return True
    ends = not text[match.end("num") :].strip(" 。.")
    return ends and bool(_ANSWER_MARK.search(text[: match.start("num")]))


def _value(value: Decimal) -> int | Decimal:
    """Whole numbers as int (counts), others as Decimal (amounts such as 3.5 万元)."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def refusal_reason(text: str, *, negatives: bool = True) -> str:
    """The Chinese reason a single answer is not an exact number (an approximate number, a
    fraction, a malformed numeral or, unless `negatives` is False, a negative number), else ""."""
    for mention in find_numbers(text):
        if mention.error and (
            negatives or mention.value is not None or "不小于 0" not in mention.error
        ):
            return mention.error
        if mention.fraction:
            return f"“{mention.text}”是比例，表中要填具体的件数或金额，请换算后填写确切数字"
        if mention.approximate:
            return f"“{mention.text}”是约数，表中要填确切的数字，请核对台账后填写准确数字"
    return ""


def clauses(text: str) -> Iterator[str]:
    """Clauses of a typed sentence, split at ，；。、 and line ends (brackets kept whole and
    treated as their own clauses); a thousands comma (1,200) does not split."""
    text = normalize(text)
    depth, current = 0, ""
    for index, ch in enumerate(text):
        if ch in "（(" or ch in "）)":
            if current.strip():
                yield current.strip()
            current = ""
            depth = depth + 1 if ch in "（(" else max(0, depth - 1)
            continue
        if ch in _CLAUSE_BREAKS and not _thousands_comma(text, index):
            if current.strip():
                yield current.strip()
            current = ""
            continue
        current += ch
    if current.strip():
        yield current.strip()


def _thousands_comma(text: str, index: int) -> bool:
    if text[index] != ",":
        return False
    before, after = text[:index], text[index + 1 :]
    return bool(re.search(r"\d$", before)) and bool(re.match(r"\d{3}(?!\d)", after))


def without_control(text: str) -> str:
    """`text` without the characters of `CONTROL_RE`."""
    return CONTROL_RE.sub("", text)


def split_sentences(text: str, *, at_semicolons: bool = True) -> list[str]:
    """Sentences of prose, cut after 。！？ (and ；, unless `at_semicolons` is False; ASCII
    forms too) and at line ends; each stripped, its ending punctuation kept; pieces that are
    only punctuation or blanks are dropped."""
    pattern = _SENTENCE_RE if at_semicolons else _FULL_SENTENCE_RE
    return [s.strip() for s in pattern.findall(text) if s.strip(" \t\u3000。；;")]


def sentence_pieces(text: str, *, at_newlines: bool = False) -> list[str]:
    """`text` cut after each run of 。！？； (and line ends with `at_newlines`) so that the
    pieces join back to exactly `text`: for layout (one run per sentence) and diffs."""
    return (_PIECE_LINES_RE if at_newlines else _PIECE_RE).findall(text)


# --- years ---------------------------------------------------------------------------------

YEAR = r"((?:19|20)\d{2})\s*年"
PERIOD_RE = lazy(
    YEAR
    + r"\s*1\s*月\s*1\s*日\s*起?\s*(?:至|到|—|－|-|～|~)\s*(?:"
    + YEAR
    + r"\s*)?12\s*月\s*31\s*日"
)
YEAR_RE = lazy(r"(?<!\d)" + YEAR)
# Titles, document numbers and quotations: years inside them are references, not claims.
_REFERENCE_RE = lazy(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|【[^】]*】|“[^”]*”|（\d{4}）")
_THIS_YEAR = ("本年", "今年", "本年度", "全年", "年内", "当年")
_COMPARISON_RE = lazy(
    r"上一?年|去年|同比|较|相比|与.{0,12}比|以来|此前|历年|往年|年度报告|连续|以前|之前"
    r"|自.{0,12}起|至今|分别|结转|遗留"
)
_FUTURE = ("将", "计划", "下一步", "明年", "今后", "力争", "拟", "预计", "前完成", "以后")
_OPENING_RE = lazy(
    r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?" + YEAR + r"度?\s*[，,]?"
)
_AS_OF_RE = lazy(r"截至\s*" + YEAR + r"\s*(?:底|末|12\s*月)")
_DATE_AFTER = lazy(r"\s*\d{1,2}\s*月")


def wrong_years(sentence: str, year: int) -> list[int]:
    """Years other than `year` that `sentence` presents as the year it reports on, sorted.

    A year counts when the sentence opens with it (2022年，…) or speaks of 本年/今年, or in
    截至2022年底; never inside a title, document number or quotation, in a statistical period
    (checked on its own), a comparison (较上年, 2021年以来), a plan (将, 计划) or a date in the
    following year (the closing or publication date, 2024年1月18日).
    """
    if "年" not in sentence:  # every year this rule reads is written with 年 (`YEAR`)
        return []
    text = PERIOD_RE.sub(lambda m: "#" * len(m.group(0)), sentence)
    text = _REFERENCE_RE.sub(lambda m: "#" * len(m.group(0)), text)
    return sorted({y for y in _claimed_years(text, year) if y != year})


def _claimed_years(text: str, year: int) -> Iterator[int]:
    if any(word in text for word in _FUTURE):
        return
    comparing = _COMPARISON_RE.search(text) is not None
    about_this_year = any(word in text for word in _THIS_YEAR)
    opening = _OPENING_RE.match(text)
    for match in YEAR_RE.finditer(text):
        value = int(match.group(1))
        if value == year + 1 and _DATE_AFTER.match(text, match.end()):
            continue  # a date in the following year: the closing date, the publication
        at_opening = opening is not None and opening.start(1) == match.start(1)
        if (at_opening or about_this_year) and not comparing:
            yield value
    for match in _AS_OF_RE.finditer(text):
        yield int(match.group(1))
