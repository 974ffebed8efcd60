"""The 政务公开办's workspace: upload many reports, see the batch summary, open an agency,
compare two years, build the roll-up and continue it in the normal draft/review/export flow.

A thin layer over `workspace` (the batches, kept in the store so that every app instance
serves every batch), `batch`, `audit`, `rollup`, `compare` and `batch_summary`. Uploads are
written to the database file by file; each batch is checked in a background thread of one
instance (held by a lease in the database; another instance takes it over if that one dies),
with its progress shown, so the pages stay responsive.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..batch import BatchResult
from ..batch_summary import key_figures, rollup_sheets, summary_table, summary_xlsx
from ..compare import CellPair, SectionDiff, compare_reports
from ..model import AgencyLevel
from ..outline import SECTION_LABELS
from ..rollup import RollUp, RollUpError, breakdown_rows, roll_up
from ..workspace import BatchNotFound, BatchState, Workspace
from .access import claim_new, current_account
from .context import page, store_of
from .security import GuardError

router = APIRouter()

MAX_FILES = 500
_UNSAFE_RE = re.compile(r'[\\/:*?"<>|\x00-\x1f]|^\.+')
SORTABLE = ("序号", "机关", "层级", "年度", "状态", "错误", "提示", "新收申请")


def workspace_of(request: Request) -> Workspace:
    """The app's batch workspace (web/app.py makes one per app, over its store)."""
    return request.app.state.workspace


def _area(request: Request) -> str | None:
    """The area whose batches this request may see: None for every batch (local mode and
    the 系统管理员), else the 政务公开办管理员's own area."""
    account = current_account(request)
    if account is None or account.role == "sysadmin":
        return None
    return account.area


def _batch(request: Request, batch_id: str) -> BatchState:
    """The batch, if this request may see it (else 404), its check started if it is waiting
    (or its instance died)."""
    workspace = workspace_of(request)
    try:
        batch = workspace.get(batch_id)
    except BatchNotFound:
        raise GuardError(404, "找不到这批报告") from None
    area = _area(request)
    if area is not None and (not batch.area or batch.area != area):
        raise GuardError(404, "找不到这批报告")
    if batch.running and workspace.ensure_running(batch_id):
        batch = workspace.get(batch_id)
    return batch


@router.get("/workspace")
def workspace(request: Request) -> Response:
    area = _area(request)
    batches = [b for b in workspace_of(request).batches(area) if area is None or b.area]
    max_mb = request.app.state.config.max_upload_bytes // (1024 * 1024)
    return page(request, "workspace.html", batches=batches, max_mb=max_mb, active="workspace")


@router.post("/workspace")
async def upload(request: Request) -> Response:
    form = await request.form()
    uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
    if not uploads:
        raise GuardError(400, "请选择要上传的报告文件或 zip 压缩包")
    if len(uploads) > MAX_FILES:
        raise GuardError(400, f"一次最多上传 {MAX_FILES} 个文件；可以打包成 zip 上传")
    account = current_account(request)
    renames = parse_renames(str(form.get("renames", "")))
    spaces = workspace_of(request)
    batch_id = await run_in_threadpool(spaces.begin, account.area if account else "", renames)
    try:
        await _save_uploads(request, uploads, spaces, batch_id)
    except BaseException:
        await run_in_threadpool(spaces.discard, batch_id)  # nothing half-uploaded is kept
        raise
    await run_in_threadpool(spaces.seal, batch_id)
    await run_in_threadpool(spaces.ensure_running, batch_id)
    return RedirectResponse(f"/workspace/{batch_id}", status_code=303)


_RENAME_SPLIT_RE = re.compile(r"\s*(?:→|->|:|：|\t)\s*")


