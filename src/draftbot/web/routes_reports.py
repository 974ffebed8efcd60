"""Report list, new report, overview, facts form, table forms, live edits, export."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, RedirectResponse, Response

from .. import questions as qb
from ..datafile import DataFileError, dump_report, parse_report
from ..model import AgencyLevel, Report
from ..paths import label as cell_location
from ..published import SUFFIXES as PUBLISHED_SUFFIXES
from ..rollover import start_from_previous
from ..store import STATUS_LABELS, ReportSummary, Store, StoredReport
from .access import claim_new, ensure_report, visible_ids
from .context import (
    VersionCache,
    findings_for,
    json_body,
    page,
    prose_status,
    report_page,
    store_of,
    stored_grid,
    version_of,
)
from .edits import EditRejected, apply_changes, conversion_notes
from .pages import fragment
from .pools import in_pool
from .security import GuardError, login_response
from .sentences import MAX_SENTENCE_CHARS, llm_parser, parse_sentence, proposal_view
from .views import (
    TABLES,
    counts,
    finding_views,
    grid_for,
    grid_rows,
    grid_values,
    is_computed,
    local_time,
    stated_totals,
    table_findings,
)

router = APIRouter()

DATA_SUFFIXES = (".yaml", ".yml", ".json")


# --- list and new --------------------------------------------------------------------------


PAGE_SIZE = 50
PREVIOUS_CHOICES = 500  # most recently edited reports offered on the new-report page
MAX_QUERY_CHARS = 100


@router.get("/")
def report_list(request: Request, archived: bool = False) -> Response:
    """The report list: one page (`?page=`) of stored summaries, filtered in SQL by agency or
    year (`?q=`); no report is parsed unless its check counts are out of date. Archived
    reports only with `?archived=1`; two reports of the same agency and year are marked."""
    store = store_of(request)
    query = request.query_params.get("q", "").strip()[:MAX_QUERY_CHARS]
    raw_page = request.query_params.get("page", "1")
    page_no = int(raw_page) if raw_page.isdigit() and len(raw_page) < 7 else 1
    result = store.summaries(
        query,
        offset=(max(page_no, 1) - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        archived=archived,
        only=visible_ids(request),
    )
    pairs = [(summary.agency, summary.report_year) for summary in result.rows]
    duplicated = set() if archived else store.duplicated(among=pairs)
    rows = [
        {
            "cells": list_row(store, summary),
            "id": summary.header.id,
            "duplicate": (summary.agency, summary.report_year) in duplicated,
        }
        for summary in result.rows
    ]
    pages = max(1, -(-result.total // PAGE_SIZE))
    context: dict[str, Any] = {
        "active": "list",
        "query": query,
        "total": result.total,
        "page_no": result.offset // PAGE_SIZE + 1,
        "pages": pages,
        "archived": archived,
        "n_archived": _archived_count(request, store) if not archived else result.total,
    }
    # the page follows from these values and each row's (id, version, duplicate): a row's
    # cells are rendered once per version (list_row)
    shown = tuple((s.header.id, s.header.version) for s in result.rows)
    marks = tuple(row["duplicate"] for row in rows)
    key = ("list", *context.values(), shown, marks)
    return page(request, "list.html", rows=rows, cache_key=key, **context)


def _archived_count(request: Request, store: Store) -> int:
    """Archived reports the user may see (all of them in local mode)."""
    visible = visible_ids(request)
    archived = store.archived_ids()
    return len(archived if visible is None else archived & visible)


@router.post("/reports/{report_id}/archive")
async def archive_report(request: Request, report_id: str) -> Response:
    """Archive (or with `restore=1`, bring back) a report: nothing is deleted."""
    form = await request.form()
    store = store_of(request)
    if str(form.get("restore", "")) == "1":
        store.unarchive(report_id)
    else:
        store.archive(report_id)
    return RedirectResponse("/", status_code=303)


def same_report(
    store: Store, agency: str, year: int, only: frozenset[str] | None = None
) -> list[StoredReport]:
    """Reports in the list (not archived) of this agency and year: starting one would duplicate
    (`only`: among these report ids, in server mode)."""
    found = store.summaries(agency, limit=500, only=only).rows
    return [store.get(s.header.id) for s in found if s.agency == agency and s.report_year == year]


def _same_visible(request: Request, report: Report) -> list[StoredReport]:
    """`same_report` among the reports the user may see (all of them in local mode)."""
    meta = report.meta
    return same_report(store_of(request), meta.agency, meta.report_year, visible_ids(request))


def list_row(store: Store, summary: ReportSummary) -> Markup:
    """One line of the report list as HTML, rendered once per report version (its data,
    status and time). Check counts are recounted (and stored) only when the report changed
    since they were counted."""
    header = summary.header

    def render() -> Markup:
        errors, warnings = summary.errors, summary.warnings
        if not summary.counted or errors is None or warnings is None:
            errors, warnings = counts(findings_for(store.get(header.id)))
            store.store_counts(header.id, header.version, errors, warnings)
        context = {
            "header": header,
            "agency": summary.agency,
            "year": summary.report_year,
            "errors": errors,
            "warnings": warnings,
            "updated": local_time(header.updated_at),
        }
        return fragment("list_row.html", context)

    return _rows.get((header.id, header.version), render)


_rows: VersionCache[tuple[str, int], Markup] = VersionCache(4096)  # about 0.5 KB each


@router.get("/reports/new")
def new_report_form(request: Request) -> Response:
    return _new_page(request)


def _new_page(request: Request, status: int = 200, **context: Any) -> Response:
    context.setdefault("problems", [])
    context.setdefault("values", {})
    context.setdefault("upload_problems", [])
    context.setdefault("duplicates", [])
    return page(
        request,
        "new.html",
        status,
        levels=[level.value for level in AgencyLevel],
        previous=store_of(request).summaries(limit=PREVIOUS_CHOICES, only=visible_ids(request)),
        max_mb=request.app.state.config.max_upload_bytes // (1024 * 1024),
        active="new",
        **context,
    )


@router.post("/reports")
async def create_report(request: Request) -> Response:
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in NEW_REPORT_FIELDS}
    try:
        report = new_report(values)
    except qb.AnswerError as exc:
        problems = str(exc).split("；")
        return await in_pool(
            request, "store", _new_page, request, 400, problems=problems, values=values
        )
    existing = await in_pool(request, "store", _same_visible, request, report)
    if existing and str(form.get("allow_duplicate", "")) != "1":
        return _new_page(request, 409, values=values, duplicates=existing, duplicate_form="new")
    stored = await in_pool(request, "store", store_of(request).create, report)
    await in_pool(request, "store", claim_new, request, stored)
    return RedirectResponse(f"/reports/{stored.id}", status_code=303)


NEW_REPORT_FIELDS = ("agency", "report_year", "level", "region", "publish_date")


def new_report(values: dict[str, str]) -> Report:
    """A report from the new-report form, answered through the guided questions' rules."""
    from .routes_guide import bank

    report = qb.create_report(values["agency"], values["report_year"])
    for question_id in NEW_REPORT_FIELDS[2:]:
        if values.get(question_id):
            report = qb.apply_answer(bank(), report, question_id, values[question_id])
    return report


