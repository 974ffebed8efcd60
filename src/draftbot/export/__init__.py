"""What the exported report says, block by block, without knowing about Word.

- `blocks.py`: placeholders and export-time codes, `Block` and `DocumentPlan`, the title's
  line breaks, prose cut into paragraphs, text cleaned for .docx (W-02);
- `template.py`: the preamble and closing wording (prompts/document/report.yaml, sandboxed
  Jinja, cached by file version; `TemplateError`);
- `readiness.py`: whether a formal document may be exported (`gate`, `ExportBlocked`,
  unwritten sections W-01, empty basic-information fields the document prints W-03);
- `plan.py`: `plan_document`, the sections of `outline.SECTIONS` as blocks plus the
  export-time findings.

`draftbot.word` draws the blocks with python-docx; a web preview can draw the same plan.
"""

from __future__ import annotations

from .blocks import (
    BAD_CHARACTERS,
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
    text_lines,
    title_lines,
    xml_safe_text,
)
from .plan import LANDSCAPE_TABLES, meta_variable_of, plan_document
from .readiness import (
    ExportBlocked,
    gate,
    missing_meta,
    missing_meta_findings,
    unwritten_findings,
    unwritten_sections,
    where_to_fill,
)
from .template import TEMPLATE_VARIABLES, DocumentTemplate, TemplateError, load_document_template

__all__ = [
    "BAD_CHARACTERS",
    "DRAFT_MARK",
    "DRAFT_PLACEHOLDER",
    "EMPTY_SECTION",
    "FORCED_DRAFT",
    "LANDSCAPE_TABLES",
    "MISSING_META",
    "MISSING_PLACEHOLDER",
    "TEMPLATE_VARIABLES",
    "TITLE_SUFFIX",
    "Block",
    "BlockKind",
    "DocumentPlan",
    "DocumentTemplate",
    "ExportBlocked",
    "TemplateError",
    "gate",
    "load_document_template",
    "meta_variable_of",
    "missing_meta",
    "missing_meta_findings",
    "plan_document",
    "prose_blocks",
    "text_lines",
    "title_lines",
    "unwritten_findings",
    "unwritten_sections",
    "where_to_fill",
    "xml_safe_text",
]
