"""Quality and speed of the assistant's rule retrieval with no model (jieba + BM25).

Usage: .venv/bin/python bench/assistant_retrieval.py [--runs 5] [--write bench/results/assistant_retrieval.md]
Goal: for the clerks' questions in tests/data/assistant_questions.yaml, a rule that must be
cited is among the three shown for at least 90% of them; every question the rules do not
cover is answered 规则中没有相关规定. Also: time to build the index (first use: jieba's
dictionary and the BM25 index) and the median time to answer one question.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish

from draftbot.assistant.retrieval import TOP_K, index_for
from draftbot.assistant.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "assistant_questions.yaml"
GOAL = 0.90


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    book = load_rules()

    start = time.perf_counter()
    index = index_for(book)
    build_ms = (time.perf_counter() - start) * 1000

    hits, first, misses = 0, 0, []
    for item in data["questions"]:
        ids = index.search(item["q"]).ids
        if set(item["cite"]) & set(ids):
            hits += 1
            first += ids[0] in item["cite"]
        else:
            misses.append(f"- {item['q']} → 应引用 {'/'.join(item['cite'])}，显示 {', '.join(ids)}")
    uncovered_ok = sum(not index.search(q).covered for q in data["uncovered"])
    covered_ok = sum(index.search(item["q"]).covered for item in data["questions"])

    samples = []
    for _ in range(args.runs):
        for item in data["questions"]:
            t = time.perf_counter()
            index.search(item["q"])
            samples.append((time.perf_counter() - t) * 1000)
    total = len(data["questions"])
    share = hits / total
    lines = [
        "# Assistant: rule retrieval without a model",
        "",
        f"Command: `.venv/bin/python bench/assistant_retrieval.py --runs {args.runs}`  ",
        f"Machine: {machine_line()}",
        "",
        f"Goal: a rule that must be cited is among the {TOP_K} shown for ≥ {GOAL:.0%} of the "
        f"clerks' questions; questions the rules do not cover get 规则中没有相关规定.",
        "",
        "| measure | result |",
        "|---|---:|",
        f"| rules | {len(book.rules)} |",
        f"| questions | {total} |",
        f"| right rule in top {TOP_K} | {hits}/{total} = {share:.1%} (goal {GOAL:.0%}, ratio {share / GOAL:.2f}) |",
        f"| right rule first | {first}/{total} = {first / total:.1%} |",
        f"| questions judged covered | {covered_ok}/{total} |",
        f"| uncovered questions answered 规则中没有相关规定 | {uncovered_ok}/{len(data['uncovered'])} |",
        f"| first use (jieba dictionary + index) ms | {build_ms:.0f} |",
        f"| median ms per question ({len(samples)} searches) | {statistics.median(samples):.2f} |",
        "",
        "Misses:" if misses else "No misses.",
        *misses,
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
