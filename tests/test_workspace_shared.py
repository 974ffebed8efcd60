"""The batch workspace shared by app instances through the database (issue 17), on SQLite and
PostgreSQL: a batch uploaded through one instance is listed, opened, downloaded and rolled
up through another; a batch whose instance died mid-job (its lease left unrenewed) is taken
over and finished by another; one that keeps killing its instances is reported, not retried
forever; a job copies the uploaded files out one at a time."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

import batch_corpus as corpus
from draftbot.datafile import dump_report
from draftbot.store import Store
from draftbot.web.app import WebConfig, create_app
from draftbot.workspace import MAX_ATTEMPTS, Workspace
from web_helpers import BASE_URL, csrf, offline_settings

WAIT_SECONDS = 300  # a batch on a loaded 2-core machine; polled, never slept through


def instance(location: str | Path, data_dir: Path, **config: object) -> TestClient:
    """One app instance: its own data folder and its own store object on the shared database."""
    app = create_app(
        WebConfig(data_dir=data_dir, **config),  # type: ignore[arg-type]
        offline_settings(data_dir),
        store=Store(location),
    )
    client = TestClient(app, base_url=BASE_URL)
    client.get("/")
    return client


@pytest.fixture
def two(store_location: str | Path, tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    a = instance(store_location, tmp_path / "a", batch_lease_seconds=2.0)
    b = instance(store_location, tmp_path / "b", batch_lease_seconds=2.0)
    yield a, b
    for client in (a, b):
        store = client.app.state.store  # type: ignore[attr-defined]
        wait_released(store)
        store.close()


def wait_released(store: Store) -> None:
    """Until every job thread has given its lease back (the job is over), before closing."""
    deadline = time.monotonic() + WAIT_SECONDS
    query = "SELECT COUNT(*) AS n FROM leases WHERE name LIKE 'batch:%' AND holder != 'killed'"
    while store.reader().execute(query).fetchone()["n"]:
        assert time.monotonic() < deadline, "a batch job never ended"
        time.sleep(0.05)


def county_files() -> list[tuple[str, bytes]]:
    """Three departments' 2023 reports as data files, as the office would upload them."""
    reports = corpus.reports_2023()[:3]
    return [(f"{r.meta.agency}.yaml", dump_report(r).encode()) for r in reports]


