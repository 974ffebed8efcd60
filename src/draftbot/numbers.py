"""Numbers as clerks and reports write them: 3, ３, 1,200, 三, 十二, 二百五, 两万三, 1万2千, 3.5万,
百分之三十, 三成, and the approximate forms 三四, 两三, 十几, 十余, 20余, 约20, 近百, 逾千.

One reader for the interview, the web forms, the sentence parser and the prose checks:
`read_number` gives a `Reading` (value, exact or approximate with its range, percent or not);
`parse_count` and `parse_amount` accept only exact values. Every parser either returns a value
or raises `NumberError` with a Chinese message; nothing is rounded or guessed. Malformed
numerals (三十二十, 两两) are refused, never summed.

cn2an was tried and not used: it reads 三四 as 34 and 两两 as 22, and knows no approximate forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import DraftbotError
from .excerpt import excerpt
from .patterns import lazy

MAX_COUNT = 1_000_000
MAX_AMOUNT = Decimal("10000000")
AMOUNT_DECIMALS = 4
_MAX_DIGITS = 30  # longer numbers are refused before any conversion


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
    "０１２３４５６７８９．－＋，　％",
    "0123456789.-+, %",
)
_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_UNITS = {**_SMALL_UNITS, **_BIG_UNITS}
CHINESE_NUMERAL_CHARS = "".join([*_DIGITS, *_SMALL_UNITS, *_BIG_UNITS])
ZERO_WORDS = frozenset({"无", "没有", "否", "零", "〇", "暂无", "均无", "没", "无此情况"})
_INTEGER_RE = lazy(r"[+]?\d+(?:\.0+)?")
_AMOUNT_RE = lazy(r"[+]?\d+(?:\.\d+)?")
_ZEROS = "零〇○"

_CN_DIGIT = "零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_ANY = _CN_DIGIT + "十拾百佰千仟万萬亿億"
# A number token: digits (with a decimal part) and Chinese numerals and units, mixed (1万2千).
NUMBER_TOKEN = rf"(?:[\d{_CN_ANY}][\d.{_CN_ANY}]*)"
# Approximate marks and which side of the stated value they allow: -1 below, 0 both, 1 above.
_APPROX_BEFORE = {
    "约有": 0, "大约": 0, "大概": 0, "约": 0, "差不多": 0, "将近": -1, "接近": -1, "近": -1,
    "不到": -1, "不足": -1, "超过": 1, "逾": 1,
}  # fmt: skip
_APPROX_AFTER = {"有余": 1, "余": 1, "多": 1, "来": 0, "左右": 0, "上下": 0}
_MEASURE_END = lazy(
    r"(?<=[\d"
    + "零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾百佰千仟万萬亿億"
    + r"余多来几])[件个条次场起份项家名人位宗篇期元]$"
)
_ADJACENT = "一二三四五六七八九"
# The measure words a count may carry after its number (longest first when matched). A field
# takes the ones its own unit allows (`count_units`, declared on the model field and in the
# question bank); `DEFAULT_COUNT_UNITS` is the unit of the tables' cells (件, 个, 条).
COUNT_MEASURE_WORDS = (
    "人次", "场次", "件", "个", "条", "次", "场", "期", "项", "家", "名", "人", "位", "篇", "份",
    "起", "宗", "批", "轮",
)  # fmt: skip
DEFAULT_COUNT_UNITS = ("件", "个", "条")


class NumberError(DraftbotError, ValueError):
    """A value that is not an acceptable number; the message is shown to the user."""


@dataclass(frozen=True)
class Reading:
    """A number as read from text.

    `value` is the stated value (for 三四 / 十几 the lower bound; a percentage in percent,
    百分之三十 → 30). `low`/`high` bound what an approximate form may mean (inclusive, or
    exclusive when `open_ends`: 三成 is more than 25% and less than 35%).
    """

    text: str
    value: Decimal
    approximate: bool = False
    percent: bool = False
    low: Decimal | None = None
    high: Decimal | None = None
    open_ends: bool = False

    def admits(self, actual: Decimal) -> bool:
        """Whether `actual` is what this reading may mean (exact: equal; approximate: in range)."""
        if not self.approximate:
            return actual == self.value
        low = self.value if self.low is None else self.low
        high = self.high if self.high is not None else low * 2 + 10
        if self.open_ends:
            return low < actual < high
        return low <= actual <= high


def normalize_text(raw: str) -> str:
    """Full-width digits and punctuation to half-width, thousands commas and blanks removed."""
    return raw.translate(_FULL_WIDTH).replace(",", "").strip()


def parse_chinese_numeral(text: str) -> int:
    """Value of an exact Chinese numeral: 十二, 两百零五, 二百五 (= 250), 一千二 (= 1200),
    两万三 (= 23000), 十万零三, or 二〇二二 / 一九九九 read digit by digit.

    Raises `NumberError` for malformed numerals (三十二十, 两两, 万三) and for two adjacent
    digits such as 三四, which mean “three or four” (read them with `read_number`).
    """
    return int(_numeral_value(text, text))


def _numeral_value(text: str, shown: str) -> Decimal:
    if not text or any(
        ch not in CHINESE_NUMERAL_CHARS and not ch.isdigit() and ch != "." for ch in text
    ):
        raise NumberError(f"“{excerpt(shown)}”不是数字")
    if not any(ch in _UNITS for ch in text):
        return _digit_by_digit(text, shown)
    return _with_units(text, shown)


def _digit_by_digit(text: str, shown: str) -> Decimal:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    if any(ch.isdigit() for ch in text):
        raise NumberError(f"“{excerpt(shown)}”不是规范的数字")
    if len(text) == 1:
        return Decimal(_DIGITS[text])
    if len(text) == 2 and not any(ch in _ZEROS for ch in text):
        if _is_range_pair(text[0], text[1]):
            raise NumberError(f"“{excerpt(shown)}”是约数（{text[0]}到{text[1]}），请填写确切的数字")
        raise NumberError(f"“{excerpt(shown)}”不是规范的中文数字")
    if "两" in text:
        raise NumberError(f"“{excerpt(shown)}”不是规范的中文数字")
    return Decimal("".join(str(_DIGITS[ch]) for ch in text))


def _is_range_pair(first: str, second: str) -> bool:
    a, b = _DIGITS.get(first), _DIGITS.get(second)
    return a is not None and b is not None and a > 0 and b == a + 1


def _tokens(text: str, shown: str) -> list[tuple[str, Decimal]]:
    """("n", value) for a coefficient (一, 3, 3.5), ("u", size) for a unit."""
    out: list[tuple[str, Decimal]] = []
    for m in re.finditer(r"\d+(?:\.\d+)?|.", text):
        piece = m.group(0)
        if piece[0].isdigit():
            out.append(("n", Decimal(piece)))
        elif piece in _DIGITS:
            out.append(("n", Decimal(_DIGITS[piece])) if _DIGITS[piece] else ("z", Decimal(0)))
        elif piece in _UNITS:
            out.append(("u", Decimal(_UNITS[piece])))
        else:
            raise NumberError(f"“{excerpt(shown)}”不是规范的数字")
    return out


def _with_units(text: str, shown: str) -> Decimal:
    bad = NumberError(f"“{excerpt(shown)}”不是规范的中文数字，请核对后重新填写")
    tokens = _tokens(text, shown)
    total, section = Decimal(0), Decimal(0)
    digit: Decimal | None = None
    last_small: Decimal | None = None  # the last small unit in this section
    last_big: Decimal | None = None
    last_unit: Decimal | None = None  # the unit just before a trailing digit (for 二百五)
    zero_seen = False
    for index, (kind, amount) in enumerate(tokens):
        if kind == "z":
            zero_seen, digit = True, None
            continue
        if kind == "n":
            if digit is not None:
                raise bad
            digit = amount
            continue
        if amount < 10_000:  # 十 百 千
            if last_small is not None and amount >= last_small:
                raise bad
            if digit is None and (index > 0 and tokens[index - 1][0] != "z"):
                raise bad  # 百十: no coefficient where one is needed
            section += (Decimal(1) if digit is None else digit) * amount
            last_small, last_unit, digit, zero_seen = amount, amount, None, False
        else:  # 万 亿
            section += digit or 0
            if section == 0 or (last_big is not None and amount >= last_big and amount != 10_000):
                raise bad
            if last_big is not None and amount == last_big:
                raise bad
            if amount > 10_000:
                total = (total + section) * amount
            else:
                total += section * amount
            last_big, last_unit, section, digit, last_small, zero_seen = (
                amount, amount, Decimal(0), None, None, False,
            )  # fmt: skip
    if digit is not None:
        elided = (
            not zero_seen
            and tokens[-2][0] == "u"
            and last_unit is not None
            and last_unit >= 100
            and digit < 10
            and digit == digit.to_integral_value()
        )
        section += digit * (last_unit / 10) if elided and last_unit is not None else digit
    value = total + section
    if value != value.to_integral_value():
        raise bad
    return value


def read_number(raw: str) -> Reading:
    """One number as written, with its approximate or percent marks: 二百五, 1万2千, 3.5万,
    百分之三十, 30%, 三成, 三四, 三四十, 十几, 二十几, 十余, 20余, 约20, 近百, 20件左右.

    A measure word after the number (件, 条 …) is ignored. Raises `NumberError` with a Chinese
    message when the text is not one number.
    """
    text = normalize_text(raw)
    shown = raw.strip()
    side: int | None = None
    for word, where in _APPROX_BEFORE.items():
        if text.startswith(word) and len(text) > len(word):
            text, side = text[len(word) :], where
            break
    for _ in range(2):  # 20件左右 and 20余件
        for word, where in _APPROX_AFTER.items():
            if text.endswith(word) and len(text) > len(word):
                text, side = text[: -len(word)], where if side is None else side
                break
        text = _MEASURE_END.sub("", text)
    if text.startswith("百分之"):
        return _reading(shown, _decimal_numeral(text[3:], shown), side, percent=True)
    if text.endswith("%"):
        return _reading(shown, _decimal_numeral(text[:-1], shown), side, percent=True)
    tenths = re.fullmatch(r"([一二两三四五六七八九])成([一二三四五六七八九])?", text)
    if tenths:
        value = Decimal(
            _DIGITS[tenths.group(1)] * 10 + (_DIGITS[tenths.group(2)] if tenths.group(2) else 0)
        )
        return _tenths_reading(shown, value, side)
    ranged = _range(text)
    if ranged is not None:
        low, high = ranged
        return Reading(shown, low, True, False, low, high)
    return _reading(shown, _decimal_numeral(text, shown), side)


def _tenths_reading(shown: str, value: Decimal, side: int | None) -> Reading:
    """三成 / 约三成 (25%–35%, both ends out: 25% is as near 两成 as 三成), 三成多 / 超过三成 /
    逾三成 (30%–40%), 近三成 / 不到三成 / 不足三成 (20%–30%); in percent."""
    if side is not None and side > 0:
        low, high = value, value + 10
    elif side is not None and side < 0:
        low, high = value - 10, value
    else:
        low, high = value - 5, value + 5
    return Reading(shown, value, True, True, max(low, Decimal(0)), high, open_ends=True)


def _reading(shown: str, value: Decimal, side: int | None, *, percent: bool = False) -> Reading:
    if side is None:
        return Reading(shown, value, percent=percent)
    step = _step(value)
    low = value - step if side <= 0 else value
    high = value + step if side >= 0 else value
    if side > 0 and step > 1 and value == value.to_integral_value():
        low, high = value + 1, value + step - 1  # 二十多 / 二十余: 21–29, never 20 or 30
    return Reading(shown, value, True, percent, max(low, Decimal(0)), high)


def _step(value: Decimal) -> Decimal:
    """10 for 十余 / 20余, 100 for 200余: the span an approximate form covers."""
    whole = int(value)
    if whole < 10:
        return Decimal(1)
    digits = len(str(whole))
    return Decimal(10) ** (digits - 1) if whole % 10 ** (digits - 1) == 0 else Decimal(10)


_RANGE_RE = lazy(
    r"(?P<tens>十)?(?P<a>[一二两三四五六七八九])(?P<b>[一二三四五六七八九])(?P<unit>[十百千万]*)"
)


def _range(text: str) -> tuple[Decimal, Decimal] | None:
    """三四 → (3, 4); 三四十 → (30, 40); 十三四 → (13, 14); 十几 → (11, 19); 二十几 → (21, 29)."""
    if text in {"几", "十几"} or re.fullmatch(r"[一二两三四五六七八九]十几", text):
        tens = Decimal(_DIGITS[text[0]] * 10) if len(text) == 3 else Decimal(10)
        return (tens + 1, tens + 9) if text != "几" else (Decimal(1), Decimal(9))
    m = _RANGE_RE.fullmatch(text)
    if not m or not _is_range_pair(m.group("a"), m.group("b")):
        return None
    scale = Decimal(1)
    for ch in m.group("unit"):
        scale *= _UNITS[ch]
    base = Decimal(10) if m.group("tens") else Decimal(0)
    return (base + _DIGITS[m.group("a")] * scale, base + _DIGITS[m.group("b")] * scale)


def _decimal_numeral(text: str, shown: str) -> Decimal:
    """Digits, Chinese numerals or a mix, with a decimal part in digits or after 点."""
    if not text:
        raise NumberError(f"“{excerpt(shown)}”不是数字")
    if "点" in text:
        whole, _, frac = text.partition("点")
        if not frac or any(ch not in _DIGITS for ch in frac):
            raise NumberError(f"“{excerpt(shown)}”不是规范的数字")
        head = _numeral_value(whole, shown) if whole else Decimal(0)
        return head + Decimal("0." + "".join(str(_DIGITS[ch]) for ch in frac))
    if _range(text) is not None:
        low, high = _range(text)  # type: ignore[misc]
        raise NumberError(f"“{excerpt(shown)}”是约数（{low}到{high}），请填写确切的数字")
    return _numeral_value(text, shown)


def blank_message(raw: object) -> str | None:
    """For an empty or `/` cell, the message asking for 0; None when `raw` is not blank."""
    if raw is None or (isinstance(raw, str) and normalize_text(raw) in BLANK_MARKS):
        shown = "" if raw is None else normalize_text(raw)
        what = "此格为空" if not shown else f"此格为“{excerpt(shown)}”"
        return f"{what}；没有发生的事项请填 0"
    return None


def parse_count(
    raw: object, bounds: Bounds = TYPED_BOUNDS, units: tuple[str, ...] = DEFAULT_COUNT_UNITS
) -> int:
    """A non-negative whole count within `bounds.max_count`, from int or text; text may end in
    one of `units` (the measure words the field takes: 件 for a table cell, 场 or 次 for
    新闻发布会 …).

    Raises `NumberError`: for a blank or `/` cell asking for 0; for a measure word the field
    does not take (3人 for 新闻发布会), naming the expected unit; else saying what was received.
    """
    _refuse_blank_or_bool(raw, "整数")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise NumberError(f"应为不小于 0 的整数，收到“{excerpt(f'{raw:g}')}”")
        value = int(raw)
    elif isinstance(raw, (str, Decimal)):
        value = _count_from_text(str(raw), units)
    else:
        raise NumberError(f"应为不小于 0 的整数，收到“{excerpt(raw)}”")
    return _bounded_count(value, raw, bounds.max_count)


def _refuse_blank_or_bool(raw: object, what: str) -> None:
    """The prologue of `parse_count` / `parse_amount`: a blank or `/` cell, or a yes/no, is
    refused (`NumberError`) with a message saying what a `what` (整数 or 金额) should be."""
    blank = blank_message(raw)
    if blank:
        raise NumberError(blank)
    if isinstance(raw, bool):
        raise NumberError(f"应为不小于 0 的{what}，收到“{excerpt(raw)}”")


def _count_from_text(raw: str, units: tuple[str, ...]) -> int:
    text = _without_unit(normalize_text(raw), raw, units)
    if text in ZERO_WORDS:
        return 0
    if len(text) > _MAX_DIGITS:  # bound the conversion before it runs
        raise NumberError(f"数值过大，收到“{excerpt(raw.strip())}”，请核对是否多输了位数")
    if _INTEGER_RE.fullmatch(text):
        return int(Decimal(text))
    if not text or text[0] in "+-" or not re.fullmatch(NUMBER_TOKEN, text):
        if _looks_numeric(text):
            reading = _try_read(raw)
            if reading is not None:
                raise NumberError(_not_exact_message(reading, raw))
        raise NumberError(f"应为不小于 0 的整数，收到“{excerpt(raw.strip())}”")
    reading = _try_read(text)
    if reading is None:
        value = _numeral_value(text, raw.strip())  # raises with the reason
    elif reading.approximate or reading.percent:
        raise NumberError(_not_exact_message(reading, raw))
    else:
        value = reading.value
    if value != value.to_integral_value():
        raise NumberError(f"应为不小于 0 的整数，收到“{excerpt(raw.strip())}”")
    return int(value)


def _without_unit(text: str, raw: str, units: tuple[str, ...]) -> str:
    """`text` without its trailing measure word when the field takes it; `NumberError` naming
    the expected unit when a number ends in a measure word the field does not take."""
    for word in sorted({*COUNT_MEASURE_WORDS, *units}, key=len, reverse=True):
        head = text.removesuffix(word).strip()
        if head == text or not head:
            continue
        if word in units:
            return head
        if re.search(r"[\d" + _CN_ANY + r"]$", head):
            expected = "”或“".join(units)
            raise NumberError(f"单位应为“{expected}”，收到“{excerpt(raw.strip())}”")
        return text
    return text


def _looks_numeric(text: str) -> bool:
    return bool(re.search(r"[\d" + _CN_ANY + r"]", text)) and bool(
        re.search(r"百分之|%|成$|余|多|来|几|左右|上下|^约|^近|^逾|^大约|^超过", text)
    )


def _try_read(text: str) -> Reading | None:
    try:
        return read_number(text)
    except NumberError:
        return None


def _not_exact_message(reading: Reading, raw: str) -> str:
    shown = raw.strip()
    if reading.percent:
        return f"“{excerpt(shown)}”是比例，表中要填具体的数字，请换算后填写"
    return f"“{excerpt(shown)}”是约数，表中要填确切的数字，请核对台账后填写准确数字"


def _bounded_count(value: int, raw: object, limit: int) -> int:
    shown = str(raw).strip()
    if value < 0:
        raise NumberError(f"应为不小于 0 的整数，收到“{excerpt(shown)}”")
    if value > limit:
        raise NumberError(f"数值过大（上限 {limit}），收到“{excerpt(shown)}”，请核对是否多输了位数")
    return value


def parse_amount(raw: object, bounds: Bounds = TYPED_BOUNDS) -> Decimal:
    """A non-negative amount with at most `bounds.amount_decimals` decimals (unit as the field says).

    Raises `NumberError`: for a blank or `/` cell asking for 0, else saying what was received.
    """
    _refuse_blank_or_bool(raw, "金额")
    text = normalize_text(str(raw))
    if text in ZERO_WORDS:
        return Decimal(0)
    if len(text) > _MAX_DIGITS:
        raise NumberError(f"金额过大，收到“{excerpt(raw)}”，请核对单位是否为万元")
    if not _AMOUNT_RE.fullmatch(text):
        if text and all(ch in CHINESE_NUMERAL_CHARS for ch in text):
            return _bounded_amount(Decimal(parse_chinese_numeral(text)), raw, bounds)
        raise NumberError(
            f"应为不小于 0 的金额（数字，最多 {bounds.amount_decimals} 位小数），收到“{excerpt(raw)}”"
        )
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid decimals
        raise NumberError(f"应为不小于 0 的金额，收到“{excerpt(raw)}”") from exc
    return _bounded_amount(value, raw, bounds)


def _bounded_amount(value: Decimal, raw: object, bounds: Bounds) -> Decimal:
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > bounds.amount_decimals:
        raise NumberError(f"金额最多保留 {bounds.amount_decimals} 位小数，收到“{excerpt(raw)}”")
    if value > bounds.max_amount:
        raise NumberError(
            f"金额过大（上限 {bounds.max_amount}），收到“{excerpt(raw)}”，请核对单位是否为万元"
        )
    return value


def format_amount(value: Decimal) -> str:
    """An amount without trailing zeros or exponent: 1.50 → 1.5, 0.0000 → 0."""
    text = format(value.normalize(), "f")
    return "0" if text in {"0", "-0"} else text


def share_words(part: int, whole: int) -> str:
    """A share in words without figures: 全部, 绝大多数, 多数, 过半, 半数, 近半, 少数 ("" for 0).

    The one home of these thresholds: the offline drafter writes them and the claims check
    (`claims.share_word_claims`, by `share_word_holds`) reads them back."""
    if not whole or not part:
        return ""
    if part == whole:
        return "全部"
    # in whole numbers, so that a share a hair over half (10001 of 20000) is 过半, not 近半
    for tenths, words in ((9, "绝大多数"), (6, "多数")):
        if part * 10 >= whole * tenths:
            return words
    if part * 2 > whole:
        return "过半"
    if part * 2 == whole:
        return "半数"
    return "近半" if part * 10 >= whole * 4 else "少数"


# Fewest items a share word other than 全部 is written for: 「多数申请予以公开」 on 3 of 5 applications
# (or 「少数」 on 2) says less than the count beside it and reads as padding, so the prose
# states such a share by its figures only.
SHARE_WORDS_MIN = 10


def prose_share_words(part: int, whole: int) -> str:
    """`share_words` as the prose may use them: 全部 for any whole of two or more, the other
    words only on a whole of at least `SHARE_WORDS_MIN` ("" otherwise; 均/全部 on one item
    is not said either)."""
    words = share_words(part, whole)
    if words == "全部":
        return words if whole > 1 else ""
    return words if whole >= SHARE_WORDS_MIN else ""


_TENTHS_WORDS = ("", "一", "两", "三", "四", "五", "六", "七", "八", "九")


def share_tenths(part: int, whole: int) -> str:
    """A share of at least a fifth in tenths, as the prose writes it after 占办结总数的: 三成
    when exact; 三成多 when exactly half-way (25% is 两成多: as near 两成 as 三成, so neither);
    约三成 when nearer 三成 than any other tenth; "" for a smaller share, nearer 十成 than 九成,
    or no whole. `read_number` reads each back to a range that holds the share (the claims
    check reads 成 as a percentage of the whole the sentence names)."""
    if not whole or part * 5 < whole:
        return ""
    twentieths, rest = divmod(part * 20, whole)
    if rest == 0 and twentieths % 2 == 0:
        return _TENTHS_WORDS[twentieths // 2] + "成" if twentieths < 20 else ""
    if rest == 0:  # half-way between two tenths
        return _TENTHS_WORDS[twentieths // 2] + "成多"
    nearest = (twentieths + 1) // 2  # not half-way: rounding either way gives the same tenth
    return "约" + _TENTHS_WORDS[nearest] + "成" if nearest < 10 else ""


# A share word as prose states it (normalised: 大部分 → 大多数 …, see `claims`) → the
# `share_words` results that bear it out. 公开比例很高/较高/较低 are the words the offline drafter
# writes for 绝大多数/多数/少数 (prompts/offline/overview_on_request.j2).
SHARE_WORD_ACCEPTS: dict[str, frozenset[str]] = {
    "全部": frozenset(["全部"]),
    "绝大多数": frozenset(["全部", "绝大多数"]),
    "大多数": frozenset(["全部", "绝大多数", "多数"]),
    "多数": frozenset(["全部", "绝大多数", "多数"]),
    "过半": frozenset(["全部", "绝大多数", "多数", "过半"]),
    "半数以上": frozenset(["全部", "绝大多数", "多数", "过半", "半数"]),
    "半数": frozenset(["半数"]),
    "近半": frozenset(["近半"]),
    "少数": frozenset(["近半", "少数"]),
    "很高": frozenset(["全部", "绝大多数"]),
    "较高": frozenset(["全部", "绝大多数", "多数"]),
    "较低": frozenset(["少数", ""]),
}
# 很少 / 少量 / 极少: at most a tenth (the complement of 绝大多数), none included.
FEW_AT_MOST = Decimal("0.1")


def share_word_holds(word: str, part: int, whole: int) -> bool:
    """Whether `part` of `whole` bears out a share stated as `word`: a key of
    `SHARE_WORD_ACCEPTS`, 没有 (no part) or 很少 (at most `FEW_AT_MOST` of the whole).
    A whole of 0 holds every word (nothing to contradict). Raises KeyError for another word."""
    if not whole:
        return True
    if word == "没有":
        return part == 0
    if word == "很少":
        return Decimal(part) <= FEW_AT_MOST * whole
    return share_words(part, whole) in SHARE_WORD_ACCEPTS[word]