def parse_renames(text: str) -> dict[str, str]:
    """Lines “旧名称 → 新名称” (or with ：/:) → {old: new}; other lines are ignored."""
    out: dict[str, str] = {}
    for line in text.splitlines()[:500]:
        parts = [p.strip() for p in _RENAME_SPLIT_RE.split(line.strip(), maxsplit=1)]
        if len(parts) == 2 and all(2 <= len(p) <= 100 for p in parts):
            out[parts[0]] = parts[1]
    return out


async def _save_uploads(
    request: Request, uploads: list[UploadFile], spaces: Workspace, batch_id: str
) -> None:
    """Each file into the database as it is read: one file in memory at a time."""
    limit = request.app.state.config.max_upload_bytes
    total = 0
    for i, item in enumerate(uploads, start=1):
        data = await item.read(limit + 1)
        total += len(data)
        if len(data) > limit or total > limit * 4:
            raise GuardError(413, f"上传的文件过大（单个不超过 {limit // (1024 * 1024)} MB）")
        await run_in_threadpool(
            spaces.add_file, batch_id, i, _safe_name(i, item.filename or ""), data
        )
        del data


def _safe_name(number: int, name: str) -> str:
    """A server-made file name that keeps the original's readable part and its suffix."""
    base = PurePath(name.replace("\\", "/")).name
    stem, suffix = PurePath(base).stem, PurePath(base).suffix.lower()
    stem = _UNSAFE_RE.sub("_", stem)[:60] or "文件"
    return f"{number:03d}-{stem}{suffix[:8]}"


@router.get("/workspace/{batch_id}/progress")
def progress(request: Request, batch_id: str) -> Response:
    batch = _batch(request, batch_id)
    return JSONResponse(
        {
            "running": batch.running,
            "label": batch.label,
            "done": batch.done,
            "total": batch.total,
            "failure": batch.failure,
        }
    )


@router.get("/workspace/{batch_id}")
def batch_page(request: Request, batch_id: str) -> Response:
    job = _batch(request, batch_id)
    result = workspace_of(request).result(batch_id)
    if result is None:
        return page(request, "workspace_running.html", job=job, active="workspace")
    header, rows = summary_table(result)
    codes = header[len(header) - len(result.code_counts()) :]
    filters = {name: request.query_params.get(name, "") for name in ("level", "status", "code")}
    named = [dict(zip(header, row, strict=True)) for row in rows]
    shown = [row for row in named if _keep(row, filters)]
    sort = request.query_params.get("sort", "序号")
    desc = request.query_params.get("desc") == "1"
    if sort in SORTABLE:
        blank = [row for row in shown if row[sort] == ""]  # unreadable files: always last
        shown = sorted((row for row in shown if row[sort] != ""), key=lambda row: row[sort])
        shown = (shown[::-1] if desc else shown) + blank
    return page(
        request,
        "workspace_batch.html",
        job=job,
        header=header,
        rows=shown,
        total=len(rows),
        codes=codes,
        filters=filters,
        sort=sort,
        desc=desc,
        sortable=SORTABLE,
        levels=[level.value for level in AgencyLevel],
        statuses=list(result.status_counts()),
        status_counts=result.status_counts(),
        active="workspace",
    )


def _keep(row: dict[str, Any], filters: dict[str, str]) -> bool:
    if filters["level"] and row["层级"] != filters["level"]:
        return False
    if filters["status"] and row["状态"] != filters["status"]:
        return False
    return not (filters["code"] and not row.get(filters["code"]))


def _done(request: Request, batch_id: str) -> tuple[BatchState, BatchResult]:
    batch = _batch(request, batch_id)
    result = workspace_of(request).result(batch_id)
    if result is None:
        raise GuardError(409, "这批报告还在处理中，请稍候")
    return batch, result


@router.get("/workspace/{batch_id}/汇总.xlsx")
def summary_download(request: Request, batch_id: str) -> Response:
    data = summary_xlsx(_done(request, batch_id)[1])
    return _download(data, "汇总.xlsx")


def _download(data: bytes, name: str) -> Response:
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=kind, headers={"Content-Disposition": disposition})


