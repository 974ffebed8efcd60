"""Reading published reports: .docx of any maker, .doc/.wps (via LibreOffice), HTML pages, PDF.

`import_report` tells the format by the file's content (its name only breaks a tie), reads its
paragraphs and tables with the reader for that format, and turns them into report data kept as
published (`reading.report_from_document`).
"""

from __future__ import annotations

from pathlib import Path

from .document import PublishedDocument, ReportImportError
from .reading import ImportResult, report_from_document

__all__ = ["ImportResult", "ReportImportError", "import_report", "read_document"]

SUFFIXES = (".docx", ".doc", ".wps", ".html", ".htm", ".mht", ".mhtml", ".pdf")


def read_document(data: bytes, filename: str = "") -> PublishedDocument:
    """Paragraphs and tables of a published report in any supported format.

    Raises `ReportImportError` (Chinese) for an unsupported, damaged or unsafe file.
    """
    name = filename.lower()
    head = data[:4096].lstrip()
    if data.startswith(b"PK") or (name.endswith(".docx") and not data.startswith(b"\xd0\xcf")):
        from .docx import read_docx

        return read_docx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        from .legacy import read_legacy

        return read_legacy(data, name)
    if head.startswith(b"%PDF"):
        from .pdf import read_pdf

        return read_pdf(data)
    lowered = head.lower()
    if name.endswith((".mht", ".mhtml")) or b"multipart/related" in lowered:
        from .html import read_mht

        return read_mht(data)
    if name.endswith((".html", ".htm")) or b"<html" in lowered or b"<table" in lowered:
        from .html import read_html

        return read_html(data)
    raise ReportImportError(
        "文件不是 .docx、.doc、.wps、网页（.html、.htm、.mht）或 PDF 格式的年度报告；"
        "请导入发布的年度报告文件"
    )


def import_report(
    source: Path | str | bytes,
    *,
    filename: str = "",
    agency: str | None = None,
    report_year: int | None = None,
    docx_only: bool = False,
) -> ImportResult:
    """Read a published report (path or bytes) into report data, kept as published.

    `filename` names the file when `source` is bytes (for the format and `source.file`);
    `docx_only` reads the content as .docx whatever it is (messages then speak of .docx).
    Raises `ReportImportError` with a Chinese message saying why and what to do.
    """
    from .docx import read_docx, read_source

    if not isinstance(source, bytes):
        filename = filename or Path(source).name
    data = read_source(source)
    document = read_docx(data) if docx_only else read_document(data, filename)
    return report_from_document(document, agency=agency, report_year=report_year, filename=filename)
