"""Drafting and review: section texts, generation (streamed), history, diff, restore."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from ..model import SECTION_KEYS
from ..store import SectionRevision, StoredReport
from .context import findings_for, json_body, report_page, store_of, version_of
from .security import GuardError
from .views import SECTION_LABELS, finding_views, local_time, section_findings, text_diff

router = APIRouter()

SOURCE_LABELS = {"user": "手工编辑", "offline": "离线模板", "restore": "从历史恢复"}


def _section(key: str) -> str:
    if key not in SECTION_KEYS:
        raise GuardError(404, "没有这一部分正文")
    return key


@router.get("/reports/{report_id}/draft")
def draft_page(request: Request, report_id: str) -> Response:
    stored = store_of(request).get(report_id)
    findings = findings_for(stored)
    sections = [
        {
            "key": key,
            "label": SECTION_LABELS[key],
            "text": getattr(stored.report.narrative, key),
            "findings": finding_views(section_findings(findings, key)),
        }
        for key in SECTION_KEYS
    ]
    return report_page(request, "draft.html", stored, "draft", findings=findings, sections=sections)


@router.post("/api/reports/{report_id}/sections/{key}")
async def save_section(request: Request, report_id: str, key: str) -> Response:
    data = await json_body(request)
    text = data.get("text")
    if not isinstance(text, str):
        raise GuardError(400, "缺少正文内容")
    stored = store_of(request).save_section(
        report_id, _section(key), text, source="user", based_on=version_of(data)
    )
    return JSONResponse(section_state(stored, key))


def section_state(stored: StoredReport, key: str) -> dict[str, Any]:
    findings = findings_for(stored)
    errors = sum(f.severity == "error" for f in findings)
    return {
        "ok": True,
        "version": stored.version,
        "saved_at": local_time(stored.updated_at),
        "text": getattr(stored.report.narrative, key),
        "section_findings": [v.to_json() for v in finding_views(section_findings(findings, key))],
        "n_errors": errors,
        "n_warnings": len(findings) - errors,
    }


@router.get("/api/reports/{report_id}/sections/{key}/history")
def history(request: Request, report_id: str, key: str) -> Response:
    revisions = store_of(request).revisions(report_id, _section(key))
    return JSONResponse({"revisions": [_revision_json(r) for r in revisions]})


def _revision_json(revision: SectionRevision) -> dict[str, Any]:
    return {
        "id": revision.id,
        "source": SOURCE_LABELS.get(revision.source, revision.source),
        "kind": revision.kind,
        "note": revision.note,
        "saved_at": local_time(revision.created_at),
        "length": len(revision.text),
        "preview": revision.text[:60],
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
    revision = store.revision(report_id, revision_id)
    stored = store.save_section(
        report_id,
        revision.section,
        revision.text,
        source="restore",
        based_on=version_of(data),
        note=f"恢复自 {local_time(revision.created_at)} 的版本",
    )
    return JSONResponse(section_state(stored, revision.section))
