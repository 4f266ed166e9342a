-- Dictionaries are declared in code (jinguo_store::model::DictKind), a
-- module's beside its own store code, and every write goes through that
-- type; the list of kinds no longer lives in a CHECK, so a module's new
-- dictionary needs no table rebuild.

CREATE TABLE dict_entries_new (
    id        INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL CHECK (kind <> ''),
    key       TEXT    NOT NULL,
    label_zh  TEXT    NOT NULL,
    label_mn  TEXT,
    label_en  TEXT,
    active    INTEGER NOT NULL DEFAULT 1,
    sort      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, key)
);
INSERT INTO dict_entries_new (id, kind, key, label_zh, label_mn, label_en, active, sort)
    SELECT id, kind, key, label_zh, label_mn, label_en, active, sort FROM dict_entries;
DROP TABLE dict_entries;
ALTER TABLE dict_entries_new RENAME TO dict_entries;
