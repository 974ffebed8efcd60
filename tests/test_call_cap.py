"""The per-day caps on model calls (drafting's DRAFTBOT_LLM_MAX_CALLS_PER_DAY and the
assistant's DRAFTBOT_ASSISTANT_CALLS_PER_DAY) are one count in the database (issue 17): shared
by every app instance and the command line, atomic, by Beijing calendar day. Two `Store`
objects on one database play two app instances; every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from draftbot.assistant.chat import Assistant
from draftbot.assistant.conversation import conversation_for_report
from draftbot.drafting import calls
from draftbot.drafting.calls import (
    ASSISTANT,
    DRAFTING,
    CallBudget,
    DailyCalls,
    LLMError,
    day_of,
    day_start,
)
from draftbot.store import Store

UTC = dt.timezone.utc
# 23:59:59 in Beijing on 1 December is 15:59:59 UTC; one second later it is 2 December there.
LAST_SECOND = dt.datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC)
NEXT_DAY = dt.datetime(2026, 12, 1, 16, 0, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def total_calls(store: Store, counter: str) -> int:
    row = store.reader().execute(
        "SELECT COALESCE(SUM(calls), 0) AS n FROM model_calls WHERE counter = ?", (counter,)
    )
    return int(row.fetchone()["n"])


def test_two_instances_share_one_count(store: Store, store_location: str | Path) -> None:
    other = Store(store_location)
    clock = Clock(LAST_SECOND)
    mine = DailyCalls(store, DRAFTING, 3, clock)
    theirs = DailyCalls(other, DRAFTING, 3, clock)
    assert mine.take() and theirs.take()
    assert mine.used() == theirs.used() == 2
    assert theirs.take()
    assert not mine.take() and not theirs.take()  # 3 of 3, whichever instance asks
    assert mine.used() == 3
    assert DailyCalls(other, ASSISTANT, 3, clock).used() == 0  # the other counter is apart
    other.close()


def test_concurrent_takes_never_pass_the_cap(store: Store, store_location: str | Path) -> None:
    other = Store(store_location)
    cap, threads, tries = 25, 8, 6  # 48 tries for 25 calls
    clock = Clock(LAST_SECOND)
    counters = [DailyCalls(s, DRAFTING, cap, clock) for s in (store, other)]
    taken: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work(counter: DailyCalls) -> None:
        start.wait()
        for _ in range(tries):
            got = counter.take()
            with lock:
                taken.append(got)

    pool = [threading.Thread(target=work, args=(counters[i % 2],)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert len(taken) == threads * tries
    assert taken.count(True) == cap  # exactly the cap, no more, no fewer
    assert counters[0].used() == counters[1].used() == cap
    other.close()


def test_the_day_turns_at_midnight_beijing_time(store: Store) -> None:
    assert day_of(LAST_SECOND) == "2026-12-01" and day_of(NEXT_DAY) == "2026-12-02"
    assert day_start(NEXT_DAY) == dt.datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    clock = Clock(LAST_SECOND)
    counter = DailyCalls(store, DRAFTING, 1, clock)
    assert counter.take() and not counter.take()
    clock.now = NEXT_DAY  # 00:00:00 on 2 December in Beijing, still 1 December in UTC
    assert counter.used() == 0 and counter.take()
    assert store.calls_on(DRAFTING, "2026-12-01") == store.calls_on(DRAFTING, "2026-12-02") == 1


def test_counts_of_old_days_are_dropped(store: Store) -> None:
    clock = Clock(LAST_SECOND)
    DailyCalls(store, DRAFTING, 5, clock).take()
    clock.now = LAST_SECOND + dt.timedelta(days=40)
    DailyCalls(store, DRAFTING, 5, clock).take()
    assert store.calls_on(DRAFTING, "2026-12-01") == 0  # bounded: a month is kept
    assert total_calls(store, DRAFTING) == 1


def test_the_drafting_cap_message_is_chinese_and_names_the_setting(store: Store) -> None:
    budget = CallBudget(40, DailyCalls(store, DRAFTING, 1, Clock(LAST_SECOND)))
    budget.take()
    with pytest.raises(LLMError) as refused:
        budget.take()
    message = refused.value.cause
    assert "今天调用模型的次数已达上限 1 次" in message
    assert "DRAFTBOT_LLM_MAX_CALLS_PER_DAY" in message and "北京时间" in message
    assert not refused.value.retryable
    assert budget.used == 1


def test_the_assistants_day_and_per_report_cap_turn_at_beijing_midnight(
    store: Store, tmp_path: Path
) -> None:
    settings = SimpleNamespace(
        assistant_calls_per_report=1, assistant_calls_per_day=5, data_dir=tmp_path
    )
    clock = Clock(LAST_SECOND)
    conversation = conversation_for_report(tmp_path, "ab" * 16, store)
    assistant = Assistant(settings=settings, conversation=conversation, clock=clock)
    conversation.append("assistant", "回答", model_calls=1, at=LAST_SECOND.isoformat())
    assistant._count_calls(1)
    assert "本报告今天向大模型提问已达 1 次的上限" in assistant._cap_reason()
    clock.now = NEXT_DAY
    assert assistant._cap_reason() == ""  # a new day in Beijing for both caps
    assert store.calls_on(ASSISTANT, "2026-12-01") == 1


def test_the_command_line_counts_in_the_data_folders_store(
    fake_openai, tmp_path: Path, examples_dir: Path
) -> None:
    """`draftbot draft` without a server keeps the day's count in the SQLite store of the data
    folder, so two runs share the cap (each run with its own cache: no cached answer)."""
    from fake_openai import normal

    fake_openai.default = normal("本年，本机关按照《条例》要求开展相关工作，自觉接受社会监督。")
    data = tmp_path / "data"
    outputs = []
    for run in range(2):
        path = tmp_path / f"busy{run}.yaml"
        shutil.copy(examples_dir / "busy-2023.yaml", path)
        env = {
            **os.environ,
            "DRAFTBOT_LLM_BASE_URL": fake_openai.base_url,
            "DRAFTBOT_LLM_MODEL": "fake-model",
            "DRAFTBOT_LLM_API_KEY": "sk-test",
            "DRAFTBOT_LLM_TIMEOUT": "120",  # an upper bound (a cold start on a loaded machine)
            "DRAFTBOT_LLM_RETRIES": "0",
            "DRAFTBOT_LLM_MAX_CONCURRENCY": "1",
            "DRAFTBOT_LLM_MAX_CALLS_PER_DAY": "3",
            "DRAFTBOT_DATA_DIR": str(data),
            "DRAFTBOT_CACHE_DIR": str(tmp_path / f"cache{run}"),
        }
        result = subprocess.run(
            [sys.executable, "-m", "draftbot", "draft", str(path)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            cwd=tmp_path,
            timeout=300,
        )
        outputs.append(result.stdout + result.stderr)
    assert fake_openai.calls == 3, outputs  # 3 on the first run, none left for the second
    assert "今天调用模型的次数已达上限 3 次" in outputs[1]
    assert "Traceback" not in "".join(outputs)
    assert not (data / "llm-calls-today.json").exists()
    store = Store.in_folder(data)
    assert total_calls(store, DRAFTING) == 3
    store.close()


def test_two_web_instances_draft_within_one_days_cap(
    store_location: str | Path, tmp_path: Path, fake_openai
) -> None:
    """Two app instances on one database (each with its own data folder when on PostgreSQL)
    draft sections through the web: the day's cap of 2 model calls holds for both together,
    and the section past the cap is drafted offline with the cause said."""
    from web_helpers import create_report, headers, make_client, offline_settings, version_of

    fake_openai.reply = lambda body: (
        "本年按照条例要求，持续做好政府信息主动公开工作，及时回应社会关切。"
    )
    on_pg = not isinstance(store_location, Path)
    clients = []
    for name in ("app1", "app2"):
        folder = tmp_path / name if on_pg else Path(store_location).parent
        settings = offline_settings(
            folder,
            llm_base_url=fake_openai.base_url,
            llm_api_key="sk-test",
            llm_model="fake-model",
            llm_retries=0,
            llm_timeout=60,  # an upper bound: the fake answers at once
            llm_max_calls_per_day=2,
            database_url=str(store_location) if on_pg else None,
        )
        clients.append(make_client(folder, settings=settings))
    first, second = clients
    report_id = create_report(first)

    def generate(client, section: str) -> dict:
        response = client.post(
            f"/api/reports/{report_id}/sections/{section}/generate",
            json={"version": version_of(client, report_id), "instruction": ""},
            headers=headers(client),
        )
        assert response.status_code == 200, response.text
        last = response.text.strip().split("\n\n")[-1]
        return json.loads(dict(line.split(": ", 1) for line in last.splitlines())["data"])

    def own_process() -> None:
        """The counts' store is opened once per process (`counter_store`): forget it, so the
        next instance opens its own, as a second process would."""
        for opened in calls._counter_stores.values():
            opened.close()
        calls._counter_stores.clear()

    with first, second:
        own_process()
        assert generate(first, "overview_proactive")["fell_back"] is False
        own_process()
        assert generate(second, "problems")["fell_back"] is False
        capped = generate(second, "other_matters")
        own_process()
    assert fake_openai.calls == 2  # both instances together, not 2 each
    assert capped["fell_back"] is True
    store = Store(store_location)
    revision = store.revisions(report_id, "other_matters")[0]
    assert revision.source == "offline" and "今天调用模型的次数已达上限 2 次" in revision.note
    assert total_calls(store, DRAFTING) == 2
    store.close()


def test_the_assistant_asks_no_model_when_the_count_cannot_be_read(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once closed
    settings = SimpleNamespace(
        assistant_calls_per_report=50,
        assistant_calls_per_day=500,
        data_dir=tmp_path,
        database_url=f"postgresql://draftbot:s3cret@127.0.0.1:{port}/draftbot",
    )
    reason = Assistant(settings=settings)._cap_reason()
    assert reason.startswith("无法读取今天向大模型提问的次数") and "s3cret" not in reason
