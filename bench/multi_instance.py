"""Two app instances on one PostgreSQL database, one killed (SIGKILL) and restarted mid-run.

Starts two `python -m draftbot serve` processes on free ports sharing one PostgreSQL
database (DRAFTBOT_TEST_DATABASE_URL, else a throwaway cluster made with initdb/pg_ctl; a
fresh schema either way), then `--clients` clients edit reports through both instances for
`--seconds` (autosave of a table cell and section saves, two clients per report, one per
instance, so they race); at the middle instance A gets SIGKILL and is restarted at once.
Afterwards every acknowledged write is looked for in the database (tests/multi_instance.py).

    .venv/bin/python bench/multi_instance.py [--clients 20] [--seconds 30] [--write FILE]

Goal (issue 17): 0 acknowledged writes lost, conflicts answered 409, no other errors.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))
from machine import machine_line, publish  # noqa: E402

from databases import fresh_schema, server_url  # noqa: E402
from multi_instance import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with server_url() as url, fresh_schema(url) as schema_url, tempfile.TemporaryDirectory() as tmp:
        outcome = run(schema_url, Path(tmp), clients=args.clients, seconds=args.seconds)
    times = sorted(outcome.times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times else 0.0
    lines = [
        "# Two app instances on one PostgreSQL, one killed and restarted",
        "",
        f"Command: `.venv/bin/python bench/multi_instance.py --clients {args.clients} "
        f"--seconds {args.seconds:g}" + (f" --write {args.write}`" if args.write else "`") + "  ",
        f"Machine: {machine_line()}; 1-minute load average before the run {load_before:.1f}",
        "",
        f"Two `draftbot serve` processes (uvicorn, offline drafter) on loopback sharing one "
        f"PostgreSQL database; {args.clients} clients, two per report (one through each "
        f"instance), alternating a table-cell autosave and a section save for "
        f"{args.seconds:g} s. Instance A got SIGKILL at {outcome.killed_at:.1f} s and was "
        f"restarted at once (ready again after {outcome.restart_seconds:.1f} s); its clients "
        "failed over to instance B meanwhile, as a reverse proxy would.",
        "",
        "Goal: 0 acknowledged writes lost; conflicts answered 409; no other errors.",
        "",
        "| acknowledged writes | 409 conflicts | 503 busy | cut by the kill (unacknowledged) "
        "| other errors | **lost** | write p50 (ms) | write p95 (ms) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {outcome.acknowledged} | {outcome.conflicts} | {outcome.busy} | "
        f"{outcome.unacknowledged} | {len(outcome.other_errors)} | **{len(outcome.lost)}** | "
        f"{statistics.median(times) * 1000 if times else 0:.0f} | {p95 * 1000:.0f} |",
        "",
        f"Result: {'PASS' if not outcome.lost and not outcome.other_errors else 'FAIL'} "
        f"(lost {len(outcome.lost)} of {outcome.acknowledged} acknowledged; ratio lost/goal "
        f"{len(outcome.lost)}/0).",
    ]
    if outcome.lost or outcome.other_errors:
        lines += ["", "Problems: " + "; ".join((outcome.lost + outcome.other_errors)[:10])]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
