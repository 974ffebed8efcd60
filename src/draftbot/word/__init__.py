"""The Word (.docx) document: the only package that imports python-docx.

- `layout.py`: the official layout as OOXML (GB/T 9704 fonts, sizes, paragraphs, tables);
- `writer.py`: the official .docx from `export.plan_document` (`build_docx`, `export_docx`);
- `review.py`: the 审阅稿, every finding as a Word comment (`build_review_docx`);
- `reader.py`: a .docx read back into a report (`import_docx`).

What the document says comes from `export.plan_document`; zip limits for reading live in
`archives.py`.
"""

from __future__ import annotations

from ..export import ExportBlocked
from ..text import sentence_pieces
from .reader import DocxImportError, import_docx
from .review import REVIEW_AUTHOR, REVIEW_MARK, UNREVIEWED_NOTE, build_review_docx
from .writer import ExportResult, build_docx, export_docx

__all__ = [
    "REVIEW_AUTHOR",
    "REVIEW_MARK",
    "UNREVIEWED_NOTE",
    "DocxImportError",
    "ExportBlocked",
    "ExportResult",
    "build_docx",
    "build_review_docx",
    "export_docx",
    "import_docx",
    "sentence_pieces",
]
