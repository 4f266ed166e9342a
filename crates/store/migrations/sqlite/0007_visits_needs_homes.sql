-- Home visits, households, needs and their ledger, Women's Homes and the
-- public help page (issue 5).
--
-- Columns ending in `_enc` hold values sealed by the vault (SM4-GCM, see
-- crates/store/src/vault.rs), bound to their row and column; `_mask` holds
-- the masked form shown in lists. Every fact row carries its unit's
-- ancestors (l1..l5) at write time.

-- Dictionaries gain the kinds this module reads. SQLite cannot alter a
-- CHECK constraint, so the table is rebuilt with the same rows and ids.
CREATE TABLE dict_entries_new (
    id        INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL CHECK (kind IN ('activity_type', 'program',
                  'need_category', 'visit_tag', 'home_facility')),
    key       TEXT    NOT NULL,
    label_zh  TEXT    NOT NULL,
    label_mn  TEXT,
    label_en  TEXT,
    active    INTEGER NOT NULL DEFAULT 1,
    sort      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, key)
);
INSERT INTO dict_entries_new (id, kind, key, label_zh, label_mn, label_en, active, sort)
    SELECT id, kind, key, label_zh, label_mn, label_en, active, sort FROM dict_entries;
DROP TABLE dict_entries;
ALTER TABLE dict_entries_new RENAME TO dict_entries;

