"""The FastAPI application factory: configuration, guards, error pages, routes."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import DraftbotError
from ..store import (
    ReportFinal,
    ReportNotFound,
    Store,
    StoreBusy,
    StoreError,
    VersionConflict,
    open_store,
)
from ..trail import TrailStore
from ..workspace import DEFAULT_LEASE_SECONDS, Workspace
from .access import LoginRequired, PasswordChangeRequired, require_access
from .context import PAGE_CACHE_SIZE, VersionCache
from .jobs import SectionJobs
from .pages import STATIC_DIR
from .pools import make_pools
from .security import (
    BodyTooLarge,
    GuardError,
    GuardMiddleware,
    LoginThrottle,
    allowed_hosts,
    refusal,
    require_csrf,
)

log = logging.getLogger("draftbot.web")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class WebConfig:
    data_dir: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    access_token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    extra_hosts: tuple[str, ...] = field(default_factory=tuple)
    multi_user: bool = False  # server mode: accounts, roles, review workflow, audit trail
    secure_cookies: bool = False  # session cookie only over HTTPS (behind an HTTPS proxy)
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)  # X-Forwarded-For from
    session_idle: dt.timedelta = dt.timedelta(hours=8)
    batch_lease_seconds: float = DEFAULT_LEASE_SECONDS  # a killed instance's batch waits this long

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"


def web_config(settings: Any, **overrides: Any) -> WebConfig:
    """WebConfig from the application Settings (config.py), with CLI overrides."""
    values: dict[str, Any] = {
        "data_dir": Path(getattr(settings, "data_dir", None) or Path.home() / ".draftbot"),
        "host": getattr(settings, "web_host", DEFAULT_HOST),
        "port": getattr(settings, "web_port", DEFAULT_PORT),
        "access_token": _secret_value(getattr(settings, "web_access_token", None)),
        "max_upload_bytes": getattr(settings, "web_max_upload_bytes", DEFAULT_MAX_UPLOAD_BYTES),
        "extra_hosts": tuple(getattr(settings, "web_allowed_hosts", ()) or ()),
        "multi_user": bool(getattr(settings, "multi_user", False)),
        "secure_cookies": bool(getattr(settings, "web_secure_cookies", False)),
        "trusted_proxies": tuple(getattr(settings, "web_trusted_proxies", ()) or ()),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return WebConfig(**values)


def _secret_value(value: Any) -> str | None:
    if value is None:
        return None
    getter = getattr(value, "get_secret_value", None)
    text = getter() if getter else str(value)
    return text or None


def _database_url(settings: Any) -> str | None:
    """DRAFTBOT_DATABASE_URL from the settings (a SecretStr: it may hold a password)."""
    url = getattr(settings, "database_url", None)
    return url.get_secret_value() if url is not None else None


def create_app(config: WebConfig, settings: Any = None, *, store: Store | None = None) -> FastAPI:
    """The web app over one data folder. `settings` is the drafting configuration."""
    app = FastAPI(title="draftbot", docs_url=None, redoc_url=None, openapi_url=None)
    if settings is None:
        from ..config import load_settings

        settings = load_settings(data_dir=config.data_dir)
    app.state.config = config
    app.state.settings = settings
    store_class = TrailStore if config.multi_user else Store
    app.state.store = store or open_store(_database_url(settings), config.data_dir, store_class)
    app.state.jobs = SectionJobs(
        app.state.store, lease_seconds=float(getattr(settings, "section_deadline", 540)) + 60
    )
    app.state.workspace = Workspace(
        app.state.store, lease_seconds=config.batch_lease_seconds, scratch=config.data_dir / "tmp"
    )
    app.state.workspace.import_folders(config.data_dir / "workspace")  # kept by older versions
    app.state.workspace.sweep_scratch()
    app.state.pools = make_pools()
    app.state.page_cache = VersionCache(PAGE_CACHE_SIZE)  # rendered pages, see context.page
    app.state.login_throttle = LoginThrottle(store=app.state.store)  # shared by instances
    app.add_middleware(LastResortMiddleware)
    app.add_middleware(
        GuardMiddleware,
        hosts=allowed_hosts(config.host, config.extra_hosts),
        access_token=None if config.multi_user else config.access_token,
        # a little room over the file limit for the multipart envelope and form fields
        max_body_bytes=config.max_upload_bytes + 64 * 1024,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_error_handlers(app)
    from . import routes_assistant, routes_draft, routes_guide, routes_reports, routes_workspace

    routes_guide.bank()  # load and validate the question bank now, not on the first page
    if config.multi_user:
        from . import routes_accounts

        _add_routes(app, routes_accounts.router)  # first: its /login replaces the token one
    _add_routes(app, routes_reports.router)
    _add_routes(app, routes_guide.router)
    _add_routes(app, routes_draft.router)
    _add_routes(app, routes_assistant.router)
    _add_routes(app, routes_workspace.router)
    return app


class GuardedRoute(APIRoute):
    """A route whose handler runs the app's two guards before anything else of the request:
    `require_csrf`, then `require_access` (every route of the app is one of these). They used
    to be app-wide FastAPI dependencies: same order, same exceptions and answers, but FastAPI
    resolved them as two more dependants per request (parameters looked up, the dependency
    cache, the call): 13–17 % of the function calls of a cached page (bench/web_routing.py,
    bench/results/web_latency.md)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            await require_csrf(request)
            await require_access(request)
            return await handler(request)

        return guarded


