"""Cost of server mode per request: the same requests in local mode and in server mode.

In one run, over one app per mode (in-process, Starlette's TestClient, SQLite in a temporary
folder): the live-state API of a report (GET), an autosave of one cell (POST), which in
server mode also writes one audit trail entry in the same transaction, and the report list.
Server mode adds a session lookup, the route's access rule and the report's owner per
request. Also: one login (argon2id verify), which is slow on purpose.

    .venv/bin/python bench/accounts_overhead.py [--rounds 200] [--write bench/results/accounts_overhead.md]

Goal: each request's median in server mode ≤ 1.5 × its median in local mode.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish

GOAL = 1.5
CELL = "table3.granted.natural_person"


def _clients(folder: Path) -> dict[str, Any]:
    from server_mode import AGENCY_A, login, new_report, server_mode
    from web_helpers import make_client

    local = make_client(folder / "local")
    local_id = new_report(local, AGENCY_A)
    mode = server_mode(folder / "server")
    server = mode.client()
    start = time.perf_counter()
    assert login(server, "clerk_a").status_code == 303
    login_ms = (time.perf_counter() - start) * 1000
    server_id = new_report(server, AGENCY_A)
    return {"local": (local, local_id), "server": (server, server_id), "login_ms": login_ms}


def _median_ms(client: Any, report_id: str, kind: str, rounds: int) -> float:
    from web_helpers import headers

    samples = []
    version = int(client.get(f"/api/reports/{report_id}/state").json()["version"])
    for i in range(rounds):
        start = time.perf_counter()
        if kind == "state":
            response = client.get(f"/api/reports/{report_id}/state")
        elif kind == "list":
            response = client.get("/")
        else:
            response = client.post(
                f"/api/reports/{report_id}/edit",
                json={"version": version, "changes": {CELL: str(i % 50 + 1)}},
                headers=headers(client),
            )
            version = int(response.json()["version"])
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clients = _clients(Path(tmp))
        lines = [
            "# Server mode: cost per request",
            "",
            f"Machine: {machine_line()}",
            f"Command: .venv/bin/python bench/accounts_overhead.py --rounds {args.rounds}",
            f"Goal: median in server mode ≤ {GOAL} × median in local mode, per request.",
            "",
            "| request | local (ms, median) | server mode (ms, median) | ratio | goal met |",
            "|---|---|---|---|---|",
        ]
        ok = True
        for kind, label in (
            ("state", "GET live state"),
            ("edit", "POST autosave one cell"),
            ("list", "GET report list"),
        ):
            local = _median_ms(*clients["local"], kind, args.rounds)
            server = _median_ms(*clients["server"], kind, args.rounds)
            ratio = server / local
            ok = ok and ratio <= GOAL
            lines.append(
                f"| {label} | {local:.1f} | {server:.1f} | {ratio:.2f} | "
                f"{'yes' if ratio <= GOAL else 'no'} |"
            )
        lines += ["", f"One login (argon2id verify): {clients['login_ms']:.0f} ms."]
        lines.append(f"Goal met: {'yes' if ok else 'no'}.")
    publish(lines, args.write)


if __name__ == "__main__":
    main()
