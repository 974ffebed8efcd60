"""The web app under hostile input and load (issue 13, kinds 2, 4 and 8): every refusal is a
4xx with a Chinese message, the connection stays usable, one client cannot freeze the others,
and the LAN login, downloads and data folder are protected."""

from __future__ import annotations

import http.client
import json
import stat
import statistics
import threading
import time
from pathlib import Path

import anyio
import pytest

from draftbot.store import DB_FILENAME, Store
from draftbot.web.pools import Pool, PoolSpec
from draftbot.web.security import GuardError, LoginThrottle, check_bind
from e2e_server import Server
from fake_openai import hang
from web_helpers import create_report, csrf, edit, headers, make_client, version_of


def upload(client, name: str, data: bytes):
    return client.post(
        "/reports/from-previous",
        data={"csrf_token": csrf(client)},
        files={"file": (name, data, "application/octet-stream")},
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )


def many_keys_json(n: int = 200_000) -> bytes:
    data: dict[str, object] = {"meta": {"agency": "示例县民政局", "report_year": 2023}}
    data.update({f"k{i}": i for i in range(n)})
    return json.dumps(data).encode()


# --- kind 2: uploads and edits answer 4xx with a message ------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("上年.yaml", b"meta: &m {agency: x}\nfacts: *m\n", "数据文件不支持 YAML 别名（*m）"),
        ("上年.json", b"[" * 100_000 + b"]" * 100_000, "嵌套层数过多"),
        ("上年.yaml", b"meta: " + b"[" * 20_000 + b"]" * 20_000, "嵌套层数过多"),
        (
            "上年.yaml",
            "meta: {agency: 示例县民政局, report_year: 2023}\ntable3:\n  granted:\n"
            "    natural_person: 1\u200b000\n".encode(),
            "收到“1〔零宽空格〕000”",
        ),
        (
            "上年.yaml",
            "meta: {agency: 示例县民政局, report_year: 2023, publish_date: 2024-13-45}\n".encode(),
            "基本信息 · 发布日期：应为日期（如 2023-01-18），收到“2024-13-45”",
        ),
    ],
)
def test_bad_uploads_are_400_with_the_message(tmp_path: Path, name: str, data: bytes, expected):
    with make_client(tmp_path) as client:
        response = upload(client, name, data)
        assert response.status_code == 400
        assert expected in response.text
        assert client.get("/").status_code == 200


def test_many_keys_upload_gives_a_bounded_message(tmp_path: Path):
    with make_client(tmp_path) as client:
        response = upload(client, "上年.json", many_keys_json())
    assert response.status_code == 400
    assert "文件中的键和列表项过多（约 200003 个，上限 10000）" in response.text
    assert len(response.content) < 20_000  # the whole page around one short message


def test_edit_out_of_range_index_and_huge_version_are_4xx(tmp_path: Path):
    with make_client(tmp_path) as client:
        report_id = create_report(client)
        edit(client, report_id, {"facts.problems": "档案数字化进度慢"})
        for path in ("facts.problems.5", "facts.problems.-1", "facts.problems.x.y"):
            response = edit(client, report_id, {path: "补写"})
            assert response.status_code == 422, path
            assert (
                response.json()["problems"][0]["message"]
                == "没有这个字段或这一项，请刷新页面后重试"
            )
        response = client.post(
            f"/api/reports/{report_id}/edit",
            json={"version": 2**70, "changes": {"table2.penalty": "1"}},
            headers=headers(client),
        )
        assert response.status_code == 400
        assert response.json()["message"] == "版本号无效，请刷新页面后重试"
        deep = b'{"version": 1, "changes": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
        response = client.post(
            f"/api/reports/{report_id}/edit",
            content=deep,
            headers={**headers(client), "Content-Type": "application/json"},
        )
        assert response.status_code == 400


def test_narrative_edit_gets_a_history_entry(tmp_path: Path):
    with make_client(tmp_path) as client:
        report_id = create_report(client)
        response = edit(
            client, report_id, {"narrative.problems": "本年度依申请公开答复的时效仍需提高。"}
        )
        assert response.status_code == 200
        store = Store.in_folder(tmp_path)
        entries = store.revisions(report_id, "problems")
        assert [(r.text, r.source, r.kind) for r in entries] == [
            ("本年度依申请公开答复的时效仍需提高。", "user", "accepted")
        ]


# --- kind 2: the connection survives an error ---------------------------------------------


