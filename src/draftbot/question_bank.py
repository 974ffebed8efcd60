"""The question bank: the guided questions as data, validated on load.

The bundled bank is `schemas/questions.yaml` (`default_bank_path`); a user's copy may replace
it (`load_bank(path)`, e.g. `draftbot interview --questions FILE`). `QuestionBank` checks on
load that ids are unique, groups exist, gates come before the questions they gate, every
filled path is a field of the report model (`paths.is_model_path`) and choice questions have
choices; any problem raises `BankError` with a Chinese message naming the question
(第 N 个问题（id）) and the key. The engine that walks the bank is `questions`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .datafile import pydantic_message, yaml_error_in_words
from .errors import DraftbotError
from .formats import FORMATS, FormatVersion
from .model import AgencyLevel
from .paths import TABLE_NAMES, is_model_path
from .resources import bundled_file

QuestionKind = Literal[
    "text",
    "lines",
    "list",
    "count",
    "amount",
    "numbers",
    "applicants",
    "cases",
    "categories",
    "rectifications",
    "choice",
    "year",
    "date",
    "gate",
]


class BankError(DraftbotError):
    """A question bank file that cannot be used; the message is Chinese."""


# --- the bank as data ---------------------------------------------------------------------


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    group: str
    kind: QuestionKind
    prompt: str = Field(min_length=2)
    help: str = Field(min_length=2)
    unit: str = ""
    fills: list[str] = Field(min_length=1)
    gate: str | None = None
    formats: list[FormatVersion] = Field(default_factory=lambda: list(FORMATS))
    levels: list[AgencyLevel] = Field(
        default_factory=lambda: list(AgencyLevel),
        description="适用的机关层级（省略为全部层级），如只问各级人民政府和乡镇（街道）的问题",
    )
    optional: bool = False
    only_if_positive: str | None = None
    freetext: bool = False
    choices: list[str] = Field(default_factory=list)

    @property
    def table(self) -> str | None:
        """表二/表三/表四 when this question fills cells of an official table."""
        return TABLE_NAMES.get(self.fills[0].split(".")[0])


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str


class FreetextSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    system_prompt: str = Field(min_length=20)
    examples: dict[Literal["2", "3", "4"], str] = Field(
        default_factory=dict, description="每张表的一句话示例（表二、表三、表四），显示在输入框旁"
    )


class QuestionBank(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    groups: list[Group]
    freetext: FreetextSettings
    questions: list[Question]

    @model_validator(mode="after")
    def _consistent(self) -> QuestionBank:
        problems = list(_bank_problems(self))
        if problems:
            raise ValueError("；".join(problems))
        return self

    @functools.cached_property
    def questions_by_id(self) -> dict[str, Question]:
        """Every question by its id (the bank is frozen, so built once)."""
        return {q.id: q for q in self.questions}

    def get(self, question_id: str) -> Question:
        """The question `question_id`; `KeyError` if the bank has none."""
        return self.questions_by_id[question_id]

    def group_title(self, group_id: str) -> str:
        return next(g.title for g in self.groups if g.id == group_id)


def _bank_problems(bank: QuestionBank) -> Iterator[str]:
    ids = [q.id for q in bank.questions]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield f"问题编号 {dup} 重复"
    groups = {g.id for g in bank.groups}
    seen: dict[str, Question] = {}
    for q in bank.questions:
        if q.group not in groups:
            yield f"问题 {q.id} 的分组 {q.group} 不存在"
        if q.gate is not None and (q.gate not in seen or seen[q.gate].kind != "gate"):
            yield f"问题 {q.id} 的闸门 {q.gate} 不存在、不是闸门或排在它后面"
        for path in [*q.fills, *([q.only_if_positive] if q.only_if_positive else [])]:
            if not is_model_path(path):
                yield f"问题 {q.id} 填写的字段 {path} 不存在"
        if q.kind == "choice" and not q.choices:
            yield f"选择题 {q.id} 没有 choices"
        if q.gate is not None and q.gate in seen and not set(q.levels) <= set(seen[q.gate].levels):
            yield f"问题 {q.id} 适用的层级超出了它的闸门 {q.gate}"
        if q.freetext and q.kind != "gate":
            yield f"问题 {q.id}：只有闸门问题可以接受整句回答（freetext）"
        seen[q.id] = q


def default_bank_path() -> Path:
    return bundled_file("schemas", "questions.yaml")


def load_bank(path: str | Path | None = None) -> QuestionBank:
    """Read and validate a question bank (the bundled one unless `path` is given)."""
    path = Path(path) if path is not None else default_bank_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BankError(f"无法读取问题库 {path}：{exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise BankError(f"问题库 {path} 不是有效的 YAML（{yaml_error_in_words(exc)}）") from None
    try:
        return QuestionBank.model_validate(data)
    except ValidationError as exc:
        details = "；".join(_bank_problem(data, e) for e in exc.errors())
        raise BankError(f"问题库 {path} 有误：{details}") from None


def _bank_problem(data: Any, err: Any) -> str:
    """One validation error of the bank file, in Chinese."""
    loc = list(err["loc"])
    where = "问题库"
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        questions = data.get("questions") if isinstance(data, dict) else None
        item = questions[loc[1]] if isinstance(questions, list) else None
        qid = item.get("id") if isinstance(item, dict) else None
        where = f"第 {loc[1] + 1} 个问题" + (f"（{qid}）" if qid else "")
        loc = loc[2:]
    if loc:
        where += "的 " + ".".join(str(p) for p in loc)
    ctx = err.get("ctx") or {}
    messages = {
        "value_error": str(ctx.get("error", err["msg"])),
        "missing": "缺少必填项",
        "extra_forbidden": "未知的键",
        "literal_error": "应为以下之一：" + str(ctx.get("expected", "")).replace(" or ", ", "),
        "string_too_short": "内容过短",
        "string_pattern_mismatch": "编号只能用小写字母、数字和下划线，并以字母开头",
        "too_short": "至少需要一项",
        "list_type": "应为列表",
        "string_type": "应为文字",
        "model_type": "应为一组“键: 值”",
    }
    message = messages.get(err["type"]) or pydantic_message(err)
    return message if where == "问题库" and err["type"] == "value_error" else f"{where}：{message}"
