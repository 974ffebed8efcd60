"""Server-mode pages: login, password, 待我处理, review workflow, area status, accounts and
the audit trail. Registered only with `--multi-user`; access rules are in access.py."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from .. import accounts, trail, workflow
from ..outline import SECTION_LABELS
from ..paths import label as cell_location
from .access import SESSION_COOKIE, client_address, current_account, visible_ids
from .context import page, report_page, store_of
from .pools import in_pool
from .security import GuardError
from .views import TABLES, grid_for

router = APIRouter()


def _account(request: Request) -> accounts.Account:
    account = current_account(request)
    if account is None:  # require_access has refused already; a guard for type checkers
        raise GuardError(401, "请先登录")
    return account


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value).strip() for key, value in form.items() if isinstance(value, str)}


def _version(form: dict[str, str]) -> int:
    value = form.get("version", "")
    if not value.isdigit():
        raise GuardError(400, "缺少版本号，请刷新页面后重试")
    return int(value)


# --- login, logout, password -------------------------------------------------------------


def _safe_next(target: str) -> str:
    """Only a path of this site (no scheme, no //host) is followed after login."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login")
def login_form(request: Request) -> Response:
    next_path = _safe_next(request.query_params.get("next", "/"))
    return page(request, "account_login.html", problem="", next_path=next_path, username="")


@router.post("/login")
async def login(request: Request) -> Response:
    """User name and password; locked for a while after too many wrong passwords."""
    form = await _form(request)
    username, next_path = form.get("username", ""), _safe_next(form.get("next", "/"))
    store = store_of(request)
    try:
        account = await in_pool(
            request,
            "store",
            accounts.authenticate,
            store,
            username,
            form.get("password", ""),
            client_address(request),
        )
    except accounts.LoginLocked as exc:
        context = {"problem": str(exc), "next_path": next_path, "username": username}
        return page(request, "account_login.html", 429, **context)
    except accounts.AccountError as exc:
        context = {"problem": str(exc), "next_path": next_path, "username": username}
        return page(request, "account_login.html", 401, **context)
    token = await in_pool(request, "store", accounts.start_session, store, account)
    target = "/account/password" if account.must_change else next_path
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=bool(request.app.state.config.secure_cookies),
        path="/",
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await in_pool(request, "store", accounts.end_session, store_of(request), token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account/password")
def password_form(request: Request) -> Response:
    return page(request, "account_password.html", problem="", done=False, me=_account(request))


@router.post("/account/password")
async def change_password(request: Request) -> Response:
    form = await _form(request)
    account = _account(request)
    new = form.get("new_password", "")
    problem = ""
    if new != form.get("new_password2", ""):
        problem = "两次输入的新密码不一致"
    else:
        try:
            await in_pool(
                request,
                "store",
                accounts.change_password,
                store_of(request),
                account,
                form.get("old_password", ""),
                new,
            )
        except accounts.AccountError as exc:
            problem = str(exc)
    if problem:
        return page(request, "account_password.html", 400, problem=problem, done=False, me=account)
    # every session of the account ended with the change: log in again with the new password
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- 待我处理 and area status --------------------------------------------------------------


@router.get("/inbox")
def inbox(request: Request) -> Response:
    account = _account(request)
    items = workflow.tasks(store_of(request), account)
    return page(request, "inbox.html", active="inbox", tasks=items, me=account)


@router.get("/area")
def area(request: Request) -> Response:
    """The 政务公开办's view: every agency of its area and its report's stage for a year."""
    account = _account(request)
    raw = request.query_params.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else dt.date.today().year - 1
    area_name = request.query_params.get("area", "") if account.role == "sysadmin" else ""
    area_name = area_name or account.area
    rows = workflow.area_status(store_of(request), area_name, year)
    tally = {label: sum(r.stage_label == label for r in rows) for label in _stage_labels()}
    return page(
        request, "area.html", active="area", rows=rows, year=year, area=area_name, tally=tally
    )


def _stage_labels() -> list[str]:
    return list(workflow.STAGE_LABELS.values())


# --- review workflow -----------------------------------------------------------------------


def comment_targets(report: Any) -> list[tuple[str, str]]:
    """(value, label) of everything a comment can be about: each prose section, then every
    value cell of the tables (by its printed location)."""
    targets = [(f"section:{key}", f"正文：{label}") for key, label in SECTION_LABELS.items()]
    for table in TABLES:
        for cell in grid_for(report, table).value_cells():
            if cell.key:
                targets.append((cell.key, cell_location(cell.key)))
    return targets


@router.get("/reports/{report_id}/review")
def review(request: Request, report_id: str) -> Response:
    return review_page(request, report_id)


def review_page(request: Request, report_id: str, problem: str = "", status: int = 200) -> Response:
    """The review page: stage, the steps the user may take, comments, the comment form."""
    store = store_of(request)
    stored = store.get(report_id)
    access = workflow.access_of(store, report_id)
    account = _account(request)
    items = [
        {
            "comment": c,
            "label": workflow.target_label(c.target),
            "current": c.review_round == access.review_round,
        }
        for c in reversed(workflow.comments(store, report_id))
    ]
    own = access.agency == account.agency
    return report_page(
        request,
        "review.html",
        stored,
        "review",
        comments=items,
        access=access,
        stage=workflow.STAGE_LABELS[workflow._stage(stored.status, access.returned)],
        can_submit=account.role == "clerk" and own and stored.status == "drafting",
        can_review=account.role == "reviewer" and own and stored.status == "reviewing",
        targets=comment_targets(stored.report),
        problem=problem,
        status=status,
    )


async def _step(request: Request, report_id: str, step: Any) -> Response:
    form = await _form(request)
    try:
        await in_pool(request, "store", step, store_of(request), report_id, _version(form))
    except workflow.WorkflowError as exc:
        return await in_pool(request, "store", review_page, request, report_id, str(exc), 409)
    return RedirectResponse(f"/reports/{report_id}/review", status_code=303)


@router.post("/reports/{report_id}/submit")
async def submit(request: Request, report_id: str) -> Response:
    return await _step(request, report_id, workflow.submit)


@router.post("/reports/{report_id}/return")
async def return_report(request: Request, report_id: str) -> Response:
    return await _step(request, report_id, workflow.return_report)


@router.post("/reports/{report_id}/approve")
async def approve(request: Request, report_id: str) -> Response:
    return await _step(request, report_id, workflow.approve)


@router.post("/reports/{report_id}/comments")
async def add_comment(request: Request, report_id: str) -> Response:
    form = await _form(request)
    try:
        await in_pool(
            request,
            "store",
            workflow.add_comment,
            store_of(request),
            report_id,
            form.get("target", ""),
            form.get("body", ""),
            _account(request),
        )
    except workflow.WorkflowError as exc:
        return await in_pool(request, "store", review_page, request, report_id, str(exc), 409)
    return RedirectResponse(f"/reports/{report_id}/review", status_code=303)


# --- audit trail ---------------------------------------------------------------------------


@router.get("/reports/{report_id}/trail")
def report_trail(request: Request, report_id: str) -> Response:
    stored = store_of(request).get(report_id)
    items = trail.entries(store_of(request), report_id=report_id)
    return report_page(
        request,
        "trail.html",
        stored,
        "trail",
        entries=items,
        who=None,
        file_href=f"/reports/{report_id}/trail",
    )


@router.get("/reports/{report_id}/trail.{fmt}")
def report_trail_file(request: Request, report_id: str, fmt: str) -> Response:
    """The report's audit trail as a CSV or .xlsx download."""
    store_of(request).get(report_id)
    items = trail.entries(store_of(request), report_id=report_id, limit=100000)
    return _trail_file(items, fmt, f"审计日志-{report_id}")


@router.get("/users/{account_id}/trail")
def user_trail(request: Request, account_id: str) -> Response:
    who = accounts.get_account(store_of(request), account_id)
    items = _user_entries(request, account_id, 1000)
    return page(
        request,
        "trail.html",
        active="users",
        entries=items,
        who=who,
        file_href=f"/users/{account_id}/trail",
    )


@router.get("/users/{account_id}/trail.{fmt}")
def user_trail_file(request: Request, account_id: str, fmt: str) -> Response:
    """What one account did and what was done to it, as a CSV or .xlsx download."""
    who = accounts.get_account(store_of(request), account_id)
    items = _user_entries(request, account_id, 100000)
    return _trail_file(items, fmt, f"审计日志-{who.username}")


def _user_entries(request: Request, account_id: str, limit: int) -> list[trail.Entry]:
    """What the account did and what was done to it; for a 政务公开办 only entries about
    reports of its area (or with no report)."""
    items = trail.entries(
        store_of(request), actor_id=account_id, subject_id=account_id, limit=limit
    )
    seen = visible_ids(request)
    if seen is None:
        return items
    return [e for e in items if not e.report_id or e.report_id in seen]


TRAIL_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _trail_file(items: list[trail.Entry], fmt: str, name: str) -> Response:
    if fmt not in TRAIL_FORMATS:
        raise GuardError(404, "审计日志只能导出为 CSV 或 xlsx")
    data = trail.to_csv(items) if fmt == "csv" else trail.to_xlsx(items)
    disposition = f"attachment; filename=\"trail.{fmt}\"; filename*=UTF-8''{quote(name)}.{fmt}"
    return Response(
        data,
        media_type=TRAIL_FORMATS[fmt],
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


# --- accounts (政务公开办: its area; 系统管理员: all) ------------------------------------------


def _managed(request: Request, account_id: str) -> accounts.Account:
    me = _account(request)
    target = accounts.get_account(store_of(request), account_id)
    if me.role != "sysadmin" and (target.area != me.area or target.role in ("office", "sysadmin")):
        raise GuardError(403, "只能管理本地区的经办人和审核人账号")
    return target


def _users_page(request: Request, status: int = 200, **context: Any) -> Response:
    me = _account(request)
    area_filter = None if me.role == "sysadmin" else me.area
    context.setdefault("problem", "")
    context.setdefault("notice", "")
    return page(
        request,
        "users.html",
        status,
        active="users",
        users=accounts.list_accounts(store_of(request), area_filter),
        roles=accounts.ROLE_LABELS if me.role == "sysadmin" else _office_roles(),
        me=me,
        **context,
    )


def _office_roles() -> dict[str, str]:
    return {k: v for k, v in accounts.ROLE_LABELS.items() if k in ("clerk", "reviewer")}


@router.get("/users")
def users(request: Request) -> Response:
    return _users_page(request)


@router.post("/users")
async def add_user(request: Request) -> Response:
    form = await _form(request)
    me = _account(request)
    role = form.get("role", "")
    area_name = form.get("area", "") if me.role == "sysadmin" else me.area
    if me.role != "sysadmin" and role not in _office_roles():
        return _users_page(request, 400, problem="只能添加本地区的经办人和审核人账号")
    try:
        await in_pool(
            request,
            "store",
            accounts.add_account,
            store_of(request),
            form.get("username", ""),
            form.get("password", ""),
            role=role,
            display_name=form.get("display_name", ""),
            agency=form.get("agency", ""),
            area=area_name,
        )
    except accounts.AccountError as exc:
        return _users_page(request, 400, problem=str(exc))
    return _users_page(request, notice="账号已添加")


@router.post("/users/{account_id}/disable")
async def disable_user(request: Request, account_id: str) -> Response:
    form = await _form(request)
    target = _managed(request, account_id)
    if target.id == _account(request).id:
        return _users_page(request, 400, problem="不能停用自己的账号")
    enable = form.get("enable", "") == "1"
    await in_pool(request, "store", accounts.set_disabled, store_of(request), target.id, not enable)
    return _users_page(request, notice=f"账号 {target.username} 已{'启用' if enable else '停用'}")


@router.post("/users/{account_id}/reset")
async def reset_user(request: Request, account_id: str) -> Response:
    """An administrator's password reset: the user must change it at the next login."""
    form = await _form(request)
    target = _managed(request, account_id)
    try:
        await in_pool(
            request,
            "store",
            accounts.set_password,
            store_of(request),
            target.id,
            form.get("password", ""),
            must_change=True,
        )
    except accounts.AccountError as exc:
        return _users_page(request, 400, problem=str(exc))
    return _users_page(request, notice=f"已重设 {target.username} 的密码，对方登录后须修改")
