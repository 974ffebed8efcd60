"""The per-version caches behind the web pages (parsed reports, checks, grids) never show a
stale page: an edit shows at once, two app instances over one database agree, a database
whose text changed under an unchanged version is re-read, and every cache is bounded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from databases import raw_connection
from draftbot.model import Meta, Report
from draftbot.store import ParsedReports, Store, parsed_reports
from draftbot.web.app import WebConfig, create_app
from draftbot.web.context import VersionCache
from web_helpers import BASE_URL, create_report, edit, make_client, offline_settings

CELL = "table3.new_received.natural_person"
TOTAL = "table3.new_received.total"


def shown_total(client: TestClient, report_id: str) -> str:
    """The computed 总计 of 新收政府信息公开申请数量 as the 表三 page shows it."""
    page = client.get(f"/reports/{report_id}/tables/3").text
    match = re.search(rf'data-cell="{re.escape(TOTAL)}"[^>]*>([^<]*)</output>', page)
    assert match, "表三 page lacks the computed total cell"
    return match.group(1)


def app_client(data_dir: Path, store: Store) -> TestClient:
    app = create_app(WebConfig(data_dir=data_dir), offline_settings(data_dir), store=store)
    client = TestClient(app, base_url=BASE_URL)
    client.get("/")  # the CSRF cookie, as a browser's first page
    return client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        yield c


def test_an_edit_shows_on_the_next_page_at_once(client) -> None:
    report_id = create_report(client)
    assert shown_total(client, report_id) == "0"
    assert client.get(f"/reports/{report_id}").status_code == 200  # every cache warm
    assert edit(client, report_id, {CELL: "7"}).status_code == 200
    assert shown_total(client, report_id) == "7"
    assert edit(client, report_id, {CELL: "12"}).status_code == 200
    assert shown_total(client, report_id) == "12"
    state = client.get(f"/api/reports/{report_id}/state").json()
    assert state["values"][TOTAL] == "12"
    assert [f for f in state["findings"] if f["code"] == "T3-01"]  # checks of the new version


def test_two_app_instances_on_one_database_never_show_stale_data(
    store_location: str | Path, tmp_path: Path
) -> None:
    first_store, second_store = Store(store_location), Store(store_location)
    try:
        first = app_client(tmp_path / "a", first_store)
        second = app_client(tmp_path / "b", second_store)
        report_id = create_report(first)
        assert shown_total(first, report_id) == shown_total(second, report_id) == "0"
        assert edit(first, report_id, {CELL: "5"}).status_code == 200
        assert shown_total(second, report_id) == "5"
        assert edit(second, report_id, {CELL: "9"}).status_code == 200
        assert shown_total(first, report_id) == "9"
    finally:
        first_store.close()
        second_store.close()


def test_a_report_read_twice_is_parsed_once_and_equals_a_fresh_parse(store: Store) -> None:
    report = Report(meta=Meta(agency="测试县人民政府办公室", report_year=2024))
    created = store.create(report)
    again, third = store.get(created.id), store.get(created.id)
    assert again.report is third.report  # the parsed report is reused for one version
    row = store.reader().execute("SELECT data FROM reports WHERE id = ?", (created.id,))
    data = row.fetchone()["data"]
    assert again.report == Report.model_validate_json(data)


def test_changed_text_under_an_unchanged_version_is_read_again(store: Store) -> None:
    """A restored backup (or any writer outside the store) can hold other text under a
    version already seen: the cache compares the text itself, not only the version."""
    created = store.create(Report(meta=Meta(agency="测试县人民政府办公室", report_year=2024)))
    assert store.get(created.id).report.meta.agency == "测试县人民政府办公室"
    changed = created.report.model_copy(deep=True)
    changed.meta.agency = "测试县教育局"
    with raw_connection(store) as db:
        db.execute(
            "UPDATE reports SET data = {0} WHERE id = {0}".format(marker(store)),
            (changed.model_dump_json(exclude_none=True), created.id),
        )
    reread = store.get(created.id)
    assert reread.version == created.version
    assert reread.report.meta.agency == "测试县教育局"


def marker(store: Store) -> str:
    """The parameter marker of the store's database for a raw connection."""
    return "?" if store.path is not None else "%s"


