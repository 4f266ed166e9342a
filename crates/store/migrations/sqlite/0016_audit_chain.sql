-- The audit log as a hash chain (issue 19 item 7): each entry carries its
-- place in the chain (seq, from 1), the hash of the entry before it and its
-- own SM3 hash over a canonical encoding of its content (documented in
-- crates/store/src/audit_chain.rs). Entries written before this migration
-- are chained in id order by the first `migrate`/`serve` after it, which is
-- the one update the trigger below lets through.
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_seq ON audit_log(seq);

-- The end of the chain: the one row every append reads and moves, inside
-- the append's write transaction, so entry N is chained to entry N-1 as
-- committed. It also shows when the newest entries were deleted.
CREATE TABLE audit_chain_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT    NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Every chained entry moves the head in the statement that inserts it.
CREATE TRIGGER audit_chain_advance AFTER INSERT ON audit_log WHEN NEW.seq IS NOT NULL
BEGIN UPDATE audit_chain_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; END;

-- Still append-only; the only update allowed fills in the chain columns of
-- an entry that has none, leaving its content as it was.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
          AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id IS OLD.actor_id
          AND NEW.actor_name IS OLD.actor_name AND NEW.action = OLD.action
          AND NEW.detail = OLD.detail AND NEW.ip IS OLD.ip AND NEW.unit_id = OLD.unit_id
          AND NEW.l1 = OLD.l1 AND NEW.l2 IS OLD.l2 AND NEW.l3 IS OLD.l3
          AND NEW.l4 IS OLD.l4 AND NEW.l5 IS OLD.l5)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- The last login of each account (time and address, as the login audit
-- entry records them), and on each session the one before it, shown once
-- on the first page after logging in (MLPS level 3).
ALTER TABLE users ADD COLUMN last_login_at INTEGER;
ALTER TABLE users ADD COLUMN last_login_ip TEXT;
ALTER TABLE sessions ADD COLUMN prev_login_at INTEGER;
ALTER TABLE sessions ADD COLUMN prev_login_ip TEXT;
ALTER TABLE sessions ADD COLUMN login_notice INTEGER NOT NULL DEFAULT 0;
-- Accounts that logged in before: their newest login entry.
UPDATE users SET last_login_at = l.at, last_login_ip = l.ip
FROM (SELECT actor_id, at, ip FROM audit_log
      WHERE id IN (SELECT MAX(id) FROM audit_log WHERE action = 'login' GROUP BY actor_id)) AS l
WHERE l.actor_id = users.id;
