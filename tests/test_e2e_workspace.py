"""The 政务公开办 workspace end to end in headless Chromium against a real server process:
upload a .zip, see the summary, filter, open an agency, build the roll-up, export it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

import batch_corpus as corpus
from draftbot.word import import_docx
from e2e_server import Server
from test_web_workspace import county_zip


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    data = tmp_path / "data"
    data.mkdir()
    server = Server(data).start()
    yield server
    server.stop()


def upload_county(page: Page, server: Server, folder: Path) -> None:
    """Upload the generated county as one .zip and wait for the summary (progress shown meanwhile)."""
    archive = folder / "各单位报告.zip"
    archive.write_bytes(county_zip(folder / "src"))
    page.goto(server.url + "/")
    page.click("#workspace-link")
    page.set_input_files("#upload-files", str(archive))
    page.click("#upload-submit")
    # The batch runs in the background; the page polls and shows the summary when done.
    expect(page.locator("#summary-table")).to_be_visible(timeout=300_000)


def test_workspace_upload_filter_open_rollup_export(page: Page, server: Server, tmp_path: Path):
    upload_county(page, server, tmp_path)
    expect(page.locator("#status-counts")).to_have_text(
        "共 64 个文件：通过 48 份，有提示 8 份，有错误 5 份，无法读取 3 份。"
    )

    # filter: only the reports with errors
    page.select_option("#filter-status", "有错误")
    page.click("#filter-submit")
    rows = page.locator("#summary-table tbody tr")
    expect(rows).to_have_count(5)
    for i in range(5):
        expect(rows.nth(i)).to_have_attribute("data-status", "有错误")

    # open an agency: its findings, as printed in the official table
    page.locator("#summary-table a.agency-link", has_text=corpus.UNBALANCED[0]).click()
    expect(page.locator("#item-agency")).to_contain_text(corpus.UNBALANCED[0])
    expect(page.locator("#item-findings")).to_contain_text("[T3-01] 表三 · 勾稽关系 · 自然人")

    # back to the summary: build the roll-up
    page.go_back()
    page.fill("#rollup-agency", corpus.GOVERNMENT)
    page.click("#rollup-submit")
    expect(page.locator("#rollup-title")).to_contain_text("汇总了 51 个机关")
    expect(page.locator("#rollup-missing")).to_contain_text(corpus.GONE)
    expect(page.locator("#rollup-breakdown")).to_contain_text(
        "表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量"
    )

    # three contributors have errors: the roll-up says so, and its export is a marked draft
    for agency in corpus.UNBALANCED:
        expect(page.locator("#rollup-notes")).to_contain_text(agency)

    # continue in the normal flow: export the roll-up report to Word
    page.click("#rollup-export")
    expect(page.locator("#finding-counts")).to_contain_text("错误 2")
    with page.expect_download() as info:
        page.click("#download-draft")
    report = import_docx(Path(info.value.path()).read_bytes())
    assert report.meta.agency == corpus.GOVERNMENT and report.meta.report_year == 2023
    expected = sum(5 * i for i in range(len(corpus.DEPARTMENTS) + len(corpus.TOWNSHIPS)))
    assert report.table2.licensing == expected
