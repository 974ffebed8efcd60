"""The 审阅稿: the report with every finding as a Word comment at its cell or sentence."""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_COLOR_INDEX

from ..anchors import quoted_pieces
from ..export import (
    EMPTY_SECTION,
    FORCED_DRAFT,
    MISSING_META,
    Block,
    DocumentTemplate,
    gate,
    load_document_template,
    meta_variable_of,
    plan_document,
)
from ..findings import SEVERITY_LABELS, Finding, cells_of
from ..model import Report
from ..tables import Grid
from .writer import ExportResult, docx_bytes, render_plan

# --- review copy (审阅稿) ----------------------------------------------------------------------

REVIEW_MARK = "审阅稿"
REVIEW_AUTHOR = "draftbot 检查"
UNREVIEWED_NOTE = "待人工审核：本部分由模型或离线模板生成，尚无人修改或确认，请逐句核对后再定稿"


def build_review_docx(
    report: Report,
    *,
    unreviewed: tuple[str, ...] | list[str] = (),
    template: DocumentTemplate | None = None,
) -> ExportResult:
    """The 审阅稿: the report (header 审阅稿) with every finding as a Word comment.

    A table finding is anchored at its value cell, a prose finding at the sentence it quotes
    (else at the section's first paragraph), other findings at the title. Sections whose keys
    are in `unreviewed` are highlighted yellow and carry a 待人工审核 comment; （待起草）
    placeholders carry the W-01 comment. Never blocked: errors are what the reviewer reads.
    """
    template = template or load_document_template()
    findings = gate(report, force=True, template=template)
    plan = plan_document(report, force=True, template=template)
    doc, placed = render_plan(plan, REVIEW_MARK, by_sentence=True)
    keys = [key for block, _ in placed if block.grid for key in _grid_keys(block.grid)]
    extra = [f for f in plan.findings if f.code not in (FORCED_DRAFT, EMPTY_SECTION, MISSING_META)]
    for finding in [*findings, *extra]:
        run = _anchor_run(doc, placed, finding, keys)
        text = f"[{finding.code}] {SEVERITY_LABELS[finding.severity]}：{finding.message}"
        if finding.hint:
            text += f"\n建议：{finding.hint}"
        doc.add_comment(run, text=text, author=REVIEW_AUTHOR, initials="DB")
    for key in unreviewed:
        runs = _section_runs(doc, placed, key)
        if not runs:
            continue
        for run in runs:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        doc.add_comment(runs, text=UNREVIEWED_NOTE, author=REVIEW_AUTHOR, initials="DB")
    return ExportResult(docx_bytes(doc), plan.findings)


def _grid_keys(grid: Grid) -> list[str]:
    return [cell.key for cell in grid.value_cells() if cell.key]


def _anchor_run(
    doc: Any, placed: list[tuple[Block, Any]], finding: Finding, keys: list[str]
) -> Any:
    """The run a finding's comment is anchored at: its cell, its sentence, its preamble line,
    else the title."""
    cells = cells_of(finding, keys)
    if cells:
        return _cell_run(doc, placed, cells[0])
    section = finding.section
    if section is not None:
        runs = _section_runs(doc, placed, section)
        for piece in quoted_pieces(finding):
            for run in runs:
                if piece in run.text:
                    return run
        if runs:
            return runs[0]
    if any(path.startswith("meta.") for path in finding.paths):
        run = _meta_run(doc, placed, finding)
        if run is not None:
            return run
    return _paragraph(doc, placed[0][1]).runs[0]


def _paragraph(doc: Any, element: Any) -> Any:
    from docx.text.paragraph import Paragraph

    return Paragraph(element, doc._body)


def _section_runs(doc: Any, placed: list[tuple[Block, Any]], section: str) -> list[Any]:
    runs = []
    for block, element in placed:
        if block.section == section and block.kind == "body":
            runs += [run for run in _paragraph(doc, element).runs if run.text]
    return runs


def _cell_run(doc: Any, placed: list[tuple[Block, Any]], key: str) -> Any:
    from docx.table import Table

    for block, element in placed:
        if block.grid is None:
            continue
        cell = next((c for c in block.grid.value_cells() if c.key == key), None)
        if cell is not None:
            paragraph = Table(element, doc._body).cell(cell.row, cell.col).paragraphs[0]
            return paragraph.runs[0]
    raise KeyError(key)


def _meta_run(doc: Any, placed: list[tuple[Block, Any]], finding: Finding) -> Any | None:
    """The run of the preamble or closing line printing the field a finding names: the
    sentence holding the quoted value if there is one, else the line's first run."""
    field = next(filter(None, map(meta_variable_of, finding.paths)), None)
    for block, element in placed:
        if field and field in block.fields:
            runs = _paragraph(doc, element).runs
            for piece in quoted_pieces(finding):
                for run in runs:
                    if piece in run.text:
                        return run
            return runs[0]
    return None
