"""The `draftbot` command line: a thin layer over the library.

Heavy modules (langchain, openai, python-docx) are imported inside the commands that need
them, so `draftbot --help` and `draftbot check` start fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import cli_batch, cli_users

if TYPE_CHECKING:
    from .findings import Finding
    from .model import Report
    from .published import ImportResult

app = typer.Typer(
    name="draftbot",
    help="政府信息公开工作年度报告起草助手：填报数据、勾稽校验、起草正文、导出 Word。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

FileArg = Annotated[Path, typer.Argument(help="报告数据文件（.yaml / .yml / .json）")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _load(path: Path) -> Report:
    from .datafile import DataFileError, load_report

    try:
        return load_report(path)
    except DataFileError as exc:
        raise _fail(exc.render()) from None


def _load_any(path: Path) -> Report:
    from .datafile import DataFileError
    from .intake import load_path

    try:
        return load_path(path)
    except DataFileError as exc:
        raise _fail(exc.render()) from None


def _print_findings(findings: list[Finding]) -> None:
    from rich.console import Console
    from rich.table import Table

    from .findings import SEVERITY_LABELS

    console = Console()
    if not findings:
        console.print("[green]✓ 未发现问题：各表勾稽关系和一致性检查全部通过。[/green]")
        return
    table = Table(show_lines=True, expand=True)
    for title, style in (("级别", None), ("代码", None), ("位置", None), ("问题与建议", None)):
        table.add_column(title, style=style, overflow="fold")
    for f in findings:
        level = SEVERITY_LABELS[f.severity]
        level = f"[red]{level}[/red]" if f.severity == "error" else f"[yellow]{level}[/yellow]"
        table.add_row(level, f.code, f.location, f"{f.message}\n[dim]建议：{f.hint}[/dim]")
    console.print(table)
    errors = sum(f.severity == "error" for f in findings)
    console.print(f"共 {errors} 个错误、{len(findings) - errors} 个提示。")


def _print_summary(report: Report) -> None:
    from .summary import summary_lines

    for line in summary_lines(report):
        typer.echo(line)


@app.command()
def check(
    file: FileArg,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出检查结果")] = False,
) -> None:
    """检查数据文件：表三勾稽关系、各表总计、跨年度衔接、年份与格式版本，以及正文审校（P-01～P-08）。有错误时退出码为 1。"""
    from .checks import check_report
    from .findings import has_errors

    report = _load(file)
    findings = check_report(report)
    if as_json:
        from .export import unwritten_sections

        payload = {
            "file": str(file),
            "findings": [f.to_dict() for f in findings],
            "unwritten_sections": unwritten_sections(report),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_summary(report)
        _print_findings(findings)
    raise typer.Exit(1 if has_errors(findings) else 0)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="写入的文件；省略则输出到屏幕")
    ] = None,
) -> None:
    """输出报告数据文件的 JSON Schema。"""
    from .schema import report_schema_text

    text = report_schema_text()
    if output is None:
        typer.echo(text, nl=False)
    else:
        from .datafile import atomic_write_text

        atomic_write_text(output, text)
        typer.echo(f"已写入 {output}")


@app.command()
def demo() -> None:
    """用自带的示例报告走一遍主流程：读取、检查、输出摘要。"""
    from .checks import check_report
    from .resources import bundled_file

    path = bundled_file("examples", "seed-2022.yaml")
    typer.echo(f"示例数据：{path}")
    report = _load(path)
    _print_summary(report)
    _print_findings(check_report(report))


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="监听地址，默认 127.0.0.1（仅本机可访问）")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="端口，默认 8000")] = None,
    multi_user: Annotated[
        bool,
        typer.Option(
            "--multi-user",
            help="服务器模式：账号登录、按角色和机关控制权限、审核流程、审计日志"
            "（也可设置 DRAFTBOT_MULTI_USER=1；先用 draftbot users add 创建系统管理员）",
        ),
    ] = False,
) -> None:
    """启动网页版（默认只在本机 127.0.0.1 上提供服务），并显示要打开的网址。

    数据默认保存在数据目录的 SQLite 文件中；设置 DRAFTBOT_DATABASE_URL=postgresql://… 则保存在
    PostgreSQL 中，多个实例可共用一个数据库（见 docs/deploy.md）。
    """
    from .config import SettingsError, load_settings
    from .web.server import ServeError, run_server

    try:
        settings = load_settings()
        if multi_user:
            settings = settings.model_copy(update={"multi_user": True})
        run_server(settings, host=host, port=port, echo=typer.echo)
    except (ServeError, SettingsError) as exc:
        raise _fail(str(exc)) from None


@app.command("export")
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
    from .export import ExportBlocked, TemplateError, load_document_template

    report = _load(file)
    target = _export_target(file, output, pdf=pdf, review=review)
    try:
        template = load_document_template(templates)
        data, findings = _export_bytes(
            report, target, force=force, review=review, template=template
        )
    except ExportBlocked as exc:
        _print_findings(exc.findings)
        raise _fail(str(exc), 1) from None
    except TemplateError as exc:
        raise _fail(str(exc)) from None
    from .datafile import atomic_write_bytes

    try:
        atomic_write_bytes(target, data)
    except OSError as exc:
        raise _fail(
            f"无法写入 {target}：{exc.strerror}（文件是否正在 Word/WPS 或 PDF 阅读器中打开？）"
        ) from None
    for f in findings:
        typer.echo(f"提示 {f.code} {f.location}：{f.message}")
    typer.echo(f"已导出 {target}")


def _export_target(file: Path, output: Path | None, *, pdf: bool, review: bool) -> Path:
    if output is None:
        stem = file.stem + ("-审阅稿" if review else "")
        return file.with_name(stem + (".pdf" if pdf else ".docx"))
    suffix = output.suffix.lower()
    if review and suffix != ".docx":
        raise _fail(f"审阅稿是带批注的 Word 文档，输出文件应以 .docx 结尾：{output}")
    if pdf and suffix != ".pdf":
        raise _fail(f"加 --pdf 时输出文件应以 .pdf 结尾：{output}")
    if suffix not in (".docx", ".pdf"):
        raise _fail(f"输出文件应以 .docx 或 .pdf 结尾：{output}")
    return output


def _export_bytes(
    report: Report, target: Path, *, force: bool, review: bool, template: object
) -> tuple[bytes, list[Finding]]:
    """The exported file's bytes and the export-time warnings; exits with a message on failure."""
    from .word import build_docx, build_review_docx

    if review:
        result = build_review_docx(report, template=template)  # type: ignore[arg-type]
        return result.data, []
    result = build_docx(report, force=force, template=template)  # type: ignore[arg-type]
    if target.suffix.lower() != ".pdf":
        return result.data, result.findings
    from .pdf_export import PdfError, docx_to_pdf

    try:
        return docx_to_pdf(result.data), result.findings
    except PdfError as exc:
        raise _fail(f"未能导出 PDF：{exc}") from None


