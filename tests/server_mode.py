"""Helpers for the server-mode tests: an app with accounts of two agencies of 某县, one of 别县,
the office of each area and a 系统管理员, and a logged-in client per account."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from draftbot import accounts
from draftbot.trail import TrailStore
from draftbot.web.access import SESSION_COOKIE
from draftbot.web.app import WebConfig, create_app
from web_helpers import BASE_URL, csrf, offline_settings

PASSWORD = "Lv-2024-mima"
AGENCY_A = "某县教育局"
AGENCY_B = "某县卫生健康委员会"
AGENCY_C = "别县交通运输局"

# username: (role, agency, area)
PEOPLE: dict[str, tuple[str, str, str]] = {
    "clerk_a": ("clerk", AGENCY_A, "某县"),
    "reviewer_a": ("reviewer", AGENCY_A, "某县"),
    "clerk_b": ("clerk", AGENCY_B, "某县"),
    "clerk_c": ("clerk", AGENCY_C, "别县"),
    "office": ("office", "", "某县"),
    "office_c": ("office", "", "别县"),
    "admin": ("sysadmin", "", ""),
}


@dataclass
class ServerMode:
    app: Any
    ids: dict[str, str]  # username → account id

    def client(self, username: str | None = None) -> TestClient:
        """A client with its CSRF cookie, logged in as `username` (a session made directly,
        so no password hashing per client) or anonymous."""
        client = TestClient(self.app, base_url=BASE_URL)
        client.get("/login")
        if username is not None:
            account = accounts.get_account(self.app.state.store, self.ids[username])
            token = accounts.start_session(self.app.state.store, account)
            client.cookies.set(SESSION_COOKIE, token)
        return client

    @property
    def store(self) -> Any:
        return self.app.state.store


def server_mode(data_dir: Path, location: str | Path | None = None, **config: Any) -> ServerMode:
    """Server mode over `data_dir`; its store at `location` (a SQLite file or a PostgreSQL
    URL, see the `store_location` fixture) or, by default, the data folder's SQLite file."""
    store = TrailStore(location) if location is not None else None
    app = create_app(
        WebConfig(data_dir=data_dir, multi_user=True, **config),
        offline_settings(data_dir),
        store=store,
    )
    ids = {}
    for username, (role, agency, area) in PEOPLE.items():
        account = accounts.add_account(
            app.state.store, username, PASSWORD, role=role, agency=agency, area=area
        )
        ids[username] = account.id
    return ServerMode(app, ids)


def login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/login",
        data={"csrf_token": csrf(client), "username": username, "password": password},
        follow_redirects=False,
    )


def new_report(client: TestClient, agency: str, year: str = "2024") -> str:
    response = client.post(
        "/reports",
        data={"csrf_token": csrf(client), "agency": agency, "report_year": year},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]


def all_routes(routes: list[Any]) -> list[Any]:
    """Routes, including those of included routers (nested in recent FastAPI versions)."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found += all_routes(inner.routes) if inner is not None else [route]
    return found


def route_keys(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route of the app; a mount (static files) counts as GET."""
    keys = set()
    for route in all_routes(app.routes):
        methods = getattr(route, "methods", None) or {"GET"}
        for method in methods - {"HEAD", "OPTIONS"}:
            keys.add((method, route.path))
    return sorted(keys)
