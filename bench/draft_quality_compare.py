"""Before/after for bench/draft_quality.py: the same generated agencies (without the new
`facts.practices`, which an older data model rejects) drafted by another checkout's offline
drafter, e.g. main before issue 12.

Usage:
  rm -rf /tmp/base && mkdir /tmp/base && git archive main src prompts schemas | tar -x -C /tmp/base
  .venv/bin/python bench/draft_quality_compare.py /tmp/base/src      # before
  .venv/bin/python bench/draft_quality_compare.py src                # after, same agencies
Prints the mean pairwise similarity per section (digits, names and the agency's own name
masked; goal ≤ 0.35) and the median characters per section and per report.
"""

from __future__ import annotations

import difflib
import itertools
import random
import re
import statistics
import sys
from pathlib import Path

SRC = Path(sys.argv[1]).resolve()
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import draft_quality as dq  # noqa: E402
from machine import machine_line  # noqa: E402

import draftbot  # noqa: E402
from draftbot.drafting.offline import draft_offline  # noqa: E402
from draftbot.model import SECTION_KEYS, Report  # noqa: E402

assert Path(draftbot.__file__).resolve().is_relative_to(SRC), draftbot.__file__


def own_names(report: Report) -> set[str]:
    try:
        from draftbot.drafting.voice import voice_for
    except ImportError:  # before issue 12 every draft said 本机关
        return {"本机关"}
    voice = voice_for(report.meta.agency, report.meta.level)
    return {voice.self_name, voice.area} - {""}


def mask(text: str, report: Report) -> str:
    names = {report.meta.agency, *re.findall(r"[^省市县区]+[省市县区]", report.meta.region)}
    for name in sorted(names | own_names(report), key=len, reverse=True):
        text = text.replace(name, "Ⓝ")
    return re.sub(r"\d+(?:\.\d+)?", "#", re.sub(r"“[^”]*”", "Ⓠ", text))


def main() -> None:
    rng = random.Random(12)
    reports = []
    for i in range(60):
        data = dq.generate_data(rng, i)
        data["facts"].pop("practices", None)
        reports.append(Report.model_validate(data))
    drafts = [draft_offline(r) for r in reports]
    masked = [{k: mask(v, r) for k, v in d.items()} for r, d in zip(reports, drafts, strict=True)]
    print(f"Drafter: {SRC} · 60 generated agencies (seed 12, no practices) · {machine_line()}")
    print("| section | mean similarity | median chars |")
    print("|---|---|---|")
    for key in SECTION_KEYS:
        ratios = [
            difflib.SequenceMatcher(None, a[key], b[key], autojunk=False).ratio()
            for a, b in itertools.combinations(masked, 2)
        ]
        sizes = [len(d[key]) for d in drafts]
        print(f"| {key} | {statistics.fmean(ratios):.2f} | {statistics.median(sizes):.0f} |")
    per_report = statistics.median(sum(map(len, d.values())) for d in drafts)
    print(f"| whole report | | {per_report:.0f} |")


if __name__ == "__main__":
    main()
