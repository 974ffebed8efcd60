"""The 政务公开办's batch workspace, kept in the store so that every app instance sees it.

A batch is a set of uploaded report files (each bounded by the web upload limit), the area
it belongs to (server mode: only that area's 政务公开办 and the 系统管理员 see it; "" in
local mode), the rename lines given with it and, once checked, one result per file
(`batch.BatchItem`) and the roll-ups built from it. Tables: store migration
`0006_workspace.sql`, on SQLite and PostgreSQL alike.

The check runs in a background thread of whichever instance first finds the batch unfinished
with its lease `batch:<id>` free (`Workspace.ensure_running`, called by the upload and by
every page or progress poll of the batch). The lease (`Store.take_lease`, renewed every third
of its length while the job runs) keeps a second instance from running the batch at the same
time; an instance killed mid-job holds it no longer than the lease, after which the next poll,
through any instance, starts the batch again from its stored files. After `MAX_ATTEMPTS`
starts a batch is marked failed with a message instead of being tried forever. The first run
to finish writes the results (one transaction); a late duplicate writes nothing.

Memory: an upload is written file by file; a job copies the files from the database to a
temporary folder one at a time and `batch.run_batch` reads them from there, so a big batch is
never in memory at once. Finished results never change: the last few read are kept parsed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter

from .batch import BatchItem, BatchOptions, BatchResult, run_batch
from .errors import DraftbotError
from .rollup import RollUp
from .store import Store, StoreError, make_private_folder

BatchStateName = Literal["uploading", "queued", "done", "failed"]
DEFAULT_LEASE_SECONDS = 30.0
MAX_ATTEMPTS = 3  # starts of one batch (instances killed or out of memory) before giving up
KEPT_RESULTS = 8  # finished batches kept parsed in this process
PROGRESS_EVERY = 0.5  # seconds between two progress writes of a running job
STALE_UPLOAD = dt.timedelta(days=1)  # an upload cut off this long ago is deleted
SCRATCH_PREFIX = "draftbot-batch-"  # a job's temporary copy of the files, under `scratch`
ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


@cache
def _item_json() -> TypeAdapter[BatchItem]:
    """A `BatchItem` to and from JSON (exact round trip, findings and report included)."""
    return TypeAdapter(BatchItem)


@cache
def _rollup_json() -> TypeAdapter[RollUp]:
    """A `RollUp` to and from JSON (contributions keep int or Decimal)."""
    return TypeAdapter(RollUp)


class BatchNotFound(DraftbotError):
    """No such batch (or it is still being uploaded)."""

    def __init__(self) -> None:
        super().__init__("找不到这批报告")


class _LeaseLost(DraftbotError):
    """Another instance took the batch over (this one was too slow to renew its lease)."""


@dataclass(frozen=True)
class BatchState:
    """A batch as stored: `state` is queued (waiting or being checked), done or failed;
    `label`/`done`/`total` the progress of the running job (phase label, files done, files in
    the phase); `failure` the Chinese message of a failed batch; `created_at` ISO-8601 UTC."""

    id: str
    area: str
    renames: dict[str, str]
    files: int
    state: BatchStateName
    label: str
    done: int
    total: int
    failure: str
    created_at: str

    @property
    def running(self) -> bool:
        return self.state == "queued"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def _lease(batch_id: str) -> str:
    return f"batch:{batch_id}"


class Workspace:
    """The batches of one store. Blocking (database work): call from a worker thread in async
    code. `lease_seconds` is how long a killed instance can keep a batch waiting; `scratch` the
    folder under which a job's temporary copy of the files is made (the system's temporary
    folder when None). Raises `BatchNotFound` for an unknown batch, `StoreError` (Chinese)
    when the database is busy or unreachable."""

    def __init__(
        self,
        store: Store,
        *,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        scratch: Path | None = None,
        jobs: int = 0,
    ) -> None:
        self.store = store
        self.lease_seconds = lease_seconds
        self.scratch = scratch
        self.jobs = jobs  # worker processes of a batch job (0: one per CPU core)
        self._results: OrderedDict[str, BatchResult] = OrderedDict()
        self._lock = threading.Lock()

    # --- uploading ------------------------------------------------------------------------

    def begin(self, area: str, renames: dict[str, str]) -> str:
        """A new batch, not listed until `seal`: its id. Uploads cut off long ago are
        deleted here (an instance killed mid-upload leaves one behind)."""
        batch_id = secrets.token_urlsafe(12)
        stale = (dt.datetime.now(dt.timezone.utc) - STALE_UPLOAD).isoformat()
        with self.store._transaction() as db:
            db.execute("DELETE FROM batches WHERE state = 'uploading' AND created_at < ?", (stale,))
            db.execute(
                "INSERT INTO batches (id, area, renames, state, created_at)"
                " VALUES (?, ?, ?, 'uploading', ?)",
                (batch_id, area, json.dumps(renames, ensure_ascii=False), _now()),
            )
        return batch_id

    def add_file(self, batch_id: str, number: int, name: str, data: bytes) -> None:
        """Keep one uploaded file (`number` from 1, in upload order; `name` made safe by the
        caller): committed on return."""
        with self.store._transaction() as db:
            db.execute(
                "INSERT INTO batch_files (batch_id, number, name, data) VALUES (?, ?, ?, ?)",
                (batch_id, number, name, data),
            )

    def seal(self, batch_id: str) -> None:
        """The upload is complete: the batch is listed and waits for its check."""
        with self.store._transaction() as db:
            db.execute(
                "UPDATE batches SET state = 'queued',"
                " files = (SELECT COUNT(*) FROM batch_files WHERE batch_id = ?)"
                " WHERE id = ? AND state = 'uploading'",
                (batch_id, batch_id),
            )

    def discard(self, batch_id: str) -> None:
        """Delete a batch still being uploaded, with its files (a refused upload keeps
        nothing)."""
        with self.store._transaction() as db:
            db.execute("DELETE FROM batches WHERE id = ? AND state = 'uploading'", (batch_id,))

    # --- reading --------------------------------------------------------------------------

    def get(self, batch_id: str) -> BatchState:
        """The batch `batch_id`; `BatchNotFound` if there is none (or not yet sealed)."""
        if not ID_RE.match(batch_id):
            raise BatchNotFound()
        rows = self.store.reader().execute(
            "SELECT * FROM batches WHERE id = ? AND state != 'uploading'", (batch_id,)
        )
        row = rows.fetchone()
        if row is None:
            raise BatchNotFound()
        return _state(row)

    def batches(self, area: str | None = None) -> list[BatchState]:
        """Every batch, newest first; only those of `area` unless it is None."""
        sql = "SELECT * FROM batches WHERE state != 'uploading'"
        params: tuple[str, ...] = ()
        if area is not None:
            sql += " AND area = ?"
            params = (area,)
        rows = self.store.reader().execute(sql + " ORDER BY created_at DESC, id", params)
        return [_state(row) for row in rows]

    def result(self, batch_id: str) -> BatchResult | None:
        """The checked batch (every file's `BatchItem`, in upload order); None while it is not
        done."""
        with self._lock:
            hit = self._results.get(batch_id)
            if hit is not None:
                self._results.move_to_end(batch_id)
                return hit
        state = self.get(batch_id)
        if state.state != "done":
            return None
        rows = self.store.reader().execute(
            "SELECT item FROM batch_items WHERE batch_id = ? ORDER BY number", (batch_id,)
        )
        items = [_item_json().validate_json(row["item"]) for row in rows]
        result = BatchResult(items, BatchOptions(renames=state.renames))
        with self._lock:
            self._results[batch_id] = result
            while len(self._results) > KEPT_RESULTS:
                self._results.popitem(last=False)
        return result

    # --- roll-ups -------------------------------------------------------------------------

    def add_rollup(self, batch_id: str, report_id: str, rollup: RollUp) -> None:
        """Keep a roll-up built from the batch; `report_id` is the stored report it became."""
        with self.store._transaction() as db:
            db.execute(
                "INSERT INTO batch_rollups (batch_id, report_id, rollup, created_at)"
                " VALUES (?, ?, ?, ?)",
                (batch_id, report_id, _rollup_json().dump_json(rollup).decode(), _now()),
            )

    def rollup(self, batch_id: str, report_id: str) -> RollUp | None:
        """The roll-up of the batch that became report `report_id`; None if there is none."""
        row = (
            self.store.reader()
            .execute(
                "SELECT rollup FROM batch_rollups WHERE batch_id = ? AND report_id = ?",
                (batch_id, report_id),
            )
            .fetchone()
        )
        return None if row is None else _rollup_json().validate_json(row["rollup"])

    # --- the job --------------------------------------------------------------------------

    def ensure_running(self, batch_id: str) -> bool:
        """Start checking the batch in a thread of this process unless it is finished or an
        instance (this or another) holds its lease. True when this call started it."""
        if self.get(batch_id).state != "queued" or self._leased(batch_id):
            return False
        holder = uuid.uuid4().hex
        if not self.store.take_lease(
            _lease(batch_id), holder, now=time.time(), seconds=self.lease_seconds
        ):
            return False
        try:
            attempts = self._count_attempt(batch_id)
        except BaseException:
            self.store.release_lease(_lease(batch_id), holder)
            raise
        if attempts is None:  # finished meanwhile
            self.store.release_lease(_lease(batch_id), holder)
            return False
        if attempts > MAX_ATTEMPTS:
            self._fail(
                batch_id,
                f"这批报告的处理已中断 {MAX_ATTEMPTS} 次（处理它的服务被重启，或内存不足）；"
                "请分成几批重新上传",
            )
            self.store.release_lease(_lease(batch_id), holder)
            return False
        threading.Thread(
            target=self._work, args=(batch_id, holder), name=f"batch-{batch_id}", daemon=True
        ).start()
        return True

    def _leased(self, batch_id: str) -> bool:
        row = (
            self.store.reader()
            .execute("SELECT expires_at FROM leases WHERE name = ?", (_lease(batch_id),))
            .fetchone()
        )
        return row is not None and float(row["expires_at"]) > time.time()

    def _count_attempt(self, batch_id: str) -> int | None:
        with self.store._transaction() as db:
            db.execute(
                "UPDATE batches SET attempts = attempts + 1 WHERE id = ? AND state = 'queued'",
                (batch_id,),
            )
            row = db.execute(
                "SELECT attempts, state FROM batches WHERE id = ?", (batch_id,)
            ).fetchone()
        return int(row["attempts"]) if row is not None and row["state"] == "queued" else None

    def _work(self, batch_id: str, holder: str) -> None:
        """The thread body: run the batch while renewing its lease; record a failure."""
        lost, stop = threading.Event(), threading.Event()

        def renew() -> None:
            while not stop.wait(self.lease_seconds / 3):
                try:
                    held = self.store.take_lease(
                        _lease(batch_id), holder, now=time.time(), seconds=self.lease_seconds
                    )
                except StoreError:
                    continue  # busy for a moment: the lease has two more thirds to go
                if not held:
                    lost.set()
                    return

        heartbeat = threading.Thread(target=renew, name=f"lease-{batch_id}", daemon=True)
        heartbeat.start()
        try:
            self.run(batch_id, lost)
        except _LeaseLost:
            pass  # the instance that took the batch over finishes it
        except Exception as exc:  # the page shows it; the server goes on
            self._fail(batch_id, f"处理时出错（{type(exc).__name__}），请重新上传")
        finally:
            stop.set()
            heartbeat.join()
            with contextlib.suppress(StoreError):  # else it expires by itself
                self.store.release_lease(_lease(batch_id), holder)

    def run(self, batch_id: str, lost: threading.Event | None = None) -> None:
        """Check the batch here and now (blocking) and store its results, unless another run
        stored them first. `lost` set → stop at the next progress report (raises
        `_LeaseLost`)."""
        state = self.get(batch_id)
        last: dict[str, Any] = {"at": 0.0, "label": ""}

        def progress(label: str, done: int, total: int) -> None:
            if lost is not None and lost.is_set():
                raise _LeaseLost()
            moment = time.monotonic()
            if label == last["label"] and done < total and moment - last["at"] < PROGRESS_EVERY:
                return
            last.update(at=moment, label=label)
            with contextlib.suppress(StoreError):  # busy for a moment: the next one is written
                self._progress(batch_id, label, done, total)

        self._progress(batch_id, "读取", 0, state.files)
        if self.scratch is not None:
            make_private_folder(self.scratch)
        with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=self.scratch) as tmp:
            folder = Path(tmp) / "inputs"
            folder.mkdir()
            for number, name in self._file_names(batch_id):
                (folder / name).write_bytes(self._file_data(batch_id, number))
            options = BatchOptions(shown_from=folder, renames=state.renames, jobs=self.jobs)
            result = run_batch([folder], options, progress)
        if lost is not None and lost.is_set():
            raise _LeaseLost()
        self._finish(batch_id, result)

    def _file_names(self, batch_id: str) -> list[tuple[int, str]]:
        rows = self.store.reader().execute(
            "SELECT number, name FROM batch_files WHERE batch_id = ? ORDER BY number", (batch_id,)
        )
        return [(int(row["number"]), str(row["name"])) for row in rows]

    def _file_data(self, batch_id: str, number: int) -> bytes:
        row = (
            self.store.reader()
            .execute(
                "SELECT data FROM batch_files WHERE batch_id = ? AND number = ?",
                (batch_id, number),
            )
            .fetchone()
        )
        return bytes(row["data"])

    def _progress(self, batch_id: str, label: str, done: int, total: int) -> None:
        with self.store._transaction() as db:
            db.execute(
                "UPDATE batches SET label = ?, done = ?, total = ? WHERE id = ? AND state = 'queued'",
                (label, done, total, batch_id),
            )

    def _finish(self, batch_id: str, result: BatchResult) -> None:
        with self.store._transaction() as db:
            cursor = db.execute(
                "UPDATE batches SET state = 'done', label = '完成', done = ?, total = ?"
                " WHERE id = ? AND state = 'queued'",
                (len(result.items), len(result.items), batch_id),
            )
            if cursor.rowcount != 1:
                return  # another run finished first (or the batch failed meanwhile)
            for number, item in enumerate(result.items, start=1):
                db.execute(
                    "INSERT INTO batch_items (batch_id, number, item) VALUES (?, ?, ?)",
                    (batch_id, number, _item_json().dump_json(item).decode()),
                )

    def _fail(self, batch_id: str, message: str) -> None:
        with self.store._transaction() as db:
            db.execute(
                "UPDATE batches SET state = 'failed', failure = ? WHERE id = ? AND state = 'queued'",
                (message, batch_id),
            )

    def sweep_scratch(self) -> int:
        """Delete the temporary copies left behind by jobs of killed instances (older than a
        day: a copy in use by a running job, of any instance sharing the folder, is younger).
        The number deleted."""
        if self.scratch is None or not self.scratch.is_dir():
            return 0
        old = time.time() - STALE_UPLOAD.total_seconds()
        swept = 0
        for folder in self.scratch.glob(f"{SCRATCH_PREFIX}*"):
            with contextlib.suppress(OSError):
                if folder.is_dir() and folder.stat().st_mtime < old:
                    shutil.rmtree(folder)
                    swept += 1
        return swept

    # --- batches kept in folders by earlier versions --------------------------------------

    def import_folders(self, root: Path) -> int:
        """Take over the batches an earlier version kept under `root` (<id>/inputs/ with
        area.txt and renames.tsv beside it), once each: a batch already in the database is
        left alone; the folders are not changed. The number taken over."""
        if not root.is_dir():
            return 0
        taken = 0
        for folder in sorted(root.iterdir()):
            inputs = folder / "inputs"
            if not ID_RE.match(folder.name) or not inputs.is_dir() or self._exists(folder.name):
                continue
            area = _read_text(folder / "area.txt").strip()
            renames = _parse_tsv(_read_text(folder / "renames.tsv"))
            with self.store._transaction() as db:
                cursor = db.execute(
                    "INSERT INTO batches (id, area, renames, state, created_at)"
                    " VALUES (?, ?, ?, 'uploading', ?) ON CONFLICT (id) DO NOTHING",
                    (folder.name, area, json.dumps(renames, ensure_ascii=False), _now()),
                )
            if cursor.rowcount != 1:
                continue  # another instance starting at the same moment takes it over
            files = sorted(p for p in inputs.iterdir() if p.is_file())
            for number, path in enumerate(files, start=1):
                self.add_file(folder.name, number, path.name, path.read_bytes())
            self.seal(folder.name)
            taken += 1
        return taken

    def _exists(self, batch_id: str) -> bool:
        rows = self.store.reader().execute("SELECT id FROM batches WHERE id = ?", (batch_id,))
        return rows.fetchone() is not None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def _parse_tsv(text: str) -> dict[str, str]:
    pairs = (line.split("\t", 1) for line in text.splitlines() if "\t" in line)
    return {old: new for old, new in pairs}


def _state(row: Any) -> BatchState:
    return BatchState(
        id=row["id"],
        area=row["area"],
        renames=json.loads(row["renames"]),
        files=int(row["files"]),
        state=row["state"],
        label=row["label"],
        done=int(row["done"]),
        total=int(row["total"]),
        failure=row["failure"],
        created_at=row["created_at"],
    )