CREATE TABLE households (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    l1               INTEGER NOT NULL,
    l2               INTEGER,
    l3               INTEGER,
    l4               INTEGER,
    l5               INTEGER,
    address_enc      TEXT,
    consent_given_by TEXT    NOT NULL,
    consent_method   TEXT    NOT NULL CHECK (consent_method IN ('oral', 'written', 'electronic')),
    consent_at       INTEGER NOT NULL,
    consent_by       INTEGER REFERENCES users(id),
    created_by       INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX households_l1 ON households(l1, id);
CREATE INDEX households_l2 ON households(l2, id);
CREATE INDEX households_l3 ON households(l3, id);
CREATE INDEX households_l4 ON households(l4, id);
CREATE INDEX households_l5 ON households(l5, id);

CREATE TABLE household_members (
    id              INTEGER PRIMARY KEY,
    household_id    INTEGER NOT NULL REFERENCES households(id),
    sort            INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    sex             TEXT    NOT NULL CHECK (sex IN ('F', 'M')),
    birth_year      INTEGER NOT NULL,
    relation        TEXT    NOT NULL,
    ethnicity       TEXT,
    id_enc          TEXT,
    id_mask         TEXT,
    phone_enc       TEXT,
    phone_mask      TEXT,
    guardian_given_by TEXT,
    guardian_method   TEXT CHECK (guardian_method IN ('oral', 'written', 'electronic'))
);
CREATE INDEX household_members_household ON household_members(household_id, sort);

CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    l1            INTEGER NOT NULL,
    l2            INTEGER,
    l3            INTEGER,
    l4            INTEGER,
    l5            INTEGER,
    date          TEXT    NOT NULL,
    month         INTEGER NOT NULL,
    visitors      TEXT    NOT NULL,
    notes_enc     TEXT,
    -- Comma-separated visit-tag keys, for display; visit_tags answers
    -- "which visits carry tag X".
    tags          TEXT    NOT NULL DEFAULT '',
    -- The 入户走访 activity that counts this visit in the activity ledger.
    activity_id   INTEGER REFERENCES activities(id),
    created_by    INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX visits_household ON visits(household_id, date);
CREATE INDEX visits_l1 ON visits(l1, date);
CREATE INDEX visits_l2 ON visits(l2, date);
CREATE INDEX visits_l3 ON visits(l3, date);
CREATE INDEX visits_l4 ON visits(l4, date);
CREATE INDEX visits_l5 ON visits(l5, date);

CREATE TABLE needs (
    id                INTEGER PRIMARY KEY,
    origin_unit_id    INTEGER NOT NULL REFERENCES units(id),
    l1                INTEGER NOT NULL,
    l2                INTEGER,
    l3                INTEGER,
    l4                INTEGER,
    l5                INTEGER,
    -- Whose queue the need is in: the origin or a unit above it.
    assignee_unit_id  INTEGER NOT NULL REFERENCES units(id),
    assignee_user_id  INTEGER REFERENCES users(id),
    household_id      INTEGER REFERENCES households(id),
    visit_id          INTEGER REFERENCES visits(id),
    source            TEXT    NOT NULL CHECK (source IN ('visit', 'help', 'direct')),
    category          TEXT    NOT NULL,
    urgency           TEXT    NOT NULL CHECK (urgency IN ('normal', 'urgent', 'critical')),
    description_enc   TEXT,
    status            TEXT    NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    due_date          TEXT,
    raised_on         TEXT    NOT NULL,
    raised_month      INTEGER NOT NULL,
    escalations       INTEGER NOT NULL DEFAULT 0,
    resolved_on       TEXT,
    resolution        TEXT,
    satisfaction      INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    close_reason      TEXT,
    created_by        INTEGER REFERENCES users(id),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX needs_queue ON needs(assignee_unit_id, status, id);
CREATE INDEX needs_l1 ON needs(l1, status, id);
CREATE INDEX needs_l2 ON needs(l2, status, id);
CREATE INDEX needs_l3 ON needs(l3, status, id);
CREATE INDEX needs_l4 ON needs(l4, status, id);
CREATE INDEX needs_l5 ON needs(l5, status, id);
CREATE INDEX needs_household ON needs(household_id);

-- What happened to a need, oldest first: raised, started, escalated,
-- assigned, resolved, closed.
CREATE TABLE need_events (
    id         INTEGER PRIMARY KEY,
    need_id    INTEGER NOT NULL REFERENCES needs(id),
    at         INTEGER NOT NULL,
    by_user    INTEGER REFERENCES users(id),
    action     TEXT    NOT NULL,
    from_unit  INTEGER REFERENCES units(id),
    to_unit    INTEGER REFERENCES units(id),
    note       TEXT
);
CREATE INDEX need_events_need ON need_events(need_id, id);

-- The practical-deeds ledger (实事台账), kept in the same transaction as
-- the needs, for every ancestor of the origin (itself included):
--   rollup_needs      per month and dimension ('all', 'c:<category>'):
--                     raised (by month raised), resolved and closed (by month
--                     of the outcome), satisfaction sum and count;
--   rollup_need_days  resolved needs by month resolved and days taken, so a
--                     median is read from a histogram;
--   rollup_need_open  live needs by due day (yyyymmdd, 99991231 when none),
--                     so "overdue today" is one range sum.
CREATE TABLE rollup_needs (
    unit_id   INTEGER NOT NULL,
    dim       TEXT    NOT NULL,
    month     INTEGER NOT NULL,
    raised    INTEGER NOT NULL,
    resolved  INTEGER NOT NULL,
    closed    INTEGER NOT NULL,
    sat_sum   INTEGER NOT NULL,
    sat_n     INTEGER NOT NULL,
    PRIMARY KEY (unit_id, dim, month)
) WITHOUT ROWID;

CREATE TABLE rollup_need_days (
    unit_id  INTEGER NOT NULL,
    month    INTEGER NOT NULL,
    days     INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (unit_id, month, days)
) WITHOUT ROWID;

CREATE TABLE rollup_need_open (
    unit_id  INTEGER NOT NULL,
    due_day  INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (unit_id, due_day)
) WITHOUT ROWID;

-- Women's Homes (妇女之家).
CREATE TABLE homes (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    l1            INTEGER NOT NULL,
    l2            INTEGER,
    l3            INTEGER,
    l4            INTEGER,
    l5            INTEGER,
    name          TEXT    NOT NULL,
    address       TEXT    NOT NULL,
    -- Micro-degrees (WGS 84), so coordinates are plain integers.
    lat_e6        INTEGER,
    lon_e6        INTEGER,
    hours         TEXT,
    phone         TEXT,
    facilities    TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'suspended', 'closed')),
    photo_file    TEXT,
    photo_type    TEXT,
    created_by    INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX homes_l1 ON homes(l1, id);
CREATE INDEX homes_l2 ON homes(l2, id);
CREATE INDEX homes_l3 ON homes(l3, id);
CREATE INDEX homes_l4 ON homes(l4, id);
CREATE INDEX homes_l5 ON homes(l5, id);
CREATE INDEX homes_unit ON homes(unit_id, status);

-- Per unit (every ancestor of a home's unit): active homes, and villages
-- of the subtree with at least one active home (coverage).
CREATE TABLE rollup_homes (
    unit_id           INTEGER PRIMARY KEY,
    active_homes      INTEGER NOT NULL,
    covered_villages  INTEGER NOT NULL
);

-- Requests from the public help page. The place chosen (unit_id) and the
-- queue it landed in; `need_id` once it became a need.
CREATE TABLE help_requests (
    id               INTEGER PRIMARY KEY,
    tracking_code    TEXT    NOT NULL UNIQUE,
    kind             TEXT    NOT NULL CHECK (kind IN ('need', 'rights')),
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    l1               INTEGER NOT NULL,
    l2               INTEGER,
    l3               INTEGER,
    l4               INTEGER,
    l5               INTEGER,
    queue_unit_id    INTEGER NOT NULL REFERENCES units(id),
    category         TEXT    NOT NULL,
    description_enc  TEXT,
    contact_enc      TEXT,
    need_id          INTEGER REFERENCES needs(id),
    status           TEXT    NOT NULL DEFAULT 'received',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX help_requests_queue ON help_requests(queue_unit_id, kind, status, id);
CREATE INDEX help_requests_need ON help_requests(need_id);

INSERT INTO dict_entries (kind, key, label_zh, label_mn, label_en, active, sort) VALUES
    ('need_category', 'employment', '就业创业', NULL, 'Employment', 1, 1),
    ('need_category', 'skills', '技能培训', NULL, 'Skills training', 1, 2),
    ('need_category', 'health', '医疗健康', NULL, 'Health', 1, 3),
    ('need_category', 'legal', '法律咨询', NULL, 'Legal advice', 1, 4),
    ('need_category', 'education', '子女教育', NULL, 'Education', 1, 5),
    ('need_category', 'childcare', '托育照护', NULL, 'Childcare', 1, 6),
    ('need_category', 'hardship', '困难救助', NULL, 'Hardship relief', 1, 7),
    ('need_category', 'psychological', '心理疏导', NULL, 'Psychological support', 1, 8),
    ('need_category', 'other', '其他', NULL, 'Other', 1, 9),
    ('visit_tag', 'hardship', '生活困难', NULL, 'Hardship', 1, 1),
    ('visit_tag', 'left_behind_children', '留守儿童', NULL, 'Left-behind children', 1, 2),
    ('visit_tag', 'left_behind_women', '留守妇女', NULL, 'Left-behind women', 1, 3),
    ('visit_tag', 'elderly_alone', '独居老人', NULL, 'Elderly living alone', 1, 4),
    ('visit_tag', 'disability', '残疾', NULL, 'Disability', 1, 5),
    ('visit_tag', 'single_mother', '单亲母亲', NULL, 'Single mother', 1, 6),
    ('visit_tag', 'serious_illness', '大病', NULL, 'Serious illness', 1, 7),
    ('visit_tag', 'dv_risk', '家暴风险', NULL, 'Domestic-violence risk', 1, 8),
    ('visit_tag', 'other', '其他', NULL, 'Other', 1, 9),
    ('home_facility', 'activity_room', '活动室', NULL, 'Activity room', 1, 1),
    ('home_facility', 'reading_corner', '阅读角', NULL, 'Reading corner', 1, 2),
    ('home_facility', 'counselling_room', '心理咨询室', NULL, 'Counselling room', 1, 3),
    ('home_facility', 'children_corner', '儿童活动区', NULL, 'Children''s corner', 1, 4),
    ('home_facility', 'training_room', '培训教室', NULL, 'Training room', 1, 5),
    ('home_facility', 'legal_corner', '法律服务角', NULL, 'Legal service corner', 1, 6),
    ('home_facility', 'mediation_room', '调解室', NULL, 'Mediation room', 1, 7),
    ('home_facility', 'accessible', '无障碍设施', NULL, 'Step-free access', 1, 8);
