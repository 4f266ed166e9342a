-- Five-level linkage: a task goes down to target units, a report per target
-- comes back up. Reports carry their unit's ancestors (l1..l5) so progress
-- for any unit is one indexed GROUP BY.
CREATE TABLE tasks (
    id              INTEGER PRIMARY KEY,
    issuer_unit_id  INTEGER NOT NULL REFERENCES units(id),
    l1              INTEGER NOT NULL,
    l2              INTEGER,
    l3              INTEGER,
    l4              INTEGER,
    l5              INTEGER,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    deadline        TEXT    NOT NULL,
    fields_json     TEXT    NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL
);
CREATE INDEX tasks_issuer ON tasks(issuer_unit_id, id);
CREATE INDEX tasks_deadline ON tasks(deadline);

-- A unit that passed a task down to its own descendants, with the fields it
-- added for them.
CREATE TABLE task_forwards (
    id           INTEGER PRIMARY KEY,
    task_id      INTEGER NOT NULL REFERENCES tasks(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    fields_json  TEXT    NOT NULL,
    created_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX task_forwards_task ON task_forwards(task_id);

CREATE TABLE task_reports (
    id             INTEGER PRIMARY KEY,
    task_id        INTEGER NOT NULL REFERENCES tasks(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    level          INTEGER NOT NULL,
    l1             INTEGER NOT NULL,
    l2             INTEGER,
    l3             INTEGER,
    l4             INTEGER,
    l5             INTEGER,
    -- The unit that passed the task down to this one; NULL: the issuer.
    via_unit_id    INTEGER REFERENCES units(id),
    status         TEXT    NOT NULL DEFAULT 'not_started'
                   CHECK (status IN ('not_started', 'in_progress', 'submitted', 'returned', 'approved')),
    values_json    TEXT    NOT NULL DEFAULT '{}',
    reasons_json   TEXT    NOT NULL DEFAULT '{}',
    note           TEXT,
    return_reason  TEXT,
    forwarded      INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER,
    updated_by     INTEGER REFERENCES users(id),
    -- Day of the first submission, for the on-time rate.
    first_submitted_on TEXT,
    submitted_at   INTEGER,
    reviewed_at    INTEGER,
    reviewed_by    INTEGER REFERENCES users(id),
    UNIQUE (task_id, unit_id)
);
CREATE INDEX task_reports_unit ON task_reports(unit_id, task_id);
-- Progress groups a subtree's reports by child and status. For the two
-- widest subtrees (region, league) these indexes answer it on their own,
-- without reading a report row; narrower subtrees are small enough.
CREATE INDEX task_reports_p1 ON task_reports(task_id, l1, l2, status, first_submitted_on, unit_id);
CREATE INDEX task_reports_p2 ON task_reports(task_id, l2, l3, status, first_submitted_on, unit_id);
CREATE INDEX task_reports_l3 ON task_reports(task_id, l3);
CREATE INDEX task_reports_l4 ON task_reports(task_id, l4);
CREATE INDEX task_reports_l5 ON task_reports(task_id, l5);
CREATE INDEX task_reports_via ON task_reports(task_id, via_unit_id);

-- Numeric answers again, one row each, so totals are SQL aggregates. The
-- report's task and ancestors are copied in, with whether it is handed in
-- (submitted or approved), so a subtree's totals read one index and join
-- nothing.
CREATE TABLE task_numbers (
    report_id  INTEGER  NOT NULL REFERENCES task_reports(id),
    key        TEXT    NOT NULL,
    value      REAL    NOT NULL,
    task_id    INTEGER  NOT NULL,
    l1         INTEGER  NOT NULL,
    l2         INTEGER,
    l3         INTEGER,
    l4         INTEGER,
    l5         INTEGER,
    counted    INTEGER  NOT NULL DEFAULT 0,
    PRIMARY KEY (report_id, key)
);
CREATE INDEX task_numbers_l1 ON task_numbers(task_id, l1, counted, key, value);
CREATE INDEX task_numbers_l2 ON task_numbers(task_id, l2, counted, key, value);
CREATE INDEX task_numbers_l3 ON task_numbers(task_id, l3, counted, key, value);
CREATE INDEX task_numbers_l4 ON task_numbers(task_id, l4, counted, key, value);
CREATE INDEX task_numbers_l5 ON task_numbers(task_id, l5, counted, key, value);

-- In-app notices, addressed to a unit: everyone working for it sees them.
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    task_id     INTEGER NOT NULL REFERENCES tasks(id),
    kind        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX notices_unit ON notices(unit_id, id);
CREATE INDEX notices_task ON notices(task_id, kind, unit_id);

-- How far each user has read her unit's notices.
CREATE TABLE notice_marks (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id),
    seen_up_to   INTEGER NOT NULL
);