@router.post("/reports/from-previous")
async def create_from_previous(request: Request) -> Response:
    form = await request.form()
    source_id = str(form.get("source_id", "")).strip()
    upload = form.get("file")
    try:
        if source_id:
            await in_pool(request, "store", ensure_report, request, source_id)
            last = (await in_pool(request, "store", store_of(request).get, source_id)).report
        elif isinstance(upload, UploadFile) and upload.filename:
            agency = str(form.get("agency", "")).strip()
            year_text = str(form.get("report_year", "")).strip()
            year = int(year_text) if year_text.isdigit() else None
            last = await _read_upload(request, upload, agency, year)
        else:
            raise GuardError(400, "请选择列表中的一份报告，或上传上一年度的数据文件或 Word 文档")
    except GuardError as exc:
        return await in_pool(
            request, "store", _new_page, request, exc.status, upload_problems=[exc.message]
        )
    except DataFileError as exc:
        shown = [str(p) for p in exc.problems]
        return await in_pool(request, "store", _new_page, request, 400, upload_problems=shown)
    report = start_from_previous(last)
    existing = await in_pool(request, "store", _same_visible, request, report)
    if existing and source_id and str(form.get("allow_duplicate", "")) != "1":
        return _new_page(
            request, 409, duplicates=existing, duplicate_form="previous", source_id=source_id
        )
    stored = await in_pool(request, "store", store_of(request).create, report)
    await in_pool(request, "store", claim_new, request, stored)
    return RedirectResponse(f"/reports/{stored.id}", status_code=303)


