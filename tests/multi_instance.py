"""Two `draftbot serve` processes on one PostgreSQL database, many clients editing through
both, one instance killed with SIGKILL and restarted in the middle; then every write that
was acknowledged is looked for in the database.

Used by tests/test_multi_instance.py (short run) and bench/multi_instance.py (20 clients,
30 s). Each report is edited by two clients, one through each instance, so the two race for
the same versions: a 409 (VersionConflict) makes a client reload the version and go on. A
client whose instance is down fails over to the other one, as a reverse proxy would.

What is checked (`Outcome.lost`): every acknowledged section save is in the report's
append-only history with the acknowledged text and version; no two acknowledged writes of a
report got the same version (a lost update would); each client's own table cell holds at
least its last acknowledged value (values only grow); the final version is at least the
highest acknowledged one.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from draftbot.model import Meta, Report
from draftbot.store import Store

CELLS = ("table3.new_received.natural_person", "table3.new_received.commercial")
SECTIONS = ("problems", "other_matters")
READY_SECONDS = 180.0  # a server start on a loaded 2-core machine; polled, not slept


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Instance:
    """One `python -m draftbot serve` on `port`, its data in `database_url` (empty: the SQLite
    file in `data_dir`); `extra`: more options for serve (e.g. `--workers 2`)."""

    def __init__(
        self, database_url: str, data_dir: Path, port: int, extra: tuple[str, ...] = ()
    ) -> None:
        self.database_url, self.data_dir, self.port = database_url, data_dir, port
        self.extra = extra
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DRAFTBOT_DATA_DIR": str(self.data_dir),
            "DRAFTBOT_DATABASE_URL": self.database_url,
        }
        for name in ("DRAFTBOT_LLM_BASE_URL", "DRAFTBOT_LLM_API_KEY", "OPENAI_API_KEY"):
            env.pop(name, None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "draftbot", "serve", "--port", str(self.port), *self.extra],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.ready, READY_SECONDS, f"the server on port {self.port}")

    def ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise RuntimeError(f"the server on port {self.port} exited ({self.proc.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", "/", headers={"Host": f"127.0.0.1:{self.port}"})
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown, requests in flight are cut."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class Ack:
    report_id: str
    version: int
    kind: str  # "cell" or "section"
    where: str
    value: str


@dataclass
class Client:
    """One browser: a report, its own cell and section, a preferred instance."""

    report_id: str
    slot: int
    ports: tuple[int, int]
    acks: list[Ack] = field(default_factory=list)
    conflicts: int = 0
    busy: int = 0
    unacknowledged: int = 0
    failovers: int = 0
    other_errors: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # seconds per answered write

    def run(self, until: float) -> None:
        prefer = self.slot % 2
        version: int | None = None
        counter = 0
        while time.monotonic() < until:
            port = self.ports[prefer]
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                token = self._csrf(conn, port)
                if version is None:
                    version = self._version(conn, port, token)
                counter += 1
                sent = time.perf_counter()
                status, answer = self._write(conn, port, token, version, counter)
                self.times.append(time.perf_counter() - sent)
                conn.close()
            except (OSError, http.client.HTTPException):
                # the instance died mid-request (or is down): the write is unacknowledged;
                # go to the other instance as a proxy would, and reload the version
                self.unacknowledged += 1
                self.failovers += 1
                prefer, version = 1 - prefer, None
                time.sleep(0.05)
                continue
            if status == 200:
                version = int(answer["version"])
                self.acks.append(self._ack(version, counter))
            elif status == 409:
                self.conflicts += 1
                version = None
            elif status == 503:
                self.busy += 1
                version = None
            else:
                self.other_errors.append(f"HTTP {status}: {str(answer)[:200]}")
                version = None

    def _ack(self, version: int, counter: int) -> Ack:
        if counter % 2:
            return Ack(self.report_id, version, "cell", CELLS[self.slot], str(counter))
        return Ack(self.report_id, version, "section", SECTIONS[self.slot], self._text(counter))

    def _text(self, counter: int) -> str:
        return f"客户端{self.slot}第{counter}次保存的正文。"

    def _write(
        self, conn: http.client.HTTPConnection, port: int, token: str, version: int, counter: int
    ) -> tuple[int, dict[str, object]]:
        if counter % 2:
            path = f"/api/reports/{self.report_id}/edit"
            body = {"version": version, "changes": {CELLS[self.slot]: str(counter)}}
        else:
            path = f"/api/reports/{self.report_id}/sections/{SECTIONS[self.slot]}"
            body = {"version": version, "text": self._text(counter)}
        return _request(conn, port, "POST", path, token, json.dumps(body).encode())

    def _csrf(self, conn: http.client.HTTPConnection, port: int) -> str:
        conn.request("GET", "/api/reports/" + self.report_id + "/state", headers=_headers(port))
        response = conn.getresponse()
        response.read()
        jar: SimpleCookie = SimpleCookie()
        jar.load(response.getheader("set-cookie") or "")
        return jar["draftbot_csrf"].value

    def _version(self, conn: http.client.HTTPConnection, port: int, token: str) -> int:
        status, answer = _request(conn, port, "GET", f"/api/reports/{self.report_id}/state", token)
        if status != 200:
            raise OSError(f"state: HTTP {status}")
        return int(answer["version"])  # type: ignore[call-overload]


def _headers(port: int, token: str = "") -> dict[str, str]:
    headers = {"Host": f"127.0.0.1:{port}", "Accept": "application/json"}
    if token:
        headers |= {
            "Cookie": f"draftbot_csrf={token}",
            "X-CSRF-Token": token,
            "Content-Type": "application/json",
        }
    return headers


def _request(
    conn: http.client.HTTPConnection, port: int, method: str, path: str, token: str, body=None
) -> tuple[int, dict[str, object]]:
    conn.request(method, path, body=body, headers=_headers(port, token))
    response = conn.getresponse()
    data = response.read()
    try:
        answer = json.loads(data)
    except ValueError:
        answer = {"raw": data[:200].decode("utf-8", "replace")}
    return response.status, answer


@dataclass
class Outcome:
    clients: int
    seconds: float
    acknowledged: int
    conflicts: int
    busy: int
    unacknowledged: int
    failovers: int
    other_errors: list[str]
    lost: list[str]
    restart_seconds: float
    killed_at: float
    times: list[float]


def run(database_url: str, folder: Path, *, clients: int, seconds: float) -> Outcome:
    """Seed reports, start two instances, edit for `seconds` with `clients` clients, SIGKILL
    instance A at the middle and restart it at once; then check every acknowledged write."""
    store = Store(database_url)
    report_ids = [
        store.create(Report(meta=Meta(agency=f"测试县第{i}局", report_year=2024))).id
        for i in range((clients + 1) // 2)
    ]
    ports = (free_port(), free_port())
    instances = [Instance(database_url, folder / f"data{i}", port) for i, port in enumerate(ports)]
    workers = [Client(report_ids[i // 2], i % 2, ports) for i in range(clients)]
    try:
        for instance in instances:
            instance.start()
        start = time.monotonic()
        until = start + seconds
        threads = [threading.Thread(target=w.run, args=(until,), daemon=True) for w in workers]
        for thread in threads:
            thread.start()
        wait_until(lambda: time.monotonic() >= start + seconds / 2, seconds, "the middle")
        killed_at = time.monotonic() - start
        instances[0].kill()
        instances[0].start()
        restart = time.monotonic() - start - killed_at
        for thread in threads:
            thread.join(timeout=seconds + 300)
    finally:
        for instance in instances:
            instance.stop()
    outcome = Outcome(
        clients=clients,
        seconds=seconds,
        acknowledged=sum(len(w.acks) for w in workers),
        conflicts=sum(w.conflicts for w in workers),
        busy=sum(w.busy for w in workers),
        unacknowledged=sum(w.unacknowledged for w in workers),
        failovers=sum(w.failovers for w in workers),
        other_errors=[e for w in workers for e in w.other_errors],
        lost=lost_writes(Store(database_url), workers),
        restart_seconds=restart,
        killed_at=killed_at,
        times=[t for w in workers for t in w.times],
    )
    store.close()
    return outcome


def lost_writes(store: Store, workers: list[Client]) -> list[str]:
    """Every acknowledged write that is not in the database (empty when none was lost)."""
    lost: list[str] = []
    by_report: dict[str, list[Ack]] = {}
    for worker in workers:
        for ack in worker.acks:
            by_report.setdefault(ack.report_id, []).append(ack)
    for report_id, acks in by_report.items():
        current = store.get(report_id)
        history = {(r.report_version, r.section, r.text) for r in store.revisions(report_id)}
        versions = [a.version for a in acks]
        if len(set(versions)) != len(versions):
            lost.append(f"{report_id}: two acknowledged writes share a version (lost update)")
        if versions and current.version < max(versions):
            lost.append(f"{report_id}: version {current.version} < acknowledged {max(versions)}")
        for ack in acks:
            if ack.kind == "section" and (ack.version, ack.where, ack.value) not in history:
                lost.append(f"{report_id}: section {ack.where} v{ack.version} missing")
        for cell in CELLS:
            mine = [int(a.value) for a in acks if a.kind == "cell" and a.where == cell]
            table, row, column = cell.split(".")
            held = getattr(getattr(getattr(current.report, table), row), column)
            if mine and (held or 0) < max(mine):
                lost.append(f"{report_id}: {cell} = {held} < acknowledged {max(mine)}")
    return lost
