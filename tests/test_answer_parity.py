"""The same answer gives the same result wherever a clerk types it.

Each input runs through the three entry points: the terminal interview
(`questions.apply_answer`), the web (the autosave of a table/facts cell or the guided steps,
through the TestClient) and the sentence parser (`freetext.propose_cells`, then what
confirming the proposal stores). All three must store the same value, or refuse with the same
kind of Chinese message; the table also says which result is the correct one.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from draftbot import questions as qs
from draftbot.datafile import problems_from_validation
from draftbot.freetext import propose_cells
from draftbot.model import APPLICANT_COLUMNS, Report
from draftbot.store import Store
from web_helpers import answer_guide, create_report, edit, make_client

# The message a front-end shows when a sentence gives no number (interview.py, guide.html).
NO_NUMBER = "没有识别出可以填入表格的确切数字"
# Kinds of refusal, told apart by the words of the Chinese message.
KINDS = (
    ("单位应为", "unit"),
    ("约数", "approximate"),
    ("比例", "fraction"),
    ("不是规范", "malformed"),
    ("过大", "too_large"),
    ("不小于 0", "not_a_number"),
    ("小数", "decimals"),
    ("没有识别出", "not_a_number"),
    ("没有写明件数", "not_a_number"),
    ("按类型写明", "unclassified"),
    ("未说明分类", "unclassified"),
    ("无法识别", "unclassified"),
    ("未能确定", "unclassified"),
)


def kind_of(message: str) -> str:
    for words, kind in KINDS:
        if words in message:
            return kind
    raise AssertionError(f"a refusal of no known kind: {message}")


ROW = "table3.new_received"
ZERO_ROW = dict.fromkeys(APPLICANT_COLUMNS, 0)


def row(**values: int) -> dict[str, int]:
    return {**ZERO_ROW, **values}


# (field, typed answer, expected value or refusal kind)
CASES: list[tuple[str, str, Any]] = [
    # counts: 表二 行政处罚 (a count question; a gate's sentence in the guided steps)
    ("count", "3", 3),
    ("count", "３", 3),
    ("count", "12件", 12),
    ("count", "1,200", 1200),
    ("count", "１２００", 1200),
    ("count", "三", 3),
    ("count", "十二", 12),
    ("count", "二百五", 250),
    ("count", "两千零五", 2005),
    ("count", "1万2千", 12000),
    ("count", "无", 0),
    ("count", "没有", 0),
    ("count", "0", 0),
    ("count", "三四件", "approximate"),
    ("count", "十余件", "approximate"),
    ("count", "约20件", "approximate"),
    ("count", "20件左右", "approximate"),
    ("count", "三分之一", "fraction"),
    ("count", "30%", "fraction"),
    ("count", "三十二十", "malformed"),
    ("count", "很多", "not_a_number"),
    ("count", "2024年", "not_a_number"),
    ("count", "1月20日", "not_a_number"),
    ("count", "-3", "not_a_number"),
    ("count", "2000000", "too_large"),
    # amounts: 表二 行政事业性收费（万元）
    ("amount", "12.5", Decimal("12.5")),
    ("amount", "１２.５", Decimal("12.5")),
    ("amount", "12.5万元", Decimal("12.5")),
    ("amount", "12.5万", Decimal("12.5")),
    ("amount", "35000元", Decimal("3.5")),
    ("amount", "无", Decimal(0)),
    ("amount", "约10万元", "approximate"),
    ("amount", "0.00001", "decimals"),
    ("amount", "很多", "not_a_number"),
    # a row of 表三 by applicant kinds: 新收政府信息公开申请数量
    ("row", "自然人 3，商业企业 1", row(natural_person=3, commercial=1)),
    ("row", "村民 3，企业 1", row(natural_person=3, commercial=1)),
    ("row", "个人3件、律师2件", row(natural_person=3, legal_service=2)),
    ("row", "个人三件，公司一件", row(natural_person=3, commercial=1)),
    ("row", "群众5件，其他组织1件", row(natural_person=5, other=1)),
    ("row", "市民２件", row(natural_person=2)),
    ("row", "法律服务机构1件，科研机构2件", row(legal_service=1, research=2)),
    ("row", "无", ZERO_ROW),
    ("row", "个人十余件", "approximate"),
    ("row", "个人三四件", "approximate"),
    ("row", "企业约5件", "approximate"),
    ("row", "个人占一半", "fraction"),
    ("row", "3", "unclassified"),
    ("row", "外国人3件", "unclassified"),
    ("row", "个人很多", "not_a_number"),
]

# field → (interview question, data path, a gate whose sentence covers it, sentence prefix)
FIELDS = {
    "count": ("t2_penalty", "table2.penalty", "t2_enforcement", "行政处罚："),
    "amount": ("t2_fees", "table2.fees_wan_yuan", None, "行政事业性收费："),
    "row": ("t3_new_received", ROW, "t3_gate", "新收申请："),
}


@pytest.fixture(scope="module")
def bank() -> qs.QuestionBank:
    return qs.load_bank()


@pytest.fixture(scope="module")
def report() -> Report:
    return qs.create_report("某某县档案馆", "2023")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    with make_client(tmp_path_factory.mktemp("parity")) as client:
        yield client, create_report(client, "某某县档案馆", "2023")


def _value(report: Report, path: str) -> Any:
    value = qs.get_value(report, path)
    if path == ROW:
        return {c: getattr(value, c) for c in APPLICANT_COLUMNS}
    return value


def through_interview(bank: qs.QuestionBank, report: Report, field: str, text: str) -> Any:
    question, path, _, _ = FIELDS[field]
    try:
        return _value(qs.apply_answer(bank, report, question, text), path)
    except qs.AnswerError as exc:
        return kind_of(str(exc))


def through_web(web: tuple[Any, str], field: str, text: str) -> Any:
    client, report_id = web
    question, path, _, _ = FIELDS[field]
    if field == "row":  # typed in the guided steps' form
        response = answer_guide(client, report_id, question, text)
        if response.status_code == 422:
            problem = response.text.split('class="problem"', 1)[1].split("</", 1)[0]
            return kind_of(problem)
        assert response.status_code in (200, 303), response.text
    else:  # typed in the table or facts page (autosave)
        response = edit(client, report_id, {path: text})
        if response.status_code == 422:
            return kind_of(response.json()["problems"][0]["message"])
        assert response.status_code == 200, response.text
    stored = Store.in_folder(client.app.state.config.data_dir).get(report_id).report
    return _value(stored, path)


def through_sentence(bank: qs.QuestionBank, report: Report, field: str, text: str) -> Any:
    _, path, gate, prefix = FIELDS[field]
    scope = bank.get(gate).fills if gate else [path]
    proposal = propose_cells(prefix + text, scope, report.format_version)
    if proposal.unplaced:
        return kind_of(proposal.unplaced[0].reason)
    if any(p.endswith(".total") for p in proposal.values):
        return kind_of(proposal.notes[0])
    if proposal.empty:
        return kind_of(NO_NUMBER)
    try:  # what confirming the proposal stores
        if gate:
            confirmed = qs.apply_values(bank, report, gate, proposal.values)
        else:
            data = report.model_dump()
            data["table2"][path.split(".")[1]] = proposal.values[path]
            confirmed = Report.model_validate(data)
    except qs.AnswerError as exc:
        return kind_of(str(exc))
    except ValidationError as exc:
        return kind_of(problems_from_validation(exc)[0].message)
    return _value(confirmed, path)


def test_the_table_has_at_least_forty_inputs() -> None:
    assert len(CASES) >= 40
    assert len({(field, text) for field, text, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("field", "text", "expected"), CASES)
def test_same_answer_same_result_in_interview_web_and_sentence(
    bank: qs.QuestionBank,
    report: Report,
    web: tuple[Any, str],
    field: str,
    text: str,
    expected: Any,
) -> None:
    results = {
        "interview": through_interview(bank, report, field, text),
        "web": through_web(web, field, text),
        "sentence": through_sentence(bank, report, field, text),
    }
    assert results == dict.fromkeys(results, expected), (text, results)


# Answers the sentence parser never reads (it fills table cells only): a category line, a
# date, 是/否 at a gate. The interview and the web must still agree.
OTHER_CASES: list[tuple[str, str, Any]] = [
    ("categories", "政策解读3", [("政策解读", 3)]),
    ("categories", "政策解读：3\n通知公告 12", [("政策解读", 3), ("通知公告", 12)]),
    ("categories", "1. 政策解读 十二条；2. 人事信息 5", [("政策解读", 12), ("人事信息", 5)]),
    ("categories", "政策解读约3条", "approximate"),
    ("categories", "政策解读很多", "format"),
    ("date", "2024-01-20", "2024-01-20"),
    ("date", "2024年1月20日", "2024-01-20"),
    ("date", "２０２４.1.20", "2024-01-20"),
    ("date", "2024年2月30日", "format"),
    ("gate", "是", "yes"),
    ("gate", "有的", "yes"),
    ("gate", "否", "no"),
    ("gate", "没有", "no"),
    ("gate", "暂无", "no"),
]
OTHER_FIELDS = {
    "categories": ("proactive_categories", "facts.proactive_categories"),
    "date": ("publish_date", "meta.publish_date"),
    "gate": ("t2_enforcement", ""),
}


def _other_value(report: Report, field: str) -> Any:
    if field == "categories":
        return [(c.name, c.count) for c in report.facts.proactive_categories]
    if field == "date":
        return report.meta.publish_date.isoformat() if report.meta.publish_date else None
    return report.interview.gates.get("t2_enforcement")


def _other_kind(message: str) -> str:
    if "约数" in message:
        return "approximate"
    assert "应写成" in message or "应为日期" in message, message
    return "format"


@pytest.mark.parametrize(("field", "text", "expected"), OTHER_CASES)
def test_same_answer_same_result_in_interview_and_web(
    bank: qs.QuestionBank,
    report: Report,
    web: tuple[Any, str],
    field: str,
    text: str,
    expected: Any,
) -> None:
    question, path = OTHER_FIELDS[field]
    asked = qs.apply_answer(bank, report, "proactive_total", "20")
    assert not qs.is_sentence_answer(bank.get(question), text)
    try:
        interview = _other_value(qs.apply_answer(bank, asked, question, text), field)
    except qs.AnswerError as exc:
        interview = _other_kind(str(exc))
    client, report_id = web
    assert edit(client, report_id, {"facts.proactive_total": "20"}).status_code == 200
    if field == "gate":  # 是/否 is asked in the guided steps
        response = answer_guide(client, report_id, question, text)
        assert response.status_code in (200, 303), response.text
    else:
        response = edit(client, report_id, {path: text})
    if response.status_code == 422:
        web_result = _other_kind(response.json()["problems"][0]["message"])
    else:
        stored = Store.in_folder(client.app.state.config.data_dir).get(report_id).report
        web_result = _other_value(stored, field)
    assert {"interview": interview, "web": web_result} == {"interview": expected, "web": expected}


# A count typed with its unit: each field takes the measure words of its own unit (declared on
# the model field, asked in the question) and refuses another, naming the expected unit.
# (interview question, data path, typed answer, expected value or "unit", the unit named)
UNIT_CASES: list[tuple[str, str, str, Any, str]] = [
    ("press_conferences", "facts.press_conferences", "两场", 2, ""),
    ("press_conferences", "facts.press_conferences", "2次", 2, ""),
    ("press_conferences", "facts.press_conferences", "两次", 2, ""),
    ("press_conferences", "facts.press_conferences", "3人", "unit", "场"),
    ("training_sessions", "facts.training_sessions", "3次", 3, ""),
    ("training_sessions", "facts.training_sessions", "2期", 2, ""),
    ("training_sessions", "facts.training_sessions", "40人次", "unit", "次"),
    ("trained_people", "facts.practices.trained_people", "120人次", 120, ""),
    ("trained_people", "facts.practices.trained_people", "85人", 85, ""),
    ("trained_people", "facts.practices.trained_people", "3场", "unit", "人次"),
    ("new_media_accounts", "facts.practices.new_media_accounts", "4个", 4, ""),
    ("new_media_accounts", "facts.practices.new_media_accounts", "4次", "unit", "个"),
    ("gazette_issues", "facts.area.gazette_issues", "12期", 12, ""),
    ("gazette_issues", "facts.area.gazette_issues", "12件", "unit", "期"),
    ("t2_penalty", "table2.penalty", "12件", 12, ""),
    ("t2_penalty", "table2.penalty", "两场", "unit", "件"),
]


def _unit_result(message: str, named: str) -> str:
    assert f"“{named}”" in message, message
    return kind_of(message)


@pytest.mark.parametrize(("question", "path", "text", "expected", "named"), UNIT_CASES)
def test_a_count_with_its_unit_same_in_interview_web_and_data_file(
    bank: qs.QuestionBank,
    report: Report,
    web: tuple[Any, str],
    question: str,
    path: str,
    text: str,
    expected: Any,
    named: str,
) -> None:
    try:
        interview = qs.get_value(qs.apply_answer(bank, report, question, text), path)
    except qs.AnswerError as exc:
        interview = _unit_result(str(exc), named)
    client, report_id = web
    response = edit(client, report_id, {path: text})
    if response.status_code == 422:
        web_result = _unit_result(response.json()["problems"][0]["message"], named)
    else:
        assert response.status_code == 200, response.text
        stored = Store.in_folder(client.app.state.config.data_dir).get(report_id).report
        web_result = qs.get_value(stored, path)
    data = report.model_dump(mode="json")
    head, _, leaf = path.rpartition(".")
    qs.get_value(data, head)[leaf] = text
    try:
        in_file = qs.get_value(Report.model_validate(data), path)
    except ValidationError as exc:
        in_file = _unit_result(problems_from_validation(exc)[0].message, named)
    results = {"interview": interview, "web": web_result, "data file": in_file}
    assert results == dict.fromkeys(results, expected), (text, results)


def test_every_count_question_asks_in_a_unit_its_field_takes(bank: qs.QuestionBank) -> None:
    for question in bank.questions:
        if question.kind == "count":
            assert question.unit in qs.count_units(question.fills[0]), question.id
