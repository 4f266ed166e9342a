-- The translation review page (issue 17 item 1): Mongolian entries a
-- reviewer saved, read over the catalogue compiled into the binary, so an
-- accepted correction takes effect without a rebuild. `reviewed`: accepted
-- (1) or saved as a better draft (0).
CREATE TABLE translations (
    lang      TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    text      TEXT    NOT NULL,
    reviewed  INTEGER NOT NULL CHECK (reviewed IN (0, 1)),
    by_user   INTEGER REFERENCES users(id),
    at        INTEGER NOT NULL,
    PRIMARY KEY (lang, key)
);

-- The reviewer's role. SQLite cannot change a CHECK in place: the table is
-- rebuilt with the same rows.
CREATE TABLE user_roles_new (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    role     TEXT    NOT NULL
             CHECK (role IN ('admin', 'cadre', 'caseworker', 'auditor', 'translator')),
    PRIMARY KEY (user_id, role)
);
INSERT INTO user_roles_new (user_id, role) SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_new RENAME TO user_roles;
CREATE INDEX user_roles_role ON user_roles(role, user_id);
