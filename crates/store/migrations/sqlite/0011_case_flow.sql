-- The case workflow after intake (issue 6): transfers, closure decisions
-- and reopenings carry a free-text reason. A reason may name people, so it
-- is sealed by the vault (bound to the event's row), never put in `detail`,
-- which the whole team reads and which holds no personal data.
ALTER TABLE case_events ADD COLUMN note_enc TEXT;
