"""从上一年度报告开始 with a published report page or PDF: same limits as .docx uploads."""

from __future__ import annotations

from pathlib import Path

import pytest

from draftbot.datafile import load_report
from portal_pages import portal_page
from web_helpers import csrf, make_client, visible_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def client(tmp_path: Path):
    with make_client(tmp_path) as c:
        yield c


def _upload(client, name: str, data: bytes, **fields: str):
    return client.post(
        "/reports/from-previous",
        data={"csrf_token": csrf(client), **fields},
        files={"file": (name, data, "application/octet-stream")},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )


def test_start_from_a_portal_page(client) -> None:
    last = load_report(EXAMPLES / "busy-2023.yaml")
    response = _upload(client, "上年报告.html", portal_page(last).encode("utf-8"))
    assert response.status_code == 303, visible_text(response.text)
    store = client.app.state.store
    new = store.get(str(response.headers["location"]).rsplit("/", 1)[1]).report
    assert new.meta.agency == last.meta.agency
    assert new.meta.report_year == 2024
    assert new.table3.carried_over.values() == last.table3.carried_forward.values()
    assert new.source is None  # this year's figures are the clerk's own


def test_page_without_title_asks_for_agency_and_year_in_the_form(client) -> None:
    last = load_report(EXAMPLES / "busy-2023.yaml")
    page = portal_page(last).replace("政府信息公开工作年度报告", "年报")
    response = _upload(client, "上年报告.htm", page.encode("utf-8"))
    assert response.status_code == 400
    assert "请在上传时填写机关全称和年度" in visible_text(response.text)
    response = _upload(
        client,
        "上年报告.htm",
        page.encode("utf-8"),
        agency="安吉县自然资源和规划局",
        report_year="2023",
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("扫描件.pdf", b"%PDF-1.4\n garbage", "PDF 文件已损坏"),
        ("上年.mht", b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello", "没有网页内容"),
        ("上年.html", b"<html><body><p>hello</p></body></html>", "无法从标题识别机关名称和年度"),
    ],
)
def test_unreadable_published_files_get_a_message(
    client, name: str, data: bytes, message: str
) -> None:
    response = _upload(client, name, data)
    assert response.status_code == 400
    assert message in visible_text(response.text)


def test_clerk_edits_of_a_published_report_keep_the_typed_rules() -> None:
    from draftbot.datafile import parse_report
    from draftbot.web.edits import EditRejected, apply_changes

    published = parse_report(
        "meta: {agency: 示例市人民政府, report_year: 2023}\n"
        "source: {kind: published}\n"
        "table2: {licensing: 1573179}\n"
        "table3:\n  granted: {natural_person: /, commercial: /}\n"
    )
    with pytest.raises(EditRejected) as info:
        apply_changes(published, {"table2.penalty": "2000000"})
    assert "数值过大（上限 1000000）" in info.value.problems[0].message
    with pytest.raises(EditRejected) as info:
        apply_changes(published, {"table3.granted.natural_person": "/"})
    assert "没有发生的事项请填 0" in info.value.problems[0].message
    edited = apply_changes(published, {"table3.granted.natural_person": "3"})
    assert edited.table3.granted.natural_person == 3
    assert "table3.granted.natural_person" not in edited.source.notes
    assert "table3.granted.commercial" in edited.source.notes
    assert edited.table2.licensing == 1573179  # the published figure stays as printed
