"""Turning form edits (dotted data path → typed text) into a validated new Report.

The model does all the parsing (Chinese numerals, limits, messages); this only places the
raw values at their paths and reports every problem by the field's official name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .. import paths as data_paths
from ..answers import (
    amount_conversion_note,
    parse_amount_answer,
    parse_category_line,
    parse_count_answer,
    parse_date,
    split_lines,
)
from ..datafile import problems_from_validation
from ..errors import DraftbotError
from ..excerpt import excerpt
from ..model import Report
from ..numbers import NumberError

LIST_FIELDS = frozenset(
    {
        "facts.problems",
        "facts.measures",
        "facts.channels",
        "meta.allowed_places",
        "facts.practices.review_methods",
        "facts.practices.updated_guides",
        "facts.practices.interpretation_forms",
        "facts.practices.supervision_methods",
        "facts.area.key_areas",
        "facts.area.website_columns",
    }
)
OPTIONAL_FIELDS = frozenset(
    {
        "meta.publish_date",
        "meta.format_version",
        "facts.proactive_total",
        "facts.policy_interpretations",
        "facts.press_conferences",
        "facts.training_sessions",
        "facts.practices.responses",
        "facts.practices.new_media_accounts",
        "facts.practices.reading_points",
        "facts.practices.trained_people",
        "facts.practices.circulars",
        "facts.practices.attributed_documents",
        "facts.practices.attributed_public",
        "facts.area.proposals",
        "facts.area.open_days",
        "facts.area.gazette_issues",
        "facts.area.gazette_documents",
        "facts.area.villages",
        "facts.area.notice_boards",
        "facts.area.meeting_topics",
        "facts.area.site_checks",
        "facts.area.site_problems_fixed",
        "facts.area.accounts_closed",
        "facts.engagement.consultations",
        "facts.engagement.attendees",
        "facts.engagement.messages",
        "facts.engagement.messages_answered",
        "facts.engagement.hotline_cases",
        "facts.engagement.interviews",
        "facts.engagement.new_media_posts",
        "facts.engagement.suggestions",
        "facts.engagement.cppcc_proposals",
        "facts.organisation.staff",
        "facts.organisation.study_meetings",
        "facts.organisation.group_head",
        "facts.organisation.work_plan",
        "facts.organisation.plan_tasks",
        "facts.organisation.plan_tasks_done",
    }
)
CATEGORY_FIELD = "facts.proactive_categories"
MAX_CHANGES = 500


@dataclass(frozen=True)
class EditProblem:
    """A refused edit: `key` the data path typed, `location` the cell as the table prints it
    (table · row · column), `message` what is wrong (Chinese)."""

    key: str
    location: str
    message: str

    def shown(self) -> str:
        """The message with the cell it is about (`表三 · … · 自然人：应为…`)."""
        return f"{self.location}：{self.message}" if self.location else self.message

    def to_json(self) -> dict[str, str]:
        return {
            "key": self.key,
            "location": self.location,
            "message": self.message,
            "shown": self.shown(),
        }


class EditRejected(DraftbotError):
    def __init__(self, problems: list[EditProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def apply_changes(report: Report, changes: dict[str, Any]) -> Report:
    """A new Report with each `path: raw text` applied; raises EditRejected naming the fields."""
    if len(changes) > MAX_CHANGES:
        raise EditRejected([EditProblem("", "修改", "一次修改的项目过多，请分次保存")])
    data = report.model_dump(mode="json", exclude_none=True)
    problems: list[EditProblem] = []
    for path, raw in changes.items():
        try:
            _set_path(data, path, _value_for(path, raw))
        except NumberError as exc:
            problems.append(EditProblem(path, data_paths.label(path), str(exc)))
        except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
            message = str(exc) if isinstance(exc, ValueError) and _is_chinese(str(exc)) else ""
            problems.append(EditProblem(path, excerpt(path), message or UNKNOWN_FIELD))
    if problems:
        raise EditRejected(problems)
    if report.is_published:
        _check_as_typed(data, changes)
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        raise EditRejected(_problems(exc, changes)) from None


def conversion_notes(changes: dict[str, Any]) -> list[str]:
    """For each typed amount that was converted to its field's unit, the Chinese note naming
    the cell and the conversion (`表二 · … ：已按 3000 元 = 0.3 万元 填写`); see
    `answers.amount_conversion_note`."""
    notes = []
    for path, raw in changes.items():
        if isinstance(raw, str) and data_paths.field_kind(path) == "amount":
            note = amount_conversion_note(raw, data_paths.amount_unit(path))
            if note:
                notes.append(f"{data_paths.label(path)}：{note}")
    return notes


def _check_as_typed(data: dict[str, Any], changes: dict[str, Any]) -> None:
    """What a clerk types into a published report meets the typed rules (design §7).

    The changed values are validated alone, without the published provenance; a cell that had
    a note about how it was printed is the clerk's now, so its note goes.
    """
    alone: dict[str, Any] = {"meta": data["meta"]}
    for path, raw in changes.items():
        _set_path(alone, path, _value_for(path, raw))
    try:
        Report.model_validate(alone)
    except ValidationError as exc:
        raise EditRejected(_problems(exc, changes)) from None
    notes = data.get("source", {}).get("notes", {})
    for path in changes:
        notes.pop(path, None)


def _value_for(path: str, raw: Any) -> Any:
    if not isinstance(raw, str | int | float | type(None)):
        raise TypeError("取值应为文字或数字")
    text = "" if raw is None else str(raw).strip()
    if path in LIST_FIELDS:
        return [line.strip() for line in text.splitlines() if line.strip()]
    if path == CATEGORY_FIELD:
        return [parse_category_line(line) for line in split_lines(text)]
    if path in OPTIONAL_FIELDS and text == "":
        return None
    if path.endswith(".total") and path.startswith(("table3.", "table4.")) and text == "":
        return None
    if isinstance(raw, str):  # typed: read as the interview reads the same answer
        kind = data_paths.field_kind(path)
        if kind == "count":
            return parse_count_answer(raw, data_paths.count_units(path))
        if kind == "amount":
            return parse_amount_answer(raw, data_paths.amount_unit(path))
        if kind == "date":
            return parse_date(raw)
    return str(raw) if isinstance(raw, str) else raw


UNKNOWN_FIELD = "没有这个字段或这一项，请刷新页面后重试"
MAX_PATH_PARTS = 8


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Place `value` at dotted `path` (`paths.set_value`); a path too long or too deep, or a
    list position that does not exist, is a KeyError."""
    if not isinstance(path, str) or len(path) > 200 or path.count(".") >= MAX_PATH_PARTS:
        raise KeyError(path)
    data_paths.set_value(data, path, value)


def _problems(exc: ValidationError, changes: dict[str, Any]) -> list[EditProblem]:
    out = []
    for problem, err in zip(problems_from_validation(exc), exc.errors(), strict=True):
        key = ".".join(str(p) for p in err["loc"])
        out.append(EditProblem(_closest_change(key, changes), problem.location, problem.message))
    return out


def _closest_change(key: str, changes: dict[str, Any]) -> str:
    if key in changes:
        return key
    return next((path for path in changes if key.startswith(path + ".")), key)
