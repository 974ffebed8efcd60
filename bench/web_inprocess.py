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
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish
from web_latency import PAGES, seed

COOKIE = b"draftbot_csrf=" + b"0123456789abcdef" * 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    import draftbot
    from draftbot.config import Settings
    from draftbot.web.app import WebConfig, create_app

    load = os.getloadavg()[0]
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
    return rows


async def get(app: Any, path: str) -> int:
    """One GET through the whole ASGI stack (middleware, routing, the page); its status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"text/html"), (b"cookie", COOKIE)],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


if __name__ == "__main__":
    main()
