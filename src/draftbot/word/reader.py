"""Reading a .docx back into a report (the published-report importer, .docx only)."""

from __future__ import annotations

from pathlib import Path

from ..model import Report
from ..published import ReportImportError, import_report

# --- reading back -----------------------------------------------------------------------------

DocxImportError = ReportImportError


def import_docx(
    source: Path | str | bytes,
    *,
    agency: str | None = None,
    report_year: int | None = None,
) -> Report:
    """Read 表二、表三、表四, the prose and the title of a .docx; see `published.import_report`.

    Raises `DocxImportError` (a `ReportImportError`) with a Chinese message.
    """
    return import_report(source, agency=agency, report_year=report_year, docx_only=True).report
