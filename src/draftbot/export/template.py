"""The preamble and closing wording: prompts/document/report.yaml (or the user's copy),
compiled in a Jinja sandbox with a fixed set of variables, cached by file version."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import DraftbotError
from ..model import Report
from ..resources import bundled_dir
from .blocks import text_lines

TEMPLATE_VARIABLES = frozenset(
    {"agency", "year", "format_version", "website", "contact", "publish_date"}
)
# Template variable → the data path of the `Meta` field it prints, and that field's label.
META_PATHS = {
    "agency": "meta.agency",
    "year": "meta.report_year",
    "format_version": "meta.format_version",
    "website": "meta.website",
    "contact": "meta.contact",
    "publish_date": "meta.publish_date",
}
META_LABELS = {
    "agency": "机关全称",
    "year": "统计年度",
    "format_version": "格式版本",
    "website": "电子版下载网址",
    "contact": "联系方式",
    "publish_date": "发布日期（落款日期）",
}


def meta_values(report: Report) -> dict[str, str]:
    """Each template variable's text as the data gives it (stripped, not yet cleaned for
    .docx; "" when the field is empty): the date as “2024年1月22日”."""
    meta = report.meta
    date = meta.publish_date
    return {
        "agency": meta.agency.strip(),
        "year": str(meta.report_year),
        "format_version": report.format_version,
        "website": meta.website.strip(),
        "contact": meta.contact.strip(),
        "publish_date": f"{date.year}年{date.month}月{date.day}日" if date else "",
    }


class TemplateError(DraftbotError):
    """A preamble/closing template that cannot be used; the message says where and why."""


# --- templates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentTemplate:
    """The compiled preamble and closing lines (`source`: the file they came from;
    `variables`: the TEMPLATE_VARIABLES they use, so the export knows which empty fields
    would be printed as （待填写））."""

    source: str
    preamble: Any  # jinja2.Template
    closing: tuple[Any, ...]
    variables: frozenset[str] = TEMPLATE_VARIABLES

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
    parts = [_compile(preamble, path, "preamble")] + [
        _compile(text, path, f"closing 第 {i + 1} 行") for i, text in enumerate(closing)
    ]
    template = DocumentTemplate(
        source=path,
        preamble=parts[0][0],
        closing=tuple(compiled for compiled, _ in parts[1:]),
        variables=frozenset().union(*(used for _, used in parts)),
    )
    sample = dict.fromkeys(TEMPLATE_VARIABLES, "示例")
    try:
        template.render_preamble(sample)
        template.render_closing(sample)
    except Exception as exc:
        raise TemplateError(f"模板文件 {path} 无法填入示例数据：{exc}") from None
    return template


def _compile(text: str, path: str, part: str) -> tuple[Any, frozenset[str]]:
    """The compiled template and the variables it uses; `TemplateError` names the part."""
    from jinja2 import StrictUndefined, TemplateSyntaxError, meta
    from jinja2.sandbox import SandboxedEnvironment

    # Plain text goes into the .docx, so no HTML escaping; the sandbox because users edit these.
    env = SandboxedEnvironment(
        autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False
    )
    try:
        used = frozenset(meta.find_undeclared_variables(env.parse(text)))
    except TemplateSyntaxError as exc:
        raise TemplateError(
            f"模板文件 {path} 的 {part} 第 {exc.lineno} 行语法错误：{exc.message}"
        ) from None
    unknown = used - TEMPLATE_VARIABLES
    if unknown:
        allowed = "、".join(sorted(TEMPLATE_VARIABLES))
        raise TemplateError(
            f"模板文件 {path} 的 {part} 使用了未知变量 {'、'.join(sorted(unknown))}；可用变量：{allowed}"
        )
    return env.from_string(text), used
