-- A version of what the outline figures pages are computed from (issue 16):
-- any change to the kept roll-ups, the targets, the catalogue or the tree
-- moves it, in the same transaction, so a server may keep a computed page
-- until the version it was computed at is no longer the database's, also
-- when another server process wrote the change. Statement triggers: an
-- approval that moves a thousand roll-up rows moves the version once.
CREATE TABLE outline_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO outline_version (id, n) VALUES (1, 0);

CREATE FUNCTION outline_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE outline_version SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER outline_version_outline_rollups AFTER INSERT OR UPDATE OR DELETE ON outline_rollups
    FOR EACH STATEMENT EXECUTE FUNCTION outline_version_bump();

CREATE TRIGGER outline_version_outline_targets AFTER INSERT OR UPDATE OR DELETE ON outline_targets
    FOR EACH STATEMENT EXECUTE FUNCTION outline_version_bump();

CREATE TRIGGER outline_version_outline_indicators AFTER INSERT OR UPDATE OR DELETE ON outline_indicators
    FOR EACH STATEMENT EXECUTE FUNCTION outline_version_bump();

CREATE TRIGGER outline_version_units AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION outline_version_bump();
