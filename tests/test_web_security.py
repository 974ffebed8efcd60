"""Web security: hosts, CSRF, escaping, uploads, binding, login, secrets, error pages."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from draftbot.web.pages import TEMPLATES_DIR
from draftbot.web.security import GuardError, check_bind
from web_helpers import (
    BASE_URL,
    create_report,
    csrf,
    edit,
    headers,
    make_client,
    offline_settings,
    version_of,
)

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "javascript:alert(3)",
    "{{ 7*7 }}",
    "{% for x in ().__class__.__mro__ %}x{% endfor %}",
]


@pytest.fixture
def client(tmp_path: Path):
    with make_client(tmp_path) as c:
        yield c


# --- hosts --------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example"])
def test_unknown_host_is_rejected(client, host: str) -> None:
    response = client.get("/", headers={"Host": host, "Accept": "text/html"})
    assert response.status_code == 400
    assert "主机名不在允许范围内" in response.text


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"])
def test_loopback_hosts_are_accepted(client, host: str) -> None:
    assert client.get("/", headers={"Host": host}).status_code == 200


# --- CSRF ---------------------------------------------------------------------------------


def _all_routes(routes) -> list:
    """Routes, including those of included routers (nested in recent FastAPI versions)."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found += _all_routes(inner.routes) if inner is not None else [route]
    return found


def _state_changing_routes(client) -> list[tuple[str, str]]:
    routes = []
    for route in _all_routes(client.app.routes):
        for method in (getattr(route, "methods", None) or set()) - {"GET", "HEAD", "OPTIONS"}:
            routes.append((method, route.path))
    return routes


def test_every_state_changing_route_needs_the_csrf_token(client) -> None:
    report_id = create_report(client)
    routes = _state_changing_routes(client)
    assert len(routes) >= 10
    for method, path in routes:
        url = re.sub(r"\{report_id\}", report_id, path)
        url = re.sub(r"\{[a-z_]+\}", "1", url)
        for extra in ({}, {"X-CSRF-Token": "wrong-token-" + "x" * 30}):
            response = client.request(method, url, json={"version": 1}, headers=extra)
            assert response.status_code == 403, (method, path, response.status_code)
            assert "安全令牌" in response.json()["message"]
        form = client.request(method, url, data={"version": "1", "status": "final"})
        assert form.status_code == 403, (method, path)
    assert version_of(client, report_id) == 1  # nothing changed


def test_foreign_origin_is_rejected_even_with_the_token(client) -> None:
    report_id = create_report(client)
    response = client.post(
        f"/api/reports/{report_id}/edit",
        json={"version": 1, "changes": {"table2.licensing": "1"}},
        headers={**headers(client), "Origin": "http://evil.example"},
    )
    assert response.status_code == 403 and "来源" in response.json()["message"]
    same = edit(client, report_id, {"table2.licensing": "1"}, 1)
    assert same.status_code == 200


def test_csrf_cookie_is_httponly_and_strict(tmp_path: Path) -> None:
    from draftbot.web.app import WebConfig, create_app

    fresh = TestClient(create_app(WebConfig(data_dir=tmp_path)), base_url=BASE_URL)
    cookie = fresh.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_get_never_changes_state(client) -> None:
    report_id = create_report(client)
    for path in ("", "/guide", "/draft", "/export", "/download.yaml", "/tables/3"):
        client.get(f"/reports/{report_id}{path}")
    assert version_of(client, report_id) == 1


# --- escaping -----------------------------------------------------------------------------


def test_hostile_text_is_shown_as_text_on_every_page(client) -> None:
    report_id = create_report(client, agency="测试" + XSS[0])
    edit(
        client,
        report_id,
        {
            "facts.proactive_notes": XSS[1],
            "facts.problems": "\n".join(XSS),
            "meta.contact": XSS[2],
            "meta.website": XSS[3],
        },
    )
    for text in XSS:
        client.post(
            f"/api/reports/{report_id}/sections/other_matters",
            json={"version": version_of(client, report_id), "text": text},
            headers=headers(client),
        )
    pages = ["/", f"/reports/{report_id}", "/reports/new"]
    pages += [
        f"/reports/{report_id}/{p}" for p in ("guide", "facts", "tables/3", "draft", "export")
    ]
    for path in pages:
        html = client.get(path).text
        for raw in ("<script>alert", "<img src=x", "</script><script>"):
            assert raw not in html, (path, raw)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/").text
    assert "{{ 7*7 }}" in client.get(f"/reports/{report_id}/facts").text  # not rendered as 49
    overview = client.get(f"/reports/{report_id}").text
    assert "&lt;/script&gt;&lt;script&gt;alert(2)" in overview
    draft = client.get(f"/reports/{report_id}/draft").text
    assert "{% for x in ().__class__.__mro__ %}" in draft.replace("&#39;", "'")
    blocked = client.get(f"/reports/{report_id}/download.docx")  # error page lists findings
    assert "<script>alert" not in blocked.text


