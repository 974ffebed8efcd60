"""The whole document as blocks: `plan_document` runs the gate, fills the preamble and
closing from the meta data (W-03 for what is missing), and lays out the sections of
`outline.SECTIONS` in order, the wide tables on landscape pages (W-01 placeholders, W-04 when
forced)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ..findings import Finding, has_errors
from ..model import Report
from ..outline import SECTIONS
from ..tables import Grid, table2_grid, table3_grid, table4_grid
from .blocks import (
    DRAFT_MARK,
    DRAFT_PLACEHOLDER,
    EMPTY_SECTION,
    FORCED_DRAFT,
    MISSING_META,
    MISSING_PLACEHOLDER,
    TITLE_SUFFIX,
    Block,
    BlockKind,
    DocumentPlan,
    prose_blocks,
    title_lines,
    xml_safe_text,
)
from .readiness import gate, where_to_fill
from .template import (
    META_LABELS,
    META_PATHS,
    TEMPLATE_VARIABLES,
    DocumentTemplate,
    load_document_template,
    meta_values,
)

LANDSCAPE_TABLES = frozenset({"表三", "表四"})  # wide tables, printed on landscape pages
_GRIDS: dict[str, Callable[[Report], Grid]] = {
    "表二": table2_grid,
    "表三": table3_grid,
    "表四": table4_grid,
}


def _section_blocks(report: Report, key: str, findings: list[Finding]) -> list[Block]:
    text, bad = xml_safe_text(getattr(report.narrative, key), f"narrative.{key}")
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


def _template_values(
    report: Report, findings: list[Finding], used: frozenset[str]
) -> dict[str, str]:
    """The template variables' text, cleaned for .docx; an empty field reads （待填写）, with a
    W-03 warning when the template prints it (`used`; a formal export never gets here with
    one: `gate`)."""
    values = {}
    for name, value in meta_values(report).items():
        path = META_PATHS[name]
        value, bad = xml_safe_text(value, path)
        findings.extend(bad)
        if not value and name in used:
            findings.append(
                Finding(
                    MISSING_META,
                    "warning",
                    f"未填写，文档中暂以“{MISSING_PLACEHOLDER}”占位",
                    f"请填写{META_LABELS[name]}（{where_to_fill(path)}）后重新导出",
                    paths=(path,),
                )
            )
        values[name] = value or MISSING_PLACEHOLDER
    return values


def plan_document(
    report: Report,
    *,
    force: bool = False,
    template: DocumentTemplate | None = None,
    findings: Sequence[Finding] | None = None,
) -> DocumentPlan:
    """The whole document as blocks, after the export gate (`findings`: see `gate`)."""
    template = template or load_document_template()
    check_findings = gate(report, force=force, findings=findings, template=template)
    draft = has_errors(check_findings)
    document_findings: list[Finding] = []
    if draft:
        document_findings.append(_forced_draft_finding(check_findings))
    values = _template_values(report, document_findings, template.variables)
    title = "\n".join(title_lines(values["agency"], report.meta.report_year))

    blocks = [Block("title", title)]
    blocks += _template_blocks("body", template.render_preamble, values)
    blocks += _outline_blocks(report, document_findings)
    blocks += _template_blocks("closing", template.render_closing, values)
    title = f"{values['agency']}{report.meta.report_year}{TITLE_SUFFIX}"
    return DocumentPlan(title, values["agency"], blocks, document_findings, draft)


def _forced_draft_finding(findings: list[Finding]) -> Finding:
    unwritten = sum(f.code == EMPTY_SECTION for f in findings)
    missing = sum(f.code == MISSING_META and f.severity == "error" for f in findings)
    errors = sum(f.severity == "error" for f in findings) - unwritten - missing
    reasons = [f"数据检查有 {errors} 个错误"] if errors else []
    if unwritten:
        reasons.append(f"正文有 {unwritten} 部分{DRAFT_PLACEHOLDER}")
    if missing:
        reasons.append(f"基本信息有 {missing} 项未填写、印为“{MISSING_PLACEHOLDER}”")
    return Finding(
        FORCED_DRAFT,
        "warning",
        f"{'，'.join(reasons)}，按要求强制导出；每页页眉标注“{DRAFT_MARK}”",
        "改正错误、起草全部正文、填写基本信息后重新导出正式文档",
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
    return next((name for name, p in META_PATHS.items() if p == path), None)