@app.command("import")
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
    overwrite: Annotated[bool, typer.Option("--overwrite", help="输出文件已存在时覆盖它")] = False,
) -> None:
    """从已发布的年度报告（Word、网页、PDF）读回三张表和正文，写成数据文件，并列出读到了什么、哪些单元格存疑。

    数字按原样保留：空白、“/”、缺少的行、错印的栏目名都记录在数据文件的 source.notes 中，
    并在 draftbot check 中以提示列出，不会当作 0 悄悄带过。Excel 填报模板（draftbot excel template）同样可以读回。
    """
    from .datafile import SUPPORTED_SUFFIXES, dump_report, save_report
    from .published import ReportImportError, import_report

    if output is not None and output.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise _fail(f"输出文件应以 .yaml、.yml 或 .json 结尾：{output}")
    if output is not None and output.exists() and not overwrite:
        raise _fail(
            f"{output} 已存在，为免覆盖已填写的内容未写入；请换一个文件名，或加 --overwrite"
        )
    if file.suffix.lower() == ".xlsx":
        from .published import ImportResult

        read = ["Excel 填报模板的基本信息、表二、表三、表四和正文"]
        result = ImportResult(_load_any(file), read=read)
    else:
        try:
            result = import_report(file, agency=agency, report_year=year)
        except ReportImportError as exc:
            raise _fail(f"无法导入 {file}：{exc}") from None
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


@app.command()
def interview(
    file: Annotated[Path, typer.Argument(help="报告数据文件（.yaml / .json）；不存在则新建")],
    offline: Annotated[
        bool, typer.Option("--offline", help="整句回答只用离线规则解析，不调用大模型")
    ] = False,
    questions: Annotated[
        Path | None, typer.Option("--questions", help="自定义问题库（默认用自带的 questions.yaml）")
    ] = None,
) -> None:
    """引导式填报：逐题回答，每个回答立即保存；中断后再次运行即从中断处继续。"""
    from .interview import run_interview

    raise typer.Exit(run_interview(file, bank_path=questions, use_llm=not offline))


@app.command()
def chat(
    file: FileArg,
    offline: Annotated[
        bool, typer.Option("--offline", help="不调用大模型，只引用规则原文和本报告的数据回答")
    ] = False,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="自定义填报规则文件（默认用自带的 rules.yaml）")
    ] = None,
) -> None:
    """助手：问填报规则、本报告的检查问题和数字，或说明要改的数字（确认后才保存）；对话记录保存在报告旁。"""
    from .assistant.terminal import run_chat
    from .config import SettingsError, load_settings

    if not file.exists():
        raise _fail(f"找不到数据文件 {file}；可先用 draftbot interview {file} 填写")
    try:
        settings = None if offline else load_settings()
    except SettingsError as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(run_chat(file, settings=settings, rules_path=rules))


