-- The translation review page (issue 17 item 1): Mongolian entries a
-- reviewer saved, read over the catalogue compiled into the binary, so an
-- accepted correction takes effect without a rebuild. `reviewed`: accepted
-- (1) or saved as a better draft (0).
CREATE TABLE translations (
    lang      TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    text      TEXT    NOT NULL,
    reviewed  BIGINT  NOT NULL CHECK (reviewed IN (0, 1)),
    by_user   BIGINT REFERENCES users(id),
    at        BIGINT  NOT NULL,
    PRIMARY KEY (lang, key)
);

-- The reviewer's role.
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check
    CHECK (role IN ('admin', 'cadre', 'caseworker', 'auditor', 'translator'));
