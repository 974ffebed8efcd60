"""Page latency of the web app on loopback: N concurrent clients on each main page in turn.

Starts `python -m draftbot serve` on a free port with a fresh data folder and seeds one report
per client (a copy of examples/busy-2023.yaml). For each main page, every client thread fetches
that page over its own keep-alive connection, again and again, for `--seconds`; then the
autosave request (POST one cell) the same way. Downloads (.docx, .yaml) are measured
separately, afterwards, with `--download-clients` clients, so they do not slow the page rounds.

    .venv/bin/python bench/web_latency.py [--clients 20] [--seconds 20] [--postgresql] [--write FILE]

With `--postgresql` the server keeps its data in PostgreSQL (DRAFTBOT_TEST_DATABASE_URL, else a
throwaway cluster from tests/databases.py) instead of the SQLite file.

Goals (issue 19): p95 ≤ 50 ms at 20 clients, ≤ 250 ms at 100 clients, 0 errors.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish  # noqa: E402

PAGES = {
    "报告列表 /": "/",
    "概况": "/reports/{id}",
    "引导填报": "/reports/{id}/guide",
    "表三": "/reports/{id}/tables/3",
    "起草与审核": "/reports/{id}/draft",
    "导出页": "/reports/{id}/export",
}
DOWNLOADS = {
    "Word 下载": "/reports/{id}/download.docx",
    "YAML 下载": "/reports/{id}/download.yaml",
}
EDIT = "自动保存（POST 一格）"
GOALS_MS = {20: 50.0, 100: 250.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int, database_url: str = "") -> subprocess.Popen[bytes]:
    env = {**os.environ, "DRAFTBOT_DATA_DIR": str(data_dir), "DRAFTBOT_DATABASE_URL": database_url}
    for name in ("DRAFTBOT_LLM_BASE_URL", "DRAFTBOT_LLM_API_KEY", "OPENAI_API_KEY"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "draftbot", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("服务器未能启动")


def seed(data_dir: Path, count: int, database_url: str = "") -> list[str]:
    from draftbot.config import Settings
    from draftbot.datafile import load_report
    from draftbot.drafting import apply_draft, draft_report
    from draftbot.store import Store

    store = Store(database_url) if database_url else Store.in_folder(data_dir)
    report = load_report(ROOT / "examples" / "busy-2023.yaml")
    # prose drafted offline: a formal Word download needs every section written
    report = apply_draft(report, draft_report(report, Settings(), offline=True))
    return [store.create(report).id for _ in range(count)]


class Client(threading.Thread):
    """One browser: its own connection, CSRF cookie and report; runs one page until `until`."""

    def __init__(self, port: int, report_id: str) -> None:
        super().__init__(daemon=True)
        self.port, self.report_id = port, report_id
        self.times: list[float] = []
        self.errors: list[str] = []
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        _, headers, _ = self._request("GET", "/")
        jar: SimpleCookie = SimpleCookie()
        jar.load(headers.get("set-cookie", ""))
        self.token = jar["draftbot_csrf"].value
        self.cookie = f"draftbot_csrf={self.token}"
        self.version = self._version()
        self.job: tuple[str, str, float, threading.Barrier] | None = None

    def run_page(self, name: str, path: str, until: float, barrier: threading.Barrier) -> None:
        self.times, self.errors = [], []
        barrier.wait()
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            if name == EDIT:
                status = self._edit()
            else:
                status, _, _ = self._request("GET", path.format(id=self.report_id), self.cookie)
            self.times.append(time.perf_counter() - t0)
            if status != 200:
                self.errors.append(f"{name}: HTTP {status}")

    def _edit(self) -> int:
        body = f'{{"version": {self.version}, "changes": {{"table2.licensing": "{self.version % 50}"}}}}'
        status, _, _ = self._request(
            "POST",
            f"/api/reports/{self.report_id}/edit",
            self.cookie,
            body.encode(),
            {"Content-Type": "application/json", "X-CSRF-Token": self.token},
        )
        if status == 200:
            self.version += 1
        return status

    def _version(self) -> int:
        import json

        _, _, data = self._request("GET", f"/api/reports/{self.report_id}/state", self.cookie)
        return int(json.loads(data)["version"])

    def _request(self, method, path, cookie="", body=None, extra=None):
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept": "text/html", **(extra or {})}
        if cookie:
            headers["Cookie"] = cookie
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run_round(clients: list[Client], name: str, path: str, seconds: float) -> list[Client]:
    barrier = threading.Barrier(len(clients))
    until = time.perf_counter() + seconds + 0.05
    threads = [
        threading.Thread(target=c.run_page, args=(name, path, until, barrier)) for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return clients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--download-clients", type=int, default=4)
    parser.add_argument("--postgresql", action="store_true", help="data in PostgreSQL")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        database_url = ""
        if args.postgresql:
            sys.path.insert(0, str(ROOT / "tests"))
            from databases import fresh_schema, server_url

            database_url = stack.enter_context(fresh_schema(stack.enter_context(server_url())))
        measure(args, database_url)


def measure(args: argparse.Namespace, database_url: str) -> None:
    load_before = os.getloadavg()[0]
    goal = GOALS_MS.get(args.clients)
    results: list[tuple[str, int, list[float], list[str]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        ids = seed(data_dir, args.clients, database_url)
        port = free_port()
        server = start_server(data_dir, port, database_url)
        try:
            clients = [Client(port, ids[i]) for i in range(args.clients)]
            for name, path in [*PAGES.items(), (EDIT, "")]:
                run_round(clients, name, path, args.seconds)
                results.append(_collect(name, clients))
            few = clients[: args.download_clients]
            for name, path in DOWNLOADS.items():
                run_round(few, name, path, args.seconds / 2)
                results.append(_collect(name, few))
        finally:
            server.terminate()
            server.wait()
    lines = [
        f"# Web page latency, {args.clients} concurrent clients"
        + (", data in PostgreSQL" if args.postgresql else ""),
        "",
        f"Command: `.venv/bin/python bench/web_latency.py --clients {args.clients} "
        f"--seconds {args.seconds:g}"
        + (" --postgresql" if args.postgresql else "")
        + (f" --write {args.write}`" if args.write else "`")
        + "  ",
        f"Machine: {machine_line()}; 1-minute load average before the run {load_before:.1f} "
        "(other work on the shared machine shows up in the tail)",
        "",
        f"One `draftbot serve` process (uvicorn, "
        f"{'PostgreSQL' if args.postgresql else 'SQLite WAL'}, offline drafter) on loopback; each "
        f"client has its own keep-alive connection and its own report (busy-2023). Every page "
        f"row: all {args.clients} clients on that page for {args.seconds:g} s. Downloads "
        f"afterwards, {args.download_clients} clients for {args.seconds / 2:g} s each (not a "
        "page goal).",
        "",
        "| Page | clients | requests | errors | p50 (ms) | p95 (ms) | max (ms) | p95 goal | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, n, values, errors in results:
        p95 = percentile(values, 0.95) * 1000
        is_page = name not in DOWNLOADS
        target = f"{goal:.0f} ms" if goal and is_page else "—"
        ratio = f"{p95 / goal:.2f}" if goal and is_page else "—"
        lines.append(
            f"| {name} | {n} | {len(values)} | {len(errors)} | "
            f"{statistics.median(values) * 1000:.0f} | {p95:.0f} | {max(values) * 1000:.0f} | "
            f"{target} | {ratio} |"
        )
    errors = [e for _, _, _, errs in results for e in errs]
    if errors:
        lines += ["", "Errors: " + "; ".join(errors[:5])]
    publish(lines, args.write)


def _collect(name: str, clients: list[Client]) -> tuple[str, int, list[float], list[str]]:
    values = [t for c in clients for t in c.times]
    errors = [e for c in clients for e in c.errors]
    return name, len(clients), values, errors


if __name__ == "__main__":
    main()
