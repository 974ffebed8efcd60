"""Prose drafted before the tables changed (review P-10): the library's record of what each
section was written against, `draftbot check` on a data file, and the web's 起草与审核 page."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from draftbot.basis import record_basis, stale_sections
from draftbot.checks import check_report
from draftbot.cli import app
from draftbot.config import Settings
from draftbot.datafile import load_report
from draftbot.drafting import apply_draft, draft_report
from draftbot.model import Report
from draftbot.outline import SECTION_KEYS
from web_helpers import (
    create_report,
    draft_all,
    edit,
    headers,
    make_client,
    version_of,
    visible_text,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _drafted(name: str = "busy-2023") -> Report:
    report = load_report(EXAMPLES / f"{name}.yaml")
    return apply_draft(report, draft_report(report, Settings(), offline=True))


def _p10(report: Report) -> dict[str, str]:
    return {f.section or "": f.message for f in check_report(report) if f.code == "P-10"}


def test_drafted_sections_are_current_until_a_figure_changes() -> None:
    report = _drafted()
    assert set(report.drafted_from) == set(SECTION_KEYS)
    assert stale_sections(report) == {} and _p10(report) == {}
    report.table3.granted.natural_person += 1
    found = _p10(report)
    assert set(found) == set(SECTION_KEYS)
    assert found["problems"] == "这一部分起草后，表三的数字有改动，正文中的说法可能已过时"
    finding = next(f for f in check_report(report) if f.code == "P-10")
    assert finding.severity == "warning" and "重新生成" in finding.hint
    assert finding.location.startswith("正文 · ")


def test_several_changed_tables_are_named_and_a_restored_figure_is_current_again() -> None:
    report = _drafted()
    report.table2.licensing += 3
    report.table4.review.maintained += 1
    assert stale_sections(report)["overview_intro"] == ["表二", "表四"]
    report.table2.licensing -= 3
    report.table4.review.maintained -= 1
    assert stale_sections(report) == {}


def test_a_stated_total_equal_to_its_sum_is_not_a_change() -> None:
    report = _drafted()
    row = report.table3.new_received
    row.total = row.computed_total  # the same printed figure, now typed by the clerk
    assert stale_sections(report) == {}


def test_editing_or_regenerating_a_section_ends_it() -> None:
    report = _drafted()
    report.table3.granted.natural_person += 1
    report.narrative.problems += "\n另核对了本年各项数字。"
    assert "problems" not in stale_sections(report)
    redrafted = apply_draft(
        report, draft_report(report, Settings(), sections=["overview_intro"], offline=True)
    )
    stale = stale_sections(redrafted)
    assert "overview_intro" not in stale and "overview_proactive" in stale
    record_basis(redrafted)  # what a save of every section does
    assert stale_sections(redrafted) == {}


def test_a_report_without_a_record_is_never_stale() -> None:
    report = load_report(EXAMPLES / "busy-2023.yaml")
    report.narrative.problems = "本年度工作中还存在栏目更新不够及时的问题。"
    report.table3.granted.natural_person += 1
    assert report.drafted_from == {} and _p10(report) == {}


# --- command line: a data file ---------------------------------------------------------------


def test_check_of_a_data_file_names_the_stale_sections(tmp_path: Path) -> None:
    runner = CliRunner()
    source = tmp_path / "r.yaml"
    shutil.copy(EXAMPLES / "busy-2023.yaml", source)
    drafted = runner.invoke(app, ["draft", str(source), "--offline"])
    assert drafted.exit_code == 0, drafted.output
    written = source.read_text(encoding="utf-8")
    assert "drafted_from:" in written
    clean = runner.invoke(app, ["check", str(source), "--json"])
    assert "P-10" not in clean.output
    # the clerk corrects 表二 by hand in the file after drafting
    text = written.replace("licensing: 412", "licensing: 413")
    assert text != written
    source.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(source), "--json"])
    findings = [f for f in json.loads(result.output)["findings"] if f["code"] == "P-10"]
    assert len(findings) == len(SECTION_KEYS)
    assert all("表二的数字有改动" in f["message"] for f in findings)
    plain = " ".join(runner.invoke(app, ["check", str(source)]).output.split())
    assert "P-10" in plain and "重新生成" in plain
    redraft = runner.invoke(app, ["draft", str(source), "--offline", "--section", "problems"])
    assert redraft.exit_code == 0, redraft.output
    after = json.loads(runner.invoke(app, ["check", str(source), "--json"]).output)
    sections = {f["section"] for f in after["findings"] if f["code"] == "P-10"}
    assert "problems" not in sections and len(sections) == len(SECTION_KEYS) - 1


# --- web: the 起草与审核 page ------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path):
    with make_client(tmp_path) as client:
        yield client


def _section_findings(page: str, key: str) -> str:
    found = re.search(rf'data-section-findings="{key}"[^>]*>(.*?)</div>', page, re.S)
    assert found, key
    return visible_text(found.group(1))


def test_web_marks_sections_after_a_table_edit_until_regenerated_saved_or_approved(
    client,
) -> None:
    report_id = create_report(client)
    edit(client, report_id, {"table3.new_received.natural_person": "5"})
    draft_all(client, report_id)
    page = client.get(f"/reports/{report_id}/draft").text
    assert "P-10" not in page and "可能已过时" not in page
    assert edit(client, report_id, {"table3.new_received.natural_person": "6"}).status_code == 200
    page = client.get(f"/reports/{report_id}/draft").text
    for key in SECTION_KEYS:
        assert "表三的数字有改动，正文中的说法可能已过时" in _section_findings(page, key), key
    regenerated = client.post(
        f"/api/reports/{report_id}/sections/overview_on_request/generate",
        json={"version": version_of(client, report_id)},
        headers=headers(client),
    )
    assert regenerated.status_code == 200 and "event: done" in regenerated.text
    approved = client.post(
        f"/api/reports/{report_id}/sections/problems/approve",
        json={"version": version_of(client, report_id)},
        headers=headers(client),
    )
    assert approved.status_code == 200, approved.text
    current = client.get(f"/api/reports/{report_id}/state").json()
    text = "本年度我局在政府信息公开工作中仍存在栏目更新不够及时的问题，将加强日常维护。"
    saved = client.post(
        f"/api/reports/{report_id}/sections/other_matters",
        json={"version": current["version"], "text": text},
        headers=headers(client),
    )
    assert saved.status_code == 200, saved.text
    page = client.get(f"/reports/{report_id}/draft").text
    for key in ("overview_on_request", "problems", "other_matters"):
        assert "可能已过时" not in _section_findings(page, key), key
    assert "可能已过时" in _section_findings(page, "overview_intro")
