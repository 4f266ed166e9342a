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
