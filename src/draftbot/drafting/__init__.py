"""Drafting the report's prose sections.

Public API (see docs/drafting.md): `draft_report`, `adraft_report`, `stream_section`,
`apply_draft`, `DraftOutcome`, `SectionDraft`, `DraftEvent`, and `offline.draft_offline`.
LangChain/openai are imported only by `drafting.llm`, and only when a model is called.
"""

from ..outline import SECTION_TITLES
from .core import (
    OFFLINE_SOURCE,
    DraftEvent,
    DraftOutcome,
    SectionDraft,
    adraft_report,
    apply_draft,
    draft_report,
    stream_section,
)
from .offline import draft_offline
from .sections import UnknownSectionError, resolve_section

__all__ = [
    "OFFLINE_SOURCE",
    "SECTION_TITLES",
    "DraftEvent",
    "DraftOutcome",
    "SectionDraft",
    "UnknownSectionError",
    "adraft_report",
    "apply_draft",
    "draft_offline",
    "draft_report",
    "resolve_section",
    "stream_section",
]
