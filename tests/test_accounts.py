"""Server-mode accounts: argon2id hashes, login lockout kept in the database, sessions
(server-side, expiring, cookie flags), CSRF on every state-changing route, password change
and administrator reset, disabled accounts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from draftbot import accounts
from draftbot.serverdb import reader
from draftbot.trail import TrailStore
from draftbot.web.access import SESSION_COOKIE
from draftbot.web.app import WebConfig, create_app
from server_mode import PASSWORD, ServerMode, login, route_keys, server_mode
from web_helpers import BASE_URL, csrf, offline_settings


@pytest.fixture
def mode(tmp_path, store_location) -> Iterator[ServerMode]:
    """Server mode on each database (the store suite's `store_location`: SQLite, PostgreSQL)."""
    made = server_mode(tmp_path, store_location)
    yield made
    made.store.close()


def test_passwords_are_stored_as_argon2id_hashes_only(mode: ServerMode) -> None:
    stored = accounts.stored_password_hash(mode.store, mode.ids["clerk_a"])
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    if mode.store.path is None:  # PostgreSQL: every stored value of the accounts tables
        db = mode.store.reader()
        rows = [*db.execute("SELECT * FROM accounts"), *db.execute("SELECT * FROM sessions")]
        raw = repr([tuple(dict(row).values()) for row in rows]).encode()
        assert b"$argon2id$" in raw
    else:
        raw = mode.store.path.read_bytes()
        for name in ("-wal",):
            side = mode.store.path.with_name(mode.store.path.name + name)
            raw += side.read_bytes() if side.exists() else b""
    assert PASSWORD.encode() not in raw


def test_weak_passwords_are_refused_with_the_reason(mode: ServerMode) -> None:
    with pytest.raises(accounts.AccountError, match="至少 10 个字符"):
        accounts.add_account(mode.store, "short", "abc", role="clerk", agency="某县教育局")
    with pytest.raises(accounts.AccountError, match="重复的字符"):
        accounts.add_account(mode.store, "same", "aaaaaaaaaaaa", role="clerk", agency="某县教育局")
    with pytest.raises(accounts.AccountError, match="必须填写所属机关"):
        accounts.add_account(mode.store, "noagency", PASSWORD, role="clerk")
    with pytest.raises(accounts.AccountError, match="已被使用"):
        accounts.add_account(mode.store, "clerk_a", PASSWORD, role="clerk", agency="某县教育局")


def test_login_sets_a_server_side_session_with_safe_cookie_flags(tmp_path) -> None:
    for secure in (False, True):
        mode = server_mode(tmp_path / str(secure), secure_cookies=secure)
        client = mode.client()
        response = login(client, "clerk_a")
        assert response.status_code == 303
        cookie = next(
            value
            for value in response.headers.get_list("set-cookie")
            if value.startswith(SESSION_COOKIE)
        )
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert ("Secure" in cookie) == secure
        token = re.match(rf"{SESSION_COOKIE}=([^;]+)", cookie).group(1)
        rows = reader(mode.store).execute("SELECT token_hash FROM sessions").fetchall()
        assert token not in [row["token_hash"] for row in rows]  # only its hash is kept
        assert len(rows) == 1


def test_wrong_passwords_lock_the_account_even_for_the_right_one(
    mode: ServerMode, tmp_path, store_location
) -> None:
    client = mode.client()
    for _ in range(accounts.LOGIN_FAILURES_ALLOWED):
        response = login(client, "clerk_a", "wrong-password-1")
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.text
    response = login(client, "clerk_a")
    assert response.status_code == 429
    assert "暂时锁定" in response.text and "分钟后再试" in response.text
    # the counters live in the database: another app instance over it refuses as well
    other = create_app(
        WebConfig(data_dir=tmp_path / "other", multi_user=True),
        offline_settings(tmp_path / "other"),
        store=TrailStore(store_location),
    )
    from fastapi.testclient import TestClient

    second = TestClient(other, base_url=BASE_URL)
    second.get("/login")
    assert login(second, "clerk_a").status_code == 429
    # colleagues behind the same address are not locked out by one clerk's mistakes
    assert login(client, "clerk_b").status_code == 303
    # an administrator's reset lifts the account's lock
    accounts.set_password(mode.store, mode.ids["clerk_a"], "Xin-mima-2025", must_change=True)
    response = login(client, "clerk_a", "Xin-mima-2025")
    assert response.status_code == 303 and response.headers["location"] == "/account/password"


def test_guessing_many_names_from_one_address_locks_the_address(mode: ServerMode) -> None:
    for i in range(accounts.ADDRESS_FAILURES_ALLOWED):
        with pytest.raises(accounts.AccountError):
            accounts.authenticate(mode.store, f"guess{i}", "wrong-password-1", "198.51.100.7")
    with pytest.raises(accounts.LoginLocked):
        accounts.authenticate(mode.store, "clerk_a", PASSWORD, "198.51.100.7")
    assert accounts.authenticate(mode.store, "clerk_a", PASSWORD, "198.51.100.8")


def test_lockout_ends_after_the_window(mode: ServerMode) -> None:
    for _ in range(accounts.LOGIN_FAILURES_ALLOWED):
        with pytest.raises(accounts.AccountError):
            accounts.authenticate(mode.store, "clerk_a", "wrong-password-1", "10.0.0.1")
    with pytest.raises(accounts.LoginLocked):
        accounts.authenticate(mode.store, "clerk_a", PASSWORD, "10.0.0.2")
    db = reader(mode.store)
    assert db.execute("SELECT COUNT(*) AS n FROM login_failures").fetchone()["n"] == 10
    # move the failures back to just before the window (a plain counter table, not the trail)
    old = accounts.now() - accounts.LOGIN_WINDOW - dt.timedelta(seconds=1)
    with mode.store._transaction() as tx:
        tx.execute("UPDATE login_failures SET failed_at = ?", (old.isoformat(),))
    assert accounts.authenticate(mode.store, "clerk_a", PASSWORD, "10.0.0.2").username == "clerk_a"


def test_sessions_expire_when_idle_and_end_on_logout(mode: ServerMode) -> None:
    client = mode.client()
    login(client, "clerk_a")
    assert client.get("/inbox").status_code == 200
    token = client.cookies.get(SESSION_COOKIE)
    account = accounts.session_account(mode.store, token)
    assert account is not None and account.username == "clerk_a"
    later = accounts.now() + accounts.SESSION_IDLE + dt.timedelta(seconds=1)
    assert accounts.session_account(mode.store, token, at=later) is None  # idle too long
    assert client.get("/inbox").status_code == 401  # and deleted from the database
    login(client, "clerk_a")
    assert client.get("/inbox").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/inbox").status_code == 401


def test_sessions_have_a_maximum_age(mode: ServerMode) -> None:
    account = accounts.get_account(mode.store, mode.ids["clerk_a"])
    token = accounts.start_session(mode.store, account)
    at = accounts.now()
    # used every few hours: still ends after SESSION_MAX
    step = accounts.SESSION_IDLE - dt.timedelta(minutes=5)
    while at - accounts.now() + step < accounts.SESSION_MAX:
        at += step
        assert accounts.session_account(mode.store, token, at=at) is not None
    assert accounts.session_account(mode.store, token, at=at + step) is None


def test_every_state_changing_route_needs_the_csrf_token(mode: ServerMode) -> None:
    """Without the page's token, or with a wrong one, every non-GET route is refused before
    anything else (access rules included) runs."""
    client = mode.client("admin")
    routes = [(m, p) for m, p in route_keys(mode.app) if m not in ("GET", "HEAD")]
    assert len(routes) >= 25
    before = reader(mode.store).execute("SELECT COUNT(*) AS n FROM trail").fetchone()["n"]
    for method, path in routes:
        url = re.sub(r"\{account_id\}", mode.ids["clerk_b"], path)
        url = re.sub(r"\{[a-z_]+\}", "1", url)
        for extra in ({}, {"X-CSRF-Token": "wrong-token-" + "x" * 30}):
            response = client.request(method, url, json={"version": 1}, headers=extra)
            assert response.status_code == 403, (method, path, response.status_code)
            assert "安全令牌" in response.json()["message"]
        form = client.request(method, url, data={"version": "1", "password": "Xin-mima-2025"})
        assert form.status_code == 403, (method, path)
    after = reader(mode.store).execute("SELECT COUNT(*) AS n FROM trail").fetchone()["n"]
    assert after == before  # nothing changed
    assert client.get("/inbox").status_code == 200  # not even a logout


def test_password_change_by_the_user(mode: ServerMode) -> None:
    client = mode.client()
    login(client, "clerk_a")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf(client),
            "old_password": "not-my-password",
            "new_password": "Xin-mima-2025",
            "new_password2": "Xin-mima-2025",
        },
    )
    assert response.status_code == 400 and "原密码不正确" in response.text
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf(client),
            "old_password": PASSWORD,
            "new_password": "Xin-mima-2025",
            "new_password2": "Xin-mima-2025",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/inbox").status_code == 401  # sessions ended with the change
    assert login(client, "clerk_a").status_code == 401
    assert login(client, "clerk_a", "Xin-mima-2025").status_code == 303


