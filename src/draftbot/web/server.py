"""Running the web app with uvicorn: checks the bind address first, prints the address.

With `workers` > 1 the app runs in that many processes (uvicorn's supervisor, one listening
socket shared by all; each process builds its own app with `create_app`). That is correct
because nothing a page shows is kept only in one process: reports, revisions, archive marks,
leases, login throttling, sessions and the batch workspace are in the database, and every
in-process cache (`store.parsed_reports`, `web.context.VersionCache`, the page cache) is
keyed by values read from the database on each request (a report's id and saved version, a
list page's rows and their versions), so a change made through one process is seen by the
next request to any other. What is per process: the worker-thread pools and their queues
(`web.pools`, so the limits in docs/limits.md apply per process) and the caches' memory.

Both paths run uvicorn with `UVICORN_OPTIONS`: its C HTTP parser (httptools) and the uvloop
event loop, which are dependencies of draftbot (as in `uvicorn[standard]`); uvicorn's "auto"
falls back to its pure-Python h11 parser and asyncio's loop where they are not installed
(uvloop does not exist on Windows). bench/results/web_latency.md has the measured difference.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from ..errors import DraftbotError
from ..store import StoreError
from .app import WebConfig, create_app, web_config
from .security import GuardError, check_bind, is_loopback


class ServeError(DraftbotError):
    """The server cannot start; the message (Chinese) says why and what to do."""


def run_server(
    settings: Any,
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int = 1,
    echo: Callable[[str], Any] = print,
) -> None:
    """Serve the app until Ctrl+C (SIGINT) or SIGTERM. `workers`: processes (1–MAX_WORKERS).
    Raises ServeError (Chinese message) when the address, the store or the accounts refuse."""
    import uvicorn

    if not 1 <= workers <= MAX_WORKERS:
        raise ServeError(f"--workers 应为 1 到 {MAX_WORKERS} 之间的整数（进程数），现为 {workers}")
    config = web_config(settings, host=host, port=port)
    try:
        if not config.multi_user:  # in server mode every request needs a logged-in account
            check_bind(config.host, config.access_token)
    except GuardError as exc:
        raise ServeError(exc.message) from None
    try:
        app = create_app(config, settings)
    except StoreError as exc:
        raise ServeError(str(exc)) from None
    if config.multi_user:
        _check_accounts(app.state.store)
    echo(f"数据保存在：{app.state.store.location}")
    echo(f"起草方式：{getattr(settings, 'drafter_label', '离线模板')}")
    echo(f"请在浏览器中打开：{config.address}")
    if config.multi_user:
        echo("服务器模式：每位用户用自己的账号登录，按角色和机关控制权限，所有修改记入审计日志。")
        if not config.secure_cookies:
            echo(
                "注意：登录 Cookie 未限定 HTTPS。部署在 HTTPS 反向代理后时请设置 "
                "DRAFTBOT_WEB_SECURE_COOKIES=1（见 docs/accounts.md）。"
            )
    elif not is_loopback(config.host):
        echo(
            "注意：正在局域网上提供服务（需输入访问口令）。局域网内是明文 HTTP，"
            "请只在可信的内部网络使用；其他电脑请用本机的 IP 地址或允许的主机名访问。"
        )
    if workers > 1:
        echo(f"使用 {workers} 个进程处理请求。")
    echo("按 Ctrl+C 停止。")
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    try:
        if workers == 1:
            uvicorn.run(app, host=config.host, port=config.port, **UVICORN_OPTIONS)
        else:
            app.state.store.close()  # each worker opens its own (migrations already applied)
            _run_workers(config, settings, workers)
    except OSError as exc:
        raise ServeError(
            f"无法在 {config.address} 启动：{exc.strerror}（端口可能已被占用，可用 --port 换一个）"
        ) from None


MAX_WORKERS = 32
#: uvicorn settings of every `draftbot serve` process. "auto" = httptools and uvloop when they
#: can be imported (pyproject.toml installs them), else h11 and asyncio's default loop.
UVICORN_OPTIONS: dict[str, Any] = {"http": "auto", "loop": "auto", "log_level": "warning"}
WORKER_START_SECONDS = 120


def _run_workers(config: WebConfig, settings: Any, workers: int) -> None:
    """`workers` processes sharing one listening socket, under uvicorn's supervisor (it
    restarts a worker that dies and stops them all on Ctrl+C or SIGTERM)."""
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    factory = functools.partial(create_app, config, settings)  # pickled into each process
    uv = uvicorn.Config(
        factory,
        factory=True,
        host=config.host,
        port=config.port,
        workers=workers,
        access_log=False,
        **UVICORN_OPTIONS,
        # a worker answers the supervisor's health check only once its imports are done:
        # seconds on a loaded machine (uvicorn's 5 s would kill and restart it over and over)
        timeout_worker_healthcheck=WORKER_START_SECONDS,
    )
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    Multiprocess(uv, sockets=[sock]).run()


def _check_accounts(store: Any) -> None:
    """Server mode needs a first 系统管理员 (made on the command line) before it can be used."""
    from ..accounts import list_accounts

    if not any(a.role == "sysadmin" and not a.disabled for a in list_accounts(store)):
        raise ServeError(
            "服务器模式还没有可用的系统管理员账号。请先运行："
            "draftbot users add 用户名 --role sysadmin --name 姓名，再启动。"
        )
