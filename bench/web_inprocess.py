"""CPU per page request inside one process (ASGI app called directly, no network, one client).

Less sensitive to other work on a shared machine than the loopback benches: it counts the
process's CPU time (`time.process_time`) per request, worker threads included.

    .venv/bin/python bench/web_inprocess.py [--requests 300] [--write FILE]

Run it once per checkout (PYTHONPATH=DIR/src for an earlier one) to compare code versions;
bench/results/web_latency.md quotes both. No goal of its own: it explains the latency rows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish
from web_latency import EDIT, PAGES, seed

TOKEN = b"0123456789abcdef" * 2
COOKIE = b"draftbot_csrf=" + TOKEN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--list", type=int, default=0, help="reports stored: the list only")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    import draftbot
    from draftbot.config import Settings
    from draftbot.web.app import WebConfig, create_app

    load = os.getloadavg()[0]
    if args.list:
        return list_cpu(args, load)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        report_id = seed(data_dir, 1)[0]
        app = create_app(WebConfig(data_dir=data_dir), Settings(data_dir=data_dir))
        rows = asyncio.run(measure(app, report_id, args.requests))
    lines = [
        "# CPU per page request, in process",
        "",
        f"Command: `.venv/bin/python bench/web_inprocess.py --requests {args.requests}`  ",
        f"Code: {Path(draftbot.__file__).resolve().parent}  ",
        f"Machine: {machine_line()}; 1-minute load average before the run {load:.1f}",
        "",
        "| Page | CPU per request, median of 5 batches (ms) | wall per request (ms) |",
        "|---|---:|---:|",
        *(f"| {name} | {cpu:.2f} | {wall:.2f} |" for name, cpu, wall in rows),
    ]
    publish(lines, args.write)


def list_cpu(args: argparse.Namespace, load: float) -> None:
    """CPU per request of the report list with `args.list` stored reports (bench/web_list.py's
    reports and its mix: pages 1–10 and 5 filters), each path in turn, after one view of each
    (which counts the rows' checks once)."""
    from web_list import paths
    from web_list import seed as seed_list

    import draftbot
    from draftbot.config import Settings
    from draftbot.web.app import WebConfig, create_app

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        seed_list(data_dir, args.list)
        app = create_app(WebConfig(data_dir=data_dir), Settings(data_dir=data_dir))

        async def run() -> list[float]:
            for path in paths():
                assert await get(app, path) == 200, path
            batches = []
            rounds = max(1, args.requests // len(paths()) // 5)
            for _ in range(5):
                c0 = time.process_time()
                for _ in range(rounds):
                    for path in paths():
                        await get(app, path)
                batches.append((time.process_time() - c0) / (rounds * len(paths())) * 1000)
            return batches

        batches = asyncio.run(run())
    lines = [
        f"# CPU per list request, {args.list:,} stored reports, in process",
        "",
        f"Command: `.venv/bin/python bench/web_inprocess.py --list {args.list}"
        f" --requests {args.requests}`  ",
        f"Code: {Path(draftbot.__file__).resolve().parent}  ",
        f"Machine: {machine_line()}; 1-minute load average before the run {load:.1f}",
        "",
        f"CPU per request (pages 1–10 and 5 filters in turn), median of 5 batches: "
        f"{statistics.median(batches):.2f} ms (batches: "
        + ", ".join(f"{b:.2f}" for b in batches)
        + ")",
    ]
    publish(lines, args.write)


async def measure(app: Any, report_id: str, requests: int) -> list[tuple[str, float, float]]:
    rows = []
    for name, template in PAGES.items():
        path = template.format(id=report_id)
        for _ in range(20):  # warm: first render, caches
            assert await get(app, path) == 200, name
        cpu, wall = [], []
        for _ in range(5):
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(requests // 5):
                await get(app, path)
            cpu.append((time.process_time() - c0) / (requests // 5) * 1000)
            wall.append((time.perf_counter() - w0) / (requests // 5) * 1000)
        rows.append((name, statistics.median(cpu), statistics.median(wall)))
    rows.append(await measure_autosave(app, report_id, requests))
    return rows


async def measure_autosave(app: Any, report_id: str, requests: int) -> tuple[str, float, float]:
    """The autosave of bench/web_latency.py (POST one 表二 cell, a new version each time):
    every save re-runs the checks of the new version; the prose stays the same."""
    version = json.loads(await fetch(app, f"/api/reports/{report_id}/state"))["version"]

    async def save() -> None:
        nonlocal version
        body = json.dumps({"version": version, "changes": {"table2.licensing": str(version % 50)}})
        status = await post(app, f"/api/reports/{report_id}/edit", body.encode())
        assert status == 200, status
        version += 1

    for _ in range(20):
        await save()
    cpu, wall = [], []
    for _ in range(5):
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(requests // 5):
            await save()
        cpu.append((time.process_time() - c0) / (requests // 5) * 1000)
        wall.append((time.perf_counter() - w0) / (requests // 5) * 1000)
    return EDIT, statistics.median(cpu), statistics.median(wall)


async def post(app: Any, path: str, body: bytes) -> int:
    """One autosave POST (JSON, CSRF header) through the whole ASGI stack; its status."""
    headers = [(b"content-type", b"application/json"), (b"x-csrf-token", TOKEN)]
    status, _ = await call(app, "POST", path, body, headers)
    return status


async def fetch(app: Any, path: str) -> bytes:
    """The body of one GET."""
    return (await call(app, "GET", path))[1]


async def get(app: Any, path: str) -> int:
    """One GET through the whole ASGI stack (middleware, routing, the page); its status."""
    return (await call(app, "GET", path))[0]


async def call(
    app: Any,
    method: str,
    path: str,
    body: bytes = b"",
    extra: list[tuple[bytes, bytes]] | None = None,
) -> tuple[int, bytes]:
    """One request through the whole ASGI stack: (status, body). `path` may carry `?query`."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"accept", b"text/html"),
            (b"cookie", COOKIE),
            *(extra or []),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status: list[int] = []
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status[0], b"".join(chunks)


if __name__ == "__main__":
    main()
