-- Monitoring the two development outlines (两纲监测, issue 16): the
-- department reporters, the indicator catalogue per plan period, targets
-- per unit, and each unit's yearly report per department with its values.

-- The department reporter's role.
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check
    CHECK (role IN ('admin', 'cadre', 'caseworker', 'auditor', 'translator', 'department'));

-- A department reporter's department (a key of the outline-departments
-- dictionary); the reporter's unit is her account's unit.
CREATE TABLE outline_reporters (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id),
    department  TEXT    NOT NULL
);

-- The catalogue: one row per indicator per plan period, so a revision for
-- the next period never rewrites the reports of this one.
CREATE TABLE outline_indicators (
    id                 BIGSERIAL PRIMARY KEY,
    period_start       BIGINT NOT NULL,
    period_end         BIGINT NOT NULL,
    code               TEXT    NOT NULL,
    outline            TEXT    NOT NULL CHECK (outline IN ('women', 'children')),
    domain_no          BIGINT NOT NULL CHECK (domain_no BETWEEN 1 AND 8),
    goal               TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    unit               TEXT    NOT NULL,
    numerator          TEXT,
    denominator        TEXT,
    direction          TEXT    NOT NULL CHECK (direction IN ('at_least', 'at_most')),
    department         TEXT    NOT NULL,
    levels             TEXT    NOT NULL,
    sex_disaggregated  BIGINT NOT NULL CHECK (sex_disaggregated IN (0, 1)),
    source             TEXT,
    jump_percent       BIGINT NOT NULL CHECK (jump_percent > 0),
    demo               BIGINT NOT NULL CHECK (demo IN (0, 1)),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    UNIQUE (period_start, code)
);
CREATE INDEX outline_indicators_department ON outline_indicators(period_start, department, id);

-- A target set at a unit for the mid-term or final year; the units below
-- inherit it and may only set stricter ones. `official`: taken from a
-- published outline (goals.csv), not set locally.
CREATE TABLE outline_targets (
    indicator_id  BIGINT NOT NULL REFERENCES outline_indicators(id),
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    year          BIGINT NOT NULL,
    value         DOUBLE PRECISION    NOT NULL,
    official      BIGINT NOT NULL CHECK (official IN (0, 1)),
    set_by        BIGINT REFERENCES users(id),
    set_at        BIGINT NOT NULL,
    PRIMARY KEY (indicator_id, unit_id, year)
);

-- One unit's yearly report for one department, with the ancestors of the
-- unit at write time.
CREATE TABLE outline_reports (
    id             BIGSERIAL PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    l1             BIGINT NOT NULL,
    l2             BIGINT,
    l3             BIGINT,
    l4             BIGINT,
    l5             BIGINT,
    year           BIGINT NOT NULL,
    period_start   BIGINT NOT NULL,
    department     TEXT    NOT NULL,
    status         TEXT    NOT NULL
                   CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
    return_reason  TEXT,
    submitted_by   BIGINT REFERENCES users(id),
    submitted_at   BIGINT,
    reviewed_by    BIGINT REFERENCES users(id),
    reviewed_at    BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (unit_id, year, department)
);
CREATE INDEX outline_reports_l1 ON outline_reports(l1, year, status);
CREATE INDEX outline_reports_l2 ON outline_reports(l2, year, status);
CREATE INDEX outline_reports_l3 ON outline_reports(l3, year, status);

-- The figures of a report: numerator and denominator of a ratio, or the
-- value, in total and by sex. `approved` mirrors the report's status so
-- the aggregation reads approved figures without a join.
CREATE TABLE outline_values (
    report_id     BIGINT NOT NULL REFERENCES outline_reports(id),
    indicator_id  BIGINT NOT NULL REFERENCES outline_indicators(id),
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    year          BIGINT NOT NULL,
    approved      BIGINT NOT NULL CHECK (approved IN (0, 1)),
    num           BIGINT,
    den           BIGINT,
    value         DOUBLE PRECISION,
    f_num         BIGINT,
    f_den         BIGINT,
    f_value       DOUBLE PRECISION,
    m_num         BIGINT,
    m_den         BIGINT,
    m_value       DOUBLE PRECISION,
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
