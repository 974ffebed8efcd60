"""Screenshots of the 政务公开办 workspace at 1366×768 for the README (not a test).

.venv/bin/python tests/e2e_workspace_screenshots.py [docs/images]
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

import batch_corpus as corpus
from e2e_server import CHROMIUM_ARGS, Server, chromium_path
from test_web_workspace import county_zip

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        archive = Path(tmp) / "各单位报告.zip"
        archive.write_bytes(county_zip(Path(tmp) / "src"))
        server = Server(data).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium_path(), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
                page.goto(server.url + "/workspace")
                page.set_input_files("#upload-files", str(archive))
                old, new = next(iter(corpus.RENAMES.items()))
                page.fill("#upload-renames", f"{old} → {new}")
                page.click("#upload-submit")
                expect(page.locator("#summary-table")).to_be_visible(timeout=300_000)
                page.goto(page.url + "?sort=错误&desc=1")
                page.screenshot(path=str(out / "workspace-summary.png"))
                batch_url = page.url.split("?")[0]
                row = page.locator(
                    "#summary-table tr", has=page.locator("td", has_text=re.compile("^2023$"))
                ).filter(has_text=corpus.WRONG_CARRY_OVER[0])
                row.locator("a.agency-link").click()
                page.locator("#compare-panel").scroll_into_view_if_needed()
                page.screenshot(path=str(out / "workspace-compare.png"))
                page.goto(batch_url)
                page.fill("#rollup-agency", corpus.GOVERNMENT)
                page.click("#rollup-submit")
                expect(page.locator("#rollup-title")).to_be_visible()
                page.screenshot(path=str(out / "workspace-rollup.png"))
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
