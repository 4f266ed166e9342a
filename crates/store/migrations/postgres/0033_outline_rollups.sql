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
    unit_id          BIGINT NOT NULL REFERENCES units(id),
    year             BIGINT NOT NULL,
    indicator_id     BIGINT NOT NULL REFERENCES outline_indicators(id),
    -- 1: the figures are the unit's own approved report.
    own              BIGINT NOT NULL CHECK (own IN (0, 1)),
    -- The figure (numerator and denominator of a ratio, or the value), in
    -- total and by sex.
    num              BIGINT,
    den              BIGINT,
    value            DOUBLE PRECISION,
    f_num            BIGINT,
    f_den            BIGINT,
    f_value          DOUBLE PRECISION,
    m_num            BIGINT,
    m_den            BIGINT,
    m_value          DOUBLE PRECISION,
    -- The aggregate of the units below (agg = 0: none, the unit has no
    -- reporting units below or the indicator does not aggregate).
    agg              BIGINT NOT NULL CHECK (agg IN (0, 1)),
    agg_value        DOUBLE PRECISION,
    agg_num          BIGINT,
    agg_den          BIGINT,
    units_reported   BIGINT NOT NULL,
    units_expected   BIGINT NOT NULL,
    coverage         DOUBLE PRECISION,
    PRIMARY KEY (unit_id, year, indicator_id)
);

-- Existing approved reports are rolled up when the store opens the
-- upgraded database (the arithmetic is the domain's, in Rust): this row
-- asks for it and is removed in the transaction that writes the roll-ups.
CREATE TABLE outline_rollups_pending (
    id  BIGINT PRIMARY KEY CHECK (id = 1)
);
INSERT INTO outline_rollups_pending (id) VALUES (1);
