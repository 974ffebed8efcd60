"""The report list page: paging, filtering, and check counts computed once per version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from draftbot.model import Meta, Report
from draftbot.store import Store
from web_helpers import create_report, edit, make_client


def _fill(data_dir: Path, count: int) -> Store:
    store = Store.in_folder(data_dir)
    for i in range(count):
        store.create(Report(meta=Meta(agency=f"示例县第{i:03d}局", report_year=2020 + i % 4)))
    return store


def _agencies(html: str) -> list[str]:
    return re.findall(r'<a href="/reports/[0-9a-f]+">([^<]+)</a>', html)


def test_the_list_is_paged_newest_first(tmp_path: Path) -> None:
    _fill(tmp_path, 120)
    client = make_client(tmp_path)
    first = client.get("/").text
    assert _agencies(first) == [f"示例县第{i:03d}局" for i in range(119, 69, -1)]
    assert "第 1 / 3 页，共 120 份" in first and 'rel="next"' in first and 'rel="prev"' not in first
    third = client.get("/?page=3").text
    assert len(_agencies(third)) == 20 and "第 3 / 3 页" in third
    assert _agencies(client.get("/?page=99").text) == _agencies(third)  # past the end
    assert _agencies(client.get("/?page=abc").text) == _agencies(first)


def test_the_list_is_filtered_by_agency_or_year(tmp_path: Path) -> None:
    _fill(tmp_path, 60)
    client = make_client(tmp_path)
    assert _agencies(client.get("/", params={"q": "第05"}).text) == [
        f"示例县第{i:03d}局" for i in range(59, 49, -1)
    ]
    by_year = client.get("/", params={"q": "2021"}).text
    assert len(_agencies(by_year)) == 15 and "共" not in by_year  # one page: no pager
    none = client.get("/", params={"q": "不存在"}).text
    assert 'id="list-no-match"' in none and "没有机关名称含“不存在”" in none


def test_counts_are_computed_for_the_page_shown_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _fill(tmp_path, 60)
    client = make_client(tmp_path)
    client.get("/")
    counted = [r.counted for r in store.summaries(limit=60).rows]
    assert counted == [True] * 50 + [False] * 10  # only the rows shown were checked

    def no_checks(*args: object) -> list[object]:
        raise AssertionError("the list re-checked a report whose version did not change")

    monkeypatch.setattr("draftbot.web.context.check_report", no_checks)
    fresh = make_client(tmp_path)  # a restarted server: counts come from the database
    html = fresh.get("/").text
    assert len(_agencies(html)) == 50
    cells = re.findall(r'<td class="num[^"]*">(\d+)</td>', html)
    assert len(cells) == 100


def test_a_table_grid_is_built_once_per_version_and_follows_every_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import draftbot.web.context as context

    built: list[str] = []
    real = context.grid_for

    def counting(report: Report, table: str):  # type: ignore[no-untyped-def]
        built.append(table)
        return real(report, table)

    monkeypatch.setattr("draftbot.web.context.grid_for", counting)
    # grids shared by content across reports (other tests' tables): start empty here
    monkeypatch.setattr(context, "_grids_by_content", context.VersionCache(16))
    client = make_client(tmp_path)
    report_id = create_report(client)
    url = f"/reports/{report_id}/tables/3"
    first = client.get(url).text
    assert client.get(url).text == first and built == ["3"]  # the second view is cached
    assert edit(client, report_id, {"table3.new_received.natural_person": "三"}).status_code == 200
    after = client.get(url).text
    # v1: the page built 表三, the state request 表二 and 表四; v2: the autosave answer built
    # 表二 and the edited 表三 (表四 is unchanged: shared by content), the page after it none.
    assert built == ["3", "2", "4", "2", "3"]
    cell = r'data-cell="table3\.new_received\.natural_person" value="(\d*)"'
    assert re.search(cell, first).group(1) == "0"  # type: ignore[union-attr]
    assert re.search(cell, after).group(1) == "3"  # type: ignore[union-attr]
    total = r'<output data-cell="table3\.new_received\.total"[^>]*>(\d*)</output>'
    assert re.search(total, after).group(1) == "3"  # type: ignore[union-attr]


def test_a_duplicate_is_marked_when_its_twin_is_on_another_page(tmp_path: Path) -> None:
    """Only the shown page's (agency, year) pairs are counted, but against every report."""
    store = _fill(tmp_path, 60)  # 示例县第000局 2020 is the oldest: on page 2
    twin = store.create(Report(meta=Meta(agency="示例县第000局", report_year=2020)))
    store.create(Report(meta=Meta(agency="示例县第001局", report_year=2024)))  # other year
    client = make_client(tmp_path)
    first, second = client.get("/").text, client.get("/?page=2").text
    assert first.count("data-duplicate") == 1 and second.count("data-duplicate") == 1
    assert "data-duplicate" not in client.get("/", params={"q": "第001局"}).text
    store.archive(twin.id)  # an archived twin no longer counts
    assert "data-duplicate" not in client.get("/?page=2").text
    assert "data-duplicate" not in client.get("/?archived=1").text


def test_duplicates_counted_among_the_given_pairs(store: Store) -> None:
    first = store.create(Report(meta=Meta(agency="示例县甲局", report_year=2023)))
    store.create(Report(meta=Meta(agency="示例县甲局", report_year=2023)))
    store.create(Report(meta=Meta(agency="示例县甲局", report_year=2024)))
    store.create(Report(meta=Meta(agency="示例县乙局", report_year=2023)))
    assert store.duplicated() == {("示例县甲局", 2023)}
    pairs = [("示例县甲局", 2023), ("示例县乙局", 2023)]
    assert store.duplicated(among=pairs) == {("示例县甲局", 2023)}
    assert store.duplicated(among=[("示例县甲局", 2024), ("示例县乙局", 2023)]) == set()
    assert store.duplicated(among=[]) == set()
    store.archive(first.id)  # the archived twin no longer counts
    assert store.duplicated(among=pairs) == set()
