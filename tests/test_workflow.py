"""The review workflow of server mode: submit, comment on a section or a cell, return,
resubmit, approve (frozen); 待我处理 lists and the office's area status."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from draftbot import workflow
from server_mode import AGENCY_A, ServerMode, new_report, server_mode
from web_helpers import csrf, headers

CELL = "table3.granted.natural_person"


@pytest.fixture
def mode(tmp_path, store_location) -> Iterator[ServerMode]:
    """Server mode on each database (the store suite's `store_location`: SQLite, PostgreSQL)."""
    made = server_mode(tmp_path, store_location)
    yield made
    made.store.close()


def _version(client, report_id: str) -> str:
    return str(client.get(f"/api/reports/{report_id}/state").json()["version"])


def _post(client, url: str, **data: str):
    return client.post(url, data={"csrf_token": csrf(client), **data}, follow_redirects=False)


def _stage(mode: ServerMode, year: int = 2024) -> dict[str, str]:
    return {row.agency: row.stage for row in workflow.area_status(mode.store, "某县", year)}


def test_submit_comment_return_resubmit_approve(mode: ServerMode) -> None:
    clerk, reviewer = mode.client("clerk_a"), mode.client("reviewer_a")
    report_id = new_report(clerk, AGENCY_A)
    assert _stage(mode) == {AGENCY_A: "drafting", "某县卫生健康委员会": "none"}
    # a reviewer cannot comment before the report is submitted
    response = _post(reviewer, f"/reports/{report_id}/comments", target=CELL, body="请核实")
    assert response.status_code == 409 and "只有“待审核”的报告可以写审核意见" in response.text

    assert (
        _post(clerk, f"/reports/{report_id}/submit", version=_version(clerk, report_id)).status_code
        == 303
    )
    assert _stage(mode)[AGENCY_A] == "reviewing"
    assert [t.report_id for t in workflow.tasks(mode.store, mode_account(mode, "reviewer_a"))] == [
        report_id
    ]
    assert "待审核" in reviewer.get("/inbox").text

    # returning needs a comment first
    response = _post(
        reviewer, f"/reports/{report_id}/return", version=_version(reviewer, report_id)
    )
    assert "退回前请至少写一条审核意见" in response.text
    _post(
        reviewer,
        f"/reports/{report_id}/comments",
        target=CELL,
        body="自然人申请数请与登记台账核对。",
    )
    _post(
        reviewer,
        f"/reports/{report_id}/comments",
        target="section:overview_intro",
        body="总体情况请补充年度重点。",
    )
    response = _post(reviewer, f"/reports/{report_id}/comments", target="table9.x", body="无效位置")
    assert "请选择意见针对的正文部分或表格单元格" in response.text
    assert (
        _post(
            reviewer, f"/reports/{report_id}/return", version=_version(reviewer, report_id)
        ).status_code
        == 303
    )
    assert _stage(mode)[AGENCY_A] == "returned"

    # the clerk sees the comments beside the table and the text, and a task
    assert "已退回修改" in clerk.get("/inbox").text
    table = clerk.get(f"/reports/{report_id}/tables/3").text
    assert f'data-target="{CELL}"' in table and "自然人申请数请与登记台账核对。" in table
    assert "总体情况请补充年度重点。" in clerk.get(f"/reports/{report_id}/draft").text
    response = clerk.post(
        f"/api/reports/{report_id}/edit",
        json={"version": int(_version(clerk, report_id)), "changes": {CELL: "4"}},
        headers=headers(clerk),
    )
    assert response.status_code == 200
    assert (
        _post(clerk, f"/reports/{report_id}/submit", version=_version(clerk, report_id)).status_code
        == 303
    )
    assert workflow.access_of(mode.store, report_id).review_round == 2
    assert workflow.tasks(mode.store, mode_account(mode, "clerk_a")) == []

    assert (
        _post(
            reviewer, f"/reports/{report_id}/approve", version=_version(reviewer, report_id)
        ).status_code
        == 303
    )
    assert _stage(mode)[AGENCY_A] == "final"
    # 已定稿 is frozen: even the clerk's edit is refused, and nobody can resubmit
    response = clerk.post(
        f"/api/reports/{report_id}/edit",
        json={"version": int(_version(clerk, report_id)), "changes": {CELL: "5"}},
        headers=headers(clerk),
    )
    assert response.status_code == 423
    response = _post(clerk, f"/reports/{report_id}/submit", version=_version(clerk, report_id))
    assert response.status_code == 409 and "不能进行这一步" in response.text
    area = mode.client("office").get("/area?year=2024").text
    assert f'data-agency="{AGENCY_A}" data-stage="final"' in area
    assert 'data-stage="none"' in area and "已定稿 1 家" in area


def mode_account(mode: ServerMode, username: str):
    from draftbot.accounts import get_account

    return get_account(mode.store, mode.ids[username])


def test_a_stale_page_cannot_approve(mode: ServerMode) -> None:
    clerk, reviewer = mode.client("clerk_a"), mode.client("reviewer_a")
    report_id = new_report(clerk, AGENCY_A)
    _post(clerk, f"/reports/{report_id}/submit", version="1")
    response = _post(reviewer, f"/reports/{report_id}/approve", version="1")
    assert response.status_code == 409  # version 2 is current: nothing approved unseen
    assert _stage(mode)[AGENCY_A] == "reviewing"
