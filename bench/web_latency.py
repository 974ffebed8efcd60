"""Page latency of the web app on loopback: N concurrent clients on each main page in turn.

Starts `python -m draftbot serve` on a free port with a fresh data folder and seeds one report
per client (a copy of examples/busy-2023.yaml). For each main page, every client thread fetches
that page over its own keep-alive connection, again and again, for `--seconds`. Then, in a
table of their own: the autosave request (POST one cell, every client on a second report of
its own, so the edits never touch the page or download reports), and the downloads (.docx,
.yaml) with `--download-clients` clients on third, untouched reports (a formal Word export
needs the report to pass its checks, which a stream of edits may not leave it in).

    .venv/bin/python bench/web_latency.py [--clients 20] [--seconds 20] [--postgresql]
        [--rounds pages,edit,downloads] [--baseline DIR] [--write FILE]

With `--baseline DIR` (a checkout of an earlier commit, e.g. from `git archive`), a second
server runs that code (PYTHONPATH=DIR/src) on its own copy of the data, and every round is
split into `--reps` slices that alternate between the two servers, so both see the same
load from the rest of the machine: the table gives before/after p95, requests and ratios.

With `--postgresql` the server keeps its data in PostgreSQL (DRAFTBOT_TEST_DATABASE_URL, else a
throwaway cluster from tests/databases.py) instead of the SQLite file.

Goals (issue 19): page p95 ≤ 50 ms at 20 clients, ≤ 250 ms at 100 clients, 0 errors. The
autosave row is held to the same p95 for the ratio; downloads have no goal (0 errors still).
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


def start_server(
    data_dir: Path, port: int, database_url: str = "", source: Path | None = None, workers: int = 1
) -> subprocess.Popen[bytes]:
    """`draftbot serve` (code of `source`, else this checkout) with `workers` processes,
    answering on `port`."""
    env = {**os.environ, "DRAFTBOT_DATA_DIR": str(data_dir), "DRAFTBOT_DATABASE_URL": database_url}
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    for name in ("DRAFTBOT_LLM_BASE_URL", "DRAFTBOT_LLM_API_KEY", "OPENAI_API_KEY"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "draftbot", "serve", "--port", str(port)]
        + (["--workers", str(workers)] if workers > 1 else []),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(1200):  # spawned workers import everything: slow on a loaded machine
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

    def __init__(self, port: int, report_id: str, edit_id: str = "") -> None:
        super().__init__(daemon=True)
        self.port, self.report_id, self.edit_id = port, report_id, edit_id or report_id
        self.times: list[float] = []
        self.errors: list[str] = []
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        _, headers, _ = self._request("GET", "/")
        jar: SimpleCookie = SimpleCookie()
        jar.load(headers.get("set-cookie", ""))
        self.token = jar["draftbot_csrf"].value
        self.cookie = f"draftbot_csrf={self.token}"
        self.version = self._version(self.edit_id)
        self.job: tuple[str, str, float, threading.Barrier] | None = None

    def run_page(self, name: str, path: str, until: float, barrier: threading.Barrier) -> None:
        self.times, self.errors = [], []
        self.conn.close()  # a fresh connection per round: the server drops idle ones after 5 s
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
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
            f"/api/reports/{self.edit_id}/edit",
            self.cookie,
            body.encode(),
            {"Content-Type": "application/json", "X-CSRF-Token": self.token},
        )
        if status == 200:
            self.version += 1
        return status

    def _version(self, report_id: str) -> int:
        import json

        _, _, data = self._request("GET", f"/api/reports/{report_id}/state", self.cookie)
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
    parser.add_argument("--rounds", default="pages,edit,downloads", help="which tables to run")
    parser.add_argument("--baseline", type=Path, default=None, help="earlier checkout to compare")
    parser.add_argument("--reps", type=int, default=4, help="alternating slices per round")
    parser.add_argument("--workers", type=int, default=1, help="server processes (serve --workers)")
    parser.add_argument("--baseline-workers", type=int, default=1, help="same, baseline server")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        database_url = ""
        if args.postgresql:
            sys.path.insert(0, str(ROOT / "tests"))
            from databases import fresh_schema, server_url

            database_url = stack.enter_context(fresh_schema(stack.enter_context(server_url())))
        if args.baseline:
            compare(args)
        else:
            measure(args, database_url)


def compare(args: argparse.Namespace) -> None:
    """Baseline and current server side by side, rounds alternating in `args.reps` slices."""
    load_before = os.getloadavg()[0]
    rounds = set(args.rounds.split(","))
    n, k = args.clients, args.download_clients
    jobs = [*PAGES.items()] if "pages" in rounds else []
    jobs += [(EDIT, "")] if "edit" in rounds else []
    jobs += [*DOWNLOADS.items()] if "downloads" in rounds else []
    times: dict[tuple[str, str], list[float]] = {}
    errors: dict[tuple[str, str], list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sides: dict[str, tuple[subprocess.Popen[bytes], list[Client], list[Client]]] = {}
        try:
            for side, source, workers in (
                ("before", args.baseline, args.baseline_workers),
                ("after", None, args.workers),
            ):
                data_dir = Path(tmp) / side
                data_dir.mkdir()
                ids = seed(data_dir, 2 * n + k)
                port = free_port()
                server = start_server(data_dir, port, source=source, workers=workers)
                clients = [Client(port, ids[i], ids[n + i]) for i in range(n)]
                few = [Client(port, ids[2 * n + i]) for i in range(k)]
                sides[side] = (server, clients, few)
            for name, path in jobs:
                for _ in range(args.reps):
                    for side, (_, clients, few) in sides.items():
                        who = few if name in DOWNLOADS else clients
                        span = args.seconds / (2 if name in DOWNLOADS else 1) / args.reps
                        run_round(who, name, path, span)
                        times.setdefault((name, side), []).extend(t for c in who for t in c.times)
                        errors.setdefault((name, side), []).extend(e for c in who for e in c.errors)
        finally:
            for server, _, _ in sides.values():
                server.terminate()
                server.wait()
    load_after = os.getloadavg()[0]
    lines = [
        f"# Web latency before/after, {n} concurrent clients, rounds alternating",
        "",
        f"Command: `.venv/bin/python bench/web_latency.py --clients {n} --seconds {args.seconds:g}"
        f" --baseline {args.baseline} --reps {args.reps}"
        + (f" --rounds {args.rounds}" if args.rounds != "pages,edit,downloads" else "")
        + (f" --workers {args.workers}" if args.workers > 1 else "")
        + (f" --baseline-workers {args.baseline_workers}" if args.baseline_workers > 1 else "")
        + (f" --write {args.write}`" if args.write else "`")
        + "  ",
        f"Machine: {machine_line()}; 1-minute load average {load_before:.1f} before the run, "
        f"{load_after:.1f} after",
        "",
        f"Two `draftbot serve` processes (SQLite WAL, offline drafter), each on its own copy of "
        f"the data: “before” runs the code in {args.baseline} ({args.baseline_workers} "
        f"process(es)), “after” this checkout ({args.workers}). Each row: "
        f"{args.seconds:g} s per server in {args.reps} alternating slices, so both share the "
        "same machine load. Autosave and downloads on reports of their own.",
        "",
        "| Request | p50 before | p50 after | p95 before (ms) | p95 after (ms) | p95 after/before "
        "| requests before | requests after | errors before | errors after | p95 goal | "
        "after/goal |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    goal = GOALS_MS.get(n)
    for name, _ in jobs:
        before, after = times[(name, "before")], times[(name, "after")]
        p95b, p95a = percentile(before, 0.95) * 1000, percentile(after, 0.95) * 1000
        has_goal = goal and name not in DOWNLOADS
        lines.append(
            f"| {name} | {statistics.median(before) * 1000:.0f} | "
            f"{statistics.median(after) * 1000:.0f} | {p95b:.0f} | {p95a:.0f} | "
            f"{p95a / p95b:.2f} | {len(before)} | {len(after)} | "
            f"{len(errors[(name, 'before')])} | {len(errors[(name, 'after')])} | "
            + (f"{goal:.0f} ms | {p95a / goal:.2f} |" if has_goal else "— | — |")
        )
    seen = sorted({e for key, errs in errors.items() for e in errs if key[1] == "after"})
    if seen:
        lines += ["", "Errors (after): " + "; ".join(seen[:5])]
    publish(lines, args.write)


def measure(args: argparse.Namespace, database_url: str) -> None:
    load_before = os.getloadavg()[0]
    goal = GOALS_MS.get(args.clients)
    results: list[tuple[str, int, list[float], list[str]]] = []
    rounds = set(args.rounds.split(","))
    n, k = args.clients, args.download_clients
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        ids = seed(data_dir, 2 * n + k, database_url)  # pages, edits, downloads: own reports
        port = free_port()
        server = start_server(data_dir, port, database_url, workers=args.workers)
        try:
            clients = [Client(port, ids[i], ids[n + i]) for i in range(n)]
            if "pages" in rounds:
                for name, path in PAGES.items():
                    run_round(clients, name, path, args.seconds)
                    results.append(_collect(name, clients))
            if "edit" in rounds:
                run_round(clients, EDIT, "", args.seconds)
                results.append(_collect(EDIT, clients))
            if "downloads" in rounds:
                few = [Client(port, ids[2 * n + i]) for i in range(k)]
                for name, path in DOWNLOADS.items():
                    run_round(few, name, path, args.seconds / 2)
                    results.append(_collect(name, few))
        finally:
            server.terminate()
            server.wait()
    load_after = os.getloadavg()[0]
    lines = [
        f"# Web page latency, {args.clients} concurrent clients"
        + (", data in PostgreSQL" if args.postgresql else ""),
        "",
        f"Command: `.venv/bin/python bench/web_latency.py --clients {args.clients} "
        f"--seconds {args.seconds:g}"
        + (" --postgresql" if args.postgresql else "")
        + (f" --rounds {args.rounds}" if rounds != {"pages", "edit", "downloads"} else "")
        + (f" --write {args.write}`" if args.write else "`")
        + "  ",
        f"Machine: {machine_line()}; 1-minute load average {load_before:.1f} before the run, "
        f"{load_after:.1f} after (other work on the shared machine shows up in the tail)",
        "",
        f"One `draftbot serve` process (uvicorn, "
        f"{'PostgreSQL' if args.postgresql else 'SQLite WAL'}, offline drafter) on loopback; each "
        f"client has its own keep-alive connection and its own report (busy-2023). Every page "
        f"row: all {args.clients} clients on that page for {args.seconds:g} s.",
        "",
    ]
    pages = [r for r in results if r[0] in PAGES]
    others = [r for r in results if r[0] not in PAGES]
    if pages:
        p95s = [percentile(values, 0.95) * 1000 for _, _, values, _ in pages]
        worst = max(p95s)
        errors = sum(len(errs) for *_, errs in pages)
        summary = f"Pages: worst p95 {worst:.0f} ms, median of the page p95s "
        summary += f"{statistics.median(p95s):.0f} ms, {errors} errors"
        if goal:
            summary += f"; goal p95 ≤ {goal:.0f} ms and 0 errors: ratio {worst / goal:.2f} (worst)"
        lines += [summary, "", *_table(pages, goal)]
    if others:
        lines += [
            "",
            f"Autosave (every client on a second report of its own, {args.seconds:g} s) and "
            f"downloads ({args.download_clients} clients on untouched reports, "
            f"{args.seconds / 2:g} s each); the downloads have no latency goal.",
            "",
            *_table(others, goal),
        ]
    errors_seen = [e for _, _, _, errs in results for e in errs]
    if errors_seen:
        lines += ["", "Errors: " + "; ".join(sorted(set(errors_seen))[:5])]
    publish(lines, args.write)


def _table(results: list[tuple[str, int, list[float], list[str]]], goal: float | None) -> list[str]:
    lines = [
        "| Request | clients | requests | errors | p50 (ms) | p95 (ms) | max (ms) | p95 goal | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, n, values, errors in results:
        p95 = percentile(values, 0.95) * 1000
        has_goal = goal and name not in DOWNLOADS
        target = f"{goal:.0f} ms" if has_goal else "—"
        ratio = f"{p95 / goal:.2f}" if goal and has_goal else "—"
        lines.append(
            f"| {name} | {n} | {len(values)} | {len(errors)} | "
            f"{statistics.median(values) * 1000:.0f} | {p95:.0f} | {max(values) * 1000:.0f} | "
            f"{target} | {ratio} |"
        )
    return lines


def _collect(name: str, clients: list[Client]) -> tuple[str, int, list[float], list[str]]:
    values = [t for c in clients for t in c.times]
    errors = [e for c in clients for e in c.errors]
    return name, len(clients), values, errors


if __name__ == "__main__":
    main()
