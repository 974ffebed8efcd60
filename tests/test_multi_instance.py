"""Two app instances on one PostgreSQL database, one killed with SIGKILL and restarted while
8 clients edit through both for 10 s: every acknowledged write is in the database afterwards,
conflicts come back as 409, nothing is lost. (The 20-client, 30-second run is
bench/multi_instance.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from databases import fresh_schema
from multi_instance import run


@pytest.mark.slow
def test_two_instances_one_killed_lose_no_acknowledged_write(
    pg_server_url: str, tmp_path: Path
) -> None:
    with fresh_schema(pg_server_url) as url:
        outcome = run(url, tmp_path, clients=8, seconds=10)
    assert outcome.lost == []
    assert outcome.other_errors == []
    assert outcome.acknowledged > 20  # the clients really wrote, through both instances
    assert outcome.conflicts > 0  # two clients per report: races are reported as 409
