"""Shared request helpers for the routes: the store, page context, JSON bodies."""

from __future__ import annotations

import json
import threading
from typing import Any

from fastapi import Request
from starlette.responses import HTMLResponse

from ..checks import Finding, check_report
from ..store import Store, StoredReport
from .pages import render
from .security import GuardError, csrf_token
from .views import counts

MAX_JSON_BYTES = 2 * 1024 * 1024
OFFLINE_LABEL = "离线模板"


def store_of(request: Request) -> Store:
    return request.app.state.store


def drafter_label(request: Request) -> str:
    settings = request.app.state.settings
    return str(getattr(settings, "drafter_label", None) or OFFLINE_LABEL)


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("report", None)
    context.setdefault("active", "")
    base = {"csrf": csrf_token(request), "drafter": drafter_label(request)}
    return render(name, {**base, **context}, status)


def report_page(
    request: Request, name: str, stored: StoredReport, active: str, **context: Any
) -> HTMLResponse:
    findings = context.pop("findings", None)
    if findings is None:
        findings = findings_for(stored)
    errors, warnings = counts(findings)
    return page(
        request,
        name,
        report=stored,
        active=active,
        findings=findings,
        n_errors=errors,
        n_warnings=warnings,
        **context,
    )


def findings_for(stored: StoredReport) -> list[Finding]:
    """check_report, computed once per saved version (every change bumps the version)."""
    key = (stored.id, stored.version)
    with _findings_lock:
        cached = _findings_cache.get(key)
    if cached is None:
        cached = tuple(check_report(stored.report))
        with _findings_lock:
            _findings_cache[key] = cached
            while len(_findings_cache) > FINDINGS_CACHE_SIZE:
                _findings_cache.pop(next(iter(_findings_cache)))
    return list(cached)


FINDINGS_CACHE_SIZE = 256
_findings_cache: dict[tuple[str, int], tuple[Finding, ...]] = {}
_findings_lock = threading.Lock()


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_JSON_BYTES:
        raise GuardError(413, "提交的内容过大，请分次保存")
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise GuardError(400, "提交的内容无法识别，请刷新页面后重试") from None
    if not isinstance(data, dict):
        raise GuardError(400, "提交的内容无法识别，请刷新页面后重试")
    return data


def version_of(data: dict[str, Any]) -> int:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise GuardError(400, "缺少版本号，请刷新页面后重试")
    return version
