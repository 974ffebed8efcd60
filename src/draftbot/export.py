"""What the exported report says, block by block, without knowing about Word.

`plan_document` turns a `Report` into a flat list of `Block`s (title, preamble, the six
headings, the narrative paragraphs, the three table grids, the closing) plus the export-time
findings. `word.py` draws the blocks with python-docx; a web preview can draw the same plan.
The fixed wording of the preamble and closing lives in prompts/document/report.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from .checks import check_report, table3_awaits_entries, table3_reminder
from .findings import Finding, has_errors, placed
from .model import Report
from .outline import SECTION_KEYS, SECTION_LABELS, SECTIONS
from .resources import bundled_dir
from .tables import Grid, table2_grid, table3_grid, table4_grid
from .text import CONTROL_RE

DRAFT_PLACEHOLDER = "（待起草）"
MISSING_PLACEHOLDER = "（待填写）"
DRAFT_MARK = "草稿"

LANDSCAPE_TABLES = frozenset({"表三", "表四"})  # wide tables, printed on landscape pages
_GRIDS: dict[str, Callable[[Report], Grid]] = {
    "表二": table2_grid,
    "表三": table3_grid,
    "表四": table4_grid,
}

TEMPLATE_VARIABLES = frozenset(
    {"agency", "year", "format_version", "website", "contact", "publish_date"}
)

# Export-time finding codes.
EMPTY_SECTION = "W-01"
BAD_CHARACTERS = "W-02"
MISSING_META = "W-03"
FORCED_DRAFT = "W-04"

BlockKind = Literal["title", "heading", "subheading", "body", "table", "closing", "landscape"]


@dataclass(frozen=True)
class Block:
    """One paragraph or table of the document.

    `lead` is a （一）-style run-in heading at the start of a body paragraph (drawn in 楷体);
    `landscape` blocks open (text "on") and close (text "off") a landscape section.
    """

    kind: BlockKind
    text: str = ""
    lead: str = ""
    grid: Grid | None = None
    placeholder: bool = False
    section: str = ""  # the narrative key (SECTION_KEYS) a prose block belongs to
    fields: tuple[str, ...] = ()  # meta fields (TEMPLATE_VARIABLES) printed in this line


@dataclass
class DocumentPlan:
    title: str  # one line, cleaned: for the document properties
    agency: str  # cleaned
    blocks: list[Block]
    findings: list[Finding] = field(default_factory=list)
    draft: bool = False


class ExportBlocked(Exception):
    """A formal export is refused: the checks found errors, or prose sections are unwritten.

    `findings` are the check findings plus one error (W-01) per unwritten section;
    `unwritten` the labels of the sections still reading （待起草）. `force` exports a 草稿.
    """

    def __init__(self, findings: list[Finding], unwritten: list[str] | None = None) -> None:
        self.findings = findings
        self.unwritten = list(unwritten or [])
        errors = sum(f.severity == "error" for f in findings) - len(self.unwritten)
        reasons = []
        if errors:
            reasons.append(f"数据检查发现 {errors} 个错误")
        if self.unwritten:
            reasons.append(
                f"正文还有 {len(self.unwritten)} 部分{DRAFT_PLACEHOLDER}：{'、'.join(self.unwritten)}"
            )
        super().__init__(
            "；".join(reasons) + "，未导出正式文档。请先改正或起草（draftbot check 可查看详情，"
            "draftbot draft 可起草正文），或使用 --force 导出标有“草稿”的文档"
        )


class TemplateError(Exception):
    """A preamble/closing template that cannot be used; the message says where and why."""


# --- templates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentTemplate:
    source: str
    preamble: Any  # jinja2.Template
    closing: tuple[Any, ...]

    def render_preamble(self, values: dict[str, str]) -> list[str]:
        return _lines(self.preamble.render(values))

    def render_closing(self, values: dict[str, str]) -> list[str]:
        return [line for t in self.closing for line in _lines(t.render(values))]


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
    from .config import SettingsError, load_settings

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


# --- text cleaning ---------------------------------------------------------------------------

# Characters XML 1.0 cannot hold (python-docx raises on them), lone surrogates, DEL.
_XML_INVALID = CONTROL_RE


def clean_text(text: str, path: str) -> tuple[str, list[Finding]]:
    """`text` (found at data path `path`) without XML-invalid characters, and a warning
    naming what was removed."""
    bad = _XML_INVALID.findall(text)
    if not bad:
        return text, []
    shown = "、".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(bad))
    finding = Finding(
        BAD_CHARACTERS,
        "warning",
        f"删除了 {len(bad)} 个无法写入 Word 的控制字符（{shown}），其余文字保留",
        "这些字符通常来自复制粘贴；请在导出的文档中核对该处文字",
        **placed(path),
    )
    return _XML_INVALID.sub("", text), [finding]


def _lines(text: str) -> list[str]:
    """Each non-blank line of `text` (any newline convention), stripped."""
    return [line.strip() for line in re.split(r"\r\n|\r|\n|\u2028|\u2029", text) if line.strip()]


# --- title -----------------------------------------------------------------------------------

TITLE_SUFFIX = "年政府信息公开工作年度报告"
TITLE_LINE_WIDTH = 20.0  # 二号 characters per line of the 156 mm 版心
_DIVISION_ENDS = "省市县区州盟旗乡镇"


def _width(text: str) -> float:
    return sum(0.5 if unicodedata.east_asian_width(ch) in "NaH" else 1.0 for ch in text)


def _title_breaks(agency: str, year: int) -> list[int]:
    """Offsets in the title where a line may break without splitting a word."""
    breaks = [i + 1 for i, ch in enumerate(agency[:-1]) if ch in _DIVISION_ENDS]
    breaks += [m.end() for m in re.finditer("人民政府|办公室", agency) if m.end() < len(agency)]
    after_year = len(agency) + len(str(year)) + 1
    breaks += [len(agency), after_year, after_year + len("政府信息公开工作")]
    return sorted(set(breaks))


def title_lines(agency: str, year: int) -> list[str]:
    """The title in one to three lines of similar width (GB/T 9704 梯形/菱形 arrangement)."""
    title = f"{agency}{year}{TITLE_SUFFIX}"
    if _width(title) <= TITLE_LINE_WIDTH:
        return [title]
    breaks = _title_breaks(agency, year)
    candidates = [[b] for b in breaks] + [[a, b] for a in breaks for b in breaks if a < b]
    best: list[str] | None = None
    best_score = float("inf")
    for cut in candidates:
        bounds = [0, *cut, len(title)]
        lines = [title[a:b] for a, b in pairwise(bounds)]
        widths = [_width(line) for line in lines]
        overflow = sum(max(0.0, w - TITLE_LINE_WIDTH) for w in widths)
        score = overflow * 100 + len(lines) * 3 + (max(widths) - min(widths))
        if score < best_score:
            best, best_score = lines, score
    return best or [title]


# --- narrative -------------------------------------------------------------------------------

_RUN_IN_HEADING = re.compile(r"^（[一二三四五六七八九十]+）")
_RUN_IN_MAX = 30


def prose_blocks(text: str) -> list[Block]:
    """Each line a body paragraph; a leading （一）… heading is split off as a 楷体 lead."""
    blocks = []
    for line in _lines(text):
        if not _RUN_IN_HEADING.match(line):
            blocks.append(Block("body", line))
            continue
        head, stop, rest = line.partition("。")
        if stop and len(head) < _RUN_IN_MAX:
            blocks.append(Block("body", rest, lead=head + stop))
        elif not stop and len(line) <= _RUN_IN_MAX:
            blocks.append(Block("subheading", line))
        else:
            blocks.append(Block("body", line))
    return blocks


def _section_blocks(report: Report, key: str, findings: list[Finding]) -> list[Block]:
    text, bad = clean_text(getattr(report.narrative, key), f"narrative.{key}")
    findings.extend(bad)
    blocks = [replace(block, section=key) for block in prose_blocks(text)]
    if blocks:
        return blocks
    findings.append(
        Finding(
            EMPTY_SECTION,
            "warning",
            f"这一部分还没有正文，文档中暂以“{DRAFT_PLACEHOLDER}”占位",
            "请起草或填写这一部分后重新导出",
            section=key,
        )
    )
    return [Block("body", DRAFT_PLACEHOLDER, placeholder=True, section=key)]


def _outline_blocks(report: Report, findings: list[Finding]) -> list[Block]:
    """The six sections of `outline.SECTIONS` in order: heading, table or prose, sub-parts;
    the wide tables on landscape pages."""
    blocks: list[Block] = []
    landscape = False
    for section in SECTIONS:
        wide = section.table in LANDSCAPE_TABLES
        if wide != landscape:
            blocks.append(Block("landscape", "on" if wide else "off"))
            landscape = wide
        blocks.append(Block("heading", section.heading))
        if section.table:
            blocks.append(Block("table", grid=_GRIDS[section.table](report)))
        if section.body:
            blocks += _section_blocks(report, section.body.key, findings)
        for part in section.parts:
            blocks.append(Block("subheading", part.title))
            blocks += _section_blocks(report, part.key, findings)
    if landscape:
        blocks.append(Block("landscape", "off"))
    return blocks


# --- the plan --------------------------------------------------------------------------------

_META_LABELS = {
    "agency": "机关全称",
    "year": "统计年度",
    "format_version": "格式版本",
    "website": "电子版下载网址",
    "contact": "联系方式",
    "publish_date": "发布日期（落款日期）",
}
_META_FIELDS = {"year": "report_year"}  # template variable → field of `Meta`


def _template_values(report: Report, findings: list[Finding]) -> dict[str, str]:
    meta = report.meta
    date = meta.publish_date
    raw = {
        "agency": meta.agency,
        "year": str(meta.report_year),
        "format_version": report.format_version,
        "website": meta.website,
        "contact": meta.contact,
        "publish_date": f"{date.year}年{date.month}月{date.day}日" if date else "",
    }
    values = {}
    for name, value in raw.items():
        path = f"meta.{_META_FIELDS.get(name, name)}"
        value, bad = clean_text(value.strip(), path)
        findings.extend(bad)
        if not value:
            findings.append(
                Finding(
                    MISSING_META,
                    "warning",
                    f"未填写，文档中暂以“{MISSING_PLACEHOLDER}”占位",
                    f"请在数据文件的 meta 中填写{_META_LABELS[name]}后重新导出",
                    paths=(path,),
                )
            )
            value = MISSING_PLACEHOLDER
        values[name] = value
    return values


def unwritten_sections(report: Report) -> list[str]:
    """Labels (as printed in the document) of prose sections without text: （待起草） in export."""
    return [SECTION_LABELS[key] for key in _unwritten_keys(report)]


def _unwritten_keys(report: Report) -> list[str]:
    return [
        key
        for key in SECTION_KEYS
        if not _lines(_XML_INVALID.sub("", getattr(report.narrative, key)))
    ]


def unwritten_findings(report: Report) -> list[Finding]:
    """One error (W-01) per unwritten section: a formal document cannot print （待起草）."""
    return [
        Finding(
            EMPTY_SECTION,
            "error",
            f"这一部分还没有正文，正式文档中不能以“{DRAFT_PLACEHOLDER}”发布",
            "请起草或填写这一部分；确需先给领导看，可导出标注“草稿”的文档",
            section=key,
        )
        for key in _unwritten_keys(report)
    ]


def gate(
    report: Report, *, force: bool = False, findings: Sequence[Finding] | None = None
) -> list[Finding]:
    """The check findings plus unwritten-section errors (W-01).

    Raises `ExportBlocked` when any is an error (unless forced): a formal document has no
    errors and no （待起草） section. `findings` are `check_report(report)` when the caller
    already has them (the web caches them per version), so a report is checked once.
    """
    unwritten = unwritten_findings(report)
    checked = check_report(report) if findings is None else list(findings)
    findings = checked + unwritten
    if table3_awaits_entries(report):  # a reminder while editing, a blocker for publishing
        findings = [f for f in findings if f.code != "T3-01"]
        findings.append(table3_reminder(report, "error"))
    if has_errors(findings) and not force:
        raise ExportBlocked(findings, [SECTION_LABELS[f.section or ""] for f in unwritten])
    return findings


def plan_document(
    report: Report,
    *,
    force: bool = False,
    template: DocumentTemplate | None = None,
    findings: Sequence[Finding] | None = None,
) -> DocumentPlan:
    """The whole document as blocks, after the export gate (`findings`: see `gate`)."""
    check_findings = gate(report, force=force, findings=findings)
    draft = has_errors(check_findings)
    document_findings: list[Finding] = []
    if draft:
        document_findings.append(_forced_draft_finding(check_findings))
    template = template or load_document_template()
    values = _template_values(report, document_findings)
    title = "\n".join(title_lines(values["agency"], report.meta.report_year))

    blocks = [Block("title", title)]
    blocks += _template_blocks("body", template.render_preamble, values)
    blocks += _outline_blocks(report, document_findings)
    blocks += _template_blocks("closing", template.render_closing, values)
    title = f"{values['agency']}{report.meta.report_year}{TITLE_SUFFIX}"
    return DocumentPlan(title, values["agency"], blocks, document_findings, draft)


def _forced_draft_finding(findings: list[Finding]) -> Finding:
    unwritten = sum(f.code == EMPTY_SECTION for f in findings)
    errors = sum(f.severity == "error" for f in findings) - unwritten
    reasons = [f"数据检查有 {errors} 个错误"] if errors else []
    if unwritten:
        reasons.append(f"正文有 {unwritten} 部分{DRAFT_PLACEHOLDER}")
    return Finding(
        FORCED_DRAFT,
        "warning",
        f"{'，'.join(reasons)}，按要求强制导出；每页页眉标注“{DRAFT_MARK}”",
        "改正错误、起草全部正文后重新导出正式文档",
        topic="导出",
    )


_FIELD_MARK = "\ue000{}\ue001"


def _template_blocks(
    kind: BlockKind, render: Callable[[dict[str, str]], list[str]], values: dict[str, str]
) -> list[Block]:
    """The rendered lines as blocks, each knowing which meta fields it prints."""
    lines = render(values)
    fields: list[set[str]] = [set() for _ in lines]
    for name in TEMPLATE_VARIABLES:
        marked = render({**values, name: _FIELD_MARK.format(name)})
        if len(marked) != len(lines):
            continue  # a field that changes the line count (an {% if %}): not located
        for i, line in enumerate(marked):
            if _FIELD_MARK.format(name) in line:
                fields[i].add(name)
    return [
        Block(kind, line, fields=tuple(sorted(names)))
        for line, names in zip(lines, fields, strict=True)
    ]


def meta_variable_of(path: str) -> str | None:
    """The template variable (TEMPLATE_VARIABLES) printing the meta field at data path
    `path` (`meta.report_year` → `year`), or None."""
    if not path.startswith("meta."):
        return None
    field = path.removeprefix("meta.")
    name = next((v for v, f in _META_FIELDS.items() if f == field), field)
    return name if name in TEMPLATE_VARIABLES else None
