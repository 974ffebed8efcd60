-- State that several app instances must share (issue 17): the assistant's conversation per
-- report (was a JSON-lines file under the data folder's chat/), and timed events counted for
-- rate limits and login throttling (were in one process's memory).
CREATE TABLE chat_entries (
    id {id_pk},
    conversation TEXT NOT NULL,
    entry TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX chat_entries_by_conversation ON chat_entries (conversation, id);
-- append-only: chat_entries
CREATE TABLE rate_events (
    id {id_pk},
    name TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX rate_events_by_name ON rate_events (name, at);
CREATE INDEX rate_events_by_time ON rate_events (at);
