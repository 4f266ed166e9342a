-- Write speed of the activity ledger (BENCHMARKS.md, "Activity roll-ups").
--
-- An activity's own unit is always one of its ancestors (l<its level> =
-- unit_id), so every query by unit goes through l1..l5; this index only
-- cost a random-order B-tree insert per activity. Units are never deleted,
-- so the foreign key needs no index on this side either.
DROP INDEX activities_unit;
