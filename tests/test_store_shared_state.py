"""State several app instances share lives in the store, on both databases: the assistant's
conversation per report and the login throttle's failures. Two `Store` objects on one
database play two app instances."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from databases import raw_connection
from draftbot.assistant.conversation import conversation_for_report
from draftbot.model import Meta, Report
from draftbot.store import Store
from draftbot.web.security import LoginThrottle

REPORT = "ab" * 16


def test_a_conversation_written_by_one_instance_is_read_by_the_other(
    store: Store, store_location: str | Path, tmp_path: Path
) -> None:
    other = Store(store_location)
    mine = conversation_for_report(tmp_path / "a", REPORT, store)
    theirs = conversation_for_report(tmp_path / "b", REPORT, other)
    mine.append("user", "本年度依申请公开的件数怎么填？")
    theirs.append("assistant", "按收到申请的件数填写 [T3-01]。", rules=["T3-01"], model_calls=1)
    mine.append("user", "好的")
    for conversation in (mine, theirs):
        entries = conversation.entries()
        assert [e["role"] for e in entries] == ["user", "assistant", "user"]
        assert entries[1]["rules"] == ["T3-01"]
    assert conversation_for_report(tmp_path, "cd" * 16, store).entries() == []
    assert not (tmp_path / "a" / "chat").exists()  # nothing in files any more
    other.close()


def test_conversation_entries_cannot_be_changed(store: Store, tmp_path: Path) -> None:
    conversation_for_report(tmp_path, REPORT, store).append("user", "原话")
    with raw_connection(store) as db:
        with pytest.raises(store.db.IntegrityError, match="append-only"):
            db.execute("UPDATE chat_entries SET entry = '{}'")
        with pytest.raises(store.db.IntegrityError, match="append-only"):
            db.execute("DELETE FROM chat_entries")
    assert conversation_for_report(tmp_path, REPORT, store).entries()[0]["text"] == "原话"


def test_an_older_conversation_file_is_taken_over_once(
    store: Store, store_location: str | Path, tmp_path: Path
) -> None:
    old = tmp_path / "chat" / f"{REPORT}.jsonl"
    old.parent.mkdir()
    lines = [
        json.dumps({"at": "2025-03-01T08:00:00+00:00", "role": "user", "text": "旧问题"}),
        '{"at": "2025-03-01T08:00:01+00:00", "role": "assis',  # torn by a power cut
        json.dumps({"at": "2025-03-01T08:00:02+00:00", "role": "assistant", "text": "旧回答"}),
    ]
    old.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = conversation_for_report(tmp_path, REPORT, store)
    assert [e["text"] for e in first.entries()] == ["旧问题", "旧回答"]
    first.append("user", "新问题")
    other = Store(store_location)  # another instance reading later: no second copy
    again = conversation_for_report(tmp_path, REPORT, other).entries()
    assert [e["text"] for e in again] == ["旧问题", "旧回答", "新问题"]
    assert old.read_text(encoding="utf-8") == "\n".join(lines) + "\n"  # the file is left as is
    other.close()


def test_login_failures_at_one_instance_lock_out_at_the_other(
    store: Store, store_location: str | Path
) -> None:
    now = [1_800_000_000.0]
    other = Store(store_location)
    a = LoginThrottle(allowed=3, window=60, clock=lambda: now[0], store=store)
    b = LoginThrottle(allowed=3, window=60, clock=lambda: now[0], store=other)
    for throttle in (a, b, a):
        assert throttle.wait_seconds("10.0.0.7") == 0
        throttle.failed("10.0.0.7")
    assert b.wait_seconds("10.0.0.7") == 61 and a.wait_seconds("10.0.0.7") == 61
    assert b.wait_seconds("10.0.0.8") == 0  # another address is not affected
    now[0] += 30
    assert a.wait_seconds("10.0.0.7") == 31
    now[0] += 31
    assert b.wait_seconds("10.0.0.7") == 0  # the window has passed
    b.failed("10.0.0.9")  # old events of every address are forgotten on the next write
    assert store.event_times("login:10.0.0.7", 0) == []
    other.close()


def test_event_times_are_kept_to_the_millisecond_on_both_databases(store: Store) -> None:
    """A time of today is ten digits of seconds: a 4-byte float (PostgreSQL's REAL) rounds it
    to 128 s, which would make a 60 s throttle window close early or late."""
    times = [1_800_000_037.25, 1_800_000_091.5, 1_800_000_100.125]
    for at in times:
        store.record_event("login:10.0.0.7", at, forget_before=0)
    assert store.event_times("login:10.0.0.7", 1_800_000_037.25) == times
    assert store.event_times("login:10.0.0.7", 1_800_000_091.0) == times[1:]


def test_the_reader_reads_by_column_name_on_both_databases(store: Store) -> None:
    stored = store.create(Report(meta=Meta(agency="测试县教育局", report_year=2024)))
    rows = store.reader().execute("SELECT id, version FROM reports WHERE id = ?", (stored.id,))
    assert rows.fetchone()["version"] == 1
    assert [row["id"] for row in rows] == [stored.id]
    assert store.reader().execute("SELECT id FROM reports WHERE id = ?", ("x",)).fetchone() is None


def test_a_lease_is_held_by_one_holder_until_released_or_expired(
    store: Store, store_location: str | Path
) -> None:
    other = Store(store_location)
    name = "draft:r1:problems"
    assert store.take_lease(name, "a", now=1000.0, seconds=10)
    assert not other.take_lease(name, "b", now=1005.0, seconds=10)  # held by a
    assert other.take_lease("draft:r1:other_matters", "b", now=1005.0, seconds=10)
    other.release_lease(name, "b")  # not b's: nothing happens
    assert not other.take_lease(name, "b", now=1009.0, seconds=10)
    assert other.take_lease(name, "b", now=1010.0, seconds=10)  # a's lease expired (killed)
    other.release_lease(name, "b")
    assert store.take_lease(name, "a", now=1011.0, seconds=10)
    other.close()


def test_the_assistants_daily_cap_counts_the_calls_of_every_instance(
    store: Store, store_location: str | Path, tmp_path: Path
) -> None:
    from types import SimpleNamespace

    from draftbot.assistant.chat import Assistant

    other = Store(store_location)
    settings = SimpleNamespace(
        assistant_calls_per_report=50, assistant_calls_per_day=3, data_dir=tmp_path
    )
    mine = Assistant(
        settings=settings, conversation=conversation_for_report(tmp_path / "a", "ab" * 16, store)
    )
    theirs = Assistant(
        settings=settings, conversation=conversation_for_report(tmp_path / "b", "cd" * 16, other)
    )
    mine._count_calls(1)  # what each instance records after asking the model
    theirs._count_calls(1)
    assert mine._cap_reason() == "" == theirs._cap_reason()  # 2 of 3 today, over both instances
    theirs._count_calls(1)
    assert "今天向大模型提问已达 3 次的上限" in mine._cap_reason()
    assert not (tmp_path / "assistant-calls.json").exists()  # counted in the database only
    other.close()
