"""Jobs that must run once at a time across every app instance (drafting one section): a
lease in the store, so a second instance refuses the same job while the first runs, and a
killed instance blocks nothing longer than the lease."""

from __future__ import annotations

import time
import uuid

from ..store import Store

DEFAULT_LEASE_SECONDS = 600.0


class SectionJobs:
    """`take(report_id, section)` → a ticket (str) or None when the section is being drafted
    (by this or another instance); `release(ticket…)` when the job ends. Blocking: call them
    in a worker thread."""

    def __init__(self, store: Store, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        self.store = store
        self.lease_seconds = lease_seconds

    def take(self, report_id: str, section: str) -> str | None:
        ticket = uuid.uuid4().hex
        name = f"draft:{report_id}:{section}"
        taken = self.store.take_lease(name, ticket, now=time.time(), seconds=self.lease_seconds)
        return ticket if taken else None

    def release(self, report_id: str, section: str, ticket: str) -> None:
        self.store.release_lease(f"draft:{report_id}:{section}", ticket)
