"""Prompts as data: `prompts/llm/*.md` (front matter + Jinja2 body), validated on load.

Front matter declares the prompt's id and its inputs; a template that uses an undeclared
variable, declares an unknown input, or is rendered without one of its inputs raises
`PromptError` naming the variable. Templates are rendered in a Jinja2 sandbox. A user's
prompt folder (same layout: `llm/`, `offline/`) overrides the bundled files one by one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import DraftbotError
from ..numbers import format_amount
from ..outline import SECTION_KEYS
from ..resources import bundled_dir

LLM_INPUTS = frozenset(
    {
        "agency", "level", "region", "year", "title", "facts", "material", "instruction",
        "unmatched", "me", "area",
    }
)  # fmt: skip
LLM_PROMPT_IDS = ("system", "reask", *SECTION_KEYS)


class PromptError(DraftbotError):
    """A prompt or template file that cannot be used; the message names file and variable."""


class PromptMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    title: str = ""
    inputs: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Prompt:
    meta: PromptMeta
    path: Path
    source: str
    template: Template

    def render(self, **values: Any) -> str:
        missing = [name for name in self.meta.inputs if name not in values]
        if missing:
            names = "、".join(f"“{m}”" for m in missing)
            raise PromptError(f"提示词 {self.path.name} 缺少输入变量 {names}")
        try:
            return self.template.render(**{k: values[k] for k in self.meta.inputs}).strip()
        except UndefinedError as exc:
            raise PromptError(f"提示词 {self.path.name} 渲染失败：{exc.message}") from None


@functools.lru_cache(maxsize=1)
def sandbox() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.do"],
    )
    env.filters["amount"] = format_amount
    return env


def prompt_dirs(kind: str, override: Path | None) -> list[Path]:
    """Folders to search for `kind` ("llm" or "offline"), the user's first."""
    dirs = [bundled_dir("prompts") / kind]
    if override is not None:
        if not Path(override).is_dir():
            raise PromptError(
                f"提示词目录 {override} 不存在，请检查 DRAFTBOT_PROMPTS_DIR 或 --prompts"
            )
        dirs.insert(0, Path(override) / kind)
    return dirs


def find_file(kind: str, name: str, override: Path | None) -> Path:
    for folder in prompt_dirs(kind, override):
        if (folder / name).is_file():
            return folder / name
    raise PromptError(f"找不到提示词文件 {kind}/{name}；draftbot 安装可能不完整")


def parse_template(source: str, path: Path) -> nodes.Template:
    """`source` parsed once by the sandbox; compile the result with `sandbox().from_string`
    (which accepts the parsed tree) instead of parsing the text a second time."""
    try:
        return sandbox().parse(source)
    except TemplateSyntaxError as exc:
        raise PromptError(f"{path.name} 第 {exc.lineno} 行模板语法错误：{exc.message}") from None


def free_names(ast: nodes.Template) -> set[str]:
    """The variables a parsed template uses without assigning them."""
    targets = [
        *(node.target for node in ast.find_all(nodes.Assign)),
        *(node.target for node in ast.find_all(nodes.AssignBlock)),
    ]
    assigned = {
        name.name
        for target in targets
        for name in (target, *target.find_all(nodes.Name))
        if isinstance(name, nodes.Name)
    }
    return set(meta.find_undeclared_variables(ast)) - assigned


def parse_prompt(path: Path) -> Prompt:
    text = path.read_text(encoding="utf-8-sig")
    head, body = _split_front_matter(text, path)
    try:
        prompt_meta = PromptMeta.model_validate(head)
    except ValidationError as exc:
        fields = "、".join(".".join(str(p) for p in e["loc"]) or "?" for e in exc.errors())
        raise PromptError(f"提示词 {path.name} 的头部信息有误（{fields}）") from None
    if prompt_meta.id != path.stem:
        raise PromptError(f"提示词 {path.name} 的 id 应为“{path.stem}”，却写了“{prompt_meta.id}”")
    unknown = sorted(set(prompt_meta.inputs) - LLM_INPUTS)
    if unknown:
        raise PromptError(
            f"提示词 {path.name} 声明了未知输入“{unknown[0]}”；可用的输入有："
            + "、".join(sorted(LLM_INPUTS))
        )
    ast = parse_template(body, path)
    undeclared = sorted(free_names(ast) - set(prompt_meta.inputs))
    if undeclared:
        raise PromptError(
            f"提示词 {path.name} 使用了未声明的变量“{undeclared[0]}”，请在头部 inputs 中声明"
        )
    return Prompt(prompt_meta, path, body, sandbox().from_string(ast))


def _split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        raise PromptError(f"提示词 {path.name} 应以 --- 开头的头部信息（id、inputs）开始")
    _, head, body = text.split("---", 2) if text.count("---") >= 2 else ("", "", "")
    if not body:
        raise PromptError(f"提示词 {path.name} 的头部信息没有以 --- 结束")
    try:
        data = yaml.safe_load(head) or {}
    except yaml.YAMLError:
        raise PromptError(f"提示词 {path.name} 的头部信息不是有效的 YAML") from None
    if not isinstance(data, dict):
        raise PromptError(f"提示词 {path.name} 的头部信息应为键值结构")
    return data, body.lstrip("\n")


@dataclass(frozen=True)
class PromptSet:
    prompts: dict[str, Prompt]

    def __getitem__(self, prompt_id: str) -> Prompt:
        return self.prompts[prompt_id]


def load_llm_prompts(override: Path | None = None) -> PromptSet:
    """The system, re-ask and per-section prompts, validated; the user's files take precedence."""
    paths = tuple(find_file("llm", f"{pid}.md", override) for pid in LLM_PROMPT_IDS)
    return _load_cached(paths, tuple(p.stat().st_mtime_ns for p in paths))


@functools.lru_cache(maxsize=8)
def _load_cached(paths: tuple[Path, ...], _mtimes: tuple[int, ...]) -> PromptSet:
    return PromptSet({p.stem: parse_prompt(p) for p in paths})


def fence(label: str, text: str) -> str:
    """User text as labelled material; fence markers inside it are neutralised."""
    safe = text.replace("<<<", "‹‹‹").replace(">>>", "›››")
    return f"【素材：{label}】\n<<<\n{safe}\n>>>"
