-- Dictionaries are data: region admins edit them, records keep their keys.
CREATE TABLE dict_entries (
    id        BIGSERIAL PRIMARY KEY,
    kind      TEXT    NOT NULL CHECK (kind IN ('activity_type', 'program')),
    key       TEXT    NOT NULL,
    label_zh  TEXT    NOT NULL,
    label_mn  TEXT,
    label_en  TEXT,
    active    BIGINT NOT NULL DEFAULT 1,
    sort      BIGINT NOT NULL DEFAULT 0,
    UNIQUE (kind, key)
);

-- An activity carries the ancestors of its unit at write time (l1..l5), so
-- a later change of the tree does not rewrite history.
CREATE TABLE activities (
    id            BIGSERIAL PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    l1            BIGINT NOT NULL,
    l2            BIGINT,
    l3            BIGINT,
    l4            BIGINT,
    l5            BIGINT,
    date          TEXT    NOT NULL,
    month         BIGINT NOT NULL,
    type_key      TEXT    NOT NULL,
    program_key   TEXT,
    title         TEXT    NOT NULL,
    title_mn      TEXT,
    place         TEXT,
    participants  BIGINT NOT NULL CHECK (participants >= 0),
    women         BIGINT NOT NULL CHECK (women >= 0 AND women <= participants),
    summary       TEXT,
    created_by    BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX activities_l1 ON activities(l1, month);
CREATE INDEX activities_l2 ON activities(l2, month);
CREATE INDEX activities_l3 ON activities(l3, month);
CREATE INDEX activities_l4 ON activities(l4, month);
CREATE INDEX activities_l5 ON activities(l5, month);
CREATE INDEX activities_unit ON activities(unit_id, month);

-- Roll-up counters, kept in the same transaction as the activities: for
-- every ancestor unit (itself included), month and dimension ('all',
-- 't:<type>', 'p:<program>'). Dashboards read only these.
CREATE TABLE rollup_activities (
    unit_id       BIGINT NOT NULL,
    dim           TEXT    NOT NULL,
    month         BIGINT NOT NULL,
    activities    BIGINT NOT NULL,
    participants  BIGINT NOT NULL,
    women         BIGINT NOT NULL,
    PRIMARY KEY (unit_id, dim, month)
);

INSERT INTO dict_entries (kind, key, label_zh, label_mn, label_en, active, sort) VALUES
    ('activity_type', 'send_theory', '送理论', NULL, 'Theory delivered', 1, 1),
    ('activity_type', 'send_law', '送法律', NULL, 'Law delivered', 1, 2),
    ('activity_type', 'send_tech', '送科技', NULL, 'Technology delivered', 1, 3),
    ('activity_type', 'send_culture', '送文化', NULL, 'Culture delivered', 1, 4),
    ('activity_type', 'send_care', '送关怀', NULL, 'Care delivered', 1, 5),
    ('activity_type', 'send_family_edu', '送家教', NULL, 'Family education delivered', 1, 6),
    ('activity_type', 'send_skills', '送技能', NULL, 'Skills delivered', 1, 7),
    ('activity_type', 'send_health', '送健康', NULL, 'Health delivered', 1, 8),
    ('activity_type', 'send_warmth', '送温暖', NULL, 'Warmth delivered', 1, 9),
    ('activity_type', 'send_services', '送服务', NULL, 'Services delivered', 1, 10),
    ('activity_type', 'lecture', '巾帼大宣讲', NULL, 'Women''s lecture tour', 1, 11),
    ('activity_type', 'talk_meeting', '妇女恳谈会', NULL, 'Women''s talk meeting', 1, 12),
    ('activity_type', 'ideology_class', '北疆巾帼思政大讲堂', NULL, 'Northern Frontier women''s ideology class', 1, 13),
    ('activity_type', 'family_education', '家庭教育指导', NULL, 'Family education guidance', 1, 14),
    ('activity_type', 'integrity_family', '廉洁文化进家庭', NULL, 'Integrity culture in families', 1, 15),
    ('activity_type', 'training', '培训', NULL, 'Training', 1, 16),
    ('activity_type', 'volunteer', '志愿服务', NULL, 'Volunteer service', 1, 17),
    ('activity_type', 'home_visit', '入户走访', NULL, 'Home visit', 1, 18),
    ('activity_type', 'other', '其他', NULL, 'Other', 1, 19),
    ('program', 'soul_casting', '北疆巾帼铸魂工程', NULL, 'Northern Frontier Women Soul-Casting Project', 1, 1),
    ('program', 'happy_family', '家家幸福安康工程', NULL, 'Happy and Healthy Families Project', 1, 2),
    ('program', 'grassroots', '强基扩面促活工程', NULL, 'Strengthen, Widen and Activate Project', 1, 3),
    ('program', 'act_innovation', '科技创新', NULL, 'Action: science and innovation', 1, 4),
    ('program', 'act_employment', '创业就业', NULL, 'Action: entrepreneurship and jobs', 1, 5),
    ('program', 'act_rural', '乡村振兴', NULL, 'Action: rural revitalisation', 1, 6),
    ('program', 'act_rights', '维权关爱', NULL, 'Action: rights and care', 1, 7),
    ('program', 'act_health', '生命健康', NULL, 'Action: life and health', 1, 8);
