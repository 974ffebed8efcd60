"""A typed sentence → proposed cells, for the table chat box and the guided steps' gates.

The same path as the terminal interview (`freetext_llm.propose`): the LLM (tool calling, the
sentence fenced as material) when an endpoint is configured, else the offline rules; when the
LLM fails, the offline rules answer and the proposal's first note says so. Nothing is saved
here. The LLM call is blocking network I/O, so callers run it in the bounded "model" worker
pool (pools.py), never on the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..freetext import Proposal
from ..freetext_llm import propose
from ..model import Report
from .views import TABLES, grid_for, grid_values

MAX_SENTENCE_CHARS = 2000


def parse_sentence(
    settings: Any, system_prompt: str, text: str, scope: list[str], report: Report
) -> Proposal:
    """Cells of `scope` that `text` states, by the LLM when configured, else the offline rules.
    Blocking (network I/O): callers run it in the web app's "model" pool (pools.py)."""
    return propose(text, scope, report.format_version, settings, system_prompt)


def llm_parser(settings: Any) -> str:
    """The model's name when an LLM endpoint is configured (sentences go to it), else ""."""
    return str(settings.model_name) if getattr(settings, "llm_configured", False) else ""


def proposal_view(
    proposal: Proposal, report: Report, location: Callable[[str], str]
) -> dict[str, Any]:
    """What the page shows: each cell (as printed in the table, current and proposed value,
    the words it came from), the numbers not placed, the notes and the parser."""
    current = current_values(report, list(proposal.values))
    return {
        "cells": [
            {
                "key": key,
                "location": location(key),
                "value": str(value),
                "current": current.get(key, ""),
                "source": proposal.sources.get(key, ""),
            }
            for key, value in proposal.values.items()
        ],
        "unplaced": [{"text": u.text, "reason": u.reason} for u in proposal.unplaced],
        "notes": list(proposal.notes),
        "parser": proposal.parser,
    }


def current_values(report: Report, keys: list[str]) -> dict[str, str]:
    """The cells' text as the table page shows it (totals recomputed)."""
    tables = {key.split(".")[0].removeprefix("table") for key in keys} & set(TABLES)
    values: dict[str, str] = {}
    for table in sorted(tables):
        values.update(grid_values(grid_for(report, table)))
    return values
