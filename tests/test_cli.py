"""The check/schema/demo commands, run as a user runs them."""

from __future__ import annotations

import io
import json
import os
import shutil
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
    "fastapi",
    "starlette",
    "uvicorn",
)
# `--help` needs typer and the command table only: not even the report model or rich.
HELP_ONLY = ("pydantic", "rich", "ruamel", "yaml", "jinja2")


def _imported_after(code: str) -> list[str]:
    """Top-level packages of interest in sys.modules after running `code` in a new process."""
    probe = (
        f"import sys\n{code}\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY + HELP_ONLY!r})\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=ROOT
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("HEAVY="))
    return [name for name in line.removeprefix("HEAVY=").split(",") if name]


def _run_app(argv: list[str]) -> str:
    return (
        "from draftbot.cli import app\n"
        "try:\n"
        f"    app({argv!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass"
    )


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["check", "--help"], ["check", str(ROOT / "examples" / "busy-2023.yaml")]],
)
def test_fast_commands_do_not_import_heavy_modules(argv: list[str]):
    imported = _imported_after(_run_app(argv))
    assert [m for m in imported if m.split(".")[0] in HEAVY] == []


@pytest.mark.parametrize(
    "code",
    [
        "import draftbot.cli",
        _run_app(["--help"]),
        "import sys\nsys.argv = ['draftbot', '--help']\nimport draftbot.cli\n"
        "try:\n    draftbot.cli.main()\nexcept SystemExit:\n    pass",
    ],
    ids=["import", "app --help", "main --help"],
)
def test_import_and_help_need_only_typer(code: str):
    assert _imported_after(code) == []


def test_help_lists_every_command_as_the_converted_commands_describe_it():
    """`--help` lists the commands from their docstrings without converting them (issue 19):
    the listing must be exactly what the fully converted commands would show."""
    import typer

    from draftbot.cli import COMMANDS

    group = typer.main.get_command(app)
    ctx = group.make_context("draftbot", ["check"])
    formatter = ctx.make_formatter()
    group.format_commands(ctx, formatter)
    lazy_listing = formatter.getvalue()
    limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
    rows = [(name, group.get_command(ctx, name).get_short_help_str(limit)) for name in COMMANDS]
    full = ctx.make_formatter()
    with full.section("Commands"):
        full.write_dl(rows)
    assert lazy_listing == full.getvalue()
    assert [name for name, _ in rows] == group.list_commands(ctx)
    assert all(help_text for _, help_text in rows)
    assert run("--help").output.count("\n  ") >= len(COMMANDS)


def test_saved_root_help_is_what_typer_prints():
    """`draftbot --help` prints a saved text without typer (issue 19); it must stay typer's."""
    from draftbot.cli.roothelp import render, saved_text

    assert saved_text() == render(), (
        "roothelp.txt is stale: python -m draftbot.cli.roothelp > src/draftbot/cli/roothelp.txt"
    )


def _main_help(columns: int) -> tuple[str, bool]:
    """`draftbot --help` through `main` in a new process with COLUMNS set: (output, typer used)."""
    probe = (
        "import sys\nsys.argv = ['draftbot', '--help']\nimport draftbot.cli\n"
        "try:\n    draftbot.cli.main()\nexcept SystemExit as exc:\n    assert exc.code == 0\n"
        "sys.stderr.write('TYPER=' + str('typer' in sys.modules))\n"
    )
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    return done.stdout, done.stderr.endswith("TYPER=True")


@pytest.mark.parametrize("columns", [80, 200])
def test_help_on_a_wide_terminal_is_the_saved_text_without_typer(columns: int):
    from draftbot.cli.roothelp import saved_text

    output, used_typer = _main_help(columns)
    assert output == saved_text()
    assert not used_typer


def test_help_on_a_narrow_terminal_is_wrapped_by_typer():
    from draftbot.cli.roothelp import saved_text

    output, used_typer = _main_help(60)
    assert used_typer
    assert output != saved_text()
    assert output.startswith("Usage: draftbot [OPTIONS] COMMAND [ARGS]...")
    assert max(len(line) for line in output.splitlines()) <= 60


