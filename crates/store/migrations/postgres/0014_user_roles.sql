-- A user's roles as rows instead of the comma-joined users.roles text: a
-- role test becomes an indexed lookup instead of LIKE '%,caseworker,%' over
-- every user row, and the database itself refuses a role that does not exist.

CREATE TABLE user_roles (
    user_id  BIGINT  NOT NULL REFERENCES users(id),
    role     TEXT    NOT NULL CHECK (role IN ('admin', 'cadre', 'caseworker', 'auditor')),
    PRIMARY KEY (user_id, role)
);
-- "Who holds caseworker (at these units)": by role first.
CREATE INDEX user_roles_role ON user_roles(role, user_id);

-- The old list was written by Roles::to_list (no spaces); spaces are dropped
-- anyway so a hand-edited 'admin, cadre' keeps both roles. Wrapping the list
-- in commas makes a role match whole.
INSERT INTO user_roles (user_id, role)
    SELECT id, 'admin' FROM users
    WHERE (',' || REPLACE(roles, ' ', '') || ',') LIKE '%,admin,%';
INSERT INTO user_roles (user_id, role)
    SELECT id, 'cadre' FROM users
    WHERE (',' || REPLACE(roles, ' ', '') || ',') LIKE '%,cadre,%';
INSERT INTO user_roles (user_id, role)
    SELECT id, 'caseworker' FROM users
    WHERE (',' || REPLACE(roles, ' ', '') || ',') LIKE '%,caseworker,%';
INSERT INTO user_roles (user_id, role)
    SELECT id, 'auditor' FROM users
    WHERE (',' || REPLACE(roles, ' ', '') || ',') LIKE '%,auditor,%';

-- Nothing reads the old column any more (no index, view or trigger names it).
ALTER TABLE users DROP COLUMN roles;