def test_a_reset_password_must_be_changed_first(mode: ServerMode) -> None:
    admin = mode.client("admin")
    response = admin.post(
        f"/users/{mode.ids['clerk_a']}/reset",
        data={"csrf_token": csrf(admin), "password": "Linshi-mima-9"},
    )
    assert "已重设 clerk_a 的密码" in response.text
    client = mode.client()
    assert login(client, "clerk_a", PASSWORD).status_code == 401
    login(client, "clerk_a", "Linshi-mima-9")
    page = client.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/account/password"
    assert client.get("/api/reports/x/state").status_code == 403


def test_a_disabled_account_is_logged_out_and_cannot_log_in(mode: ServerMode) -> None:
    clerk = mode.client()
    login(clerk, "clerk_a")
    admin = mode.client("admin")
    admin.post(f"/users/{mode.ids['clerk_a']}/disable", data={"csrf_token": csrf(admin)})
    assert clerk.get("/inbox").status_code == 401
    assert login(clerk, "clerk_a").status_code == 401


def test_office_manages_only_clerks_and_reviewers_of_its_area(mode: ServerMode) -> None:
    office = mode.client("office")
    page = office.get("/users").text
    assert "clerk_a" in page and "clerk_c" not in page
    response = office.post(
        "/users",
        data={
            "csrf_token": csrf(office),
            "username": "boss2",
            "password": "Guanli-mima-2024",
            "role": "sysadmin",
        },
    )
    assert response.status_code == 400
    assert accounts.list_accounts(mode.store, None)[0].username != "boss2"
    response = office.post(
        f"/users/{mode.ids['clerk_c']}/disable", data={"csrf_token": csrf(office)}
    )
    assert response.status_code == 403
    assert not accounts.get_account(mode.store, mode.ids["clerk_c"]).disabled


def test_server_refuses_to_start_without_an_administrator(tmp_path) -> None:
    from draftbot.web.server import ServeError, run_server

    settings = offline_settings(tmp_path, multi_user=True, web_port=1)
    with pytest.raises(ServeError, match="系统管理员"):
        run_server(settings, echo=lambda _: None)
