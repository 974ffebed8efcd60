"""Request guards: trusted Host names, body size limit, CSRF tokens, access token login.

Starlette ships no CSRF protection and `TrustedHostMiddleware` allows every host by default,
so the app brings its own (reliability.md S-12…S-18). All of it is one ASGI middleware plus
`require_csrf`, run before every route's handler (app.GuardedRoute).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import secrets
import socket
from http.cookies import SimpleCookie
from typing import Any

from fastapi import Request
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import DraftbotError

CSRF_COOKIE = "draftbot_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
AUTH_COOKIE = "draftbot_auth"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_PATHS = ("/login", "/static/")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
# Browsers must not guess a download's type (a .yaml shown as HTML): on every response.
NOSNIFF = (b"x-content-type-options", b"nosniff")


class GuardError(DraftbotError):
    """A request refused by a guard, with an HTTP status and a Chinese message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


MIN_TOKEN_CHARS = 12


def check_bind(host: str, access_token: str | None) -> None:
    """Refuse to listen beyond this computer unless a strong enough access token is set."""
    if is_loopback(host):
        return
    if not access_token:
        raise GuardError(
            400,
            f"拒绝在 {host} 上启动：监听本机以外的地址时，局域网内任何人都能打开本系统。"
            "请在配置中设置访问口令（DRAFTBOT_WEB_ACCESS_TOKEN）后再试，"
            "或去掉 --host 只在本机使用。",
        )
    weakness = token_weakness(access_token)
    if weakness:
        raise GuardError(
            400,
            f"拒绝在 {host} 上启动：访问口令 DRAFTBOT_WEB_ACCESS_TOKEN {weakness}。"
            f"请设置至少 {MIN_TOKEN_CHARS} 个字符、不含空格、至少有 4 种不同字符的口令。",
        )


def token_weakness(token: str) -> str:
    """Why `token` is too weak to guard a LAN server (Chinese), or "" when it is acceptable."""
    if token != token.strip() or any(ch.isspace() for ch in token):
        return "含有空格"
    if len(token) < MIN_TOKEN_CHARS:
        return f"只有 {len(token)} 个字符，太短"
    if len(set(token)) < 4:
        return "重复的字符太多"
    return ""


LOGIN_FAILURES_ALLOWED = 5  # wrong tokens per client address …
LOGIN_WINDOW_SECONDS = 60.0  # … within this many seconds, then locked out for the window
LOGIN_TRACKED_CLIENTS = 1024


class LoginThrottle:
    """Counts wrong access tokens per client address; a client with too many recent failures
    is refused (429) until the window has passed. Memory is bounded by the number of tracked
    addresses (the oldest are forgotten first). With `store` (the app's `Store`) the failures
    are counted in the database, so every app instance sees them (the clock is then wall
    time, seconds since the epoch, which all instances share)."""

    def __init__(
        self,
        allowed: int = LOGIN_FAILURES_ALLOWED,
        window: float = LOGIN_WINDOW_SECONDS,
        clock: Any = None,
        store: Any = None,
    ) -> None:
        import time
        from collections import OrderedDict

        self.allowed = allowed
        self.window = window
        self.store = store
        self.clock = clock or (time.time if store is not None else time.monotonic)
        self.failures: OrderedDict[str, list[float]] = OrderedDict()

    def wait_seconds(self, client: str) -> int:
        """Seconds until `client` may try again; 0 when it may try now."""
        recent = self._recent(client)
        if len(recent) < self.allowed:
            return 0
        return max(1, int(recent[0] + self.window - self.clock()) + 1)

    def failed(self, client: str) -> None:
        if self.store is not None:
            now = self.clock()
            self.store.record_event(f"login:{client}", now, forget_before=now - self.window)
            return
        recent = self._recent(client)
        recent.append(self.clock())
        self.failures[client] = recent[-self.allowed :]
        self.failures.move_to_end(client)
        while len(self.failures) > LOGIN_TRACKED_CLIENTS:
            self.failures.popitem(last=False)

    def _recent(self, client: str) -> list[float]:
        now = self.clock()
        if self.store is not None:
            times: list[float] = self.store.event_times(f"login:{client}", now - self.window)
            return [t for t in times if now - t < self.window]
        return [t for t in self.failures.get(client, []) if now - t < self.window]


