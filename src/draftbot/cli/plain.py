"""Printing without typer, and `draftbot check FILE` itself (issue 19: importing typer and
converting a command costs `check` about a sixth of its start-up).

`echo` writes as `typer.echo` (click's echo) does: the text and a newline, flushed, with ANSI
styles removed unless the stream is a terminal; a stream that is not UTF-8 is handed to typer's
own echo, which re-encodes it (and so is Windows, where click wraps a terminal for colours). `run_check` is the body of `draftbot check` for both ways in:
`check.py`'s typer command and `main()`'s fast path for exactly `draftbot check FILE`
(`fast_check_file`), so their output and exit codes are the same by construction;
`tests/test_cli.py` runs both and compares them. `run_draft` and `fast_draft_file` are the
same for `draftbot draft` (a fully cached re-run should take ≤ 0.5 s).
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from ..findings import Finding
    from ..model import Report

# click's `strip_ansi` (click/_compat.py `_ansi_re`), so the plain output is click's.
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")
_GREEN, _RESET = "\033[32m", "\033[0m"  # click.style(fg="green"), reset at the end


def _writes_plainly(stream: Any) -> bool:
    """Whether click would write to `stream` as it is: UTF-8, and not Windows (where click
    wraps a terminal for colours)."""
    encoding = str(getattr(stream, "encoding", "") or "").lower().replace("_", "-")
    return encoding in ("utf-8", "utf8") and sys.platform != "win32"


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:  # a closed or odd stream: click treats it as no terminal
        return False


def echo(message: str, *, err: bool = False, green: bool = False) -> None:
    """Print `message` and a newline on stdout (`err`: stderr) as `typer.echo` does; `green`
    as `typer.secho(fg="green")`. Raises what writing raises (OSError, BrokenPipeError)."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # no console at all (pythonw): click prints nothing either
        return
    if not _writes_plainly(stream):
        import typer

        if green:
            typer.secho(message, err=err, fg="green")
        else:
            typer.echo(message, err=err)
        return
    text = f"{_GREEN}{message}{_RESET}" if green else message
    if not _isatty(stream):
        text = _ANSI.sub("", text)
    stream.write(text + "\n")
    stream.flush()


def print_findings(findings: list[Finding]) -> None:
    """The findings as a table on stdout, with the count of errors and warnings."""
    if not findings:  # one line: no need for rich (≈ 25 ms of start-up, issue 19)
        echo("✓ 未发现问题：各表勾稽关系和一致性检查全部通过。", green=True)
        return
    from rich.console import Console
    from rich.table import Table

    from ..findings import SEVERITY_LABELS

    console = Console()
    table = Table(show_lines=True, expand=True)
    for title in ("级别", "代码", "位置", "问题与建议"):
        table.add_column(title, overflow="fold")
    for f in findings:
        level = SEVERITY_LABELS[f.severity]
        level = f"[red]{level}[/red]" if f.severity == "error" else f"[yellow]{level}[/yellow]"
        table.add_row(level, f.code, f.location, f"{f.message}\n[dim]建议：{f.hint}[/dim]")
    console.print(table)
    errors = sum(f.severity == "error" for f in findings)
    console.print(f"共 {errors} 个错误、{len(findings) - errors} 个提示。")


def print_summary(report: Report) -> None:
    """The report's one-screen summary (`summary.summary_lines`) on stdout."""
    from ..summary import summary_lines

    for line in summary_lines(report):
        echo(line)


def load_or_say(file: str | Path, json_command: str | None = None) -> Report | None:
    """The report in `file`, or None after its problems are printed on stderr (with
    `json_command`, as that command's JSON with an `error` on stdout: `json_failure`)."""
    from ..datafile import DataFileError, load_report

    try:
        return load_report(file)
    except DataFileError as exc:
        if json_command is None:
            echo(exc.render(), err=True)
        else:
            problems = [
                {"line": p.line, "location": p.location, "message": p.message} for p in exc.problems
            ]
            values = {"file": str(file)} if "file" in JSON_SHAPES[json_command] else {}
            echo(json_failure(json_command, exc.render(), problems, **values))
        return None


def shipped_example_problem(path: str | Path, command: str) -> str | None:
    """A Chinese message when `draftbot <command>` would write into `path` inside the shipped
    `examples/` folder (the draft, the interview's answers, the chat's changes, an export
    next to the example), else None: the examples stay as shipped, a clerk tries a copy."""
    from pathlib import Path

    from ..resources import bundled_dir

    try:
        examples = bundled_dir("examples").resolve()
        inside = Path(path).resolve().is_relative_to(examples)
    except (FileNotFoundError, OSError, RuntimeError):
        return None
    if not inside:
        return None
    name = Path(path).name
    copy = f"试用-{Path(name).stem}{Path(name).suffix}"
    if command == "export":
        return f"导出的文件 {path} 会写进 draftbot 自带的示例目录；请用 -o 写到别处，例如 -o {name}"
    return (
        f"{path} 是 draftbot 自带的示例，draftbot {command} 会把结果写回这个文件；"
        f"请先复制一份，再对副本运行：\n  cp {path} {copy}\n  draftbot {command} {copy}"
    )


