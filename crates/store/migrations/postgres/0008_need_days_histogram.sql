-- The deeds ledger's days-to-resolve histogram as one row per unit and
-- month with a counter per bucket, instead of one row per distinct day
-- count: the region's ledger with 1,000,000 needs read about 50,000
-- rollup_need_days rows for its children's medians (~100 ms); a row per
-- unit and month makes that 12 children x 24 months.
--
-- Buckets (lower bounds; a bucket runs to the next bound, excluded), the
-- same list as DAYS_BUCKETS in crates/domain/src/need.rs, column b<k> for
-- the k-th bound:
--   b0..b30   exact days 0..30
--   b31..b36  5-day buckets from 31, 36, 41, 46, 51, 56 (to 60 days)
--   b37..b42  10-day buckets from 61, 71, 81, 91, 101, 111 (to 120 days)
--   b43..b51  30-day buckets from 121, 151, ..., 331, then 361..365
--   b52       366 days or more
-- The median of a bucket wider than one day is read as its lower bound.
-- Writes add to the one bucket a resolution falls in:
--   INSERT ... ON CONFLICT (unit_id, month) DO UPDATE SET b<k> = b<k> + 1.
-- Needs that stay live are still counted by due day in rollup_need_open.

CREATE TABLE rollup_need_hist (
    unit_id  BIGINT NOT NULL,
    month    BIGINT NOT NULL,
    b0      BIGINT NOT NULL DEFAULT 0,
    b1      BIGINT NOT NULL DEFAULT 0,
    b2      BIGINT NOT NULL DEFAULT 0,
    b3      BIGINT NOT NULL DEFAULT 0,
    b4      BIGINT NOT NULL DEFAULT 0,
    b5      BIGINT NOT NULL DEFAULT 0,
    b6      BIGINT NOT NULL DEFAULT 0,
    b7      BIGINT NOT NULL DEFAULT 0,
    b8      BIGINT NOT NULL DEFAULT 0,
    b9      BIGINT NOT NULL DEFAULT 0,
    b10     BIGINT NOT NULL DEFAULT 0,
    b11     BIGINT NOT NULL DEFAULT 0,
    b12     BIGINT NOT NULL DEFAULT 0,
    b13     BIGINT NOT NULL DEFAULT 0,
    b14     BIGINT NOT NULL DEFAULT 0,
    b15     BIGINT NOT NULL DEFAULT 0,
    b16     BIGINT NOT NULL DEFAULT 0,
    b17     BIGINT NOT NULL DEFAULT 0,
    b18     BIGINT NOT NULL DEFAULT 0,
    b19     BIGINT NOT NULL DEFAULT 0,
    b20     BIGINT NOT NULL DEFAULT 0,
    b21     BIGINT NOT NULL DEFAULT 0,
    b22     BIGINT NOT NULL DEFAULT 0,
    b23     BIGINT NOT NULL DEFAULT 0,
    b24     BIGINT NOT NULL DEFAULT 0,
    b25     BIGINT NOT NULL DEFAULT 0,
    b26     BIGINT NOT NULL DEFAULT 0,
    b27     BIGINT NOT NULL DEFAULT 0,
    b28     BIGINT NOT NULL DEFAULT 0,
    b29     BIGINT NOT NULL DEFAULT 0,
    b30     BIGINT NOT NULL DEFAULT 0,
    b31     BIGINT NOT NULL DEFAULT 0,
    b32     BIGINT NOT NULL DEFAULT 0,
    b33     BIGINT NOT NULL DEFAULT 0,
    b34     BIGINT NOT NULL DEFAULT 0,
    b35     BIGINT NOT NULL DEFAULT 0,
    b36     BIGINT NOT NULL DEFAULT 0,
    b37     BIGINT NOT NULL DEFAULT 0,
    b38     BIGINT NOT NULL DEFAULT 0,
    b39     BIGINT NOT NULL DEFAULT 0,
    b40     BIGINT NOT NULL DEFAULT 0,
    b41     BIGINT NOT NULL DEFAULT 0,
    b42     BIGINT NOT NULL DEFAULT 0,
    b43     BIGINT NOT NULL DEFAULT 0,
    b44     BIGINT NOT NULL DEFAULT 0,
    b45     BIGINT NOT NULL DEFAULT 0,
    b46     BIGINT NOT NULL DEFAULT 0,
    b47     BIGINT NOT NULL DEFAULT 0,
    b48     BIGINT NOT NULL DEFAULT 0,
    b49     BIGINT NOT NULL DEFAULT 0,
    b50     BIGINT NOT NULL DEFAULT 0,
    b51     BIGINT NOT NULL DEFAULT 0,
    b52     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month)
);

-- The old rows (days already clamped to 0..366) summed into their buckets.
INSERT INTO rollup_need_hist (unit_id, month,
    b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19,
    b20, b21, b22, b23, b24, b25, b26, b27, b28, b29, b30, b31, b32, b33, b34, b35, b36, b37,
    b38, b39, b40, b41, b42, b43, b44, b45, b46, b47, b48, b49, b50, b51, b52)
SELECT unit_id, month,
    SUM(CASE WHEN days < 1 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 1 AND days < 2 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 2 AND days < 3 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 3 AND days < 4 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 4 AND days < 5 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 5 AND days < 6 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 6 AND days < 7 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 7 AND days < 8 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 8 AND days < 9 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 9 AND days < 10 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 10 AND days < 11 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 11 AND days < 12 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 12 AND days < 13 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 13 AND days < 14 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 14 AND days < 15 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 15 AND days < 16 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 16 AND days < 17 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 17 AND days < 18 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 18 AND days < 19 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 19 AND days < 20 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 20 AND days < 21 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 21 AND days < 22 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 22 AND days < 23 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 23 AND days < 24 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 24 AND days < 25 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 25 AND days < 26 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 26 AND days < 27 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 27 AND days < 28 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 28 AND days < 29 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 29 AND days < 30 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 30 AND days < 31 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 31 AND days < 36 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 36 AND days < 41 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 41 AND days < 46 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 46 AND days < 51 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 51 AND days < 56 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 56 AND days < 61 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 61 AND days < 71 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 71 AND days < 81 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 81 AND days < 91 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 91 AND days < 101 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 101 AND days < 111 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 111 AND days < 121 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 121 AND days < 151 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 151 AND days < 181 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 181 AND days < 211 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 211 AND days < 241 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 241 AND days < 271 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 271 AND days < 301 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 301 AND days < 331 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 331 AND days < 361 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 361 AND days < 366 THEN n ELSE 0 END),
    SUM(CASE WHEN days >= 366 THEN n ELSE 0 END)
FROM rollup_need_days
GROUP BY unit_id, month;

DROP TABLE rollup_need_days;
