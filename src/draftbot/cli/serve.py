"""`draftbot serve`: the web app on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import fail, settings


def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="监听地址，默认 127.0.0.1（仅本机可访问）")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="端口，默认 8000")] = None,
    multi_user: Annotated[
        bool,
        typer.Option(
            "--multi-user",
            help="服务器模式：账号登录、按角色和机关控制权限、审核流程、审计日志"
            "（也可设置 DRAFTBOT_MULTI_USER=1；先用 draftbot users add 创建系统管理员）",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="处理请求的进程数，默认 1；多核电脑上多人同时使用时可设为 CPU 核数（见 docs/web.md）",
        ),
    ] = 1,
) -> None:
    """启动网页版（默认只在本机 127.0.0.1 上提供服务），并显示要打开的网址。

    数据默认保存在数据目录的 SQLite 文件中；设置 DRAFTBOT_DATABASE_URL=postgresql://… 则保存在
    PostgreSQL 中，多个实例可共用一个数据库（见 docs/deploy.md）。
    """
    from ..config import SettingsError
    from ..web.server import ServeError, run_server

    try:
        loaded = settings()
        if multi_user:
            loaded = loaded.model_copy(update={"multi_user": True})
        run_server(loaded, host=host, port=port, workers=workers, echo=typer.echo)
    except (ServeError, SettingsError) as exc:
        raise fail(str(exc)) from None
