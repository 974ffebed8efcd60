"""Drafting speed: LLM path against a fake server with a fixed 1 s latency, the cache, and
offline drafting of 1,000 reports.

Usage: .venv/bin/python bench/draft_speed.py [--runs 7] [--reports 1000]
                                            [--write bench/results/draft_speed.md]

Targets (issue 4): one report ≤ 1.3 s wall with a server answering after 1 s (sections are
drafted concurrently); a second run with unchanged inputs makes zero calls; offline drafting
of 1,000 reports < 10 s. Medians; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))  # the fake OpenAI-compatible server lives with the tests

from machine import machine_line  # noqa: E402

from draftbot.config import Settings  # noqa: E402
from draftbot.datafile import load_report  # noqa: E402
from draftbot.drafting import draft_offline, draft_report  # noqa: E402
from draftbot.model import Report  # noqa: E402
from fake_openai import FakeOpenAI, normal  # noqa: E402

ANSWER = "本年，本机关按照《条例》要求开展政府信息公开工作，自觉接受社会监督。"


def llm_settings(fake: FakeOpenAI, cache: Path) -> Settings:
    return Settings(
        _env_file=None,
        llm_base_url=fake.base_url,
        llm_model="fake-model",
        llm_api_key="sk-bench",
        llm_timeout=10,
        cache_dir=cache,
    )


def bench_llm(report: Report, runs: int) -> dict[str, object]:
    with FakeOpenAI() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.default = normal(ANSWER, delay=1.0)
        draft_report(report, llm_settings(fake, Path(tmp) / "warm-up"))  # imports, first connect
        cold, calls = [], []
        for i in range(runs):
            before = fake.calls
            start = time.perf_counter()
            outcome = draft_report(report, llm_settings(fake, Path(tmp) / f"cold-{i}"))
            cold.append(time.perf_counter() - start)
            calls.append(fake.calls - before)
            assert all(d.source == "fake-model" for d in outcome.sections.values())
        cached_settings = llm_settings(fake, Path(tmp) / "cold-0")
        before = fake.calls
        start = time.perf_counter()
        second = draft_report(report, cached_settings)
        cached_time = time.perf_counter() - start
        cached_calls = fake.calls - before
        assert all(d.cached for d in second.sections.values())
    return {
        "cold": cold,
        "calls": calls,
        "cached_time": cached_time,
        "cached_calls": cached_calls,
    }


def bench_cli(runs: int) -> list[float]:
    """`draftbot draft` in a fresh process (imports included), against the same 1 s server."""
    import os
    import shutil
    import subprocess

    samples = []
    with FakeOpenAI() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.default = normal(ANSWER, delay=1.0)
        for i in range(runs):
            path = Path(tmp) / f"busy-{i}.yaml"
            shutil.copy(ROOT / "examples" / "busy-2023.yaml", path)
            env = {
                **os.environ,
                "DRAFTBOT_LLM_BASE_URL": fake.base_url,
                "DRAFTBOT_LLM_MODEL": "fake-model",
                "DRAFTBOT_LLM_API_KEY": "sk-bench",
                "DRAFTBOT_CACHE_DIR": str(Path(tmp) / f"cache-{i}"),
            }
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "draftbot", "draft", str(path)],
                env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            samples.append(time.perf_counter() - start)
    return samples


def many_reports(count: int) -> list[Report]:
    bases = [load_report(ROOT / "examples" / name) for name in ("busy-2023.yaml", "seed-2022.yaml")]
    reports = []
    for i in range(count):
        report = bases[i % 2].model_copy(deep=True)
        report.meta.agency = f"示例县第{i}局"
        report.table3.new_received.natural_person += i % 7
        report.table3.carried_forward.natural_person += i % 7
        if report.facts.proactive_total is not None:
            report.facts.proactive_total += i
        reports.append(report)
    return reports


def bench_offline(count: int, runs: int) -> list[float]:
    reports = many_reports(count)
    draft_offline(reports[0])  # compile the templates once
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for report in reports:
            draft_offline(report)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    report = load_report(ROOT / "examples" / "busy-2023.yaml")
    llm = bench_llm(report, args.runs)
    offline = bench_offline(args.reports, max(3, args.runs // 2))
    cli = bench_cli(max(3, args.runs // 2))
    cold = llm["cold"]
    lines = [
        "# Drafting speed",
        "",
        f"Machine: {machine_line()}",
        "",
        f"Command: `.venv/bin/python bench/draft_speed.py --runs {args.runs} "
        f"--reports {args.reports} --write bench/results/draft_speed.md`",
        "",
        "| Case | Result | Target |",
        "|---|---|---|",
        f"| LLM path, one report (busy-2023, 8 sections), fake server answering after 1 s, empty cache"
        f" — median of {len(cold)} (min–max) | {statistics.median(cold):.3f} s "
        f"({min(cold):.3f}–{max(cold):.3f}) | ≤ 1.3 s |",
        f"| HTTP calls per report on that run | {sorted(set(llm['calls']))} | 8 (one per section) |",
        f"| Second run, unchanged inputs (cache) | {llm['cached_calls']} calls, "
        f"{llm['cached_time'] * 1000:.1f} ms | 0 calls |",
        f"| `draftbot draft examples/busy-2023.yaml` in a fresh process (imports, load, draft, "
        f"atomic save), same 1 s server — median of {len(cli)} | {statistics.median(cli):.3f} s "
        f"({min(cli):.3f}–{max(cli):.3f}) | (not a target; shows the one-off import cost) |",
        f"| Offline drafting of {args.reports} reports, in-process — median of {len(offline)} "
        f"| {statistics.median(offline):.2f} s ({statistics.median(offline) / args.reports * 1000:.2f} ms/report) "
        "| < 10 s |",
        "",
        "The LLM runs are measured in a warm process (LangChain/openai already imported by one "
        "warm-up run, which is not counted); each measured run uses a new, empty cache folder.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
