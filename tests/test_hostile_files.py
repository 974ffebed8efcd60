"""Hostile and broken data files (issue 13, kinds 1, 2, 3 and 7): every one ends in a short
Chinese message naming the field or line, within bounded memory and time, and the clerk's own
file keeps its comments, order and style when draftbot writes it back."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from draftbot.config import SettingsError, load_settings
from draftbot.datafile import (
    MAX_DATA_FILE_BYTES,
    MAX_NESTING_DEPTH,
    MAX_PROBLEMS,
    DataFileError,
    load_report,
    parse_report,
    save_report,
)
from draftbot.excerpt import MAX_EXCERPT_CHARS, excerpt

ROOT = Path(__file__).resolve().parent.parent
META = "meta:\n  agency: 示例县民政局\n  region: 山西省运城市稷山县\n  report_year: 2023\n"


def problems(text: str, source: str = "x.yaml") -> list[str]:
    with pytest.raises(DataFileError) as info:
        parse_report(text, source)
    return [str(p) for p in info.value.problems]


def alias_bomb() -> str:
    """Nine levels of nine aliases (9**9 leaves if expanded), referenced from facts.problems."""
    lines = ["l0: &l0 [收到, 收到, 收到, 收到, 收到, 收到, 收到, 收到, 收到]"]
    for level in range(1, 9):
        ref = f"*l{level - 1}"
        lines.append(f"l{level}: &l{level} [{', '.join([ref] * 9)}]")
    return META + "\n".join(lines) + "\nfacts:\n  problems: *l8\n"


def run_cli(*args: str, limit_mb: int = 512, **kwargs) -> subprocess.CompletedProcess:
    """`draftbot …` in a child process with its address space capped (a blow-up fails fast)."""

    def cap() -> None:
        size = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return subprocess.run(
        [sys.executable, "-m", "draftbot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
        cwd=kwargs.pop("cwd", ROOT),
        **kwargs,
    )


# --- kind 1: tiny inputs, huge memory --------------------------------------------------------


def test_alias_bomb_is_refused_with_its_line_and_stays_small():
    text = alias_bomb()
    assert len(text.encode()) < 1000
    found = problems(text)
    assert found == ["第 6 行，文件：数据文件不支持 YAML 别名（*l0），请把内容直接写出来"]


@pytest.mark.parametrize("command", ["check", "draft", "export"])
def test_alias_bomb_through_the_cli_in_512_mb(tmp_path: Path, command: str):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    extra = ["--offline"] if command == "draft" else []
    result = run_cli(command, *extra, str(bomb))
    assert result.returncode == 2, result.stderr
    assert "数据文件不支持 YAML 别名" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr) < 400


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_DATA_FILE_BYTES + 1)
    with pytest.raises(DataFileError) as info:
        load_report(big)
    assert "文件过大（上限 5 MB）" in info.value.render()


def test_many_keys_are_refused_before_parsing():
    data = {"meta": {"agency": "示例县民政局", "report_year": 2023}}
    data.update({f"k{i}": i for i in range(200_000)})
    assert problems(json.dumps(data), "many.json") == [
        "文件：文件中的键和列表项过多（约 200003 个，上限 10000）；"
        "一份年度报告的数据文件只有几百项，请检查是否选错了文件"
    ]


def test_many_problems_are_listed_up_to_the_bound():
    data = {"meta": {"agency": "示例县民政局", "report_year": 2023}}
    data.update({f"key{i}": i for i in range(3000)})
    with pytest.raises(DataFileError) as info:
        parse_report(json.dumps(data), "many.json")
    found = [str(p) for p in info.value.problems]
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1] == f"文件：另有 {3000 - MAX_PROBLEMS} 处问题未列出，请先改正以上各处"
    assert len(info.value.render()) < 5000


def test_a_long_value_is_quoted_as_a_short_excerpt():
    found = problems(META + "table3:\n  granted:\n    natural_person: " + "九" * 100_000 + "x\n")
    assert len(found) == 1
    assert "（共 100001 个字符）" in found[0]
    assert len(found[0]) < 200


# --- kind 2: tracebacks become messages naming the field --------------------------------------


def test_impossible_date_names_the_field_and_line():
    found = problems(META + "  publish_date: 2024-13-45\n")
    assert found == ["第 5 行，基本信息 · 发布日期：应为日期（如 2023-01-18），收到“2024-13-45”"]


@pytest.mark.parametrize(
    ("text", "source"),
    [("[" * 100_000 + "]" * 100_000, "deep.json"), ("a: " + "[" * 20_000 + "]" * 20_000, "d.yaml")],
)
def test_deep_nesting_is_refused(text: str, source: str):
    assert problems(text, source) == [
        f"文件：嵌套层数过多（上限 {MAX_NESTING_DEPTH} 层），请检查文件是否损坏或选错了文件"
    ]


def test_zero_width_space_in_a_number_is_shown():
    found = problems(META + "table3:\n  granted:\n    natural_person: 1\u200b000\n")
    assert found == [
        "第 7 行，表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人："
        "应为不小于 0 的整数，收到“1〔零宽空格〕000”"
    ]


def test_excerpt_bounds_and_shows_controls():
    assert excerpt("a\tb\u202e") == "a〔制表符〕b〔U+202E〕"
    cut = excerpt("x" * 1000)
    assert cut.startswith("x" * MAX_EXCERPT_CHARS) and cut.endswith("（共 1000 个字符）")


def test_pydantic_messages_are_chinese():
    found = problems(META + "facts:\n  problems: 5\n  channels: {a: 1}\n")
    assert all(not any("a" <= ch <= "z" for ch in p.split("：", 1)[1]) for p in found), found


def test_allowed_hosts_as_a_plain_name_and_bad_settings(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DRAFTBOT_WEB_ALLOWED_HOSTS", "bgs-pc")
    assert load_settings().web_allowed_hosts == ["bgs-pc"]
    monkeypatch.setenv("DRAFTBOT_WEB_ALLOWED_HOSTS", "bgs-pc，192.168.1.20")
    assert load_settings().web_allowed_hosts == ["bgs-pc", "192.168.1.20"]
    monkeypatch.setenv("DRAFTBOT_LLM_TIMEOUT", "很久")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value).startswith("配置有误：DRAFTBOT_LLM_TIMEOUT：应为数字，收到“很久”")


def test_draft_offline_runs_with_allowed_hosts_as_a_plain_name(tmp_path: Path):
    data = tmp_path / "r.yaml"
    shutil.copy(ROOT / "examples" / "busy-2023.yaml", data)
    env = {"PATH": "/usr/bin:/bin", "DRAFTBOT_WEB_ALLOWED_HOSTS": "bgs-pc", "HOME": str(tmp_path)}
    result = run_cli("draft", "--offline", str(data), env=env)
    assert result.returncode == 0, result.stderr
    assert "已写入" in result.stdout


# --- kind 3: the CLI's last-resort handler ------------------------------------------------


def test_disk_full_during_draft_is_a_message_and_the_file_is_intact(tmp_path: Path):
    data = tmp_path / "r.yaml"
    shutil.copy(ROOT / "examples" / "busy-2023.yaml", data)
    before = data.read_bytes()

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    result = subprocess.run(
        [sys.executable, "-m", "draftbot", "draft", "--offline", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=small_files,
    )
    assert result.returncode == 74
    assert "Traceback" not in result.stderr
    assert f"无法读写“{data}”：文件超过了系统允许的大小" in result.stderr
    assert data.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.yaml"]


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_check_into_a_closed_pipe_ends_quietly(examples_dir: Path, extra: list[str]):
    shell = (
        f"{sys.executable} -m draftbot check {' '.join(extra)} "
        f"{examples_dir / 'errors-2020.yaml'} | head -3"
    )
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, timeout=120
    )
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == ""


def test_unexpected_error_is_one_chinese_message(tmp_path: Path):
    """A failure nobody foresaw (here: the checks raise RuntimeError) still ends with one
    Chinese message and exit code 70, never a traceback."""
    script = (
        "import sys, draftbot.cli as cli\n"
        "def boom(*a, **k):\n    raise RuntimeError('boom')\n"
        "import draftbot.checks\ndraftbot.checks.check_report = boom\n"
        "sys.argv = ['draftbot', 'check', sys.argv[1]]\ncli.main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "examples" / "busy-2023.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 70
    assert "Traceback" not in result.stderr
    assert "未预料的问题（RuntimeError）" in result.stderr


# --- kind 7: the clerk's file is the clerk's ----------------------------------------------


def test_duplicate_keys_name_both_lines():
    found = problems(
        META + "table3:\n  granted: {natural_person: 1}\n  granted: {natural_person: 2}\n"
    )
    assert found == [
        "第 7 行，文件：键“granted”在第 6 行和第 7 行重复出现，程序不会替您选择；请删除或合并其中一处"
    ]


def test_duplicate_keys_in_json_are_refused():
    found = problems(
        '{\n "meta": {"agency": "示例县民政局", "report_year": 2023},\n "meta": {}\n}', "d.json"
    )
    assert found == [
        "第 3 行，文件：键“meta”在第 2 行和第 3 行重复出现，程序不会替您选择；请删除或合并其中一处"
    ]


def test_draft_keeps_comments_order_and_flow_style(tmp_path: Path, examples_dir: Path):
    data = tmp_path / "busy.yaml"
    original = (examples_dir / "busy-2023.yaml").read_text(encoding="utf-8")
    data.write_text(original, encoding="utf-8")
    comments = ["#" + line.split("#", 1)[1] for line in original.splitlines() if "#" in line]
    assert len(comments) >= 10
    result = run_cli("draft", "--offline", str(data))
    assert result.returncode == 0, result.stderr
    written = data.read_text(encoding="utf-8")
    for comment in comments:
        assert comment in written
    assert "narrative:" in written
    kept = [line for line in original.splitlines() if "{" in line and not line.startswith("#")]
    for line in kept:  # flow-style rows stay on their line, as the clerk wrote them
        assert line in written
    top = [line.split(":")[0] for line in written.splitlines() if line[:1].isalpha()]
    original_top = [line.split(":")[0] for line in original.splitlines() if line[:1].isalpha()]
    assert [key for key in top if key in original_top] == original_top


def test_unchanged_report_writes_back_byte_for_byte(tmp_path: Path, examples_dir: Path):
    for example in sorted(examples_dir.glob("*.yaml")):
        target = tmp_path / example.name
        shutil.copy(example, target)
        try:
            report = load_report(target)
        except DataFileError:
            continue
        save_report(report, target)
        assert target.read_bytes() == example.read_bytes(), example.name


def test_changed_value_replaces_only_that_value(tmp_path: Path):
    text = (
        META
        + "  # 发布日期按门户网站公告\n  publish_date: 2024-01-18\ntable3:\n  granted: {natural_person: 3, commercial: 1}  # 已核对\n"
    )
    target = tmp_path / "r.yaml"
    target.write_text(text, encoding="utf-8")
    report = load_report(target)
    report.table3.granted.natural_person = 4
    save_report(report, target)
    written = target.read_text(encoding="utf-8")
    assert written == text.replace("natural_person: 3", "natural_person: 4")


def test_size_limit_counts_bytes_not_characters():
    text = META + "facts:\n  other_matters: " + "政" * (MAX_DATA_FILE_BYTES // 3 + 10) + "\n"
    assert len(text) < MAX_DATA_FILE_BYTES < len(text.encode())
    assert problems(text) == ["文件：文件过大（上限 5 MB），请检查是否选错了文件"]


def test_text_that_looks_like_a_date_stays_text(tmp_path: Path):
    target = tmp_path / "r.yaml"
    target.write_text(META + "  publish_date: 2024-01-18\n", encoding="utf-8")
    report = load_report(target)
    report.facts.channels = ["2024-01-18", "政府门户网站"]
    save_report(report, target)
    again = load_report(target)
    assert again.facts.channels == ["2024-01-18", "政府门户网站"]
    assert "  publish_date: 2024-01-18\n" in target.read_text(encoding="utf-8")


def test_interview_keeps_the_clerks_comments_and_style(tmp_path: Path, examples_dir: Path):
    original = (examples_dir / "busy-2023.yaml").read_text(encoding="utf-8")
    data = tmp_path / "r.yaml"
    data.write_text(original, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DRAFTBOT_DATA_DIR": str(tmp_path / "d")}
    result = subprocess.run(
        [sys.executable, "-m", "draftbot", "interview", "--offline", str(data)],
        input="\n" * 80,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "全部问题已回答" in result.stdout
    written = data.read_text(encoding="utf-8")
    assert written != original  # the interview recorded its progress …
    for line in original.splitlines():  # … and every line the clerk wrote is still there
        assert line in written.splitlines(), line
