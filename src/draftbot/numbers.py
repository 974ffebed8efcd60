"""Parsing of counts and amounts as clerks type them: 3, ３, 3.0, 三, 十二, 两百零五, 无.

Every parser either returns an exact value or raises `NumberError` with a Chinese
message; nothing is rounded or guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_COUNT = 1_000_000
MAX_AMOUNT = Decimal("10000000")
AMOUNT_DECIMALS = 4


@dataclass(frozen=True)
class Bounds:
    """Limits a value must keep: `max_count` (件), `max_amount` and `amount_decimals` (金额)."""

    max_count: int
    max_amount: Decimal
    amount_decimals: int


# Typed by a clerk: anything beyond is almost surely a typing slip and is refused.
TYPED_BOUNDS = Bounds(MAX_COUNT, MAX_AMOUNT, AMOUNT_DECIMALS)
# Read from a published report: a whole province's counts and six-decimal 万元 must load
# (the plausibility bounds above then become warnings); beyond these nothing is a real figure.
PUBLISHED_BOUNDS = Bounds(10**10, Decimal(10) ** 12, 8)
# Printed in a published table where a number belongs: kept as published, never read as 0.
BLANK_MARKS = frozenset({"", "/", "-", "—", "–", "－", "——", "\\", "×", "无数据"})

_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９．－＋，　",
    "0123456789.-+, ",
)
_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CHINESE_NUMERAL_CHARS = "".join([*_DIGITS, *_SMALL_UNITS, *_BIG_UNITS])
ZERO_WORDS = frozenset({"无", "没有", "否", "零", "〇", "暂无", "均无", "没", "无此情况"})
_INTEGER_RE = re.compile(r"[+]?\d+(?:\.0+)?")
_AMOUNT_RE = re.compile(r"[+]?\d+(?:\.\d+)?")


class NumberError(ValueError):
    """A value that is not an acceptable number; the message is shown to the user."""


def normalize_text(raw: str) -> str:
    """Full-width digits and punctuation to half-width, thousands commas and blanks removed."""
    return raw.translate(_FULL_WIDTH).replace(",", "").strip()


def parse_chinese_numeral(text: str) -> int:
    """Value of a Chinese numeral such as 十二, 两百零五, 十万零三 or 二〇二二 (digit by digit)."""
    if not text or any(ch not in CHINESE_NUMERAL_CHARS for ch in text):
        raise NumberError(f"“{text}”不是中文数字")
    has_units = any(ch in _SMALL_UNITS or ch in _BIG_UNITS for ch in text)
    if not has_units and (len(text) == 1 or "两" not in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and _DIGITS[ch] != 0:
                raise NumberError(f"“{text}”不是规范的中文数字")
            digit = _DIGITS[ch] if _DIGITS[ch] != 0 else None
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:
            unit = _BIG_UNITS[ch]
            section += digit or 0
            if section == 0:
                raise NumberError(f"“{text}”不是规范的中文数字")
            total = (total + section) * unit if unit > 10_000 else total + section * unit
            section, digit = 0, None
    return total + section + (digit or 0)


def blank_message(raw: object) -> str | None:
    """For an empty or `/` cell, the message asking for 0; None when `raw` is not blank."""
    if raw is None or (isinstance(raw, str) and normalize_text(raw) in BLANK_MARKS):
        shown = "" if raw is None else normalize_text(raw)
        what = "此格为空" if not shown else f"此格为“{shown}”"
        return f"{what}；没有发生的事项请填 0"
    return None


def parse_count(raw: object, bounds: Bounds = TYPED_BOUNDS) -> int:
    """A non-negative whole count within `bounds.max_count` (件), from int or text.

    Raises `NumberError`: for a blank or `/` cell asking for 0, else saying what was received.
    """
    blank = blank_message(raw)
    if blank:
        raise NumberError(blank)
    if isinstance(raw, bool):
        raise NumberError(f"应为不小于 0 的整数，收到“{raw}”")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise NumberError(f"应为不小于 0 的整数，收到“{raw:g}”")
        value = int(raw)
    elif isinstance(raw, (str, Decimal)):
        value = _count_from_text(str(raw))
    else:
        raise NumberError(f"应为不小于 0 的整数，收到“{raw}”")
    return _bounded_count(value, raw, bounds.max_count)


def _count_from_text(raw: str) -> int:
    text = normalize_text(raw)
    text = text.removesuffix("件").removesuffix("个").removesuffix("条").strip()
    if text in ZERO_WORDS:
        return 0
    if _INTEGER_RE.fullmatch(text):
        return int(Decimal(text))
    if text and all(ch in CHINESE_NUMERAL_CHARS for ch in text):
        return parse_chinese_numeral(text)
    raise NumberError(f"应为不小于 0 的整数，收到“{raw.strip()}”")


def _bounded_count(value: int, raw: object, limit: int) -> int:
    shown = str(raw).strip()
    if value < 0:
        raise NumberError(f"应为不小于 0 的整数，收到“{shown}”")
    if value > limit:
        raise NumberError(f"数值过大（上限 {limit}），收到“{shown}”，请核对是否多输了位数")
    return value


def parse_amount(raw: object, bounds: Bounds = TYPED_BOUNDS) -> Decimal:
    """A non-negative amount with at most `bounds.amount_decimals` decimals (unit as the field says).

    Raises `NumberError`: for a blank or `/` cell asking for 0, else saying what was received.
    """
    blank = blank_message(raw)
    if blank:
        raise NumberError(blank)
    if isinstance(raw, bool):
        raise NumberError(f"应为不小于 0 的金额，收到“{raw}”")
    text = normalize_text(str(raw))
    if text in ZERO_WORDS:
        return Decimal(0)
    if not _AMOUNT_RE.fullmatch(text):
        if text and all(ch in CHINESE_NUMERAL_CHARS for ch in text):
            return _bounded_amount(Decimal(parse_chinese_numeral(text)), raw, bounds)
        raise NumberError(
            f"应为不小于 0 的金额（数字，最多 {bounds.amount_decimals} 位小数），收到“{raw}”"
        )
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid decimals
        raise NumberError(f"应为不小于 0 的金额，收到“{raw}”") from exc
    return _bounded_amount(value, raw, bounds)


def _bounded_amount(value: Decimal, raw: object, bounds: Bounds) -> Decimal:
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > bounds.amount_decimals:
        raise NumberError(f"金额最多保留 {bounds.amount_decimals} 位小数，收到“{raw}”")
    if value > bounds.max_amount:
        raise NumberError(
            f"金额过大（上限 {bounds.max_amount}），收到“{raw}”，请核对单位是否为万元"
        )
    return value


def format_amount(value: Decimal) -> str:
    """An amount without trailing zeros or exponent: 1.50 → 1.5, 0.0000 → 0."""
    text = format(value.normalize(), "f")
    return "0" if text in {"0", "-0"} else text
