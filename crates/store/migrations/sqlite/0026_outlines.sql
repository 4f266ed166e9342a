-- Monitoring the two development outlines (两纲监测, issue 16): the
-- department reporters, the indicator catalogue per plan period, targets
-- per unit, and each unit's yearly report per department with its values.

-- The department reporter's role. SQLite cannot change a CHECK in place:
-- the table is rebuilt with the same rows (as in 0024).
CREATE TABLE user_roles_new (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    role     TEXT    NOT NULL
             CHECK (role IN ('admin', 'cadre', 'caseworker', 'auditor', 'translator',
                             'department')),
    PRIMARY KEY (user_id, role)
);
INSERT INTO user_roles_new (user_id, role) SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_new RENAME TO user_roles;
CREATE INDEX user_roles_role ON user_roles(role, user_id);

-- A department reporter's department (a key of the outline-departments
-- dictionary); the reporter's unit is her account's unit.
CREATE TABLE outline_reporters (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id),
    department  TEXT    NOT NULL
);

-- The catalogue: one row per indicator per plan period, so a revision for
-- the next period never rewrites the reports of this one.
CREATE TABLE outline_indicators (
    id                 INTEGER PRIMARY KEY,
    period_start       INTEGER NOT NULL,
    period_end         INTEGER NOT NULL,
    code               TEXT    NOT NULL,
    outline            TEXT    NOT NULL CHECK (outline IN ('women', 'children')),
    domain_no          INTEGER NOT NULL CHECK (domain_no BETWEEN 1 AND 8),
    goal               TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    unit               TEXT    NOT NULL,
    numerator          TEXT,
    denominator        TEXT,
    direction          TEXT    NOT NULL CHECK (direction IN ('at_least', 'at_most')),
    department         TEXT    NOT NULL,
    levels             TEXT    NOT NULL,
    sex_disaggregated  INTEGER NOT NULL CHECK (sex_disaggregated IN (0, 1)),
    source             TEXT,
    jump_percent       INTEGER NOT NULL CHECK (jump_percent > 0),
    demo               INTEGER NOT NULL CHECK (demo IN (0, 1)),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (period_start, code)
);
CREATE INDEX outline_indicators_department ON outline_indicators(period_start, department, id);

