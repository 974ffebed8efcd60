"""The report list with 10,000 stored reports: page latency and server memory.

Usage: .venv/bin/python bench/web_list.py [--reports 10000] [--clients 20] [--seconds 20]
                                          [--workers N] [--source DIR] [--load python,wrk]
                                          [--write bench/results/web_list.md]

`--workers N`: the server runs with `serve --workers N` (RSS is then the sum over its
processes). `--source DIR`: the server and the seeding run the code of an earlier checkout
(PYTHONPATH=DIR/src, e.g. from `git archive`), for a before/after in one session. `--h11`:
the server cannot import httptools and uvloop (uvicorn's h11 parser and asyncio's loop, as
before they were dependencies).

Goal (issue 19): list page p95 ≤ 100 ms with 10,000 stored reports; server RSS < 200 MB.
The reports are written straight into a fresh SQLite file (a copy of examples/busy-2023.yaml
with a different agency each), without summaries, so opening the store also measures the
one-off upgrade that creates them. Then one `draftbot serve` process is started; the first
view of each list page checks its 50 reports once (measured separately: "first view"); then
`--clients` threads fetch pages 1–10 and filtered lists (agency text, year) over keep-alive
connections for `--seconds`, then one client alone for a quarter of that. RSS is the server's
peak (VmHWM) at the end.

`--load wrk` (or `python,wrk`): the same mix from `wrk` (C, 2 threads, one keep-alive
connection per client, the paths in turn) for `--seconds` more, as its own row: the Python
client threads share the 2 cores with the server (see bench/web_latency.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish
from web_latency import free_port, percentile, start_server, wrk_round

from draftbot.datafile import load_report
from draftbot.store import Store

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 100.0
GOAL_RSS_MB = 200.0
WARM_PAGES = 10
QUERIES = ("第1", "第23", "2023", "示例县第9999局", "没有这个机关")


def seed(data_dir: Path, count: int) -> float:
    """`count` reports written directly (one transaction); returns the store-open seconds."""
    store = Store.in_folder(data_dir)
    store.close()
    report = load_report(ROOT / "examples" / "busy-2023.yaml")
    base = json.loads(report.model_dump_json(exclude_none=True))
    db = sqlite3.connect(data_dir / "draftbot.sqlite3")
    rows = []
    for i in range(count):
        base["meta"]["agency"] = f"示例县第{i}局"
        stamp = f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00"
        data = json.dumps(base, ensure_ascii=False)
        rows.append((uuid.uuid4().hex, data, stamp, stamp))
    db.executemany(
        "INSERT INTO reports (id, version, status, data, created_at, updated_at)"
        " VALUES (?, 1, 'drafting', ?, ?, ?)",
        rows,
    )
    db.execute("DELETE FROM report_summaries")
    db.commit()
    db.close()
    start = time.perf_counter()
    Store.in_folder(data_dir).close()  # creates the summaries, as on upgrade
    return time.perf_counter() - start


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    conn.request("GET", path, headers={"Accept": "text/html"})
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - start


def paths() -> list[str]:
    pages = [f"/?page={n}" for n in range(1, WARM_PAGES + 1)]
    return pages + [f"/?q={quote(q)}" for q in QUERIES]


def client(port: int, until: float, times: list[float], errors: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    choices = paths()
    rng = random.Random()
    while time.perf_counter() < until:
        path = rng.choice(choices)
        status, seconds = get(conn, path)
        times.append(seconds)
        if status != 200:
            errors.append(f"{path}: HTTP {status}")
    conn.close()


def peak_rss_mb(pid: int) -> float:
    """Peak RSS (VmHWM) of `pid` plus that of its child processes (the workers), in MB."""
    pids = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    total = 0.0
    for one in pids:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--source", type=Path, default=None, help="earlier checkout to run")
    parser.add_argument("--seed-into", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--load", default="python", help="python, wrk or python,wrk")
    parser.add_argument("--h11", action="store_true", help="server without httptools and uvloop")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    loads = args.load.split(",")
    if args.seed_into:  # in a child with the code of --source: its schema, not this one's
        print(seed(args.seed_into, args.reports))
        return
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        if args.source:
            env = {**os.environ, "PYTHONPATH": str(args.source / "src")}
            command = [sys.executable, __file__, "--seed-into", tmp, "--reports", str(args.reports)]
            done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            upgrade = float(done.stdout.split()[-1])
        else:
            upgrade = seed(data_dir, args.reports)
        port = free_port()
        server = start_server(
            data_dir, port, source=args.source, workers=args.workers, h11=args.h11
        )
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            first = [get(conn, path)[1] for path in paths()]
            conn.close()
            times: list[float] = []
            errors: list[str] = []
            if "python" in loads:
                until = time.perf_counter() + args.seconds
                threads = [
                    threading.Thread(target=client, args=(port, until, times, errors))
                    for _ in range(args.clients)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            wrk_times: list[float] = []
            wrk_errors: list[str] = []
            if "wrk" in loads:
                wrk_times, wrk_errors = wrk_round(port, paths(), args.clients, args.seconds, "")
            alone: list[float] = []
            client(port, time.perf_counter() + args.seconds / 4, alone, errors)
            rss = peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait()
    load_after = os.getloadavg()[0]
    lines = [
        f"# Report list with {args.reports:,} stored reports",
        "",
        f"Command: `.venv/bin/python bench/web_list.py --reports {args.reports} "
        f"--clients {args.clients} --seconds {args.seconds:g}"
        + (f" --workers {args.workers}" if args.workers > 1 else "")
        + (f" --source {args.source}" if args.source else "")
        + (f" --load {args.load}" if args.load != "python" else "")
        + (" --h11" if args.h11 else "")
        + "`  ",
        f"Machine: {machine_line()}; 1-minute load average {load:.1f} before the run, "
        f"{load_after:.1f} after (other work on the shared machine shows up in the tail)",
        "",
        "| measure | result | goal | ratio to goal |",
        "|---|---:|---:|---:|",
        *_rows("", times, errors, args),
        *_rows(" · wrk", wrk_times, wrk_errors, args),
        f"| one client alone for {args.seconds / 4:g} s: p50 / p95 ({len(alone)} requests) "
        f"| {statistics.median(alone) * 1000:.1f} / {percentile(alone, 0.95) * 1000:.1f} ms "
        "| — | — |",
        f"| server peak RSS (VmHWM) | {rss:.0f} MB | < {GOAL_RSS_MB:.0f} MB "
        f"| {rss / GOAL_RSS_MB:.2f} |",
        f"| first view of each of those {len(first)} lists (checks its uncounted rows once), "
        f"median (max) | {statistics.median(first) * 1000:.0f} ms ({max(first) * 1000:.0f}) "
        "| — | — |",
        f"| opening a database of {args.reports:,} reports written before summaries existed "
        f"(one-off) | {upgrade:.2f} s | — | — |",
    ]
    if errors or wrk_errors:
        lines += ["", "Errors: " + "; ".join((errors + wrk_errors)[:5])]
    publish(lines, args.write)


def _rows(label: str, times: list[float], errors: list[str], args: argparse.Namespace) -> list[str]:
    """The p95 and p50 rows of one load generator (none when it did not run)."""
    if not times:
        return []
    p95 = percentile(times, 0.95) * 1000
    return [
        f"| list page p95{label}, {args.clients} clients for {args.seconds:g} s (pages "
        f"1–{WARM_PAGES} and {len(QUERIES)} filters; {len(times)} requests, {len(errors)} errors) "
        f"| {p95:.0f} ms | ≤ {GOAL_P95_MS:.0f} ms | {p95 / GOAL_P95_MS:.2f} |",
        f"| same, p50{label} | {statistics.median(times) * 1000:.0f} ms | — | — |",
    ]


if __name__ == "__main__":
    main()
