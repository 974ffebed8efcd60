"""One section history for the CLI and the web.

A section edited in the web has its history in the data file the web downloads; the CLI lists
the same entries from that file; the file opened in the web again brings its history along.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from draftbot.cli import app
from draftbot.datafile import parse_report
from web_helpers import create_report, csrf, headers, make_client, version_of

FIRST = "第一稿：政务公开培训覆盖面不够，个别栏目更新不及时。"
SECOND = "第二稿：政务公开培训覆盖面不够，基层人员业务能力有待提升；个别栏目更新不及时。"
COMPARED = ("section", "source", "kind", "note", "length", "preview")


def _web_history(client: Any, report_id: str, section: str) -> list[dict[str, Any]]:
    history = client.get(f"/api/reports/{report_id}/sections/{section}/history").json()
    return [{**r, "section": section} for r in history["revisions"]]


def _same(entries: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(e[k] for k in COMPARED) for e in entries]


def _save_section(client: Any, report_id: str, text: str) -> None:
    response = client.post(
        f"/api/reports/{report_id}/sections/problems",
        json={"version": version_of(client, report_id), "text": text},
        headers=headers(client),
    )
    assert response.status_code == 200, response.text


def _open_in_web(client: Any, name: str, data: bytes) -> str:
    """Open a data file in the web as it is (the workspace's 打开 button): the new report's id."""
    response = client.post(
        "/workspace",
        data={"csrf_token": csrf(client)},
        files=[("files", (name, data, "application/yaml"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    url = str(response.headers["location"])
    deadline = time.monotonic() + 300
    while client.get(url + "/progress").json()["running"] and time.monotonic() < deadline:
        time.sleep(0.2)
    opened = client.post(
        f"{url}/items/1/open", data={"csrf_token": csrf(client)}, follow_redirects=False
    )
    assert opened.status_code == 303, opened.text
    return str(opened.headers["location"]).rsplit("/", 1)[1]


def test_web_history_is_downloaded_listed_by_the_cli_and_kept_on_reopening(
    tmp_path: Path,
) -> None:
    with make_client(tmp_path / "web") as client:
        _round_trip(client, tmp_path)


def _round_trip(client: Any, tmp_path: Path) -> None:
    report_id = create_report(client, "某某县档案馆", "2023")
    _save_section(client, report_id, FIRST)
    _save_section(client, report_id, SECOND)
    web = _web_history(client, report_id, "problems")
    assert [e["preview"][:3] for e in web] == ["第二稿", "第一稿"]

    # the data-file download holds the history
    download = client.get(f"/reports/{report_id}/download.yaml")
    assert download.status_code == 200
    report = parse_report(download.text)
    assert [(r.section, r.text, r.source) for r in report.revisions] == [
        ("problems", FIRST, "user"),
        ("problems", SECOND, "user"),
    ]
    assert all(r.saved_at is not None for r in report.revisions)

    # the CLI lists the same entries, newest first, with the same labels
    file = tmp_path / "报告.yaml"
    file.write_text(download.text, encoding="utf-8")
    result = CliRunner().invoke(app, ["revisions", str(file), "--section", "problems", "--json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)["revisions"]
    assert _same(cli) == _same(web)
    listed = CliRunner().invoke(app, ["revisions", str(file)])
    assert listed.exit_code == 0
    assert "1. problems · 手工编辑 · 采用" in listed.output and "第一稿" in listed.output

    # opened in the web again, the file brings its history along
    reopened = _open_in_web(client, "报告.yaml", download.content)
    assert reopened != report_id
    assert _same(_web_history(client, reopened, "problems")) == _same(web)
    again = parse_report(client.get(f"/reports/{reopened}/download.yaml").text)
    assert [(r.text, r.source, r.saved_at) for r in again.revisions] == [
        (r.text, r.source, r.saved_at) for r in report.revisions
    ]


def test_cli_revisions_refuses_an_unknown_section(tmp_path: Path, examples_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["revisions", str(examples_dir / "busy-2023.yaml"), "--section", "问题"]
    )
    assert result.exit_code == 2
    assert "没有“问题”这一节" in result.output
