-- Tables of server mode (accounts, review workflow, audit trail), in every store. Until this
-- file was numbered they were applied as the migration `server_mode` (store.FORMER_NAMES).

-- accounts.py
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer', 'office', 'sysadmin')),
    agency TEXT NOT NULL DEFAULT '',
    area TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    must_change INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_account ON sessions (account_id);
CREATE TABLE IF NOT EXISTS login_failures (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_by_subject ON login_failures (subject, failed_at);

-- workflow.py
CREATE TABLE IF NOT EXISTS report_access (
    report_id TEXT PRIMARY KEY REFERENCES reports(id),
    agency TEXT NOT NULL,
    area TEXT NOT NULL,
    returned INTEGER NOT NULL DEFAULT 0,
    review_round INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS report_access_by_agency ON report_access (agency);
CREATE INDEX IF NOT EXISTS report_access_by_area ON report_access (area);
CREATE TABLE IF NOT EXISTS review_comments (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id),
    review_round INTEGER NOT NULL,
    target TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS review_comments_by_report ON review_comments (report_id, created_at);
-- append-only: review_comments

-- trail.py
CREATE TABLE IF NOT EXISTS trail (
    seq {id_pk},
    id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    client TEXT NOT NULL,
    kind TEXT NOT NULL,
    report_id TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    target TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trail_by_report ON trail (report_id, seq);
CREATE INDEX IF NOT EXISTS trail_by_actor ON trail (actor_id, seq);
CREATE INDEX IF NOT EXISTS trail_by_subject ON trail (subject_id, seq);
-- append-only: trail
