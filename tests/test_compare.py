"""Two years of one agency side by side: changed cells and the prose diff."""

from __future__ import annotations

from pathlib import Path

from draftbot.compare import CHARACTER_DIFF_LIMIT, compare_reports
from draftbot.datafile import load_report


def test_changed_cells_and_prose_runs(examples_dir: Path):
    last = load_report(examples_dir / "seed-2022-as-published.yaml")
    this = last.model_copy(deep=True)
    this.meta.report_year = 2023
    this.table2.licensing = 7
    this.narrative.problems = last.narrative.problems.replace("不够及时", "不够全面", 1)
    cells, sections = compare_reports(this, last)
    changed = [c for c in cells if c.changed]
    assert [(c.location, c.this_year, c.last_year) for c in changed] == [
        ("表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量", "7", "0")
    ]
    by_key = {s.section: s for s in sections}
    problems = by_key["problems"]
    assert ("removed", "及时") in problems.runs and ("added", "全面") in problems.runs
    assert "".join(t for op, t in problems.runs if op != "removed") == this.narrative.problems
    assert "".join(t for op, t in problems.runs if op != "added") == last.narrative.problems
    assert all(s.unchanged for k, s in by_key.items() if k != "problems")


def test_long_texts_are_compared_by_sentence(examples_dir: Path):
    last = load_report(examples_dir / "busy-2023.yaml")
    this = last.model_copy(deep=True)
    last.narrative.other_matters = "本年无其他事项。" * (CHARACTER_DIFF_LIMIT // 8)
    this.narrative.other_matters = last.narrative.other_matters + "新增一句。"
    _, sections = compare_reports(this, last)
    (other,) = [s for s in sections if s.section == "other_matters"]
    assert other.runs[-1] == ("added", "新增一句。")
