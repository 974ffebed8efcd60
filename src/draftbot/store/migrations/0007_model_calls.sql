-- Model calls counted per day (issue 17): the per-day caps of drafting
-- (DRAFTBOT_LLM_MAX_CALLS_PER_DAY) and of the assistant (DRAFTBOT_ASSISTANT_CALLS_PER_DAY), one
-- count shared by every app instance and the command line (were files in the data folder).
-- `day` is the calendar day in Beijing time (drafting.calls.day_of), e.g. 2026-12-01.
CREATE TABLE model_calls (
    counter TEXT NOT NULL,
    day TEXT NOT NULL,
    calls INTEGER NOT NULL CHECK (calls >= 0),
    PRIMARY KEY (counter, day)
);
