-- Named leases shared by every app instance (issue 17): e.g. "one drafting job per section at
-- a time". A lease is held until released or until it expires (an instance killed mid-job
-- does not block the section for longer than the lease).
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at REAL NOT NULL
);
