"""Screenshots of the main web pages at 1366×768 for docs/web.md (not a test).

.venv/bin/python tests/e2e_screenshots.py [docs/images]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from draftbot.config import Settings
from draftbot.datafile import load_report
from draftbot.drafting import draft_report
from draftbot.store import Store
from e2e_server import CHROMIUM_ARGS, Server, chromium_path

ROOT = Path(__file__).resolve().parent.parent


def seed(data_dir: Path) -> str:
    store = Store.in_folder(data_dir)
    store.create(load_report(ROOT / "examples" / "seed-2022.yaml"))
    report = load_report(ROOT / "examples" / "busy-2023.yaml")
    stored = store.create(report)
    outcome = draft_report(report, Settings(_env_file=None, data_dir=data_dir), offline=True)
    for key, draft in outcome.sections.items():
        stored = store.save_section(
            stored.id, key, draft.text, source=draft.source, based_on=stored.version
        )
    original = stored.report.narrative.overview_on_request
    stored = store.save_section(
        stored.id,
        "overview_on_request",
        original + "本年共收到政府信息公开申请99件。",
        source="user",
        based_on=stored.version,
    )
    return stored.id


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        report_id = seed(Path(tmp))
        server = Server(Path(tmp)).start()
        base = f"{server.url}/reports/{report_id}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=chromium_path(), args=[*CHROMIUM_ARGS, "--lang=zh-CN"]
                )
                page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")

                def shot(name: str) -> None:
                    page.screenshot(path=str(out / f"web-{name}.png"))

                page.goto(server.url + "/")
                shot("list")
                page.goto(server.url + "/reports/new")
                shot("new")
                page.goto(base)
                shot("overview")
                page.goto(base + "/guide?q=t3_gate")
                page.fill(
                    "#answer",
                    "今年共收到申请5件，4件来自个人，1件来自企业；予以公开3件，1件本机关不掌握，1件结转下年度",
                )
                page.click("#answer-submit")
                page.wait_for_selector("#proposal")
                shot("guide")
                page.goto(base + "/tables/3")
                cell = page.locator('input[data-key="table3.granted.natural_person"]')
                cell.fill("12")
                page.wait_for_selector("td.flagged")
                page.wait_for_timeout(300)
                shot("table3")
                page.click("#assistant-open")
                for text in ("为什么表三不平衡？", "予以公开改为10件，都是个人"):
                    page.fill("#assistant-text", text)
                    page.click("#assistant-send")
                    page.wait_for_selector("#assistant-send:enabled")
                page.wait_for_selector(".assistant-confirm")
                shot("assistant")
                page.click("#assistant-open")  # close the panel again
                cell.fill("10")
                page.wait_for_selector("#findings .ok")
                page.goto(base + "/tables/4")
                page.fill("#chat-text", "行政复议2件，其中维持1件、纠正1件")
                page.click("#chat-propose")
                page.wait_for_selector("#chat-confirm")
                page.locator("#chat").scroll_into_view_if_needed()
                shot("table4-chat")
                page.goto(base + "/draft")
                page.click('[data-history="overview_on_request"]')
                history = page.locator('[data-history-box="overview_on_request"] button')
                history.filter(has_text="与当前比较").last.click()
                page.wait_for_selector(".diff")
                page.evaluate(
                    "document.querySelector('#section-overview_on_request').scrollIntoView()"
                )
                page.evaluate("window.scrollBy(0, -10)")
                shot("draft")
                page.goto(base + "/export")
                shot("export")
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
