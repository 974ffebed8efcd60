"""`draftbot export`: the official .docx or PDF, or the 审阅稿 with Word comments."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import FileArg, fail, load, write_bytes
from .plain import print_findings, shipped_example_problem

if TYPE_CHECKING:
    from ..export import DocumentTemplate
    from ..findings import Finding
    from ..model import Report


def export_(
    file: FileArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="写入的文件（.docx 或 .pdf）；省略则与数据文件同名（审阅稿加“-审阅稿”）",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="检查有错误或正文未起草时仍然导出，每页页眉标注“草稿”")
    ] = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="导出 PDF（需安装 LibreOffice）；-o 以 .pdf 结尾时相同")
    ] = False,
    review: Annotated[
        bool,
        typer.Option(
            "--review",
            help="导出审阅稿（.docx）：每条检查结果作为 Word 批注标在对应的单元格或句子上",
        ),
    ] = False,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="自定义模板目录（其中的 document/report.yaml 覆盖前言和落款）；默认为 DRAFTBOT_PROMPTS_DIR",
        ),
    ] = None,
) -> None:
    """按官方格式导出 Word（.docx）或 PDF 年度报告，或导出带批注的审阅稿。

    数据检查有错误、或正文还有（待起草）的部分时拒绝导出正式文档，除非加 --force。
    """
    from ..export import ExportBlocked, TemplateError, load_document_template

    report = load(file)
    target = export_target(file, output, pdf=pdf, review=review)
    problem = shipped_example_problem(target, "export")
    if problem is not None:
        raise fail(problem)
    try:
        template = load_document_template(templates)
        data, findings = _export_bytes(
            report, target, force=force, review=review, template=template
        )
    except ExportBlocked as exc:
        print_findings(exc.findings)
        raise fail(str(exc), 1) from None
    except TemplateError as exc:
        raise fail(str(exc)) from None
    write_bytes(target, data, hint="（文件是否正在 Word/WPS 或 PDF 阅读器中打开？）")
    for f in findings:
        typer.echo(f"提示 {f.code} {f.location}：{f.message}")
    typer.echo(f"已导出 {target}")


def export_target(file: Path, output: Path | None, *, pdf: bool, review: bool) -> Path:
    """The file to write: `output`, or the data file's name with .docx/.pdf (审阅稿 adds
    “-审阅稿”); exits 2 when `output`'s suffix does not fit the options."""
    if output is None:
        stem = file.stem + ("-审阅稿" if review else "")
        return file.with_name(stem + (".pdf" if pdf else ".docx"))
    suffix = output.suffix.lower()
    if review and suffix != ".docx":
        raise fail(f"审阅稿是带批注的 Word 文档，输出文件应以 .docx 结尾：{output}")
    if pdf and suffix != ".pdf":
        raise fail(f"加 --pdf 时输出文件应以 .pdf 结尾：{output}")
    if suffix not in (".docx", ".pdf"):
        raise fail(f"输出文件应以 .docx 或 .pdf 结尾：{output}")
    return output


def _export_bytes(
    report: Report, target: Path, *, force: bool, review: bool, template: DocumentTemplate
) -> tuple[bytes, list[Finding]]:
    """The exported file's bytes and the export-time warnings; exits with a message on failure."""
    from ..word import build_docx, build_review_docx

    if review:
        return build_review_docx(report, template=template).data, []
    result = build_docx(report, force=force, template=template)
    if target.suffix.lower() != ".pdf":
        return result.data, result.findings
    from ..pdf_export import PdfError, docx_to_pdf

    try:
        return docx_to_pdf(result.data), result.findings
    except PdfError as exc:
        raise fail(f"未能导出 PDF：{exc}") from None
