"""`draftbot import`: a published report (Word, web page, PDF) or a filled Excel template
read back into a data file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import OverwriteOpt, check_data_output, fail, load_any

if TYPE_CHECKING:
    from ..published import ImportResult


def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="已发布的年度报告：.docx、.doc、.wps、.html、.htm、.mht 或 .pdf；或填好的 Excel 填报模板（.xlsx）"
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="写入的数据文件（.yaml / .json）；省略则输出到屏幕"),
    ] = None,
    agency: Annotated[
        str | None, typer.Option("--agency", help="机关全称（标题无法识别时填写）")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="统计年度（标题无法识别时填写）")
    ] = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """从已发布的年度报告（Word、网页、PDF）读回三张表和正文，写成数据文件，并列出读到了什么、哪些单元格存疑。

    数字按原样保留：空白、“/”、缺少的行、错印的栏目名都记录在数据文件的 source.notes 中，
    并在 draftbot check 中以提示列出，不会当作 0 悄悄带过。Excel 填报模板（draftbot excel template）同样可以读回。
    """
    from ..datafile import dump_report, save_report
    from ..published import ImportResult, ReportImportError, import_report

    if output is not None:
        check_data_output(output, overwrite)
    if file.suffix.lower() == ".xlsx":
        read = ["Excel 填报模板的基本信息、表二、表三、表四和正文"]
        result = ImportResult(load_any(file), read=read)
    else:
        try:
            result = import_report(file, agency=agency, report_year=year)
        except ReportImportError as exc:
            raise fail(f"无法导入 {file}：{exc}") from None
    if output is None:
        typer.echo(dump_report(result.report), nl=False)
    else:
        save_report(result.report, output)
    _print_import_report(result, output)


def _print_import_report(result: ImportResult, output: Path | None) -> None:
    """What was read and what is uncertain, on stderr when the data goes to the screen."""
    report = result.report
    err = output is None
    if output is not None:
        typer.echo(
            f"已写入 {output}（{report.meta.agency}{report.meta.report_year}年，{report.format_version} 格式）"
        )
    typer.echo("读取到：" + "；".join(result.read), err=err)
    if not result.findings:
        typer.echo("没有存疑的单元格。", err=err)
        return
    typer.echo(
        f"存疑 {len(result.findings)} 处（已按原样保留，draftbot check 会再次列出）：", err=err
    )
    for finding in result.findings:
        typer.echo(f"  - {finding.location}：{finding.message}", err=err)