# What each command with --json prints (docs/data-format.md), with its values empty: a run
# that fails prints the same keys plus `error`, so a program reads one shape either way.
JSON_SHAPES: dict[str, dict[str, Any]] = {
    "check": {"file": None, "findings": [], "unwritten_sections": []},
    "revisions": {"revisions": []},
}


def json_failure(
    command: str, message: str, problems: list[dict[str, Any]] | None = None, **values: Any
) -> str:
    """The JSON `command --json` prints when it fails: its usual keys (`JSON_SHAPES`, empty
    unless given in `values`) plus `error`: {"message": the Chinese message as the plain
    output says it, "problems": [{"line", "location", "message"}] for a data file's problems}."""
    import json

    payload = {**JSON_SHAPES[command], **values}
    payload["error"] = {"message": message, "problems": problems or []}
    return json.dumps(payload, ensure_ascii=False, indent=2)


def json_command(argv: list[str]) -> str | None:
    """The command of `argv` when it is run with --json and has a JSON shape, else None."""
    words = [a for a in argv if not a.startswith("-")]
    if "--json" in argv and words and words[0] in JSON_SHAPES:
        return words[0]
    return None


def run_check(file: str | Path, as_json: bool = False) -> int:
    """`draftbot check FILE [--json]`: read, check, print; the exit code (0 no errors, 1 errors
    found, 2 the file cannot be read, its problems listed on stderr)."""
    import json

    from ..checks import check_report
    from ..findings import has_errors

    report = load_or_say(file, "check" if as_json else None)
    if report is None:
        return 2
    findings = check_report(report)
    if as_json:
        from ..export import unwritten_sections

        payload = {
            "file": str(file),
            "findings": [f.to_dict() for f in findings],
            "unwritten_sections": unwritten_sections(report),
        }
        echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print_summary(report)
        print_findings(findings)
    return 1 if has_errors(findings) else 0


def run_draft(
    file: Path,
    section: list[str] | None = None,
    offline: bool = False,
    instruction: str | None = None,
    prompts: Path | None = None,
) -> int:
    """`draftbot draft FILE [options]`: draft, write the text back to the data file (the
    replaced text kept as revisions), print who drafted each section and the findings; the
    exit code (0 written; 2 the file, the settings, a section name or the prompts are wrong,
    the problems on stderr and nothing written). Runs with the cyclic garbage collector
    paused and turns it back on when it ends: a one-shot command whose objects nearly all live
    until it ends (issue 19)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return _draft(file, section, offline, instruction, prompts)
    finally:
        if enabled:
            gc.enable()


def _draft(
    file: Path,
    section: list[str] | None,
    offline: bool,
    instruction: str | None,
    prompts: Path | None,
) -> int:
    from ..config import SettingsError, load_settings
    from ..datafile import save_report
    from ..drafting import SECTION_TITLES, UnknownSectionError, apply_draft, draft_report
    from ..drafting.prompts import PromptError

    problem = shipped_example_problem(file, "draft")
    if problem is not None:
        echo(problem, err=True)
        return 2
    report = load_or_say(file)
    if report is None:
        return 2
    try:
        loaded = load_settings(prompts_dir=prompts)
    except SettingsError as exc:
        echo(str(exc), err=True)
        return 2
    try:
        outcome = draft_report(
            report, loaded, sections=section, instruction=instruction, offline=offline
        )
    except (UnknownSectionError, PromptError) as exc:
        echo(str(exc), err=True)
        return 2
    from ..checks import check_report
    from ..findings import has_errors

    if has_errors(check_report(report)):
        echo("提示：数据检查发现错误，正文按现有数据起草；请运行 draftbot check 修正后重新起草。")
    if not offline and not loaded.llm_configured:
        echo(loaded.llm_problem)
    if instruction and (offline or not loaded.llm_configured):
        from ..drafting.instructions import parse_offline_instruction

        echo(parse_offline_instruction(instruction).message())
    updated = apply_draft(report, outcome)
    save_report(updated, file)
    for key, result in outcome.sections.items():
        source = "离线模板" if result.source == "offline" else f"模型 {result.source}"
        echo(f"{SECTION_TITLES[key]}：{source}{'（缓存）' if result.cached else ''}")
    for f in outcome.findings:
        if f.code != "D-05":  # what was made of the instruction: said once, above
            echo(f"[{f.code}] {f.location}：{f.message}\n    建议：{f.hint}")
    kept = len(updated.revisions) - len(report.revisions)
    echo(f"已写入 {file}" + (f"；被替换的 {kept} 段原文已保存为修订记录" if kept else ""))
    return 0


def _fast_file(argv: list[str], command: str) -> str | None:
    if len(argv) != 2 or argv[0] != command:
        return None
    file = argv[1]
    if not file or file.startswith("-"):
        return None
    if os.path.exists(file) and not os.access(file, os.R_OK):
        return None
    return file


def fast_check_file(argv: list[str]) -> str | None:
    """FILE when `argv` (without the program name) is exactly `check FILE` and typer would
    pass FILE on unchanged (not an option, not empty, readable if it exists: click's Path
    type refuses an unreadable file with its own usage message); otherwise None."""
    return _fast_file(argv, "check")


def fast_draft_file(argv: list[str]) -> str | None:
    """FILE when `argv` is exactly `draft FILE`, on the terms of `fast_check_file`."""
    return _fast_file(argv, "draft")
