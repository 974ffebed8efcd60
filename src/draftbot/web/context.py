"""Shared request helpers for the routes: the store, page context, JSON bodies."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Request
from starlette.responses import HTMLResponse

from ..checks import check_report
from ..export import unwritten_sections
from ..findings import Finding
from ..model import Report
from ..outline import SECTION_LABELS
from ..store import SectionRevision, Store, StoredReport
from ..tables import Grid
from .access import multi_user, server_context
from .pages import SECURITY_HEADERS, render, render_text
from .security import GuardError, csrf_token
from .views import counts, grid_for

K = TypeVar("K")
V = TypeVar("V")
MAX_JSON_BYTES = 2 * 1024 * 1024
OFFLINE_LABEL = "离线模板"


def store_of(request: Request) -> Store:
    return request.app.state.store


def drafter_label(request: Request) -> str:
    settings = request.app.state.settings
    return str(getattr(settings, "drafter_label", None) or OFFLINE_LABEL)


def page(
    request: Request,
    name: str,
    status: int = 200,
    *,
    cache_key: Hashable | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render page template `name`. With `cache_key` (local mode only) the caller promises
    that everything in `context` follows from `cache_key` (in practice: report id and saved
    version, plus the page's own parameters); the HTML is then rendered once per key, with
    the CSRF token, the only per-browser part, put in per request."""
    context.setdefault("report", None)
    context.setdefault("active", "")
    base: dict[str, Any] = {"csrf": csrf_token(request), "drafter": drafter_label(request)}
    base.update({"me": None, "n_tasks": 0, "review_notes": []})
    if cache_key is not None and not multi_user(request):
        cache: VersionCache[Hashable, list[bytes]] = request.app.state.page_cache
        parts = cache.get(
            (name, status, cache_key),
            lambda: (
                render_text(name, {**base, **context, "csrf": CSRF_MARK})
                .encode()
                .split(CSRF_MARK.encode())
            ),
        )
        body = base["csrf"].encode().join(parts)
        return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
    base.update(server_context(request, context["report"]))
    return render(name, {**base, **context}, status)


# Stands in for the CSRF token in cached pages; random per process, so no typed text has it.
CSRF_MARK = "csrf" + secrets.token_hex(16)
PAGE_CACHE_SIZE = 128  # rendered pages (20–100 kB each) kept per app


