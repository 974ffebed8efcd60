"""Helpers shared by the web tests: an app over a temporary folder and a logged-in client."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from draftbot.config import Settings
from draftbot.web.app import WebConfig, create_app
from draftbot.web.security import CSRF_COOKIE

BASE_URL = "http://127.0.0.1:8000"


def offline_settings(data_dir: Path, **values: Any) -> Settings:
    defaults: dict[str, Any] = {"llm_base_url": None, "llm_api_key": None, "llm_model": ""}
    return Settings(_env_file=None, data_dir=data_dir, **{**defaults, **values})


def make_client(
    data_dir: Path,
    settings: Settings | None = None,
    *,
    raise_server_exceptions: bool = True,
    **config: Any,
) -> TestClient:
    settings = settings or offline_settings(data_dir)
    app = create_app(WebConfig(data_dir=data_dir, **config), settings)
    client = TestClient(app, base_url=BASE_URL, raise_server_exceptions=raise_server_exceptions)
    client.get("/")  # receive the CSRF cookie, as a browser does on its first page
    return client


def csrf(client: TestClient) -> str:
    return str(client.cookies.get(CSRF_COOKIE))


def headers(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": csrf(client)}


def create_report(client: TestClient, agency: str = "测试县教育局", year: str = "2024") -> str:
    response = client.post(
        "/reports",
        data={"csrf_token": csrf(client), "agency": agency, "report_year": year},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]


def version_of(client: TestClient, report_id: str) -> int:
    return int(client.get(f"/api/reports/{report_id}/state").json()["version"])


def edit(client: TestClient, report_id: str, changes: dict[str, Any], version: int | None = None):
    version = version_of(client, report_id) if version is None else version
    return client.post(
        f"/api/reports/{report_id}/edit",
        json={"version": version, "changes": changes},
        headers=headers(client),
    )


def fill_basic_info(client: TestClient, report_id: str) -> None:
    """Fill the 概况 page's 发布日期, 电子版下载网址 and 联系方式, which the formal document
    prints (a formal export refuses them empty)."""
    response = edit(
        client,
        report_id,
        {
            "meta.publish_date": "2025-01-20",
            "meta.website": "测试县人民政府门户网站“政府信息公开”专栏",
            "meta.contact": "测试县教育局办公室，电话 0571-87000000",
        },
    )
    assert response.status_code == 200 and response.json()["ok"], response.text


def draft_all(client: TestClient, report_id: str) -> None:
    """Generate every prose section (offline drafter), as the page's 起草全部 button does."""
    from draftbot.model import SECTION_KEYS

    for key in SECTION_KEYS:
        response = client.post(
            f"/api/reports/{report_id}/sections/{key}/generate",
            json={"version": version_of(client, report_id)},
            headers=headers(client),
        )
        assert response.status_code == 200 and "event: done" in response.text, response.text


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def proposed_cells(html: str) -> dict[str, str]:
    """The cells a sentence proposal page offers for confirmation (name → value)."""
    return dict(re.findall(r'name="cell:([a-z0-9_.]+)" value="([0-9.]+)"', html))


def confirm_guide(
    client: TestClient, report_id: str, version: int, question_id: str, cells: dict[str, str]
):
    """Confirm a guided-step sentence proposal, as the page's 确认 button does."""
    return client.post(
        f"/reports/{report_id}/guide/confirm",
        data={
            "csrf_token": csrf(client),
            "version": str(version),
            "question_id": question_id,
            **{f"cell:{k}": v for k, v in cells.items()},
        },
    )


def answer_guide(client: TestClient, report_id: str, question_id: str, text: str):
    """Answer a guided-step question (a value, 是/否, or a sentence at a gate)."""
    return client.post(
        f"/reports/{report_id}/guide",
        data={
            "csrf_token": csrf(client),
            "version": str(version_of(client, report_id)),
            "question_id": question_id,
            "answer": text,
        },
    )
