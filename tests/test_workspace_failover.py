"""Two `draftbot serve` processes on one PostgreSQL database: a batch uploaded through A, A
killed with SIGKILL while it checks the batch; polling through B, as the page does after the
proxy fails over, B takes the batch over once A's lease runs out and finishes it with every
uploaded file. Nothing is pinned to one instance (deploy/ has no sticky /workspace)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from databases import fresh_schema
from draftbot.store import Store
from draftbot.web.security import CSRF_COOKIE
from multi_instance import Instance, free_port, wait_until
from test_web_workspace import county_zip

COPIES = 4  # the county four times over: 256 reports, long enough to be killed mid-check
WAIT_SECONDS = 600.0  # polled, not slept: a batch on a loaded 2-core machine plus the lease


def progress(client: httpx.Client, url: str) -> dict[str, object]:
    return dict(client.get(url + "/progress").json())


@pytest.mark.slow
def test_a_batch_survives_the_instance_checking_it(pg_server_url: str, tmp_path: Path) -> None:
    data = county_zip(tmp_path / "src")
    with fresh_schema(pg_server_url) as url:
        a, b = (Instance(url, tmp_path / f"data{i}", free_port()) for i in range(2))
        try:
            a.start()
            b.start()
            to_a = httpx.Client(base_url=f"http://127.0.0.1:{a.port}", timeout=120)
            to_b = httpx.Client(base_url=f"http://127.0.0.1:{b.port}", timeout=120)
            to_a.get("/")
            response = to_a.post(
                "/workspace",
                data={"csrf_token": to_a.cookies[CSRF_COOKIE]},
                files=[("files", (f"第{i}批.zip", data, "application/zip")) for i in range(COPIES)],
            )
            assert response.status_code == 303, response.text
            batch = str(response.headers["location"])
            # A is checking it: kill A once the reading is under way
            wait_until(lambda: int(progress(to_b, batch)["done"]) > 0, WAIT_SECONDS, "A's progress")
            state = progress(to_b, batch)
            assert state["running"], state  # still mid-batch when A dies
            a.kill()
            wait_until(lambda: not progress(to_b, batch)["running"], WAIT_SECONDS, "B to finish")
            assert progress(to_b, batch)["failure"] == ""
            page = to_b.get(batch).text
            assert f"共 {64 * COPIES} 个文件" in page  # every uploaded file was checked
            assert batch.rsplit("/", 1)[1] in to_b.get("/workspace").text
            # B waited for A's lease to run out, then ran the batch again: two attempts
            store = Store(url)
            row = store.reader().execute("SELECT attempts FROM batches").fetchone()
            store.close()
            assert row["attempts"] == 2
        finally:
            a.stop()
            b.stop()
