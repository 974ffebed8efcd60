"""Start-up time of `draftbot --help` and `draftbot check`, against a bare interpreter.

Usage: .venv/bin/python bench/startup.py [--runs 21] [--compare OTHER/src] [--write FILE]

Goals (issue 19): `draftbot --help` ≤ 6 × `python -c pass`; `draftbot check FILE` ≤ 250 ms.
The machine is shared and noisy: the commands take turns within each round (so a burst of
load hits all of them alike), and we report medians and the ratio to `python -c pass`
measured in the same run. With `--compare`, `draftbot check` of another checkout's `src/`
(imported through PYTHONPATH, byte-compiled first) takes its turn in the same rounds, and the
table gives this tree's median ÷ that one's.

Bytecode: an installed draftbot has its `.pyc` files (pip compiles them at install time; an
editable install writes them on the first run). The bench therefore runs every command with
bytecode caching on (`PYTHONDONTWRITEBYTECODE` removed from the children's environment) and
runs each once before timing, so that a missing `__pycache__` in the work tree does not make
every timed run recompile draftbot's own source; that first run is reported separately.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).with_name("draftbot")  # the console script users run
DRAFTBOT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "draftbot"]
BASELINE = "python -c pass (baseline)"
HELP = "draftbot --help"
CHECK = "draftbot check examples/busy-2023.yaml"
CASES = {
    BASELINE: [sys.executable, "-c", "pass"],
    HELP: [*DRAFTBOT, "--help"],
    CHECK: [*DRAFTBOT, "check", "examples/busy-2023.yaml"],
}
HELP_GOAL = 6.0  # × baseline
CHECK_GOAL_MS = 250.0


def run_once(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one run of `argv` in milliseconds (output discarded)."""
    start = time.perf_counter()
    subprocess.run(
        argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument("--compare", type=Path, default=None, help="another checkout's src/")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cases = {name: (argv, env) for name, argv in CASES.items()}
    other = f"draftbot check examples/busy-2023.yaml ({args.compare})"
    if args.compare:
        import compileall

        compileall.compile_dir(args.compare / "draftbot", quiet=1)
        other_argv = [sys.executable, "-m", "draftbot", "check", "examples/busy-2023.yaml"]
        cases[other] = (other_argv, {**env, "PYTHONPATH": str(args.compare)})
    load = os.getloadavg()[0]
    first = {name: run_once(argv, e) for name, (argv, e) in cases.items()}  # writes the .pyc
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, (argv, e) in cases.items():
            samples[name].append(run_once(argv, e))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    load_after = os.getloadavg()[0]
    base = medians[BASELINE]
    help_ratio = medians[HELP] / base
    check_ms = medians[CHECK]
    lines = [
        "# Start-up time",
        "",
        f"Command: `.venv/bin/python bench/startup.py --runs {args.runs}"
        + (f" --compare {args.compare}" if args.compare else "")
        + "`  ",
        f"Machine: {machine_line()}; 1-minute load average {load:.1f} before the run, "
        f"{load_after:.1f} after; draftbot run as `{' '.join(Path(a).name for a in DRAFTBOT)}`; "
        "bytecode cached (one untimed first run per command, see the bench's docstring)",
        "",
        f"| command | median ms ({args.runs} runs, interleaved) | × baseline | first run ms |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| `{name}` | {ms:.0f} | {ms / base:.1f} | {first[name]:.0f} |"
        for name, ms in medians.items()
    ]
    lines += [
        "",
        "| goal | result | result ÷ goal (≤ 1 meets it) |",
        "|---|---:|---:|",
        f"| `draftbot --help` ≤ {HELP_GOAL:.0f} × baseline | {help_ratio:.1f} × "
        f"| {help_ratio / HELP_GOAL:.2f} |",
        f"| `draftbot check` ≤ {CHECK_GOAL_MS:.0f} ms | {check_ms:.0f} ms "
        f"| {check_ms / CHECK_GOAL_MS:.2f} |",
    ]
    if args.compare:
        lines.append(
            f"| `draftbot check`, this tree ÷ `{args.compare}` (same rounds) | "
            f"{check_ms:.0f} ÷ {medians[other]:.0f} ms | {check_ms / medians[other]:.2f} |"
        )
    lines += [
        "",
        "Bytecode: an installed draftbot has its `.pyc` files, so each command runs once untimed "
        "with bytecode caching on; with `PYTHONDONTWRITEBYTECODE` and no `__pycache__` (an "
        "editable install never run before) every run would recompile draftbot's own source, "
        "which no user pays twice.",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
