-- Write speed of the activity ledger (BENCHMARKS.md, "Activity roll-ups").
--
-- The counters become a WITHOUT ROWID table: the row lives in its primary
-- key's B-tree, so an upsert touches one B-tree instead of a rowid table
-- plus a separate key index, and the file holds one copy of each key.
CREATE TABLE rollup_activities_new (
    unit_id       INTEGER NOT NULL,
    dim           TEXT    NOT NULL,
    month         INTEGER NOT NULL,
    activities    INTEGER NOT NULL,
    participants  INTEGER NOT NULL,
    women         INTEGER NOT NULL,
    PRIMARY KEY (unit_id, dim, month)
) WITHOUT ROWID;
INSERT INTO rollup_activities_new (unit_id, dim, month, activities, participants, women)
    SELECT unit_id, dim, month, activities, participants, women FROM rollup_activities
    ORDER BY unit_id, dim, month;
DROP TABLE rollup_activities;
ALTER TABLE rollup_activities_new RENAME TO rollup_activities;

-- An activity's own unit is always one of its ancestors (l<its level> =
-- unit_id), so every query by unit goes through l1..l5; this index only
-- cost a random-order B-tree insert per activity. Units are never deleted,
-- so the foreign key needs no index on this side either.
DROP INDEX activities_unit;
