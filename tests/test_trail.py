"""The audit trail (审计日志): one entry per change with who, when, from where, old → new;
append-only in the database and through the app."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator

import openpyxl
import psycopg
import pytest

from draftbot import accounts, trail
from draftbot.serverdb import append_only_tables, reader
from server_mode import AGENCY_A, ServerMode, new_report, route_keys, server_mode
from web_helpers import csrf, headers


@pytest.fixture
def mode(tmp_path, store_location) -> Iterator[ServerMode]:
    """Server mode on each database (the store suite's `store_location`: SQLite, PostgreSQL)."""
    made = server_mode(tmp_path, store_location, trusted_proxies=("127.0.0.1", "testclient"))
    yield made
    made.store.close()


def _new_entries(mode: ServerMode, before: int) -> list[trail.Entry]:
    return [e for e in trail.entries(mode.store, limit=100000) if e.seq > before]


def _last_seq(mode: ServerMode) -> int:
    found = trail.entries(mode.store, limit=1)
    return found[0].seq if found else 0


def _version(client, report_id: str) -> int:
    return int(client.get(f"/api/reports/{report_id}/state").json()["version"])


def test_every_kind_of_change_makes_exactly_one_entry(mode: ServerMode) -> None:
    clerk, reviewer, admin = mode.client("clerk_a"), mode.client("reviewer_a"), mode.client("admin")
    report_id = new_report(clerk, AGENCY_A)
    steps = []

    def step(kind: str, target: str, old: str, new: str, action) -> None:
        before = _last_seq(mode)
        response = action()
        assert response.status_code in (200, 303), response.text
        steps.append((kind, target, old, new, _new_entries(mode, before)))

    step(
        "cell",
        "table3.granted.natural_person",
        "0",
        "7",
        lambda: clerk.post(
            f"/api/reports/{report_id}/edit",
            json={
                "version": _version(clerk, report_id),
                "changes": {"table3.granted.natural_person": "7"},
            },
            headers=headers(clerk),
        ),
    )
    step(
        "field",
        "meta.publish_date",
        "",
        "2025-01-20",
        lambda: clerk.post(
            f"/api/reports/{report_id}/edit",
            json={
                "version": _version(clerk, report_id),
                "changes": {"meta.publish_date": "2025-01-20"},
            },
            headers=headers(clerk),
        ),
    )
    step(
        "section",
        "narrative.overview_intro",
        "",
        "本机关认真贯彻落实政府信息公开条例。",
        lambda: clerk.post(
            f"/api/reports/{report_id}/sections/overview_intro",
            json={
                "version": _version(clerk, report_id),
                "text": "本机关认真贯彻落实政府信息公开条例。",
            },
            headers=headers(clerk),
        ),
    )
    step(
        "status",
        "status",
        "drafting",
        "reviewing",
        lambda: clerk.post(
            f"/reports/{report_id}/submit",
            data={"csrf_token": csrf(clerk), "version": str(_version(clerk, report_id))},
            follow_redirects=False,
        ),
    )
    step(
        "comment",
        "table3.granted.natural_person",
        "",
        "自然人申请数与来源说明不符，请核实。",
        lambda: reviewer.post(
            f"/reports/{report_id}/comments",
            data={
                "csrf_token": csrf(reviewer),
                "target": "table3.granted.natural_person",
                "body": "自然人申请数与来源说明不符，请核实。",
            },
            follow_redirects=False,
        ),
    )
    step(
        "account",
        "new_clerk",
        "",
        "new_clerk 经办人 某县教育局",
        lambda: admin.post(
            "/users",
            data={
                "csrf_token": csrf(admin),
                "username": "new_clerk",
                "password": "Xin-zhanghao-1",
                "role": "clerk",
                "agency": AGENCY_A,
                "area": "某县",
            },
        ),
    )
    step(
        "status",
        "归档",
        "在列表中",
        "已归档",
        lambda: clerk.post(
            f"/reports/{report_id}/archive",
            data={"csrf_token": csrf(clerk)},
            follow_redirects=False,
        ),
    )
    step(
        "status",
        "归档",
        "已归档",
        "在列表中",
        lambda: clerk.post(
            f"/reports/{report_id}/archive",
            data={"csrf_token": csrf(clerk), "restore": "1"},
            follow_redirects=False,
        ),
    )
    target = mode.ids["clerk_b"]
    step(
        "account",
        "clerk_b 状态",
        "启用",
        "停用",
        lambda: admin.post(f"/users/{target}/disable", data={"csrf_token": csrf(admin)}),
    )
    step(
        "account",
        "clerk_b 密码",
        "（原密码）",
        "管理员重设（登录后须修改）",
        lambda: admin.post(
            f"/users/{target}/reset",
            data={"csrf_token": csrf(admin), "password": "Linshi-mima-9"},
        ),
    )
    for kind, target_path, old, new, found in steps:
        assert len(found) == 1, (kind, [(e.kind, e.target) for e in found])
        entry = found[0]
        assert (entry.kind, entry.target, entry.old_value, entry.new_value) == (
            kind,
            target_path,
            old,
            new,
        )
        assert entry.at.endswith("+00:00")
        assert entry.client == "testclient"
    actors = [found[0].actor for *_, found in steps]
    assert actors[:4] == ["clerk_a（经办人）"] * 4
    assert actors[4] == "reviewer_a（审核人）"
    assert actors[5] == "admin（系统管理员）"
    assert actors[6:8] == ["clerk_a（经办人）"] * 2
    assert actors[8:] == ["admin（系统管理员）"] * 2
    # a report entry belongs to the report; an account entry to the account it is about
    assert {e.kind for e in trail.entries(mode.store, report_id=report_id)} == {
        "cell",
        "field",
        "section",
        "status",
        "comment",
    }
    assert [e.target for e in trail.entries(mode.store, subject_id=target)] == [
        "clerk_b 密码",
        "clerk_b 状态",
        "clerk_b",  # created (by the test set-up, as 系统)
    ]


def test_no_password_or_hash_reaches_the_trail(mode: ServerMode) -> None:
    admin = mode.client("admin")
    admin.post(
        f"/users/{mode.ids['clerk_b']}/reset",
        data={"csrf_token": csrf(admin), "password": "Linshi-mima-9"},
    )
    everything = " ".join(e.old_value + e.new_value for e in trail.entries(mode.store))
    assert "Linshi-mima-9" not in everything and "$argon2" not in everything


def test_client_address_from_a_trusted_proxy_only(tmp_path) -> None:
    trusted = server_mode(tmp_path / "a", trusted_proxies=("testclient", "127.0.0.0/8"))
    untrusted = server_mode(tmp_path / "b")
    for mode, expected in ((trusted, "203.0.113.9"), (untrusted, "testclient")):
        clerk = mode.client("clerk_a")
        report_id = new_report(clerk, AGENCY_A)
        clerk.post(
            f"/api/reports/{report_id}/edit",
            json={"version": 1, "changes": {"table3.granted.natural_person": "2"}},
            headers={**headers(clerk), "X-Forwarded-For": "203.0.113.9"},
        )
        assert trail.entries(mode.store, report_id=report_id)[0].client == expected


def test_entries_cannot_be_changed_in_the_database(mode: ServerMode) -> None:
    clerk = mode.client("clerk_a")
    report_id = new_report(clerk, AGENCY_A)
    clerk.post(
        f"/api/reports/{report_id}/edit",
        json={"version": 1, "changes": {"table3.granted.natural_person": "2"}},
        headers=headers(clerk),
    )
    assert set(append_only_tables()) == {"trail", "review_comments"}
    db = reader(mode.store)
    refused = (sqlite3.DatabaseError, psycopg.Error)
    with pytest.raises(refused, match="append-only"):
        db.execute("UPDATE trail SET new_value = '9'")
    db = reader(mode.store)
    with pytest.raises(refused, match="append-only"):
        db.execute("DELETE FROM trail")
    assert trail.entries(mode.store, report_id=report_id)[0].new_value == "2"


def test_no_route_can_change_the_trail(mode: ServerMode) -> None:
    """The only trail routes are GET; any other method on them is refused."""
    trail_routes = [(m, p) for m, p in route_keys(mode.app) if "trail" in p]
    assert trail_routes and all(method == "GET" for method, _ in trail_routes)
    admin = mode.client("admin")
    report_id = new_report(mode.client("clerk_a"), AGENCY_A)
    before = len(trail.entries(mode.store))
    for url in (f"/reports/{report_id}/trail", f"/users/{mode.ids['clerk_a']}/trail"):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = admin.request(method, url, headers=headers(admin), json={"new_value": "x"})
            assert response.status_code == 405
    assert len(trail.entries(mode.store)) == before


def test_trail_pages_and_csv_export(mode: ServerMode) -> None:
    clerk = mode.client("clerk_a")
    report_id = new_report(clerk, AGENCY_A)
    clerk.post(
        f"/api/reports/{report_id}/edit",
        json={"version": 1, "changes": {"table3.granted.natural_person": "=1+2"}},
        headers=headers(clerk),
    )
    clerk.post(
        f"/api/reports/{report_id}/edit",
        json={"version": 1, "changes": {"table3.granted.natural_person": "5"}},
        headers=headers(clerk),
    )
    page = clerk.get(f"/reports/{report_id}/trail").text
    assert "table3.granted.natural_person" in page and "clerk_a（经办人）" in page
    response = clerk.get(f"/reports/{report_id}/trail.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "时间（UTC）", "操作人"]
    assert [row[6:] for row in rows[1:]] == [["table3.granted.natural_person", "0", "5"]]
    person = mode.client("admin").get(f"/users/{mode.ids['clerk_a']}/trail.csv")
    assert "table3.granted.natural_person" in person.content.decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(clerk.get(f"/reports/{report_id}/trail.xlsx").content))
    sheet = book["审计日志"]
    assert [c.value for c in sheet[1]][:3] == ["序号", "时间（UTC）", "操作人"]
    assert [c.value for c in sheet[2]][6:] == ["table3.granted.natural_person", "0", "5"]
    assert clerk.get(f"/reports/{report_id}/trail.html").status_code == 404


def test_cli_account_changes_are_attributed_to_the_command_line(tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from draftbot.cli import app

    monkeypatch.setenv("DRAFTBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DRAFTBOT_NEW_PASSWORD", "Guanli-mima-2024")
    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "boss", "--role", "sysadmin", "--name", "王某"])
    assert result.exit_code == 0, result.output
    assert "已添加账号 boss" in result.output
    assert runner.invoke(app, ["users", "disable", "boss"]).exit_code == 0
    store = trail.TrailStore.in_folder(tmp_path)
    found = trail.entries(store)
    assert [(e.target, e.new_value) for e in found] == [
        ("boss 状态", "停用"),
        ("boss", "boss 系统管理员"),
    ]
    assert all(e.actor.startswith("命令行") for e in found)
    assert accounts.find_account(store, "boss").disabled


def test_generated_prose_is_attributed_to_the_user(mode: ServerMode) -> None:
    """A section drafted by the offline drafter (streamed) is recorded once, by the clerk
    who asked for it."""
    clerk = mode.client("clerk_a")
    report_id = new_report(clerk, AGENCY_A)
    response = clerk.post(
        f"/api/reports/{report_id}/sections/overview_intro/generate",
        json={"version": _version(clerk, report_id)},
        headers=headers(clerk),
    )
    assert response.status_code == 200 and "event: done" in response.text
    found = trail.entries(mode.store, report_id=report_id)
    assert [(e.kind, e.target, e.actor) for e in found] == [
        ("section", "narrative.overview_intro", "clerk_a（经办人）")
    ]
    assert found[0].old_value == "" and found[0].new_value