async def _read_upload(
    request: Request, upload: UploadFile, agency: str = "", year: int | None = None
) -> Report:
    limit = request.app.state.config.max_upload_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise GuardError(413, f"文件过大（上限 {limit // (1024 * 1024)} MB），请检查是否选错了文件")
    name = (upload.filename or "").lower()
    if name.endswith(PUBLISHED_SUFFIXES):
        return await in_pool(request, "parse", _import_published, data, name, agency or None, year)
    if name.endswith(".xlsx"):
        from ..intake import load_bytes

        return await in_pool(request, "parse", load_bytes, data, "上传的填报模板.xlsx")
    if name.endswith(DATA_SUFFIXES):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise GuardError(400, "数据文件不是 UTF-8 编码，请另存为 UTF-8 后再上传") from None
        suffix = ".json" if name.endswith(".json") else ".yaml"
        return await in_pool(request, "parse", parse_report, text, f"上传的文件{suffix}")
    raise GuardError(
        415,
        "只能上传上年度发布的报告（.docx、.doc、.wps、.html、.htm、.mht、.pdf）、Excel 填报模板（.xlsx）"
        "或 .yaml / .yml / .json（数据文件）",
    )


def _import_published(data: bytes, name: str, agency: str | None, year: int | None) -> Report:
    """A published report (any supported format) as data; runs in a worker thread."""
    from ..published import ReportImportError, import_report

    try:
        return import_report(data, filename=name, agency=agency, report_year=year).report
    except ReportImportError as exc:
        message = str(exc).replace("请用 --agency 和 --year 指定", "请在上传时填写机关全称和年度")
        raise GuardError(400, message) from None
    except MemoryError:
        raise GuardError(413, "这份文件解压后过大，已拒绝读取") from None


# --- overview, status, facts ---------------------------------------------------------------


@router.get("/reports/{report_id}")
def overview(request: Request, report_id: str) -> Response:
    stored = store_of(request).get(report_id)
    from .routes_guide import bank

    findings = findings_for(stored)

    def table_counts() -> tuple[int, int]:
        return counts([f for f in findings if f.tables])

    def guide_state() -> str:
        remaining = qb.next_question(bank(), stored.report)
        return str(qb.progress(bank(), stored.report)) if remaining else "已全部回答"

    return report_page(
        request,
        "overview.html",
        stored,
        "overview",
        findings=findings,
        table_counts=_table_counts.get((stored.id, stored.version), table_counts),
        guide_state=_guide_states.get((stored.id, stored.version), guide_state),
        levels=[level.value for level in AgencyLevel],
        statuses=STATUS_LABELS,
        updated=local_time(stored.updated_at),
        cache_key="overview",
    )


_guide_states: VersionCache[tuple[str, int], str] = VersionCache(1024)  # 引导填报 progress
_table_counts: VersionCache[tuple[str, int], tuple[int, int]] = VersionCache(1024)  # 概况


@router.post("/reports/{report_id}/status")
async def set_status(request: Request, report_id: str) -> Response:
    form = await request.form()
    try:
        based_on = int(str(form.get("version", "")))
    except ValueError:
        raise GuardError(400, "缺少版本号，请刷新页面后重试") from None
    status = str(form.get("status", ""))
    await in_pool(request, "store", store_of(request).set_status, report_id, status, based_on)
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


@router.get("/reports/{report_id}/facts")
def facts_form(request: Request, report_id: str) -> Response:
    stored = store_of(request).get(report_id)
    return report_page(request, "facts.html", stored, "facts")


# --- tables --------------------------------------------------------------------------------


@router.get("/reports/{report_id}/tables/{table}")
def table_form(request: Request, report_id: str, table: str) -> Response:
    if table not in TABLES:
        raise GuardError(404, "没有这张表")
    stored = store_of(request).get(report_id)
    findings = findings_for(stored)
    grid, html, mine = _grids.get(
        (stored.id, stored.version, table), lambda: _table_view(stored, table, findings)
    )
    return report_page(
        request,
        "table.html",
        stored,
        f"table{table}",
        findings=findings,
        table=table,
        title=TABLES[table],
        grid=grid,
        grid_html=html,
        table_findings=mine,
        llm_parser=llm_parser(request.app.state.settings),
        chat_example=_chat_example(table),
        cache_key=table,
    )


