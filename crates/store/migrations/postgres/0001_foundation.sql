-- Organisation tree: parent pointer plus the ancestor at every level (l1..l5,
-- the unit itself included), written in the same transaction.
CREATE TABLE units (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    name_mn     TEXT,
    level       BIGINT  NOT NULL CHECK (level BETWEEN 1 AND 5),
    kind        TEXT    NOT NULL CHECK (kind IN ('geo', 'sector')),
    parent_id   BIGINT  REFERENCES units(id),
    active      BIGINT  NOT NULL DEFAULT 1,
    l1          BIGINT  NOT NULL,
    l2          BIGINT,
    l3          BIGINT,
    l4          BIGINT,
    l5          BIGINT
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_l2 ON units(l2);
CREATE INDEX units_l3 ON units(l3);
CREATE INDEX units_l4 ON units(l4);
CREATE INDEX units_name ON units(name text_pattern_ops);

CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    unit_id        BIGINT  NOT NULL REFERENCES units(id),
    roles          TEXT    NOT NULL,
    active         BIGINT  NOT NULL DEFAULT 1,
    failed_logins  BIGINT  NOT NULL DEFAULT 0,
    locked_until   BIGINT,
    created_at     BIGINT  NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

-- Only a hash of the token is kept, so a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users(id),
    csrf_token  TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    last_seen   BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Append-only: the trigger below refuses updates and deletes.
CREATE TABLE audit_log (
    id           BIGSERIAL PRIMARY KEY,
    at           BIGINT  NOT NULL,
    actor_id     BIGINT,
    actor_name   TEXT,
    action       TEXT    NOT NULL,
    detail       TEXT    NOT NULL,
    ip           TEXT,
    unit_id      BIGINT  NOT NULL,
    l1           BIGINT  NOT NULL,
    l2           BIGINT,
    l3           BIGINT,
    l4           BIGINT,
    l5           BIGINT
);
CREATE INDEX audit_l1 ON audit_log(l1, id);
CREATE INDEX audit_l2 ON audit_log(l2, id);
CREATE INDEX audit_l3 ON audit_log(l3, id);
CREATE INDEX audit_l4 ON audit_log(l4, id);
CREATE INDEX audit_l5 ON audit_log(l5, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
