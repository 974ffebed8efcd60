"""Shared test fixtures."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from draftbot.store import Store

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


# --- the store over both databases ---------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server for this test run: DRAFTBOT_TEST_DATABASE_URL (CI), else a
    throwaway cluster started here (tests/databases.py)."""
    from databases import server_url

    with server_url() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | Path]:
    """Where a fresh, empty store lives: a SQLite file, or a new schema on PostgreSQL. Every
    test that takes `store` or `store_location` runs once on each database."""
    if request.param == "sqlite":
        yield tmp_path / "draftbot.sqlite3"
        return
    from databases import fresh_schema

    with fresh_schema(request.getfixturevalue("pg_server_url")) as url:
        yield url


@pytest.fixture
def store(store_location: str | Path) -> Iterator[Store]:
    opened = Store(store_location)
    yield opened
    opened.close()


# --- LLM: no real endpoint in tests; a fake OpenAI-compatible server on 127.0.0.1 ---------

LLM_ENV_VARS = (
    "DRAFTBOT_LLM_BASE_URL",
    "DRAFTBOT_LLM_MODEL",
    "DRAFTBOT_LLM_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "DRAFTBOT_PROMPTS_DIR",
    "DRAFTBOT_CACHE_DIR",
)


@pytest.fixture(autouse=True)
def _no_real_llm(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test can reach a real model: endpoint variables removed, data folder in a temp dir."""
    for name in LLM_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DRAFTBOT_DATABASE_URL", raising=False)
    monkeypatch.setenv("DRAFTBOT_DATA_DIR", str(tmp_path_factory.mktemp("draftbot-data")))


@pytest.fixture(scope="session")
def warm_llm_stack() -> None:
    """Import LangChain/openai and run one request once per test run, before any test times
    a model call: on a loaded 2-core machine the first import alone takes seconds, which a
    test's model timeout must not absorb."""
    from draftbot.config import Settings
    from draftbot.drafting.llm import build_chat_model

    settings = Settings(
        _env_file=None, llm_model="warm-up", llm_base_url="http://127.0.0.1:9/v1", llm_timeout=30
    )
    # port 9 (discard) refuses at once: the client, transport and parser are all loaded
    with contextlib.suppress(Exception):
        build_chat_model(settings).invoke("warm-up")


@pytest.fixture
def fake_openai(warm_llm_stack: None):
    """A started `fake_openai.FakeOpenAI` server; see tests/fake_openai.py for scenarios."""
    from fake_openai import FakeOpenAI

    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Debian chromium per test module, driven by Playwright (the e2e tests' browser);
    `expect` waits as long as the pages do (`e2e_server.patient_expect`)."""
    from playwright.sync_api import sync_playwright

    from e2e_server import CHROMIUM_ARGS, chromium_path, patient_expect

    patient_expect()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
