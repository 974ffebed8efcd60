"""What routing and the app's guards cost a cached page, three builds of the same app in one
process, batches taken in turn so all see the same machine load:

- `include_router`: each route module added with `include_router` (since FastAPI 0.137 one
  lazy wrapper per router that matches each request twice), the guards as app-wide
  dependencies;
- `app-wide guards`: routes added straight into the app's table (app.py `_add_routes`), the
  guards (`require_csrf`, `require_access`) still app-wide FastAPI dependencies;
- `GuardedRoute` (the app as built): flat table, the guards run by the route's handler itself.

    .venv/bin/python bench/web_routing.py [--requests 200] [--rounds 7] [--write FILE]

Per page: CPU per request (`time.process_time`; the median of the rounds) and Python function
calls per request (cProfile, exact: does not depend on the load). No goal of its own: it
decides whether the flat route table and `GuardedRoute` are worth keeping
(bench/results/web_latency.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import functools
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish
from web_inprocess import get
from web_latency import PAGES, seed

BUILDS = ("include_router", "app-wide guards", "GuardedRoute")


@contextlib.contextmanager
def build(kind: str) -> Iterator[None]:
    """`create_app` as it was for `kind` (see the module docstring)."""
    from fastapi import Depends, FastAPI
    from fastapi.routing import APIRoute

    from draftbot.web import app as web_app
    from draftbot.web.access import require_access
    from draftbot.web.security import require_csrf

    if kind == "GuardedRoute":
        yield
        return
    guards = [Depends(require_csrf), Depends(require_access)]
    with contextlib.ExitStack() as stack:
        stack.enter_context(
            mock.patch.object(web_app, "FastAPI", functools.partial(FastAPI, dependencies=guards))
        )
        stack.enter_context(mock.patch.object(web_app, "GuardedRoute", APIRoute))
        if kind == "include_router":
            stack.enter_context(
                mock.patch.object(
                    web_app, "_add_routes", lambda app, router: app.include_router(router)
                )
            )
        yield


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
        apps = {}
        for kind in BUILDS:
            with build(kind):
                apps[kind] = web_app.create_app(config, Settings(data_dir=data_dir))
        rows = asyncio.run(measure(apps, report_id, args))
    load_after = os.getloadavg()[0]
    lines = [
        "# Route matching and guards: three builds of the app in one process",
        "",
        f"Command: `.venv/bin/python bench/web_routing.py --requests {args.requests}"
        f" --rounds {args.rounds}`  ",
        f"Machine: {machine_line()}; 1-minute load average {load:.1f} before the run, "
        f"{load_after:.1f} after",
        "",
        "| Page | CPU/request, median (ms): " + " → ".join(BUILDS) + " | GuardedRoute / app-wide "
        "| calls/request: " + " → ".join(BUILDS) + " |",
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
        medians = [statistics.median(cpu[key]) for key in apps]
        counts = [calls[key] for key in apps]
        rows.append(
            f"| {name} | {' → '.join(f'{m:.3f}' for m in medians)} "
            f"| {medians[2] / medians[1]:.2f} "
            f"| {' → '.join(f'{c:.0f}' for c in counts)} ({counts[2] / counts[1]:.2f}) |"
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
