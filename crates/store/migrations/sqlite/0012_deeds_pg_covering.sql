-- Nothing to do on SQLite: migration 0012 on PostgreSQL puts the deeds
-- ledger's counters into the primary keys' indexes so that a unit's rows
-- are read together; rollup_needs and rollup_need_open are WITHOUT ROWID
-- tables here (0007), already stored in key order with their counters.
-- A statement so that the two backends keep the same migration numbers.
SELECT 1;
