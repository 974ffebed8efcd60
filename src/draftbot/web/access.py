"""Access control of server mode: who is logged in, and one rule per route.

`RULES` names, for every (method, path) of the app, who may use it. `require_access` (run
before every route's handler, app.GuardedRoute) looks the matched route up — a route without
a rule is refused, so a new route cannot be forgotten — loads the session's account and, for
report routes, the report's agency and area, and refuses server-side what the role may not
do. In local mode (no `--multi-user`) it does nothing: the app is exactly the one-person
tool.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from fastapi import Request

from ..accounts import Account, session_account
from ..trail import Actor, set_actor
from ..workflow import Access, access_of, claim, visible_report_ids
from .pools import in_pool
from .security import SAFE_METHODS, GuardError, _wants_html

SESSION_COOKIE = "draftbot_session"

# Who may use a route:
#   open    anyone, logged in or not (login page, static files)
#   user    any logged-in account
#   create  经办人 and 系统管理员 (a new report belongs to the creator's agency)
#   read    the report's own agency (经办人, 审核人), its area's 政务公开办, 系统管理员
#   write   the report's own 经办人, 系统管理员
#   submit  the report's own 经办人
#   review  the report's own 审核人
#   status  系统管理员 (free status change, e.g. to unfreeze a 已定稿 report)
#   office  政务公开办管理员, 系统管理员 (batch check, roll-up, area status)
#   admin   政务公开办管理员 (accounts of its area), 系统管理员
#   person  the account itself, its area's 政务公开办, 系统管理员 (a user's audit trail)
RULES: dict[tuple[str, str], str] = {
    ("GET", "/static"): "open",
    ("GET", "/login"): "open",
    ("POST", "/login"): "open",
    ("POST", "/logout"): "user",
    ("GET", "/account/password"): "user",
    ("POST", "/account/password"): "user",
    ("GET", "/inbox"): "user",
    ("GET", "/"): "user",
    ("GET", "/rules"): "user",
    ("GET", "/reports/new"): "create",
    ("POST", "/reports"): "create",
    ("POST", "/reports/from-previous"): "create",
    ("GET", "/reports/{report_id}"): "read",
    ("POST", "/reports/{report_id}/archive"): "write",
    ("POST", "/reports/{report_id}/status"): "status",
    ("GET", "/reports/{report_id}/facts"): "read",
    ("GET", "/reports/{report_id}/tables/{table}"): "read",
    ("POST", "/api/reports/{report_id}/edit"): "write",
    ("GET", "/api/reports/{report_id}/state"): "read",
    ("GET", "/reports/{report_id}/export"): "read",
    ("GET", "/reports/{report_id}/download.docx"): "read",
    ("GET", "/reports/{report_id}/download.pdf"): "read",
    ("GET", "/reports/{report_id}/download-review.docx"): "read",
    ("GET", "/reports/{report_id}/download.{fmt}"): "read",
    ("POST", "/api/reports/{report_id}/tables/{table}/propose"): "write",
    ("GET", "/reports/{report_id}/guide"): "read",
    ("POST", "/reports/{report_id}/guide"): "write",
    ("POST", "/reports/{report_id}/guide/back"): "write",
    ("POST", "/reports/{report_id}/guide/confirm"): "write",
    ("GET", "/reports/{report_id}/draft"): "read",
    ("POST", "/api/reports/{report_id}/sections/{key}"): "write",
    ("POST", "/api/reports/{report_id}/sections/{key}/approve"): "write",
    ("GET", "/api/reports/{report_id}/sections/{key}/history"): "read",
    ("GET", "/api/reports/{report_id}/revisions/{revision_id}/diff"): "read",
    ("POST", "/api/reports/{report_id}/revisions/{revision_id}/restore"): "write",
    ("POST", "/api/reports/{report_id}/sections/{key}/generate"): "write",
    ("GET", "/api/reports/{report_id}/assistant"): "read",
    ("POST", "/api/reports/{report_id}/assistant/ask"): "write",
    ("POST", "/api/reports/{report_id}/assistant/confirm"): "write",
    ("POST", "/api/reports/{report_id}/assistant/dismiss"): "write",
    ("GET", "/workspace"): "office",
    ("POST", "/workspace"): "office",
    ("GET", "/workspace/{batch_id}/progress"): "office",
    ("GET", "/workspace/{batch_id}"): "office",
    ("GET", "/workspace/{batch_id}/汇总.xlsx"): "office",
    ("GET", "/workspace/{batch_id}/items/{number}"): "office",
    ("POST", "/workspace/{batch_id}/items/{number}/open"): "office",
    ("POST", "/workspace/{batch_id}/rollup"): "office",
    ("GET", "/workspace/{batch_id}/rollups/{report_id}"): "office",
    ("GET", "/workspace/{batch_id}/rollups/{report_id}/汇总明细.xlsx"): "office",
    # review workflow and audit trail (routes_accounts.py)
    ("GET", "/reports/{report_id}/review"): "read",
    ("POST", "/reports/{report_id}/submit"): "submit",
    ("POST", "/reports/{report_id}/comments"): "review",
    ("POST", "/reports/{report_id}/return"): "review",
    ("POST", "/reports/{report_id}/approve"): "review",
    ("GET", "/reports/{report_id}/trail"): "read",
    ("GET", "/reports/{report_id}/trail.{fmt}"): "read",
    ("GET", "/area"): "office",
    ("GET", "/users"): "admin",
    ("POST", "/users"): "admin",
    ("POST", "/users/{account_id}/disable"): "admin",
    ("POST", "/users/{account_id}/reset"): "admin",
    ("GET", "/users/{account_id}/trail"): "person",
    ("GET", "/users/{account_id}/trail.{fmt}"): "person",
}
REPORT_RULES = frozenset({"read", "write", "submit", "review"})
# Workspace roll-up pages carry a report id but are the office's own work, checked by role.
ROLE_RULES: dict[str, frozenset[str]] = {
    "user": frozenset({"clerk", "reviewer", "office", "sysadmin"}),
    "create": frozenset({"clerk", "sysadmin"}),
    "status": frozenset({"sysadmin"}),
    "office": frozenset({"office", "sysadmin"}),
    "admin": frozenset({"office", "sysadmin"}),
}


def multi_user(request: Request) -> bool:
    return bool(getattr(request.app.state.config, "multi_user", False))


def current_account(request: Request) -> Account | None:
    """The logged-in account of this request (None in local mode or when logged out)."""
    return getattr(request.state, "account", None)


def client_address(request: Request) -> str:
    """The client's IP as the app sees it; X-Forwarded-For is honoured only when the
    direct peer is a configured trusted proxy (its last untrusted hop is taken)."""
    peer = request.client.host if request.client else ""
    trusted = tuple(getattr(request.app.state.config, "trusted_proxies", ()) or ())
    if not _is_trusted(peer, trusted):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop[:100]
    return peer


def _is_trusted(address: str, trusted: tuple[str, ...]) -> bool:
    """`address` is one of `trusted` (addresses or networks such as 10.0.0.0/8)."""
    if address in trusted:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in trusted:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def rule_of(request: Request) -> str | None:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return RULES.get((request.method if request.method != "HEAD" else "GET", str(path)))


def allowed(rule: str, account: Account, access: Access | None, request: Request) -> bool:
    """Whether `account` may use a route of `rule` (for a report: of `access`)."""
    if rule == "open":
        return True
    if rule in ROLE_RULES:
        return account.role in ROLE_RULES[rule]
    if rule == "person":
        return _may_see_person(request, account)
    if access is None:
        return False
    own_agency = bool(access.agency) and access.agency == account.agency
    if rule == "read":
        if account.role == "office":
            return bool(access.area) and access.area == account.area
        return account.role == "sysadmin" or own_agency
    if rule == "write":
        return account.role == "sysadmin" or (account.role == "clerk" and own_agency)
    if rule == "submit":
        return account.role == "clerk" and own_agency
    if rule == "review":
        return account.role == "reviewer" and own_agency
    return False


def _may_see_person(request: Request, account: Account) -> bool:
    from ..accounts import AccountError, get_account

    target_id = str(request.path_params.get("account_id", ""))
    if account.role == "sysadmin" or target_id == account.id:
        return True
    if account.role != "office":
        return False
    try:
        return get_account(request.app.state.store, target_id).area == account.area
    except AccountError:
        return False


async def require_access(request: Request) -> None:
    """The access check of every route in server mode (see RULES); no-op in local mode."""
    if not multi_user(request):
        return
    store = request.app.state.store
    token = request.cookies.get(SESSION_COOKIE)
    idle = request.app.state.config.session_idle
    account = None
    if token:  # a database read (and at most one write a minute): in the store's pool
        account = await in_pool(request, "store", session_account, store, token, idle=idle)
    request.state.account = account
    client = client_address(request)
    set_actor(Actor(account.id, account.label, client) if account else Actor("", "", client))
    rule = rule_of(request)
    if rule is None:
        raise GuardError(403, "这个页面没有设置访问权限，已拒绝访问；请联系系统管理员")
    if rule == "open":
        return
    if account is None:
        if request.method in SAFE_METHODS and _wants_html(request.headers):
            raise LoginRequired
        raise GuardError(401, "请先登录（登录已过期或尚未登录）")
    if account.must_change and request.url.path not in ("/account/password", "/logout"):
        if request.method in SAFE_METHODS and _wants_html(request.headers):
            raise PasswordChangeRequired
        raise GuardError(403, "管理员重设了您的密码，请先修改密码")
    access = None
    if rule in REPORT_RULES:
        report_id = str(request.path_params.get("report_id", ""))
        access = await in_pool(request, "store", access_of, store, report_id)
    if rule == "person":
        return await in_pool(request, "store", _check_person, request, account)
    if not allowed(rule, account, access, request):
        raise GuardError(403, _refused_message(rule, account))


def _refused_message(rule: str, account: Account) -> str:
    if rule in REPORT_RULES:
        return f"您（{account.label}）无权进行这项操作，或这份报告不属于您的机关或地区"
    return f"您（{account.label}）的角色不能使用这项功能"


def _check_person(request: Request, account: Account) -> None:
    if not _may_see_person(request, account):
        raise GuardError(403, _refused_message("person", account))


class LoginRequired(Exception):
    """A page asked for without a session: the browser is sent to the login page."""


class PasswordChangeRequired(Exception):
    """The account must choose a new password (after a reset) before anything else."""


def ensure_report(request: Request, report_id: str, rule: str = "read") -> None:
    """Check access to a report named in a form field (not the path), e.g. the previous
    year's report to start from; no-op in local mode."""
    account = current_account(request)
    if not multi_user(request) or account is None:
        return
    access = access_of(request.app.state.store, report_id)
    if not allowed(rule, account, access, request):
        raise GuardError(403, _refused_message(rule, account))


