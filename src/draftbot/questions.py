"""The guided-question engine, shared by the terminal interview and the web app.

The question bank (`schemas/questions.yaml`, validated on load) lives in `question_bank`, and
the kind of answer a field takes in `paths.field_kind`; both are re-exported here for the
front-ends. This module walks the bank: gating, the next question, progress, applying an
answer, correction questions for findings. Everything here is UI-agnostic: a front-end asks `next_question`, shows `progress`, passes the user's text to
`apply_answer` (which returns the updated report or raises `AnswerError` with a Chinese
message naming the field), and saves the report. Which questions were answered, and how each
gate was answered, is stored in the report itself (`Report.interview`), so an interview
resumes wherever it stopped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from . import checks
from .answers import (
    APPLICANT_WORDS,
    CASE_WORDS,
    Vocabulary,
    agency_level_of,
    amount_conversion_note,
    parse_amount_answer,
    parse_category_line,
    parse_choice,
    parse_count_answer,
    parse_date,
    parse_labelled_row,
    split_lines,
)
from .answers import AnswerError as AnswerError  # re-exported: front-ends catch qs.AnswerError
from .answers import parse_yes_no as parse_yes_no  # re-exported for the front-ends
from .datafile import problems_from_validation
from .findings import Finding, in_table
from .formats import FormatVersion
from .model import (
    APPLICANT_COLUMNS,
    CASE_COLUMNS,
    InterviewProgress,
    PreviousProblem,
    Report,
    result_rows,
)
from .numbers import NumberError, parse_count
from .paths import amount_unit as amount_unit  # re-exported: the kind of answer a field takes
from .paths import blank as _blank
from .paths import count_units as count_units
from .paths import field_at as _field_at
from .paths import field_kind as field_kind
from .paths import is_list as _is_list
from .paths import label as cell_label
from .paths import label_parts, leaf_paths, within
from .paths import model_class as _model_class
from .paths import read as get_value
from .paths import set_value as _set_value
from .question_bank import BankError as BankError  # re-exported: the bank, for the front-ends
from .question_bank import FreetextSettings as FreetextSettings
from .question_bank import Group as Group
from .question_bank import Question as Question
from .question_bank import QuestionBank as QuestionBank
from .question_bank import QuestionKind as QuestionKind
from .question_bank import default_bank_path as default_bank_path
from .question_bank import load_bank as load_bank
from .text import CONTROL_RE, INVISIBLE_RE, refusal_reason

CREATION_QUESTIONS = ("agency", "report_year")
GATE_TEXT_LABEL = "（已用一句话填写）"
BACK_COMMANDS = frozenset({"上一题", "返回", "后退"})
HELP_COMMANDS = frozenset({"?", "？", "帮助"})
NUMERIC_KINDS = frozenset({"count", "amount", "numbers", "applicants", "cases", "year"})
_SPLIT_LIST = re.compile(r"[、，,；;\n]+")
_SPLIT_NUMBERS = re.compile(r"[\s、，,；;/]+")


# --- where the interview stands -----------------------------------------------------------


def _progress(report: Report) -> InterviewProgress:
    return report.interview or InterviewProgress()


def _gate_allows(bank: QuestionBank, report: Report, question: Question) -> bool:
    """Every gate above the question answered 是 — or answered with a sentence that filled
    the gate's cells, when this question fills something else (such as notes) or asks for
    the split of a row the sentence gave only as a total (a follow-up question)."""
    gates = _progress(report).gates
    gate_id = question.gate
    while gate_id is not None:
        gate = bank.get(gate_id)
        state = gates.get(gate_id)
        inside = all(within(path, gate.fills) for path in question.fills)
        if state == "text" and inside:
            return needs_split(report, question)
        if not (state == "yes" or (state == "text" and not inside)):
            if state is None and _answered_by_sentence_above(bank, gates, gate):
                gate_id = gate.gate  # a nested gate the sentence answered for it
                continue
            return False
        gate_id = gate.gate
    return True


def _answered_by_sentence_above(
    bank: QuestionBank, gates: Mapping[str, str], gate: Question
) -> bool:
    above = gate.gate
    while above is not None:
        if gates.get(above) == "text":
            return True
        above = bank.get(above).gate
    return False


def needs_split(report: Report, question: Question) -> bool:
    """An applicants question whose row holds a total the columns do not yet add up to."""
    if question.kind != "applicants":
        return False
    row = get_value(report, question.fills[0])
    total = getattr(row, "total", None)
    return total is not None and row.computed_total != total


def _positive(report: Report, path: str) -> bool:
    value = get_value(report, path)
    return value is not None and value > 0


def applicable_questions(bank: QuestionBank, report: Report) -> list[Question]:
    """The questions this report needs, given its format and the gates answered so far."""
    version = report.format_version
    return [
        q
        for q in bank.questions
        if version in q.formats
        and report.meta.level in q.levels
        and _gate_allows(bank, report, q)
        and (q.only_if_positive is None or _positive(report, q.only_if_positive))
    ]


def is_answered(report: Report, question_id: str) -> bool:
    return question_id in _progress(report).answered


def next_question(bank: QuestionBank, report: Report) -> Question | None:
    """The first unanswered question in report order, or None when the interview is done."""
    return next(
        (q for q in applicable_questions(bank, report) if not is_answered(report, q.id)), None
    )


@dataclass(frozen=True)
class Progress:
    number: int  # the question being asked, 1-based
    total: int

    def __str__(self) -> str:
        return f"第 {self.number}/{self.total} 题"


def progress(bank: QuestionBank, report: Report) -> Progress:
    """`第 12/40 题`: the total grows or shrinks as gates open or close."""
    questions = applicable_questions(bank, report)
    done = sum(is_answered(report, q.id) for q in questions)
    return Progress(min(done + 1, len(questions)), len(questions))


def go_back(bank: QuestionBank, report: Report) -> tuple[Report, Question | None]:
    """Un-answer the most recent answer; its values (and a gate's 是/否) stay as the current
    answer, which the front-end offers to keep."""
    state = _progress(report)
    if len(state.answered) <= len(CREATION_QUESTIONS) and all(
        a in CREATION_QUESTIONS for a in state.answered
    ):
        return report, None
    known = {q.id for q in bank.questions}
    answered = list(state.answered)
    while answered and answered[-1] not in known:
        answered.pop()  # ids from an older question bank: nothing to go back to
    if not answered or answered[-1] in CREATION_QUESTIONS:
        return report, None
    last = answered.pop()
    new_state = InterviewProgress(answered=answered, gates=dict(state.gates))
    return report.model_copy(update={"interview": new_state}), bank.get(last)


def keep_answer(bank: QuestionBank, report: Report, question_id: str) -> Report:
    """Record a question as answered with the value the report already holds."""
    question = bank.get(question_id)
    data = report.model_dump()
    gate = None
    if question.kind == "gate":
        current = current_answer(question, report)
        gate = "text" if current == GATE_TEXT_LABEL else ("yes" if current == "是" else "no")
    _mark_answered(data, question_id, gate)
    return _validated(data)


def _mark_answered(data: dict[str, Any], question_id: str, gate: str | None = None) -> None:
    state = data.get("interview") or {"answered": [], "gates": {}}
    answered = [a for a in state["answered"] if a != question_id] + [question_id]
    gates = dict(state["gates"])
    if gate is not None:
        gates[question_id] = gate
    data["interview"] = {"answered": answered, "gates": gates}


# --- answers ------------------------------------------------------------------------------


def is_sentence_answer(question: Question, text: str) -> bool:
    """A sentence describing the table (to parse into cells), not a 是/否 at a freetext gate."""
    return question.freetext and bool(text.strip()) and parse_yes_no(text) is None


def create_report(agency: str, report_year: str) -> Report:
    """A new report from the first two answers (机关全称, 统计年度)."""
    if CONTROL_RE.search(agency) or INVISIBLE_RE.search(agency):
        raise AnswerError("基本信息 · 机关全称：含有不可见的控制字符或方向字符，请删除后重新输入")
    data: dict[str, Any] = {"meta": {"agency": agency.strip(), "report_year": _year(report_year)}}
    _mark_answered(data, "agency")
    _mark_answered(data, "report_year")
    return _validated(data)


def check_creation_answer(question_id: str, text: str) -> None:
    """Validate the agency name or the year before the report exists (AnswerError if bad)."""
    if question_id == "agency":
        create_report(text, "2023")
    elif question_id == "report_year":
        create_report("某某机关", text)


def _year(text: str) -> int | str:
    try:
        return parse_count(text.strip().removesuffix("年度").removesuffix("年"))
    except NumberError:
        return text.strip()


def apply_answer(bank: QuestionBank, report: Report, question_id: str, text: str) -> Report:
    """The report with this answer applied and recorded; AnswerError if it is not acceptable."""
    question = bank.get(question_id)
    text = text.strip()
    if question.kind in NUMERIC_KINDS:
        text = INVISIBLE_RE.sub("", text)  # a zero-width space pasted inside 1​000
    if CONTROL_RE.search(text) or INVISIBLE_RE.search(text):
        raise AnswerError(
            f"{cell_label(question.fills[0])}：回答中含有不可见的控制字符或方向字符，请删除后重新输入"
        )
    data = report.model_dump()
    if question.kind == "gate":
        _apply_gate(question, data, text)
    else:
        if not text and not question.optional:
            raise AnswerError(
                f"{cell_label(question.fills[0])}：此题需要回答。{answer_format(question, terminal=False)}"
            )
        for path, value in _values_for(question, report, text).items():
            _set_value(data, path, value)
        _mark_answered(data, question.id)
    new = _validated(data)
    return _zero_skipped_dependents(bank, new)


def _apply_gate(question: Question, data: dict[str, Any], text: str) -> None:
    answer = parse_yes_no(text)
    if answer is None:
        extra = "，或直接用一句话描述" if question.freetext else ""
        raise AnswerError(f"请回答“是”或“否”{extra}。输入 ? 查看说明")
    if not answer:
        for path in question.fills:
            _set_value(data, path, _blank(path))
    _mark_answered(data, question.id, "yes" if answer else "no")


def _zero_skipped_dependents(bank: QuestionBank, report: Report) -> Report:
    """Questions asked only when a count is positive get 0 / empty when it is 0."""
    data = None
    for q in bank.questions:
        if q.only_if_positive is None or get_value(report, q.only_if_positive) != 0:
            continue
        for path in q.fills:
            empty = _empty(path)
            value = get_value(report, path)
            if (value.model_dump() if isinstance(value, BaseModel) else value) != empty:
                data = data or report.model_dump()
                _set_value(data, path, empty)
    return report if data is None else _validated(data)


def _empty(path: str) -> Any:
    """What a skipped question leaves in its field: [] for a list, the blank model for a
    group of fields (facts.practices), else 0."""
    if _is_list(path):
        return []
    if _model_class(_field_at(path).annotation) is not None:
        return _blank(path)
    return 0


def _validated(data: dict[str, Any]) -> Report:
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc)
        raise AnswerError("；".join(str(p) for p in problems)) from None


def apply_values(
    bank: QuestionBank, report: Report, gate_id: str, values: dict[str, Any]
) -> Report:
    """Confirmed free-text values for a gate's scope: cells not named become 0."""
    gate = bank.get(gate_id)
    data = report.model_dump()
    for path in gate.fills:
        _set_value(data, path, _blank(path))
    for path, value in values.items():
        if not within(path, gate.fills):
            raise AnswerError(f"{cell_label(path)} 不属于“{gate.prompt}”的范围")
        _set_value(data, path, value)
    _mark_answered(data, gate.id, "text")
    return _validated(data)


def _values_for(question: Question, report: Report, text: str) -> dict[str, Any]:
    if question.kind in NUMERIC_KINDS:
        reason = refusal_reason(text, negatives=False)  # signed cells: the model says
        if reason:
            raise AnswerError(f"{cell_label(question.fills[0])}：{reason}")
    parse = _PARSERS[question.kind]
    return parse(question, report, text)


def _single(question: Question, report: Report, text: str) -> dict[str, Any]:
    path = question.fills[0]
    if not text and question.optional:
        return {path: None}  # skipped: not reported
    try:
        if question.kind == "amount":
            return {path: parse_amount_answer(text, question.unit or "万元")}
        return {path: parse_count_answer(text, count_units(path))}
    except NumberError as exc:
        raise AnswerError(f"{cell_label(path)}：{exc}") from None


def _text(question: Question, report: Report, text: str) -> dict[str, Any]:
    path = question.fills[0]
    if path.startswith("meta."):
        from .review.meta import meta_value_problem

        problem = meta_value_problem(path.removeprefix("meta."), text)
        if problem is not None and problem[1] == "error":
            raise AnswerError(f"{cell_label(path)}：{problem[2]}。{problem[3]}")
    return {path: text}


def _choice(question: Question, report: Report, text: str) -> dict[str, Any]:
    path = question.fills[0]
    try:
        return {path: parse_choice(text, question.choices)}
    except AnswerError as exc:
        level = agency_level_of(text) if path == "meta.level" else None
        if level is not None and level in question.choices:
            return {path: level}
        raise AnswerError(f"{cell_label(path)}：{exc}") from None


def _year_answer(question: Question, report: Report, text: str) -> dict[str, Any]:
    return {question.fills[0]: _year(text)}


def _date(question: Question, report: Report, text: str) -> dict[str, Any]:
    try:
        return {question.fills[0]: parse_date(text)}
    except AnswerError as exc:
        raise AnswerError(f"{cell_label(question.fills[0])}：{exc}") from None


def _list(question: Question, report: Report, text: str) -> dict[str, Any]:
    return {question.fills[0]: [p.strip() for p in _SPLIT_LIST.split(text) if p.strip()]}


def _lines(question: Question, report: Report, text: str) -> dict[str, Any]:
    return {question.fills[0]: split_lines(text)}


def _categories(question: Question, report: Report, text: str) -> dict[str, Any]:
    try:
        return {question.fills[0]: [parse_category_line(line) for line in split_lines(text)]}
    except ValueError as exc:
        raise AnswerError(f"{cell_label(question.fills[0])}：{exc}") from None


def _rectifications(question: Question, report: Report, text: str) -> dict[str, Any]:
    path = question.fills[0]
    known: list[PreviousProblem] = list(get_value(report, path) or [])
    lines = split_lines(text)
    if known and not _typed_in_interview(report, question.id):
        if lines and len(lines) != len(known):
            raise AnswerError(
                f"{cell_label(path)}：上年共 {len(known)} 个问题，请按顺序每行写一条整改情况"
                f"（共 {len(known)} 行），收到 {len(lines)} 行"
            )
        if not lines:
            return {}
        return {
            path: [
                {"problem": p.problem, "rectification": line}
                for p, line in zip(known, lines, strict=True)
            ]
        }
    items = []
    for line in lines:
        problem, _, fix = line.replace(":", "：").partition("：")
        items.append({"problem": problem.strip(), "rectification": fix.strip()})
    return {path: items}


def _typed_in_interview(report: Report, question_id: str) -> bool:
    """Previous problems typed here earlier (not carried over from last year's report)."""
    return report.previous_year is None or not report.previous_year.problems


def _numbers(question: Question, report: Report, text: str) -> dict[str, Any]:
    labels = [label_parts(p)[-1] for p in question.fills]
    return dict(zip(question.fills, _several(question, text, labels, None), strict=True))


def _row(columns: tuple[str, ...], vocabulary: Vocabulary) -> Any:
    """A parser for one row of 表三 (applicant columns) or one block of 表四 (case columns)."""

    def parse(q: Question, report: Report, text: str) -> dict[str, Any]:
        base = q.fills[0]
        labels = [label_parts(f"{base}.{c}")[-1] for c in columns]
        values = _several(q, text, labels, (columns, vocabulary))
        if needs_split(report, q):  # a follow-up: the sentence gave this row's total
            _check_split(q, get_value(report, base).total, values)
        return {base: {**dict(zip(columns, values, strict=True)), "total": None}}

    return parse


def _check_split(question: Question, total: int, values: list[Any]) -> None:
    try:
        split = sum(parse_count(v) for v in values)
    except NumberError:
        return  # the model's validation names the bad value
    if split != total:
        raise AnswerError(
            f"{cell_label(question.fills[0])}：您那句话中这一行共 {total} 件，这里分列合计 "
            f"{split} 件；请按申请人类型分完这 {total} 件（如“自然人 {total}”）"
        )


def _several(
    question: Question,
    text: str,
    labels: list[str],
    labelled: tuple[tuple[str, ...], Vocabulary] | None,
) -> list[Any]:
    """N values from `0`, `3 1 25`, or (with `labelled` columns and their vocabulary) labelled
    `自然人 3，商业企业 1` read by `answers.parse_labelled_row`."""
    tokens = [t for t in _SPLIT_NUMBERS.split(text) if t]
    if len(tokens) == 1 and _is_zero_word(tokens[0]):
        return ["0"] * len(labels)
    where = cell_label(question.fills[0])
    if labelled is not None:
        columns, vocabulary = labelled
        try:
            found = parse_labelled_row(text, vocabulary)
        except ValueError as exc:
            raise AnswerError(f"{where}：{exc}") from None
        if found is not None:
            return [found.get(c, 0) for c in columns]
    if len(tokens) == len(labels):
        return tokens
    if labelled is not None:
        example = "、".join(labels)
        raise AnswerError(
            f"{where}：请按类型写明件数，如“{labels[0]} 3，{labels[1]} 1”，或依次写 {len(labels)} 个数"
            f"（{example}）；都没有填 0；总计由本工具计算，可以不写。收到“{text}”"
        )
    raise AnswerError(
        f"{where}：请依次填写 {len(labels)} 个数（{'、'.join(labels)}），用空格分隔；都没有填 0。"
        f"收到 {len(tokens)} 个：“{text}”"
    )


def _is_zero_word(token: str) -> bool:
    try:
        return parse_count(token) == 0
    except NumberError:
        return False


_PARSERS = {
    "text": _text,
    "count": _single,
    "amount": _single,
    "year": _year_answer,
    "date": _date,
    "choice": _choice,
    "list": _list,
    "lines": _lines,
    "categories": _categories,
    "rectifications": _rectifications,
    "numbers": _numbers,
}
_PARSERS["applicants"] = _row(APPLICANT_COLUMNS, APPLICANT_WORDS)
_PARSERS["cases"] = _row(CASE_COLUMNS, CASE_WORDS)


# --- what to show -------------------------------------------------------------------------


def answer_format(question: Question, *, terminal: bool = True) -> str:
    """How to type an answer to this question (Chinese), for the terminal (keys: 直接回车,
    空行结束) or, with `terminal=False`, for a web form (no key hints: 可不填). The bank's own
    prompts and help name no keys; each front end adds its hint here."""
    unit = question.unit or "件"
    formats = {
        "count": f"请输入不小于 0 的整数（单位：{unit}），如 3、十二；没有填 0 或“无”。",
        "amount": f"请输入金额（单位：{unit}），如 12.5；没有填 0。",
        "numbers": f"请依次填写 {len(question.fills)} 个数，用空格分隔；都没有填 0。",
        "applicants": "写法如“自然人 3，商业企业 1”，或依次写 6 个数（自然人、商业企业、科研机构、"
        "社会公益组织、法律服务机构、其他）；都没有填 0。",
        "cases": "写法如“维持 1，尚未审结 1”，或依次写 4 个数（结果维持、结果纠正、其他结果、尚未审结）；"
        "都没有填 0。",
        "gate": "请回答“是”或“否”。"
        + ("也可以直接输入一句话描述，确认后填入表格。" if question.freetext else ""),
        "choice": "请输入序号或名称："
        + "、".join(f"{i}. {c}" for i, c in enumerate(question.choices, 1)),
        "year": "请输入四位年份，如 2023。",
        "date": "如 2024-01-20 或 2024年1月20日。",
        "list": "用顿号或逗号分隔。",
        "lines": "每行一条。",
        "categories": "每行一类，写成“类别名称 条数”。",
        "rectifications": "每行一条，写成“问题：整改情况”。",
        "text": "一两句话。",
    }
    text = formats[question.kind]
    if terminal and is_multiline(question):
        text += "可写多行，输入空行结束。"
    if question.optional and question.kind != "gate":
        text += "可直接回车跳过。" if terminal else "可不填。"
    return text


def answer_notes(question: Question, text: str) -> list[str]:
    """What accepting `text` for `question` changed from what was typed, to tell the clerk
    (an amount typed in 元 for a 万元 cell: “表二 · … ：已按 1200 元 = 0.12 万元 填写”); empty
    when the answer was stored as typed. Never raises."""
    if question.kind != "amount" or not text.strip():
        return []
    note = amount_conversion_note(text, question.unit or "万元")
    return [f"{cell_label(question.fills[0])}：{note}"] if note else []


def is_multiline(question: Question) -> bool:
    return question.kind in ("lines", "categories", "rectifications")


def question_prompt(question: Question, report: Report | None) -> str:
    """The prompt, with last year's problems listed for the rectification question."""
    if question.kind == "rectifications" and report is not None:
        known = report.facts.previous_problems
        if known and not _typed_in_interview(report, question.id):
            listed = "\n".join(f"  {i}. {p.problem}" for i, p in enumerate(known, 1))
            return f"上年报告提出了以下问题，本年分别整改得怎样？（按顺序每行一条）\n{listed}"
    return question.prompt


def current_answer(question: Question, report: Report) -> str:
    """The value the report holds for this question, as the user would type it ("" if none)."""
    if question.kind == "gate":
        recorded = _progress(report).gates.get(question.id)
        if recorded is not None:
            return {"yes": "是", "no": "否", "text": GATE_TEXT_LABEL}[recorded]
        return "是" if any(_nonzero(get_value(report, p)) for p in question.fills) else ""
    values = [get_value(report, p) for p in question.fills]
    if question.kind in ("applicants", "cases"):
        columns = APPLICANT_COLUMNS if question.kind == "applicants" else CASE_COLUMNS
        row = values[0]
        parts = [
            f"{label_parts(f'{question.fills[0]}.{c}')[-1]} {getattr(row, c)}"
            for c in columns
            if getattr(row, c)
        ]
        if row.total is not None and row.total != row.computed_total:
            parts.append(f"总计 {row.total}（与分列合计 {row.computed_total} 不符）")
        return "，".join(parts) or "0"
    if question.kind == "numbers":
        return " ".join(str(v) for v in values)
    value = values[0]
    if value is None:
        return ""
    if isinstance(value, list):
        if question.kind == "categories":
            return "；".join(f"{c.name} {c.count}" for c in value)
        if question.kind == "rectifications":
            return "；".join(f"{p.problem}：{p.rectification}" for p in value)
        return "、".join(str(v) for v in value)
    return str(value.value if hasattr(value, "value") else value)


# --- checks after a table -----------------------------------------------------------------


def _nonzero(value: Any) -> bool:
    if isinstance(value, BaseModel):
        return any(_nonzero(v) for v in value.model_dump().values())
    if isinstance(value, dict):
        return any(_nonzero(v) for v in value.values())
    return bool(value)


def finished_table(bank: QuestionBank, report: Report, question: Question) -> str | None:
    """The table whose last question this was (so its checks should run now), else None."""
    table = question.table
    if table is None:
        return None
    remaining = [
        q
        for q in applicable_questions(bank, report)
        if q.table == table and not is_answered(report, q.id)
    ]
    return None if remaining else table


def table_findings(report: Report, table: str) -> list[Finding]:
    """Check findings concerning one table (表二/表三/表四), errors first."""
    found = in_table(checks.check_report(report), table)
    return sorted(found, key=lambda f: f.severity != "error")


def asks_for(question: Question, finding: Finding, version: FormatVersion = "2021") -> bool:
    """The question fills a place the finding concerns: one of its paths lies in what the
    question fills, or the question fills a cell inside a row or table the finding names. A
    （七）总计 cell is computed, never asked: the question of every result row of the format
    asks for it (any of them may hold the wrong number)."""
    places = [p for path in finding.paths for p in _asked_places(path, version)]
    return any(
        within(path, question.fills) or within(fill, (path,))
        for path in places
        for fill in question.fills
    )


def _asked_places(path: str, version: FormatVersion) -> list[str]:
    parts = path.split(".")
    if parts[:2] == ["table3", "results_total"]:
        column = parts[2:]
        return [".".join(["table3", row, *column]) for row in result_rows(version)]
    return [path]


def correction_questions(
    bank: QuestionBank, report: Report, table: str, findings: Iterable[Finding] = ()
) -> list[Question]:
    """The questions that fill the table's cells in table order, those asking for a place a
    finding concerns first. A relation between several cells (a `topic` such as a column's
    勾稽关系) names no question: any of its cells may be the wrong one."""
    version = report.format_version
    rows = [
        q for q in bank.questions if q.table == table and q.kind != "gate" and version in q.formats
    ]
    pointed = [f for f in findings if not f.topic]
    named = {q.id for q in rows for f in pointed if asks_for(q, f, version)}
    return sorted(rows, key=lambda q: q.id not in named)


def questions_for_findings(
    bank: QuestionBank, report: Report, findings: Iterable[Finding]
) -> list[Question]:
    """The applicable questions (no gates) that ask for a place one of `findings` concerns,
    in bank order: what to offer for findings outside the tables (meta, facts). Empty when
    no question asks for them (a finding on the prose is corrected in the draft)."""
    version = report.format_version
    found = list(findings)
    return [
        q
        for q in applicable_questions(bank, report)
        if q.kind != "gate" and any(asks_for(q, f, version) for f in found)
    ]


def reopen(bank: QuestionBank, report: Report, question_id: str) -> Report:
    """Forget that a question was answered, so it is asked again (its values stay)."""
    state = _progress(report)
    answered = [a for a in state.answered if a != question_id]
    return report.model_copy(
        update={"interview": InterviewProgress(answered=answered, gates=dict(state.gates))}
    )


def covered_paths(bank: QuestionBank) -> set[str]:
    """Every leaf field some non-gate question fills (gates only zero-fill)."""
    return {
        leaf
        for q in bank.questions
        if q.kind != "gate"
        for path in q.fills
        for leaf in leaf_paths(path)
    }
