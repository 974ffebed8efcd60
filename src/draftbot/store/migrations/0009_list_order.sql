-- The report list's order (last edited first, then last made, then id: all DESC, read by a
-- backward walk of this index on both databases) without a sort of every summary per view.
-- agency and report_year ride along so a filtered list checks them in the index, not by
-- reading each summary row; it replaces 0001's index on updated_at alone.
CREATE INDEX report_summaries_by_list ON report_summaries (updated_at, seq, report_id, agency, report_year);
DROP INDEX IF EXISTS report_summaries_by_update;
