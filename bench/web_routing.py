"""What route matching costs a cached page: the app as built (routes added straight into its
route table, app.py `_add_routes`) against the same app built with `include_router` per route
module, in one process, batches taken in turn so both see the same machine load.

    .venv/bin/python bench/web_routing.py [--requests 200] [--rounds 7] [--write FILE]

Per page: CPU per request (`time.process_time`; the lowest and the median of the rounds) and
Python function calls per request (cProfile, exact: does not depend on the load). No goal of
its own: it decides whether the flat route table is worth keeping (bench/results/web_latency.md).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish
from web_inprocess import get
from web_latency import PAGES, seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per batch")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    from draftbot.config import Settings
    from draftbot.web import app as web_app

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        report_id = seed(data_dir, 1)[0]
        config = web_app.WebConfig(data_dir=data_dir)
        flat = web_app.create_app(config, Settings(data_dir=data_dir))
        with mock.patch.object(
            web_app, "_add_routes", lambda app, router: app.include_router(router)
        ):
            included = web_app.create_app(config, Settings(data_dir=data_dir))
        rows = asyncio.run(measure({"include_router": included, "flat": flat}, report_id, args))
    lines = [
        "# Route matching: include_router per module against a flat route table",
        "",
        f"Command: `.venv/bin/python bench/web_routing.py --requests {args.requests}"
        f" --rounds {args.rounds}`  ",
        f"Machine: {machine_line()}; 1-minute load average before the run {load:.1f}",
        "",
        "| Page | CPU/request include_router → flat, lowest (ms) | median (ms) "
        "| calls/request include_router → flat |",
        "|---|---:|---:|---:|",
        *rows,
    ]
    publish(lines, args.write)


async def measure(apps: dict[str, Any], report_id: str, args: argparse.Namespace) -> list[str]:
    rows = []
    for name, template in PAGES.items():
        path = template.format(id=report_id)
        cpu: dict[str, list[float]] = {key: [] for key in apps}
        calls: dict[str, float] = {}
        for key, app in apps.items():
            for _ in range(20):  # warm: first render, caches
                assert await get(app, path) == 200, (name, key)
            calls[key] = await calls_per_request(app, path, args.requests)
        for _ in range(args.rounds):
            for key, app in apps.items():
                c0 = time.process_time()
                for _ in range(args.requests):
                    await get(app, path)
                cpu[key].append((time.process_time() - c0) / args.requests * 1000)
        a, b = (cpu[key] for key in apps)
        ca, cb = calls.values()
        rows.append(
            f"| {name} | {min(a):.3f} → {min(b):.3f} ({min(b) / min(a):.2f}) "
            f"| {statistics.median(a):.3f} → {statistics.median(b):.3f} "
            f"({statistics.median(b) / statistics.median(a):.2f}) "
            f"| {ca:.0f} → {cb:.0f} ({cb / ca:.2f}) |"
        )
    return rows


async def calls_per_request(app: Any, path: str, requests: int) -> float:
    """Python function calls per request (cProfile's count, primitive and recursive)."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        await get(app, path)
    profile.disable()
    return float(pstats.Stats(profile).total_calls) / requests  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
