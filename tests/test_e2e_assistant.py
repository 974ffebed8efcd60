"""The assistant panel end to end in headless Chromium against a real server process: ask, see
the cited rule, ask for a change, confirm, see the table updated and the finding gone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from draftbot.datafile import load_report
from draftbot.store import Store
from e2e_server import Server

# Answers wait on the server (the first one loads the tokenizer's dictionary): on a loaded
# 2-core machine that can take seconds, so every wait for a server-made state is generous.
WAIT = 60_000


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path).start()
    yield server
    server.stop()


def test_ask_cite_propose_confirm_and_the_finding_is_gone(
    page: Page, server: Server, examples_dir: Path
) -> None:
    report = load_report(examples_dir / "busy-2023.yaml")
    report.table3.granted.natural_person = 11  # one too many: 表三 does not balance
    store = Store.in_folder(server.data_dir)
    report_id = store.create(report).id
    store.close()

    page.goto(f"{server.url}/reports/{report_id}/tables/3")
    cell = page.locator('input[data-key="table3.granted.natural_person"]')
    expect(cell).to_have_value("11", timeout=WAIT)
    expect(page.locator("#findings")).to_contain_text("相差 1 件", timeout=WAIT)

    page.click("#assistant-open")
    page.fill("#assistant-text", "部分公开和不予公开都沾边的申请，算在哪一项？")
    page.click("#assistant-send")
    link = page.locator('#assistant-log a.rule-link[data-rule="T3-02"]')
    expect(link).to_be_visible(timeout=WAIT)
    expect(link).to_have_attribute("href", "/rules#rule-T3-02")
    expect(page.locator("#assistant-log")).to_contain_text("区分处理只计一次", timeout=WAIT)

    page.fill("#assistant-text", "予以公开改为10件，都是个人")
    page.click("#assistant-send")
    proposal = page.locator("#assistant-log .assistant-proposal").last
    expect(proposal).to_contain_text("（一）予以公开 · 自然人", timeout=WAIT)
    expect(proposal.locator("td").nth(1)).to_have_text("11", timeout=WAIT)
    expect(proposal.locator("td").nth(2)).to_have_text("10", timeout=WAIT)
    expect(cell).to_have_value("11", timeout=WAIT)  # nothing changes before confirmation

    proposal.locator(".assistant-confirm").click()
    expect(proposal.locator(".assistant-state")).to_contain_text("已修改并保存", timeout=WAIT)
    expect(cell).to_have_value("10", timeout=WAIT)
    expect(page.locator("#findings")).to_contain_text("未发现问题", timeout=WAIT)
    expect(page.locator("#finding-counts")).to_contain_text("错误 0", timeout=WAIT)

    page.reload()  # saved on the server, and the conversation is still there
    expect(cell).to_have_value("10", timeout=WAIT)
    page.click("#assistant-open")
    expect(page.locator("#assistant-log")).to_contain_text(
        "予以公开改为10件，都是个人", timeout=WAIT
    )
    expect(page.locator("#assistant-log")).to_contain_text("已按确认修改并保存", timeout=WAIT)

    page.goto(f"{server.url}/rules#rule-T3-02")
    expect(page.locator("#rule-T3-02")).to_contain_text("区分处理只计一次", timeout=WAIT)
