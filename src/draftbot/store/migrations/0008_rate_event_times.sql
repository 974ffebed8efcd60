-- Rate-limit and login-throttle events are seconds since the epoch: REAL is 4 bytes on
-- PostgreSQL (7 significant digits), so a time today was rounded to 128 s and a 60 s window
-- could close early or late (the same fault 0006 fixed for leases). The events only live for
-- one window: the table is made again with 8-byte times on both databases (a throttle window
-- running at the moment of the upgrade starts afresh).
DROP TABLE rate_events;
CREATE TABLE rate_events (
    id {id_pk},
    name TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL
);
CREATE INDEX rate_events_by_name ON rate_events (name, at);
CREATE INDEX rate_events_by_time ON rate_events (at);
