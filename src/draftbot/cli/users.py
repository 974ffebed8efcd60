"""`draftbot users add|list|disable|enable|reset`: accounts of server mode on the command line
(the first 系统管理员 is made here). Changes are recorded in the audit trail as made by
命令行 (the operator of this computer)."""

from __future__ import annotations

import getpass
import os
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..store import Store

users_app = typer.Typer(
    help="服务器模式的账号：添加、列出、停用、启用、重设密码（第一个系统管理员在这里创建）。",
    no_args_is_help=True,
    rich_markup_mode=None,
)

PASSWORD_ENV = "DRAFTBOT_NEW_PASSWORD"  # for scripts: the password without a prompt


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _store() -> Store:
    """The store of the configured data folder, with the server-mode tables and trail."""
    from ..config import SettingsError, load_settings
    from ..trail import TrailStore

    try:
        settings = load_settings()
    except SettingsError as exc:
        raise _fail(str(exc)) from None
    return TrailStore.in_folder(settings.data_dir)


def _password(prompt: str) -> str:
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    first = getpass.getpass(f"{prompt}：")
    if first != getpass.getpass("再输入一次："):
        raise _fail("两次输入的密码不一致，未保存")
    return first


def _cli_actor() -> AbstractContextManager[None]:
    from ..trail import Actor, acting

    return acting(Actor("cli", f"命令行（{getpass.getuser()}）", "本机"))


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="用户名（登录用，2–50 个字符，不含空格）")],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help="角色：clerk 经办人 / reviewer 审核人 / office 政务公开办管理员 / sysadmin 系统管理员",
        ),
    ],
    name: Annotated[str, typer.Option("--name", help="姓名（页面和审计日志中显示）")] = "",
    agency: Annotated[
        str, typer.Option("--agency", help="所属机关全称（经办人、审核人必填）")
    ] = "",
    area: Annotated[
        str, typer.Option("--area", help="所属地区，如 某县（政务公开办管理员必填）")
    ] = "",
) -> None:
    """添加账号；密码在提示时输入（或由环境变量 DRAFTBOT_NEW_PASSWORD 给出），只保存其哈希。"""
    from ..accounts import ROLE_BY_LABEL, ROLE_LABELS, AccountError, add_account

    if ROLE_BY_LABEL.get(role, role) not in ROLE_LABELS:
        choices = "、".join(f"{key}（{label}）" for key, label in ROLE_LABELS.items())
        raise _fail(f"未添加：角色“{role}”不存在，--role 可选：{choices}")
    store = _store()
    password = _password("密码（至少 10 个字符）")
    try:
        with _cli_actor():
            account = add_account(
                store, username, password, role=role, display_name=name, agency=agency, area=area
            )
    except AccountError as exc:
        raise _fail(f"未添加：{exc}") from None
    typer.echo(f"已添加账号 {account.username}：{account.label}")


@users_app.command("list")
def list_users() -> None:
    """列出所有账号（用户名、姓名、角色、机关、地区、状态）。"""
    from ..accounts import list_accounts

    for account in list_accounts(_store()):
        state = "已停用" if account.disabled else "正常"
        where = account.agency or account.area or "—"
        typer.echo(
            f"{account.username}\t{account.display_name}\t{account.role_label}\t{where}\t{state}"
        )


def _set_disabled(username: str, disabled: bool) -> None:
    from ..accounts import AccountError, find_account, set_disabled

    store = _store()
    try:
        with _cli_actor():
            account = set_disabled(store, find_account(store, username).id, disabled)
    except AccountError as exc:
        raise _fail(str(exc)) from None
    typer.echo(
        f"账号 {account.username} 已{'停用（已登录的会话同时失效）' if disabled else '启用'}"
    )


@users_app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """停用账号（不删除；它的会话立即失效，审计日志保留）。"""
    _set_disabled(username, True)


@users_app.command("enable")
def enable(username: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """重新启用停用的账号。"""
    _set_disabled(username, False)


@users_app.command("reset")
def reset(username: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """重设密码（用户下次登录后须自己修改）；同时解除因密码错误造成的锁定。"""
    from ..accounts import AccountError, find_account, set_password

    store = _store()
    try:
        account = find_account(store, username)
        password = _password("新的临时密码（至少 10 个字符）")
        with _cli_actor():
            set_password(store, account.id, password, must_change=True)
    except AccountError as exc:
        raise _fail(f"未重设：{exc}") from None
    typer.echo(f"已重设 {account.username} 的密码；对方登录后须修改密码")
