"""Page latency of the web app: 20 concurrent clients on loopback, p50/p95 per page.

Starts `python -m draftbot serve` on a free port with a fresh data folder, seeds one report per
client (a copy of examples/busy-2023.yaml), then each client thread fetches the main pages in
turn over its own keep-alive connection and saves one table cell (the autosave request).
Writes bench/results/web_latency.md.

    .venv/bin/python bench/web_latency.py [--clients 20] [--rounds 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
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
RESULTS = ROOT / "bench" / "results" / "web_latency.md"
PAGES = {
    "报告列表 /": "/",
    "概况": "/reports/{id}",
    "引导填报": "/reports/{id}/guide",
    "表三": "/reports/{id}/tables/3",
    "起草与审核": "/reports/{id}/draft",
    "导出页": "/reports/{id}/export",
    "Word 下载": "/reports/{id}/download.docx",
}
EDIT = "自动保存（POST 一格）"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DRAFTBOT_DATA_DIR": str(data_dir)}
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


def seed(data_dir: Path, count: int) -> list[str]:
    from draftbot.datafile import load_report
    from draftbot.store import Store

    store = Store.in_folder(data_dir)
    report = load_report(ROOT / "examples" / "busy-2023.yaml")
    return [store.create(report).id for _ in range(count)]


class Client(threading.Thread):
    def __init__(self, port: int, report_id: str, rounds: int, start: threading.Barrier) -> None:
        super().__init__(daemon=True)
        self.port, self.report_id, self.rounds, self.start_barrier = port, report_id, rounds, start
        self.times: dict[str, list[float]] = {name: [] for name in [*PAGES, EDIT]}
        self.errors: list[str] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        status, headers, _ = self._request(conn, "GET", "/")
        jar: SimpleCookie = SimpleCookie()
        jar.load(headers.get("set-cookie", ""))
        token = jar["draftbot_csrf"].value
        cookie = f"draftbot_csrf={token}"
        version = self._version(conn, cookie)
        self.start_barrier.wait()
        for i in range(self.rounds):
            for name, path in PAGES.items():
                t0 = time.perf_counter()
                status, _, _ = self._request(conn, "GET", path.format(id=self.report_id), cookie)
                self.times[name].append(time.perf_counter() - t0)
                if status != 200:
                    self.errors.append(f"{name}: HTTP {status}")
            body = f'{{"version": {version}, "changes": {{"table2.licensing": "{i}"}}}}'
            t0 = time.perf_counter()
            status, _, _ = self._request(
                conn,
                "POST",
                f"/api/reports/{self.report_id}/edit",
                cookie,
                body.encode(),
                {"Content-Type": "application/json", "X-CSRF-Token": token},
            )
            self.times[EDIT].append(time.perf_counter() - t0)
            if status != 200:
                self.errors.append(f"{EDIT}: HTTP {status}")
            version += 1
        conn.close()

    def _version(self, conn: http.client.HTTPConnection, cookie: str) -> int:
        import json

        _, _, data = self._request(conn, "GET", f"/api/reports/{self.report_id}/state", cookie)
        return int(json.loads(data)["version"])

    def _request(self, conn, method, path, cookie="", body=None, extra=None):
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept": "text/html", **(extra or {})}
        if cookie:
            headers["Cookie"] = cookie
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--no-write", action="store_true", help="只打印，不写结果文件")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        ids = seed(data_dir, args.clients)
        port = free_port()
        server = start_server(data_dir, port)
        try:
            barrier = threading.Barrier(args.clients)
            clients = [Client(port, ids[i], args.rounds, barrier) for i in range(args.clients)]
            t0 = time.perf_counter()
            for c in clients:
                c.start()
            for c in clients:
                c.join()
            wall = time.perf_counter() - t0
        finally:
            server.terminate()
            server.wait()
    errors = [e for c in clients for e in c.errors]
    lines = [
        "# Web page latency",
        "",
        f"- Command: `.venv/bin/python bench/web_latency.py --clients {args.clients} "
        f"--rounds {args.rounds}`",
        f"- Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"{platform.python_implementation()} {platform.python_version()} on "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; "
        f"1-minute load average before the run {load_before:.1f} (other work on the machine "
        "shows up in the tail)",
        f"- Server: one `draftbot serve` process (uvicorn, SQLite WAL, offline drafter), "
        f"loopback; {args.clients} concurrent clients, each with its own keep-alive connection "
        f"and its own report (copy of examples/busy-2023.yaml); {args.rounds} rounds of every "
        "page plus one autosave each.",
        f"- Wall time {wall:.1f} s for {sum(len(v) for c in clients for v in c.times.values())} "
        f"requests; errors: {len(errors)}" + (f" ({'; '.join(errors[:5])})" if errors else ""),
        "",
        "| Page | requests | p50 (ms) | p95 (ms) | max (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in [*PAGES, EDIT]:
        values = [t for c in clients for t in c.times[name]]
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values) * 1000:.0f} | "
            f"{percentile(values, 0.95) * 1000:.0f} | {max(values) * 1000:.0f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
