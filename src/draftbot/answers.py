"""One parser per kind of answer, shared by the terminal interview (`questions`), the web forms
(`web.edits`, the guided steps) and the sentence parser (`freetext`).

Each parser takes the text a clerk typed and returns the value to store, or raises
`AnswerError` (a `ValueError`; `NumberError` for numbers) whose Chinese message says what was
received and what to type. Callers add the field's label in front. Numbers are read by
`numbers` (one reader of numerals) after `text.refusal_reason` (one scanner of quantities) has
refused approximate numbers, fractions, malformed numerals and negative numbers.

Kinds: count (`parse_count_answer`), amount in 万元 or 元 (`parse_amount_answer`), yes/no
(`parse_yes_no`), choice (`parse_choice`), date (`parse_date`), a category line such as
`政策解读 3` (`parse_category_line`), and a row of 表三 by applicant kinds or a block of 表四 by
results (`parse_labelled_row`, with the one vocabulary `APPLICANT_WORDS` / `CASE_WORDS`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .errors import DraftbotError
from .excerpt import excerpt
from .numbers import (
    DEFAULT_COUNT_UNITS,
    PUBLISHED_BOUNDS,
    ZERO_WORDS,
    NumberError,
    format_amount,
    normalize_text,
    parse_amount,
    parse_count,
)
from .text import find_numbers, refusal_reason

YES_WORDS = frozenset({"是", "有", "是的", "对", "y", "yes", "需要", "收到了", "有的"})
NO_WORDS = frozenset({"否", "无", "没有", "不是", "n", "no", "没", "不", "未", "均无", "暂无"})
# A clause that states nothing happened (新收申请：无) gives 0 where a number would go.
ZERO_STATEMENTS = ("暂无", "均无", "没有", "无", "零")

Vocabulary = Sequence[tuple[str, tuple[str, ...]]]
# The words that name each applicant column of 表三 (format-spec §5), in the order a clause is
# tried: one vocabulary for the interview's labelled rows and the sentence parser.
APPLICANT_WORDS: Vocabulary = (
    ("natural_person", ("自然人", "个人", "公民", "群众", "市民", "村民")),
    ("commercial", ("商业企业", "企业", "公司")),
    ("research", ("科研机构", "科研", "研究机构", "高校", "大学")),
    ("social_welfare", ("社会公益组织", "公益组织", "社会组织", "公益")),
    ("legal_service", ("法律服务机构", "律师事务所", "律所", "律师", "法律服务")),
    ("other", ("其他组织", "其他单位", "其他申请人", "其他")),
)
# The words that name each result column of 表四.
CASE_WORDS: Vocabulary = (
    ("pending", ("尚未审结", "未审结", "审理中", "尚未结案", "未结")),
    ("maintained", ("结果维持", "维持", "驳回")),
    ("corrected", ("结果纠正", "纠正", "撤销", "确认违法", "责令")),
    ("other", ("其他结果", "终止", "撤诉", "调解", "其他")),
)
_FILLER = re.compile(r"[\s、，,；;。.：:件个起和及与其中为是各有分别]")
_SPLIT_LINES = re.compile(r"[\n；;]+")
_LINE_NUMBERING = re.compile(
    r"^\s*(?:\d+[.、．)）]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、是])\s*"
)
_CATEGORY_LINE = re.compile(r"^(.+?)[\s:：]*([0-9零〇一二两三四五六七八九十百千万]+)\s*条?$")
_DATE_RE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")


class AnswerError(DraftbotError, ValueError):
    """An answer that cannot be accepted; the message (Chinese) names the field and the fix."""


def parse_yes_no(text: str) -> bool | None:
    """True for 是/有/对…, False for 否/无/没有…, None when the text is neither (a sentence)."""
    word = text.strip().rstrip("。.！!").lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


def parse_count_answer(text: str, units: tuple[str, ...] = DEFAULT_COUNT_UNITS) -> int:
    """A count typed as 3, ３, 1,200, 十二, 二百五, 1万2千, 无 (= 0), or with one of the
    field's `units` (`paths.count_units`): 3件, 两场, 2次.

    Raises `NumberError` for approximate numbers (三四件, 十余件, 约20), fractions (三分之一),
    malformed numerals, negative numbers, a unit the field does not take (3人 for 新闻发布会,
    naming the expected unit) and anything that is not a number.
    """
    reason = refusal_reason(text)
    if reason:
        raise NumberError(reason)
    return parse_count(text, units=units)


def parse_amount_answer(text: str, unit: str = "万元") -> Decimal:
    """An amount in `unit` (万元 or 元): 12.5, 12.5万元, 12.5万 and, for a 万元 field, 35000元
    (= 3.5 万元); 无 is 0. At most 4 decimals in `unit`. A front end tells the clerk about a
    conversion with `amount_conversion_note` (never silent).

    Raises `NumberError` as `parse_count_answer` does, and for too many decimals.
    """
    return read_amount_answer(text, unit)[0]


def read_amount_answer(text: str, unit: str = "万元") -> tuple[Decimal, str | None]:
    """`parse_amount_answer` with the note saying what was converted: (0.12, "已按 1200 元 =
    0.12 万元 填写") for `1200元` on a 万元 field; the note is None when nothing was converted.

    Raises `NumberError` as `parse_amount_answer` does.
    """
    reason = refusal_reason(text)
    if reason:
        raise NumberError(reason)
    typed = normalize_text(text)
    yuan: Decimal | None = None
    if unit == "万元":
        if typed.endswith("万元") or (typed.endswith("万") and typed[:-1]):
            typed = typed.removesuffix("元").removesuffix("万")
        elif typed.endswith("元") and typed[:-1]:
            yuan = parse_amount(typed[:-1], PUBLISHED_BOUNDS)
            typed = format_amount(yuan / Decimal(10000))
    elif typed.endswith(unit) and typed[: -len(unit)]:
        typed = typed[: -len(unit)]
    try:
        value = parse_amount(typed)
    except NumberError as exc:
        raise NumberError(str(exc).replace(f"“{excerpt(typed)}”", f"“{excerpt(text)}”")) from None
    if yuan is None:
        return value, None
    return value, f"已按 {format_amount(yuan)} 元 = {format_amount(value)} 万元 填写"


def amount_conversion_note(text: str, unit: str = "万元") -> str | None:
    """What converting `text` into `unit` did, in Chinese (“已按 1200 元 = 0.12 万元 填写”), or
    None when the answer was in `unit` already or is not an acceptable amount."""
    try:
        return read_amount_answer(text, unit)[1]
    except NumberError:
        return None


def parse_choice(text: str, options: Sequence[str]) -> str:
    """One of `options`, by its number (1 …) or its name or an unambiguous part of it."""
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    if text in options:
        return text
    matches = [o for o in options if text and text in o]
    if len(matches) == 1:
        return matches[0]
    listed = "、".join(f"{i}. {o}" for i, o in enumerate(options, 1))
    raise AnswerError(f"请输入序号或名称：{listed}")


# How clerks name their level (镇政府, 县人社局 …) → the 层级 choice (model.AgencyLevel values).
# A text that fits more than one pattern, or none, is not read: the question lists the choices.
_LEVEL_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^(?:.*[乡镇]|乡镇)(?:人民)?政府$|^.*街道(?:办事处|办)?$|^[乡镇]$|^乡镇$", "乡镇（街道）"),
    (r"^.*[县区旗](?:人民)?政府(?:本级)?$|^区县$", "区县政府"),
    (r"^.*市(?:人民)?政府(?:本级)?$", "市级政府"),
    (r"^.*省(?:人民)?政府(?:本级)?$", "省级政府"),
    (r"^.*[县区旗](?:级|直)?[^县区旗市省]*(?:局|委员会|委|办公室|办|部门|中心|院)$", "县级部门"),
    (r"^.*市(?:级|直)?[^县区旗市省]*(?:局|委员会|委|办公室|办|部门|中心|院)$", "市级部门"),
    (r"^.*省(?:级|直)?[^县区旗市省]*(?:厅|局|委员会|委|办公室|办|部门|中心|院)$", "省级部门"),
)


def agency_level_of(text: str) -> str | None:
    """The 层级 choice an obvious description names: 镇政府, 某某乡人民政府, 街道办事处 →
    乡镇（街道）; 县人社局, 区教育局, 县直部门 → 县级部门; 县政府 → 区县政府; 市财政局 →
    市级部门 …; None when no pattern or more than one fits (县 alone, 市辖区局)."""
    typed = normalize_text(text).replace("市场", "场")  # 市场监管局: 市 names no level here
    found = {level for pattern, level in _LEVEL_PATTERNS if re.fullmatch(pattern, typed)}
    return found.pop() if len(found) == 1 else None


def parse_date(text: str) -> dt.date | None:
    """A date typed as 2024-01-20, 2024.1.20, 2024/1/20 or 2024年1月20日; None when empty."""
    if not text.strip():
        return None
    match = _DATE_RE.match(normalize_text(text))
    try:
        if match is None:
            raise ValueError
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise AnswerError(
            f"应为日期，如 2024-01-20 或 2024年1月20日，收到“{excerpt(text)}”"
        ) from None


def split_lines(text: str) -> list[str]:
    """One item per line (or per ；), with leading numbering such as 1. or （一） removed."""
    items = (_LINE_NUMBERING.sub("", p).strip() for p in _SPLIT_LINES.split(text))
    return [item for item in items if item]


def parse_category_line(line: str) -> dict[str, Any]:
    """`政策解读 3`, `政策解读：3`, `政策解读3` or `政策解读三条` → {"name": …, "count": int}.

    Raises `AnswerError` for a line without a name and a count, `NumberError` for a count that
    is not exact.
    """
    shown = line.strip()
    reason = refusal_reason(shown)
    if reason:
        raise NumberError(reason)
    match = _CATEGORY_LINE.match(normalize_text(shown))
    if match is None or not match.group(1).strip(" :："):
        raise AnswerError(f"“{excerpt(shown)}”应写成“类别：条数”，如“政策解读：6”或“政策解读 6”")
    return {"name": match.group(1).strip(), "count": parse_count(match.group(2))}


def kind_in(clause: str, vocabulary: Vocabulary, *, besides: Vocabulary = ()) -> str | None:
    """The first column of `vocabulary` one of whose words occurs in `clause`, else None.

    Words of `besides` (the rows a clause may name) are taken out first, so 其他 in 其他处理
    names the row, not the applicant column 其他.
    """
    for word in sorted((w for _, ws in besides for w in ws), key=len, reverse=True):
        clause = clause.replace(word, " ")
    for key, words in vocabulary:
        if any(word in clause for word in words):
            return key
    return None


def is_zero_statement(text: str) -> bool:
    """The text (after the words naming a cell) says nothing happened: 无, 没有, 0 …"""
    typed = normalize_text(text).rstrip("。.！! ")
    rest = _FILLER.sub("", typed)
    return rest in ZERO_WORDS or rest == "0" or typed.endswith(ZERO_STATEMENTS)


TOTAL_WORDS = ("总计", "合计", "共计")


def labelled_example(vocabulary: Vocabulary) -> str:
    """How to type a labelled row of this vocabulary, from its own words: `自然人 3，商业企业 1`
    for 表三, `结果维持 1，结果纠正 2` for 表四 (the first two result columns)."""
    keys = [key for key, _ in vocabulary]
    first, second = ("maintained", "corrected") if "maintained" in keys else tuple(keys[:2])
    words = dict(vocabulary)
    return f"{words[first][0]} 1，{words[second][0]} 2"


def parse_labelled_row(text: str, vocabulary: Vocabulary) -> dict[str, int] | None:
    """{column: count} when the answer names its columns (`自然人 3，企业 1`, `村民3件和公司一件`,
    `维持 1，纠正 2`), None when it names none. Columns not named are left out (the caller fills
    0). A 总计 (合计, 共计) may be written: it is checked against the columns and dropped.

    Raises `AnswerError` for words it cannot place (the example is the row's own), for a column
    named twice and for a 总计 the columns do not add up to (with both numbers), `NumberError`
    for a count that is not exact.
    """
    words = sorted(
        [*((w, k) for k, ws in vocabulary for w in ws), *((w, "total") for w in TOTAL_WORDS)],
        key=lambda p: -len(p[0]),
    )
    example = labelled_example(vocabulary)
    pattern = re.compile("|".join(re.escape(w) for w, _ in words))
    key_of = dict(words)
    hits = list(pattern.finditer(text))
    if not hits or all(key_of[h.group(0)] == "total" for h in hits):
        return None
    _check_leftover(text[: hits[0].start()], example)
    found: dict[str, int] = {}
    for hit, following in zip(hits, [*hits[1:], None], strict=True):
        segment = text[hit.end() : following.start() if following else len(text)]
        key = key_of[hit.group(0)]
        if key in found:
            raise AnswerError(f"“{hit.group(0)}”写了两次，请每类只写一次")
        found[key] = _segment_count(hit.group(0), segment, example)
    stated = found.pop("total", None)
    if stated is not None and stated != sum(found.values()):
        raise AnswerError(
            f"总计写的是 {stated} 件，各类相加是 {sum(found.values())} 件，请核对；"
            "总计由本工具计算，可以不写"
        )
    return found


def _segment_count(word: str, segment: str, example: str) -> int:
    mentions = find_numbers(segment)
    if not mentions:
        if is_zero_statement(segment):
            return 0
        raise AnswerError(f"“{word}”后面没有写明件数，请写成如“{word} 3”")
    reason = refusal_reason(segment)
    if reason:
        raise NumberError(reason)
    first = mentions[0]
    _check_leftover(segment[: first.start] + segment[first.end :], example)
    return parse_count(first.text)


def _check_leftover(rest: str, example: str) -> None:
    leftover = _FILLER.sub("", normalize_text(rest))
    if leftover:
        raise AnswerError(
            f"无法识别“{excerpt(leftover)}”：请按类型写明件数，如“{example}”；总计由本工具计算，可以不写"
        )
