"""What the command modules share: the common arguments and options, failing with a Chinese
message, loading a data file, loading the settings, writing an output file (printing the
summary and the findings is in `plain.py`, which needs no typer).

Only typer is imported at module level; everything else inside the helpers, so that
`draftbot --help` stays fast (issue 19).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..config import Settings
    from ..model import Report

FileArg = Annotated[Path, typer.Argument(help="报告数据文件（.yaml / .yml / .json）")]
PathsArg = Annotated[
    list[Path],
    typer.Argument(
        help="报告文件、文件夹或 .zip 压缩包（可多个）：.yaml/.json 数据文件、.docx、.xlsx 填报模板"
    ),
]
OverwriteOpt = Annotated[bool, typer.Option("--overwrite", help="输出文件已存在时覆盖它")]
RenamesOpt = Annotated[
    Path | None,
    typer.Option(
        "--renames", help="机关更名对照表（YAML：每行“旧名称: 新名称”），用于匹配上年报告"
    ),
]
JobsOpt = Annotated[
    int, typer.Option("--jobs", "-j", help="并行的工作进程数；0（默认）表示等于 CPU 核数")
]


def fail(message: str, code: int = 2, *, json_of: str | None = None) -> typer.Exit:
    """Print `message` on stderr; return the `typer.Exit(code)` for the caller to raise.
    With `json_of` (a command run with --json), print that command's JSON with the message
    as its `error` on stdout instead (`plain.json_failure`)."""
    if json_of is None:
        typer.echo(message, err=True)
    else:
        from .plain import json_failure

        typer.echo(json_failure(json_of, message))
    return typer.Exit(code)


def load(path: Path, *, json_of: str | None = None) -> Report:
    """The report in a data file (.yaml/.yml/.json); exits 2 with the file's problems listed
    (with `json_of`, as that command's JSON: see `fail`)."""
    from .plain import load_or_say

    report = load_or_say(path, json_of)
    if report is None:
        raise typer.Exit(2)
    return report


def load_any(path: Path) -> Report:
    """The report in a data file, a .docx or an Excel template (`intake.load_path`); exits 2
    with the problems listed."""
    from ..datafile import DataFileError
    from ..intake import load_path

    try:
        return load_path(path)
    except DataFileError as exc:
        raise fail(exc.render()) from None


def settings(prompts_dir: Path | None = None) -> Settings:
    """The settings (environment and .env); exits 2 with the Chinese message when invalid."""
    from ..config import SettingsError, load_settings

    try:
        return load_settings(prompts_dir=prompts_dir)
    except SettingsError as exc:
        raise fail(str(exc)) from None


def check_data_output(output: Path, overwrite: bool) -> None:
    """Exit 2 unless `output` is a data file name (.yaml/.yml/.json) that may be written."""
    from ..datafile import SUPPORTED_SUFFIXES

    if output.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise fail(f"输出文件应以 .yaml、.yml 或 .json 结尾：{output}")
    if output.exists() and not overwrite:
        raise fail(f"{output} 已存在，为免覆盖已填写的内容未写入；请换一个文件名，或加 --overwrite")


def write_bytes(path: Path, data: bytes, *, hint: str = "") -> None:
    """Write `data` to `path` atomically; exits 2 with the OS reason (and `hint`, e.g.
    “（文件是否正在 Excel/WPS 中打开？）”) on failure."""
    from ..datafile import atomic_write_bytes

    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise fail(f"无法写入 {path}：{exc.strerror}{hint}") from None
