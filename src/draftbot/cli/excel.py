"""`draftbot excel template|export`: the Excel 填报模板 (read back with `draftbot import`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import OverwriteOpt, fail, load_any, write_bytes

if TYPE_CHECKING:
    from ..model import Report

excel_app = typer.Typer(
    help="Excel 填报模板：生成模板、把数据写成 .xlsx（读回用 draftbot import）。",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@excel_app.command("template")
def excel_template(
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 .xlsx 文件")],
    year: Annotated[int, typer.Option("--year", help="统计年度（决定表格格式）")],
    agency: Annotated[
        str, typer.Option("--agency", help="机关全称（可在表格中再改）")
    ] = "（请填写机关全称）",
    overwrite: OverwriteOpt = False,
) -> None:
    """生成空白的 Excel 填报模板：基本信息、表二、表三、表四（与官方表格相同的栏目和合并单元格）、正文。"""
    from pydantic import ValidationError

    from ..excel import AGENCY_PLACEHOLDER
    from ..model import Meta, Report

    try:
        report = Report(meta=Meta(agency=agency or AGENCY_PLACEHOLDER, report_year=year))
    except ValidationError:
        raise fail("--year 应为 2019 至 2100 之间的年份，--agency 为 2 至 100 个字") from None
    _write_xlsx(report, output, overwrite)


@excel_app.command("export")
def excel_export(
    file: Annotated[Path, typer.Argument(help="报告数据文件（.yaml / .json / .docx / .xlsx）")],
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 .xlsx 文件")],
    overwrite: OverwriteOpt = False,
) -> None:
    """把一份报告的数据写成已填好的 Excel 填报模板（可在 Excel/WPS 中修改后用 draftbot import 读回）。"""
    _write_xlsx(load_any(file), output, overwrite)


def _write_xlsx(report: Report, output: Path, overwrite: bool) -> None:
    from ..excel import template_bytes

    if output.suffix.lower() != ".xlsx":
        raise fail(f"输出文件应以 .xlsx 结尾：{output}")
    if output.exists() and not overwrite:
        raise fail(f"{output} 已存在，未写入；请换一个文件名，或加 --overwrite")
    write_bytes(output, template_bytes(report), hint="（文件是否正在 Excel/WPS 中打开？）")
    typer.echo(f"已写入 {output}（{report.meta.report_year} 年度，{report.format_version} 格式）")
