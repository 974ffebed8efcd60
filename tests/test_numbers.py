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