def _table_view(stored: StoredReport, table: str, findings: list[Any]) -> tuple[Any, Markup, Any]:
    """The grid of one table, its rendered HTML and its findings, for one report version."""
    grid = stored_grid(stored, table)
    keys = [c.key for c in grid.value_cells() if c.key]
    mine = finding_views(table_findings(findings, grid.name), keys)
    context = {
        "table": table,
        "rows": grid_rows(grid),
        "computed": is_computed,
        "stated": stated_totals(stored.report),
        "location": cell_location,
        "flagged": {key for view in mine for key in view.keys},
    }
    return grid, fragment("_table_grid.html", context), mine


_grids: VersionCache[tuple[str, int, str], tuple[Any, Markup, Any]] = VersionCache(256)


def _chat_example(table: str) -> str:
    from .routes_guide import bank

    return bank().freetext.examples.get(table, "")  # type: ignore[call-overload]


@router.post("/api/reports/{report_id}/edit")
async def edit(request: Request, report_id: str) -> Response:
    """Autosave: apply `changes` if the tab's `version` is current; answer with live checks."""
    data = await json_body(request)
    based_on = version_of(data)
    changes = data.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise GuardError(400, "没有要保存的修改")
    return JSONResponse(
        *await in_pool(
            request, "store", _apply_edit, store_of(request), report_id, changes, based_on
        )
    )


def _apply_edit(
    store: Any, report_id: str, changes: dict[str, Any], based_on: int
) -> tuple[dict[str, Any], int]:
    """Validate and save one autosave (runs in the store pool): (JSON answer, status)."""
    stored = store.get(report_id)
    try:
        updated = apply_changes(stored.report, changes)
    except EditRejected as exc:
        answer = {
            "ok": False,
            "message": "有填写不正确的内容，未保存：" + exc.problems[0].shown(),
            "problems": [p.to_json() for p in exc.problems],
        }
        return answer, 422
    saved = live_state(store.save(report_id, updated, based_on))
    return {**saved, "notes": conversion_notes(changes)}, 200


@router.get("/api/reports/{report_id}/state")
def state(request: Request, report_id: str) -> Response:
    return JSONResponse(live_state(store_of(request).get(report_id)))


def live_state(stored: StoredReport) -> dict[str, Any]:
    """Version, every table cell's text (totals recomputed) and the findings with their cells."""
    values: dict[str, str] = {}
    for table in TABLES:
        values.update(grid_values(stored_grid(stored, table)))
    findings = findings_for(stored)
    views = finding_views(findings, list(values))
    errors = sum(f.severity == "error" for f in findings)
    return {
        "ok": True,
        "version": stored.version,
        "saved_at": local_time(stored.updated_at),
        "values": values,
        "findings": [v.to_json() for v in views],
        "n_errors": errors,
        "n_warnings": len(findings) - errors,
    }


# --- export --------------------------------------------------------------------------------


@router.get("/reports/{report_id}/export")
def export_page(request: Request, report_id: str) -> Response:
    stored = store_of(request).get(report_id)
    return _export_page(request, stored, cache_key="export")


def _export_page(
    request: Request, stored: StoredReport, status: int = 200, **context: Any
) -> Response:
    """The export page; the formal downloads are disabled, with the reason, while the export
    gate would refuse them (errors, （待起草） sections, empty basic-information fields the
    document prints, an unfilled 表三); the missing fields are listed with a link to 概况."""
    from ..export import ExportBlocked, gate
    from ..paths import label_parts

    missing: list[str] = []
    try:
        gate(stored.report, findings=findings_for(stored))
        blocker = ""
    except ExportBlocked as exc:
        blocker = "；".join(exc.reasons(data_keys=False))
        missing = [label_parts(path)[-1] for path in exc.missing]  # as the 概况 form says
    context.setdefault("blocked", None)
    return report_page(
        request,
        "export.html",
        stored,
        "export",
        status=status,
        formal_blocker=blocker,
        missing_fields=missing,
        **context,
    )  # a `cache_key` in `context` only from the plain GET (no `blocked` list)


