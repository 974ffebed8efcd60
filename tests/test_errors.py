"""The common exception base (issue 10): every error class of the library derives from
`DraftbotError`, and the CLI and the web map each family as before while their last-resort
handlers show a library error's own Chinese message."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

import draftbot
from draftbot.cli import app
from draftbot.config import SettingsError
from draftbot.datafile import DataFileError, Problem
from draftbot.drafting.calls import LLMError
from draftbot.errors import DraftbotError
from draftbot.export import ExportBlocked
from draftbot.published import ReportImportError
from draftbot.rollup import RollUpError
from draftbot.store import ReportFinal, ReportNotFound, StoreBusy, StoreError, VersionConflict
from web_helpers import create_report, make_client

ROOT = Path(__file__).resolve().parent.parent
BUSY = ROOT / "examples" / "busy-2023.yaml"

# Signals raised and caught inside one module, never shown to anyone: not errors of the
# library. `BodyTooLarge` in particular must pass every handler up to the guard (HTTP 413).
SIGNALS = {
    "draftbot.interview._Stop",
    "draftbot.datafile._DuplicateKey",
    "draftbot.datafile._AliasFound",
    "draftbot.datafile._FastGiveUp",  # the fast reader hands over to the round-trip reader
    "draftbot.web.security.BodyTooLarge",
    "draftbot.web.access.LoginRequired",  # redirects (to login / new password), own handlers
    "draftbot.web.access.PasswordChangeRequired",
    "draftbot.cli._NeverRaised",  # stands in main's except clauses when typer is not loaded
}


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined at module level anywhere in the draftbot package."""
    found: dict[str, type[BaseException]] = {}
    package = Path(draftbot.__file__).parent  # draftbot.web has no __init__: walk the files
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__main__":  # running it is the CLI itself
            continue
        module = importlib.import_module(".".join(p for p in parts if p != "__init__"))
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{name}"] = obj
    return found


def test_every_error_class_of_the_library_derives_from_draftbot_error():
    classes = _exception_classes()
    assert len(classes) >= 30  # the walk really found the library's errors
    outside = sorted(name for name, cls in classes.items() if not issubclass(cls, DraftbotError))
    assert outside == sorted(SIGNALS)
    for family in (StoreError, DataFileError, ReportImportError, LLMError, ExportBlocked):
        assert issubclass(family, DraftbotError)


def test_the_user_message_is_the_chinese_text_or_the_rendered_problems():
    assert SettingsError("DRAFTBOT_LLM_MODEL 未填写").user_message() == "DRAFTBOT_LLM_MODEL 未填写"
    error = DataFileError("甲.yaml", [Problem("表三 · 申请数", "应为整数", line=4)])
    assert (
        error.user_message()
        == "数据文件 甲.yaml 有 1 处问题：\n  - 第 4 行，表三 · 申请数：应为整数"
    )
    assert "维护人员" in DraftbotError().user_message()  # never empty


# --- the CLI ------------------------------------------------------------------------------


def _run_check_raising(error: str) -> subprocess.CompletedProcess[str]:
    """`draftbot check` with the checks replaced by a function raising `error` (Python)."""
    script = (
        "import sys, draftbot.cli as cli, draftbot.checks\n"
        "from draftbot.store import *\nfrom draftbot.datafile import *\n"
        "from draftbot.drafting.calls import LLMError\n"
        f"def boom(*a, **k):\n    raise {error}\n"
        "draftbot.checks.check_report = boom\n"
        "sys.argv = ['draftbot', 'check', sys.argv[1]]\ncli.main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, str(BUSY)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("StoreBusy('数据库正忙，请稍后重试')", "错误：数据库正忙，请稍后重试"),
        ("LLMError('模型服务拒绝了请求（401）')", "错误：模型服务拒绝了请求（401）"),
        (
            "DataFileError('乙.yaml', [Problem('基本信息 · 年度', '应为 2019 至 2100')])",
            "错误：数据文件 乙.yaml 有 1 处问题：\n  - 基本信息 · 年度：应为 2019 至 2100",
        ),
    ],
)
def test_cli_last_resort_shows_a_library_errors_own_message(error: str, message: str):
    result = _run_check_raising(error)
    assert result.returncode == 70
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr


def test_cli_last_resort_still_describes_a_foreign_error_as_unforeseen():
    result = _run_check_raising("KeyError('x')")
    assert result.returncode == 70
    assert "未预料的问题（KeyError）" in result.stderr


def test_cli_maps_each_family_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    runner = CliRunner()
    bad = tmp_path / "坏.yaml"
    bad.write_text("meta: [\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 2 and "数据文件" in result.output  # DataFileError: its problems

    def no_settings(**_: object) -> None:
        raise SettingsError("DRAFTBOT_LLM_TIMEOUT 应为正数")

    monkeypatch.setattr("draftbot.config.load_settings", no_settings)
    copy = tmp_path / "busy.yaml"  # draft writes back: never into the shipped example
    copy.write_bytes(BUSY.read_bytes())
    result = runner.invoke(app, ["draft", str(copy)])
    assert result.exit_code == 2 and "DRAFTBOT_LLM_TIMEOUT 应为正数" in result.output

    def unreadable(*_: object, **__: object) -> None:
        raise ReportImportError("文件已加密，请先在 Word 中取消密码")

    monkeypatch.setattr("draftbot.published.import_report", unreadable)
    result = runner.invoke(app, ["import", str(tmp_path / "报告.docx")])
    assert result.exit_code == 2
    assert "无法导入" in result.output and "文件已加密" in result.output

    def no_rollup(*_: object, **__: object) -> None:
        raise RollUpError("没有可汇总的报告")

    monkeypatch.setattr("draftbot.rollup.roll_up", no_rollup)
    out = tmp_path / "汇总.yaml"
    result = runner.invoke(app, ["rollup", str(BUSY), "--agency", "某某县人民政府", "-o", str(out)])
    assert result.exit_code == 2 and "没有可汇总的报告" in result.output
    assert not out.exists()


# --- the web ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (VersionConflict(SimpleNamespace(version=3), 2), 409, "已在别处被修改"),  # type: ignore[arg-type]
        (ReportNotFound("r1"), 404, "找不到这份报告"),
        (ReportFinal(), 423, "已定稿"),
        (StoreBusy("数据库正忙，请稍后重试"), 503, "数据库正忙"),
        (StoreError("无法保存"), 400, "无法保存"),
        (LLMError("模型服务没有响应"), 500, "模型服务没有响应"),  # no family mapping: 500
        (RuntimeError("/secret/path"), 500, "系统内部出错"),
    ],
)
def test_web_maps_each_family_and_shows_library_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, status: int, message: str
):
    from draftbot.web import routes_reports

    def broken(*_: object, **__: object) -> None:
        raise error

    monkeypatch.setattr(routes_reports, "list_row", broken)
    with make_client(tmp_path, raise_server_exceptions=False) as client:
        create_report(client)
        response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == status
    assert message in response.json()["message"]
    assert "secret" not in response.text and "Traceback" not in response.text