def visible_ids(request: Request) -> frozenset[str] | None:
    """Report ids the user may see (None: all — local mode or a 系统管理员)."""
    account = current_account(request)
    if not multi_user(request) or account is None:
        return None
    return visible_report_ids(request.app.state.store, account)


def claim_new(request: Request, stored: Any) -> None:
    """Make a newly created report belong to the creator's agency and area (server mode):
    a 经办人's agency; for a 政务公开办 or 系统管理员, the agency named in the report."""
    account = current_account(request)
    if not multi_user(request) or account is None:
        return
    agency = account.agency if account.role == "clerk" else stored.report.meta.agency
    claim(request.app.state.store, stored.id, agency, account.area)


def server_context(request: Request, report: Any) -> dict[str, Any]:
    """What every page of server mode shows: the account, the number of 待我处理 items, and
    on a report's pages the open review comments (with their printed locations)."""
    account = current_account(request)
    if not multi_user(request) or account is None:
        return {}
    from ..workflow import open_comments, target_label, tasks

    store = request.app.state.store
    notes: list[dict[str, str]] = []
    if report is not None:
        notes = [
            {"target": c.target, "label": target_label(c.target), "body": c.body}
            for c in open_comments(store, report.id)
        ]
    return {"me": account, "n_tasks": len(tasks(store, account)), "review_notes": notes}