def allowed_hosts(bind_host: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """Host names the app answers to: loopback, the bound address, this machine's own names
    when bound to every interface, and any configured extra names."""
    names = {"127.0.0.1", "localhost", "::1", *extra}
    if bind_host in ("0.0.0.0", "::"):
        names.update(_own_names())
    else:
        names.add(bind_host.strip("[]"))
    return frozenset(name.lower() for name in names)


def _own_names() -> set[str]:
    hostname = socket.gethostname()
    names = {hostname, socket.getfqdn()}
    with contextlib.suppress(OSError):
        names.update(str(info[4][0]) for info in socket.getaddrinfo(hostname, None))
    return names


def host_name(header: str) -> str:
    """The host part of a Host header: `[::1]:8000` → `::1`, `Localhost:80` → `localhost`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else ""
    return header.split(":", 1)[0]


def auth_cookie_value(access_token: str) -> str:
    return hmac.new(access_token.encode(), b"draftbot-web-login", hashlib.sha256).hexdigest()


def token_matches(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


def _cookies(headers: Headers) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is treated as no cookies
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _wants_html(headers: Headers) -> bool:
    return "text/html" in headers.get("accept", "")


def refusal(status: int, message: str, headers: Headers) -> Response:
    if _wants_html(headers):
        from .pages import error_page

        return error_page(status, message)
    return JSONResponse({"ok": False, "message": message}, status_code=status)


class BodyTooLarge(Exception):
    pass


class GuardMiddleware:
    """Host check, login when bound beyond loopback, body size limit, CSRF cookie issue."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        hosts: frozenset[str],
        access_token: str | None,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.hosts = hosts
        self.access_token = access_token
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        csrf = _cookies(headers).get(CSRF_COOKIE)
        new_csrf = None
        if not csrf or len(csrf) != 43:
            new_csrf = csrf = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = csrf
        await self._run(scope, receive, send, new_csrf, headers)

    def _refuse(self, scope: Scope, headers: Headers) -> Response | None:
        if host_name(headers.get("host", "")) not in self.hosts:
            return refusal(400, "拒绝访问：请求的主机名不在允许范围内（请用本机地址打开）", headers)
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > self.max_body_bytes:
            return refusal(413, _too_large_message(self.max_body_bytes), headers)
        path = scope["path"]
        if self.access_token and not path.startswith(OPEN_PATHS):
            given = _cookies(headers).get(AUTH_COOKIE)
            if not token_matches(given, auth_cookie_value(self.access_token)):
                if scope["method"] in SAFE_METHODS and _wants_html(headers):
                    return RedirectResponse("/login", status_code=303)
                return refusal(401, "请先输入访问口令登录", headers)
        return None

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, new_csrf: str | None, headers: Headers
    ) -> None:
        received = 0
        started = False
        limit = self.max_body_bytes

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def send_with_cookie(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                raw = message.setdefault("headers", [])
                if all(name.lower() != NOSNIFF[0] for name, _ in raw):
                    raw.append(NOSNIFF)
                if new_csrf:
                    cookie = (
                        f"{CSRF_COOKIE}={new_csrf}; Path=/; HttpOnly; SameSite=Strict; "
                        "Max-Age=31536000"
                    )
                    message.setdefault("headers", []).append((b"set-cookie", cookie.encode()))
            await send(message)

        refused = self._refuse(scope, headers)
        if refused is not None:
            await refused(scope, receive, send_with_cookie)
            return
        try:
            await self.app(scope, limited_receive, send_with_cookie)
        except BodyTooLarge:
            if not started:
                response = refusal(413, _too_large_message(limit), headers)
                await response(scope, receive, send_with_cookie)


def _too_large_message(limit: int) -> str:
    return f"上传的内容过大（上限 {limit // (1024 * 1024)} MB），请检查是否选错了文件"


async def require_csrf(request: Request) -> None:
    """Every state-changing request must carry the page's CSRF token (header or form field)."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if (
        origin
        and origin != "null"
        and host_name(origin.split("//", 1)[-1]) != host_name(request.headers.get("host", ""))
    ):
        raise GuardError(403, "拒绝请求：来源网站与本系统不一致")
    expected = request.cookies.get(CSRF_COOKIE)
    given: Any = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        given = form.get(CSRF_FIELD)
    if not isinstance(given, str) or not token_matches(given, expected):
        raise GuardError(403, "页面已过期或请求来源不明（缺少安全令牌），请刷新页面后重试")


def csrf_token(request: Request) -> str:
    return str(request.state.csrf_token)


def login_response(access_token: str, given: str) -> Response | None:
    if not token_matches(given, access_token):
        return None
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        AUTH_COOKIE, auth_cookie_value(access_token), httponly=True, samesite="strict"
    )
    return response
