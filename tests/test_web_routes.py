"""The web app's route table: the same paths, methods, order and guards as before routes were
added straight into the app (app.py `_add_routes`) instead of through `include_router`.

The tables below are the app's routes as they were (FastAPI 0.165, `include_router` per
route module), in matching order: a route moved, lost, added or left without the app's
CSRF and access guards (`GuardedRoute`, which runs them before the route's own dependencies)
fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts

from draftbot.web.app import GuardedRoute, WebConfig, create_app
from web_helpers import offline_settings

SINGLE_USER_ROUTES = [
    ("/static", ""),
    ("/", "GET"),
    ("/reports/{report_id}/archive", "POST"),
    ("/reports/new", "GET"),
    ("/reports", "POST"),
    ("/reports/from-previous", "POST"),
    ("/reports/{report_id}", "GET"),
    ("/reports/{report_id}/status", "POST"),
    ("/reports/{report_id}/facts", "GET"),
    ("/reports/{report_id}/tables/{table}", "GET"),
    ("/api/reports/{report_id}/edit", "POST"),
    ("/api/reports/{report_id}/state", "GET"),
    ("/reports/{report_id}/export", "GET"),
    ("/reports/{report_id}/download.docx", "GET"),
    ("/reports/{report_id}/download.pdf", "GET"),
    ("/reports/{report_id}/download-review.docx", "GET"),
    ("/reports/{report_id}/download.{fmt}", "GET"),
    ("/login", "GET"),
    ("/login", "POST"),
    ("/api/reports/{report_id}/tables/{table}/propose", "POST"),
    ("/reports/{report_id}/guide", "GET"),
    ("/reports/{report_id}/guide", "POST"),
    ("/reports/{report_id}/guide/back", "POST"),
    ("/reports/{report_id}/guide/confirm", "POST"),
    ("/reports/{report_id}/draft", "GET"),
    ("/api/reports/{report_id}/sections/{key}", "POST"),
    ("/api/reports/{report_id}/sections/{key}/approve", "POST"),
    ("/api/reports/{report_id}/sections/{key}/history", "GET"),
    ("/api/reports/{report_id}/revisions/{revision_id}/diff", "GET"),
    ("/api/reports/{report_id}/revisions/{revision_id}/restore", "POST"),
    ("/api/reports/{report_id}/sections/{key}/generate", "POST"),
    ("/rules", "GET"),
    ("/api/reports/{report_id}/assistant", "GET"),
    ("/api/reports/{report_id}/assistant/ask", "POST"),
    ("/api/reports/{report_id}/assistant/confirm", "POST"),
    ("/api/reports/{report_id}/assistant/dismiss", "POST"),
    ("/workspace", "GET"),
    ("/workspace", "POST"),
    ("/workspace/{batch_id}/progress", "GET"),
    ("/workspace/{batch_id}", "GET"),
    ("/workspace/{batch_id}/汇总.xlsx", "GET"),
    ("/workspace/{batch_id}/items/{number}", "GET"),
    ("/workspace/{batch_id}/items/{number}/open", "POST"),
    ("/workspace/{batch_id}/rollup", "POST"),
    ("/workspace/{batch_id}/rollups/{report_id}", "GET"),
    ("/workspace/{batch_id}/rollups/{report_id}/汇总明细.xlsx", "GET"),
]

ACCOUNT_ROUTES = [
    ("/login", "GET"),
    ("/login", "POST"),
    ("/logout", "POST"),
    ("/account/password", "GET"),
    ("/account/password", "POST"),
    ("/inbox", "GET"),
    ("/area", "GET"),
    ("/reports/{report_id}/review", "GET"),
    ("/reports/{report_id}/submit", "POST"),
    ("/reports/{report_id}/return", "POST"),
    ("/reports/{report_id}/approve", "POST"),
    ("/reports/{report_id}/comments", "POST"),
    ("/reports/{report_id}/trail", "GET"),
    ("/reports/{report_id}/trail.{fmt}", "GET"),
    ("/users/{account_id}/trail", "GET"),
    ("/users/{account_id}/trail.{fmt}", "GET"),
    ("/users", "GET"),
    ("/users", "POST"),
    ("/users/{account_id}/disable", "POST"),
    ("/users/{account_id}/reset", "POST"),
]


def _table(multi_user: bool, data_dir: Path) -> list[tuple[str, str, object]]:
    app = create_app(
        WebConfig(data_dir=data_dir, multi_user=multi_user), offline_settings(data_dir)
    )
    rows = []
    for route in iter_route_contexts(app.routes):
        kind = type(route.original_route)
        rows.append((str(route.path), " ".join(sorted(route.methods or ())), kind))
    return rows


@pytest.mark.parametrize("multi_user", [False, True], ids=["single-user", "server-mode"])
def test_route_table_is_unchanged_and_every_route_keeps_both_guards(
    multi_user: bool, tmp_path: Path
) -> None:
    expected = (
        SINGLE_USER_ROUTES[:1] + ACCOUNT_ROUTES + SINGLE_USER_ROUTES[1:]
        if multi_user
        else SINGLE_USER_ROUTES
    )
    rows = _table(multi_user, tmp_path)
    assert [(path, methods) for path, methods, _ in rows] == expected
    for path, methods, kind in rows[1:]:  # the first is the static files mount
        assert kind is GuardedRoute, (path, methods)
