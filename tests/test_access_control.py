"""Server mode: every route × role × own/other agency (or area), driven by one table.

`ROUTE_KINDS` is this test's own statement of who may use each route; `EXPECTED` says, per
kind, which account may use it on which report (or account). The test enumerates the app's
routes (`app.routes`): a route missing from the table fails, and so does any route the
server lets the wrong person use (or refuses to the right one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from draftbot.web.access import RULES
from server_mode import AGENCY_A, AGENCY_B, AGENCY_C, ServerMode, new_report, route_keys
from server_mode import server_mode as make_server_mode
from web_helpers import csrf

ROUTE_KINDS: dict[tuple[str, str], str] = {
    ("GET", "/static"): "open",
    ("GET", "/login"): "open",
    ("POST", "/login"): "open",
    ("POST", "/logout"): "user",
    ("GET", "/account/password"): "user",
    ("POST", "/account/password"): "user",
    ("GET", "/inbox"): "user",
    ("GET", "/"): "user",
    ("GET", "/rules"): "user",
    ("GET", "/reports/new"): "create",
    ("POST", "/reports"): "create",
    ("POST", "/reports/from-previous"): "create",
    ("GET", "/reports/{report_id}"): "read",
    ("POST", "/reports/{report_id}/archive"): "write",
    ("POST", "/reports/{report_id}/status"): "status",
    ("GET", "/reports/{report_id}/facts"): "read",
    ("GET", "/reports/{report_id}/tables/{table}"): "read",
    ("POST", "/api/reports/{report_id}/edit"): "write",
    ("GET", "/api/reports/{report_id}/state"): "read",
    ("GET", "/reports/{report_id}/export"): "read",
    ("GET", "/reports/{report_id}/download.docx"): "read",
    ("GET", "/reports/{report_id}/download.pdf"): "read",
    ("GET", "/reports/{report_id}/download-review.docx"): "read",
    ("GET", "/reports/{report_id}/download.{fmt}"): "read",
    ("POST", "/api/reports/{report_id}/tables/{table}/propose"): "write",
    ("GET", "/reports/{report_id}/guide"): "read",
    ("POST", "/reports/{report_id}/guide"): "write",
    ("POST", "/reports/{report_id}/guide/back"): "write",
    ("POST", "/reports/{report_id}/guide/confirm"): "write",
    ("GET", "/reports/{report_id}/draft"): "read",
    ("POST", "/api/reports/{report_id}/sections/{key}"): "write",
    ("POST", "/api/reports/{report_id}/sections/{key}/approve"): "write",
    ("GET", "/api/reports/{report_id}/sections/{key}/history"): "read",
    ("GET", "/api/reports/{report_id}/revisions/{revision_id}/diff"): "read",
    ("POST", "/api/reports/{report_id}/revisions/{revision_id}/restore"): "write",
    ("POST", "/api/reports/{report_id}/sections/{key}/generate"): "write",
    ("GET", "/api/reports/{report_id}/assistant"): "read",
    ("POST", "/api/reports/{report_id}/assistant/ask"): "write",
    ("POST", "/api/reports/{report_id}/assistant/confirm"): "write",
    ("POST", "/api/reports/{report_id}/assistant/dismiss"): "write",
    ("GET", "/workspace"): "office",
    ("POST", "/workspace"): "office",
    ("GET", "/workspace/{batch_id}/progress"): "office",
    ("GET", "/workspace/{batch_id}"): "office",
    ("GET", "/workspace/{batch_id}/汇总.xlsx"): "office",
    ("GET", "/workspace/{batch_id}/items/{number}"): "office",
    ("POST", "/workspace/{batch_id}/items/{number}/open"): "office",
    ("POST", "/workspace/{batch_id}/rollup"): "office",
    ("GET", "/workspace/{batch_id}/rollups/{report_id}"): "office",
    ("GET", "/workspace/{batch_id}/rollups/{report_id}/汇总明细.xlsx"): "office",
    ("GET", "/reports/{report_id}/review"): "read",
    ("POST", "/reports/{report_id}/submit"): "submit",
    ("POST", "/reports/{report_id}/comments"): "review",
    ("POST", "/reports/{report_id}/return"): "review",
    ("POST", "/reports/{report_id}/approve"): "review",
    ("GET", "/reports/{report_id}/trail"): "read",
    ("GET", "/reports/{report_id}/trail.{fmt}"): "read",
    ("GET", "/area"): "office",
    ("GET", "/users"): "admin",
    ("POST", "/users"): "admin",
    ("POST", "/users/{account_id}/disable"): "manage",
    ("POST", "/users/{account_id}/reset"): "manage",
    ("GET", "/users/{account_id}/trail"): "person",
    ("GET", "/users/{account_id}/trail.{fmt}"): "person",
}

USERS = ["clerk_a", "reviewer_a", "office", "office_c", "admin"]
ALL = set(USERS)
# Report targets: A (某县教育局), B (某县卫健委, same area), C (别县). Account targets: the
# 某县 clerk clerk_b, the 别县 clerk clerk_c, and the user's own account ("self").
EXPECTED: dict[str, dict[str, set[str]]] = {
    "open": {"-": ALL | {"anonymous"}},
    "user": {"-": ALL},
    "create": {"-": {"clerk_a", "admin"}},
    "status": {"-": {"admin"}},
    "office": {"-": {"office", "office_c", "admin"}},
    "admin": {"-": {"office", "office_c", "admin"}},
    "read": {
        "A": {"clerk_a", "reviewer_a", "office", "admin"},
        "B": {"office", "admin"},
        "C": {"office_c", "admin"},
    },
    "write": {"A": {"clerk_a", "admin"}, "B": {"admin"}, "C": {"admin"}},
    "submit": {"A": {"clerk_a"}, "B": set(), "C": set()},
    "review": {"A": {"reviewer_a"}, "B": set(), "C": set()},
    "manage": {"clerk_b": {"office", "admin"}, "clerk_c": {"office_c", "admin"}},
    "person": {
        "self": ALL,
        "clerk_b": {"office", "admin"},
        "clerk_c": {"office_c", "admin"},
    },
}
PARAMS = {
    "table": "3",
    "key": "overview_intro",
    "revision_id": "1",
    "fmt": "yaml",
    "batch_id": "nobatch",
    "number": "1",
}


def _world(folder) -> tuple[ServerMode, dict[str, str]]:
    mode = make_server_mode(folder)
    reports = {
        "A": new_report(mode.client("clerk_a"), AGENCY_A),
        "B": new_report(mode.client("clerk_b"), AGENCY_B),
        "C": new_report(mode.client("clerk_c"), AGENCY_C),
    }
    return mode, reports


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerMode, dict[str, str]]]:
    """Shared by the route table (whose allowed requests may archive, submit, disable…)."""
    yield _world(tmp_path_factory.mktemp("access"))


@pytest.fixture
def fresh(tmp_path) -> tuple[ServerMode, dict[str, str]]:
    """A world of its own, untouched by the route table."""
    return _world(tmp_path)


def test_every_route_has_a_rule_and_an_expectation(world) -> None:
    mode, _ = world
    keys = route_keys(mode.app)
    assert len(keys) > 60
    missing_rule = [key for key in keys if key not in RULES]
    missing_here = [key for key in keys if key not in ROUTE_KINDS]
    assert not missing_rule, f"routes without an access rule: {missing_rule}"
    assert not missing_here, f"routes without an expectation in this test: {missing_here}"


def _url(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), PARAMS.get(m.group(1), "x")), path)


def _cases(mode: ServerMode, reports: dict[str, str], path: str, kind: str, user: str):
    """(url, allowed) for each target of the route for `user`."""
    expected = EXPECTED[kind]
    if "{report_id}" in path and kind in ("read", "write", "submit", "review"):
        for target, who in expected.items():
            yield _url(path, {"report_id": reports[target]}), user in who, target
    elif "{account_id}" in path:
        for target, who in expected.items():
            owner = "clerk_a" if user == "anonymous" else user
            account = mode.ids[owner if target == "self" else target]
            yield _url(path, {"account_id": account}), user in who, target
    else:
        yield _url(path, {"report_id": reports["A"]}), user in expected["-"], "-"


def _request(client, method: str, url: str):
    if method == "GET":
        return client.get(url, follow_redirects=False)
    token = csrf(client)
    return client.request(
        method,
        url,
        json={"version": 999, "changes": {"table3.granted.natural_person": "1"}, "text": ""},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )


@pytest.mark.parametrize("route", sorted(ROUTE_KINDS), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_is_refused_or_allowed_server_side(world, route: tuple[str, str]) -> None:
    mode, reports = world
    method, path = route
    if path == "/static":
        path = "/static/app.css"
    kind = ROUTE_KINDS[route]
    for user in [*USERS, "anonymous"]:
        client = mode.client(None if user == "anonymous" else user)
        for url, allowed, target in _cases(mode, reports, path, kind, user):
            if user == "anonymous":
                allowed = "anonymous" in EXPECTED[kind].get("-", set())
            response = _request(client, method, url)
            where = (method, url, user, target, response.status_code)
            refused_by_login = response.status_code == 401 and "请先登录" in response.text
            if allowed:
                assert response.status_code != 403 and not refused_by_login, where
            elif user == "anonymous":
                assert response.status_code == 401, where
                assert "登录" in response.json()["message"]
            else:
                assert response.status_code == 403, where
                assert "无权" in response.text or "不能" in response.text or "只能" in response.text


def test_a_page_without_login_goes_to_the_login_page(world) -> None:
    mode, reports = world
    client = mode.client()
    response = client.get(
        f"/reports/{reports['A']}", headers={"Accept": "text/html"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/reports/{reports['A']}"


def test_lists_show_only_the_reports_the_user_may_see(fresh) -> None:
    mode, reports = fresh
    for user, visible in (
        ("clerk_a", {"A"}),
        ("reviewer_a", {"A"}),
        ("office", {"A", "B"}),
        ("office_c", {"C"}),
        ("admin", {"A", "B", "C"}),
    ):
        client = mode.client(user)
        listed = client.get("/").text
        new_page = client.get("/reports/new").text if user in ("clerk_a", "admin") else ""
        for name, report_id in reports.items():
            assert (report_id in listed) == (name in visible), (user, name)
            if new_page:
                assert (report_id in new_page) == (name in visible), (user, name)


def test_a_report_is_claimed_by_the_clerk_agency_not_by_the_typed_one(fresh) -> None:
    """A clerk who types another agency's name still makes a report of their own agency:
    it stays invisible to the other agency and visible to their own reviewer."""
    mode, _ = fresh
    report_id = new_report(mode.client("clerk_a"), AGENCY_B, "2023")
    assert mode.client("clerk_b").get(f"/reports/{report_id}").status_code == 403
    assert mode.client("reviewer_a").get(f"/reports/{report_id}").status_code == 200


def test_starting_from_another_agency_report_is_refused(fresh) -> None:
    mode, reports = fresh
    client = mode.client("clerk_a")
    response = client.post(
        "/reports/from-previous",
        data={"csrf_token": csrf(client), "source_id": reports["B"]},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_local_mode_has_no_login_and_no_server_routes(tmp_path) -> None:
    from web_helpers import make_client

    client = make_client(tmp_path)
    assert client.get("/").status_code == 200
    assert client.get("/users").status_code == 404
    assert client.get("/inbox").status_code == 404
    assert "退出" not in client.get("/").text


def test_a_batch_is_seen_only_by_the_office_of_the_area_that_uploaded_it(fresh) -> None:
    """The workspace checks the area server-side, not only the role: the 政务公开办 of 别县
    neither lists nor opens (by its URL) a batch the 政务公开办 of 某县 uploaded."""
    from pathlib import Path

    mode, _ = fresh
    office = mode.client("office")
    data = (Path(__file__).parent.parent / "examples" / "busy-2023.yaml").read_bytes()
    response = office.post(
        "/workspace",
        data={"csrf_token": csrf(office)},
        files=[("files", ("busy-2023.yaml", data, "application/octet-stream"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    batch_url = str(response.headers["location"])
    batch_id = batch_url.rsplit("/", 1)[1]
    other, admin = mode.client("office_c"), mode.client("admin")
    assert office.get(batch_url).status_code == 200
    assert batch_id in office.get("/workspace").text
    assert admin.get(batch_url).status_code == 200
    assert other.get(batch_url).status_code == 404
    assert other.get(f"{batch_url}/progress").status_code == 404
    assert batch_id not in other.get("/workspace").text
