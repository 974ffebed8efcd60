"""Server mode end to end: three users in three Chromium contexts against a real
`draftbot serve --multi-user` process. The clerk fills and submits; the reviewer comments on
a cell and returns; the clerk sees the comment beside the cell, fixes and resubmits; the
reviewer approves; the 政务公开办 sees the area status."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from draftbot import accounts
from draftbot.store import Store
from draftbot.trail import TrailStore, entries
from e2e_server import STATE_TIMEOUT_MS, Server

PASSWORD = "Shenhe-2024-mima"
AGENCY = "示范县教育局"
CELL = "table3.granted.natural_person"
COMMENT = "予以公开的自然人申请数与登记台账不一致，请核对后修改。"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    store = TrailStore.in_folder(tmp_path)
    for username, role, agency, area in (
        ("jingban", "clerk", AGENCY, "示范县"),
        ("shenhe", "reviewer", AGENCY, "示范县"),
        ("gongkaiban", "office", "", "示范县"),
        ("weisheng", "clerk", "示范县卫生健康局", "示范县"),
        ("admin", "sysadmin", "", ""),
    ):
        accounts.add_account(store, username, PASSWORD, role=role, agency=agency, area=area)
    store.close()
    server = Server(tmp_path, {"DRAFTBOT_MULTI_USER": "1"}, ready_path="/login").start()
    yield server
    server.stop()


def _context(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.set_default_timeout(STATE_TIMEOUT_MS)
    return context


def _login(context: BrowserContext, server: Server, username: str) -> Page:
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_url(re.compile(r"/login\?next=/$"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#whoami")).to_contain_text(username)
    return page


def _set_cell(page: Page, server: Server, report_id: str, value: str) -> None:
    page.goto(f"{server.url}/reports/{report_id}/tables/3")
    cell = page.locator(f'input[data-key="{CELL}"]')
    cell.fill(value)
    cell.press("Tab")
    expect(page.locator("#save-state")).to_contain_text("已保存")


def test_clerk_reviewer_and_office_in_three_browsers(browser: Browser, server: Server) -> None:
    clerk_ctx, reviewer_ctx, office_ctx = (_context(browser) for _ in range(3))
    try:
        clerk = _login(clerk_ctx, server, "jingban")
        reviewer = _login(reviewer_ctx, server, "shenhe")
        office = _login(office_ctx, server, "gongkaiban")

        # the clerk creates the report, fills a cell and submits
        clerk.click("#new-report")
        clerk.fill("input[name=agency]", AGENCY)
        clerk.fill("input[name=report_year]", "2024")
        clerk.click("#new-form button[type=submit]")
        clerk.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}$"))
        report_id = clerk.url.rsplit("/", 1)[1]
        _set_cell(clerk, server, report_id, "5")
        clerk.goto(f"{server.url}/reports/{report_id}/review")
        clerk.click("#submit-form button")
        expect(clerk.locator("#review-stage")).to_have_text("待审核")

        # the reviewer finds it in 待我处理, comments on the cell and returns it
        reviewer.goto(server.url + "/inbox")
        expect(reviewer.locator("#task-count")).to_have_text("1")
        reviewer.click(f'#tasks li[data-report="{report_id}"] a')
        reviewer.select_option("#comment-target", CELL)
        reviewer.fill("#comment-body", COMMENT)
        reviewer.click("#comment-form button[type=submit]")
        expect(reviewer.locator(f'#comments li[data-target="{CELL}"]')).to_contain_text(COMMENT)
        reviewer.select_option("#comment-target", "section:overview_intro")
        reviewer.fill("#comment-body", "总体情况请补充本年度工作重点。")
        reviewer.click("#comment-form button[type=submit]")
        expect(reviewer.locator("#comments li")).to_have_count(2)
        reviewer.click("#return-form button")
        expect(reviewer.locator("#review-stage")).to_have_text("已退回修改")

        # the clerk sees the task and the comment beside the cell, fixes and resubmits
        clerk.goto(server.url + "/inbox")
        expect(clerk.locator("#tasks")).to_contain_text("已退回修改")
        clerk.goto(f"{server.url}/reports/{report_id}/tables/3")
        expect(clerk.locator("#review-notes")).to_contain_text(COMMENT)
        marked = clerk.locator(f'input[data-key="{CELL}"]').locator("xpath=..")
        expect(marked).to_have_class(re.compile("commented"))
        expect(marked).to_have_attribute("data-comment", re.compile("登记台账不一致"))
        clerk.goto(f"{server.url}/reports/{report_id}/draft")
        section = clerk.locator('[data-section-text="overview_intro"]')
        expect(section).to_have_class(re.compile("commented"))
        expect(section).to_have_attribute("title", re.compile("补充本年度工作重点"))
        _set_cell(clerk, server, report_id, "6")
        clerk.goto(f"{server.url}/reports/{report_id}/review")
        clerk.click("#submit-form button")
        expect(clerk.locator("#review-stage")).to_have_text("待审核")

        # the reviewer approves: 已定稿, frozen for the clerk
        reviewer.goto(f"{server.url}/reports/{report_id}/review")
        reviewer.click("#approve-form button")
        expect(reviewer.locator("#review-stage")).to_have_text("已定稿")
        clerk.goto(f"{server.url}/reports/{report_id}/tables/3")
        expect(clerk.locator("#final-banner")).to_be_visible()

        # the office sees every agency of its area and where each stands
        office.goto(server.url + "/area?year=2024")
        expect(office.locator(f'#area-status tr[data-agency="{AGENCY}"]')).to_contain_text("已定稿")
        expect(office.locator('#area-status tr[data-agency="示范县卫生健康局"]')).to_contain_text(
            "未开始"
        )
        # and may read the report, but the reviewer's pages are not the office's to act on
        office.goto(f"{server.url}/reports/{report_id}/review")
        expect(office.locator("#review-stage")).to_have_text("已定稿")
        expect(office.locator("#approve-form")).to_have_count(0)
    finally:
        for context in (clerk_ctx, reviewer_ctx, office_ctx):
            context.close()

    stored = Store.in_folder(server.data_dir)
    assert stored.get(report_id).report.table3.granted.natural_person == 6
    assert stored.get(report_id).status == "final"
    trail_store = TrailStore.in_folder(server.data_dir)
    found = [(e.kind, e.target, e.old_value, e.new_value, e.actor) for e in entries(trail_store)]
    cell_changes = [f for f in found if f[0] == "cell"]
    assert [(old, new) for _, _, old, new, _ in reversed(cell_changes)] == [("0", "5"), ("5", "6")]
    statuses = [(old, new) for kind, _, old, new, _ in reversed(found) if kind == "status"]
    assert statuses == [
        ("drafting", "reviewing"),
        ("reviewing", "drafting"),
        ("drafting", "reviewing"),
        ("reviewing", "final"),
    ]
    assert ("comment", CELL, "", COMMENT, "shenhe（审核人）") in found
