"""Report commands that read a data file and print: `check`, `schema`, `demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import FileArg, load
from .plain import print_findings, print_summary, run_check


def check(
    file: FileArg,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出检查结果")] = False,
) -> None:
    """检查数据文件：表三勾稽关系、各表总计、跨年度衔接、年份与格式版本，以及正文审校（P-01～P-12）。有错误时退出码为 1；加 --json 时出错也输出 JSON（带 error）。"""
    raise typer.Exit(run_check(file, as_json))


def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="写入的文件；省略则输出到屏幕")
    ] = None,
) -> None:
    """输出报告数据文件的 JSON Schema。"""
    from ..schema import report_schema_text

    text = report_schema_text()
    if output is None:
        typer.echo(text, nl=False)
    else:
        from ..datafile import atomic_write_text

        atomic_write_text(output, text)
        typer.echo(f"已写入 {output}")


def demo() -> None:
    """用自带的示例报告走一遍主流程：读取、检查、输出摘要。"""
    from ..checks import check_report
    from ..resources import bundled_file

    path = bundled_file("examples", "seed-2022.yaml")
    typer.echo(f"示例数据：{path}")
    report = load(path)
    print_summary(report)
    print_findings(check_report(report))
