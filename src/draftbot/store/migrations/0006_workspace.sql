-- The 政务公开办's batch workspace (issue 17; workspace.py): uploaded files, the state and
-- progress of the batch job, every file's result and the roll-ups, shared by every app
-- instance (they were files and memory of the instance that received the upload). The job
-- itself is held by the lease `batch:<id>` (0004_leases.sql) while an instance runs it.
CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    area TEXT NOT NULL DEFAULT '',
    renames TEXT NOT NULL DEFAULT '{}',
    files INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('uploading', 'queued', 'done', 'failed')),
    label TEXT NOT NULL DEFAULT '排队',
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    failure TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX batches_by_area ON batches (area, created_at);
CREATE TABLE batch_files (
    batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    data {blob} NOT NULL,
    PRIMARY KEY (batch_id, number)
);
CREATE TABLE batch_items (
    batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    item TEXT NOT NULL,
    PRIMARY KEY (batch_id, number)
);
CREATE TABLE batch_rollups (
    batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    report_id TEXT NOT NULL,
    rollup TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (batch_id, report_id)
);
-- The lease times are seconds since the epoch: REAL is 4 bytes on PostgreSQL (7 digits, so a
-- time today is rounded to 128 s and a 30 s lease could be over as soon as taken). Leases only
-- live for the length of a job: the table is made again with 8-byte times on both databases.
DROP TABLE leases;
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
