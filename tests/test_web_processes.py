"""Several server processes on one database (`draftbot serve --workers N`, or two instances):
a change made through one process is seen by the next request to another, although each
keeps its own caches of parsed reports and rendered pages (they are keyed by what each
request reads from the database, never invalidated in one process only)."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from draftbot.model import Meta, Report
from draftbot.store import Store
from multi_instance import Instance, free_port, wait_until

CELL = "table3.new_received.natural_person"
AGENCY = "示例县多进程测试局"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """'' (the SQLite file of the data folder) or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield ""
        return
    from databases import fresh_schema

    with fresh_schema(request.getfixturevalue("pg_server_url")) as url:
        yield url


def _store(database_url: str, data_dir: Path) -> Store:
    return Store(database_url) if database_url else Store.in_folder(data_dir)


def _get(port: int, path: str) -> tuple[int, str, str]:
    """GET on a new connection: (status, body, the CSRF cookie the server set)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
    response = conn.getresponse()
    body = response.read().decode()
    jar: SimpleCookie = SimpleCookie()
    jar.load(response.getheader("set-cookie") or "")
    conn.close()
    token = jar["draftbot_csrf"].value if "draftbot_csrf" in jar else ""
    return response.status, body, token


def _post(port: int, path: str, body: bytes, content_type: str) -> int:
    """POST with a CSRF token of this server, on a new connection; the status."""
    token = _get(port, "/")[2]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Cookie": f"draftbot_csrf={token}",
        "X-CSRF-Token": token,
        "Content-Type": content_type,
    }
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def _edit(port: int, report_id: str, version: int, value: str) -> int:
    body = json.dumps({"version": version, "changes": {CELL: value}}).encode()
    return _post(port, f"/api/reports/{report_id}/edit", body, "application/json")


def _cell(port: int, report_id: str) -> str:
    """The 表三 cell as the 表三 page of this server shows it."""
    status, body, _ = _get(port, f"/reports/{report_id}/tables/3")
    assert status == 200
    found = re.search(rf'data-key="{re.escape(CELL)}"[^>]* value="([^"]*)"', body)
    assert found, "the 表三 page has no input for the cell"
    return found.group(1)


def _version(port: int, report_id: str) -> int:
    status, body, _ = _get(port, f"/api/reports/{report_id}/state")
    assert status == 200
    return int(json.loads(body)["version"])


@pytest.mark.slow
def test_a_change_through_one_process_is_seen_by_the_other(
    database_url: str, tmp_path: Path
) -> None:
    store = _store(database_url, tmp_path)
    report_id = store.create(Report(meta=Meta(agency=AGENCY, report_year=2023))).id
    store.close()
    a = Instance(database_url, tmp_path, free_port())
    b = Instance(database_url, tmp_path, free_port())
    try:
        a.start()
        b.start()
        assert a.proc is not None
        assert _native_server_modules(a.proc.pid) == {"httptools", "uvloop"}
        version = _version(b.port, report_id)
        assert _cell(b.port, report_id) == "0"  # B has rendered (and cached) the page
        assert AGENCY in _get(b.port, "/")[1]  # and the list page
        for value in ("37", "38"):
            assert _edit(a.port, report_id, version, value) == 200
            version += 1
            assert _version(b.port, report_id) == version
            assert _cell(b.port, report_id) == value
            assert _cell(a.port, report_id) == value
        # B's version is the current one: a save through B with A's old version is refused
        assert _edit(b.port, report_id, version - 1, "39") == 409
        assert _cell(a.port, report_id) == "38"
        # archived through A (no new version): gone from B's list, shown among B's archived
        form = urlencode({"csrf_token": _get(a.port, "/")[2]}).encode()
        assert _post(a.port, f"/reports/{report_id}/archive", form, FORM) == 303
        assert AGENCY not in _get(b.port, "/")[1]
        assert AGENCY in _get(b.port, "/?archived=1")[1]
    finally:
        a.stop()
        b.stop()


FORM = "application/x-www-form-urlencoded"


def _workers(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor `pid` started (multiprocessing spawn)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
def test_serve_with_two_workers_answers_from_both_with_the_same_data(tmp_path: Path) -> None:
    store = _store("", tmp_path)
    report_id = store.create(Report(meta=Meta(agency=AGENCY, report_year=2023))).id
    store.close()
    server = Instance("", tmp_path, free_port(), ("--workers", "2"))
    workers: list[int] = []
    try:
        server.start()
        assert server.proc is not None
        workers = _workers(server.proc.pid)
        assert len(workers) == 2
        for pid in workers:
            assert _native_server_modules(pid) == {"httptools", "uvloop"}
        version = _version(server.port, report_id)
        assert _edit(server.port, report_id, version, "4") == 200
        version += 1
        for value in ("5", "6", "7"):
            # each request on a new connection, taken by whichever worker accepts it first:
            # both render and cache the page of this version, then all must show the new one
            assert {_cell(server.port, report_id) for _ in range(8)} == {str(int(value) - 1)}
            assert _edit(server.port, report_id, version, value) == 200
            version += 1
            pages = [_cell(server.port, report_id) for _ in range(8)]
            assert pages == [value] * 8
            assert {_version(server.port, report_id) for _ in range(8)} == {version}
    finally:
        server.stop()
    assert server.proc is not None and server.proc.returncode is not None
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), 60, "workers")


def _native_server_modules(pid: int) -> set[str]:
    """Which of uvicorn's compiled HTTP parser and event loop process `pid` has loaded (its
    memory map lists their shared libraries)."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return {name for name in ("httptools", "uvloop") if f"/{name}/" in maps}


def test_serve_runs_uvicorn_with_httptools_and_uvloop() -> None:
    import asyncio

    import uvicorn
    import uvloop
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from draftbot.web.server import UVICORN_OPTIONS

    config = uvicorn.Config(lambda scope, receive, send: None, **UVICORN_OPTIONS)
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert isinstance(loop, uvloop.Loop)
        assert not isinstance(asyncio.new_event_loop(), uvloop.Loop)  # no process-wide policy
    finally:
        loop.close()


def test_without_httptools_and_uvloop_serve_falls_back_to_h11_and_asyncio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where they cannot be installed (uvloop: Windows), uvicorn's pure-Python parts serve."""
    import asyncio
    import sys

    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol

    from draftbot.web.server import UVICORN_OPTIONS

    for module in ("uvicorn.protocols.http.auto", "uvicorn.loops.auto"):  # choose again
        monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.setitem(sys.modules, "httptools", None)  # `import httptools` → ImportError
    monkeypatch.setitem(sys.modules, "uvloop", None)
    config = uvicorn.Config(lambda scope, receive, send: None, **UVICORN_OPTIONS)
    config.load()
    assert config.http_protocol_class is H11Protocol
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert type(loop).__module__.startswith("asyncio.")
        assert isinstance(loop, asyncio.BaseEventLoop)
    finally:
        loop.close()


@pytest.mark.parametrize("workers", [0, -1, 33])
def test_a_worker_count_out_of_range_is_refused_before_starting(
    workers: int, tmp_path: Path
) -> None:
    from draftbot.config import Settings
    from draftbot.web.server import ServeError, run_server

    said: list[str] = []
    with pytest.raises(ServeError, match=r"--workers 应为 1 到 32 之间的整数"):
        run_server(Settings(data_dir=tmp_path), port=free_port(), workers=workers, echo=said.append)
    assert said == []  # nothing started, no address printed
    assert not (tmp_path / "draftbot.sqlite3").exists()
