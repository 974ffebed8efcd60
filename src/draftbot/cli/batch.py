"""Commands for the 政务公开办: `batch` (check, draft, export many reports) and `rollup`.

Thin layers over `batch`, `audit`, `rollup` and `batch_summary`. Heavy modules are imported
inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import (
    JobsOpt,
    OverwriteOpt,
    PathsArg,
    RenamesOpt,
    check_data_output,
    fail,
    settings,
    write_bytes,
)

if TYPE_CHECKING:
    from ..batch import BatchResult
    from ..model import Report


def _renames(path: Path | None) -> dict[str, str]:
    """The rename map file: a YAML mapping of old agency name → new name."""
    if path is None:
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise fail(f"无法读取更名对照表 {path}：{exc.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError):
        raise fail(f"更名对照表 {path} 不是有效的 YAML；每行写“旧名称: 新名称”") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise fail(f"更名对照表 {path} 应为“旧名称: 新名称”的列表，每行一对")
    return data


def _run(paths: list[Path], options: Any) -> BatchResult:
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as ProgressBar

    from ..batch import run_batch

    with ProgressBar(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done)

        return run_batch(paths, options, progress)


def _print_table(result: BatchResult) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(show_lines=False, expand=True)
    for title in ("序号", "文件", "机关", "年度", "状态", "错误", "提示", "问题代码", "说明"):
        table.add_column(title, overflow="fold")
    for i, item in enumerate(result.items, start=1):
        meta = item.report.meta if item.report else None
        codes = " ".join(f"{c}×{n}" for c, n in item.code_counts().items())
        status = item.status
        if status in ("有错误", "无法读取", "处理失败"):
            status = f"[red]{status}[/red]"
        table.add_row(
            str(i),
            item.source,
            meta.agency if meta else "",
            str(meta.report_year) if meta else "",
            status,
            str(item.errors),
            str(item.warnings),
            codes,
            item.error or item.export_note,
        )
    console.print(table)
    counts = "，".join(f"{k} {v} 份" for k, v in result.status_counts().items() if v)
    console.print(f"共 {len(result.items)} 个文件：{counts}。")


def batch(
    paths: PathsArg,
    draft: Annotated[
        bool, typer.Option("--draft", help="为没有正文的部分起草（已有的正文不改动）")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="起草时只用离线模板，不调用大模型")
    ] = False,
    export: Annotated[
        Path | None, typer.Option("--export", help="把每份报告导出为 Word（.docx）到这个文件夹")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="有错误或正文未起草的报告也导出，每页页眉标注“草稿”")
    ] = False,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf", help="导出的 Word 同时转换为 PDF（需要 LibreOffice；与 --export 一起使用）"
        ),
    ] = False,
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help="汇总结果（汇总.xlsx、汇总.csv、汇总.json）写入的文件夹"
        ),
    ] = Path("批量检查结果"),
    renames: RenamesOpt = None,
    jobs: JobsOpt = 0,
) -> None:
    """批量检查多份报告（文件、文件夹或 zip 压缩包）：逐份检查并做跨报告核对（上年报告衔接、正文雷同、冒用其他机关名称、逾期发布），可起草、导出 Word；汇总表写成 Excel、CSV 和 JSON。有报告出错或无法读取时退出码为 1。"""
    from ..batch import BatchOptions
    from ..batch_summary import write_summary

    if pdf and export is None:
        raise fail("--pdf 需要与 --export 文件夹 一起使用")
    options = BatchOptions(
        draft=draft,
        offline=offline,
        export_dir=export,
        force=force,
        pdf=pdf,
        jobs=max(jobs, 0),
        renames=_renames(renames),
    )
    result = _run(paths, options)
    _print_table(result)
    try:
        written = write_summary(result, output)
    except OSError as exc:
        raise fail(f"无法写入汇总结果到 {output}：{exc.strerror}") from None
    typer.echo("汇总结果：" + "、".join(str(p) for p in written))
    if export is not None:
        n = sum(1 for item in result.items if item.exported)
        n_pdf = sum(1 for item in result.items if item.exported_pdf)
        typer.echo(
            f"已导出 {n} 份 Word 报告" + (f"、{n_pdf} 份 PDF " if pdf else "") + f"到 {export}"
        )
    bad = sum(item.status in ("有错误", "无法读取", "处理失败") for item in result.items)
    raise typer.Exit(1 if bad else 0)


def rollup(
    paths: PathsArg,
    agency: Annotated[str, typer.Option("--agency", help="本级政府的全称，如 某某县人民政府")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="写入的汇总报告数据文件（.yaml / .json）")
    ],
    level: Annotated[str, typer.Option("--level", help="本级政府的层级")] = "区县政府",
    region: Annotated[str, typer.Option("--region", help="行政区划全称")] = "",
    year: Annotated[
        int | None, typer.Option("--year", help="统计年度；默认取多数报告的年度")
    ] = None,
    expected: Annotated[
        Path | None,
        typer.Option("--expected", help="应报机关名单（文本文件，每行一个机关全称），缺报的会列出"),
    ] = None,
    breakdown: Annotated[
        Path | None,
        typer.Option("--breakdown", help="汇总明细（.xlsx）：每个汇总数由哪些机关的数相加而来"),
    ] = None,
    draft: Annotated[bool, typer.Option("--draft", help="按汇总数据起草正文")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="只用离线模板起草")] = False,
    overwrite: OverwriteOpt = False,
    renames: RenamesOpt = None,
    jobs: JobsOpt = 0,
) -> None:
    """把各部门、乡镇的报告汇总为本级政府的年度报告：表格逐格相加（每个数可追溯到各机关），列出缺报机关，可起草正文。"""
    from ..batch import BatchOptions
    from ..datafile import save_report
    from ..model import AgencyLevel
    from ..rollup import RollUpError, roll_up

    check_data_output(output, overwrite)
    try:
        agency_level = AgencyLevel(level)
    except ValueError:
        choices = "、".join(lv.value for lv in AgencyLevel)
        raise fail(f"--level 应为以下之一：{choices}") from None
    names = _expected(expected)
    mapping = _renames(renames)
    result = _run(paths, BatchOptions(jobs=max(jobs, 0), renames=mapping))
    unreadable = [item for item in result.items if item.report is None]
    try:
        summed = roll_up(
            result.reports(),
            agency=agency,
            level=agency_level,
            region=region,
            year=year,
            expected=names,
            renames=mapping,
            with_errors=result.sources_with_errors(),
        )
    except RollUpError as exc:
        raise fail(str(exc)) from None
    report = summed.report
    if draft:
        report = _draft(summed, offline)
    save_report(report, output)
    typer.echo(
        f"已写入 {output}：汇总了 {len(summed.contributors)} 个机关的 {report.meta.report_year} 年度报告"
    )
    for source, name, why in summed.excluded:
        typer.echo(f"未汇总 {name}（{source}）：{why}")
    for item in unreadable:
        typer.echo(f"无法读取 {item.source}：{item.error}")
    if summed.missing:
        typer.echo("缺报机关（名单或上年报告中有、本年没有）：" + "、".join(summed.missing))
    for note in summed.notes:
        typer.echo(f"提示：{note}")
    if breakdown is not None:
        _write_breakdown(summed, breakdown)
        typer.echo(f"汇总明细：{breakdown}")


def _expected(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise fail(f"无法读取应报机关名单 {path}（应为 UTF-8 文本，每行一个机关全称）") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _draft(summed: Any, offline: bool) -> Report:
    from ..drafting import apply_draft
    from ..rollup import draft_rollup

    loaded = settings()
    if not offline and not loaded.llm_configured:
        typer.echo(loaded.llm_problem)
    outcome = draft_rollup(summed, loaded, offline=offline)
    for f in outcome.findings:
        typer.echo(f"[{f.code}] {f.location}：{f.message}")
    return apply_draft(summed.report, outcome)


def _write_breakdown(summed: Any, path: Path) -> None:
    from ..batch_summary import rollup_sheets
    from ..excel import tabular_bytes

    write_bytes(path, tabular_bytes(rollup_sheets(summed)))
