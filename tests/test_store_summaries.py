"""The report list's stored summaries: paging and filtering in SQL, check counts per version,
and summaries created for databases written before they existed."""

from __future__ import annotations

from pathlib import Path

from databases import raw_connection
from draftbot.model import Meta, Report
from draftbot.store import Store


def _report(agency: str, year: int = 2024) -> Report:
    return Report(meta=Meta(agency=agency, report_year=year))


def test_pages_are_newest_first_and_clamped(store: Store) -> None:
    ids = [store.create(_report(f"测试县第{i}局")).id for i in range(7)]
    first = store.summaries(limit=3)
    assert first.total == 7 and (first.offset, first.limit) == (0, 3)
    assert [r.header.id for r in first.rows] == ids[::-1][:3]  # created later = edited later
    assert [r.agency for r in first.rows] == ["测试县第6局", "测试县第5局", "测试县第4局"]
    last = store.summaries(offset=6, limit=3)
    assert [r.header.id for r in last.rows] == [ids[0]]
    beyond = store.summaries(offset=600, limit=3)  # past the end: the last page
    assert beyond.offset == 6 and [r.header.id for r in beyond.rows] == [ids[0]]
    store.save(ids[0], _report("测试县第0局（改）"), 1)
    (renamed,) = store.summaries("（改）").rows  # the summary follows every save
    assert renamed.header.id == ids[0] and renamed.header.version == 2


def test_the_filter_matches_agency_text_or_the_year(store: Store) -> None:
    store.create(_report("安吉县教育局", 2023))
    store.create(_report("安吉县财政局", 2024))
    store.create(_report("德清县教育局", 2024))
    store.create(_report("百分之百_局", 2024))
    assert {r.agency for r in store.summaries("教育").rows} == {"安吉县教育局", "德清县教育局"}
    assert [r.agency for r in store.summaries(" 2023 ").rows] == ["安吉县教育局"]
    assert store.summaries("2024").total == 3
    assert store.summaries("%").total == 0  # wildcards are matched literally
    assert [r.agency for r in store.summaries("_").rows] == ["百分之百_局"]
    assert store.summaries("不存在的机关").rows == []


def test_check_counts_belong_to_one_version(store: Store, store_location: str | Path) -> None:
    stored = store.create(_report("测试县教育局"))
    (row,) = store.summaries().rows
    assert not row.counted and row.errors is None
    store.store_counts(stored.id, 1, 2, 3)
    (row,) = store.summaries().rows
    assert row.counted and (row.errors, row.warnings) == (2, 3)
    store.save(stored.id, _report("测试县教育局"), 1)
    (row,) = store.summaries().rows
    assert not row.counted  # the report changed: the old counts are not shown as current
    store.store_counts(stored.id, 1, 9, 9)  # counts of an old version are ignored
    assert store.summaries().rows[0].counted_version == 1
    store.store_counts(stored.id, 2, 0, 1)
    assert Store(store_location).summaries().rows[0].counted  # kept across a restart


def test_a_database_from_before_summaries_gets_them_on_open(
    store: Store, store_location: str | Path
) -> None:
    store.create(_report("安吉县教育局", 2023))
    store.create(_report("德清县财政局", 2024))
    first_release = {"reports", "section_revisions", "archived_reports", "app_secrets"}
    if store.path is not None:
        tables_sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        tables_sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    with raw_connection(store) as db:  # as the first release left it: no summaries, none of
        tables = {row[0] for row in db.execute(tables_sql).fetchall()}  # the later tables,
        for table in sorted(tables - first_release):  # no record of migrations
            db.execute(
                f"DROP TABLE {table} CASCADE" if store.path is None else f"DROP TABLE {table}"
            )
    reopened = Store(store_location)
    page = reopened.summaries()
    assert sorted((r.agency, r.report_year) for r in page.rows) == [
        ("安吉县教育局", 2023),
        ("德清县财政局", 2024),
    ]
