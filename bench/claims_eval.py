"""False alarms and misses of the claim layer on the labelled corpora: tests/corpus/claims.yaml
(the corpus the engine was built against) and tests/corpus/claims_heldout.yaml (held out:
written afterwards, not tuned to), reported separately.

Usage: .venv/bin/python bench/claims_eval.py [--write bench/results/claims_eval.md] [--list]
An entry may name `facts` (a key of the corpus's top-level `facts`): fields of the example's
facts replaced for that sentence (the clerk's 主动公开 categories, channels, practices).
For every legitimate sentence, a false alarm is any ungrounded claim (guard) or any P-01
finding (review); for every sentence with one wrong number, a miss is a guard result that
does not name that number, or a review without a P-01 finding. Goal: false alarms ≤ 2 % and
misses ≤ 5 %, for the guard and for the review. `--list` prints every false alarm and miss.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, publish

from draftbot.claims import normalize_text_keep
from draftbot.datafile import load_report
from draftbot.drafting.guard import ungrounded_claims
from draftbot.facts import FactSheet, build_fact_sheet
from draftbot.model import Report
from draftbot.review import review_report

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "claims.yaml"
HELDOUT = ROOT / "tests" / "corpus" / "claims_heldout.yaml"
EXAMPLES = ROOT / "examples"
DEFAULT_EXAMPLE = "busy-2023.yaml"
GOAL_FALSE_ALARMS = 0.02
GOAL_MISSES = 0.05


@dataclass
class Tally:
    total: int = 0
    failed: list[str] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return len(self.failed) / self.total if self.total else 0.0


@dataclass
class Evaluation:
    legitimate: int = 0
    wrong: int = 0
    guard_false_alarms: Tally = field(default_factory=Tally)
    guard_misses: Tally = field(default_factory=Tally)
    review_false_alarms: Tally = field(default_factory=Tally)
    review_misses: Tally = field(default_factory=Tally)


def load_corpus(path: Path = CORPUS) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def _example(name: str, facts: str = "", path: Path = CORPUS) -> tuple[Report, FactSheet]:
    """The example `name`, with the facts set `facts` of the corpus at `path` put in."""
    report = load_report(EXAMPLES / name)
    if facts:
        changes = load_corpus(path)["facts"][facts]
        data = report.model_dump(mode="json")
        data["facts"] = {**data["facts"], **changes}
        report = Report.model_validate(data)
    return report, build_fact_sheet(report)


def _entry_example(entry: dict[str, str], path: Path) -> tuple[Report, FactSheet]:
    return _example(entry.get("example", DEFAULT_EXAMPLE), entry.get("facts", ""), path)


def guard_names(text: str, sheet: FactSheet) -> list[str]:
    return [item.text for item in ungrounded_claims(text, sheet)]


def review_p01(report: Report, text: str) -> list[str]:
    narrative = report.narrative.model_copy(update={"overview_on_request": text})
    updated = report.model_copy(update={"narrative": narrative})
    return [f.message for f in review_report(updated) if f.code == "P-01"]


def evaluate(corpus: dict[str, Any], path: Path = CORPUS) -> Evaluation:
    """Run the guard and the review over every sentence of `corpus` (read from `path`)."""
    result = Evaluation()
    for entry in corpus["legitimate"]:
        result.legitimate += 1
        report, sheet = _entry_example(entry, path)
        text, kind = entry["text"], entry["kind"]
        for tally, found in (
            (result.guard_false_alarms, guard_names(text, sheet)),
            (result.review_false_alarms, review_p01(report, text)),
        ):
            tally.total += 1
            if found:
                tally.failed.append(f"[{kind}] {text} → {found}")
                tally.by_kind[kind] += 1
    for entry in corpus["wrong"]:
        result.wrong += 1
        report, sheet = _entry_example(entry, path)
        text, kind, wrong = entry["text"], entry["kind"], normalize_text_keep(str(entry["wrong"]))
        named = guard_names(text, sheet)
        result.guard_misses.total += 1
        if wrong not in named:
            result.guard_misses.failed.append(f"[{kind}] {text} → {named}")
            result.guard_misses.by_kind[kind] += 1
        result.review_misses.total += 1
        if not review_p01(report, text):
            result.review_misses.failed.append(f"[{kind}] {text}")
            result.review_misses.by_kind[kind] += 1
    return result


def _row(name: str, tally: Tally, goal: float) -> str:
    verdict = "met" if tally.rate <= goal else "NOT met"
    return (
        f"| {name} | {len(tally.failed)} / {tally.total} | {tally.rate:.1%} | ≤ {goal:.0%} | "
        f"{verdict} |"
    )


def report_lines(title: str, path: Path, result: Evaluation) -> list[str]:
    """The table of one corpus's rates, then every false alarm and miss."""
    lines = [
        f"## {title}",
        "",
        f"Corpus: {path.relative_to(ROOT)} — {result.legitimate} legitimate sentences, "
        f"{result.wrong} sentences with one wrong number each.",
        "",
        "| measure | count | rate | goal | |",
        "|---|---:|---:|---:|---|",
        _row("guard false alarms", result.guard_false_alarms, GOAL_FALSE_ALARMS),
        _row("guard misses", result.guard_misses, GOAL_MISSES),
        _row("review (P-01) false alarms", result.review_false_alarms, GOAL_FALSE_ALARMS),
        _row("review (P-01) misses", result.review_misses, GOAL_MISSES),
    ]
    for name, tally in (
        ("guard false alarms", result.guard_false_alarms),
        ("guard misses", result.guard_misses),
        ("review false alarms", result.review_false_alarms),
        ("review misses", result.review_misses),
    ):
        if tally.failed:
            lines += ["", f"{name}:", *(f"- {line}" for line in tally.failed)]
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument("--list", action="store_true", help="print every false alarm and miss")
    args = parser.parse_args()
    lines = [
        "# Claim layer: false alarms and misses on the labelled corpora",
        "",
        "Command: `.venv/bin/python bench/claims_eval.py`  ",
        f"Machine: {machine_line()}",
        "",
        f"Goal: false alarms ≤ {GOAL_FALSE_ALARMS:.0%}, misses ≤ {GOAL_MISSES:.0%}, "
        "for the guard and for the review.",
        "",
    ]
    for title, path in (
        ("Built-against corpus", CORPUS),
        ("Held-out corpus (not tuned to)", HELDOUT),
    ):
        lines += report_lines(title, path, evaluate(load_corpus(path), path))
    publish(lines, args.write)


if __name__ == "__main__":
    main()
