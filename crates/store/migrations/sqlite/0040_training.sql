-- The 领头雁 training plan (issue 15 items 3 and 4): programmes planned by
-- the region, a league or a banner for a year; their classes with places
-- allocated to units below; enrolments of committee members; attendance
-- and completion; training coverage counters kept on write.

CREATE TABLE training_programmes (
    id          INTEGER PRIMARY KEY,
    -- The planning unit and its ancestors (l1..l3; a planner is at most a banner).
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    l1          INTEGER NOT NULL,
    l2          INTEGER,
    l3          INTEGER,
    year        INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    audience    TEXT    NOT NULL,
    target      INTEGER NOT NULL,
    -- Attended class hours that complete the programme.
    hours       INTEGER NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX training_programmes_l1 ON training_programmes(l1, year);
CREATE INDEX training_programmes_l2 ON training_programmes(l2, year);
CREATE INDEX training_programmes_l3 ON training_programmes(l3, year);
CREATE INDEX training_programmes_unit ON training_programmes(unit_id, year);

CREATE TABLE training_classes (
    id            INTEGER PRIMARY KEY,
    programme_id  INTEGER NOT NULL REFERENCES training_programmes(id),
    title         TEXT    NOT NULL,
    starts_on     TEXT    NOT NULL,
    ends_on       TEXT    NOT NULL,
    mode          TEXT    NOT NULL CHECK (mode IN ('venue', 'online')),
    place         TEXT,
    hours         INTEGER NOT NULL,
    capacity      INTEGER NOT NULL,
    teachers      TEXT,
    -- Kept with every enrolment and attendance (the row is also the lock
    -- that orders them per class).
    enrolled      INTEGER NOT NULL DEFAULT 0,
    attended      INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK (enrolled <= capacity)
);
CREATE INDEX training_classes_programme ON training_classes(programme_id, starts_on);

-- Places of a class allocated to a unit below the planner; an enrolment
-- uses the places of the deepest allocated unit on the member's path.
CREATE TABLE training_class_places (
    class_id  INTEGER NOT NULL REFERENCES training_classes(id),
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    places    INTEGER NOT NULL,
    used      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (class_id, unit_id),
    CHECK (used <= places)
);

-- A committee member enrolled in a class, with the unit of her
-- organisation (and its ancestors) and, optionally, the account she scans
-- the attendance code with.
CREATE TABLE training_enrolments (
    id               INTEGER PRIMARY KEY,
    class_id         INTEGER NOT NULL REFERENCES training_classes(id),
    programme_id     INTEGER NOT NULL REFERENCES training_programmes(id),
    member_id        INTEGER NOT NULL REFERENCES committee_members(id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    l1               INTEGER NOT NULL,
    l2               INTEGER,
    l3               INTEGER,
    l4               INTEGER,
    l5               INTEGER,
    place_unit_id    INTEGER REFERENCES units(id),
    account_id       INTEGER REFERENCES users(id),
    enrolled_by      INTEGER REFERENCES users(id),
    enrolled_at      INTEGER NOT NULL,
    attended_at      INTEGER,
    attended_via     TEXT CHECK (attended_via IN ('scan', 'roll', 'upload')),
    attended_by      INTEGER REFERENCES users(id),
    UNIQUE (class_id, member_id),
    UNIQUE (class_id, account_id)
);
CREATE INDEX training_enrolments_l1 ON training_enrolments(l1, id);
CREATE INDEX training_enrolments_l2 ON training_enrolments(l2, id);
CREATE INDEX training_enrolments_l3 ON training_enrolments(l3, id);
CREATE INDEX training_enrolments_l4 ON training_enrolments(l4, id);
CREATE INDEX training_enrolments_l5 ON training_enrolments(l5, id);
CREATE INDEX training_enrolments_member ON training_enrolments(member_id);

-- Attended hours of a member in a programme; completed when they reach
-- the programme's hours.
CREATE TABLE training_progress (
    programme_id  INTEGER NOT NULL REFERENCES training_programmes(id),
    member_id     INTEGER NOT NULL REFERENCES committee_members(id),
    hours         INTEGER NOT NULL,
    completed_at  INTEGER,
    PRIMARY KEY (programme_id, member_id)
);

-- A member who attended any class: her first completion (a committee
-- row lives one term, so "trained this term" is a completion of the
-- current committee's row) and whether the coverage counts her as a
-- trained current village chair.
CREATE TABLE training_trainees (
    member_id     INTEGER PRIMARY KEY REFERENCES committee_members(id),
    l1            INTEGER NOT NULL,
    l2            INTEGER,
    l3            INTEGER,
    l4            INTEGER,
    l5            INTEGER,
    completed_at  INTEGER,
    term_counted  INTEGER NOT NULL DEFAULT 0 CHECK (term_counted IN (0, 1))
);

-- A member's training in a programme year: counted once as a trainee,
-- and once as a village chair who completed a programme of that year.
CREATE TABLE training_trainee_years (
    member_id         INTEGER NOT NULL REFERENCES committee_members(id),
    year              INTEGER NOT NULL,
    chair_completed   INTEGER NOT NULL DEFAULT 0 CHECK (chair_completed IN (0, 1)),
    PRIMARY KEY (member_id, year)
);

-- Attendances in a class from each unit's subtree (every ancestor of the
-- trainee's unit): a class is "held" for a unit at its first one.
CREATE TABLE training_class_units (
    class_id  INTEGER NOT NULL,
    unit_id   INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (class_id, unit_id)
) WITHOUT ROWID;

-- Per unit (every ancestor of a trainee's organisation's unit): counts by
-- dimension and key (`attended`/`2026`, `chairs_term`/`current` …).
CREATE TABLE rollup_training (
    unit_id  INTEGER NOT NULL,
    dim      TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (unit_id, dim, key)
) WITHOUT ROWID;
