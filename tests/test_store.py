"""The store on both databases (SQLite and PostgreSQL, the `store` fixture runs each test on
each): versions, conflicts, append-only revisions, durability settings, crashes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from databases import raw_connection, write_lock_held
from draftbot.datafile import load_report
from draftbot.model import Meta, Report
from draftbot.store import ReportNotFound, Store, StoreBusy, StoreError, VersionConflict


def _report(agency: str = "测试县教育局", year: int = 2024) -> Report:
    return Report(meta=Meta(agency=agency, report_year=year))


def test_sqlite_pragmas_are_wal_full_and_foreign_keys(tmp_path: Path) -> None:
    store = Store.in_folder(tmp_path)
    assert store.pragma("journal_mode") == "wal"
    assert store.pragma("synchronous") == 2  # FULL
    assert store.pragma("foreign_keys") == 1


def test_create_and_reload_round_trips_the_whole_report(
    store: Store, store_location: str | Path, examples_dir: Path
) -> None:
    report = load_report(examples_dir / "busy-2023.yaml")
    stored = store.create(report)
    assert stored.version == 1 and stored.status == "drafting"
    again = Store(store_location).get(stored.id)  # a fresh connection, as after a restart
    assert again.report == report


def test_save_needs_the_current_version(store: Store) -> None:
    stored = store.create(_report())
    changed = stored.report.model_copy(deep=True)
    changed.table3.new_received.natural_person = 5
    saved = store.save(stored.id, changed, based_on=1)
    assert saved.version == 2
    stale = stored.report.model_copy(deep=True)
    stale.table3.new_received.natural_person = 9
    with pytest.raises(VersionConflict) as info:
        store.save(stored.id, stale, based_on=1)
    assert info.value.current.version == 2
    assert "第 1 版" in str(info.value) and "第 2 版" in str(info.value)
    assert store.get(stored.id).report.table3.new_received.natural_person == 5


def test_unknown_report_is_a_chinese_not_found(store: Store) -> None:
    with pytest.raises(ReportNotFound, match="找不到"):
        store.get("nope")
    with pytest.raises(ReportNotFound):
        store.save("nope", _report(), based_on=1)


def test_section_save_appends_revisions_and_checks_version(store: Store) -> None:
    stored = store.create(_report())
    one = store.save_section(stored.id, "problems", "第一稿", source="offline", based_on=1)
    two = store.save_section(stored.id, "problems", "第二稿", source="user", based_on=one.version)
    assert two.report.narrative.problems == "第二稿"
    history = store.revisions(stored.id, "problems")
    assert [r.text for r in history] == ["第二稿", "第一稿"]
    assert [r.source for r in history] == ["user", "offline"]
    with pytest.raises(VersionConflict):
        store.save_section(stored.id, "problems", "旧标签页", source="user", based_on=one.version)
    assert store.get(stored.id).report.narrative.problems == "第二稿"
    assert len(store.revisions(stored.id, "problems")) == 2


def test_failed_attempt_is_kept_without_touching_the_text(store: Store) -> None:
    stored = store.create(_report())
    store.save_section(stored.id, "problems", "人写的", source="user", based_on=1)
    store.record_failed_attempt(stored.id, "problems", "半截", source="m", note="连接中断")
    current = store.get(stored.id)
    assert current.report.narrative.problems == "人写的" and current.version == 2
    kinds = [(r.kind, r.note) for r in store.revisions(stored.id, "problems")]
    assert kinds == [("failed", "连接中断"), ("accepted", "")]


def test_revisions_cannot_be_changed_or_deleted(store: Store) -> None:
    stored = store.create(_report())
    store.save_section(stored.id, "problems", "原文", source="user", based_on=1)
    with raw_connection(store) as db:
        with pytest.raises(store.db.IntegrityError, match="append-only"):
            db.execute("UPDATE section_revisions SET text = 'x'")
        with pytest.raises(store.db.IntegrityError, match="append-only"):
            db.execute("DELETE FROM section_revisions")
        if store.path is None:  # PostgreSQL: TRUNCATE skips row triggers; refused too
            with pytest.raises(store.db.IntegrityError, match="append-only"):
                db.execute("TRUNCATE section_revisions")
    with pytest.raises(store.db.IntegrityError), store._transaction() as tx:
        # foreign key: no revision for a missing report
        tx.execute(
            "INSERT INTO section_revisions (report_id, section, text, source, report_version,"
            " created_at) VALUES ('missing', 'problems', 't', 'user', 1, 'now')"
        )
    assert [r.text for r in store.revisions(stored.id)] == ["原文"]


def test_unknown_section_and_bad_status_are_refused(store: Store) -> None:
    stored = store.create(_report())
    with pytest.raises(StoreError, match="未知的正文部分"):
        store.save_section(stored.id, "nonsense", "x", source="user", based_on=1)
    with pytest.raises(StoreError, match="未知的状态"):
        store.set_status(stored.id, "deleted", based_on=1)  # type: ignore[arg-type]
    assert store.set_status(stored.id, "reviewing", based_on=1).status_label == "待审核"


def test_sql_injection_text_is_stored_verbatim(store: Store) -> None:
    evil = "'; DROP TABLE reports;--"
    stored = store.create(_report(agency="测试" + evil))
    store.save_section(stored.id, "other_matters", evil, source="user", based_on=1)
    again = store.get(stored.id)
    assert again.report.meta.agency == "测试" + evil
    assert again.report.narrative.other_matters == evil


def test_busy_database_gives_a_chinese_message_and_changes_nothing(
    store: Store, store_location: str | Path
) -> None:
    stored = store.create(_report())
    other = Store(store_location, busy_timeout_ms=200)
    with write_lock_held(store), pytest.raises(StoreBusy, match="数据库正忙"):
        other.save_section(stored.id, "problems", "x", source="user", based_on=1)
    other.close()
    assert store.get(stored.id).version == 1
    assert store.revisions(stored.id) == []


_CRASH_WRITER = textwrap.dedent(
    """
    import sys
    from draftbot.model import Meta, Report
    from draftbot.store import Store

    store = Store(sys.argv[1])
    report_id = sys.argv[2]
    i = 0
    while True:
        stored = store.get(report_id)
        store.save_section(report_id, "problems", f"第{i}稿", source="user", based_on=stored.version)
        print(i, flush=True)
        i += 1
    """
)


def test_killed_writer_leaves_a_consistent_database(
    store: Store, store_location: str | Path
) -> None:
    stored = store.create(_report())
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", _CRASH_WRITER, str(store_location), stored.id],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        for _ in range(20):  # let it commit a few saves, then kill it mid-loop
            proc.stdout.readline()
        proc.kill()
        proc.wait()
    fresh = Store(store_location)
    assert fresh.integrity_ok()
    current = fresh.get(stored.id)
    latest = fresh.revisions(stored.id, "problems")[0]
    # the report text and its newest revision were written in one transaction
    assert current.report.narrative.problems == latest.text
    assert latest.report_version == current.version
    assert current.version == 1 + len(fresh.revisions(stored.id, "problems"))


def test_final_report_refuses_content_changes_but_not_a_status_change(store: Store) -> None:
    from draftbot.store import ReportFinal

    stored = store.create(_report())
    final = store.set_status(stored.id, "final", based_on=1)
    with pytest.raises(ReportFinal, match="已定稿"):
        store.save(stored.id, _report(agency="改名县教育局"), based_on=final.version)
    with pytest.raises(ReportFinal):
        store.save_section(stored.id, "problems", "x", source="user", based_on=final.version)
    back = store.set_status(stored.id, "reviewing", based_on=final.version)
    assert store.save(stored.id, _report(agency="改名县教育局"), based_on=back.version).version == 4


def test_archive_hides_nothing_it_only_marks(store: Store) -> None:
    stored = store.create(Report(meta=Meta(agency="某县某局", report_year=2024)))
    store.archive(stored.id)
    store.archive(stored.id)  # twice is harmless
    assert store.archived_ids() == {stored.id}
    assert store.get(stored.id).report.meta.agency == "某县某局"  # still there
    store.unarchive(stored.id)
    assert store.archived_ids() == set()
    with pytest.raises(ReportNotFound):
        store.archive("no-such-report")


def test_concurrent_writers_get_the_version_they_wrote(
    store: Store, store_location: str | Path
) -> None:
    """Two writers (each its own store, as two app instances) race on one report: every save
    that succeeds answers with the version it wrote (not a later one), the history holds it,
    and the others get VersionConflict; no acknowledged save is lost."""
    import threading

    stored = store.create(_report())
    stores = [Store(store_location), Store(store_location)]
    acks: list[tuple[int, str]] = []
    conflicts = [0]

    def writer(index: int) -> None:
        for i in range(30):
            text = f"写者{index}第{i}稿"
            current = stores[index].get(stored.id).version
            try:
                saved = stores[index].save_section(
                    stored.id, "problems", text, source="user", based_on=current
                )
            except VersionConflict:
                conflicts[0] += 1
                continue
            acks.append((saved.version, saved.report.narrative.problems))
            assert saved.report.narrative.problems == text

    threads = [threading.Thread(target=writer, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    history = {(r.report_version, r.text) for r in store.revisions(stored.id, "problems")}
    assert len({version for version, _ in acks}) == len(acks)
    assert set(acks) == history
    assert store.get(stored.id).version == 1 + len(acks)
    assert len(acks) + conflicts[0] == 60
    for opened in stores:
        opened.close()


def test_instances_starting_together_apply_each_migration_once(
    store_location: str | Path,
) -> None:
    """Four stores opened at the same moment on an empty database (four app instances
    starting together): the schema is made once, under the migration lock, and all work."""
    import threading

    from draftbot.store import migrations

    opened: list[Store] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait()
        try:
            opened.append(Store(store_location))
        except BaseException as exc:  # collected and shown by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(opened) == 4
    rows = opened[0].reader().execute("SELECT name FROM schema_migrations ORDER BY name")
    assert [row["name"] for row in rows] == [m.name for m in migrations()]
    stored = opened[1].create(_report())
    assert opened[2].get(stored.id).version == 1
    for store in opened:
        store.close()


def test_server_tables_applied_under_their_former_name_are_not_applied_again(
    store_location: str | Path,
) -> None:
    """A database made before the server-mode tables were numbered recorded them as the
    migration `server_mode`; opening it keeps its tables and rows and does not re-apply."""
    first = Store(store_location)
    with first._transaction() as db:
        db.execute("DELETE FROM schema_migrations WHERE name = ?", ("0005_server_mode",))
        db.execute(
            "INSERT INTO schema_migrations (name, applied_at) VALUES (?, CURRENT_TIMESTAMP)",
            ("server_mode",),
        )
        db.execute(
            "INSERT INTO accounts (id, username, display_name, role, agency, password_hash,"
            " created_at) VALUES ('a1', 'clerk', '经办人', 'clerk', '某县教育局', 'x', 'now')"
        )
    first.close()
    again = Store(store_location)
    db = again.reader()
    names = [row["name"] for row in db.execute("SELECT name FROM schema_migrations")]
    assert "server_mode" in names and "0005_server_mode" not in names
    assert [row["username"] for row in db.execute("SELECT username FROM accounts")] == ["clerk"]
    again.close()
