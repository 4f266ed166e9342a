-- The audit log as a hash chain (issue 19 item 7): each entry carries its
-- place in the chain (seq, from 1), the hash of the entry before it and its
-- own SM3 hash over a canonical encoding of its content (documented in
-- crates/store/src/audit_chain.rs). Entries written before this migration
-- are chained in id order by the first `migrate`/`serve` after it, which is
-- the one update the trigger function below lets through.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_seq ON audit_log(seq);

-- The end of the chain: every append locks this row (FOR UPDATE) in its own
-- transaction, so appends are serialized and entry N is chained to entry
-- N-1 as committed. It also shows when the newest entries were deleted.
CREATE TABLE audit_chain_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT  NOT NULL,
    hash  TEXT    NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Every chained entry moves the head in the statement that inserts it.
CREATE FUNCTION audit_chain_advance() RETURNS trigger AS $$
BEGIN
    UPDATE audit_chain_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chain_advance AFTER INSERT ON audit_log
    FOR EACH ROW WHEN (NEW.seq IS NOT NULL) EXECUTE FUNCTION audit_chain_advance();

-- Still append-only; the only update allowed fills in the chain columns of
-- an entry that has none, leaving its content as it was.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
       AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_name, NEW.action, NEW.detail, NEW.ip,
            NEW.unit_id, NEW.l1, NEW.l2, NEW.l3, NEW.l4, NEW.l5)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_id, OLD.actor_name, OLD.action, OLD.detail, OLD.ip,
            OLD.unit_id, OLD.l1, OLD.l2, OLD.l3, OLD.l4, OLD.l5)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

-- The last login of each account (time and address, as the login audit
-- entry records them), and on each session the one before it, shown once
-- on the first page after logging in (MLPS level 3).
ALTER TABLE users ADD COLUMN last_login_at BIGINT;
ALTER TABLE users ADD COLUMN last_login_ip TEXT;
ALTER TABLE sessions ADD COLUMN prev_login_at BIGINT;
ALTER TABLE sessions ADD COLUMN prev_login_ip TEXT;
ALTER TABLE sessions ADD COLUMN login_notice BIGINT NOT NULL DEFAULT 0;
-- Accounts that logged in before: their newest login entry.
UPDATE users SET last_login_at = l.at, last_login_ip = l.ip
FROM (SELECT actor_id, at, ip FROM audit_log
      WHERE id IN (SELECT MAX(id) FROM audit_log WHERE action = 'login' GROUP BY actor_id)) AS l
WHERE l.actor_id = users.id;