def test_commands_table_names_every_command_once():
    from draftbot.cli import COMMANDS
    from draftbot.cli.lazy import command_object

    for name, spec in COMMANDS.items():
        assert command_object(spec) is not None, name
        result = run(name, "--help")
        assert result.exit_code == 0, (name, result.output)
        assert f"Usage: draftbot {name}" in result.output


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check"], "错误：缺少参数 FILE（报告数据文件（.yaml / .yml / .json））\n"
                    "运行 `draftbot check --help` 查看用法。"),
        (["check", "--bogus", "x.yaml"], "错误：没有这个选项：--bogus\n运行 `draftbot check --help` 查看用法。"),
        (["nosuch"], "错误：没有这个命令：nosuch\n运行 `draftbot --help` 查看用法。"),
        (["check", "a.yaml", "b.yaml"], "错误：多余的参数：b.yaml（这个命令一次只处理一个文件；"
                                        "多份报告可用 draftbot batch 一起处理）\n运行 `draftbot check --help` 查看用法。"),
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


def _json_run(*argv: str, cwd: Path = ROOT) -> tuple[int, dict, str]:
    """Run `draftbot …` as a user does; (exit code, stdout parsed as JSON, stderr)."""
    result = subprocess.run(
        [sys.executable, "-m", "draftbot", *argv],
        capture_output=True, text=True, check=False, cwd=cwd, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return result.returncode, json.loads(result.stdout), result.stderr


def _unreadable(tmp_path: Path, kind: str) -> Path:
    if kind == "missing":
        return tmp_path / "没有这个文件.yaml"
    if kind == "folder":  # a folder named like a data file: the OS refuses to read it
        path = tmp_path / "文件夹.yaml"
        path.mkdir()
        return path
    path = tmp_path / "坏.yaml"
    path.write_bytes({"yaml": b"meta: [\n", "gbk": "meta: 某县".encode("gbk")}[kind])
    return path


@pytest.mark.parametrize("kind", ["missing", "folder", "yaml", "gbk"])
def test_check_json_on_a_file_it_cannot_use_prints_the_json_shape(tmp_path: Path, kind: str):
    path = _unreadable(tmp_path, kind)
    code, payload, stderr = _json_run("check", str(path), "--json")
    assert code == 2 and stderr == ""
    assert payload["file"] == str(path)
    assert payload["findings"] == [] and payload["unwritten_sections"] == []
    error = payload["error"]
    assert error["message"].startswith(f"数据文件 {path} 有 1 处问题")
    assert len(error["problems"]) == 1 and error["problems"][0]["message"] in error["message"]
    plain = subprocess.run(
        [sys.executable, "-m", "draftbot", "check", str(path)],
        capture_output=True, text=True, check=False, cwd=ROOT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert plain.returncode == 2 and plain.stderr.strip() == error["message"]


def test_check_json_names_the_line_of_a_data_problem(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta: {agency: 示例县民政局, report_year: 2022}\nfoo: 1\n", encoding="utf-8")
    code, payload, _ = _json_run("check", "--json", str(bad))
    assert code == 2
    (problem,) = payload["error"]["problems"]
    assert problem["line"] == 2 and problem["location"] and "foo" in problem["message"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "--json"], "错误：缺少参数 FILE"),
        (["check", "--json", "--bogus", "x.yaml"], "错误：没有这个选项：--bogus"),
    ],
)
def test_check_json_usage_errors_print_the_json_shape(argv: list[str], message: str):
    code, payload, stderr = _json_run(*argv)
    assert code == 2 and stderr == ""
    assert payload["findings"] == [] and payload["unwritten_sections"] == []
    assert payload["error"]["message"].startswith(message)
    assert "draftbot check --help" in payload["error"]["message"]


