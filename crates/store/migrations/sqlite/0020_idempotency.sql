-- A retried submit never records twice (issues 14 and 18): each create that
-- a field form or the phone's outbox sends may carry an idempotency key,
-- taken in the same transaction as the record it creates. Keys are per
-- user and per route (method and path); `body_sha256` tells a repeat of the
-- same request from a different one under the same key; `status`,
-- `location` and `answer` hold the original answer once it is known, so a
-- repeat gets it again. Kept at least 30 days, then purged.
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL REFERENCES users(id),
    route TEXT NOT NULL,
    key TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    status BIGINT,
    location TEXT,
    answer TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, route, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- When a record was made on the phone, beside the time it arrived
-- (`created_at`): unix seconds of the device's clock, checked on arrival,
-- never used for roll-ups (the activity's own date decides its month).
ALTER TABLE activities ADD COLUMN made_at BIGINT;
ALTER TABLE visits ADD COLUMN made_at BIGINT;
