-- The report list marks an agency and year held by more than one report (Store.duplicated):
-- with this index the 50 agencies of a page are 50 lookups instead of a scan of every summary.
CREATE INDEX report_summaries_by_agency ON report_summaries (agency, report_year, report_id);
