"""Lengths of the offline drafts by level (issue 12), over the bench's generated agencies with
typical facts (bench/draft_quality.py, realistic generator, seed 12): every level drafts at
least its floor per report (about 4 % under what the drafter gives today, so a regression that
drops facts or clauses fails) and at most the real reports' upper bound; （三）（四）（五） stay in
the goal range of their level. The goal ranges and what is not met yet are in
bench/results/draft_quality.md."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from draftbot.drafting import draft_offline
from draftbot.model import Report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from draft_quality import (  # noqa: E402
    PART_CHARS_BY_LEVEL,
    PARTS,
    REAL_REPORT_CHARS,
    generate,
    level_lengths,
)

# Median characters per report (typical facts) the drafter must keep giving, by level. Measured
# medians when set: 乡镇 700, 县级部门 1051, 市级部门 1026, 省级部门 956, 区县政府 2384,
# 市级政府 2432, 省级政府 2461 (56 agencies, seed 12). Governments lost only repeats since
# (fix-read-a: each work said once, the generator's pools no longer hold the same note twice,
# the opening no longer restates （三）（四）（五）): 区县政府 2306, 市级政府 2308, 省级政府 2366.
FLOORS = {
    "乡镇（街道）": 670, "县级部门": 1010, "市级部门": 985, "省级部门": 920,
    "区县政府": 2250, "市级政府": 2250, "省级政府": 2300,
}  # fmt: skip


@pytest.fixture(scope="module")
def lengths() -> dict[str, dict[str, float]]:
    rng = random.Random(12)
    reports: list[Report] = [generate(rng, i) for i in range(56)]
    return level_lengths(reports, [draft_offline(r) for r in reports])


def test_every_level_is_drafted(lengths: dict[str, dict[str, float]]) -> None:
    assert set(lengths) == set(REAL_REPORT_CHARS)
    assert all(row["count"] >= 5 for row in lengths.values()), lengths


@pytest.mark.parametrize("level", sorted(FLOORS))
def test_report_length_per_level(lengths: dict[str, dict[str, float]], level: str) -> None:
    median = lengths[level]["report"]
    assert FLOORS[level] <= median <= REAL_REPORT_CHARS[level][1], (level, median)


@pytest.mark.parametrize("level", sorted(FLOORS))
def test_sub_parts_in_their_levels_range(lengths: dict[str, dict[str, float]], level: str) -> None:
    low, high = PART_CHARS_BY_LEVEL[level]
    # a 镇 rarely keeps structured records, so its （五） is often a single training clause
    parts = PARTS[:2] if level == "乡镇（街道）" else PARTS
    outside = {k: lengths[level][k] for k in parts if not low <= lengths[level][k] <= high}
    assert outside == {}, (level, outside)
