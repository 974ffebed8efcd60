"""End to end in headless Chromium against a real server process (Debian chromium + Playwright)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from draftbot.store import Store
from draftbot.tables import report_grids
from draftbot.word import import_docx
from e2e_server import STATE_TIMEOUT_MS, Server
from fake_openai import server_error
from written import publishable

ANSWERS = {
    "level": "县级部门",
    "region": "某某省某某市某某县",
    "website": "某某县人民政府门户网站“政府信息公开”专栏",
    "contact": "某某县教育局办公室，电话 0571-87000000",
    "publish_date": "2025-01-20",
    "t2_documents": "否",
    "t2_licensing": "12",
    "t2_enforcement": "否",
    "t2_fees": "0",
    "proactive_total": "30",
    "proactive_categories": "政策解读 3",
    "policy_interpretations": "3",
    "press_conferences": "0",
    "channels": "政府门户网站、政务新媒体",
    "proactive_notes": "",
    "t3_gate": "否",
    "t4_gate": "否",
    "management_notes": "",
    "platform_notes": "",
    "supervision_notes": "",
    "training_sessions": "2",
    "practices_gate": "否",
    "organisation_gate": "否",
    "engagement_gate": "否",
    "previous_problems": "",
    "problems": "栏目更新不够及时",
    "measures": "建立栏目更新提醒机制",
    "info_fee_gate": "否",
    "other_matters": "",
}
EDITED = "本机关将进一步规范政府信息公开栏目，做到及时更新。"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(STATE_TIMEOUT_MS)  # also for a second tab of this context
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path).start()
    yield server
    server.stop()


def new_report(page: Page, server: Server, agency: str = "示范县教育局") -> str:
    page.goto(server.url + "/")
    page.click("#new-report")
    page.fill("input[name=agency]", agency)
    page.fill("input[name=report_year]", "2024")
    page.click("#new-form button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}$"))
    return page.url.rsplit("/", 1)[1]


def answer_all_questions(page: Page, server: Server, report_id: str) -> None:
    page.goto(f"{server.url}/reports/{report_id}/guide")
    for _ in range(60):
        if page.locator("#answer-form").count() == 0:
            break
        question = page.input_value("#answer-form input[name=question_id]")
        page.fill("#answer", ANSWERS[question])
        page.click("#answer-submit")
        page.wait_for_load_state()
        expect(page.locator("#answer-problem")).to_have_count(0)
    expect(page.locator("h1")).to_have_text("问题都已回答")


def test_new_report_zero_gates_offline_draft_edit_and_export(page: Page, server: Server) -> None:
    report_id = new_report(page, server)
    answer_all_questions(page, server, report_id)
    expect(page.locator("#finding-counts")).to_contain_text("错误 0")

    # live checks on the official table: a wrong cell is flagged at once, then fixed
    page.goto(f"{server.url}/reports/{report_id}/tables/3")
    cell = page.locator('input[data-key="table3.new_received.natural_person"]')
    cell.fill("3")
    expect(cell.locator("xpath=..")).to_have_class(re.compile("flagged"))
    expect(page.locator("#findings")).to_contain_text("相差 3 件")
    expect(page.locator('output[data-cell="table3.new_received.total"]')).to_have_text("3")
    cell.fill("0")
    expect(page.locator("#findings")).to_contain_text("未发现问题")
    expect(page.locator("#save-state")).to_contain_text("已保存")

    # offline draft of every section, then a manual edit that autosaves
    page.goto(f"{server.url}/reports/{report_id}/draft")
    expect(page.locator("#drafter")).to_have_text("起草：离线模板")
    page.click("#draft-all")
    expect(page.locator("#draft-all-state")).to_contain_text("已起草 8 个部分")
    area = page.locator('[data-section-text="problems"]')
    expect(area).not_to_have_value("")
    area.fill(EDITED)
    page.locator('[data-instruction="problems"]').focus()  # leaving the box saves at once
    expect(page.locator("#save-state")).to_contain_text("已保存")
    page.click('[data-history="problems"]')
    expect(page.locator('[data-history-box="problems"]')).to_contain_text("手工编辑")

    # export: the downloaded .docx holds what was entered
    page.goto(f"{server.url}/reports/{report_id}/export")
    with page.expect_download() as info:
        page.click("#download-docx")
    path = info.value.path()
    report = import_docx(Path(path).read_bytes())
    assert report.meta.agency == "示范县教育局" and report.meta.report_year == 2024
    assert report.table2.licensing == 12
    assert report.table3.new_received.shown_total == 0
    assert report.table4.review.shown_total == 0
    from docx import Document

    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert EDITED in text
    stored = Store.in_folder(server.data_dir).get(report_id).report
    assert stored.narrative.problems == EDITED and stored.facts.training_sessions == 2
    for entered, exported in zip(report_grids(stored), report_grids(report), strict=True):
        assert exported.matrix() == entered.matrix(), entered.name  # every cell of 表二/三/四


def test_two_tabs_conflict_in_the_browser(browser: Browser, page: Page, server: Server) -> None:
    report_id = new_report(page, server)
    url = f"{server.url}/reports/{report_id}/tables/2"
    other = page.context.new_page()
    page.goto(url)
    other.goto(url)
    page.fill('input[data-key="table2.licensing"]', "7")
    expect(page.locator("#save-state")).to_contain_text("已保存")
    other.fill('input[data-key="table2.licensing"]', "9")
    expect(other.locator("#conflict")).to_contain_text("已在别处被修改")
    expect(other.locator('input[data-key="table2.licensing"]')).to_have_value("9")  # not lost
    assert Store.in_folder(server.data_dir).get(report_id).report.table2.licensing == 7


def test_server_killed_and_restarted_mid_session_loses_nothing(page: Page, server: Server) -> None:
    report_id = new_report(page, server)
    page.goto(f"{server.url}/reports/{report_id}/tables/2")
    page.fill('input[data-key="table2.penalty"]', "37")
    expect(page.locator("#save-state")).to_contain_text("已保存")
    server.kill()
    page.fill('input[data-key="table2.coercion"]', "5")  # typed while the server is down
    expect(page.locator("#save-state")).to_contain_text("连接中断")
    server.start()  # same port and data folder
    expect(page.locator("#save-state")).to_contain_text("已保存")
    page.reload()
    expect(page.locator('input[data-key="table2.penalty"]')).to_have_value("37")
    expect(page.locator('input[data-key="table2.coercion"]')).to_have_value("5")


def test_xss_in_agency_name_shows_as_text(page: Page, server: Server) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    report_id = new_report(page, server, agency="<script>alert(1)</script>")
    page.goto(server.url + "/")
    expect(page.locator("#report-list")).to_contain_text("<script>alert(1)</script>")
    page.goto(f"{server.url}/reports/{report_id}/draft")
    area = page.locator('[data-section-text="other_matters"]')
    area.fill("<img src=x onerror=alert(2)>")
    page.locator('[data-instruction="other_matters"]').focus()
    expect(page.locator("#save-state")).to_contain_text("已保存")
    page.click('[data-history="other_matters"]')
    page.locator('[data-history-box="other_matters"] button', has_text="与当前比较").click()
    page.reload()
    assert dialogs == []


@pytest.fixture
def llm_server(tmp_path: Path, fake_openai) -> Iterator[Server]:
    env = {
        "DRAFTBOT_LLM_BASE_URL": fake_openai.base_url,
        "DRAFTBOT_LLM_API_KEY": "sk-CANARY-e2e",
        "DRAFTBOT_LLM_MODEL": "fake-model",
        "DRAFTBOT_LLM_RETRIES": "0",
        # the fake answers at once: a generous deadline, so the server's first model call
        # (loading the LLM stack) on a loaded machine is not taken for a slow model
        "DRAFTBOT_LLM_TIMEOUT": "60",
    }
    server = Server(tmp_path, env).start()
    yield server
    server.stop()


def test_llm_streaming_regenerate_with_instruction_and_fallback(
    page: Page, llm_server: Server, fake_openai
) -> None:
    def reply(body: dict) -> str:
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        if "更简洁" in prompt:
            return "简洁版：本年依法做好政府信息主动公开工作。"
        return (
            "本年按照条例要求，持续做好政府信息主动公开工作，及时回应社会关切，公开质量稳步提升。"
        )

    fake_openai.reply = reply
    report_id = new_report(page, llm_server)
    page.goto(f"{llm_server.url}/reports/{report_id}/draft")
    expect(page.locator("#drafter")).to_have_text("起草：fake-model")
    area = page.locator('[data-section-text="overview_proactive"]')
    state = page.locator('[data-gen-state="overview_proactive"]')
    page.click('[data-generate="overview_proactive"]')
    expect(state).to_contain_text("已生成（fake-model）")
    expect(area).to_have_value(re.compile("^本年按照条例要求"))
    assert int(area.get_attribute("data-chunks") or 0) > 2  # shown as it was written

    page.fill('[data-instruction="overview_proactive"]', "更简洁")
    page.click('[data-generate="overview_proactive"]')
    expect(area).to_have_value("简洁版：本年依法做好政府信息主动公开工作。")
    assert "更简洁" in fake_openai.requests[-1].prompt_text

    fake_openai.script(server_error(500))
    page.fill('[data-instruction="overview_proactive"]', "再改一次")
    page.click('[data-generate="overview_proactive"]')
    expect(state).to_contain_text("模型未能完成，已改用离线模板起草")
    findings = page.locator('[data-section-findings="overview_proactive"]')
    expect(findings).to_contain_text("大模型起草失败")
    html = page.content()
    assert "sk-CANARY-e2e" not in html


def test_keyboard_alone_creates_a_report_and_fills_cells(page: Page, server: Server) -> None:
    page.goto(server.url + "/reports/new")
    page.keyboard.type("键盘县档案馆")  # the agency field has the focus on arrival
    page.keyboard.press("Tab")  # 机关层级
    page.keyboard.press("Tab")  # 行政区划
    page.keyboard.type("某某省某某县")
    page.keyboard.press("Tab")  # 统计年度
    page.keyboard.type("2024")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}$"))
    report_id = page.url.rsplit("/", 1)[1]
    page.goto(f"{server.url}/reports/{report_id}/tables/4")
    page.focus('input[data-key="table4.review.maintained"]')
    page.keyboard.type("2")
    page.keyboard.press("Tab")  # 结果纠正
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    expect(page.locator('output[data-cell="table4.review.total"]')).to_have_text("3")
    expect(page.locator("#save-state")).to_contain_text("已保存")
    stored = Store.in_folder(server.data_dir).get(report_id).report
    assert stored.meta.region == "某某省某某县"
    assert (stored.table4.review.maintained, stored.table4.review.corrected) == (2, 1)


def test_chat_box_proposes_and_writes_only_when_confirmed(page: Page, server: Server) -> None:
    report_id = new_report(page, server)
    page.goto(f"{server.url}/reports/{report_id}/tables/4")
    page.fill("#chat-text", "行政复议2件，其中维持1件、纠正1件")
    page.click("#chat-propose")
    expect(page.locator("#chat-result")).to_contain_text("表四 · 行政复议 · 结果纠正")
    page.click("#chat-discard")
    expect(page.locator("#chat-result")).to_contain_text("已放弃")
    assert Store.in_folder(server.data_dir).get(report_id).version == 1
    page.click("#chat-propose")
    page.click("#chat-confirm")
    expect(page.locator("#chat-result")).to_contain_text("已写入 2 个单元格")
    expect(page.locator('output[data-cell="table4.review.total"]')).to_have_text("2")
    review = Store.in_folder(server.data_dir).get(report_id).report.table4.review
    assert (review.maintained, review.corrected) == (1, 1)


def test_start_from_last_years_word_document_and_refuse_a_huge_upload(
    page: Page, server: Server, tmp_path: Path, examples_dir: Path
) -> None:
    from draftbot.datafile import load_report
    from draftbot.word import build_docx

    last = load_report(examples_dir / "busy-2023.yaml")
    docx = tmp_path / "上年报告.docx"
    docx.write_bytes(build_docx(publishable(last)).data)  # last year's published report
    page.goto(server.url + "/reports/new")
    page.set_input_files("#upload-form input[type=file]", str(docx))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}$"))
    # nothing typed yet: a reminder of what to fill, not a page of red errors
    expect(page.locator("#finding-counts")).to_have_text("错误 0 · 提示 1")
    expect(page.locator("#findings")).to_contain_text("表三尚未填写：上年结转的 3 件申请")
    new = Store.in_folder(server.data_dir).get(page.url.rsplit("/", 1)[1]).report
    assert new.meta.report_year == 2024
    assert new.table3.carried_over.values() == last.table3.carried_forward.values()

    huge = tmp_path / "huge.docx"
    huge.write_bytes(b"PK\x03\x04" + b"0" * (6 * 1024 * 1024))
    page.goto(server.url + "/reports/new")
    page.set_input_files("#upload-form input[type=file]", str(huge))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#error-message")).to_contain_text("上传的内容过大")


def test_a_wrong_cell_does_not_hold_back_the_others_typed_with_it(
    page: Page, server: Server
) -> None:
    report_id = new_report(page, server)
    page.goto(f"{server.url}/reports/{report_id}/tables/2")
    page.evaluate(
        """() => {  // two cells typed within one autosave batch, one of them wrong
          for (const [key, value] of [["table2.licensing", "5"], ["table2.penalty", "很多"]]) {
            const field = document.querySelector(`input[data-key="${key}"]`);
            field.value = value;
            field.dispatchEvent(new Event("input", { bubbles: true }));
          }
        }"""
    )
    wrong = page.locator('input[data-key="table2.penalty"]')
    expect(wrong).to_have_class(re.compile("invalid"))
    expect(page.locator("#save-state")).to_contain_text("已保存其他修改")
    expect(wrong).to_have_value("很多")  # kept on the page to be corrected
    assert Store.in_folder(server.data_dir).get(report_id).report.table2.licensing == 5
    # the cell is marked for screen readers, its message (naming the cell) tied to it
    expect(wrong).to_have_attribute("aria-invalid", "true")
    described = wrong.get_attribute("aria-describedby") or ""
    note = page.locator("#" + described.split()[-1])
    expect(note).to_contain_text("表二")
    expect(note).to_contain_text("行政处罚")
    expect(note).to_contain_text("很多")
    wrong.fill("2")
    wrong.dispatch_event("change")
    expect(page.locator("#save-state")).to_contain_text("已保存 ")
    expect(wrong).not_to_have_attribute("aria-invalid", "true")
    expect(note).to_have_count(0)


def test_start_from_last_years_portal_page(
    page: Page, server: Server, tmp_path: Path, examples_dir: Path
) -> None:
    from draftbot.datafile import load_report
    from portal_pages import portal_page

    last = load_report(examples_dir / "seed-2022-as-published.yaml")
    saved = tmp_path / "上年报告.html"
    saved.write_text(portal_page(last), encoding="utf-8")
    page.goto(server.url + "/reports/new")
    page.set_input_files("#upload-form input[type=file]", str(saved))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}$"))
    new = Store.in_folder(server.data_dir).get(page.url.rsplit("/", 1)[1]).report
    assert new.meta.agency == last.meta.agency and new.meta.report_year == 2023
    assert [p.problem for p in new.facts.previous_problems] == [
        "部分信息发布不够及时",
        "个别科室做好公开工作的主动性不强",
    ]
    assert new.previous_year.narrative.overview_intro == last.narrative.overview_intro.strip()


def test_export_page_refuses_a_formal_file_until_every_section_is_written(
    page: Page, server: Server
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    report_id = new_report(page, server)
    page.goto(f"{server.url}/reports/{report_id}/export")
    expect(page.locator("#download-docx")).to_be_disabled()
    expect(page.locator("#download-pdf")).to_be_disabled()
    expect(page.locator("#formal-why")).to_contain_text("正文还有 8 部分（待起草）")
    expect(page.locator("[data-prose-status]")).to_contain_text("8 部分（待起草）")
    expect(page.locator("[data-prose-status]")).to_contain_text("六、其他需要报告的事项")
    with page.expect_download() as info:
        page.click("#download-draft")  # a 草稿 still downloads
    from docx import Document

    draft = Document(info.value.path())
    assert draft.sections[0].header.paragraphs[0].text == "草稿"

    page.goto(f"{server.url}/reports/{report_id}/draft")
    page.click("#draft-all")
    expect(page.locator("#draft-all-state")).to_contain_text("已起草 8 个部分")
    page.goto(f"{server.url}/reports/{report_id}/export")
    expect(page.locator("[data-prose-status]")).to_contain_text("8 部分待人工审核")
    expect(page.locator("#download-docx")).to_be_disabled()  # the basic information is missing
    expect(page.locator("#missing-fields li")).to_have_text(
        ["电子版下载网址", "联系方式", "发布日期"]
    )
    page.click("#missing-fields a")  # to 概况 · 基本信息
    basic = {
        "meta.website": "示范县人民政府门户网站“政府信息公开”专栏",
        "meta.contact": "示范县教育局办公室，电话 0571-87000000",
        "meta.publish_date": "2025-01-20",
    }
    for key, value in basic.items():
        with page.expect_response(lambda r: r.url.endswith("/edit") and r.ok):
            page.fill(f'input[data-key="{key}"]', value)
            page.locator('input[data-key="meta.region"]').focus()  # leaving the field saves
    page.goto(f"{server.url}/reports/{report_id}/export")
    expect(page.locator("#missing-fields")).to_have_count(0)
    expect(page.locator("#formal-why")).to_have_count(0)
    with page.expect_download() as info:
        page.click("#download-docx")
    assert Document(info.value.path()).sections[0].header.paragraphs[0].text != "草稿"
    with page.expect_download() as info:
        page.click("#download-review")
    review = Document(info.value.path())
    assert sum(c.text.startswith("待人工审核") for c in review.comments) == 8
    if shutil.which("soffice") or os.environ.get("CI"):
        with page.expect_download() as info:
            page.click("#download-pdf")
            expect(page.locator("#pdf-state")).to_contain_text("正在由 LibreOffice 转换为 PDF")
        assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"
        assert info.value.suggested_filename.endswith("年政府信息公开工作年度报告.pdf")

    # a table error disables the formal download again (no button leading to a 409 page)
    page.goto(f"{server.url}/reports/{report_id}/tables/3")
    page.fill('input[data-key="table3.new_received.natural_person"]', "2")
    expect(page.locator("#save-state")).to_contain_text("已保存")
    page.goto(f"{server.url}/reports/{report_id}/export")
    expect(page.locator("#download-docx")).to_be_disabled()
    expect(page.locator("#formal-why")).to_contain_text(re.compile(r"数据检查发现 \d+ 个错误"))
    assert errors == []


def test_no_console_errors_on_any_main_page(page: Page, server: Server) -> None:
    """No CSP violation (inline handlers), no missing favicon, no script error anywhere."""
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    report_id = new_report(page, server)
    paths = ["/", "/reports/new", f"/reports/{report_id}"]
    paths += [f"/reports/{report_id}/{p}" for p in ("guide", "facts", "draft", "export")]
    paths += [f"/reports/{report_id}/tables/{n}" for n in (2, 3, 4)]
    for path in paths:
        page.goto(server.url + path)
        expect(page.locator("#main")).to_be_visible()
        page.keyboard.press("Tab")  # focus moves; nothing is submitted inline
    page.goto(f"{server.url}/reports/{report_id}/facts")
    field = page.locator('input[data-key="facts.training_sessions"]')
    field.fill("3")
    field.press("Enter")  # an autosaved form has nothing to submit: the page stays
    expect(page.locator("#save-state")).to_contain_text("已保存")
    page.reload()
    expect(field).to_have_value("3")
    icon = page.request.get(server.url + "/static/favicon.svg")
    assert icon.ok and "svg" in icon.headers["content-type"]
    assert errors == []


def test_a_final_report_is_locked_on_every_page_until_its_status_changes(
    page: Page, server: Server
) -> None:
    report_id = new_report(page, server)
    store = Store.in_folder(server.data_dir)
    store.set_status(report_id, "final", store.get(report_id).version)

    page.goto(f"{server.url}/reports/{report_id}/tables/2")
    banner = page.locator("#final-banner")
    expect(banner).to_contain_text("本报告已定稿")
    assert banner.evaluate("b => getComputedStyle(b).backgroundColor") != "rgb(218, 251, 225)"
    cell = page.locator('input[data-key="table2.licensing"]')
    expect(cell).not_to_be_editable()
    cell.focus()
    page.keyboard.type("7")
    expect(cell).to_have_value("0")  # typing does nothing
    expect(page.locator("#save-state")).to_have_text("已定稿：内容不能修改")
    expect(page.locator("#chat-propose")).to_be_disabled()

    page.goto(f"{server.url}/reports/{report_id}/draft")
    expect(page.locator('[data-section-text="problems"]')).not_to_be_editable()
    expect(page.locator('[data-generate="problems"]')).to_be_disabled()
    expect(page.locator("#draft-all")).to_be_disabled()
    expect(page.locator('[data-history="problems"]')).to_be_enabled()  # reading is fine

    for path in ("facts", "guide", ""):
        page.goto(f"{server.url}/reports/{report_id}/{path}".rstrip("/"))
        expect(page.locator("#main")).to_be_visible()
        editable = page.locator(
            "main :is(input:not([type=hidden]), textarea, select, button)"
            ":not([readonly]):not([disabled]):not([data-final-ok] *):not([data-history])"
        )
        expect(editable).to_have_count(0)
    page.select_option("#status-form select", "reviewing")  # the way back stays open
    page.click("#status-form button[type=submit]")
    expect(page.locator("#final-banner")).to_have_count(0)
    page.goto(f"{server.url}/reports/{report_id}/tables/2")
    page.fill('input[data-key="table2.licensing"]', "7")
    expect(page.locator("#save-state")).to_contain_text("已保存")
    assert store.get(report_id).report.table2.licensing == 7


def test_duplicate_warning_archive_and_restore(page: Page, server: Server) -> None:
    first = new_report(page, server, agency="重复县民政局")
    page.goto(server.url + "/reports/new")
    page.fill("input[name=agency]", "重复县民政局")
    page.fill("input[name=report_year]", "2024")
    page.click("#new-form button[type=submit]")
    warning = page.locator("#duplicate-warning")
    expect(warning).to_contain_text("已有 重复县民政局 2024 年度的报告")
    expect(warning.locator(f'a[href="/reports/{first}"]')).to_have_text("打开已有的报告")
    page.click("#duplicate-form button[type=submit]")  # the clerk insists: a second one
    page.wait_for_url(re.compile(r"/reports/[0-9a-f]{32}$"))
    second = page.url.rsplit("/", 1)[1]
    assert second != first

    page.goto(server.url + "/")
    rows = page.locator("#report-list tbody tr", has_text="重复县民政局")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-duplicate]")).to_have_count(2)
    rows.filter(has=page.locator(f'a[href="/reports/{second}"]')).locator(
        ".archive-form button"
    ).click()
    expect(rows).to_have_count(1)
    expect(page.locator("[data-duplicate]")).to_have_count(0)
    page.click("#show-archived")
    expect(page.locator("h1")).to_have_text("已归档的报告")
    archived = page.locator("#report-list tbody tr")
    expect(archived).to_have_count(1)
    expect(archived.locator(f'a[href="/reports/{second}"]')).to_be_visible()
    page.goto(f"{server.url}/reports/{second}")  # archived, not deleted: it still opens
    expect(page.locator("h1")).to_contain_text("重复县民政局")
    page.goto(server.url + "/?archived=1")
    page.click("#report-list .archive-form button")  # 恢复到列表
    expect(page.locator("#report-list tbody tr", has_text="重复县民政局")).to_have_count(2)


def test_regenerating_a_hand_edited_section_asks_first_and_the_draft_page_has_a_section_nav(
    page: Page, server: Server
) -> None:
    report_id = new_report(page, server)
    page.goto(f"{server.url}/reports/{report_id}/draft")
    nav = page.locator("#section-nav a")
    expect(nav).to_have_count(8)
    expect(nav.nth(7)).to_contain_text("六、其他需要报告的事项")
    expect(nav.nth(7)).to_contain_text("待起草")
    nav.nth(7).click()
    expect(page.locator("#section-other_matters")).to_be_in_viewport()

    generate = page.locator('[data-generate="problems"]')
    area = page.locator('[data-section-text="problems"]')
    generate.click()  # empty: generated at once
    expect(page.locator('[data-gen-state="problems"]')).to_contain_text("已生成")
    generated = area.input_value()
    generate.click()  # generated text: regenerated without asking
    expect(page.locator('[data-gen-state="problems"]')).to_contain_text("已生成")
    expect(page.locator('[data-nav="problems"]')).to_contain_text("待人工审核")
    approve = page.locator('[data-approve="problems"]')
    approve.click()  # read and accepted as it is: no longer 待人工审核
    expect(page.locator('[data-nav="problems"]')).to_contain_text("已人工修改")
    expect(page.locator('[data-origin="problems"]')).to_contain_text("人工审核通过于")
    expect(approve).to_be_hidden()
    generate.click()  # approved text is a person's decision: asked first
    expect(page.locator('[data-gen-state="problems"]')).to_contain_text("本部分有手工修改")
    page.locator('[data-gen-state="problems"]').get_by_role("button", name="取消").click()

    area.fill(EDITED)
    page.locator('[data-instruction="problems"]').focus()
    expect(page.locator("#save-state")).to_contain_text("已保存")
    generate.click()
    ask = page.locator('[data-gen-state="problems"]')
    expect(ask).to_contain_text("本部分有手工修改，重新生成会替换它")
    ask.get_by_role("button", name="取消").click()
    expect(area).to_have_value(EDITED)

    page.reload()  # the page remembers who wrote the text
    expect(page.locator('[data-nav="problems"]')).to_contain_text("已人工修改")
    generate.click()
    expect(ask).to_contain_text("本部分有手工修改")
    expect(area).to_have_value(EDITED)
    page.locator('[data-confirm-generate="problems"]').click()
    expect(ask).to_contain_text("已生成")
    expect(area).to_have_value(generated)
    page.click('[data-history="problems"]')
    expect(page.locator('[data-history-box="problems"]')).to_contain_text("手工编辑")


ISSUE_SENTENCE = (
    "今年共收到12件申请，其中自然人10件，企业2件；予以公开7件，部分公开2件，本机关不掌握3件"
)


def test_a_sentence_at_the_table3_gate_is_followed_by_the_splits_it_did_not_give(
    page: Page, server: Server
) -> None:
    report_id = new_report(page, server)
    page.goto(f"{server.url}/reports/{report_id}/guide?q=t3_gate")
    expect(page.locator("#answer-form input[name=question_id]")).to_have_value("t3_gate")
    page.fill("#answer", ISSUE_SENTENCE)
    page.click("#answer-submit")
    expect(page.locator("#confirm-proposal")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("已填入")  # nothing is written yet
    page.click("#confirm-proposal")
    expect(page.locator("#table-notice")).to_have_count(0)  # 表三 is not finished
    follow_ups = [
        ("t3_granted", "三、（一）予以公开", "自然人 6，商业企业 1"),
        ("t3_partially_granted", "三、（二）部分公开", "自然人 2"),
        ("t3_unable_not_held", "1.本机关不掌握相关政府信息", "自然人 2，商业企业 1"),
    ]
    for question, prompt, split in follow_ups:
        page.goto(f"{server.url}/reports/{report_id}/guide?q={question}")
        expect(page.locator("label.question")).to_contain_text(f"{prompt}：按申请人类型各几件？")
        if question == "t3_granted":  # a split that does not add up to the sentence's total
            page.fill("#answer", "自然人 6")
            page.click("#answer-submit")
            expect(page.locator("#answer-problem")).to_contain_text(
                "这一行共 7 件，这里分列合计 6 件"
            )
        page.fill("#answer", split)
        page.click("#answer-submit")
        expect(page.locator("#answer-problem")).to_have_count(0)
    expect(page.locator("#table-notice")).to_contain_text("表三已填完，检查未发现问题")
    table3 = Store.in_folder(server.data_dir).get(report_id).report.table3
    assert (table3.granted.natural_person, table3.granted.commercial) == (6, 1)
    assert table3.results_column_total("2021", "total") == 12
