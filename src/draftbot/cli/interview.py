"""The conversational commands: `interview` (guided questions) and `chat` (the assistant)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import FileArg, fail, settings
from .plain import shipped_example_problem


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
    from ..interview import run_interview

    problem = shipped_example_problem(file, "interview")
    if problem is not None:
        raise fail(problem)
    raise typer.Exit(run_interview(file, bank_path=questions, use_llm=not offline))


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
    from ..assistant.terminal import run_chat

    if not file.exists():
        raise fail(f"找不到数据文件 {file}；可先用 draftbot interview {file} 填写")
    problem = shipped_example_problem(file, "chat")
    if problem is not None:
        raise fail(problem)
    loaded = None if offline else settings()
    raise typer.Exit(run_chat(file, settings=loaded, rules_path=rules))
