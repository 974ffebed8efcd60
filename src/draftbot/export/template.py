"""The preamble and closing wording: prompts/document/report.yaml (or the user's copy),
compiled in a Jinja sandbox with a fixed set of variables, cached by file version."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import DraftbotError
from ..resources import bundled_dir
from .blocks import text_lines

TEMPLATE_VARIABLES = frozenset(
    {"agency", "year", "format_version", "website", "contact", "publish_date"}
)


class TemplateError(DraftbotError):
    """A preamble/closing template that cannot be used; the message says where and why."""


# --- templates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentTemplate:
    """The compiled preamble and closing lines (`source`: the file they came from)."""

    source: str
    preamble: Any  # jinja2.Template
    closing: tuple[Any, ...]

    def render_preamble(self, values: dict[str, str]) -> list[str]:
        """The preamble's non-blank lines with `values` (TEMPLATE_VARIABLES) filled in."""
        return text_lines(self.preamble.render(values))

    def render_closing(self, values: dict[str, str]) -> list[str]:
        """The closing's non-blank lines (落款, date …) with `values` filled in."""
        return [line for t in self.closing for line in text_lines(t.render(values))]


def load_document_template(override_dir: Path | None = None) -> DocumentTemplate:
    """The preamble/closing template: `override_dir/document/report.yaml` if it exists.

    Without `override_dir`, the user's prompts folder (DRAFTBOT_PROMPTS_DIR) is searched.
    """
    path = bundled_dir("prompts") / "document" / "report.yaml"
    if override_dir is None:
        override_dir = _user_prompts_dir()
    if override_dir is not None:
        candidate = Path(override_dir) / "document" / "report.yaml"
        if candidate.is_file():
            path = candidate
    stat = path.stat()
    return _load_template_cached(str(path), stat.st_mtime_ns, stat.st_size)


def _user_prompts_dir() -> Path | None:
    """DRAFTBOT_PROMPTS_DIR from the settings, read again only when what the settings are read
    from changed: the DRAFTBOT_ variables, the working directory, the `.env` file (issue 19:
    reading the settings for every .docx cost more than building its tables)."""
    variables = tuple(
        sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(_PREFIX))
    )
    cwd = os.getcwd()
    try:
        stat = os.stat(os.path.join(cwd, ".env"))
        env_file: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        env_file = None
    return _prompts_dir_cached(variables, cwd, env_file)


_PREFIX = "DRAFTBOT_"


@lru_cache(maxsize=8)
def _prompts_dir_cached(
    _variables: tuple[tuple[str, str], ...], _cwd: str, _env_file: tuple[int, int] | None
) -> Path | None:
    from ..config import SettingsError, load_settings

    try:
        return load_settings().prompts_dir
    except SettingsError:
        return None  # an unrelated bad setting is reported by the command that needs it


@lru_cache(maxsize=8)
def _load_template_cached(path: str, _mtime: int, _size: int) -> DocumentTemplate:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError(
            f"模板文件 {path} 无法读取（{type(exc).__name__}），请检查格式"
        ) from None
    if not isinstance(data, dict) or set(data) != {"preamble", "closing"}:
        raise TemplateError(f"模板文件 {path} 应恰好包含 preamble 和 closing 两项")
    preamble = data["preamble"]
    closing = data["closing"]
    if not isinstance(preamble, str) or not preamble.strip():
        raise TemplateError(f"模板文件 {path}：preamble（前言）应为非空文字")
    if not isinstance(closing, list) or not closing or not all(isinstance(x, str) for x in closing):
        raise TemplateError(f"模板文件 {path}：closing（落款）应为由文字组成的列表")
    template = DocumentTemplate(
        source=path,
        preamble=_compile(preamble, path, "preamble"),
        closing=tuple(
            _compile(text, path, f"closing 第 {i + 1} 行") for i, text in enumerate(closing)
        ),
    )
    sample = dict.fromkeys(TEMPLATE_VARIABLES, "示例")
    try:
        template.render_preamble(sample)
        template.render_closing(sample)
    except Exception as exc:
        raise TemplateError(f"模板文件 {path} 无法填入示例数据：{exc}") from None
    return template


def _compile(text: str, path: str, part: str) -> Any:
    from jinja2 import StrictUndefined, TemplateSyntaxError, meta
    from jinja2.sandbox import SandboxedEnvironment

    # Plain text goes into the .docx, so no HTML escaping; the sandbox because users edit these.
    env = SandboxedEnvironment(
        autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False
    )
    try:
        unknown = meta.find_undeclared_variables(env.parse(text)) - TEMPLATE_VARIABLES
    except TemplateSyntaxError as exc:
        raise TemplateError(
            f"模板文件 {path} 的 {part} 第 {exc.lineno} 行语法错误：{exc.message}"
        ) from None
    if unknown:
        allowed = "、".join(sorted(TEMPLATE_VARIABLES))
        raise TemplateError(
            f"模板文件 {path} 的 {part} 使用了未知变量 {'、'.join(sorted(unknown))}；可用变量：{allowed}"
        )
    return env.from_string(text)
