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


def _plan(store: Store, sql: str, params: tuple[object, ...], disable: str = "sort") -> str:
    """The database's plan for `sql` as one text (PostgreSQL: with `disable` — sorting, or
    `seqscan` — switched off, so a plan without that node means an index serves it; a small
    test table would otherwise be read whole)."""
    with raw_connection(store) as db:
        if store.path is not None:
            rows = db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            return "\n".join(str(row[-1]) for row in rows)
        db.execute(f"SET enable_{disable} = off")
        pg_sql = sql.replace("?", "%s")
        return "\n".join(row[0] for row in db.execute("EXPLAIN " + pg_sql, params).fetchall())


def test_the_list_order_index_gives_the_same_pages_as_a_sort(store: Store) -> None:
    ids = [store.create(_report(f"测试县第{i}局", 2023 + i % 2)).id for i in range(23)]
    store.archive(ids[4])
    with raw_connection(store) as db:  # many reports edited in the same second: the ties
        same = "2026-03-01T08:00:00+00:00"  # fall to the order of making, then the id
        for report_id in ids[::3]:
            db.execute(
                "UPDATE report_summaries SET updated_at = '" + same + "'"
                " WHERE report_id = '" + report_id + "'"
            )
        rows = db.execute(
            "SELECT report_id, updated_at, seq, agency, report_year FROM report_summaries"
        ).fetchall()
    expected = [
        (rid, agency, year)
        for rid, _, _, agency, year in sorted(rows, key=lambda r: (r[1], r[2], r[0]), reverse=True)
        if rid != ids[4]
    ]
    for query, keep in (
        ("", lambda a, y: True),
        ("第1", lambda a, y: "第1" in a),
        ("2024", lambda a, y: y == 2024),
        ("没有这个机关", lambda a, y: False),
    ):
        wanted = [rid for rid, a, y in expected if keep(a, y)]
        got: list[str] = []
        for offset in range(0, 30, 4):  # every page of 4, past the end clamps to the last
            page = store.summaries(query, offset=offset, limit=4)
            assert page.total == len(wanted)
            if offset < len(wanted):
                got += [r.header.id for r in page.rows]
        assert got == wanted, query
        last = max(len(wanted) - 1, 0) // 4 * 4
        for offset in range(30):  # any offset; beyond the last page's start: the last page
            page = store.summaries(query, offset=offset, limit=4)
            start = min(offset, last)
            assert (page.offset, page.total) == (start, len(wanted)), (query, offset)
            assert [r.header.id for r in page.rows] == wanted[start : start + 4], (query, offset)
    assert [r.header.id for r in store.summaries(archived=True).rows] == [ids[4]]

    order = " ORDER BY s.updated_at DESC, s.seq DESC, s.report_id DESC LIMIT ? OFFSET ?"
    for where, params in (("", ()), (" WHERE s.agency LIKE ?", ("%第1%",))):
        sql = "SELECT s.report_id FROM report_summaries s" + where + order
        plan = _plan(store, sql, (*params, 4, 0))
        assert "report_summaries_by_list" in plan, plan
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_duplicates_of_a_page_are_looked_up_by_agency(store: Store) -> None:
    for i in range(30):
        store.create(_report(f"测试县第{i}局", 2023))
    twice = store.create(_report("测试县第7局", 2023))
    store.create(_report("测试县第7局", 2024))
    page = [(f"测试县第{i}局", 2023) for i in range(5, 10)]
    assert store.duplicated(among=page) == {("测试县第7局", 2023)}
    store.archive(twice.id)  # an archived copy is no duplicate
    assert store.duplicated(among=page) == set()
    sql = (  # Store.duplicated for a page of two agencies: index 0010, not every summary
        "SELECT agency, report_year FROM report_summaries"
        " WHERE report_id NOT IN (SELECT report_id FROM archived_reports)"
        " AND agency IN (?, ?) GROUP BY agency, report_year HAVING COUNT(*) > 1"
    )
    plan = _plan(store, sql, ("测试县第5局", "测试县第7局"), disable="seqscan")
    assert "report_summaries_by_agency" in plan, plan
    assert "SCAN report_summaries " not in plan + " ", plan


def _changes(store: Store) -> int:
    with raw_connection(store) as db:
        return int(db.execute("SELECT n FROM list_changes WHERE id = 1").fetchone()[0])


def test_counts_are_kept_until_what_the_list_counts_changes(
    store: Store, store_location: str | Path
) -> None:
    """A full page's total is counted once per state of the list (`list_changes`), also
    when the change comes through another Store (another process) on the same database."""
    other = Store(store_location)  # as another web process would
    ids = [store.create(_report(f"测试县第{i}局", 2023)).id for i in range(6)]

    def totals() -> tuple[int, int, int]:  # full pages of 2: these are counted, not inferred
        return (
            other.summaries(limit=2).total,
            other.summaries("第1", limit=1).total,
            other.summaries("2024", limit=1).total,
        )

    assert totals() == (6, 1, 0)
    # server mode: the reports a user may see are part of what is counted (and kept)
    assert other.summaries(limit=1, only=set(ids[:2])).total == 2
    assert other.summaries(limit=1, only=set(ids[:3])).total == 3
    assert other.summaries(limit=1, only=set(ids[:2])).total == 2
    before = _changes(store)
    stored = store.get(ids[2])
    store.save(ids[2], stored.report, stored.version)  # a plain save: nothing counted moves
    assert _changes(store) == before
    assert totals() == (6, 1, 0)
    renamed = stored.report.model_copy(
        update={"meta": stored.report.meta.model_copy(update={"agency": "测试县第12局"})}
    )
    store.save(ids[2], renamed, stored.version + 1)  # agency changed: counts move
    assert _changes(store) > before
    assert totals() == (6, 2, 0)
    moved = store.get(ids[3]).report
    moved = moved.model_copy(update={"meta": moved.meta.model_copy(update={"report_year": 2024})})
    store.save(ids[3], moved, 1)
    assert totals() == (6, 2, 1)
    store.archive(ids[1])
    assert totals() == (5, 1, 1)
    store.unarchive(ids[1])
    assert totals() == (6, 2, 1)
    store.create(_report("测试县第100局", 2024))
    assert totals() == (7, 3, 2)
    other.close()
