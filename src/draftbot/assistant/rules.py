"""The filling rules and notes as data (`schemas/rules.yaml`), validated on load.

Each rule has a stable id (`T3-01`, `GEN-03` …) that answers cite; `checks` names the finding
codes (checks.py, review/) a rule underlies, `cells` the data paths it is about. A user's
own file (same layout) replaces the bundled one: `load_rules(path)`, `draftbot chat --rules`
or the environment variable `DRAFTBOT_RULES_FILE`.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from ..datafile import yaml_error_in_words
from ..errors import DraftbotError
from ..resources import bundled_file

RULES_ENV = "DRAFTBOT_RULES_FILE"
RULE_ID_PATTERN = r"^[A-Z]{1,3}[0-9]?-(?:R)?[0-9]{2}$"
Topic = Literal["通用", "正文", "表二", "表三", "表四", "收费"]
# YAML folding turns a line break into a space; between two Chinese characters it is not one.
_FOLDED_SPACE = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


class RulesError(DraftbotError):
    """A rules file that cannot be used; the message is Chinese and names the rule and field."""


class Rule(BaseModel):
    """One rule: id, topic, title and text (quoted verbatim in answers), plus retrieval aids."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=RULE_ID_PATTERN)
    topic: Topic
    title: str = Field(min_length=2, max_length=60)
    text: str = Field(min_length=10, max_length=600)
    keywords: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    @field_validator("title", "text")
    @classmethod
    def _unfold(cls, value: str) -> str:
        return _FOLDED_SPACE.sub("", value.strip())

    def quoted(self) -> str:
        """`[ID] 标题：正文`, the form an answer shows the rule in."""
        return f"[{self.id}] {self.title}：{self.text}"


class RuleBook(BaseModel):
    """All rules, in file order; ids unique, `related` ids existing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RuleBook:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"规则编号 {rule.id} 重复")
            seen.add(rule.id)
        for rule in self.rules:
            missing = [r for r in rule.related if r not in seen]
            if missing:
                raise ValueError(
                    f"规则 {rule.id} 的 related 引用了不存在的编号 {'、'.join(missing)}"
                )
        return self

    @functools.cached_property
    def by_id(self) -> dict[str, Rule]:
        """Rule id → rule."""
        return {rule.id: rule for rule in self.rules}

    def get(self, rule_id: str) -> Rule | None:
        """The rule with this id, or None when there is none (e.g. an id a model invented)."""
        return self.by_id.get(rule_id)

    def for_check(self, code: str) -> list[Rule]:
        """Rules that name the finding code `code` (e.g. "T3-01") in their `checks`."""
        return [rule for rule in self.rules if code in rule.checks]


def default_rules_path() -> Path:
    """The rules file in use: `$DRAFTBOT_RULES_FILE` if set, else the bundled one."""
    override = os.environ.get(RULES_ENV, "").strip()
    return Path(override) if override else bundled_file("schemas", "rules.yaml")


def load_rules(path: str | Path | None = None) -> RuleBook:
    """Read and validate a rules file; raises RulesError naming the file and the problem."""
    source = Path(path) if path is not None else default_rules_path()
    return _load(str(source.resolve()), _mtime(source))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        raise RulesError(f"找不到规则文件 {path}") from None


@functools.lru_cache(maxsize=8)
def _load(path: str, _mtime: float) -> RuleBook:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"无法读取规则文件 {path}：{exc}") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"规则文件 {path} 不是有效的 YAML（{yaml_error_in_words(exc)}）") from None
    try:
        return RuleBook.model_validate(data)
    except ValidationError as exc:
        raise RulesError(f"规则文件 {path} 有误：{_describe(data, exc)}") from None


def _describe(data: object, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = err["loc"]
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = data.get("rules") if isinstance(data, dict) else None
            if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
                rule_id = rules[loc[1]].get("id", f"第 {loc[1] + 1} 条")
                where = f"规则 {rule_id} 的 {'.'.join(str(p) for p in loc[2:]) or '内容'}"
        parts.append(f"{where}：{_message(err)}")
    return "；".join(parts)


def _message(err: ErrorDetails) -> str:
    kind = err.get("type")
    if kind == "missing":
        return "缺少此项"
    if kind == "extra_forbidden":
        return "不认识的字段"
    if kind == "string_pattern_mismatch":
        return "编号格式应如 T3-01、GEN-03、T3-R05"
    if kind in ("string_too_short", "too_short"):
        return "内容太短或为空"
    if kind == "string_too_long":
        return "内容太长（规则正文最多 600 字）"
    if kind == "literal_error":
        return "所属部分只能是 通用、正文、表二、表三、表四、收费 之一"
    return str(err.get("msg", "格式不对"))
