"""PDF export through LibreOffice (CLI and web, text read back with pdftotext), the web
审阅稿 download, and the export page while a formal export is refused."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from draftbot.cli import app
from draftbot.datafile import load_report
from draftbot.outline import SECTION_HEADINGS
from web_helpers import (
    create_report,
    draft_all,
    edit,
    fill_basic_info,
    make_client,
    visible_text,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
runner = CliRunner()


def _require_libreoffice() -> None:
    missing = [tool for tool in ("soffice", "pdftotext") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have {', '.join(missing)} (see .ci/run)")
        pytest.skip(f"{', '.join(missing)} not installed on this machine")


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    assert data[:5] == b"%PDF-"
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    raw = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", raw)


@pytest.fixture
def drafted_busy(tmp_path: Path) -> Path:
    source = tmp_path / "busy.yaml"
    shutil.copy(EXAMPLES / "busy-2023.yaml", source)
    result = runner.invoke(app, ["draft", str(source), "--offline"])
    assert result.exit_code == 0, result.output
    return source


def test_cli_export_pdf_by_flag_and_by_suffix(drafted_busy: Path, tmp_path: Path) -> None:
    _require_libreoffice()
    by_flag = runner.invoke(app, ["export", str(drafted_busy), "--pdf"])
    assert by_flag.exit_code == 0, by_flag.output
    target = drafted_busy.with_suffix(".pdf")
    assert f"已导出 {target}" in by_flag.output
    text = _pdf_text(target.read_bytes(), tmp_path)
    report = load_report(drafted_busy)
    position = 0
    for token in ["安吉县自然资源和规划局2023年", *SECTION_HEADINGS, "2024年1月22日"]:
        position = text.find(token, position)
        assert position >= 0, token
    first = report.narrative.overview_intro.split("。")[0]
    assert re.sub(r"\s+", "", first) in text
    other = tmp_path / "x.pdf"
    by_suffix = runner.invoke(app, ["export", str(drafted_busy), "-o", str(other)])
    assert by_suffix.exit_code == 0, by_suffix.output
    assert "安吉县自然资源和规划局" in _pdf_text(other.read_bytes(), tmp_path)


def test_cli_pdf_is_refused_like_the_docx_and_explains_a_missing_libreoffice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x.pdf"
    refused = runner.invoke(app, ["export", str(EXAMPLES / "busy-2023.yaml"), "-o", str(target)])
    assert refused.exit_code == 1 and "正文还有 8 部分（待起草）" in refused.output
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on PATH
    missing = runner.invoke(
        app, ["export", str(EXAMPLES / "busy-2023.yaml"), "-o", str(target), "--force"]
    )
    assert missing.exit_code == 2 and not target.exists()
    assert (
        "需要 LibreOffice" in missing.output
        and "apt-get install libreoffice-writer" in missing.output
    )
    assert "Traceback" not in missing.output
    wrong = runner.invoke(
        app, ["export", str(EXAMPLES / "busy-2023.yaml"), "--pdf", "-o", "x.docx"]
    )
    assert wrong.exit_code == 2 and ".pdf 结尾" in wrong.output


def test_cli_review_copy(tmp_path: Path) -> None:
    source = tmp_path / "errors.yaml"
    shutil.copy(EXAMPLES / "errors-2020.yaml", source)
    result = runner.invoke(app, ["export", str(source), "--review"])
    assert result.exit_code == 0, result.output  # errors are what the reviewer reads
    target = tmp_path / "errors-审阅稿.docx"
    assert f"已导出 {target}" in result.output
    document = docx.Document(target)
    assert any(c.text.startswith("[T3-01] 错误") for c in document.comments)
    pdf = runner.invoke(app, ["export", str(source), "--review", "-o", str(tmp_path / "r.pdf")])
    assert pdf.exit_code == 2 and ".docx 结尾" in pdf.output


@pytest.fixture
def client(tmp_path: Path):
    with make_client(tmp_path) as client:
        yield client


def test_export_page_refuses_a_formal_file_while_sections_are_unwritten(client) -> None:
    report_id = create_report(client)
    page = client.get(f"/reports/{report_id}/export").text
    assert re.search(r'<button[^>]*id="download-docx"[^>]*disabled', page)
    assert "正文还有 8 部分（待起草）" in visible_text(page)
    assert "正文共 8 部分：已有正文 0 部分， 8 部分（待起草）" in visible_text(page).replace(
        "  ", " "
    )
    blocked = client.get(f"/reports/{report_id}/download.docx")
    assert blocked.status_code == 409
    assert "六、其他需要报告的事项" in blocked.text and "不能以“（待起草）”发布" in blocked.text
    draft = client.get(f"/reports/{report_id}/download.docx?force=1")
    assert draft.status_code == 200
    assert docx.Document(io.BytesIO(draft.content)).sections[0].header.paragraphs[0].text == "草稿"
    draft_all(client, report_id)
    fill_basic_info(client, report_id)
    page = client.get(f"/reports/{report_id}/export").text
    assert re.search(r'<a[^>]*href="[^"]*download.docx"[^>]*id="download-docx"', page)
    assert 'id="missing-fields"' not in page
    assert "8 部分待人工审核" in visible_text(page)
    overview = visible_text(client.get(f"/reports/{report_id}").text)
    assert "8 部分待人工审核" in overview
    assert client.get(f"/reports/{report_id}/download.docx").status_code == 200


def test_export_page_lists_missing_basic_information_before_the_click(client) -> None:
    report_id = create_report(client)
    draft_all(client, report_id)
    page = client.get(f"/reports/{report_id}/export").text
    assert re.search(r'<button[^>]*id="download-docx"[^>]*disabled', page)
    missing = re.search(r'<div class="notice warn" id="missing-fields">(.*?)</div>', page, re.S)
    assert missing, page
    assert re.findall(r"<li>(.*?)</li>", missing.group(1)) == [
        "电子版下载网址",
        "联系方式",
        "发布日期",
    ]
    assert f'href="/reports/{report_id}"' in missing.group(1) and "基本信息" in missing.group(1)
    why = visible_text(page)
    assert "基本信息还有 3 项未填写" in why and "meta." not in why
    blocked = client.get(f"/reports/{report_id}/download.docx")
    assert blocked.status_code == 409 and "发布日期未填写" in blocked.text
    draft = client.get(f"/reports/{report_id}/download.docx?force=1")
    assert draft.status_code == 200
    assert "（待填写）" in "".join(
        p.text for p in docx.Document(io.BytesIO(draft.content)).paragraphs
    )
    edit(client, report_id, {"meta.publish_date": "2025-01-20"})
    page = client.get(f"/reports/{report_id}/export").text
    missing = re.search(r'id="missing-fields">(.*?)</div>', page, re.S)
    assert missing and re.findall(r"<li>(.*?)</li>", missing.group(1)) == [
        "电子版下载网址",
        "联系方式",
    ]


def test_web_pdf_and_review_downloads(client, tmp_path: Path) -> None:
    report_id = create_report(client)
    edit(client, report_id, {"table2.licensing": "12"})
    draft_all(client, report_id)
    fill_basic_info(client, report_id)
    review = client.get(f"/reports/{report_id}/download-review.docx")
    assert review.status_code == 200
    assert "%E5%AE%A1%E9%98%85%E7%A8%BF" in review.headers["content-disposition"]  # 审阅稿
    document = docx.Document(io.BytesIO(review.content))
    notes = [c for c in document.comments if c.text.startswith("待人工审核")]
    assert len(notes) == 8  # every section is still as the offline drafter wrote it
    _require_libreoffice()
    pdf = client.get(f"/reports/{report_id}/download.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content, tmp_path)
    assert "测试县教育局2024年" in text and SECTION_HEADINGS[5] in text


def test_web_pdf_without_libreoffice_says_what_to_do(
    client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report_id = create_report(client)
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on PATH
    response = client.get(f"/reports/{report_id}/download.pdf?force=1")
    assert response.status_code == 503
    assert "需要 LibreOffice" in response.text and 'id="export-problem"' in response.text


def test_approving_a_generated_section_takes_it_off_the_review_list(client) -> None:
    from web_helpers import headers, version_of

    report_id = create_report(client)
    empty = client.post(
        f"/api/reports/{report_id}/sections/problems/approve",
        json={"version": version_of(client, report_id)},
        headers=headers(client),
    )
    assert empty.status_code == 400 and "还没有正文" in empty.json()["message"]
    draft_all(client, report_id)
    text = client.get(f"/reports/{report_id}/draft").text
    assert text.count('data-approve="') == 8 and "hidden title" not in text
    approved = client.post(
        f"/api/reports/{report_id}/sections/problems/approve",
        json={"version": version_of(client, report_id)},
        headers=headers(client),
    )
    assert approved.status_code == 200
    assert approved.json()["origin"].startswith("人工审核通过于")
    page = visible_text(client.get(f"/reports/{report_id}/export").text)
    assert (
        "7 部分待人工审核" in page
        # the pending list only: the page's findings below may name 五 (P-07, this agency
        # gave no problem and its data supports none)
        and "五、存在的主要问题及改进情况" not in page.split("待人工审核（")[1].split("\n")[0]
    )
    review = client.get(f"/reports/{report_id}/download-review.docx")
    notes = [
        c
        for c in docx.Document(io.BytesIO(review.content)).comments
        if c.text.startswith("待人工审核")
    ]
    assert len(notes) == 7
    history = client.get(f"/api/reports/{report_id}/sections/problems/history").json()
    assert history["revisions"][0]["source"] == "人工审核通过"  # recorded, text unchanged
