-- Outline figures kept on write (issue 16, design 3): for each indicator,
-- reporting unit and year, the figure the unit stands for (its own
-- approved report, else the ratio-correct aggregate of its reporting
-- units below), by sex, and the aggregate itself. Written in the same
-- transaction as the approval that changes them, for the unit and its
-- ancestors; the attainment page and the workbook read these rows instead
-- of rolling every approved value up per request. A row is kept only when
-- it says something (see `Rollup::is_kept`): no row reads as "nothing
-- reported here or below, this year or the year before".
CREATE TABLE outline_rollups (
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    year             INTEGER NOT NULL,
    indicator_id     INTEGER NOT NULL REFERENCES outline_indicators(id),
    -- 1: the figures are the unit's own approved report.
    own              INTEGER NOT NULL CHECK (own IN (0, 1)),
    -- The figure (numerator and denominator of a ratio, or the value), in
    -- total and by sex.
    num              INTEGER,
    den              INTEGER,
    value            REAL,
    f_num            INTEGER,
    f_den            INTEGER,
    f_value          REAL,
    m_num            INTEGER,
    m_den            INTEGER,
    m_value          REAL,
    -- The aggregate of the units below (agg = 0: none, the unit has no
    -- reporting units below or the indicator does not aggregate).
    agg              INTEGER NOT NULL CHECK (agg IN (0, 1)),
    agg_value        REAL,
    agg_num          INTEGER,
    agg_den          INTEGER,
    units_reported   INTEGER NOT NULL,
    units_expected   INTEGER NOT NULL,
    coverage         REAL,
    PRIMARY KEY (unit_id, year, indicator_id)
);

-- Existing approved reports are rolled up when the store opens the
-- upgraded database (the arithmetic is the domain's, in Rust): this row
-- asks for it and is removed in the transaction that writes the roll-ups.
CREATE TABLE outline_rollups_pending (
    id  INTEGER PRIMARY KEY CHECK (id = 1)
);
INSERT INTO outline_rollups_pending (id) VALUES (1);
