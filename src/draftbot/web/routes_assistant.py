"""The assistant panel on every report page: ask, see the cited rules, confirm a change.

Thin: `draftbot.assistant` answers; this stores nothing itself except through it (the
conversation file under the data folder's `chat/`) and saves confirmed changes through the
store with the version check, like the forms' autosave. Answers run in a worker thread (the
tokenizer's first load and a model call block), never on the event loop.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from ..assistant.changes import ChangeError, StaleProposal
from ..assistant.chat import MAX_QUESTION_CHARS, Assistant
from ..assistant.conversation import conversation_for_report
from ..assistant.reply import Reply
from ..assistant.rules import RuleBook, RulesError, load_rules
from ..model import Report
from ..store import Store
from .context import json_body, page, store_of
from .edits import EditRejected, apply_changes
from .pools import in_pool
from .routes_reports import live_state
from .security import GuardError

router = APIRouter()
HISTORY_SHOWN = 200  # the panel shows the latest entries; the file keeps every one


def rule_url(rule_id: str) -> str:
    """Where the rules page shows rule `rule_id`."""
    return f"/rules#rule-{rule_id}"


def _book() -> RuleBook:
    try:
        return load_rules()
    except RulesError as exc:  # a user's rules file with a mistake: say which, no traceback
        raise GuardError(500, f"助手无法使用：{exc}") from None


_warm = threading.Event()


def warm_up() -> None:
    """Build the rule index in the background once (the tokenizer's dictionary takes seconds
    to load), so the clerk's first question, typed after the panel opens, is answered at once."""
    if _warm.is_set():
        return
    _warm.set()

    def build() -> None:
        from ..assistant.retrieval import index_for

        index_for(_book()).search("上年结转")

    threading.Thread(target=build, name="assistant-warm-up", daemon=True).start()


def _assistant(request: Request, report_id: str) -> Assistant:
    conversation = conversation_for_report(
        request.app.state.config.data_dir, report_id, store_of(request)
    )
    return Assistant(_book(), request.app.state.settings, conversation)


def reply_json(reply: Reply, book: RuleBook) -> dict[str, Any]:
    """What the panel shows: text, cited rules as links, cells, the proposal as before → after."""
    proposal = None
    if reply.proposal is not None:
        proposal = {
            "id": reply.proposal.id,
            "changes": [
                {"path": c.path, "location": c.location, "before": c.before, "after": c.after}
                for c in reply.proposal.changes
            ],
        }
    return {
        "ok": True,
        "kind": reply.kind,
        "text": reply.text,
        "rules": [_rule_link(book, i) for i in reply.rule_ids if book.get(i) is not None],
        "cells": [{"path": c.path, "location": c.location, "value": c.value} for c in reply.cells],
        "proposal": proposal,
        "notes": list(reply.notes),
        "source": reply.source,
    }


def _rule_link(book: RuleBook, rule_id: str) -> dict[str, str]:
    rule = book.get(rule_id)
    assert rule is not None
    return {"id": rule.id, "title": rule.title, "url": rule_url(rule.id)}


@router.get("/rules")
def rules_page(request: Request) -> Response:
    """Every rule with its id as an anchor (the links in answers point here)."""
    book = _book()
    topics: dict[str, list[Any]] = {}
    for rule in book.rules:
        topics.setdefault(rule.topic, []).append(rule)
    return page(request, "rules.html", topics=topics, active="rules")


@router.get("/api/reports/{report_id}/assistant")
def history(request: Request, report_id: str) -> Response:
    """The latest entries of the conversation, oldest first."""
    store_of(request).get(report_id)  # 404 for an unknown report
    warm_up()
    book = _book()
    entries = []
    conversation = conversation_for_report(
        request.app.state.config.data_dir, report_id, store_of(request)
    )
    for entry in conversation.entries()[-HISTORY_SHOWN:]:
        entries.append(
            {
                "role": entry.get("role"),
                "text": entry.get("text", ""),
                "rules": [_rule_link(book, i) for i in entry.get("rules", []) if book.get(i)],
                "notes": entry.get("notes", []),
            }
        )
    return JSONResponse({"ok": True, "entries": entries})


@router.post("/api/reports/{report_id}/assistant/ask")
async def ask(request: Request, report_id: str) -> Response:
    data = await json_body(request)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise GuardError(400, "请输入问题，或说明要修改的数字")
    if len(text) > MAX_QUESTION_CHARS:
        raise GuardError(400, f"一次最多输入 {MAX_QUESTION_CHARS} 字，请分几次提问")
    stored = await in_pool(request, "store", store_of(request).get, report_id)
    assistant = _assistant(request, report_id)
    reply = await in_pool(request, "model", assistant.ask, stored.report, text)
    return JSONResponse(reply_json(reply, assistant.book))


@router.post("/api/reports/{report_id}/assistant/confirm")
async def confirm(request: Request, report_id: str) -> Response:
    """Apply a proposal through the store's versioned save; a stale proposal is refused (409)."""
    data = await json_body(request)
    proposal_id = data.get("proposal")
    if not isinstance(proposal_id, str) or not proposal_id:
        raise GuardError(400, "缺少要确认的修改，请刷新页面后重试")
    assistant = _assistant(request, report_id)
    answer, status = await in_pool(
        request, "store", _confirm, store_of(request), assistant, report_id, proposal_id
    )
    return JSONResponse(answer, status_code=status)


def _confirm(
    store: Store, assistant: Assistant, report_id: str, proposal_id: str
) -> tuple[dict[str, Any], int]:
    """Apply and save a confirmed proposal (runs in the store pool): (JSON answer, status)."""
    stored = store.get(report_id)
    try:
        updated = assistant.confirm(stored.report, proposal_id, _form_edit)
    except StaleProposal as exc:
        return {"ok": False, "message": str(exc)}, 409
    except ChangeError as exc:
        return {"ok": False, "message": str(exc)}, 422
    saved = store.save(report_id, updated, stored.version)
    assistant.record_applied(proposal_id, saved.version)
    return {**live_state(saved), "message": f"已修改并保存（第 {saved.version} 版）"}, 200


def _form_edit(report: Report, changes: dict[str, str]) -> Report:
    """The table forms' edit path (typed rules, published notes), refusals as ChangeError."""
    try:
        return apply_changes(report, changes)
    except EditRejected as exc:
        raise ChangeError("；".join(f"{p.location}：{p.message}" for p in exc.problems)) from None


@router.post("/api/reports/{report_id}/assistant/dismiss")
async def dismiss(request: Request, report_id: str) -> Response:
    data = await json_body(request)
    proposal_id = data.get("proposal")
    if not isinstance(proposal_id, str) or not proposal_id:
        raise GuardError(400, "缺少要放弃的修改")
    store_of(request).get(report_id)
    _assistant(request, report_id).dismiss(proposal_id)
    return JSONResponse({"ok": True})
