"""Drafting speed where users wait: `draftbot draft` in a fresh process against a keep-alive
fake model server answering after 1 s, a fully cached re-run, and calls over 5 drafts in one
process.

Usage: .venv/bin/python bench/draft_speed.py [--runs 5] [--write bench/results/draft_speed.md]

Goals (issue 19): CLI wall ≤ slowest call + 0.8 s; fully cached re-run ≤ 0.5 s with 0 calls;
5 drafts in one process = 5 × the calls of one. Nothing is warmed up: every CLI sample is a
new process that pays every import, as a user does. The fake server speaks HTTP/1.1 and keeps
connections alive, like real providers. The cost of `import langchain_openai` alone (a fresh
process) is measured in the same run, plainly and the way draftbot imports it (cyclic collector
paused, objects frozen), because it is the floor of the cold path. Each cold sample is split
at the server's clock: process start → first request (imports, data, prompts, cache lookup,
client import and model), the calls, last answer → exit (guard, cache and data-file writes,
interpreter exit); CPU time (user + system) of the process is less sensitive to the load of a
shared machine than wall time. draftbot's own modules are byte-compiled first, as
`pip install` does (an editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise compile
them from source in every sample).
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))  # the fake OpenAI-compatible server lives with the tests

from machine import machine_line, publish  # noqa: E402

import draftbot  # noqa: E402
from draftbot.config import Settings  # noqa: E402
from draftbot.datafile import load_report  # noqa: E402
from draftbot.drafting import draft_report  # noqa: E402
from fake_openai import FakeOpenAI, normal  # noqa: E402

ANSWER = "本年，本机关按照《条例》要求开展政府信息公开工作，自觉接受社会监督。"
LATENCY = 1.0
GOAL_OVER_CALL = 0.8
GOAL_CACHED = 0.5


def _env(fake: FakeOpenAI, cache: Path, src: Path | None = None) -> dict[str, str]:
    """The CLI's environment; with `src`, another checkout's `src/` is imported instead."""
    env = {
        **os.environ,
        "DRAFTBOT_LLM_BASE_URL": fake.base_url,
        "DRAFTBOT_LLM_MODEL": "fake-model",
        "DRAFTBOT_LLM_API_KEY": "sk-bench",
        "DRAFTBOT_CACHE_DIR": str(cache),
    }
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def _run(argv: list[str], env: dict[str, str]) -> float:
    return _run_timed(argv, env)[0]


def _run_timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) of the child, and its start on the
    `time.monotonic` clock (the fake server stamps requests with the same clock)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, start


def bench_cli(
    fake: FakeOpenAI, tmp: Path, runs: int, src: Path | None = None, tag: str = ""
) -> dict[str, list[float]]:
    """Cold (empty cache) and fully cached `draftbot draft`, each a fresh process."""
    out: dict[str, list[float]] = {
        k: [] for k in ("cold", "cold_cpu", "to_first", "after_last", "cached", "cached_cpu")
    }
    cold_calls, cached_calls = [], []
    for i in range(runs):
        path = tmp / f"busy-{tag}{i}.yaml"
        shutil.copy(ROOT / "examples" / "busy-2023.yaml", path)
        cache = tmp / f"cache-{tag}{i}"
        argv = [sys.executable, "-m", "draftbot", "draft", str(path)]
        before = len(fake.requests)
        wall, cpu, start = _run_timed(argv, _env(fake, cache, src))
        stamps = [r.time for r in fake.requests[before:]]
        out["cold"].append(wall)
        out["cold_cpu"].append(cpu)
        out["to_first"].append(min(stamps) - start)
        out["after_last"].append(start + wall - (max(stamps) + LATENCY))
        cold_calls.append(len(stamps))
        shutil.copy(ROOT / "examples" / "busy-2023.yaml", path)  # same inputs again
        before = fake.calls
        wall, cpu, _ = _run_timed(argv, _env(fake, cache, src))
        out["cached"].append(wall)
        out["cached_cpu"].append(cpu)
        cached_calls.append(fake.calls - before)
    return {**out, "cold_calls": cold_calls, "cached_calls": cached_calls}


PAUSED_IMPORT = "import gc; gc.disable(); import langchain_openai; gc.freeze(); gc.enable()"


def bench_import(runs: int, code: str = "import langchain_openai") -> list[float]:
    argv = [sys.executable, "-c", code]
    return [_run(argv, dict(os.environ)) for _ in range(runs)]


def bench_baseline(runs: int) -> list[float]:
    return [_run([sys.executable, "-c", "pass"], dict(os.environ)) for _ in range(runs)]


def bench_in_process(fake: FakeOpenAI, tmp: Path, drafts: int) -> tuple[list[int], list[float]]:
    """Calls and wall per draft over successive drafts in this process (first one included)."""
    reports = [load_report(ROOT / "examples" / n) for n in ("busy-2023.yaml", "seed-2022.yaml")]
    calls, walls = [], []
    for i in range(drafts):
        settings = Settings(
            _env_file=None,
            llm_base_url=fake.base_url,
            llm_model="fake-model",
            llm_api_key="sk-bench",
            cache_dir=tmp / f"in-process-{i}",
        )
        before = fake.calls
        start = time.perf_counter()
        draft_report(reports[i % 2], settings)
        walls.append(time.perf_counter() - start)
        calls.append(fake.calls - before)
    return calls, walls


def _compare_rows(
    cli: dict[str, list[float]], other: dict[str, list[float]], src: Path | None
) -> list[str]:
    """Rows for the checkout given with --compare: its medians and this tree's ratio to them."""
    if not other:
        return []
    rows = []
    for key, label in (
        ("cold", "empty cache: wall"),
        ("cold_cpu", "empty cache: CPU time"),
        ("to_first", "empty cache: process start → first request"),
        ("after_last", "empty cache: last answer → process exit"),
        ("cached", "cached re-run: wall"),
        ("cached_cpu", "cached re-run: CPU time"),
    ):
        this, that = statistics.median(cli[key]), statistics.median(other[key])
        rows.append(
            f"| `{src}` (--compare), {label}; this tree ÷ that one | {_ms(other[key])} | — "
            f"| {this / that:.2f} |"
        )
    return rows


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument(
        "--compare",
        type=Path,
        default=None,
        help="the src/ folder of another checkout (e.g. main before a change): its cold and "
        "cached CLI samples alternate with this tree's, for a ratio measured in one run",
    )
    args = parser.parse_args()
    compileall.compile_dir(Path(draftbot.__file__).parent, quiet=1)
    if args.compare:
        compileall.compile_dir(args.compare / "draftbot", quiet=1)
    load = os.getloadavg()[0]
    with FakeOpenAI() as fake, tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        fake.default = normal(ANSWER, delay=LATENCY)
        if args.compare:  # alternate the two trees sample by sample: same load for both
            samples = [
                (
                    bench_cli(fake, tmp, 1, tag=f"n{i}-"),
                    bench_cli(fake, tmp, 1, args.compare, f"o{i}-"),
                )
                for i in range(args.runs)
            ]
            cli = {k: [v for new, _ in samples for v in new[k]] for k in samples[0][0]}
            other = {k: [v for _, old in samples for v in old[k]] for k in samples[0][1]}
        else:
            cli, other = bench_cli(fake, tmp, args.runs), {}
        calls, walls = bench_in_process(fake, tmp, 5)
        connections = fake.connections
    imports = bench_import(args.runs)
    paused = bench_import(args.runs, PAUSED_IMPORT)
    baseline = bench_baseline(args.runs)
    cold = statistics.median(cli["cold"])
    cached = statistics.median(cli["cached"])
    over = cold - LATENCY
    lines = [
        "# Drafting speed (issue 19)",
        "",
        f"Command: `.venv/bin/python bench/draft_speed.py --runs {args.runs} "
        + (f"--compare {args.compare} " if args.compare else "")
        + "--write bench/results/draft_speed.md`  ",
        f"Machine: {machine_line()}; 1-minute load average before the run {load:.1f} (the machine "
        "is shared: compare each row with the `python -c pass` and import rows of the same run)",
        "",
        f"Fake OpenAI-compatible server on 127.0.0.1, HTTP/1.1 keep-alive, every answer after "
        f"{LATENCY:g} s; report `examples/busy-2023.yaml` (8 sections, drafted concurrently). "
        f"Medians of {args.runs} (min–max); every CLI sample is a fresh process.",
        "",
        "| case | result | goal | ratio to goal |",
        "|---|---|---|---:|",
        f"| `draftbot draft`, empty cache: wall | {_ms(cli['cold'])}; calls {cli['cold_calls']} "
        f"| ≤ slowest call + {GOAL_OVER_CALL:g} s = {LATENCY + GOAL_OVER_CALL:g} s "
        f"| {cold / (LATENCY + GOAL_OVER_CALL):.2f} |",
        f"| same, wall − slowest call | {over:.2f} s | ≤ {GOAL_OVER_CALL:g} s "
        f"| {over / GOAL_OVER_CALL:.2f} |",
        f"| same: process start → first request | {_ms(cli['to_first'])} | — | — |",
        f"| same: last answer → process exit | {_ms(cli['after_last'])} | — | — |",
        f"| same: CPU time (user + system) | {_ms(cli['cold_cpu'])} | — | — |",
        f"| `draftbot draft`, fully cached re-run | {_ms(cli['cached'])}; calls "
        f"{cli['cached_calls']} | ≤ {GOAL_CACHED:g} s, 0 calls | {cached / GOAL_CACHED:.2f} |",
        f"| same: CPU time (user + system) | {_ms(cli['cached_cpu'])} | — | — |",
        *_compare_rows(cli, other, args.compare),
        f"| 5 successive drafts in one process (busy, seed, busy, …): calls per draft | {calls} "
        f"| {[calls[0]] * 5} | {sum(calls) / (5 * calls[0]):.2f} |",
        f"| same: wall per draft (the 1st pays the LangChain import) "
        f"| {', '.join(f'{w:.2f}' for w in walls)} s | — | — |",
        f"| TCP connections opened for all of the above | {connections} | — | — |",
        f"| `python -c 'import langchain_openai'` | {_ms(imports)} | — | — |",
        f"| same, collector paused and frozen as draftbot imports it (floor of the cold path) "
        f"| {_ms(paused)} | — | — |",
        f"| `python -c pass` | {_ms(baseline)} | — | — |",
        "",
        "The cold CLI path is: interpreter and draftbot imports (the cyclic collector paused "
        "for the whole command), reading and validating the data, rendering the prompts and "
        "looking them up in the cache (no LangChain/openai import for that), then, on the first "
        "miss, importing LangChain/openai and building the one chat model in a worker thread "
        "(collector paused, the result frozen out of its traversals and of the exit), one round "
        "of concurrent calls, and the atomic saves. Starting the client import in a thread at "
        "the start of the command was measured and gains nothing: the import and the data work "
        "are both pure Python and share one interpreter lock, and the cached re-run would pay "
        "the import.",
        "",
        f"Where the {over:.2f} s over the call go (medians): the client import floor "
        f"{statistics.median(paused):.2f} s; everything else before the first request "
        f"{statistics.median(cli['to_first']) - statistics.median(paused):.2f} s (interpreter, "
        "draftbot imports, data, prompts, model build, request); after the last answer "
        f"{statistics.median(cli['after_last']):.2f} s (guard, cache and data-file writes, exit)."
        + (
            f" The import floor alone is {statistics.median(paused) / GOAL_OVER_CALL:.1f}× the "
            f"{GOAL_OVER_CALL:g} s budget: with LangChain's ChatOpenAI (required) the goal cannot "
            "be met by draftbot's own code; what draftbot adds beyond the floor is the rest."
            if statistics.median(paused) > GOAL_OVER_CALL
            else ""
        ),
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
