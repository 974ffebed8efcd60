"""Jinja2 environment (autoescape always on) and the shared page context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from ..outline import SECTION_TITLES

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates ship with the package: no stat() of every file per page
)
_env.globals["titles"] = SECTION_TITLES  # section titles for every page, from the outline


def environment() -> Environment:
    return _env


def render(name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return HTMLResponse(render_text(name, context), status_code=status, headers=SECURITY_HEADERS)


def render_text(name: str, context: dict[str, Any]) -> str:
    """Page template `name` rendered with `context`, as HTML text."""
    return _env.get_template(name).render(**context)


def fragment(name: str, context: dict[str, Any]) -> Markup:
    """A template rendered (escaped) to HTML that can be cached and inserted into a page."""
    return Markup(_env.get_template(name).render(**context))


def error_page(status: int, message: str) -> HTMLResponse:
    context = {"status": status, "message": message, "csrf": "", "drafter": "", "report": None}
    return render("error.html", context, status)


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