def test_the_parsed_report_cache_is_bounded_and_keeps_the_recently_used() -> None:
    cache = ParsedReports(3)
    texts = {
        f"r{i}": Report(meta=Meta(agency=f"测试县第{i}局", report_year=2024)).model_dump_json()
        for i in range(5)
    }
    first = cache.get("r0", 1, texts["r0"])
    for name in ("r1", "r2"):
        cache.get(name, 1, texts[name])
    assert cache.get("r0", 1, texts["r0"]) is first  # used again: now the most recent
    for name in ("r3", "r4"):
        cache.get(name, 1, texts[name])
    assert len(cache) == 3
    assert cache.get("r0", 1, texts["r0"]) is first  # kept: recently used
    assert cache.get("r1", 1, texts["r1"]).meta.agency == "测试县第1局"  # parsed again
    assert len(cache) == 3
    assert len(parsed_reports) <= parsed_reports.size


def test_the_version_caches_are_bounded() -> None:
    cache: VersionCache[int, int] = VersionCache(4)
    computed: list[int] = []

    def compute(key: int) -> int:
        computed.append(key)
        return key * key

    for key in range(10):
        assert cache.get(key, lambda key=key: compute(key)) == key * key
    assert cache.get(9, lambda: compute(-1)) == 81  # cached: not computed again
    assert computed == list(range(10))
    assert len(cache._items) == 4


REPORT_PAGES = ("", "/guide", "/tables/2", "/tables/3", "/tables/4", "/draft", "/export")


def test_each_browser_gets_its_own_csrf_token_in_a_page_rendered_once(tmp_path: Path) -> None:
    """The report pages are rendered once per saved version (context.page); the token of the
    browser asking is put in each time, never another browser's or the stand-in."""
    from draftbot.web.context import CSRF_MARK

    store = Store.in_folder(tmp_path)
    app = create_app(WebConfig(data_dir=tmp_path), offline_settings(tmp_path), store=store)
    first, second = TestClient(app, base_url=BASE_URL), TestClient(app, base_url=BASE_URL)
    try:
        first.get("/")
        second.get("/")
        tokens = {c: str(c.cookies.get("draftbot_csrf")) for c in (first, second)}
        assert len(set(tokens.values())) == 2
        report_id = create_report(first)
        for suffix in REPORT_PAGES:
            for client, other in ((first, second), (second, first), (first, second)):
                page = client.get(f"/reports/{report_id}{suffix}").text
                assert f'<meta name="csrf-token" content="{tokens[client]}">' in page, suffix
                assert tokens[other] not in page and CSRF_MARK not in page, suffix
        # a form of a cached page posts with the token it carries
        overview = second.get(f"/reports/{report_id}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', overview)
        assert token and token.group(1) == tokens[second]
    finally:
        store.close()


def test_every_cached_report_page_shows_the_new_version_after_an_edit(client) -> None:
    report_id = create_report(client, agency="测试县教育局")
    for suffix in REPORT_PAGES:  # warm every page of the old version
        assert "测试县教育局" in client.get(f"/reports/{report_id}{suffix}").text
    assert "测试县教育局" in client.get("/").text
    assert edit(client, report_id, {"meta.agency": "测试县卫生健康局"}).status_code == 200
    for suffix in REPORT_PAGES:
        page = client.get(f"/reports/{report_id}{suffix}").text
        assert "测试县卫生健康局" in page and "测试县教育局" not in page, suffix
    listed = client.get("/").text  # the list page is cached by the versions it shows
    assert "测试县卫生健康局" in listed and "测试县教育局" not in listed
