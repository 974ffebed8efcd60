"""Connections to the model over a process's life, against the keep-alive fake server.

Real providers keep HTTP/1.1 connections alive; a client whose pooled connections belong to a
closed event loop fails after the server has already answered and pays for the retry. These
tests count the calls and connections over successive drafts in one process, check that a
fully cached run needs no client library, and that an http:// endpoint loads no certificates.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from draftbot.config import Settings
from draftbot.datafile import load_report
from draftbot.drafting import DraftEvent, draft_report, stream_section
from draftbot.drafting.aio import run_sync, shared_loop
from draftbot.model import SECTION_KEYS, Report
from fake_openai import FakeOpenAI, normal

ANSWER = "本年，本机关按照《条例》要求开展相关工作，自觉接受社会监督。"


def llm_settings(fake: FakeOpenAI, cache: Path) -> Settings:
    return Settings(
        _env_file=None,
        llm_base_url=fake.base_url,
        llm_model="fake-model",
        llm_api_key="sk-test",
        llm_timeout=60.0,  # not the subject: generous for a loaded machine
        llm_retries=1,
        cache_dir=cache,
    )


@pytest.fixture
def reports(examples_dir: Path) -> list[Report]:
    return [load_report(examples_dir / n) for n in ("busy-2023.yaml", "seed-2022.yaml")]


def test_five_drafts_in_one_process_pay_the_same_calls(
    fake_openai: FakeOpenAI, tmp_path: Path, reports: list[Report]
) -> None:
    fake_openai.default = normal(ANSWER)
    per_draft = []
    for i in range(5):
        before = fake_openai.calls
        outcome = draft_report(reports[i % 2], llm_settings(fake_openai, tmp_path / f"c{i}"))
        per_draft.append(fake_openai.calls - before)
        assert {d.source for d in outcome.sections.values()} == {"fake-model"}
        assert outcome.llm_calls == per_draft[-1]
    assert per_draft == [len(SECTION_KEYS)] * 5
    # The connections of the first draft are kept alive and reused by the next four.
    settings = llm_settings(fake_openai, tmp_path)
    assert 1 <= fake_openai.connections <= settings.llm_max_concurrency


def _stream(report: Report, settings: Settings) -> list[DraftEvent]:
    async def run() -> list[DraftEvent]:
        return [e async for e in stream_section(report, settings, "主动公开")]

    return run_sync(run())


def test_streamed_sections_reuse_one_connection(
    fake_openai: FakeOpenAI, tmp_path: Path, reports: list[Report]
) -> None:
    fake_openai.default = normal(ANSWER)
    for i in range(3):
        events = _stream(reports[0], llm_settings(fake_openai, tmp_path / f"s{i}"))
        assert "".join(e.text for e in events if e.kind == "token") == ANSWER
        assert (events[-1].kind, events[-1].source) == ("done", "fake-model")
    assert fake_openai.calls == 3
    assert fake_openai.connections == 1


def test_drafts_from_threads_and_from_inside_a_loop_share_the_process_loop(
    fake_openai: FakeOpenAI, tmp_path: Path, reports: list[Report]
) -> None:
    fake_openai.default = normal(ANSWER)
    calls: list[int] = []

    def draft(i: int) -> None:
        outcome = draft_report(reports[0], llm_settings(fake_openai, tmp_path / f"t{i}"))
        calls.append(outcome.llm_calls)

    threads = [threading.Thread(target=draft, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    async def inside_a_running_loop() -> None:  # a synchronous call made from async code
        draft(2)

    asyncio.run(inside_a_running_loop())
    assert calls == [len(SECTION_KEYS)] * 3 and fake_openai.calls == 3 * len(SECTION_KEYS)


def test_waiting_on_the_shared_loop_from_itself_is_refused() -> None:
    async def nested() -> None:
        async def nothing() -> None:
            return None

        run_sync(nothing())

    future = asyncio.run_coroutine_threadsafe(nested(), shared_loop())
    with pytest.raises(RuntimeError, match="await instead"):
        future.result(timeout=30)


def test_a_fully_cached_rerun_imports_no_client_library(
    fake_openai: FakeOpenAI, tmp_path: Path, examples_dir: Path
) -> None:
    fake_openai.default = normal(ANSWER)
    path = examples_dir / "busy-2023.yaml"
    draft_report(load_report(path), llm_settings(fake_openai, tmp_path / "cache"))
    assert fake_openai.calls == len(SECTION_KEYS)
    code = (
        "import sys; from draftbot.drafting import draft_report;"
        "from draftbot.config import Settings; from draftbot.datafile import load_report;"
        f"o = draft_report(load_report({str(path)!r}), Settings());"
        "print(o.llm_calls, all(d.cached for d in o.sections.values()),"
        " any(m.startswith(('langchain', 'openai', 'httpx')) for m in sys.modules))"
    )
    env = {
        **os.environ,
        "DRAFTBOT_LLM_BASE_URL": fake_openai.base_url,
        "DRAFTBOT_LLM_MODEL": "fake-model",
        "DRAFTBOT_LLM_API_KEY": "sk-test",
        "DRAFTBOT_LLM_TIMEOUT": "5",
        "DRAFTBOT_LLM_RETRIES": "1",
        "DRAFTBOT_CACHE_DIR": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env,
        cwd=tmp_path,
    )  # fmt: skip
    assert result.stdout.split() == ["0", "True", "False"]
    assert fake_openai.calls == len(SECTION_KEYS)


def test_an_http_endpoint_loads_no_certificates_and_https_loads_them_once() -> None:
    from draftbot.drafting.llm import _tls_for

    plain = _tls_for("http://127.0.0.1:9/v1")
    assert plain.cert_store_stats()["x509_ca"] == 0
    assert plain.check_hostname  # a redirect to https would fail verification, not skip it
    secure = _tls_for("https://api.example.cn/v1")
    assert secure is _tls_for("https://other.example.cn/v1")
    assert secure.check_hostname


def _fresh_process(code: str, fake: FakeOpenAI, cache: Path, cwd: Path) -> list[str]:
    """Run `code` in a new interpreter pointed at `fake`; its stdout, split into words."""
    env = {
        **os.environ,
        "DRAFTBOT_LLM_BASE_URL": fake.base_url,
        "DRAFTBOT_LLM_MODEL": "fake-model",
        "DRAFTBOT_LLM_API_KEY": "sk-test",
        "DRAFTBOT_LLM_TIMEOUT": "30",
        "DRAFTBOT_LLM_RETRIES": "1",
        "DRAFTBOT_CACHE_DIR": str(cache),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd,
        timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout.split()


def test_a_cold_draft_builds_one_model_off_the_loop_and_leaves_the_collector_on(
    fake_openai: FakeOpenAI, tmp_path: Path, examples_dir: Path
) -> None:
    """Issue 19: in a fresh process the 8 sections that miss the cache at once share one
    client import and one model (one pair of HTTP clients), built in the import's worker
    thread; each section costs exactly one call; the cyclic collector is on again afterwards
    and the client's long-lived objects are frozen out of its traversals."""
    fake_openai.default = normal(ANSWER)
    code = (
        "import gc, threading, openai\n"
        "built = []\n"
        "class Counting(openai.DefaultAsyncHttpxClient):\n"
        "    def __init__(self, *a, **k):\n"
        "        built.append(threading.current_thread().name)\n"
        "        super().__init__(*a, **k)\n"
        "openai.DefaultAsyncHttpxClient = Counting\n"
        "from draftbot.config import Settings\n"
        "from draftbot.datafile import load_report\n"
        "from draftbot.drafting import draft_report\n"
        f"o = draft_report(load_report({str(examples_dir / 'busy-2023.yaml')!r}), Settings())\n"
        "print(o.llm_calls, len(built), 'draftbot-llm' in built, gc.isenabled(),"
        " gc.get_freeze_count() > 100_000,"
        " sorted({d.source for d in o.sections.values()}) == ['fake-model'])\n"
    )
    words = _fresh_process(code, fake_openai, tmp_path / "cache", tmp_path)
    assert words == [str(len(SECTION_KEYS)), "1", "False", "True", "True", "True"]
    assert fake_openai.calls == len(SECTION_KEYS)


