"""The 政务公开办 workspace through FastAPI's TestClient: upload, summary, filters, an agency,
two years compared, roll-up into the normal flow."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

import batch_corpus as corpus
from draftbot.store import Store
from web_helpers import csrf, make_client


def county_zip(folder: Path) -> bytes:
    """The generated county (see batch_corpus) as one .zip, as an office would upload it."""
    root = corpus.write_corpus(folder)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix != ".zip":
                z.write(path, str(path.relative_to(root)))
        with zipfile.ZipFile(root / "2022.zip") as inner:
            for name in inner.namelist():
                if name.endswith(".yaml"):
                    z.writestr(name, inner.read(name))
    return out.getvalue()


def wait_done(client, url: str) -> str:
    """The batch page once the background job is done (polling its progress, as the page does)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = client.get(url + "/progress").json()
        if not state["running"]:
            break
        time.sleep(0.2)
    page = client.get(url)
    assert page.status_code == 200
    return page.text


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("ws")
    client = make_client(folder / "data")
    data = county_zip(folder / "src")
    response = client.post(
        "/workspace",
        data={
            "csrf_token": csrf(client),
            "renames": f"{corpus.OLD_NAME} → {corpus.RENAMES[corpus.OLD_NAME]}\n随便写的一行\n",
        },
        files=[("files", ("各单位报告.zip", data, "application/zip"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    url = str(response.headers["location"])
    html = wait_done(client, url)
    return client, url, html, folder / "data"


def test_upload_shows_the_summary_with_exact_counts(uploaded):
    _, _, html, _ = uploaded
    assert "共 64 个文件：通过 48 份，有提示 8 份，有错误 5 份，无法读取 3 份。" in html
    # file names are shown relative to the upload, never as server paths
    assert "/inputs/" not in html and "001-各单位报告.zip/2023/" in html


def test_filters_and_sorting(uploaded):
    client, url, _, _ = uploaded
    errors = client.get(url, params={"status": "有错误"}).text
    assert errors.count('data-status="有错误"') == 5 and 'data-status="通过"' not in errors
    m01 = client.get(url, params={"code": "A-01"}).text
    assert m01.count("<tr data-status=") == 4
    townships = client.get(url, params={"level": "乡镇（街道）"}).text
    assert townships.count("<tr data-status=") == len(corpus.TOWNSHIPS)
    by_errors = client.get(url, params={"sort": "错误", "desc": "1"}).text
    first = re.search(r'<tr data-status="([^"]+)"', by_errors)
    assert first and first.group(1) == "有错误"


def test_agency_page_lists_findings_and_compares_two_years(uploaded):
    client, url, html, _ = uploaded
    agency = corpus.WRONG_CARRY_OVER[0]
    row = rf'items/(\d+)" class="agency-link">{agency}</a></td>\s*<td>[^<]*</td>\s*<td>2023</td>'
    number = re.search(row, html)
    assert number
    page = client.get(f"{url}/items/{number.group(1)}").text
    assert "[X-01]" in page and "上年结转填写为 2 件" in page
    assert "与上年报告对比" in page
    # 上年结转 2 this year against 0 last year, shown side by side
    assert (
        '表三 · 二、上年结转政府信息公开申请数量 · 自然人</td><td class="num">2</td><td class="num">0'
        in page
    )


def test_summary_downloads_as_excel(uploaded):
    client, url, _, _ = uploaded
    response = client.get(url + "/汇总.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb["汇总"].max_row == corpus.EXPECTED_FILES + 1


def test_rollup_goes_into_the_normal_flow(uploaded):
    client, url, _, data_dir = uploaded
    response = client.post(
        url + "/rollup",
        data={"csrf_token": csrf(client), "agency": corpus.GOVERNMENT, "level": "区县政府"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(str(response.headers["location"])).text
    assert "汇总了 51 个机关" in page
    # the renamed agency is matched through the rename lines given with the upload
    assert f'id="rollup-missing">缺报机关：{corpus.GONE}<' in page
    report_id = re.search(r'/reports/([^/"]+)/draft" id="continue-report"', page)
    assert report_id
    stored = Store.in_folder(data_dir).get(report_id.group(1))
    assert stored.report.meta.agency == corpus.GOVERNMENT
    assert client.get(f"/reports/{report_id.group(1)}/export").status_code == 200


def test_rename_lines_are_parsed_leniently():
    from draftbot.web.routes_workspace import parse_renames

    text = "甲县文化局 → 甲县文旅局\n乙局：丙局\n只有一个名称\n丁局 -> 戊局"
    assert parse_renames(text) == {"甲县文化局": "甲县文旅局", "乙局": "丙局", "丁局": "戊局"}


def test_bad_upload_requests_are_refused(uploaded):
    client, _, _, _ = uploaded
    assert client.post("/workspace", data={"csrf_token": csrf(client)}).status_code == 400
    assert client.get("/workspace/../../etc").status_code == 404
    assert client.get("/workspace/AAAAAAAAAAAA").status_code == 404


def test_too_big_upload_is_refused_and_nothing_is_kept(tmp_path: Path):
    client = make_client(tmp_path, max_upload_bytes=1000)
    response = client.post(
        "/workspace",
        data={"csrf_token": csrf(client)},
        files=[
            ("files", ("a.yaml", b"x" * 500, "text/plain")),
            ("files", ("b.zip", b"y" * 2000, "application/zip")),
        ],
    )
    assert response.status_code == 413
    assert "上传的文件过大" in response.text
    # nothing of the refused upload is kept: no batch, no file (the first one was accepted)
    reader = Store.in_folder(tmp_path).reader()
    for table in ("batches", "batch_files"):
        assert reader.execute(f"SELECT COUNT(*) AS n FROM {table}").fetchone()["n"] == 0
    assert "已上传的批次" not in client.get("/workspace").text


def test_new_report_from_last_years_excel_template(tmp_path: Path):
    from draftbot.datafile import load_report
    from draftbot.excel import template_bytes

    examples = Path(__file__).resolve().parent.parent / "examples"
    last = load_report(examples / "busy-2023.yaml")
    client = make_client(tmp_path)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = client.post(
        "/reports/from-previous",
        data={"csrf_token": csrf(client)},
        files={"file": ("上年.xlsx", template_bytes(last), kind)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    report_id = str(response.headers["location"]).rsplit("/", 1)[1]
    stored = Store.in_folder(tmp_path).get(report_id).report
    assert (stored.meta.agency, stored.meta.report_year) == (last.meta.agency, 2024)
    assert stored.table3.carried_over.values() == last.table3.carried_forward.values()
    # a bad cell is named with its sheet and cell, as for any input
    broken = io.BytesIO()
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(last)))
    wb["表四"]["A6"] = "很多"
    wb.save(broken)
    response = client.post(
        "/reports/from-previous",
        data={"csrf_token": csrf(client)},
        files={"file": ("上年.xlsx", broken.getvalue(), kind)},
    )
    assert response.status_code == 400
    assert (
        "表四 · 行政复议 · 结果维持（工作表“表四” 单元格 A6）：应为不小于 0 的整数，收到“很多”"
        in response.text
    )
