-- The report list's tie-break for reports edited in the same second: the order their
-- summaries were made in (SQLite's rowid did this before; PostgreSQL has none).
ALTER TABLE report_summaries ADD COLUMN seq BIGINT;
UPDATE report_summaries SET seq = (
    SELECT COUNT(*) FROM report_summaries o
    WHERE o.created_at < report_summaries.created_at
       OR (o.created_at = report_summaries.created_at AND o.report_id <= report_summaries.report_id)
);
CREATE INDEX report_summaries_by_seq ON report_summaries (seq);
