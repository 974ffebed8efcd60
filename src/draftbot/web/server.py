"""Running the web app with uvicorn: checks the bind address first, prints the address."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .app import create_app, web_config
from .security import GuardError, check_bind, is_loopback


class ServeError(Exception):
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
        check_bind(config.host, config.access_token)
    except GuardError as exc:
        raise ServeError(exc.message) from None
    app = create_app(config, settings)
    echo(f"数据保存在：{app.state.store.path}")
    echo(f"起草方式：{getattr(settings, 'drafter_label', '离线模板')}")
    echo(f"请在浏览器中打开：{config.address}")
    if not is_loopback(config.host):
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
