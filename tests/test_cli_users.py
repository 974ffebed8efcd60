"""`draftbot users …`: the first administrator and account upkeep on the command line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from draftbot import accounts
from draftbot.cli import app
from draftbot.trail import TrailStore

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DRAFTBOT_NEW_PASSWORD", "Guanli-mima-2024")
    return tmp_path


def test_add_list_reset_disable_enable(data_dir, monkeypatch) -> None:
    add = ["users", "add", "zhangsan", "--role", "经办人", "--name", "张三"]
    result = runner.invoke(app, [*add, "--agency", "某县教育局", "--area", "某县"])
    assert result.exit_code == 0 and "张三（经办人）" in result.output
    listed = runner.invoke(app, ["users", "list"]).output
    assert "zhangsan\t张三\t经办人\t某县教育局\t正常" in listed
    monkeypatch.setenv("DRAFTBOT_NEW_PASSWORD", "Linshi-mima-9")
    result = runner.invoke(app, ["users", "reset", "zhangsan"])
    assert result.exit_code == 0 and "登录后须修改密码" in result.output
    store = TrailStore.in_folder(data_dir)
    found = accounts.authenticate(store, "zhangsan", "Linshi-mima-9", "127.0.0.1")
    assert found.must_change
    assert runner.invoke(app, ["users", "disable", "zhangsan"]).exit_code == 0
    assert "已停用" in runner.invoke(app, ["users", "list"]).output
    assert runner.invoke(app, ["users", "enable", "zhangsan"]).exit_code == 0
    assert "正常" in runner.invoke(app, ["users", "list"]).output


def test_refusals_name_the_field_and_prompt_for_nothing(data_dir) -> None:
    result = runner.invoke(app, ["users", "add", "x1", "--role", "boss"])
    assert result.exit_code == 2
    assert "角色“boss”不存在" in result.output and "sysadmin（系统管理员）" in result.output
    result = runner.invoke(app, ["users", "add", "x2", "--role", "clerk"])
    assert result.exit_code == 2 and "经办人必须填写所属机关" in result.output
    result = runner.invoke(app, ["users", "disable", "nobody"])
    assert result.exit_code == 2 and "没有用户名为“nobody”的账号" in result.output
    assert "Traceback" not in result.output


def test_weak_password_is_refused(data_dir, monkeypatch) -> None:
    monkeypatch.setenv("DRAFTBOT_NEW_PASSWORD", "short")
    result = runner.invoke(app, ["users", "add", "admin", "--role", "sysadmin"])
    assert result.exit_code == 2 and "密码至少 10 个字符" in result.output