def report_page(
    request: Request,
    name: str,
    stored: StoredReport,
    active: str,
    *,
    cache_key: Hashable | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page of one report. `cache_key`: see `page`; the report's id and saved version are
    added to it here, so a cached page never outlives its version."""
    findings = context.pop("findings", None)
    if findings is None:
        findings = findings_for(stored)
    errors, warnings = counts(findings)
    if name in PROSE_STATUS_PAGES and "prose" not in context:
        context["prose"] = prose_status(store_of(request), stored)
    key = None if cache_key is None else (stored.id, stored.version, active, cache_key)
    return page(
        request,
        name,
        report=stored,
        active=active,
        findings=findings,
        n_errors=errors,
        n_warnings=warnings,
        cache_key=key,
        **context,
    )


class VersionCache(Generic[K, V]):
    """A bounded, thread-safe map for values derived from one saved report version (checks,
    rendered rows and grids). Every change bumps the version, so entries never go stale;
    the oldest are dropped beyond `size`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: dict[K, V] = {}
        self._lock = threading.Lock()

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The cached value for `key`, computing (outside the lock) and storing it if absent."""
        with self._lock:
            if key in self._items:
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.pop(next(iter(self._items)))
        return value


PROSE_STATUS_PAGES = ("overview.html", "export.html")  # pages showing _prose_status.html
HUMAN_SOURCES = ("user", "restore", "reviewed")  # text a person wrote, restored or approved


@dataclass(frozen=True)
class ProseStatus:
    """Where the 8 prose sections stand: labels of the unwritten and the not-yet-reviewed.

    A section is 待人工审核 while its current text is the latest generated one (model or
    offline template) and no person has edited or restored it since.
    """

    unwritten: list[str]
    unreviewed: list[str]

    @property
    def total(self) -> int:
        return len(SECTION_LABELS)


def prose_status(store: Store, stored: StoredReport) -> ProseStatus:
    """The `ProseStatus` of a saved version, worked out once per version: it reads only the
    version's prose and its accepted revisions (`latest_accepted`, also fixed per version)."""

    def compute() -> ProseStatus:
        latest = latest_accepted(store, stored)
        unwritten = unwritten_sections(stored.report)
        unreviewed = [
            label
            for key, label in SECTION_LABELS.items()
            if label not in unwritten
            and (latest[key].source if key in latest else "user") not in HUMAN_SOURCES
        ]
        return ProseStatus(unwritten, unreviewed)

    status = _prose_status.get((stored.id, stored.version), compute)
    return ProseStatus(list(status.unwritten), list(status.unreviewed))  # callers' own lists


_prose_status: VersionCache[tuple[str, int], ProseStatus] = VersionCache(256)


def latest_accepted(store: Store, stored: StoredReport) -> dict[str, SectionRevision]:
    """The newest accepted revision of each section that has one, read once per saved version:
    an accepted revision is only ever written together with a new version (store.save,
    store.save_section) or a new report; failed attempts do not count here."""

    def read() -> dict[str, SectionRevision]:
        latest: dict[str, SectionRevision] = {}
        for revision in store.revisions(stored.id):  # newest first
            if revision.kind == "accepted":
                latest.setdefault(revision.section, revision)
        return latest

    return dict(_latest.get((stored.id, stored.version), read))


_latest: VersionCache[tuple[str, int], dict[str, SectionRevision]] = VersionCache(256)


FINDINGS_CACHE_SIZE = 256
_findings: VersionCache[tuple[str, int], tuple[Finding, ...]] = VersionCache(FINDINGS_CACHE_SIZE)


def findings_for(stored: StoredReport) -> list[Finding]:
    """check_report, computed once per saved version (every change bumps the version)."""
    key = (stored.id, stored.version)
    return list(_findings.get(key, lambda: tuple(check_report(stored.report))))


_grids: VersionCache[tuple[str, int, str], Grid] = VersionCache(3 * FINDINGS_CACHE_SIZE)


def stored_grid(stored: StoredReport, table: str) -> Grid:
    """Table `table` ("2", "3", "4") of a saved version as a grid (totals computed), built
    once per version and shared by the table page and the autosave answer."""
    return _grids.get(
        (stored.id, stored.version, table), lambda: _grid_by_content(stored.report, table)
    )


def _grid_by_content(report: Report, table: str) -> Grid:
    """`grid_for`, shared between versions whose table is the same: 表三 is a function of
    `report.table3` and the format version alone, 表四 of `report.table4` alone
    (tables.table3_grid, table4_grid), so an autosave of another table's cell reuses them.
    表二 reads more of the report (its format, a published report's layout): by version only."""
    key: tuple[str, str, str]
    if table == "3":
        key = (table, report.format_version, report.table3.model_dump_json())
    elif table == "4":
        key = (table, "", report.table4.model_dump_json())
    else:
        return grid_for(report, table)
    return _grids_by_content.get(key, lambda: grid_for(report, table))


_grids_by_content: VersionCache[tuple[str, str, str], Grid] = VersionCache(2 * FINDINGS_CACHE_SIZE)


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_JSON_BYTES:
        raise GuardError(413, "提交的内容过大，请分次保存")
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise GuardError(400, "提交的内容无法识别，请刷新页面后重试") from None
    if not isinstance(data, dict):
        raise GuardError(400, "提交的内容无法识别，请刷新页面后重试")
    return data


def version_of(data: dict[str, Any]) -> int:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise GuardError(400, "缺少版本号，请刷新页面后重试")
    if not 0 <= version <= MAX_VERSION:
        raise GuardError(400, "版本号无效，请刷新页面后重试")
    return version


MAX_VERSION = 2**53  # SQLite stores 64-bit integers; a larger number is never a real version
