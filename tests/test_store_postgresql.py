"""PostgreSQL only: what has no SQLite counterpart — a server that cannot be reached at
start, and a database server restart while the store is open."""

from __future__ import annotations

import pytest

from databases import throwaway_cluster
from draftbot.model import Meta, Report
from draftbot.store import Store, StoreBusy, StoreError, open_store


def test_an_unreachable_server_is_a_chinese_message_without_the_password() -> None:
    from multi_instance import free_port

    url = f"postgresql://draftbot:s3cret-pw@127.0.0.1:{free_port()}/draftbot"
    with pytest.raises(StoreError) as info:
        open_store(url, "/nonexistent")
    message = str(info.value)
    assert "无法连接数据库" in message and "DRAFTBOT_DATABASE_URL" in message
    assert "s3cret-pw" not in message and "draftbot:***@127.0.0.1" in message


def test_a_url_of_another_kind_is_refused_with_what_to_write() -> None:
    with pytest.raises(StoreError, match="postgresql://用户:密码@主机:端口/数据库名"):
        open_store("mysql://root@localhost/db", "/nonexistent")


def test_a_database_restart_is_a_busy_message_then_work_goes_on() -> None:
    with throwaway_cluster() as cluster:
        store = Store(cluster.url)
        stored = store.create(Report(meta=Meta(agency="测试县教育局", report_year=2024)))
        cluster.stop()
        with pytest.raises(StoreBusy, match="请稍后再试；您的修改仍在页面上，未丢失"):
            store.save_section(stored.id, "problems", "停机时写的", source="user", based_on=1)
        cluster.start()
        saved = store.save_section(stored.id, "problems", "重启后写的", source="user", based_on=1)
        assert saved.version == 2
        assert [r.text for r in store.revisions(stored.id)] == ["重启后写的"]
        store.close()


def test_serve_with_an_unreachable_database_says_so_and_exits(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from multi_instance import free_port

    env = {
        **os.environ,
        "DRAFTBOT_DATA_DIR": str(tmp_path),
        "DRAFTBOT_DATABASE_URL": f"postgresql://draftbot:pw-77@127.0.0.1:{free_port()}/x",
    }
    done = subprocess.run(
        [sys.executable, "-m", "draftbot", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "无法连接数据库" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr and "pw-77" not in done.stderr + done.stdout
