-- Family-work figures (issue 20 item 8): per unit (every ancestor of the
-- nominating unit, as written with the nomination), campaign year and
-- dimension, kept in the same transaction as every honours write:
--   'nom:<status>:<level>'  nominations by status and the level they sit at
--   'hon:<category>'        honoured (published) nominations by category
--   'obj:raised'            objections lodged
--   'obj:upheld'            objections upheld
-- Sites and coverage are in rollup_family_sites; guidance sessions are
-- activities, counted in rollup_activities.
CREATE TABLE rollup_family (
    unit_id  BIGINT NOT NULL,
    year     BIGINT NOT NULL,
    dim      TEXT    NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (unit_id, year, dim)
);

-- Clean-family work (issue 20 item 7): whom an activity reached, from the
-- `activity_audience` dictionary, and counters beside the activity
-- counters, kept in the same transaction as the audiences and every later
-- change or deletion of the activity: per ancestor unit, month and
-- dimension 'a:<audience>' (every activity reaching it) or
-- 'ta:<type>:<audience>' (activities of one type reaching it).
CREATE TABLE activity_audiences (
    activity_id   BIGINT NOT NULL REFERENCES activities(id),
    audience_key  TEXT    NOT NULL,
    PRIMARY KEY (activity_id, audience_key)
);
CREATE TABLE rollup_audiences (
    unit_id       BIGINT NOT NULL,
    dim           TEXT    NOT NULL,
    month         BIGINT NOT NULL,
    activities    BIGINT NOT NULL,
    participants  BIGINT NOT NULL,
    women         BIGINT NOT NULL,
    PRIMARY KEY (unit_id, dim, month)
);

INSERT INTO dict_entries (kind, key, label_zh, label_mn, label_en, active, sort) VALUES
    ('activity_audience', 'women', '妇女', 'ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ', 'Women', 1, 1),
    ('activity_audience', 'families', '家庭', 'ᠭᠡᠷ ᠪᠦᠯ', 'Families', 1, 2),
    ('activity_audience', 'women_cadres', '女干部', 'ᠡᠮᠡᠭᠲᠡᠶ ᠠᠯᠪᠠᠨ ᠬᠠᠭᠠᠳ', 'Women cadres', 1, 3),
    ('activity_audience', 'cadre_spouses', '干部配偶', 'ᠠᠯᠪᠠᠨ ᠬᠠᠭᠠᠳ ᠤᠨ ᠬᠠᠨᠢ', 'Cadres'' spouses', 1, 4),
    ('activity_audience', 'cadre_families', '干部家庭', 'ᠠᠯᠪᠠᠨ ᠬᠠᠭᠠᠳ ᠤᠨ ᠭᠡᠷ ᠪᠦᠯ', 'Cadres'' families', 1, 5),
    ('activity_audience', 'children', '儿童', 'ᠬᠡᠦᠬᠡᠳ', 'Children', 1, 6),
    ('activity_audience', 'parents', '家长', 'ᠡᠴᠢᠭᠡ ᠡᠬᠡ', 'Parents', 1, 7);
