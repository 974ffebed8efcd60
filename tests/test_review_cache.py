"""The prose pass of the review remembers what it read from each section's text
(`prose_vs_tables.read_section`, `_text.section_sentences`): results equal the uncached ones
whatever changes, the data or the prose, and the caches stay bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from draftbot.checks import check_report
from draftbot.config import Settings
from draftbot.datafile import load_report
from draftbot.drafting import apply_draft, draft_report
from draftbot.model import Report
from draftbot.regions import load_divisions
from draftbot.review import _text, places, prose_vs_tables
from draftbot.web.edits import apply_changes

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


def _drafted(path: Path) -> Report:
    report = load_report(path)
    return apply_draft(report, draft_report(report, Settings(), offline=True))


def _without_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prose_vs_tables, "read_section", prose_vs_tables.read_section.__wrapped__)
    monkeypatch.setattr(_text, "section_sentences", _text.section_sentences.__wrapped__)
    monkeypatch.setattr(places, "_cached_names", places._cached_names.__wrapped__)


def _both(report: Report) -> tuple[list[str], list[str]]:
    cached = [repr(f) for f in check_report(report)]
    with pytest.MonkeyPatch.context() as mp:
        _without_cache(mp)
        fresh = [repr(f) for f in check_report(report)]
    return cached, fresh


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_cached_review_equals_uncached_over_examples_and_data_edits(path: Path) -> None:
    report = _drafted(path)
    cached, fresh = _both(report)
    assert cached == fresh
    # the same prose, other data: the remembered claims are grounded against the new data
    for value in ("0", "7", "123"):
        edited = apply_changes(
            report, {"table2.licensing": value, "table3.new_received.natural_person": value}
        )
        assert edited.narrative == report.narrative
        cached, fresh = _both(edited)
        assert cached == fresh


def test_a_data_edit_changes_findings_of_unchanged_prose() -> None:
    report = _drafted(EXAMPLES[0])
    report = report.model_copy(
        update={
            "narrative": report.narrative.model_copy(
                update={"overview_intro": "本年度共收到政府信息公开申请5件。"}
            )
        }
    )
    first = check_report(report)  # remembers the sentence
    edited = apply_changes(report, {"table3.new_received.natural_person": "5"})
    cached, fresh = _both(edited)
    assert cached == fresh
    assert [repr(f) for f in first] != cached  # the new data was used, not old findings


def test_a_place_in_unchanged_prose_is_judged_against_new_meta() -> None:
    report = _drafted(EXAMPLES[0])
    text = "组织人员赴北京市海淀区学习政务公开工作经验。"
    report = report.model_copy(
        update={"narrative": report.narrative.model_copy(update={"overview_intro": text})}
    )
    warned = [f for f in check_report(report) if "海淀区" in f.message]
    allowed = report.model_copy(
        update={"meta": report.meta.model_copy(update={"allowed_places": ["北京市海淀区"]})}
    )
    cached, fresh = _both(allowed)
    assert cached == fresh
    assert warned and not any("海淀区" in f for f in cached)


def test_a_prose_edit_is_read_again() -> None:
    report = _drafted(EXAMPLES[0])
    says = "本年度共收到政府信息公开申请{}件。"
    before = report.model_copy(
        update={"narrative": report.narrative.model_copy(update={"overview_intro": says.format(1)})}
    )
    after = before.model_copy(
        update={
            "narrative": before.narrative.model_copy(update={"overview_intro": says.format(99999)})
        }
    )
    prose_vs_tables.read_section(says.format(1))
    read = prose_vs_tables.read_section(says.format(99999))
    assert [c.text for _, claims in read.sentences for c in claims] == ["99999"]
    assert _both(before)[0] == _both(before)[1]
    cached, fresh = _both(after)
    assert cached == fresh
    assert any("99999" in f for f in cached)


def test_caches_are_bounded() -> None:
    for i in range(prose_vs_tables.SECTION_CACHE_SIZE + 100):
        prose_vs_tables.read_section(f"本年度主动公开信息{i}条。")
    assert prose_vs_tables.read_section.cache_info().currsize <= prose_vs_tables.SECTION_CACHE_SIZE
    for i in range(_text.SENTENCES_CACHE_SIZE + 100):
        _text.section_sentences(f"第{i}句。第二句。")
    assert _text.section_sentences.cache_info().currsize <= _text.SENTENCES_CACHE_SIZE
    for i in range(places.NAMES_CACHE_SIZE + 100):
        places.names_in(f"赴北京市海淀区考察{i}次。")
    assert places._cached_names.cache_info().currsize <= places.NAMES_CACHE_SIZE


def test_place_names_remembered_equal_read_afresh() -> None:
    sentence = "组织人员赴北京市海淀区和山西省运城市稷山县学习政务公开工作经验。"
    first, again = places.names_in(sentence), places.names_in(sentence)
    fresh = list(load_divisions().find_names(sentence, include_generic=True))
    assert first == again == fresh
    assert [m.name for m in fresh]  # the sentence does name divisions
    long = sentence * 40  # past the cached length: read afresh, same answer
    assert places.names_in(long) == list(load_divisions().find_names(long, include_generic=True))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_tables_shared_between_versions_equal_fresh_grids(path: Path) -> None:
    """表三 and 表四 grids are shared by content (web/context.py): after edits of other tables
    and of their own cells, every grid equals the one built afresh."""
    from draftbot.web import context
    from draftbot.web.views import grid_for

    report = _drafted(path)
    edits = [
        {"table2.licensing": "9"},
        {"table3.new_received.natural_person": "41"},
        {"table4.review.maintained": "3"},
        {"table2.licensing": "10"},
    ]
    for change in edits:
        report = apply_changes(report, change)
        for table in ("2", "3", "4"):
            assert context._grid_by_content(report, table) == grid_for(report, table)
