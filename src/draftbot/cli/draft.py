"""`draftbot draft`: draft the prose sections and write them back to the data file.

A fully cached re-run imports neither LangChain nor openai (the cache lookup comes first,
`drafting/llm.py` imports the client only on the first miss). The command runs with the cyclic
garbage collector paused and turns it back on when it ends (issue 19).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Annotated

import typer

from .common import FileArg, fail, load, settings


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
    # A one-shot command whose objects nearly all live until it ends: the cyclic collector
    # would only re-traverse the growing heap while the modules and the report load (issue 19).
    enabled = gc.isenabled()
    gc.disable()
    try:
        _draft(file, section, offline, instruction, prompts)
    finally:
        if enabled:
            gc.enable()


def _draft(
    file: Path,
    section: list[str] | None,
    offline: bool,
    instruction: str | None,
    prompts: Path | None,
) -> None:
    from ..datafile import save_report
    from ..drafting import SECTION_TITLES, UnknownSectionError, apply_draft, draft_report
    from ..drafting.prompts import PromptError

    report = load(file)
    loaded = settings(prompts_dir=prompts)
    try:
        outcome = draft_report(
            report, loaded, sections=section, instruction=instruction, offline=offline
        )
    except (UnknownSectionError, PromptError) as exc:
        raise fail(str(exc)) from None
    from ..checks import check_report
    from ..findings import has_errors

    if has_errors(check_report(report)):
        typer.echo(
            "提示：数据检查发现错误，正文按现有数据起草；请运行 draftbot check 修正后重新起草。"
        )
    if not offline and not loaded.llm_configured:
        typer.echo(loaded.llm_problem)
    if instruction and (offline or not loaded.llm_configured):
        from ..drafting.instructions import parse_offline_instruction

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