def test_a_client_library_that_cannot_be_imported_falls_back_with_a_chinese_cause(
    fake_openai: FakeOpenAI, tmp_path: Path, examples_dir: Path
) -> None:
    """The import runs in a worker thread; when it fails (a broken install), every section is
    drafted offline with a D-02 finding naming the library, no call is made, no traceback."""
    path = tmp_path / "busy.yaml"
    path.write_bytes((examples_dir / "busy-2023.yaml").read_bytes())
    code = (
        "import sys\n"
        "sys.modules['langchain_openai'] = None  # as if the package were missing\n"
        "import draftbot.cli\n"
        f"sys.argv = ['draftbot', 'draft', {str(path)!r}]\n"
        "try:\n    draftbot.cli.main()\nexcept SystemExit as exc:\n    print('EXIT', exc.code)\n"
    )
    words = _fresh_process(code, fake_openai, tmp_path / "cache", tmp_path)
    out = " ".join(words)
    assert words[-2:] == ["EXIT", "0"], out
    assert out.count("离线模板") >= len(SECTION_KEYS)
    assert out.count("[D-02]") == len(SECTION_KEYS)
    assert "无法加载大模型客户端库 langchain_openai（未安装或已损坏）" in out
    assert fake_openai.calls == 0


def test_a_slow_client_import_does_not_count_against_the_report_deadline(
    fake_openai: FakeOpenAI, tmp_path: Path, examples_dir: Path
) -> None:
    """The deadline (timeout × attempts) bounds the model calls; importing the client on a
    loaded machine can take longer than that and must not push every section offline."""
    fake_openai.default = normal(ANSWER)
    code = (
        "import importlib.abc, sys, time\n"
        "class Slow(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'draftbot.drafting.llm':\n"
        "            time.sleep(5)  # an import slower than the whole deadline below\n"
        "        return None\n"
        "sys.meta_path.insert(0, Slow())\n"
        "from draftbot.config import Settings\n"
        "from draftbot.datafile import load_report\n"
        "from draftbot.drafting import draft_report\n"
        f"o = draft_report(load_report({str(examples_dir / 'busy-2023.yaml')!r}),"
        " Settings(llm_timeout=4, llm_retries=0))\n"
        "print(o.llm_calls, sorted({d.source for d in o.sections.values()}) == ['fake-model'])\n"
    )
    words = _fresh_process(code, fake_openai, tmp_path / "cache", tmp_path)
    assert words == [str(len(SECTION_KEYS)), "True"]