def upload(client: TestClient, files: list[tuple[str, bytes]]) -> str:
    response = client.post(
        "/workspace",
        data={"csrf_token": csrf(client)},
        files=[("files", (name, data, "text/yaml")) for name, data in files],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def wait_done(client: TestClient, url: str) -> dict[str, object]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        state = client.get(url + "/progress").json()
        if not state["running"]:
            return dict(state)
        time.sleep(0.1)
    raise AssertionError(f"{url} still running after {WAIT_SECONDS} s")


def test_a_batch_uploaded_through_one_instance_is_served_by_the_other(two) -> None:
    a, b = two
    url = upload(a, county_files())
    assert wait_done(b, url)["failure"] == ""
    batch_id = url.rsplit("/", 1)[1]
    assert f"/workspace/{batch_id}" in b.get("/workspace").text
    page = b.get(url).text
    assert "共 3 个文件" in page and corpus.DEPARTMENTS[0] in page
    item = b.get(url + "/items/1").text
    assert corpus.DEPARTMENTS[0] in item
    sheet = openpyxl.load_workbook(io.BytesIO(b.get(url + "/汇总.xlsx").content))["汇总"]
    assert sheet.max_row == 4  # header + the three files
    # the roll-up is built through A, shown and downloaded through B
    response = a.post(
        url + "/rollup",
        data={"csrf_token": csrf(a), "agency": corpus.GOVERNMENT, "level": "区县政府"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    rollup_url = str(response.headers["location"])
    shown = b.get(rollup_url)
    assert shown.status_code == 200 and "汇总了 3 个机关" in shown.text
    breakdown = b.get(rollup_url + "/汇总明细.xlsx")
    assert breakdown.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(breakdown.content)).sheetnames
    report_id = re.search(r"/rollups/([^/]+)$", rollup_url)
    assert report_id and b.get(f"/reports/{report_id.group(1)}").status_code == 200


def dead_instance_batch(store: Store, files: list[tuple[str, bytes]]) -> str:
    """What an instance killed mid-job leaves behind: the upload complete, the job started
    (its lease taken, one attempt counted, progress part way), and nobody renewing the lease."""
    lease = 600.0
    dead = Workspace(store, lease_seconds=lease)
    batch_id = dead.begin("", {})
    for number, (name, data) in enumerate(files, start=1):
        dead.add_file(batch_id, number, f"{number:03d}-{name}", data)
    dead.seal(batch_id)
    assert store.take_lease(f"batch:{batch_id}", "killed", now=time.time(), seconds=lease)
    assert dead._count_attempt(batch_id) == 1
    dead._progress(batch_id, "检查", 1, len(files))
    return batch_id


def run_out(store: Store, batch_id: str) -> None:
    """The dead instance's lease expires (as its time passes, without waiting for it)."""
    with store._transaction() as db:
        db.execute("UPDATE leases SET expires_at = 0 WHERE name = ?", (f"batch:{batch_id}",))


def attempts(store: Store, batch_id: str) -> int:
    row = store.reader().execute("SELECT attempts FROM batches WHERE id = ?", (batch_id,))
    return int(row.fetchone()["attempts"])


def test_a_running_job_renews_its_lease_and_nobody_else_can_take_it(store: Store) -> None:
    assert store.take_lease("batch:x", "runner", now=100.0, seconds=30)
    assert store.take_lease("batch:x", "runner", now=120.0, seconds=30)  # renewed to 150
    assert not store.take_lease("batch:x", "other", now=140.0, seconds=30)
    assert store.take_lease("batch:x", "other", now=150.0, seconds=30)  # ran out: taken over
    assert not store.take_lease("batch:x", "runner", now=151.0, seconds=30)


def test_a_lease_keeps_its_time_to_the_second_on_both_databases(store: Store) -> None:
    """Times are today's epoch seconds (1.8e9): they need 8-byte floats, not PostgreSQL's REAL."""
    now = time.time()
    assert store.take_lease("batch:y", "runner", now=now, seconds=30)
    assert not store.take_lease("batch:y", "other", now=now + 29, seconds=30)
    assert store.take_lease("batch:y", "other", now=now + 31, seconds=30)
    row = store.reader().execute("SELECT expires_at FROM leases WHERE name = 'batch:y'")
    assert abs(float(row.fetchone()["expires_at"]) - (now + 61)) < 0.01


def test_a_batch_whose_instance_died_is_finished_by_another(two, store_location) -> None:
    a, b = two
    store = Store(store_location)
    batch_id = dead_instance_batch(store, county_files())
    url = f"/workspace/{batch_id}"
    first = b.get(url + "/progress").json()
    assert first["running"] and first["label"] == "检查"  # the dead instance's last word
    assert attempts(store, batch_id) == 1  # not taken over while the lease holds
    run_out(store, batch_id)
    # once the lease has run out, B's next poll takes the batch over and finishes it
    assert wait_done(b, url)["failure"] == ""
    assert "共 3 个文件" in a.get(url).text  # every uploaded file is there
    assert attempts(store, batch_id) == 2
    store.close()


def test_a_batch_that_keeps_killing_its_instances_is_reported(two, store_location) -> None:
    _, b = two
    store = Store(store_location)
    batch_id = dead_instance_batch(store, county_files())
    run_out(store, batch_id)
    with store._transaction() as db:
        db.execute("UPDATE batches SET attempts = ? WHERE id = ?", (MAX_ATTEMPTS, batch_id))
    state = wait_done(b, f"/workspace/{batch_id}")
    assert f"已中断 {MAX_ATTEMPTS} 次" in str(state["failure"])
    assert "请分成几批重新上传" in b.get(f"/workspace/{batch_id}").text
    store.close()


def test_two_instances_polling_one_batch_run_it_once(store: Store, store_location) -> None:
    """Both instances see the batch unstarted; the lease lets only one of them start it."""
    mine, theirs = Workspace(store), Workspace(Store(store_location))
    batch_id = mine.begin("", {})
    for number, (name, data) in enumerate(county_files(), start=1):
        mine.add_file(batch_id, number, f"{number:03d}-{name}", data)
    mine.seal(batch_id)
    started = [mine.ensure_running(batch_id), theirs.ensure_running(batch_id)]
    assert started == [True, False]
    deadline = time.monotonic() + WAIT_SECONDS
    while theirs.result(batch_id) is None:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    result = theirs.result(batch_id)
    assert result is not None
    shown = [f"{n:03d}-{name}" for n, (name, _) in enumerate(county_files(), start=1)]
    assert [item.source for item in result.items] == shown  # in upload order
    wait_released(store)
    theirs.store.close()


def test_a_job_copies_the_uploaded_files_one_at_a_time(store: Store, tmp_path: Path) -> None:
    """20 files of 1 MB: the job never holds more than a few of them in memory."""
    size, count = 1024 * 1024, 20
    workspace = Workspace(store, scratch=tmp_path, jobs=1)
    batch_id = workspace.begin("", {})
    for number in range(1, count + 1):
        workspace.add_file(batch_id, number, f"{number:03d}-附件.bin", bytes([number]) * size)
    workspace.seal(batch_id)
    tracemalloc.start()
    try:
        workspace.run(batch_id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * size, f"peak {peak / size:.1f} MB for {count} files of 1 MB"
    result = workspace.result(batch_id)
    assert result is not None and len(result.items) == count
    assert all("不支持的文件类型" in item.error for item in result.items)


def test_batches_kept_in_folders_by_an_earlier_version_are_taken_over(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "workspace" / "OldBatch_0123456"
    (folder / "inputs").mkdir(parents=True)
    for number, (name, data) in enumerate(county_files(), start=1):
        (folder / "inputs" / f"{number:03d}-{name}").write_bytes(data)
    (folder / "area.txt").write_text("安吉县", encoding="utf-8")
    (folder / "renames.tsv").write_text("甲局\t乙局\n", encoding="utf-8")
    workspace = Workspace(store)
    assert workspace.import_folders(tmp_path / "workspace") == 1
    assert workspace.import_folders(tmp_path / "workspace") == 0  # once
    (batch,) = workspace.batches("安吉县")
    assert (batch.id, batch.files, batch.renames) == ("OldBatch_0123456", 3, {"甲局": "乙局"})
    assert workspace.batches("别县") == []


def test_copies_left_by_killed_jobs_are_swept_when_a_day_old(store: Store, tmp_path: Path) -> None:
    import os

    from draftbot.workspace import SCRATCH_PREFIX

    old, fresh = tmp_path / f"{SCRATCH_PREFIX}old", tmp_path / f"{SCRATCH_PREFIX}fresh"
    for folder in (old, fresh):
        (folder / "inputs").mkdir(parents=True)
        (folder / "inputs" / "001-报告.yaml").write_text("meta: {}", encoding="utf-8")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    assert Workspace(store, scratch=tmp_path).sweep_scratch() == 1
    assert not old.exists() and fresh.exists()  # a running job's copy is left alone