def test_templates_never_mark_text_safe_and_no_template_is_built_from_data() -> None:
    for template in TEMPLATES_DIR.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", "") and "Markup" not in source, template
        assert "autoescape false" not in source
    web_dir = TEMPLATES_DIR.parent
    for module in web_dir.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert "from_string" not in source and "Template(" not in source, module
    script = (web_dir / "static" / "app.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_pages_send_a_content_security_policy(client) -> None:
    response = client.get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


# --- uploads ------------------------------------------------------------------------------


def _upload(client, name: str, data: bytes, **fields: str):
    return client.post(
        "/reports/from-previous",
        data={"csrf_token": csrf(client), **fields},
        files={"file": (name, data, "application/octet-stream")},
        headers={"Accept": "text/html"},
    )


def test_oversized_upload_is_refused_with_a_message(tmp_path: Path) -> None:
    with make_client(tmp_path, max_upload_bytes=1024 * 1024) as client:
        response = _upload(client, "big.docx", b"PK\x03\x04" + b"0" * (2 * 1024 * 1024))
        assert response.status_code == 413
        assert "上传的内容过大" in response.text and "1 MB" in response.text


def test_upload_without_content_length_is_cut_off(tmp_path: Path) -> None:
    with make_client(tmp_path, max_upload_bytes=1024 * 1024) as client:

        def body():
            for _ in range(40):
                yield b"x" * 65536

        response = client.post(
            "/reports/from-previous",
            content=body(),
            headers={
                "Content-Type": "multipart/form-data; boundary=zzz",
                "X-CSRF-Token": csrf(client),
            },
        )
        assert response.status_code == 413
        assert "上传的内容过大" in response.json()["message"]


def test_wrong_file_type_is_refused(client) -> None:
    response = _upload(client, "virus.exe", b"MZ\x90\x00")
    assert response.status_code == 415 and ".docx" in response.text


def test_not_a_docx_is_refused(client) -> None:
    response = _upload(client, "report.docx", b"just text, not a zip")
    assert response.status_code == 400 and "不是 .docx 格式" in response.text


def test_zip_bomb_docx_is_refused(client) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (30 * 1024 * 1024))
    response = _upload(client, "bomb.docx", buffer.getvalue())
    assert response.status_code == 400
    assert "压缩" in response.text or "体积过大" in response.text


def test_xml_bomb_docx_is_refused(client) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><w:document>&lol2;'
        "</w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", bomb)
    response = _upload(client, "bomb.docx", buffer.getvalue())
    assert response.status_code == 400 and "文档类型声明" in response.text


def test_bad_data_file_names_the_problem(client) -> None:
    response = _upload(
        client, "上年.yaml", "meta:\n  agency: 某县局\n  report_year: 明年\n".encode()
    )
    assert response.status_code == 400 and "统计年度" in response.text
    response = _upload(client, "上年.json", b"\xff\xfe\x00garbage")
    assert response.status_code == 400 and "UTF-8" in response.text


def test_uploaded_file_name_is_only_shown_escaped(client) -> None:
    response = _upload(client, "<img src=x onerror=alert(1)>.exe", b"x")
    assert "<img src=x" not in response.text


# --- binding and login ----------------------------------------------------------------------


def test_non_loopback_bind_needs_an_access_token() -> None:
    check_bind("127.0.0.1", None)
    check_bind("localhost", None)
    check_bind("::1", None)
    with pytest.raises(GuardError, match="访问口令"):
        check_bind("0.0.0.0", None)
    check_bind("0.0.0.0", "a-long-access-token")


def test_serve_refuses_a_lan_address_without_a_token(tmp_path: Path, monkeypatch) -> None:
    from draftbot.cli import app

    monkeypatch.setenv("DRAFTBOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DRAFTBOT_WEB_ACCESS_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8999"])
    assert result.exit_code == 2
    assert "DRAFTBOT_WEB_ACCESS_TOKEN" in result.output
    assert not (tmp_path / "draftbot.sqlite3").exists()


def test_access_token_login(tmp_path: Path) -> None:
    with make_client(tmp_path, host="0.0.0.0", access_token="open-sesame-123") as client:
        page = client.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
        assert client.get("/api/reports/x/state").status_code == 401
        wrong = client.post("/login", data={"csrf_token": csrf(client), "token": "guess"})
        assert wrong.status_code == 401 and "口令不正确" in wrong.text
        right = client.post(
            "/login",
            data={"csrf_token": csrf(client), "token": "open-sesame-123"},
            follow_redirects=False,
        )
        assert right.status_code == 303
        assert "open-sesame" not in right.headers["set-cookie"]
        assert client.get("/").status_code == 200


# --- secrets and errors -------------------------------------------------------------------


def test_api_key_never_reaches_a_page(tmp_path: Path) -> None:
    canary = "sk-CANARY-5d1f0c2e"
    settings = offline_settings(
        tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_api_key=canary, llm_model="qwen-plus"
    )
    with make_client(tmp_path, settings=settings) as client:
        report_id = create_report(client)
        bodies = [client.get("/").text]
        for path in ("", "/guide", "/facts", "/tables/3", "/draft", "/export", "/download.yaml"):
            bodies.append(client.get(f"/reports/{report_id}{path}").text)
        assert "起草：qwen-plus" in bodies[0]
        assert all(canary not in body for body in bodies)
    assert canary.encode() not in (tmp_path / "draftbot.sqlite3").read_bytes()


def test_unexpected_error_shows_no_traceback(tmp_path: Path, monkeypatch) -> None:
    from draftbot.store import Store

    def broken(self, *args, **kwargs):
        raise RuntimeError("/secret/path sk-CANARY-x")

    monkeypatch.setattr(Store, "summaries", broken)
    with make_client(tmp_path, raise_server_exceptions=False) as client:
        response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert "系统内部出错" in response.text
    assert "Traceback" not in response.text and "secret" not in response.text


def test_unknown_report_and_page_are_chinese_404s(client) -> None:
    response = client.get("/reports/nope", headers={"Accept": "text/html"})
    assert response.status_code == 404 and "找不到这份报告" in response.text
    assert client.get("/nowhere", headers={"Accept": "text/html"}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/reports/..%2f..%2fetc%2fpasswd/download.yaml",
        "/reports/%2e%2e/download.json",
        "/static/..%2f..%2fstore.py",
        "/static/%2e%2e/app.py",
        "/reports/C:%5Cwindows%5Cwin.ini/export",
    ],
)
def test_paths_are_opaque_ids_and_traversal_finds_nothing(client, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "import" not in response.text and "root:" not in response.text