@router.get("/reports/{report_id}/download.docx")
async def download_docx(request: Request, report_id: str, force: bool = False) -> Response:
    from .. import word

    stored = await in_pool(request, "store", store_of(request).get, report_id)
    try:
        findings = await in_pool(request, "store", findings_for, stored)
        result = await in_pool(
            request, "docx", word.build_docx, stored.report, force=force, findings=findings
        )
    except word.ExportBlocked as exc:
        return _export_page(request, stored, 409, blocked=finding_views(list(exc.findings)))
    suffix = "（草稿）" if force else ""
    return _download(
        result.data,
        f"{_base_name(stored.report)}{suffix}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@router.get("/reports/{report_id}/download.pdf")
def download_pdf(request: Request, report_id: str, force: bool = False) -> Response:
    """The report as PDF through LibreOffice; the export page says what to do without it."""
    from .. import word
    from ..pdf_export import PdfError, docx_to_pdf

    stored = store_of(request).get(report_id)
    try:
        built = word.build_docx(stored.report, force=force, findings=findings_for(stored))
        data = docx_to_pdf(built.data)
    except word.ExportBlocked as exc:
        return _export_page(request, stored, 409, blocked=finding_views(list(exc.findings)))
    except PdfError as exc:
        status = 503  # LibreOffice missing, too slow or failing: the page says what to do
        return _export_page(request, stored, status, problem=str(exc))
    suffix = "（草稿）" if force else ""
    return _download(data, f"{_base_name(stored.report)}{suffix}.pdf", "application/pdf")


@router.get("/reports/{report_id}/download-review.docx")
def download_review(request: Request, report_id: str) -> Response:
    """The 审阅稿: every finding a Word comment, 待人工审核 sections highlighted."""
    from .. import word
    from ..outline import SECTION_LABELS

    store = store_of(request)
    stored = store.get(report_id)
    unreviewed = prose_status(store, stored).unreviewed
    keys = [key for key, label in SECTION_LABELS.items() if label in unreviewed]
    result = word.build_review_docx(stored.report, unreviewed=keys)
    return _download(
        result.data,
        f"{_base_name(stored.report)}（审阅稿）.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@router.get("/reports/{report_id}/download.{fmt}")
def download_data(request: Request, report_id: str, fmt: str) -> Response:
    if fmt not in ("yaml", "json"):
        raise GuardError(404, "不支持这种文件格式")
    report = store_of(request).with_history(report_id)
    text = dump_report(report, fmt)
    media = "application/json" if fmt == "json" else "application/yaml"
    return _download(text.encode("utf-8"), f"{_base_name(report)}.{fmt}", media)


def _base_name(report: Report) -> str:
    agency = "".join(ch for ch in report.meta.agency if ch.isalnum() or ch in "（）()·-_")
    return f"{agency or '报告'}{report.meta.report_year}年政府信息公开工作年度报告"


def _download(data: bytes, filename: str, media_type: str) -> Response:
    ascii_name = "report" + filename[filename.rfind(".") :]
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


# --- login (only when bound beyond this computer) ------------------------------------------


@router.get("/login")
def login_form(request: Request) -> Response:
    return page(request, "login.html", problem="")


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the access token; after too many wrong ones from one address, refuse for a while."""
    throttle = request.app.state.login_throttle
    client = request.client.host if request.client else ""
    wait = await in_pool(request, "store", throttle.wait_seconds, client)  # in the database
    if wait:
        problem = f"口令错误次数过多，请 {wait} 秒后再试"
        return page(request, "login.html", 429, problem=problem)
    form = await request.form()
    token = request.app.state.config.access_token
    response = login_response(token, str(form.get("token", ""))) if token else None
    if response is None:
        await in_pool(request, "store", throttle.failed, client)
        return page(request, "login.html", 401, problem="口令不正确")
    return response


# --- chat box at each table: a sentence → proposed cells -----------------------------------


@router.post("/api/reports/{report_id}/tables/{table}/propose")
async def propose(request: Request, report_id: str, table: str) -> Response:
    """Cells a typed sentence would fill; nothing is saved until the user confirms."""
    if table not in TABLES:
        raise GuardError(404, "没有这张表")
    data = await json_body(request)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise GuardError(400, "请先输入一句话，如“共收到申请5件，其中自然人4件、企业1件”")
    if len(text) > MAX_SENTENCE_CHARS:
        raise GuardError(400, f"一次最多输入 {MAX_SENTENCE_CHARS} 字，请分几次描述")
    stored = await in_pool(request, "store", store_of(request).get, report_id)
    return JSONResponse(await proposal_json(request, stored.report, table, text))


async def proposal_json(request: Request, report: Report, table: str, text: str) -> dict[str, Any]:
    from .routes_guide import bank

    scope = [grid_prefix(grid_for(report, table))]
    system_prompt = bank().freetext.system_prompt
    settings = request.app.state.settings
    proposal = await in_pool(
        request, "model", parse_sentence, settings, system_prompt, text, scope, report
    )
    return proposal_view(proposal, report, cell_location)


def grid_prefix(grid: Any) -> str:
    first = next(cell.key for cell in grid.value_cells() if cell.key)
    return first.split(".")[0]
