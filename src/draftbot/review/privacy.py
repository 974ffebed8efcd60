"""P-08: personal data in the prose: ID card numbers, mobile numbers, personal e-mail
addresses (errors or warnings) and personal names next to 申请人 (warning)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding, Severity
from ..model import Report
from ..patterns import lazy
from ._text import Sentence, quote, report_sentences

CODE = "P-08"
_ID_RE = lazy(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_RE = lazy(r"(?<![\d-])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d-])")
_EMAIL_RE = lazy(r"[A-Za-z0-9._%+-]+@(?P<domain>[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
PERSONAL_MAIL_DOMAINS = frozenset(
    {"qq.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "139.com"}
    | {"gmail.com", "hotmail.com", "outlook.com", "foxmail.com", "aliyun.com", "icloud.com"}
)
# Common single-character surnames; a name is a surname and one or two more characters.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅邹孟熊秦邱尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵钱严覃武戴莫孔汤"
)
_NAME_RE = lazy(
    rf"申请人[：:\s]*(?P<name>[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}?)"
    r"(?=[，,。；;、（(\s]|(?:先生|女士|同志)|于|向|申请|提出|对|的|来|通过|$)"
)
_ANONYMISED = ("某", "×", "*", "＊")
# Ordinary words that start with a surname character (申请人陆续提出, 申请人范围广).
_NOT_NAMES = frozenset(
    {"陆续", "范围", "程序", "金额", "严格", "任何", "任意", "付费", "周期", "许可", "曾经"}
    | {"高度", "石油", "钱款", "段落", "龙头", "孔子", "苏醒", "黄金", "杜绝", "汤料"}
)
_MAY_HOLD_PERSONAL_DATA = lazy(r"\d{11}|\d{3}[- ]\d{4}|@|申请人")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_privacy(report: Report) -> Iterator[Finding]:
    for sentence in report_sentences(report):
        if not _MAY_HOLD_PERSONAL_DATA.search(sentence.text):
            continue
        yield from _id_numbers(sentence)
        yield from _mobiles(sentence)
        yield from _emails(sentence)
        yield from _names(sentence)


def is_id_number(text: str) -> bool:
    """An 18-character resident ID number with a valid birth date part and check digit."""
    if not _ID_RE.fullmatch(text):
        return False
    year, month, day = int(text[6:10]), int(text[10:12]), int(text[12:14])
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == text[17].upper()


def _finding(sentence: Sentence, severity: Severity, what: str, found: str, hint: str) -> Finding:
    return Finding(
        CODE,
        severity,
        f"{quote(sentence.text, found)}中有{what}“{found}”",
        hint,
        section=sentence.section,
    )


_REMOVE = "年度报告公开发布，不得包含个人信息：请删去，或写成“申请人王某”这类不可识别的形式"


def _id_numbers(sentence: Sentence) -> Iterator[Finding]:
    for match in _ID_RE.finditer(sentence.text):
        if is_id_number(match.group(0)):
            yield _finding(sentence, "error", "身份证号码", match.group(0), _REMOVE)


def _mobiles(sentence: Sentence) -> Iterator[Finding]:
    for match in _MOBILE_RE.finditer(sentence.text):
        yield _finding(sentence, "error", "手机号码", match.group(0), _REMOVE)


# An address given as the office's contact (联系邮箱：…, 来信请发送至…) is not personal data,
# even on a public mail provider, unless the sentence is about an applicant.
_OFFICE_MAIL_CUE = lazy(
    r"(?:联系|咨询|电子|公开|专用|办公|受理)?(?:邮箱|信箱|电子邮件|E-?mail|来信|发送至|联系方式)",
    re.I,
)


def _emails(sentence: Sentence) -> Iterator[Finding]:
    for match in _EMAIL_RE.finditer(sentence.text):
        before = sentence.text[max(0, match.start() - 15) : match.start()]
        if _OFFICE_MAIL_CUE.search(before) and "申请人" not in sentence.text:
            continue
        if match.group("domain").lower() in PERSONAL_MAIL_DOMAINS:
            yield _finding(
                sentence,
                "warning",
                "个人邮箱地址",
                match.group(0),
                "如是申请人或工作人员的个人邮箱，请删去；机关对外公开的邮箱请写在联系方式中",
            )


def _names(sentence: Sentence) -> Iterator[Finding]:
    for match in _NAME_RE.finditer(sentence.text):
        name = match.group("name")
        if any(mark in name for mark in _ANONYMISED) or name[:2] in _NOT_NAMES:
            continue
        yield _finding(sentence, "warning", "申请人的姓名", name, _REMOVE)
