"""Memory of a batch job of the workspace (workspace.py) as the batch grows: the files come
out of the database one at a time, so the peak must not grow with the number of files.

Stores N files of 1 MB in a batch (SQLite, and PostgreSQL when DRAFTBOT_TEST_DATABASE_URL or a
throwaway cluster), runs the job (`Workspace.run`, one worker: in this process)
and reports the peak of Python allocations (tracemalloc) and the growth of the process's
resident memory. The files are of an unsupported type, so what is measured is the copy out of
the database, not the reading of reports. Goal: peak at the largest N ≤ 1.5 × peak at the
smallest.

    .venv/bin/python bench/workspace_memory.py --sizes 10 40 160 --record
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import machine_line, publish

from databases import fresh_schema, server_url
from draftbot.store import Store
from draftbot.workspace import Workspace

MB = 1024 * 1024
GOAL = 1.5


def measure(location: str | Path, files: int, scratch: Path) -> tuple[float, float]:
    """(tracemalloc peak MB, max RSS growth MB) of one job over `files` files of 1 MB."""
    store = Store(location)
    workspace = Workspace(store, scratch=scratch, jobs=1)
    batch_id = workspace.begin("", {})
    for number in range(1, files + 1):
        workspace.add_file(batch_id, number, f"{number:03d}-附件.bin", bytes([number % 256]) * MB)
    workspace.seal(batch_id)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    workspace.run(batch_id)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = workspace.result(batch_id)
    assert result is not None and len(result.items) == files
    store.close()
    return peak / MB, rss_after - rss_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 40, 160])
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    lines = [
        "# Workspace job memory against batch size",
        "",
        f"Command: `.venv/bin/python bench/workspace_memory.py --sizes {' '.join(map(str, args.sizes))}{' --record' if args.record else ''}`  ",
        f"Machine: {machine_line()}  ",
        f"Load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "",
        "| database | files of 1 MB | tracemalloc peak MB | max RSS growth MB |",
        "|---|---:|---:|---:|",
    ]
    peaks: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp, server_url() as server:
        for name in ("sqlite", "postgresql"):
            for files in args.sizes:
                if name == "sqlite":
                    sqlite_file = Path(tmp) / f"{files}.sqlite3"
                    peak, rss = measure(sqlite_file, files, Path(tmp) / "scratch")
                else:
                    with fresh_schema(server) as url:
                        peak, rss = measure(url, files, Path(tmp) / "scratch")
                peaks.setdefault(name, []).append(peak)
                lines.append(f"| {name} | {files} | {peak:.1f} | {rss:.0f} |")
    lines.append("")
    for name, values in peaks.items():
        ratio = values[-1] / values[0]
        verdict = "met" if ratio <= GOAL else "NOT met"
        lines.append(
            f"Goal ({name}): peak at {args.sizes[-1]} files ≤ {GOAL} × peak at "
            f"{args.sizes[0]} files: ratio {ratio:.2f}, {verdict}."
        )
    path = Path(__file__).parent / "results" / "workspace_memory.md" if args.record else None
    publish(lines, path)


if __name__ == "__main__":
    main()
