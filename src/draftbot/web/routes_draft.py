"""Drafting and review: section texts, generation (streamed), history, diff, restore."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response, StreamingResponse

from ..findings import Finding
from ..outline import SECTION_KEYS, SECTION_LABELS
from ..revisions import SOURCE_LABELS, preview, source_label
from ..store import ReportFinal, SectionRevision, Store, StoredReport, VersionConflict
from .context import (
    HUMAN_SOURCES,
    drafter_label,
    findings_for,
    json_body,
    latest_accepted,
    report_page,
    store_of,
    version_of,
)
from .jobs import SectionJobs
from .pools import in_pool
from .security import GuardError
from .views import finding_views, local_time, section_findings, text_diff

router = APIRouter()
log = logging.getLogger("draftbot.web")

MAX_INSTRUCTION_CHARS = 500
CHANGED_WHILE_DRAFTING = "生成期间本部分已被修改，生成结果未覆盖您的修改（可在历史版本中查看）"

APPROVED_NOTE = "经办人审核通过，文字未改动"


def _section(key: str) -> str:
    if key not in SECTION_KEYS:
        raise GuardError(404, "没有这一部分正文")
    return key


@router.get("/reports/{report_id}/draft")
def draft_page(request: Request, report_id: str) -> Response:
    store = store_of(request)
    stored = store.get(report_id)
    findings = findings_for(stored)
    latest = latest_accepted(store, stored)
    sections = [
        {
            "key": key,
            "label": SECTION_LABELS[key],
            "text": getattr(stored.report.narrative, key),
            "findings": finding_views(section_findings(findings, key)),
            "origin": _origin(latest.get(key)),
            "human": _written_by_a_person(getattr(stored.report.narrative, key), latest.get(key)),
        }
        for key in SECTION_KEYS
    ]
    return report_page(
        request,
        "draft.html",
        stored,
        "draft",
        findings=findings,
        sections=sections,
        data_warning=data_warning(findings),
        cache_key="",
    )


def data_warning(findings: list[Finding]) -> str:
    """The warning the terminal's `draft` gives, for the web: the table checks that fail (code
    and cell), and that the prose is drafted from the figures as they stand; "" when none
    fails. Drafting is not refused."""
    errors = [f for f in findings if f.severity == "error" and f.tables]
    if not errors:
        return ""
    listed = "；".join(f"{f.code} {f.location}" for f in errors[:5])
    more = f"等 {len(errors)} 个" if len(errors) > 5 else f" {len(errors)} 个"
    return (
        f"数据检查发现{more}错误（{listed}），正文按现有数据起草，写出的数字可能有误；"
        "请先到表格中改正，再起草或重新生成"
    )


def _written_by_a_person(text: str, revision: SectionRevision | None) -> bool:
    """Text typed, restored or brought in with a data file (no generated revision)."""
    return bool(text.strip()) and (revision is None or revision.source in HUMAN_SOURCES)


def _origin(revision: SectionRevision | None) -> str:
    """Who wrote the text now in a section: generated text is marked until a person edits it."""
    if revision is None:
        return ""
    when = local_time(revision.created_at)
    if revision.source in HUMAN_SOURCES:
        return f"{SOURCE_LABELS[revision.source]}于 {when}"
    return f"{source_label(revision.source)}生成于 {when}，待人工审核"


@router.post("/api/reports/{report_id}/sections/{key}")
async def save_section(request: Request, report_id: str, key: str) -> Response:
    data = await json_body(request)
    text = data.get("text")
    if not isinstance(text, str):
        raise GuardError(400, "缺少正文内容")
    store = store_of(request)
    section, based_on = _section(key), version_of(data)

    def save() -> dict[str, Any]:
        stored = store.save_section(report_id, section, text, source="user", based_on=based_on)
        return section_state(stored, key, origin=_latest_origin(store, report_id, key))

    return JSONResponse(await in_pool(request, "store", save))


@router.post("/api/reports/{report_id}/sections/{key}/approve")
async def approve_section(request: Request, report_id: str, key: str) -> Response:
    """A person read the generated text and accepts it as it is: no longer 待人工审核."""
    data = await json_body(request)
    store = store_of(request)
    stored = await run_in_threadpool(store.get, report_id)
    text = getattr(stored.report.narrative, _section(key))
    if not text.strip():
        raise GuardError(400, "这一部分还没有正文，起草后才能审核通过")
    saved = await run_in_threadpool(
        lambda: store.save_section(
            report_id, key, text, source="reviewed", based_on=version_of(data), note=APPROVED_NOTE
        )
    )
    return JSONResponse(section_state(saved, key, origin=_latest_origin(store, report_id, key)))


def _latest_origin(store: Store, report_id: str, key: str) -> str:
    accepted = [r for r in store.revisions(report_id, key) if r.kind == "accepted"]
    return _origin(accepted[0] if accepted else None)


def section_state(
    stored: StoredReport, key: str, extra: list[Finding] | None = None, origin: str = ""
) -> dict[str, Any]:
    findings = findings_for(stored)
    errors = sum(f.severity == "error" for f in findings)
    mine = section_findings(findings, key) + [f for f in extra or [] if f not in findings]
    return {
        "ok": True,
        "version": stored.version,
        "saved_at": local_time(stored.updated_at),
        "text": getattr(stored.report.narrative, key),
        "section_findings": [v.to_json() for v in finding_views(mine)],
        "n_errors": errors,
        "n_warnings": len(findings) - errors,
        "origin": origin,
    }


@router.get("/api/reports/{report_id}/sections/{key}/history")
def history(request: Request, report_id: str, key: str) -> Response:
    revisions = store_of(request).revisions(report_id, _section(key))
    return JSONResponse({"revisions": [_revision_json(r) for r in revisions]})


def _revision_json(revision: SectionRevision) -> dict[str, Any]:
    return {
        "id": revision.id,
        "source": source_label(revision.source),
        "kind": revision.kind,
        "note": revision.note,
        "saved_at": local_time(revision.created_at),
        "length": len(revision.text),
        "preview": preview(revision.text),
    }


@router.get("/api/reports/{report_id}/revisions/{revision_id}/diff")
def diff(request: Request, report_id: str, revision_id: int) -> Response:
    store = store_of(request)
    revision = store.revision(report_id, revision_id)
    current = getattr(store.get(report_id).report.narrative, revision.section)
    return JSONResponse({"section": revision.section, "pieces": text_diff(revision.text, current)})


@router.post("/api/reports/{report_id}/revisions/{revision_id}/restore")
async def restore(request: Request, report_id: str, revision_id: int) -> Response:
    data = await json_body(request)
    store = store_of(request)
    based_on = version_of(data)

    def restore_now() -> dict[str, Any]:
        revision = store.revision(report_id, revision_id)
        stored = store.save_section(
            report_id,
            revision.section,
            revision.text,
            source="restore",
            based_on=based_on,
            note=f"恢复自 {local_time(revision.created_at)} 的版本",
        )
        origin = _latest_origin(store, report_id, revision.section)
        return section_state(stored, revision.section, origin=origin)

    return JSONResponse(await in_pool(request, "store", restore_now))


# --- generation, streamed ------------------------------------------------------------------


@router.post("/api/reports/{report_id}/sections/{key}/generate")
async def generate(request: Request, report_id: str, key: str) -> Response:
    """Draft one section, streaming the text as server-sent events (chunk/restart/done/error).

    The result replaces the section only if nobody edited it meanwhile; otherwise it is kept
    in the history as an attempt that was not applied. One job per section at a time.
    """
    key = _section(key)
    data = await json_body(request)
    instruction = data.get("instruction") or None
    if instruction is not None and (
        not isinstance(instruction, str) or len(instruction) > MAX_INSTRUCTION_CHARS
    ):
        raise GuardError(400, f"修改要求最多 {MAX_INSTRUCTION_CHARS} 字")
    store = store_of(request)
    stored = await run_in_threadpool(store.get, report_id)
    if stored.status == "final":
        raise ReportFinal()
    jobs: SectionJobs = request.app.state.jobs  # shared by every instance (a store lease)
    ticket = await run_in_threadpool(jobs.take, report_id, key)
    if ticket is None:
        raise GuardError(409, "这一部分正在生成中，请稍候")
    settings = request.app.state.settings
    label = drafter_label(request)
    return StreamingResponse(
        _events(store, stored, key, instruction, settings, label, (jobs, ticket)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _events(
    store: Store,
    stored: StoredReport,
    key: str,
    instruction: str | None,
    settings: Any,
    label: str,
    job: tuple[SectionJobs, str],
) -> AsyncIterator[str]:
    """Server-sent events (`_sse` text): chunk/restart while drafting, then done or error."""
    from ..drafting import stream_section

    start_text = getattr(stored.report.narrative, key)
    try:
        final = None
        async for event in stream_section(stored.report, settings, key, instruction):
            if event.kind == "token":
                yield _sse("chunk", {"text": event.text})
            elif event.kind == "restart":
                yield _sse("restart", {"message": "模型输出未通过检查，正在重新生成…"})
            else:
                final = event
        if final is None:
            raise RuntimeError("drafting ended without a result")
        result = await run_in_threadpool(
            _keep_result, store, stored.id, key, start_text, final, settings, label
        )
        yield _sse("done", result)
    except Exception as exc:  # the stream must end with a message, never a broken page
        log.error("起草失败：%s（%s）", type(exc).__name__, key)
        yield _sse("error", {"message": "生成失败，原文未改动；请稍后重试"})
    finally:
        # not awaited: a stream closed by the browser is cancelled here, and an await in its
        # cleanup would be cancelled too; the release runs in a worker thread regardless
        asyncio.get_running_loop().run_in_executor(None, job[0].release, stored.id, key, job[1])


def _keep_result(
    store: Store,
    report_id: str,
    key: str,
    start_text: str,
    final: Any,
    settings: Any,
    label: str,
) -> dict[str, Any]:
    findings: list[Finding] = list(final.findings)
    note = "；".join(f.message for f in findings)[:500]
    for _ in range(3):
        current = store.get(report_id)
        if getattr(current.report.narrative, key) != start_text:
            store.record_failed_attempt(
                report_id, key, final.text, source=final.source, note=CHANGED_WHILE_DRAFTING
            )
            origin = _latest_origin(store, report_id, key)
            state = section_state(store.get(report_id), key, origin=origin)
            state.update(kind="failed", message=CHANGED_WHILE_DRAFTING)
            return state
        try:
            saved = store.save_section(
                report_id, key, final.text, source=final.source, based_on=current.version, note=note
            )
            break
        except VersionConflict:
            continue  # another part of the report changed meanwhile: try on the new version
    else:
        raise VersionConflict(store.get(report_id), current.version)
    state = section_state(saved, key, extra=findings, origin=_latest_origin(store, report_id, key))
    fell_back = final.source == "offline" and getattr(settings, "llm_configured", False)
    if fell_back:
        reason = findings[0].message if findings else "模型未返回可用的文字"
        message = f"模型未能完成，已改用离线模板起草：{reason}"
    else:
        shown = "离线模板" if final.source == "offline" else label
        message = f"已生成（{shown}），请审核后再定稿"
        applied = [f.message for f in findings if f.code == "D-05"]
        if applied:
            message += "。" + applied[0]
    warning = data_warning(findings_for(saved))
    if warning:
        message += "。" + warning
    state.update(kind="accepted", message=message, fell_back=fell_back, data_warning=warning)
    return state
