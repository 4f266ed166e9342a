-- When a need was recorded on the phone (issue 18): an outbox sends it
-- later, and the queue's arrival time (created_at) stays the server's.
ALTER TABLE needs ADD COLUMN made_at BIGINT;
