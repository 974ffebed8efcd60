-- The report list marks an agency and year held by more than one report (Store.duplicated):
-- with this index the 50 agencies of a page are 50 lookups instead of a scan of every summary.
CREATE INDEX report_summaries_by_agency ON report_summaries (agency, report_year, report_id);
-- A counter raised in the same transaction as every change to what the list counts (a summary
-- added or its agency or year changed, a report archived or brought back), so a process can
-- keep the number of matching reports per filter until it moves (Store.summaries).
CREATE TABLE IF NOT EXISTS list_changes (id INTEGER PRIMARY KEY, n BIGINT NOT NULL);
INSERT INTO list_changes (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
