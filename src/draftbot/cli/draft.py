"""`draftbot draft`: draft the prose sections and write them back to the data file.

A fully cached re-run imports neither LangChain nor openai (the cache lookup comes first,
`drafting/llm.py` imports the client only on the first miss). The body is `plain.run_draft`,
which `main()` also runs without typer for exactly `draftbot draft FILE` (issue 19).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import FileArg
from .plain import run_draft


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
    raise typer.Exit(run_draft(file, section, offline, instruction, prompts))
