-- Demonstration sites (三级示范, issue 15 item 5): the region, a league or a
-- banner designates a grassroots federation or a Women's Home of its
-- subtree as a demonstration of its level for a period, with a score sheet
-- (items and weights totalling 100) evaluated once a year, and may revoke
-- it with a reason. Rows carry the site unit's ancestors (l1..l5); the
-- designating unit is the ancestor at `level`.

CREATE TABLE demonstrations (
    id               INTEGER PRIMARY KEY,
    designator_id    INTEGER NOT NULL REFERENCES units(id),
    level            INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    site_kind        TEXT    NOT NULL CHECK (site_kind IN ('organisation', 'home')),
    organisation_id  INTEGER REFERENCES organisations(id),
    home_id          INTEGER REFERENCES homes(id),
    site_unit_id     INTEGER NOT NULL REFERENCES units(id),
    l1               INTEGER NOT NULL,
    l2               INTEGER,
    l3               INTEGER,
    l4               INTEGER,
    l5               INTEGER,
    period_from      TEXT    NOT NULL,
    period_to        TEXT    NOT NULL,
    reason           TEXT    NOT NULL,
    standing         TEXT    NOT NULL DEFAULT 'active' CHECK (standing IN ('active', 'revoked')),
    revoke_reason    TEXT,
    revoked_by       INTEGER REFERENCES users(id),
    revoked_at       INTEGER,
    created_by       INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    CHECK ((site_kind = 'organisation' AND organisation_id IS NOT NULL AND home_id IS NULL)
        OR (site_kind = 'home' AND home_id IS NOT NULL AND organisation_id IS NULL)),
    CHECK (period_to > period_from)
);
CREATE INDEX demonstrations_l1 ON demonstrations(l1, id);
CREATE INDEX demonstrations_l2 ON demonstrations(l2, id);
CREATE INDEX demonstrations_l3 ON demonstrations(l3, id);
CREATE INDEX demonstrations_l4 ON demonstrations(l4, id);
CREATE INDEX demonstrations_l5 ON demonstrations(l5, id);
CREATE INDEX demonstrations_org ON demonstrations(organisation_id, level);
CREATE INDEX demonstrations_home ON demonstrations(home_id, level);

-- The score sheet the designating unit defined with the designation.
CREATE TABLE demonstration_items (
    demonstration_id INTEGER NOT NULL REFERENCES demonstrations(id),
    position         INTEGER NOT NULL,
    label            TEXT    NOT NULL,
    weight           INTEGER NOT NULL CHECK (weight > 0),
    PRIMARY KEY (demonstration_id, position)
);

-- One evaluation per designation and year; a score per item (0..weight).
CREATE TABLE demonstration_evaluations (
    id               INTEGER PRIMARY KEY,
    demonstration_id INTEGER NOT NULL REFERENCES demonstrations(id),
    year             INTEGER NOT NULL,
    total            INTEGER NOT NULL CHECK (total BETWEEN 0 AND 100),
    note             TEXT,
    evaluated_by     INTEGER REFERENCES users(id),
    evaluated_on     TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (demonstration_id, year)
);

CREATE TABLE demonstration_scores (
    evaluation_id    INTEGER NOT NULL REFERENCES demonstration_evaluations(id),
    position         INTEGER NOT NULL,
    score            INTEGER NOT NULL CHECK (score >= 0),
    PRIMARY KEY (evaluation_id, position)
);

-- Per unit (every ancestor of a site's unit), demonstration level and site
-- kind: designations not revoked, changed in the transaction of each
-- designation and revocation.
CREATE TABLE rollup_demonstrations (
    unit_id     INTEGER NOT NULL,
    level       INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    designated  INTEGER NOT NULL CHECK (designated >= 0),
    PRIMARY KEY (unit_id, level, kind)
);
