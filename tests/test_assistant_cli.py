"""`draftbot chat FILE` in the terminal: answers, proposals confirmed or not, stale refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from draftbot.assistant.conversation import conversation_for_file
from draftbot.assistant.terminal import run_chat
from draftbot.checks import check_report
from draftbot.datafile import load_report, save_report

ROOT = Path(__file__).resolve().parent.parent


def chat(path: Path, lines: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "draftbot", "chat", str(path), "--offline", *extra],
        input="\n".join(lines) + "\n",
        capture_output=True, text=True, check=False, cwd=ROOT, timeout=120,
    )  # fmt: skip


def test_chat_answers_rules_and_keeps_the_conversation(tmp_path, examples_dir) -> None:
    path = tmp_path / "r.yaml"
    shutil.copy(examples_dir / "busy-2023.yaml", path)
    result = chat(path, ["申请人自己撤回了申请，应该填在哪一行？", "去年结转几件？", "退出"])
    assert result.returncode == 0, result.stderr
    assert "[T3-R25] 其他处理 3.其他" in result.stdout
    assert "上年结转政府信息公开申请数量”总计 2 件" in result.stdout
    entries = conversation_for_file(path).entries()
    assert [e["text"] for e in entries if e["role"] == "clerk"] == [
        "申请人自己撤回了申请，应该填在哪一行？",
        "去年结转几件？",
    ]
    again = chat(path, ["退出"])
    assert "已有 2 条提问记录" in again.stdout


def test_a_change_is_saved_only_when_confirmed(tmp_path, examples_dir) -> None:
    path = tmp_path / "r.yaml"
    shutil.copy(examples_dir / "errors-2020.yaml", path)
    before = path.read_bytes()
    result = chat(path, ["表四行政复议总计改为2件", "否", "退出"])
    assert "表四 · 行政复议 · 总计：3 → 2" in result.stdout and "已放弃" in result.stdout
    assert path.read_bytes() == before

    result = chat(path, ["表四行政复议总计改为2件", "是", "为什么表四不对？", "退出"])
    assert "已保存到" in result.stdout
    report = load_report(path)
    assert report.table4.review.total == 2
    assert not [f for f in check_report(report) if f.code == "T4-01"]
    assert "本报告目前没有这方面的检查问题" in result.stdout
    statuses = [e.get("status") for e in conversation_for_file(path).entries() if "settles" in e]
    assert statuses == ["dismissed", "applied"]


def test_a_proposal_made_stale_by_another_edit_is_refused(tmp_path, examples_dir) -> None:
    path = tmp_path / "r.yaml"
    shutil.copy(examples_dir / "busy-2023.yaml", path)
    said: list[str] = []
    answers = iter(["予以公开里有一件是企业的，不是个人", "是", "退出"])

    def read(prompt: str) -> str:
        if prompt.startswith("确认修改"):  # meanwhile another window saves an edit
            other = load_report(path)
            other.table3.granted.natural_person = 8
            save_report(other, path)
        return next(answers)

    assert run_chat(path, read=read, say=said.append) == 0
    assert any("已经被改动" in s for s in said)
    assert load_report(path).table3.granted.natural_person == 8  # the other edit is kept
    assert load_report(path).table3.granted.commercial == 3


def test_a_missing_file_or_bad_rules_file_is_explained(tmp_path, examples_dir) -> None:
    result = chat(tmp_path / "none.yaml", [])
    assert result.returncode == 2 and "找不到数据文件" in result.stderr
    path = tmp_path / "r.yaml"
    shutil.copy(examples_dir / "busy-2023.yaml", path)
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\nrules: []\n", encoding="utf-8")
    result = chat(path, [], "--rules", str(bad))
    assert result.returncode == 2 and "规则文件" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_chat_uses_the_configured_model_and_says_so(tmp_path, examples_dir, fake_openai) -> None:
    from fake_openai import normal

    path = tmp_path / "r.yaml"
    shutil.copy(examples_dir / "busy-2023.yaml", path)
    fake_openai.default = normal("撤回的申请计入其他处理 [T3-R25]。")
    env = {
        **os.environ,
        "DRAFTBOT_LLM_BASE_URL": fake_openai.base_url,
        "DRAFTBOT_LLM_MODEL": "fake-model",
        "DRAFTBOT_LLM_API_KEY": "sk-test",
        "DRAFTBOT_LLM_RETRIES": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "draftbot", "chat", str(path)],
        input="申请人撤回了申请算哪一项？\n退出\n",
        capture_output=True, text=True, check=False, cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "撤回的申请计入其他处理 [T3-R25]" in result.stdout
    assert "（由 fake-model 回答）" in result.stdout
    assert fake_openai.calls == 1
