"""`draftbot revisions`: the prose's revision history, as the web's 历史版本 shows it."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .common import FileArg, fail, load


def revisions(
    file: FileArg,
    section: Annotated[
        str | None, typer.Option("--section", help="只列这一节（如 problems）；省略则列全部")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """列出正文的修订记录（最新的在前）：与网页“历史版本”相同；网页下载的数据文件也带着这些记录。"""
    from ..model import SECTION_KEYS
    from ..revisions import KIND_LABELS, newest_first, preview, source_label

    json_of = "revisions" if as_json else None
    if section is not None and section not in SECTION_KEYS:
        raise fail(f"没有“{section}”这一节；可用：{'、'.join(SECTION_KEYS)}", json_of=json_of)
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
        for r in newest_first(load(file, json_of=json_of).revisions, section)
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
