"""Basic information printed in the preamble gets the checks prose gets (M-01 … M-03), from
a data file, from a typed answer, and in the web page's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from draftbot import questions as qs
from draftbot.checks import check_report
from draftbot.datafile import load_report
from draftbot.export import ExportBlocked
from draftbot.findings import has_errors
from draftbot.model import Report
from draftbot.word import build_docx
from written import publishable

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _busy() -> Report:
    return load_report(EXAMPLES / "busy-2023.yaml")


def _meta_findings(report: Report) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity, f.location) for f in check_report(report) if f.code[:2] == "M-"]


@pytest.mark.parametrize(
    ("field", "value", "label", "shown"),
    [
        ("contact", "安吉县新安东路XXX号，电话：0572-6488XXXX", "联系方式", "XXX"),
        ("contact", "县局办公室，电话：0572-××××××××", "联系方式", "××××××××"),
        ("website", "【网址】", "电子版下载网址", "【网址】"),
        ("agency", "XX县自然资源和规划局", "机关全称", "XX"),
        ("region", "浙江省湖州市＿＿县", "所在行政区划", "＿＿"),
    ],
)
def test_placeholders_in_basic_information_are_errors(
    field: str, value: str, label: str, shown: str
) -> None:
    report = _busy()
    setattr(report.meta, field, value)
    findings = [f for f in check_report(report) if f.code == "M-01"]
    assert [(f.severity, f.location) for f in findings] == [("error", f"基本信息 · {label}")]
    assert f"占位内容“{shown}”" in findings[0].message and value in findings[0].message
    with pytest.raises(ExportBlocked) as info:
        build_docx(publishable(report))
    assert any(f.code == "M-01" for f in info.value.findings)


@pytest.mark.parametrize("value", ["无", "暂无", " 无。", "/", "None"])
def test_nothing_as_a_web_address_is_an_error_not_printed(value: str) -> None:
    report = _busy()
    report.meta.website = value
    assert _meta_findings(report) == [("M-02", "error", "基本信息 · 电子版下载网址")]
    assert has_errors(check_report(report))


def test_implausible_values_are_warnings_and_good_ones_pass() -> None:
    report = _busy()
    assert _meta_findings(report) == []  # a site name with 专栏, a phone number
    report.meta.website = "http://www.anji.gov.cn/col/col1229213000/index.html"
    report.meta.contact = "zgj@anji.gov.cn"
    assert _meta_findings(report) == []
    report.meta.website = "见附件"
    report.meta.contact = "局办公室"
    assert _meta_findings(report) == [
        ("M-03", "warning", "基本信息 · 电子版下载网址"),
        ("M-03", "warning", "基本信息 · 联系方式"),
    ]


@pytest.fixture(scope="module")
def bank() -> qs.QuestionBank:
    return qs.load_bank()


@pytest.mark.parametrize(
    ("question", "typed", "expected"),
    [
        ("website", "无", ["电子版下载网址：填写为“无”", "可以先留空"]),
        (
            "contact",
            "办公室，电话 0572-50XXXXX",
            ["联系方式：“办公室，电话 0572-50XXXXX”中有未填写的占位内容“XXXXX”", "占位符"],
        ),
    ],
)
def test_a_typed_answer_with_a_placeholder_or_nothing_is_refused(
    bank: qs.QuestionBank, question: str, typed: str, expected: list[str]
) -> None:
    report = qs.create_report("安吉县自然资源和规划局", "2023")
    with pytest.raises(qs.AnswerError) as err:
        qs.apply_answer(bank, report, question, typed)
    assert str(err.value).startswith("基本信息 · ")
    assert all(part in str(err.value) for part in expected)
    skipped = qs.apply_answer(bank, report, question, "")  # skipping still works
    assert getattr(skipped.meta, question) == ""
