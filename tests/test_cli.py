"""The check/schema/demo commands, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from draftbot.cli import app
from draftbot.schema import report_schema_text

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("name", ["seed-2022.yaml", "busy-2023.yaml"])
def test_check_clean_examples_exit_zero(examples_dir: Path, name: str):
    result = run("check", str(examples_dir / name))
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.output


def test_check_error_example_exits_one_and_lists_findings(examples_dir: Path):
    result = run("check", str(examples_dir / "errors-2020.yaml"))
    assert result.exit_code == 1
    assert "T3-01" in result.output
    assert "共 8 个错误、7 个提示。" in result.output


def test_check_json_output(examples_dir: Path):
    result = run("check", "--json", str(examples_dir / "errors-2020.yaml"))
    assert result.exit_code == 1
    payload = json.loads(result.output)
    first = payload["findings"][0]
    assert first == {
        "code": "T3-01",
        "severity": "error",
        "location": "表三 · 勾稽关系 · 自然人",
        "message": "自然人列：新收 4 + 上年结转 1 = 5，但办理结果总计 5 + 结转下年度 1 = 6，相差 1 件",
        "hint": "第一项加第二项之和应等于第三项加第四项之和：请核对本列的新收、上年结转、"
        "各项办理结果和结转下年度的件数",
        "paths": [
            "table3.new_received.natural_person",
            "table3.carried_over.natural_person",
            "table3.results_total.natural_person",
            "table3.carried_forward.natural_person",
        ],
        "section": None,
    }


def test_check_bad_file_gives_message_not_traceback(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "meta: {agency: 示例县民政局, report_year: 2022}\ntable3:\n  granted: {natural_person: -1}\n",
        encoding="utf-8",
    )
    result = run("check", str(bad))
    assert result.exit_code == 2
    assert "表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人：应为不小于 0 的整数，收到“-1”" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_schema_file_is_in_sync_with_models():
    committed = (ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8")
    assert committed == report_schema_text(), "运行 make schema 重新生成 schemas/report.schema.json"


def test_schema_command_writes_file(tmp_path: Path):
    target = tmp_path / "s.json"
    result = run("schema", "-o", str(target))
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["title"].startswith("draftbot")


def test_demo_runs_the_bundled_example():
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "稷山县工科局2022年政府信息公开工作年度报告" in result.output


HEAVY = (
    "langchain",
    "langchain_core",
    "langchain_openai",
    "openai",
    "docx",
    "httpx",
    "jieba",
    "rank_bm25",
)


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["check", "--help"], ["check", str(ROOT / "examples" / "busy-2023.yaml")]],
)
def test_fast_commands_do_not_import_heavy_modules(argv: list[str]):
    probe = (
        "import sys\n"
        "from draftbot.cli import app\n"
        "try:\n"
        f"    app({argv!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=ROOT
    ).stdout
    assert "HEAVY=\n" in out, out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check"], "错误：缺少参数 FILE（报告数据文件（.yaml / .yml / .json））\n"
                    "运行 `draftbot check --help` 查看用法。"),
        (["check", "--bogus", "x.yaml"], "错误：没有这个选项：--bogus\n运行 `draftbot check --help` 查看用法。"),
        (["nosuch"], "错误：没有这个命令：nosuch\n运行 `draftbot --help` 查看用法。"),
        (["serve", "--port", "abc"], "错误：--port 的取值无效，应为整数\n运行 `draftbot serve --help` 查看用法。"),
    ],
)  # fmt: skip
def test_usage_errors_are_explained_in_chinese(argv: list[str], message: str):
    result = subprocess.run(
        [sys.executable, "-m", "draftbot", *argv],
        capture_output=True, text=True, check=False, cwd=ROOT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr
    assert "Error" not in result.stderr


def test_no_arguments_shows_the_help():
    result = subprocess.run(
        [sys.executable, "-m", "draftbot"], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0
    assert "政府信息公开工作年度报告起草助手" in result.stdout + result.stderr


def test_check_says_which_prose_sections_are_unwritten(examples_dir: Path):
    plain = run("check", str(examples_dir / "busy-2023.yaml"))
    assert "正文：已有 0 / 8 部分；8 部分（待起草），导出正式文档前需起草" in plain.output
    written = run("check", str(examples_dir / "seed-2022-as-published.yaml"))
    assert "正文：已有 8 / 8 部分\n" in written.output
    payload = json.loads(run("check", "--json", str(examples_dir / "busy-2023.yaml")).output)
    assert len(payload["unwritten_sections"]) == 8
    assert payload["unwritten_sections"][-1] == "六、其他需要报告的事项"
