-- Organisation tree: parent pointer plus the ancestor at every level (l1..l5,
-- the unit itself included), written in the same transaction.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    name_mn     TEXT,
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    kind        TEXT    NOT NULL CHECK (kind IN ('geo', 'sector')),
    parent_id   INTEGER REFERENCES units(id),
    active      INTEGER NOT NULL DEFAULT 1,
    l1          INTEGER NOT NULL,
    l2          INTEGER,
    l3          INTEGER,
    l4          INTEGER,
    l5          INTEGER
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_l2 ON units(l2);
CREATE INDEX units_l3 ON units(l3);
CREATE INDEX units_l4 ON units(l4);
CREATE INDEX units_name ON units(name);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    roles          TEXT    NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

-- Only a hash of the token is kept, so a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    csrf_token  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Append-only: the triggers below refuse updates and deletes.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor_id     INTEGER,
    actor_name   TEXT,
    action       TEXT    NOT NULL,
    detail       TEXT    NOT NULL,
    ip           TEXT,
    unit_id      INTEGER NOT NULL,
    l1           INTEGER NOT NULL,
    l2           INTEGER,
    l3           INTEGER,
    l4           INTEGER,
    l5           INTEGER
);
CREATE INDEX audit_l1 ON audit_log(l1, id);
CREATE INDEX audit_l2 ON audit_log(l2, id);
CREATE INDEX audit_l3 ON audit_log(l3, id);
CREATE INDEX audit_l4 ON audit_log(l4, id);
CREATE INDEX audit_l5 ON audit_log(l5, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