def _add_routes(app: FastAPI, router: APIRouter) -> None:
    """Adds the routes of one route module straight into the app's own route table, in order,
    as `GuardedRoute`s (the app's guards in front of each route's own dependencies) — what
    `include_router` did before FastAPI 0.137 with app-wide dependencies. Since then
    `include_router` adds one lazy wrapper per router that matches each request twice (once
    to choose the wrapper, once to handle it), about a fifth of a cached page's CPU
    (bench/results/web_latency.md). Same paths, methods, names, dependencies and responses.
    Raises TypeError for anything but a plain APIRoute in a router without its own prefix or
    dependencies (this helper would drop them)."""
    if router.prefix or router.dependencies:
        raise TypeError(f"路由模块带有前缀或依赖，不能直接并入：{router.prefix}")
    for route in router.routes:
        if type(route) is not APIRoute:
            raise TypeError(f"不是普通路由，不能直接并入：{route!r}")
        app.router.add_api_route(
            route.path,
            route.endpoint,
            methods=route.methods,
            name=route.name,
            dependencies=route.dependencies,
            status_code=route.status_code,
            response_model=route.response_model,
            response_class=route.response_class,
            include_in_schema=route.include_in_schema,
            max_body_size=route.max_body_size,
            route_class_override=GuardedRoute,
        )


# The most specific class wins (Starlette looks the handler up along the exception's MRO).
_STORE_ERROR_STATUS: dict[type[StoreError], int] = {
    VersionConflict: 409,
    ReportNotFound: 404,
    ReportFinal: 423,
    StoreBusy: 503,
    StoreError: 400,
}


def _refuse_with(status: int) -> Any:
    async def handler(request: Request, exc: Exception) -> Response:
        return refusal(status, str(exc), request.headers)

    return handler


UNEXPECTED_MESSAGE = "系统内部出错，您已保存的内容不受影响；请刷新页面后重试"


class LastResortMiddleware:
    """Answers an unforeseen error with a 500 message *without re-raising it*, so the server
    keeps the client's keep-alive connection open (Starlette's outermost error middleware
    re-raises after answering, and the server then resets the connection)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except BodyTooLarge:  # the guard outside answers this one with 413
            raise
        except Exception as exc:
            if started:
                raise
            log.error("未预期的错误：%s（%s）", type(exc).__name__, scope.get("path", ""))
            headers = Headers(scope=scope)
            await refusal(500, UNEXPECTED_MESSAGE, headers)(scope, receive, send)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        target = quote(request.url.path + ("?" + request.url.query if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def to_password(request: Request, exc: PasswordChangeRequired) -> Response:
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(GuardError)
    async def guard_refused(request: Request, exc: GuardError) -> Response:
        return refusal(exc.status, exc.message, request.headers)

    for error_type, status in _STORE_ERROR_STATUS.items():
        app.add_exception_handler(error_type, _refuse_with(status))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return refusal(400, "请求内容不完整或格式不对，请刷新页面后重试", request.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "找不到这个页面", 405: "不支持这种操作方式"}
        message = messages.get(exc.status_code, "请求无法处理，请刷新页面后重试")
        return refusal(exc.status_code, message, request.headers)

    @app.exception_handler(DraftbotError)
    async def library_error(request: Request, exc: DraftbotError) -> Response:
        """A library error no route mapped: still a 500, but with its own Chinese message."""
        log.error("未处理的错误：%s（%s）", type(exc).__name__, request.url.path)
        return refusal(500, exc.user_message(), request.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("未预期的错误：%s（%s）", type(exc).__name__, request.url.path)
        return refusal(500, UNEXPECTED_MESSAGE, request.headers)
