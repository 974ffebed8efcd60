"""Data path → label → finding → web highlight → correction question, for every cell of 表三
(both format versions) and 表四.

The finding on each cell comes from a real rule: a published report whose cell was printed
blank is reported at that cell (I-01), so nothing here is injected. The web page is the real
table page rendered by the app; the correction questions are the ones the terminal interview
offers (`questions.correction_questions`).
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from draftbot import paths
from draftbot import questions as qs
from draftbot.checks import check_report
from draftbot.findings import Finding, render_location
from draftbot.model import Meta, PublishedNote, Report, Source
from draftbot.tables import APPLICANT_LABELS, CASE_LABELS, Grid, table3_grid, table4_grid
from web_helpers import make_client

YEARS = {"2019": 2020, "2021": 2023}  # a report year of each format version
CASES = [("2019", "3"), ("2021", "3"), ("2019", "4"), ("2021", "4")]


def _blank_report(version: str) -> Report:
    return Report(meta=Meta(agency="某县档案馆", report_year=YEARS[version]))


def _printed_blank(report: Report, path: str) -> Report:
    """The report as read from a published one whose cell at `path` was printed blank."""
    notes = {path: PublishedNote(kind="blank")}
    return report.model_copy(update={"source": Source(kind="published", notes=notes)})


def _grid(report: Report, table: str) -> Grid:
    return (table3_grid if table == "3" else table4_grid)(report)


def _cells(version: str, table: str) -> list[str]:
    return [c.key for c in _grid(_blank_report(version), table).value_cells() if c.key]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    with make_client(Path(tmp_path_factory.mktemp("round-trip"))) as client:
        yield client


@pytest.fixture(scope="module")
def bank() -> qs.QuestionBank:
    return qs.load_bank()


def test_every_cell_has_its_own_label_spelled_from_the_official_grid() -> None:
    for version, table in CASES:
        report = _blank_report(version)
        grid = _grid(report, table)
        matrix = grid.matrix()
        labels = {}
        for cell in grid.value_cells():
            assert cell.key is not None
            parts = paths.label_parts(cell.key)
            assert parts[0] == grid.name
            # every part is printed in the cell's row (at its left) or column (above it)
            seen = {*matrix[cell.row][: cell.col], *(row[cell.col] for row in matrix[: cell.row])}
            for part in parts[1:]:
                assert all(piece in seen for piece in part.split(" · ")), (cell.key, part)
            column = cell.key.rsplit(".", 1)[-1]
            assert parts[-1] == (APPLICANT_LABELS if table == "3" else CASE_LABELS)[column]
            labels[cell.key] = paths.label(cell.key)
        assert len(set(labels.values())) == len(labels), "two cells share one label"


def test_the_blank_report_has_no_finding_in_its_tables() -> None:
    for version in YEARS:
        found = check_report(_blank_report(version))
        assert not [f for f in found if f.tables], found


@pytest.mark.parametrize(("version", "table"), CASES)
def test_a_finding_on_any_cell_highlights_that_cell_and_asks_for_it(
    client, bank: qs.QuestionBank, version: str, table: str
) -> None:
    store = client.app.state.store
    name = {"3": "表三", "4": "表四"}[table]
    cells = _cells(version, table)
    # 表三: 23 rows (2019) or 25 (2021) × 7 columns; 表四: 3 blocks × 5 columns
    assert len(cells) == {"3": 7 * (23 if version == "2019" else 25), "4": 15}[table]
    for path in cells:
        label = paths.label(path)
        report = _printed_blank(_blank_report(version), path)

        # the finding: placed by data path, its printed location rendered from it
        found = [f for f in check_report(report) if f.tables]
        assert [(f.code, f.paths) for f in found] == [("I-01", (path,))], path
        finding = found[0]
        assert finding.location == label == render_location((path,))

        # (a) the web page highlights exactly that cell, labelled with the same text
        stored = store.create(report)
        page = client.get(f"/reports/{stored.id}/tables/{table}")
        assert page.status_code == 200
        tree = lxml.html.fromstring(page.text)
        flagged = tree.xpath('//td[contains(concat(" ", @class, " "), " flagged ")]')
        assert len(flagged) == 1, (path, len(flagged))
        (field,) = flagged[0].xpath("./*[@data-cell]")
        assert (field.get("data-cell"), field.get("aria-label")) == (path, label)
        shown = tree.xpath('//*[@class="findings"]//li[@data-code="I-01"]//*[@class="loc"]/text()')
        assert shown == [label]
        live = client.get(f"/api/reports/{stored.id}/state").json()["findings"]
        assert [(f["keys"], f["paths"], f["tables"]) for f in live] == [([path], [path], [name])]

        # (b) the interview turns it into the question asking for that cell
        assert qs.table_findings(report, name) == [finding]
        choices = qs.correction_questions(bank, report, name, [finding])
        named = [q for q in choices if qs.asks_for(q, finding, report.format_version)]
        row = ".".join(path.split(".")[:2])
        if row == "table3.results_total":  # computed, never asked: its result rows are
            rows = qs.result_rows(report.format_version)
            assert [q.fills for q in named] == [[f"table3.{r}"] for r in rows]
            assert choices[: len(named)] == named
            continue
        first = choices[0]
        assert paths.within(path, first.fills), (path, first.id)
        assert named == [first], (path, [q.id for q in named])
        assert first.fills == [row]


def test_a_computed_total_names_every_question_it_is_summed_from(bank: qs.QuestionBank) -> None:
    for version in YEARS:
        report = _blank_report(version)
        finding = Finding("T3-04", "error", "…", paths=("table3.results_total.research",))
        choices = qs.correction_questions(bank, report, "表三", [finding])
        named = [q.id for q in choices if qs.asks_for(q, finding, version)]
        rows = qs.result_rows(report.format_version)
        assert named == [f"t3_{row}" for row in rows]
        assert [q.id for q in choices[: len(named)]] == named


def test_a_label_edit_moves_no_highlight(monkeypatch: pytest.MonkeyPatch) -> None:
    """Consumers read paths, not the printed text: relabelling a row changes only the text."""
    from draftbot import tables

    path = "table3.granted.natural_person"
    finding = Finding("X-99", "warning", "…", paths=(path,))
    before = finding.location
    relabelled = dict(tables.TABLE3_ROW_LABELS, granted=(None, "（一）同意公开"))
    monkeypatch.setattr(tables, "TABLE3_ROW_LABELS", relabelled)
    assert finding.location != before and "（一）同意公开" in finding.location
    keys = _cells("2021", "3")
    from draftbot.findings import cells_of

    assert cells_of(finding, keys) == [path]
    assert finding.tables == ("表三",)
