-- Grassroots women's federations (issue 15 item 1): at most one per unit,
-- their executive committees, terms and elections; coverage counters kept
-- on write (item 2); notices of overdue terms to the unit above.

CREATE TABLE organisations (
    id                 INTEGER PRIMARY KEY,
    unit_id            INTEGER NOT NULL UNIQUE REFERENCES units(id),
    l1                 INTEGER NOT NULL,
    l2                 INTEGER,
    l3                 INTEGER,
    l4                 INTEGER,
    l5                 INTEGER,
    name               TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    field              TEXT,
    established_on     TEXT    NOT NULL,
    -- The current term; its committee is that of election_id.
    term_start         TEXT    NOT NULL,
    term_years         INTEGER NOT NULL,
    next_election_due  TEXT    NOT NULL,
    -- Counted from the current committee.
    members            INTEGER NOT NULL,
    complete           INTEGER NOT NULL CHECK (complete IN (0, 1)),
    election_id        INTEGER,
    created_by         INTEGER REFERENCES users(id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
-- Overdue terms per child are counted from these alone (the child's
-- column included), without reading the rows.
CREATE INDEX organisations_l1 ON organisations(l1, next_election_due, l2);
CREATE INDEX organisations_l2 ON organisations(l2, next_election_due, l3);
CREATE INDEX organisations_l3 ON organisations(l3, next_election_due, l4);
CREATE INDEX organisations_l4 ON organisations(l4, next_election_due, l5);
CREATE INDEX organisations_l5 ON organisations(l5, next_election_due);

-- Active geographic villages per child of a unit (the share of villages
-- with a federation, and Women's Home coverage), from the index alone:
-- the region's count no longer reads the whole units table.
CREATE INDEX units_villages_l1 ON units(l1, level, kind, active, l2);
CREATE INDEX units_villages_l2 ON units(l2, level, kind, active, l3);
CREATE INDEX units_villages_l3 ON units(l3, level, kind, active, l4);
CREATE INDEX units_villages_l4 ON units(l4, level, kind, active, l5);

-- Every committee an organisation had: the first (recorded with it,
-- `first_committee` = 1) and one per election (换届).
CREATE TABLE organisation_elections (
    id                 INTEGER PRIMARY KEY,
    organisation_id    INTEGER NOT NULL REFERENCES organisations(id),
    held_on            TEXT    NOT NULL,
    term_years         INTEGER NOT NULL,
    next_election_due  TEXT    NOT NULL,
    note               TEXT,
    first_committee    INTEGER NOT NULL CHECK (first_committee IN (0, 1)),
    recorded_by        INTEGER REFERENCES users(id),
    recorded_at        INTEGER NOT NULL
);
CREATE INDEX organisation_elections_org ON organisation_elections(organisation_id, id);

-- Members of a committee; name and phone sealed (name_enc, phone_enc).
CREATE TABLE committee_members (
    id                    INTEGER PRIMARY KEY,
    election_id           INTEGER NOT NULL REFERENCES organisation_elections(id),
    position              INTEGER NOT NULL,
    role                  TEXT    NOT NULL CHECK (role IN ('chair', 'vice_chair', 'member')),
    name_enc              TEXT,
    phone_enc             TEXT,
    sex                   TEXT    NOT NULL CHECK (sex IN ('F', 'M')),
    ethnicity             TEXT    NOT NULL,
    birth_year            INTEGER NOT NULL,
    education             TEXT    NOT NULL,
    political             TEXT    NOT NULL,
    full_time             INTEGER NOT NULL CHECK (full_time IN (0, 1)),
    on_village_committee  INTEGER NOT NULL CHECK (on_village_committee IN (0, 1))
);
CREATE INDEX committee_members_election ON committee_members(election_id, position);

-- Per unit (every ancestor of an organisation's unit): counts by
-- dimension and key (`org`/`all`, `eth`/`mongol`, `born`/`1980` …).
CREATE TABLE rollup_organisations (
    unit_id  INTEGER NOT NULL,
    dim      TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (unit_id, dim, key)
) WITHOUT ROWID;

-- A term past its due date, told to the unit above the organisation's
-- unit once per due date.
CREATE TABLE organisation_notices (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    due              TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (organisation_id, due)
);
CREATE INDEX organisation_notices_unit ON organisation_notices(unit_id, id);