def test_revisions_json_errors_print_its_json_shape(tmp_path: Path, examples_dir: Path):
    code, payload, stderr = _json_run("revisions", str(tmp_path / "无.yaml"), "--json")
    assert code == 2 and stderr == "" and payload["revisions"] == []
    assert "找不到该文件" in payload["error"]["message"]
    code, payload, _ = _json_run(
        "revisions", str(examples_dir / "busy-2023.yaml"), "--json", "--section", "总体"
    )
    assert code == 2 and payload["revisions"] == []
    assert payload["error"]["message"].startswith("没有“总体”这一节")
    code, payload, _ = _json_run("revisions", str(examples_dir / "busy-2023.yaml"), "--json")
    assert code == 0 and payload == {"revisions": []}


@pytest.mark.parametrize("command", ["draft", "interview", "chat"])
def test_commands_that_write_back_leave_the_shipped_examples_alone(
    examples_dir: Path, command: str
):
    example = examples_dir / "busy-2023.yaml"
    before = example.read_bytes()
    args = [command, str(example), "--offline"]
    result = subprocess.run(
        [sys.executable, "-m", "draftbot", *args],
        capture_output=True, text=True, check=False, cwd=ROOT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"draftbot {command} 会把结果写回这个文件" in result.stderr
    assert f"cp {example} 试用-busy-2023.yaml" in result.stderr
    assert example.read_bytes() == before
    assert not list(examples_dir.glob("*.chat*")) and not list(examples_dir.glob("*.docx"))


def test_export_next_to_a_shipped_example_asks_for_another_place(
    examples_dir: Path, tmp_path: Path
):
    example = examples_dir / "busy-2023.yaml"
    refused = run("export", str(example), "--force")
    assert refused.exit_code == 2
    assert (
        "会写进 draftbot 自带的示例目录" in refused.output and "-o busy-2023.docx" in refused.output
    )
    assert not (examples_dir / "busy-2023.docx").exists()
    elsewhere = run("export", str(example), "--force", "-o", str(tmp_path / "试用.docx"))
    assert elsewhere.exit_code == 0 and (tmp_path / "试用.docx").exists()


def test_the_readme_way_of_trying_an_example_works_on_a_copy(examples_dir: Path, tmp_path: Path):
    copy = tmp_path / "试用.yaml"
    shutil.copy(examples_dir / "busy-2023.yaml", copy)
    assert run("draft", str(copy), "--offline").exit_code == 0
    exported = run("export", str(copy), "-o", str(tmp_path / "试用.docx"))
    assert exported.exit_code == 0, exported.output
    assert "cp examples/busy-2023.yaml 试用.yaml" in (ROOT / "README.md").read_text(
        encoding="utf-8"
    )


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


def test_a_cached_draft_rerun_through_the_cli_imports_no_client_library(
    fake_openai, tmp_path: Path, examples_dir: Path
):
    """Issue 19: `draftbot draft` with every answer cached makes no call and imports neither
    LangChain nor openai nor python-docx nor the offline drafter; the data file is written as
    on a first run."""
    from draftbot.model import SECTION_KEYS
    from fake_openai import normal

    fake_openai.default = normal("本年，本机关按照《条例》要求开展相关工作，自觉接受社会监督。")
    env = {
        **os.environ,
        "DRAFTBOT_LLM_BASE_URL": fake_openai.base_url,
        "DRAFTBOT_LLM_MODEL": "fake-model",
        "DRAFTBOT_LLM_API_KEY": "sk-test",
        "DRAFTBOT_LLM_TIMEOUT": "5",
        "DRAFTBOT_CACHE_DIR": str(tmp_path / "cache"),
    }
    path = tmp_path / "busy.yaml"
    probe = (
        "import sys, draftbot.cli\n"
        "sys.argv = ['draftbot', 'draft', sys.argv[1]]\n"
        "try:\n    draftbot.cli.main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print('OFFLINE=' + str('draftbot.drafting.offline' in sys.modules))\n"
        "print('EXIT=' + str(code) + ' HEAVY=' + ','.join(heavy))\n"
    )
    outputs = []
    for _ in range(2):
        shutil.copy(examples_dir / "busy-2023.yaml", path)
        result = subprocess.run(
            [sys.executable, "-c", probe, str(path)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            cwd=tmp_path,
            timeout=300,
        )
        outputs.append(result.stdout)
    first, cached = outputs
    assert "EXIT=0 " in first and "langchain_openai" in first  # the first run asked the model
    assert fake_openai.calls == len(SECTION_KEYS)  # one call per section, none on the rerun
    assert "（缓存）" in cached and cached.strip().endswith("EXIT=0 HEAVY="), cached
    assert "OFFLINE=False" in cached, cached
    assert "本机关按照《条例》要求开展相关工作" in path.read_text(encoding="utf-8")


def test_running_a_command_converts_only_that_command(examples_dir: Path):
    """The other commands' parameters are not built when one command runs (issue 19)."""
    import typer

    group = typer.main.get_command(app)
    with pytest.raises(SystemExit) as done:
        group.main(["check", str(examples_dir / "busy-2023.yaml")], prog_name="draftbot")
    assert done.value.code == 0
    assert list(group.commands) == ["check"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("missing", [False, True])
def test_draft_pauses_the_collector_only_while_it_runs(
    tmp_path: Path, examples_dir: Path, missing: bool
):
    """`draftbot draft` runs with the cyclic collector paused (issue 19) and turns it back on
    when it ends, also when it fails, so a process that calls the CLI in-process keeps it."""
    import gc

    path = tmp_path / ("missing.yaml" if missing else "busy.yaml")
    if not missing:
        shutil.copy(examples_dir / "busy-2023.yaml", path)
    assert gc.isenabled()
    result = run("draft", "--offline", str(path))
    assert result.exit_code == (2 if missing else 0), result.output
    assert gc.isenabled()


# --- `draftbot check FILE` without typer (issue 19) -------------------------------------------

NOT_FOR_CHECK = ("typer", "click", "ruamel", "langchain", "langchain_openai", "openai", "docx")
# Modules only prose needs: the claims and facts, and the reviews of the prose.
PROSE_ONLY = {
    "draftbot.claims",
    "draftbot.facts",
    "draftbot.review.places",
    "draftbot.review.prose_vs_tables",
    "draftbot.review.privacy",
}


def _check_through_main(
    argv: list[str],
    *,
    through_typer: bool,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> tuple[object, str, str, set]:
    """`draftbot …argv` through `main` in a new process: (exit code, stdout, stderr, the
    top-level packages of NOT_FOR_CHECK and rich that were imported, and the modules of
    PROSE_ONLY that were). `through_typer` turns the fast paths off, so the
    command runs as typer converts it."""
    probe = (
        "import sys\n"
        f"sys.argv = ['draftbot', *{argv!r}]\n"
        "import draftbot.cli, draftbot.cli.plain as plain\n"
        + (
            "plain.fast_check_file = plain.fast_draft_file = lambda argv: None\n"
            if through_typer
            else ""
        )
        + "code = None\n"
        "try:\n    draftbot.cli.main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        f"names = {(*NOT_FOR_CHECK, 'rich')!r}\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & set(names))\n"
        f"loaded += sorted({PROSE_ONLY!r} & set(sys.modules))\n"
        "sys.stderr.write(f'\\nEXIT={code} LOADED={\",\".join(loaded)}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True, text=True, check=False, cwd=cwd, stdin=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    stderr, _, tail = done.stderr.rpartition("\nEXIT=")
    code, _, loaded = tail.partition(" LOADED=")
    return code, done.stdout, stderr, {name for name in loaded.split(",") if name}


def _bad_files(tmp_path: Path) -> list[str]:
    broken = tmp_path / "坏的.yaml"
    broken.write_text("meta: {agency: 某局\n", encoding="utf-8")
    invalid = tmp_path / "错的.yaml"
    invalid.write_text(
        "meta:\n  agency: 某县民政局\n  report_year: 2023\ntable2:\n  licensing: 四百零一件半\n",
        encoding="utf-8",
    )
    wrong_suffix = tmp_path / "报告.txt"
    wrong_suffix.write_text("meta: {}\n", encoding="utf-8")
    return [
        str(p) for p in (broken, invalid, wrong_suffix, tmp_path / "没有这个文件.yaml", tmp_path)
    ]


def test_check_file_runs_without_typer_or_the_round_trip_reader():
    code, out, err, loaded = _check_through_main(
        ["check", str(ROOT / "examples" / "busy-2023.yaml")], through_typer=False
    )
    assert code == "0", err
    assert "未发现问题" in out
    # not even rich (a clean report prints one line); claims only for F-03, which needs the
    # subjects' words because busy-2023 lists a category “政策解读” beside its 政策解读 count
    assert loaded <= {"draftbot.claims"}, loaded


def test_check_file_prints_and_exits_as_the_typer_command_does(tmp_path: Path):
    files = [str(p) for p in sorted((ROOT / "examples").glob("*.yaml"))] + _bad_files(tmp_path)
    codes = set()
    for file in files:
        fast = _check_through_main(["check", file], through_typer=False)
        slow = _check_through_main(["check", file], through_typer=True)
        assert fast[:3] == slow[:3], file
        assert "typer" in slow[3] and "typer" not in fast[3], file
        assert "Traceback" not in fast[2]
        codes.add(fast[0])
    assert codes == {"0", "1", "2"}  # clean reports, findings, unreadable files


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check", "a.yaml"], "a.yaml"),
        (["check", "--json", "a.yaml"], None),
        (["check", "a.yaml", "--json"], None),
        (["check", "--help"], None),
        (["check", "-"], None),
        (["check", ""], None),
        (["check"], None),
        (["check", "a.yaml", "b.yaml"], None),
        (["schema", "a.yaml"], None),
    ],
)
def test_only_exactly_check_file_takes_the_fast_path(argv: list[str], expected: str | None):
    from draftbot.cli.plain import fast_check_file

    assert fast_check_file(argv) == expected


def _collector_after_main(argv: list[str], cwd: Path) -> str:
    """`draftbot …argv` through `main` in a new process, then whether the cyclic collector is
    on and how many objects it was told to skip (`gc.get_freeze_count`)."""
    probe = (
        "import gc, sys\n"
        f"sys.argv = ['draftbot', *{argv!r}]\n"
        "import draftbot.cli\n"
        "try:\n    draftbot.cli.main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print(f'EXIT={code} ENABLED={gc.isenabled()} FROZEN={gc.get_freeze_count() > 0}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=cwd
    )
    return done.stdout.strip().splitlines()[-1]


def test_only_the_one_shot_paths_turn_the_collector_off(tmp_path: Path):
    """Exactly `check FILE` (and `draft FILE`) run with the cyclic collector off and leave
    their objects frozen for the exit (issue 19); a command through typer (which may be the
    long-running `serve` or `interview`) keeps the collector as it was."""
    busy = str(ROOT / "examples" / "busy-2023.yaml")
    assert _collector_after_main(["check", busy], ROOT) == "EXIT=0 ENABLED=False FROZEN=True"
    assert _collector_after_main(["check", "--json", busy], ROOT) == (
        "EXIT=0 ENABLED=True FROZEN=False"
    )
    schema = str(tmp_path / "s.json")
    assert _collector_after_main(["schema", "-o", schema], ROOT) == (
        "EXIT=0 ENABLED=True FROZEN=False"
    )


# --- `draftbot draft FILE` without typer (issue 19) -------------------------------------------


def _draft_env(tmp_path: Path, base_url: str | None) -> dict[str, str]:
    """The environment without the machine's DRAFTBOT_ settings; with `base_url`, the model
    is the fake server, without it none is configured (the offline drafter writes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAFTBOT_")}
    env["DRAFTBOT_CACHE_DIR"] = str(tmp_path / "cache")
    if base_url is not None:
        env |= {
            "DRAFTBOT_LLM_BASE_URL": base_url,
            "DRAFTBOT_LLM_MODEL": "fake-model",
            "DRAFTBOT_LLM_API_KEY": "sk-test",
            "DRAFTBOT_LLM_TIMEOUT": "5",
        }
    return env


def _drafts_alike(file: Path, source: Path, env: dict[str, str], tmp_path: Path) -> tuple:
    """`draftbot draft FILE` on a fresh copy of `source`, through the fast path and through
    typer: the exit code, stdout, stderr and the file written, the same for both."""
    results = []
    for through_typer in (False, True):
        if source != file:  # a bad file is drafted where it is
            shutil.copy(source, file)
        code, out, err, loaded = _check_through_main(
            ["draft", str(file)], through_typer=through_typer, env=env, cwd=tmp_path
        )
        written = file.read_bytes() if file.is_file() else None
        results.append((code, out, err, written))
        assert ("typer" in loaded) == through_typer, loaded
        assert "Traceback" not in err, err
    assert results[0] == results[1]
    return results[0]


def test_draft_file_offline_prints_writes_and_exits_as_the_typer_command_does(tmp_path: Path):
    env = _draft_env(tmp_path, None)
    code, out, _, written = _drafts_alike(
        tmp_path / "busy.yaml", ROOT / "examples" / "busy-2023.yaml", env, tmp_path
    )
    assert code == "0" and "离线模板" in out and f"已写入 {tmp_path / 'busy.yaml'}" in out
    assert written != (ROOT / "examples" / "busy-2023.yaml").read_bytes()  # the text went in
    for bad in _bad_files(tmp_path):  # unreadable files: exit 2, the problems on stderr
        code, out, err, _ = _drafts_alike(Path(bad), Path(bad), env, tmp_path)
        assert code == "2" and err.strip(), bad
    env["DRAFTBOT_LLM_TIMEOUT"] = "很久"  # settings that do not load: exit 2, nothing written
    code, _, err, written = _drafts_alike(
        tmp_path / "busy.yaml", ROOT / "examples" / "busy-2023.yaml", env, tmp_path
    )
    assert code == "2" and "DRAFTBOT_LLM_TIMEOUT" in err
    assert written == (ROOT / "examples" / "busy-2023.yaml").read_bytes()


def test_draft_file_cached_prints_writes_and_exits_as_the_typer_command_does(
    fake_openai, tmp_path: Path
):
    from draftbot.model import SECTION_KEYS
    from fake_openai import normal

    fake_openai.default = normal("本年，本机关按照《条例》要求开展相关工作，自觉接受社会监督。")
    env = _draft_env(tmp_path, fake_openai.base_url)
    source, file = ROOT / "examples" / "busy-2023.yaml", tmp_path / "busy.yaml"
    shutil.copy(source, file)
    first = _check_through_main(["draft", str(file)], through_typer=False, env=env, cwd=tmp_path)
    assert first[0] == "0" and fake_openai.calls == len(SECTION_KEYS), first
    code, out, _, written = _drafts_alike(file, source, env, tmp_path)
    assert code == "0" and out.count("（缓存）") == len(SECTION_KEYS), out
    assert fake_openai.calls == len(SECTION_KEYS)  # the re-runs asked the model nothing
    assert "本机关按照《条例》要求开展相关工作" in written.decode("utf-8")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["draft", "a.yaml"], "a.yaml"),
        (["draft", "--offline", "a.yaml"], None),
        (["draft", "a.yaml", "-s", "problems"], None),
        (["draft", "--help"], None),
        (["draft", ""], None),
        (["draft"], None),
        (["check", "a.yaml"], None),
    ],
)
def test_only_exactly_draft_file_takes_the_fast_path(argv: list[str], expected: str | None):
    from draftbot.cli.plain import fast_draft_file

    assert fast_draft_file(argv) == expected


class _Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("green", [True, False])
def test_plain_echo_writes_what_typer_echo_writes(
    terminal: bool, green: bool, monkeypatch: pytest.MonkeyPatch
):
    """On a terminal the green tick keeps its colour; into a file or pipe click strips every
    ANSI sequence, also one inside the text."""
    import typer

    from draftbot.cli.plain import echo

    message = "✓ 未发现问题 \x1b[31m红\x1b[0m"
    written = []
    for write in (
        lambda: echo(message, green=green),
        lambda: typer.secho(message, fg="green") if green else typer.echo(message),
    ):
        raw = io.BytesIO()
        stream = (_Terminal if terminal else io.TextIOWrapper)(raw, encoding="utf-8")
        monkeypatch.setattr(sys, "stdout", stream)
        write()
        written.append(raw.getvalue())
    assert written[0] == written[1]
    assert (b"\x1b[" in written[0]) == terminal
