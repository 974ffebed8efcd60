"""`draftbot chat FILE`: the assistant in the terminal, beside a report data file.

Every line typed is stored in the conversation file beside the report before it is answered.
A proposed change is shown as before → after and saved only when the clerk answers 是; the
file is re-read at that moment, so an edit made meanwhile (another window, the web app's
export, a text editor) makes the proposal stale and it is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..datafile import DataFileError, load_report, save_report
from ..questions import parse_yes_no
from .changes import ChangeError
from .chat import Assistant, Reply
from .conversation import conversation_for_file
from .rules import RulesError, load_rules

QUIT_WORDS = frozenset({"退出", "结束", "quit", "exit", "q"})
HELP = (
    "可以问：填报规则（如“申请人撤回申请算哪一项？”）、本报告的问题（如“为什么表三不平衡？”）、"
    "本报告的数字（如“去年结转几件？”）；也可以直接说要改的数字（如“予以公开里有一件是企业的，"
    "不是个人”），确认后才保存。输入“退出”结束。"
)


def run_chat(
    path: Path,
    *,
    settings: Any = None,
    rules_path: Path | None = None,
    read: Callable[[str], str] = input,
    say: Callable[[str], None] = print,
) -> int:
    """The conversation loop; returns the exit code (0, or 2 when the file or rules are bad)."""
    try:
        report = load_report(path)
        book = load_rules(rules_path)
    except DataFileError as exc:
        say(exc.render())
        return 2
    except RulesError as exc:
        say(str(exc))
        return 2
    conversation = conversation_for_file(path)
    assistant = Assistant(book, settings, conversation)
    earlier = sum(1 for e in conversation.entries() if e.get("role") == "clerk")
    say(f"助手：{report.meta.agency}{report.meta.report_year}年度报告（{path}）。")
    if earlier:
        say(f"（已有 {earlier} 条提问记录，保存在 {conversation.path.name}）")
    say(HELP)
    while True:
        try:
            message = read("问> ").strip()
        except (EOFError, KeyboardInterrupt):
            say("")
            return 0
        if message.lower() in QUIT_WORDS:
            return 0
        if not message:
            continue
        try:
            report = load_report(path)
        except DataFileError as exc:
            conversation.append("clerk", message)
            say(exc.render())
            continue
        reply = assistant.ask(report, message)
        _show(reply, say)
        if reply.proposal is not None:
            _settle(path, assistant, reply, read, say)


def _show(reply: Reply, say: Callable[[str], None]) -> None:
    say(reply.text)
    for note in reply.notes:
        say(f"（{note}）")
    if reply.source not in ("规则原文", "离线规则"):
        say(f"（由 {reply.source} 回答）")


def _settle(
    path: Path,
    assistant: Assistant,
    reply: Reply,
    read: Callable[[str], str],
    say: Callable[[str], None],
) -> None:
    assert reply.proposal is not None
    while True:
        try:
            answer = read("确认修改？（是/否）> ").strip()
        except (EOFError, KeyboardInterrupt):
            say("\n未确认，表格没有修改。")
            assistant.dismiss(reply.proposal.id)
            return
        choice = parse_yes_no(answer)
        if choice is not None:
            break
        say("请回答“是”或“否”。")
    if not choice:
        assistant.dismiss(reply.proposal.id)
        say("已放弃，表格没有修改。")
        return
    try:
        updated = assistant.confirm(load_report(path), reply.proposal.id)
    except (ChangeError, DataFileError) as exc:
        say(exc.render() if isinstance(exc, DataFileError) else str(exc))
        return
    save_report(updated, path)
    assistant.record_applied(reply.proposal.id)
    say(f"已保存到 {path}。")