@app.command()
def draft(
    file: FileArg,
    section: Annotated[
        list[str] | None,
        typer.Option("--section", "-s", help="只起草这一段（可重复），如 主动公开、problems"),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="不调用大模型，用离线模板起草")
    ] = False,
    instruction: Annotated[
        str | None, typer.Option("--instruction", "-i", help="修改要求，如“更简洁”")
    ] = None,
    prompts: Annotated[
        Path | None, typer.Option("--prompts", help="自定义提示词目录（含 llm/、offline/）")
    ] = None,
) -> None:
    """起草正文各段并写回数据文件（原文保存为修订记录），显示每段由谁起草及提示。"""
    from .config import SettingsError, load_settings
    from .datafile import save_report
    from .drafting import SECTION_TITLES, UnknownSectionError, apply_draft, draft_report
    from .drafting.prompts import PromptError

    report = _load(file)
    try:
        settings = load_settings(prompts_dir=prompts)
        outcome = draft_report(
            report, settings, sections=section, instruction=instruction, offline=offline
        )
    except (SettingsError, UnknownSectionError, PromptError) as exc:
        raise _fail(str(exc)) from None
    from .checks import check_report
    from .findings import has_errors

    if has_errors(check_report(report)):
        typer.echo(
            "提示：数据检查发现错误，正文按现有数据起草；请运行 draftbot check 修正后重新起草。"
        )
    if not offline and not settings.llm_configured:
        typer.echo(settings.llm_problem)
    if instruction and (offline or not settings.llm_configured):
        from .drafting.instructions import parse_offline_instruction

        typer.echo(parse_offline_instruction(instruction).message())
    updated = apply_draft(report, outcome)
    save_report(updated, file)
    for key, result in outcome.sections.items():
        source = "离线模板" if result.source == "offline" else f"模型 {result.source}"
        typer.echo(f"{SECTION_TITLES[key]}：{source}{'（缓存）' if result.cached else ''}")
    for f in outcome.findings:
        if f.code != "D-05":  # what was made of the instruction: said once, above
            typer.echo(f"[{f.code}] {f.location}：{f.message}\n    建议：{f.hint}")
    kept = len(updated.revisions) - len(report.revisions)
    typer.echo(f"已写入 {file}" + (f"；被替换的 {kept} 段原文已保存为修订记录" if kept else ""))


@app.command()
def revisions(
    file: FileArg,
    section: Annotated[
        str | None, typer.Option("--section", help="只列这一节（如 problems）；省略则列全部")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """列出正文的修订记录（最新的在前）：与网页“历史版本”相同；网页下载的数据文件也带着这些记录。"""
    from .model import SECTION_KEYS
    from .revisions import KIND_LABELS, newest_first, preview, source_label

    if section is not None and section not in SECTION_KEYS:
        raise _fail(f"没有“{section}”这一节；可用：{'、'.join(SECTION_KEYS)}")
    entries = [
        {
            "section": r.section,
            "source": source_label(r.source),
            "kind": r.kind,
            "note": r.note,
            "saved_at": r.saved_at.isoformat() if r.saved_at else "",
            "length": len(r.text),
            "preview": preview(r.text),
        }
        for r in newest_first(_load(file).revisions, section)
    ]
    if as_json:
        typer.echo(json.dumps({"revisions": entries}, ensure_ascii=False, indent=2))
        return
    if not entries:
        typer.echo("没有修订记录")
    for n, e in enumerate(entries, 1):
        typer.echo(
            f"{n}. {e['section']} · {e['source']} · {KIND_LABELS[str(e['kind'])]} · "
            f"{e['saved_at'] or '时间不详'} · {e['length']} 字：{e['preview']}"
        )


app.command("batch")(cli_batch.batch)
app.command("rollup")(cli_batch.rollup)
app.add_typer(cli_batch.excel_app, name="excel")
app.add_typer(cli_users.users_app, name="users")


def main() -> None:
    """Run the CLI. Every way out is a Chinese message and an exit code, never a traceback:
    usage errors 2, Ctrl+C 130, a closed pipe (`draftbot check … | head`) ends quietly,
    disk and other OS errors and anything unexpected are described (cli_errors.py)."""
    from .cli_errors import (
        UsageError,
        click_exceptions,
        os_error_message,
        unexpected_message,
        usage_message,
    )

    try:
        code = app(prog_name="draftbot", standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError as exc:
        exc.show()
        code = 0
    except UsageError as exc:
        typer.echo(usage_message(exc), err=True)
        code = 2
    except (KeyboardInterrupt, EOFError, typer.Abort):
        _echo_quietly("\n已中断。")
        code = 130
    except BrokenPipeError:
        _silence_stdout()
        code = 141
    except SystemExit as exc:  # typer ends a closed pipe with sys.exit(1)
        code = exc.code if isinstance(exc.code, int) else 1
    except OSError as exc:
        _echo_quietly(os_error_message(exc))
        code = 74
    except MemoryError:
        _echo_quietly("错误：内存不足，操作未完成；数据文件未被改动。请关闭其他程序后重试。")
        code = 70
    except Exception as exc:  # the last resort: a message, never a traceback
        _echo_quietly(unexpected_message(exc))
        code = 70
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        _silence_stdout()
    sys.exit(code if isinstance(code, int) else 0)


def _echo_quietly(message: str) -> None:
    import contextlib

    with contextlib.suppress(OSError, ValueError):  # stderr closed too: nothing more to say
        typer.echo(message, err=True)


def _silence_stdout() -> None:
    """After the reader of our output went away (a closed pipe), drop what is left."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