def test_keep_alive_connection_survives_4xx_refusals(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/")
        first = conn.getresponse()
        first.read()
        cookie = first.getheader("set-cookie").split(";", 1)[0]
        token = cookie.split("=", 1)[1]
        # a 400 (bad version) and a 400 (changes not a mapping): both answered, same socket
        for body in (b'{"version": -1, "changes": {"a": 1}}', b'{"version": 1, "changes": 5}'):
            conn.request(
                "POST",
                "/api/reports/nonexistent/edit",
                body=body,
                headers={
                    "Cookie": cookie,
                    "X-CSRF-Token": token,
                    "Content-Type": "application/json",
                },
            )
            answer = conn.getresponse()
            assert 400 <= answer.status < 500
            assert "message" in json.loads(answer.read())
        sock = conn.sock
        conn.request("GET", "/static/app.css")
        again = conn.getresponse()
        again.read()
        assert again.status == 200
        assert conn.sock is sock  # the same keep-alive connection
    finally:
        server.stop()


def test_unexpected_error_answers_500_without_closing_the_connection(tmp_path: Path, monkeypatch):
    """Starlette's outermost error handler re-raises after answering, and the server then
    drops the connection; draftbot answers unforeseen errors itself."""
    from draftbot.web import routes_reports

    def broken(*args, **kwargs):
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(routes_reports, "list_row", broken)
    with make_client(tmp_path, raise_server_exceptions=False) as client:
        create_report(client)
        response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.json()["message"].startswith("系统内部出错")
    assert response.headers["x-content-type-options"] == "nosniff"


# --- kind 4: one client cannot freeze the others -------------------------------------------


def test_page_loads_fast_while_another_client_uploads_many_keys(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        conn.request("GET", "/")
        first = conn.getresponse()
        first.read()
        cookie = first.getheader("set-cookie").split(";", 1)[0]
        boundary = "draftbotboundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="many.json"\r\nContent-Type: application/json\r\n\r\n'
            ).encode()
            + many_keys_json()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        assert 3_000_000 < len(body) < 5 * 1024 * 1024
        conn.request(
            "POST",
            "/reports/from-previous",
            body=body,
            headers={
                "Cookie": cookie,
                "X-CSRF-Token": cookie.split("=", 1)[1],
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Accept": "application/json",
            },
        )  # returns once the whole body is sent: the server is now working on it
        result: dict[str, object] = {}
        waiter = threading.Thread(target=lambda: result.update(r=_read(conn)))
        waiter.start()
        timings = []
        other = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        while waiter.is_alive() or not timings:
            for path in ("/", "/static/app.css"):
                started = time.perf_counter()
                other.request("GET", path)
                page = other.getresponse()
                page.read()
                timings.append((path, time.perf_counter() - started, waiter.is_alive()))
                assert page.status == 200
        waiter.join()
        during = [t for t in timings if t[2]]
        assert during, "no page was loaded while the upload was being processed"
        # before: another client waited 38 s. The median is the goal; one slow sample on a
        # loaded 2-core machine is scheduling, not the server freezing.
        assert statistics.median(t[1] for t in during) < 0.2, during
        assert max(t[1] for t in during) < 1.0, during
        status, text = result["r"]
        assert status == 400
        assert "文件中的键和列表项过多" in text
    finally:
        server.stop()


def _read(conn: http.client.HTTPConnection) -> tuple[int, str]:
    response = conn.getresponse()
    return response.status, response.read().decode()


def test_a_full_pool_answers_busy_at_once():
    release = threading.Event()
    pool = Pool(PoolSpec(workers=1, queue=0, doing="读取上传的文件"))

    async def scenario() -> str:
        async with anyio.create_task_group() as group:
            group.start_soon(pool.run, release.wait)
            while pool.pending == 0:  # wait until the first call holds the only worker
                await anyio.sleep(0.01)
            try:
                await pool.run(lambda: None)
            except GuardError as exc:
                message = f"{exc.status} {exc.message}"
            else:
                message = "accepted"
            release.set()
        return message

    assert anyio.run(scenario) == (
        "503 系统繁忙：同时读取上传的文件的请求过多，请稍等几秒后重试，已填写的内容不受影响"
    )
    assert pool.pending == 0


BUSY = "503 系统繁忙：同时读写数据库的请求过多，请稍等几秒后重试，已填写的内容不受影响"


def test_a_queued_call_is_served_when_a_worker_frees_and_beyond_the_queue_refused_at_once():
    """One worker, two queue places: a burst of four → two wait and are served in turn, the
    fourth is refused at once (while the worker is still busy) with the Chinese message."""
    release = threading.Event()
    pool = Pool(PoolSpec(workers=1, queue=2, doing="读写数据库"))
    done: list[str] = []

    async def call(name: str, fn) -> None:
        try:
            await pool.run(fn)
        except GuardError as exc:
            done.append(f"{name}: {exc.status} {exc.message}")
        else:
            done.append(f"{name}: served")

    async def scenario() -> None:
        with anyio.fail_after(60):  # a safety net against a hang, not a timing assertion
            async with anyio.create_task_group() as group:
                group.start_soon(call, "first", release.wait)
                while pool.slots.borrowed_tokens == 0:
                    await anyio.sleep(0.01)
                group.start_soon(call, "second", lambda: None)
                group.start_soon(call, "third", lambda: None)
                while pool.waiting < 2:
                    await anyio.sleep(0.01)
                await call("fourth", lambda: None)  # the queue is full: refused, not queued
                assert done == [f"fourth: {BUSY}"] and not release.is_set()
                release.set()

    anyio.run(scenario)
    assert done == [f"fourth: {BUSY}", "first: served", "second: served", "third: served"]
    assert pool.pending == 0 and pool.slots.borrowed_tokens == 0


def test_a_queued_call_is_refused_when_its_wait_runs_out():
    release = threading.Event()
    pool = Pool(PoolSpec(workers=1, queue=4, doing="读写数据库", wait=0.2))

    async def scenario() -> str:
        async with anyio.create_task_group() as group:
            group.start_soon(pool.run, release.wait)
            while pool.slots.borrowed_tokens == 0:
                await anyio.sleep(0.01)
            try:
                await pool.run(lambda: None)  # the only worker stays busy past the wait
            except GuardError as exc:
                message = f"{exc.status} {exc.message}"
            else:
                message = "served"
            release.set()
        return message

    assert anyio.run(scenario) == BUSY
    assert pool.pending == 0 and pool.slots.borrowed_tokens == 0


# --- kind 8: hygiene ------------------------------------------------------------------------


def test_login_is_throttled(tmp_path: Path):
    token = "open-sesame-123"
    with make_client(tmp_path, host="0.0.0.0", access_token=token) as client:
        statuses = []
        for _ in range(7):
            response = client.post("/login", data={"csrf_token": csrf(client), "token": "guess"})
            statuses.append(response.status_code)
        assert statuses == [401] * 5 + [429, 429]
        assert "口令错误次数过多" in response.text
        right = client.post(
            "/login", data={"csrf_token": csrf(client), "token": token}, follow_redirects=False
        )
        assert right.status_code == 429  # even the right token waits out the lock


def test_throttle_forgives_after_the_window_and_stays_bounded():
    now = [0.0]
    throttle = LoginThrottle(allowed=2, window=60, clock=lambda: now[0])
    throttle.failed("10.0.0.5")
    throttle.failed("10.0.0.5")
    assert throttle.wait_seconds("10.0.0.5") == 61
    now[0] = 61.0
    assert throttle.wait_seconds("10.0.0.5") == 0
    for i in range(5000):
        throttle.failed(f"10.1.{i // 256}.{i % 256}")
    assert len(throttle.failures) <= 1024


@pytest.mark.parametrize(
    ("token", "reason"),
    [(" ", "含有空格"), ("short1", "只有 6 个字符，太短"), ("aaaaaaaaaaaaaaa", "重复的字符太多")],
)
def test_weak_access_tokens_are_refused(token: str, reason: str):
    with pytest.raises(GuardError) as info:
        check_bind("0.0.0.0", token)
    assert reason in info.value.message
    check_bind("0.0.0.0", "kx8-Qm2-Lp4-Tz9")  # a real one is accepted


def test_nosniff_on_downloads_json_and_refusals(tmp_path: Path):
    with make_client(tmp_path) as client:
        report_id = create_report(client)
        for path in (
            f"/reports/{report_id}/download.yaml",
            f"/reports/{report_id}/download.json",
            f"/api/reports/{report_id}/state",
            "/static/app.js",
            "/no-such-page",
        ):
            assert client.get(path).headers["x-content-type-options"] == "nosniff", path
        assert version_of(client, report_id) == 1


def test_data_folder_and_database_are_private(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    Store.in_folder(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / DB_FILENAME).stat().st_mode) == 0o600
    fresh = Store.in_folder(tmp_path / "new" / "place")
    assert stat.S_IMODE(fresh.path.parent.stat().st_mode) == 0o700


def test_a_hung_model_cannot_take_the_threads_pages_need(tmp_path: Path, fake_openai):
    """45 sentence parses against a model that never answers: 8 run, 16 wait, the rest are
    told the server is busy at once, and pages keep loading meanwhile (they waited 8.8 s)."""
    from draftbot.questions import create_report as new_report

    fake_openai.default = hang()
    env = {
        "DRAFTBOT_LLM_BASE_URL": fake_openai.base_url,
        "DRAFTBOT_LLM_API_KEY": "sk-test",
        "DRAFTBOT_LLM_MODEL": "fake-model",
        "DRAFTBOT_LLM_RETRIES": "0",
        "DRAFTBOT_LLM_TIMEOUT": "60",
    }
    report_id = Store.in_folder(tmp_path).create(new_report("示例县民政局", "2024")).id
    server = Server(tmp_path, env).start()
    statuses: list[int] = []
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/")
        first = conn.getresponse()
        first.read()
        cookie = first.getheader("set-cookie").split(";", 1)[0]

        def propose() -> None:
            client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            client.request(
                "POST",
                f"/api/reports/{report_id}/tables/3/propose",
                body=json.dumps({"text": "共收到申请5件，其中自然人4件、企业1件"}).encode(),
                headers={
                    "Cookie": cookie,
                    "X-CSRF-Token": cookie.split("=", 1)[1],
                    "Content-Type": "application/json",
                },
            )
            try:
                answer = client.getresponse()
                answer.read()
                statuses.append(answer.status)
            except OSError:
                statuses.append(0)  # the server was stopped while this one hung

        threads = [threading.Thread(target=propose, daemon=True) for _ in range(45)]
        for thread in threads:
            thread.start()
        while fake_openai.calls < 8 or len(statuses) < 45 - 8 - 16:  # pool full, rest refused
            time.sleep(0.05)
        assert statuses.count(503) == 45 - 8 - 16
        for path in ("/", f"/reports/{report_id}", "/static/app.css"):
            started = time.perf_counter()
            other = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            other.request("GET", path)
            page = other.getresponse()
            page.read()
            assert page.status == 200
            # not held behind the hung model calls (before: 8.8 s, the model's timeout); loose
            # bound for a loaded machine
            assert time.perf_counter() - started < 4.0, path
        assert fake_openai.calls == 8
    finally:
        fake_openai.close()  # the hung answers end, so the server stops promptly
        server.stop()


def test_a_locked_database_stalls_only_the_write_that_waits_for_it(tmp_path: Path):
    """Another program holds the SQLite write lock: the autosave waiting for it does not stop
    other clients' pages, and it ends with 503 and a message (nothing lost on the page)."""
    import sqlite3

    from draftbot.questions import create_report as new_report

    store = Store.in_folder(tmp_path)
    report_id = store.create(new_report("示例县民政局", "2024")).id
    server = Server(tmp_path).start()
    locker = sqlite3.connect(store.path, isolation_level=None)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.request("GET", "/")
        first = conn.getresponse()
        first.read()
        cookie = first.getheader("set-cookie").split(";", 1)[0]
        locker.execute("BEGIN IMMEDIATE")  # the write lock, held as a stuck program would
        conn.request(
            "POST",
            f"/api/reports/{report_id}/edit",
            body=json.dumps({"version": 1, "changes": {"table2.penalty": "3"}}).encode(),
            headers={
                "Cookie": cookie,
                "X-CSRF-Token": cookie.split("=", 1)[1],
                "Content-Type": "application/json",
            },
        )  # sent: the server now waits for the lock (up to 5 s)
        result: dict[str, object] = {}
        waiter = threading.Thread(target=lambda: result.update(r=_read(conn)))
        waiter.start()
        timings = []
        while waiter.is_alive():
            for path in ("/", f"/reports/{report_id}"):
                started = time.perf_counter()
                other = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                other.request("GET", path)
                page = other.getresponse()
                page.read()
                timings.append((path, time.perf_counter() - started, waiter.is_alive()))
                assert page.status == 200
        during = [t for t in timings if t[2]]
        assert len(during) >= 5, timings
        # before: every client waited out the 5 s busy timeout with the writer
        assert statistics.median(t[1] for t in during) < 0.2, during
        assert max(t[1] for t in during) < 1.0, during
        status, text = result["r"]
        assert status == 503
        assert "数据库正忙，请稍后再试；您的修改仍在页面上，未丢失" in text
    finally:
        locker.close()
        server.stop()


def test_after_a_500_the_same_keep_alive_connection_still_works(tmp_path: Path, monkeypatch):
    """A real server (uvicorn in this process, so a fault can be injected into a route)."""
    import uvicorn

    from draftbot.web import routes_reports
    from draftbot.web.app import WebConfig, create_app
    from e2e_server import free_port
    from web_helpers import offline_settings

    def broken(*args, **kwargs):
        raise RuntimeError("simulated fault")

    from draftbot.questions import create_report as new_report

    Store.in_folder(tmp_path).create(new_report("示例县民政局", "2024"))
    monkeypatch.setattr(routes_reports, "list_row", broken)
    port = free_port()
    app = create_app(WebConfig(data_dir=tmp_path, port=port), offline_settings(tmp_path))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/", headers={"Accept": "application/json"})
        failed = conn.getresponse()
        body = json.loads(failed.read())
        assert failed.status == 500
        assert body["message"] == "系统内部出错，您已保存的内容不受影响；请刷新页面后重试"
        sock = conn.sock
        conn.request("GET", "/static/app.css")
        again = conn.getresponse()
        again.read()
        assert again.status == 200
        assert conn.sock is sock
    finally:
        server.should_exit = True
        thread.join(timeout=30)
