-- Reminders of outline monitoring (issue 16, item 6) through the in-app
-- notices: the office of a unit reminds the department reporters whose
-- department has not reported a year's indicators. Such a notice concerns
-- no task and is addressed to one account at the unit, so a notice's task
-- becomes optional (only for kind 'outline_reminder'), and `user_id` names
-- the account a notice is for (NULL: everyone working for the unit, as
-- before). SQLite cannot drop a NOT NULL, so the table is made again;
-- nothing refers to it.
CREATE TABLE notices_new (
    id                  INTEGER PRIMARY KEY,
    unit_id             INTEGER NOT NULL REFERENCES units(id),
    task_id             INTEGER REFERENCES tasks(id),
    kind                TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    about_unit_id       INTEGER REFERENCES units(id),
    user_id             INTEGER REFERENCES users(id),
    outline_year        INTEGER,
    outline_department  TEXT,
    CHECK (task_id IS NOT NULL OR kind = 'outline_reminder')
);
INSERT INTO notices_new (id, unit_id, task_id, kind, created_at, about_unit_id)
    SELECT id, unit_id, task_id, kind, created_at, about_unit_id FROM notices;
DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
CREATE INDEX notices_unit ON notices(unit_id, id);
CREATE INDEX notices_task ON notices(task_id, kind, unit_id);
CREATE INDEX notices_user ON notices(user_id, id) WHERE user_id IS NOT NULL;
