from decimal import Decimal

import pytest

from draftbot.numbers import (
    NumberError,
    format_amount,
    parse_amount,
    parse_chinese_numeral,
    parse_count,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3", 3),
        (" 3 ", 3),
        ("３", 3),
        ("3.0", 3),
        ("１２", 12),
        ("三", 3),
        ("十二", 12),
        ("两百零五", 205),
        ("三百二十", 320),
        ("两千零五", 2005),
        ("十万零三", 100003),
        ("一千零一", 1001),
        ("二十", 20),
        ("无", 0),
        ("没有", 0),
        ("零", 0),
        ("5件", 5),
        ("1,234", 1234),
        (7, 7),
        (7.0, 7),
    ],
)
def test_accepted_counts_are_normalised(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "应为不小于 0 的整数，收到“-1”"),
        ("abc", "应为不小于 0 的整数，收到“abc”"),
        ("3.5", "应为不小于 0 的整数，收到“3.5”"),
        ("1e9", "应为不小于 0 的整数，收到“1e9”"),
        (-3, "应为不小于 0 的整数，收到“-3”"),
        (2.5, "应为不小于 0 的整数，收到“2.5”"),
        (True, "应为不小于 0 的整数，收到“True”"),
        ("2000000", "数值过大（上限 1000000），收到“2000000”，请核对是否多输了位数"),
    ],
)
def test_rejected_counts_say_why(raw, message):
    with pytest.raises(NumberError) as info:
        parse_count(raw)
    assert str(info.value) == message


def test_chinese_numerals_digit_by_digit_and_units():
    assert parse_chinese_numeral("二〇二二") == 2022
    assert parse_chinese_numeral("一亿二千万") == 120_000_000
    with pytest.raises(NumberError):
        parse_chinese_numeral("两两")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12.5", Decimal("12.5")), ("0", Decimal(0)), ("１.２５", Decimal("1.25")), (3, Decimal(3))],
)
def test_amounts(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("-1", "应为不小于 0 的金额"),
        ("1.23456", "最多保留 4 位小数"),
        ("NaN", "应为不小于 0 的金额"),
        ("inf", "应为不小于 0 的金额"),
        ("1e3", "应为不小于 0 的金额"),
        ("99999999", "金额过大"),
    ],
)
def test_bad_amounts(raw, fragment):
    with pytest.raises(NumberError) as info:
        parse_amount(raw)
    assert fragment in str(info.value)


def test_format_amount_drops_trailing_zeros():
    assert format_amount(Decimal("12.500")) == "12.5"
    assert format_amount(Decimal("0.0000")) == "0"
    assert format_amount(Decimal("3")) == "3"


# --- issue 11: one reader for numbers in Chinese text -----------------------------------

from draftbot.numbers import read_number  # noqa: E402


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("二百五", 250),
        ("一千二", 1200),
        ("两万三", 23000),
        ("三万五千二", 35200),
        ("九十万零二", 900_002),
        ("二百零五", 205),
        ("一百一十", 110),
        ("1万2千", 12000),
        ("1万2", 12000),
        ("3.5万", 35000),
        ("１,２００", 1200),
        ("二〇二三", 2023),
        ("一九九九", 1999),
        ("〇", 0),
    ],
)
def test_elided_units_and_mixed_forms_are_exact(raw, expected):
    reading = read_number(raw)
    assert reading.value == expected
    assert not reading.approximate and not reading.percent
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "low", "high"),
    [
        ("三四", 3, 4),
        ("两三", 2, 3),
        ("三四十", 30, 40),
        ("十三四", 13, 14),
        ("十几", 11, 19),
        ("二十几", 21, 29),
        ("十余", 11, 19),
        ("20余件", 21, 29),
        ("200多", 201, 299),
        ("约20", 10, 30),
        ("近百", 0, 100),
        ("逾千", 1001, 1999),
        ("20件左右", 10, 30),
    ],
)
def test_approximate_forms_are_marked_and_never_exact(raw, low, high):
    reading = read_number(raw)
    assert reading.approximate
    assert (reading.low, reading.high) == (low, high)
    assert reading.admits(Decimal(low)) and reading.admits(Decimal(high))
    assert not reading.admits(Decimal(high + 1))
    with pytest.raises(NumberError) as info:
        parse_count(raw)
    assert "约数" in str(info.value)


@pytest.mark.parametrize(
    ("raw", "outside", "inside"),
    [
        ("二十多", (20, 30), (21, 29)),
        ("二十余", (20, 30), (21, 29)),
        ("20多件", (20, 30), (21, 25)),
        ("一百多", (100, 200), (101, 199)),
        ("三千余", (3000, 4000), (3001, 3999)),
    ],
)
def test_more_than_a_round_number_excludes_both_round_numbers(raw, outside, inside):
    reading = read_number(raw)
    assert all(not reading.admits(Decimal(v)) for v in outside)
    assert all(reading.admits(Decimal(v)) for v in inside)


def test_near_a_round_number_keeps_its_bounds():
    reading = read_number("近三十")
    assert reading.admits(Decimal(30)) and reading.admits(Decimal(20))
    assert not reading.admits(Decimal(31))


@pytest.mark.parametrize(
    ("raw", "value", "approximate"),
    [("百分之三十", 30, False), ("百分之三十五点五", Decimal("35.5"), False), ("30%", 30, False),
     ("３０％", 30, False), ("三成", 30, True), ("约30%", 30, True)],
)  # fmt: skip
def test_percentages(raw, value, approximate):
    reading = read_number(raw)
    assert reading.percent and reading.value == value and reading.approximate is approximate
    with pytest.raises(NumberError) as info:
        parse_count(raw)
    assert "比例" in str(info.value)


@pytest.mark.parametrize("raw", ["三十二十", "两两", "万三", "百十", "一万二万", "五五"])
def test_malformed_numerals_are_refused_with_a_message(raw):
    with pytest.raises(NumberError) as info:
        read_number(raw)
    assert f"“{raw}”" in str(info.value)
    with pytest.raises(NumberError) as info:
        parse_count(raw)
    assert raw in str(info.value)


def test_a_range_is_not_read_digit_by_digit():
    with pytest.raises(NumberError) as info:
        parse_chinese_numeral("三四")
    assert str(info.value) == "“三四”是约数（三到四），请填写确切的数字"
