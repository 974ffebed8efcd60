-- The schema of the first release (IF NOT EXISTS: databases made before migrations existed
-- already hold these tables and get only what they lack).
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'drafting'
        CHECK (status IN ('drafting', 'reviewing', 'final')),
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS section_revisions (
    id {id_pk},
    report_id TEXT NOT NULL REFERENCES reports(id),
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'accepted' CHECK (kind IN ('accepted', 'failed')),
    note TEXT NOT NULL DEFAULT '',
    report_version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS section_revisions_by_report
    ON section_revisions (report_id, section, id);
-- append-only: section_revisions
CREATE TABLE IF NOT EXISTS report_summaries (
    report_id TEXT PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    agency TEXT NOT NULL,
    report_year INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    errors INTEGER,
    warnings INTEGER,
    counted_version INTEGER
);
CREATE INDEX IF NOT EXISTS report_summaries_by_update ON report_summaries (updated_at DESC);
CREATE TABLE IF NOT EXISTS archived_reports (
    report_id TEXT PRIMARY KEY REFERENCES reports(id),
    archived_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
