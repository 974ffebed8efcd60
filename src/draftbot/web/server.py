"""Running the web app with uvicorn: checks the bind address first, prints the address."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..errors import DraftbotError
from ..store import StoreError
from .app import create_app, web_config
from .security import GuardError, check_bind, is_loopback


class ServeError(DraftbotError):
    """The server cannot start; the message (Chinese) says why and what to do."""


def run_server(
    settings: Any,
    *,
    host: str | None = None,
    port: int | None = None,
    echo: Callable[[str], Any] = print,
) -> None:
    import uvicorn

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
    echo("按 Ctrl+C 停止。")
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    try:
        uvicorn.run(app, host=config.host, port=config.port, log_level="warning")
    except OSError as exc:
        raise ServeError(
            f"无法在 {config.address} 启动：{exc.strerror}（端口可能已被占用，可用 --port 换一个）"
        ) from None


def _check_accounts(store: Any) -> None:
    """Server mode needs a first 系统管理员 (made on the command line) before it can be used."""
    from ..accounts import list_accounts

    if not any(a.role == "sysadmin" and not a.disabled for a in list_accounts(store)):
        raise ServeError(
            "服务器模式还没有可用的系统管理员账号。请先运行："
            "draftbot users add 用户名 --role sysadmin --name 姓名，再启动。"
        )
