"""Commands for the 政务公开办: `batch`, `rollup` and `excel` (template, export).

Thin layers over `batch`, `audit`, `rollup`, `batch_summary` and `excel`; registered on the
main app by `cli.py`. Heavy modules are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from .batch import BatchResult
    from .model import Report

PathsArg = Annotated[
    list[Path],
    typer.Argument(
        help="报告文件、文件夹或 .zip 压缩包（可多个）：.yaml/.json 数据文件、.docx、.xlsx 填报模板"
    ),
]
RenamesOpt = Annotated[
    Path | None,
    typer.Option(
        "--renames", help="机关更名对照表（YAML：每行“旧名称: 新名称”），用于匹配上年报告"
    ),
]
JobsOpt = Annotated[
    int, typer.Option("--jobs", "-j", help="并行的工作进程数；0（默认）表示等于 CPU 核数")
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _renames(path: Path | None) -> dict[str, str]:
    """The rename map file: a YAML mapping of old agency name → new name."""
    if path is None:
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise _fail(f"无法读取更名对照表 {path}：{exc.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError):
        raise _fail(f"更名对照表 {path} 不是有效的 YAML；每行写“旧名称: 新名称”") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise _fail(f"更名对照表 {path} 应为“旧名称: 新名称”的列表，每行一对")
    return data


def _run(paths: list[Path], options: Any) -> BatchResult:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .batch import run_batch

    with Progress(
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
    from .batch import BatchOptions
    from .batch_summary import write_summary

    if pdf and export is None:
        raise _fail("--pdf 需要与 --export 文件夹 一起使用")
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
        raise _fail(f"无法写入汇总结果到 {output}：{exc.strerror}") from None
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
    overwrite: Annotated[bool, typer.Option("--overwrite", help="输出文件已存在时覆盖它")] = False,
    renames: RenamesOpt = None,
    jobs: JobsOpt = 0,
) -> None:
    """把各部门、乡镇的报告汇总为本级政府的年度报告：表格逐格相加（每个数可追溯到各机关），列出缺报机关，可起草正文。"""
    from .batch import BatchOptions
    from .datafile import SUPPORTED_SUFFIXES, save_report
    from .model import AgencyLevel
    from .rollup import RollUpError, roll_up

    if output.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise _fail(f"输出文件应以 .yaml、.yml 或 .json 结尾：{output}")
    if output.exists() and not overwrite:
        raise _fail(
            f"{output} 已存在，为免覆盖已填写的内容未写入；请换一个文件名，或加 --overwrite"
        )
    try:
        agency_level = AgencyLevel(level)
    except ValueError:
        choices = "、".join(lv.value for lv in AgencyLevel)
        raise _fail(f"--level 应为以下之一：{choices}") from None
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
        raise _fail(str(exc)) from None
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
        raise _fail(f"无法读取应报机关名单 {path}（应为 UTF-8 文本，每行一个机关全称）") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _draft(summed: Any, offline: bool) -> Report:
    from .config import SettingsError, load_settings
    from .drafting import apply_draft
    from .rollup import draft_rollup

    try:
        settings = load_settings()
    except SettingsError as exc:
        raise _fail(str(exc)) from None
    if not offline and not settings.llm_configured:
        typer.echo(settings.llm_problem)
    outcome = draft_rollup(summed, settings, offline=offline)
    for f in outcome.findings:
        typer.echo(f"[{f.code}] {f.location}：{f.message}")
    return apply_draft(summed.report, outcome)


def _write_breakdown(summed: Any, path: Path) -> None:
    from .batch_summary import rollup_sheets
    from .datafile import atomic_write_bytes
    from .excel import tabular_bytes

    try:
        atomic_write_bytes(path, tabular_bytes(rollup_sheets(summed)))
    except OSError as exc:
        raise _fail(f"无法写入 {path}：{exc.strerror}") from None


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
    overwrite: Annotated[bool, typer.Option("--overwrite", help="文件已存在时覆盖它")] = False,
) -> None:
    """生成空白的 Excel 填报模板：基本信息、表二、表三、表四（与官方表格相同的栏目和合并单元格）、正文。"""
    from pydantic import ValidationError

    from .excel import AGENCY_PLACEHOLDER
    from .model import Meta, Report

    try:
        report = Report(meta=Meta(agency=agency or AGENCY_PLACEHOLDER, report_year=year))
    except ValidationError:
        raise _fail("--year 应为 2019 至 2100 之间的年份，--agency 为 2 至 100 个字") from None
    _write_xlsx(report, output, overwrite)


@excel_app.command("export")
def excel_export(
    file: Annotated[Path, typer.Argument(help="报告数据文件（.yaml / .json / .docx / .xlsx）")],
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 .xlsx 文件")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="文件已存在时覆盖它")] = False,
) -> None:
    """把一份报告的数据写成已填好的 Excel 填报模板（可在 Excel/WPS 中修改后用 draftbot import 读回）。"""
    from .datafile import DataFileError
    from .intake import load_path

    try:
        report = load_path(file)
    except DataFileError as exc:
        raise _fail(exc.render()) from None
    _write_xlsx(report, output, overwrite)


def _write_xlsx(report: Report, output: Path, overwrite: bool) -> None:
    from .datafile import atomic_write_bytes
    from .excel import template_bytes

    if output.suffix.lower() != ".xlsx":
        raise _fail(f"输出文件应以 .xlsx 结尾：{output}")
    if output.exists() and not overwrite:
        raise _fail(f"{output} 已存在，未写入；请换一个文件名，或加 --overwrite")
    try:
        atomic_write_bytes(output, template_bytes(report))
    except OSError as exc:
        raise _fail(
            f"无法写入 {output}：{exc.strerror}（文件是否正在 Excel/WPS 中打开？）"
        ) from None
    typer.echo(f"已写入 {output}（{report.meta.report_year} 年度，{report.format_version} 格式）")
