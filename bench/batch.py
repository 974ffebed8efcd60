"""`draftbot batch` on 1,000 data files: read, audit, check, draft offline, export .docx.

Usage: .venv/bin/python bench/batch.py [--reports 1000] [--jobs 2] [--runs 3] [--write bench/results/batch.md]
Goal (issue 16): 1,000 data-file reports checked, drafted offline and exported to .docx with
`draftbot batch` on 2 cores in at most 60 s wall, peak memory recorded. Each run is the real
command in a fresh process (start-up, worker spawn, summary files included). Peak memory is
the largest sum of resident memory over the command and its worker processes, sampled every
50 ms from /proc.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish

from draftbot.datafile import dump_report, load_report
from draftbot.model import AgencyLevel

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 60.0
DEPARTMENTS = ("教育局", "民政局", "财政局", "水利局", "商务局", "审计局", "统计局", "林业局")
LEVELS = (AgencyLevel.county_department, AgencyLevel.township, AgencyLevel.city_department)


def write_reports(folder: Path, n: int) -> None:
    """`n` reports in three shapes: busy (2023), all zero (2022), with published prose (2022)."""
    bases = [
        load_report(ROOT / "examples" / name)
        for name in ("busy-2023.yaml", "seed-2022.yaml", "seed-2022-as-published.yaml")
    ]
    for i in range(n):
        report = bases[i % len(bases)].model_copy(deep=True)
        county = f"样例{i // len(DEPARTMENTS) + 1}县"
        report.meta.agency = county + DEPARTMENTS[i % len(DEPARTMENTS)]
        report.meta.level = LEVELS[i % len(LEVELS)]
        report.previous_year = None
        (folder / f"{i:04d}.yaml").write_text(dump_report(report), encoding="utf-8")


def _tree_rss_kb(pid: int) -> int:
    """Resident memory (kB) of `pid` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        ppid = int(fields.get("PPid", "0").strip() or 0)
        children.setdefault(ppid, []).append(int(proc.name))
        rss[int(proc.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def one_run(inputs: Path, out: Path, jobs: int) -> tuple[float, float, int, int]:
    """(wall s, CPU s of the command and its workers, peak kB over the process tree, .docx written)."""
    command = [
        str(ROOT / ".venv" / "bin" / "draftbot"),
        "batch",
        str(inputs),
        "--draft",
        "--offline",
        "--export",
        str(out / "docx"),
        "-o",
        str(out / "summary"),
        "--jobs",
        str(jobs),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        raise SystemExit(
            f"draftbot batch failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return wall, cpu, peak, len(list((out / "docx").glob("*.docx")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        write_reports(inputs, args.reports)
        runs = []
        for n in range(args.runs):
            runs.append(one_run(inputs, Path(tmp) / f"out{n}", args.jobs))
    walls = [r[0] for r in runs]
    cpus = [r[1] for r in runs]
    peaks = [r[2] for r in runs]
    median = statistics.median(walls)
    ratio = median / GOAL_S
    cpu = statistics.median(cpus)
    quiet = cpu / args.jobs
    lines = [
        f"# `draftbot batch`: {args.reports} data files checked, drafted offline, exported to .docx",
        "",
        f"Command: `.venv/bin/python bench/batch.py --reports {args.reports} --jobs {args.jobs} "
        f"--runs {args.runs}` (runs `draftbot batch DIR --draft --offline --export OUT -o SUM "
        f"--jobs {args.jobs}`)  ",
        f"Machine: {machine_line()}; load average before the runs: {load}",
        "",
        "| run | wall s | CPU s (command + workers) | peak memory MB (command + workers) | .docx written |",
        "|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {i} | {w:.1f} | {c:.1f} | {p / 1024:.0f} | {d} |"
        for i, (w, c, p, d) in enumerate(runs, 1)
    ]
    lines += [
        "",
        f"Goal: ≤ {GOAL_S:.0f} s wall on 2 cores (issue 16). Median {median:.1f} s → ratio "
        f"{ratio:.2f} of the goal ({'met' if ratio <= 1 else 'NOT met'}). Peak memory "
        f"{max(peaks) / 1024:.0f} MB. Per report: {median / args.reports * 1000:.0f} ms wall.",
        f"CPU time does not depend on what else the machine runs: median {cpu:.1f} s, i.e. "
        f"{cpu / args.jobs:.1f} s of wall on {args.jobs} otherwise idle cores "
        f"(ratio {quiet / GOAL_S:.2f} of the goal).",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
