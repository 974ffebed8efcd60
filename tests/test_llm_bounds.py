"""Model answers and calls are bounded, tracing stays on this computer, proxies are named
(issue 13, kinds 5, 6 and 8) — over real HTTP against tests/fake_openai.py."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from draftbot.config import Settings
from draftbot.datafile import load_report
from draftbot.drafting import apply_draft, draft_report
from draftbot.drafting.calls import DRAFTING
from draftbot.model import MAX_SECTION_CHARS, SECTION_KEYS, Report
from draftbot.store import DB_FILENAME, Store
from fake_openai import FakeOpenAI, normal

ROOT = Path(__file__).resolve().parent.parent
SAFE = "本年，本机关按照《条例》要求开展相关工作，自觉接受社会监督。"


def llm_settings(fake: FakeOpenAI, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "llm_base_url": fake.base_url,
        "llm_model": "fake-model",
        "llm_api_key": "sk-test",
        "llm_timeout": 5.0,
        "llm_retries": 0,
        "cache_dir": tmp_path / "cache",
        "data_dir": tmp_path / "data",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def busy(examples_dir: Path) -> Report:
    return load_report(examples_dir / "busy-2023.yaml")


def causes(outcome) -> dict[str, str]:
    return {k: " ".join(f.message for f in d.findings) for k, d in outcome.sections.items()}


# --- kind 5 --------------------------------------------------------------------------------


def test_max_tokens_per_section_is_sent(fake_openai: FakeOpenAI, tmp_path: Path, busy: Report):
    fake_openai.default = normal(SAFE)
    draft_report(
        busy, llm_settings(fake_openai, tmp_path, llm_max_tokens=1234), sections=["problems"]
    )
    assert [r.body.get("max_tokens") for r in fake_openai.requests] == [1234]


def test_an_over_long_answer_falls_back_offline_and_the_draft_is_saved(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report
):
    fake_openai.default = normal("本年度依法依规做好政府信息公开工作。" * 1500)  # 27,000 chars
    outcome = draft_report(busy, llm_settings(fake_openai, tmp_path))
    assert {d.source for d in outcome.sections.values()} == {"offline"}
    for key, cause in causes(outcome).items():
        assert f"模型返回的正文过长（27000 字，每部分上限 {MAX_SECTION_CHARS} 字）" in cause, key
    updated = apply_draft(busy, outcome)  # the whole draft is kept, nothing raised
    assert all(len(getattr(updated.narrative, k)) <= MAX_SECTION_CHARS for k in SECTION_KEYS)
    assert updated.narrative.problems == outcome.sections["problems"].text


def test_per_report_call_cap(fake_openai: FakeOpenAI, tmp_path: Path, busy: Report):
    fake_openai.default = normal(SAFE)
    outcome = draft_report(
        busy, llm_settings(fake_openai, tmp_path, llm_max_calls_per_report=3, llm_max_concurrency=1)
    )
    assert fake_openai.calls == 3
    sources = [d.source for d in outcome.sections.values()]
    assert sources.count("fake-model") == 3 and sources.count("offline") == 5
    capped = [c for c in causes(outcome).values() if c]
    assert len(capped) == 5
    assert all("本次起草调用模型的次数已达上限 3 次" in c for c in capped)


def test_per_day_call_cap_holds_across_runs(fake_openai: FakeOpenAI, tmp_path: Path, busy: Report):
    fake_openai.default = normal(SAFE)
    settings = llm_settings(fake_openai, tmp_path, llm_max_calls_per_day=2, llm_max_concurrency=1)
    first = draft_report(busy, settings, sections=["problems", "other_matters"])
    assert fake_openai.calls == 2
    assert {d.source for d in first.sections.values()} == {"fake-model"}
    second = draft_report(busy, settings, sections=["overview_intro"])
    assert fake_openai.calls == 2  # no call left today
    assert "今天调用模型的次数已达上限 2 次" in causes(second)["overview_intro"]
    store = Store.in_folder(tmp_path / "data")  # counted in the data folder's store, not a file
    rows = store.reader().execute("SELECT counter, calls FROM model_calls").fetchall()
    assert [(r["counter"], r["calls"]) for r in rows] == [(DRAFTING, 2)]
    store.close()
    assert not (tmp_path / "data" / "llm-calls-today.json").exists()


def test_without_a_day_cap_nothing_is_counted(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report
):
    fake_openai.default = normal(SAFE)
    draft_report(busy, llm_settings(fake_openai, tmp_path), sections=["problems"])
    assert fake_openai.calls == 1
    assert not (tmp_path / "data" / DB_FILENAME).exists()  # no store opened for a count
    assert not (tmp_path / "data" / "llm-calls-today.json").exists()


# --- kind 8: a dead proxy is named -----------------------------------------------------------


def test_a_dead_proxy_is_named_not_the_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, busy):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, f"http://user:secret@127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    settings = Settings(
        _env_file=None,
        llm_base_url="http://llm.example.test/v1",
        llm_model="m",
        llm_retries=0,
        llm_timeout=5,
        cache_dir=tmp_path,
    )
    outcome = draft_report(busy, settings, sections=["problems"])
    cause = causes(outcome)["problems"]
    assert f"无法经代理 http://127.0.0.1:{port} 连接模型服务（llm.example.test）" in cause
    assert "secret" not in cause


# --- kind 6: tracing stays off ---------------------------------------------------------------


class Recorder(ThreadingHTTPServer):
    """Stands in for the LangSmith endpoint and records every request it receives."""

    daemon_threads = True

    def __init__(self) -> None:
        self.paths: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _record(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                recorder.paths.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_GET = do_POST = do_PATCH = do_PUT = _record

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def _draft_in_a_child(fake: FakeOpenAI, tmp_path: Path, recorder: Recorder, **extra: str):
    tmp_path.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "r.yaml"
    shutil.copy(ROOT / "examples" / "busy-2023.yaml", data)
    endpoint = f"http://127.0.0.1:{recorder.server_address[1]}"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DRAFTBOT_DATA_DIR": str(tmp_path / "data"),
        "DRAFTBOT_LLM_BASE_URL": fake.base_url,
        "DRAFTBOT_LLM_MODEL": "fake-model",
        "DRAFTBOT_LLM_API_KEY": "sk-test",
        "LANGSMITH_TRACING": "true",
        "LANGCHAIN_TRACING_V2": "true",
        "LANGSMITH_ENDPOINT": endpoint,
        "LANGCHAIN_ENDPOINT": endpoint,
        "LANGSMITH_API_KEY": "lsv2-test",
        "LANGCHAIN_API_KEY": "lsv2-test",
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "-m", "draftbot", "draft", "-s", "problems", str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )  # the child flushes any tracing queue before it exits
    assert result.returncode == 0, result.stderr
    assert "模型 fake-model" in result.stdout


def test_langsmith_variables_in_the_environment_send_nothing(
    fake_openai: FakeOpenAI, tmp_path: Path
):
    fake_openai.default = normal(SAFE)
    recorder = Recorder()
    try:
        _draft_in_a_child(fake_openai, tmp_path, recorder)
        assert fake_openai.calls == 1
        assert recorder.paths == []
        # the same run with draftbot's own setting on does reach the endpoint: the check above
        # would have seen a leak
        _draft_in_a_child(fake_openai, tmp_path / "on", recorder, DRAFTBOT_LANGSMITH_TRACING="true")
        assert any("runs" in path for path in recorder.paths), recorder.paths
    finally:
        recorder.shutdown()
        recorder.server_close()


def test_an_over_long_answer_in_the_web_falls_back_offline(tmp_path: Path, fake_openai: FakeOpenAI):
    from test_web_drafting import _generate
    from web_helpers import create_report, make_client, offline_settings

    fake_openai.default = normal("本年度依法依规做好政府信息公开工作。" * 1500)
    settings = offline_settings(
        tmp_path,
        llm_base_url=fake_openai.base_url,
        llm_api_key="sk-test",
        llm_model="fake-model",
        llm_retries=0,
        # generous: the point is the over-long answer, not the clock (a loaded CI machine
        # takes seconds to import LangChain and read 27,000 characters)
        llm_timeout=120,
    )
    with make_client(tmp_path, settings=settings) as client:
        report_id = create_report(client)
        done = _generate(client, report_id, "problems")[-1]
    assert done[0] == "done"
    assert done[1]["fell_back"] is True
    assert "模型返回的正文过长（27000 字，每部分上限 20000 字）" in done[1]["message"]
    assert len(done[1]["text"]) < MAX_SECTION_CHARS


def test_a_day_cap_that_cannot_be_counted_calls_no_model(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report
):
    """The day's count lives in the database; when it cannot be opened, no call is made
    (the cap could not be kept) and each section says why, the password not shown."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once closed
    fake_openai.default = normal(SAFE)
    settings = llm_settings(
        fake_openai,
        tmp_path,
        llm_max_calls_per_day=5,
        database_url=f"postgresql://draftbot:s3cret@127.0.0.1:{port}/draftbot",
    )
    outcome = draft_report(busy, settings, sections=["problems", "other_matters"])
    assert fake_openai.calls == 0
    assert {d.source for d in outcome.sections.values()} == {"offline"}
    for cause in causes(outcome).values():
        assert "无法记录今天调用模型的次数" in cause and "DRAFTBOT_DATABASE_URL" in cause
        assert "s3cret" not in cause
