-- A version of what the outline figures pages are computed from (issue 16):
-- any change to the kept roll-ups, the targets, the catalogue or the tree
-- moves it, in the same transaction, so a server may keep a computed page
-- until the version it was computed at is no longer the database's, also
-- when another server process wrote the change.
CREATE TABLE outline_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO outline_version (id, n) VALUES (1, 0);

CREATE TRIGGER outline_version_outline_rollups_insert AFTER INSERT ON outline_rollups
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_outline_rollups_update AFTER UPDATE ON outline_rollups
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_outline_rollups_delete AFTER DELETE ON outline_rollups
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_outline_targets_insert AFTER INSERT ON outline_targets
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_outline_targets_update AFTER UPDATE ON outline_targets
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_outline_targets_delete AFTER DELETE ON outline_targets
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_outline_indicators_insert AFTER INSERT ON outline_indicators
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_outline_indicators_update AFTER UPDATE ON outline_indicators
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_outline_indicators_delete AFTER DELETE ON outline_indicators
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_units_insert AFTER INSERT ON units
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_units_update AFTER UPDATE ON units
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER outline_version_units_delete AFTER DELETE ON units
BEGIN UPDATE outline_version SET n = n + 1 WHERE id = 1; END;
