"""Printing without typer, and `draftbot check FILE` itself (issue 19: importing typer and
converting a command costs `check` about a sixth of its start-up).

`echo` writes as `typer.echo` (click's echo) does: the text and a newline, flushed, with ANSI
styles removed unless the stream is a terminal; a stream that is not UTF-8 is handed to typer's
own echo, which re-encodes it (and so is Windows, where click wraps a terminal for colours). `run_check` is the body of `draftbot check` for both ways in:
`check.py`'s typer command and `main()`'s fast path for exactly `draftbot check FILE`
(`fast_check_file`), so their output and exit codes are the same by construction;
`tests/test_cli.py` runs both and compares them.
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


def run_check(file: str | Path, as_json: bool = False) -> int:
    """`draftbot check FILE [--json]`: read, check, print; the exit code (0 no errors, 1 errors
    found, 2 the file cannot be read, its problems listed on stderr)."""
    import json

    from ..checks import check_report
    from ..datafile import DataFileError, load_report
    from ..findings import has_errors

    try:
        report = load_report(file)
    except DataFileError as exc:
        echo(exc.render(), err=True)
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


def fast_check_file(argv: list[str]) -> str | None:
    """FILE when `argv` (without the program name) is exactly `check FILE` and typer would
    pass FILE on unchanged (not an option, not empty, readable if it exists: click's Path
    type refuses an unreadable file with its own usage message); otherwise None."""
    if len(argv) != 2 or argv[0] != "check":
        return None
    file = argv[1]
    if not file or file.startswith("-"):
        return None
    if os.path.exists(file) and not os.access(file, os.R_OK):
        return None
    return file