-- A target set at a unit for the mid-term or final year; the units below
-- inherit it and may only set stricter ones. `official`: taken from a
-- published outline (goals.csv), not set locally.
CREATE TABLE outline_targets (
    indicator_id  INTEGER NOT NULL REFERENCES outline_indicators(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    year          INTEGER NOT NULL,
    value         REAL    NOT NULL,
    official      INTEGER NOT NULL CHECK (official IN (0, 1)),
    set_by        INTEGER REFERENCES users(id),
    set_at        INTEGER NOT NULL,
    PRIMARY KEY (indicator_id, unit_id, year)
);

-- One unit's yearly report for one department, with the ancestors of the
-- unit at write time.
CREATE TABLE outline_reports (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    l1             INTEGER NOT NULL,
    l2             INTEGER,
    l3             INTEGER,
    l4             INTEGER,
    l5             INTEGER,
    year           INTEGER NOT NULL,
    period_start   INTEGER NOT NULL,
    department     TEXT    NOT NULL,
    status         TEXT    NOT NULL
                   CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
    return_reason  TEXT,
    submitted_by   INTEGER REFERENCES users(id),
    submitted_at   INTEGER,
    reviewed_by    INTEGER REFERENCES users(id),
    reviewed_at    INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (unit_id, year, department)
);
CREATE INDEX outline_reports_l1 ON outline_reports(l1, year, status);
CREATE INDEX outline_reports_l2 ON outline_reports(l2, year, status);
CREATE INDEX outline_reports_l3 ON outline_reports(l3, year, status);

-- The figures of a report: numerator and denominator of a ratio, or the
-- value, in total and by sex. `approved` mirrors the report's status so
-- the aggregation reads approved figures without a join.
CREATE TABLE outline_values (
    report_id     INTEGER NOT NULL REFERENCES outline_reports(id),
    indicator_id  INTEGER NOT NULL REFERENCES outline_indicators(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    year          INTEGER NOT NULL,
    approved      INTEGER NOT NULL CHECK (approved IN (0, 1)),
    num           INTEGER,
    den           INTEGER,
    value         REAL,
    f_num         INTEGER,
    f_den         INTEGER,
    f_value       REAL,
    m_num         INTEGER,
    m_den         INTEGER,
    m_value       REAL,
    source        TEXT,
    note          TEXT,
    explanation   TEXT,
    PRIMARY KEY (report_id, indicator_id),
    CHECK (den IS NULL OR den > 0),
    CHECK (num IS NULL OR num >= 0)
);
CREATE INDEX outline_values_indicator ON outline_values(indicator_id, year, unit_id);
CREATE INDEX outline_values_year ON outline_values(year, approved, unit_id);

-- The departments that report (edited by the region on the dictionaries
-- page). The Mongolian labels are drafts for a native reviewer.
INSERT INTO dict_entries (kind, key, label_zh, label_mn, label_en, active, sort) VALUES
    ('outline_department', 'health', '卫生健康委员会', 'ᠡᠷᠡᠭᠦᠯ ᠮᠡᠨᠳᠦ ᠶᠢᠨ ᠬᠣᠷᠢᠶ᠎ᠠ', 'Health Commission', 1, 1),
    ('outline_department', 'education', '教育局', 'ᠪᠣᠯᠪᠠᠰᠤᠷᠠᠯ ᠤᠨ ᠲᠣᠪᠴᠢᠶ᠎ᠠ', 'Education Bureau', 1, 2),
    ('outline_department', 'civil_affairs', '民政局', 'ᠢᠷᠭᠡᠨ ᠬᠡᠷᠡᠭ ᠦᠨ ᠲᠣᠪᠴᠢᠶ᠎ᠠ', 'Civil Affairs Bureau', 1, 3),
    ('outline_department', 'statistics', '统计局', 'ᠪᠦᠷᠢᠳᠬᠡᠯ ᠦᠨ ᠲᠣᠪᠴᠢᠶ᠎ᠠ', 'Statistics Bureau', 1, 4),
    ('outline_department', 'human_resources', '人力资源和社会保障局', 'ᠬᠦᠮᠦᠨ ᠬᠦᠴᠦᠨ ᠨᠦᠭᠡᠴᠡ ᠪᠠ ᠨᠡᠶᠢᠭᠡᠮ ᠦᠨ ᠪᠠᠲᠤᠯᠠᠭ᠎ᠠ ᠶᠢᠨ ᠲᠣᠪᠴᠢᠶ᠎ᠠ', 'Human Resources and Social Security Bureau', 1, 5),
    ('outline_department', 'public_security', '公安局', 'ᠣᠯᠠᠨ ᠠᠮᠤᠷ ᠲᠦᠪᠰᠢᠨ ᠦ ᠲᠣᠪᠴᠢᠶ᠎ᠠ', 'Public Security Bureau', 1, 6),
    ('outline_department', 'court', '人民法院', 'ᠠᠷᠠᠳ ᠤᠨ ᠱᠡᠭᠦᠬᠦ ᠶᠢᠨ ᠰᠠᠶᠢᠳ', 'People''s Court', 1, 7),
    ('outline_department', 'procuratorate', '人民检察院', 'ᠠᠷᠠᠳ ᠤᠨ ᠬᠢᠨᠠᠨ ᠰᠢᠯᠭᠠᠬᠤ ᠶᠠᠮᠤᠨ', 'People''s Procuratorate', 1, 8),
    ('outline_department', 'justice', '司法局', 'ᠱᠢᠭᠦᠨ ᠲᠠᠰᠤᠯᠬᠤ ᠲᠣᠪᠴᠢᠶ᠎ᠠ', 'Justice Bureau', 1, 9),
    ('outline_department', 'medical_security', '医疗保障局', 'ᠡᠮᠨᠡᠯᠭᠡ ᠶᠢᠨ ᠪᠠᠲᠤᠯᠠᠭ᠎ᠠ ᠶᠢᠨ ᠲᠣᠪᠴᠢᠶ᠎ᠠ', 'Medical Security Bureau', 1, 10),
    ('outline_department', 'ecology', '生态环境局', 'ᠡᠺᠣᠯᠣᠭᠢ ᠣᠷᠴᠢᠨ ᠲᠣᠭᠣᠷᠢᠨ ᠤ ᠲᠣᠪᠴᠢᠶ᠎ᠠ', 'Ecology and Environment Bureau', 1, 11),
    ('outline_department', 'women_federation', '妇女联合会', 'ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ ᠦᠨ ᠬᠣᠯᠪᠤᠭ᠎ᠠ', 'Women''s Federation', 1, 12);