@router.get("/workspace/{batch_id}/items/{number}")
def item_page(request: Request, batch_id: str, number: int) -> Response:
    job, result = _done(request, batch_id)
    if not 1 <= number <= len(result.items):
        raise GuardError(404, "找不到这份报告")
    item = result.items[number - 1]
    last_number: int | None = None
    cells: list[CellPair] = []
    sections: list[SectionDiff] = []
    if item.report is not None and item.previous_source:
        for i, other in enumerate(result.items, start=1):
            if other.source == item.previous_source and other.report is not None:
                last_number = i
                cells, sections = compare_reports(item.report, other.report)
    return page(
        request,
        "workspace_item.html",
        job=job,
        item=item,
        number=number,
        figures=key_figures(item.report) if item.report else {},
        last_number=last_number,
        cells=cells,
        sections=sections,
        section_labels=SECTION_LABELS,
        active="workspace",
    )


@router.post("/workspace/{batch_id}/items/{number}/open")
def open_item(request: Request, batch_id: str, number: int) -> Response:
    """Copy one report of the batch into the report list, to edit it in the normal flow."""
    _, result = _done(request, batch_id)
    report = result.items[number - 1].report if 1 <= number <= len(result.items) else None
    if report is None:
        raise GuardError(404, "找不到这份报告")
    stored = store_of(request).create(report)
    claim_new(request, stored)
    return RedirectResponse(f"/reports/{stored.id}", status_code=303)


@router.post("/workspace/{batch_id}/rollup")
async def build_rollup(request: Request, batch_id: str) -> Response:
    batch, result = await run_in_threadpool(_done, request, batch_id)
    form = await request.form()
    agency = str(form.get("agency", "")).strip()
    level = str(form.get("level", AgencyLevel.county_government.value))
    if not 2 <= len(agency) <= 100:
        raise GuardError(400, "请填写本级政府的全称（2 至 100 个字），如 某某县人民政府")
    try:
        summed = roll_up(
            result.reports(),
            agency=agency,
            level=AgencyLevel(level),
            region=str(form.get("region", "")).strip()[:60],
            with_errors=result.sources_with_errors(),
            renames=batch.renames,
        )
    except ValueError:
        raise GuardError(400, "机关层级无效，请从列表中选择") from None
    except RollUpError as exc:
        raise GuardError(400, str(exc)) from None
    stored = await run_in_threadpool(store_of(request).create, summed.report)
    claim_new(request, stored)
    await run_in_threadpool(workspace_of(request).add_rollup, batch_id, stored.id, summed)
    return RedirectResponse(f"/workspace/{batch_id}/rollups/{stored.id}", status_code=303)


def _rollup(request: Request, batch_id: str, report_id: str) -> tuple[BatchState, RollUp]:
    batch = _batch(request, batch_id)
    summed = workspace_of(request).rollup(batch_id, report_id)
    if summed is None:
        raise GuardError(404, "找不到这份汇总；请在汇总表页面重新生成")
    return batch, summed


@router.get("/workspace/{batch_id}/rollups/{report_id}")
def rollup_page(request: Request, batch_id: str, report_id: str) -> Response:
    job, summed = _rollup(request, batch_id, report_id)
    header, rows = breakdown_rows(summed)
    agencies = header[2:]
    lines = [
        {
            "location": row[0],
            "total": row[1],
            "parts": [(agencies[i], v) for i, v in enumerate(row[2:]) if v],
        }
        for row in rows
    ]
    return page(
        request,
        "workspace_rollup.html",
        job=job,
        summed=summed,
        report_id=report_id,
        lines=lines,
        active="workspace",
    )


@router.get("/workspace/{batch_id}/rollups/{report_id}/汇总明细.xlsx")
def rollup_download(request: Request, batch_id: str, report_id: str) -> Response:
    from ..excel import tabular_bytes

    return _download(
        tabular_bytes(rollup_sheets(_rollup(request, batch_id, report_id)[1])), "汇总明细.xlsx"
    )
