-- Case statistics (issue 6 items 5 and 6), kept in the same transaction as
-- every write to a case (crates/store/src/sql/cases/stats.rs). Only cases
-- whose client consented to statistics (cases.consent_statistics = 1) are
-- counted; a case whose consent changes moves out of or into the counters.
-- Counted for every ancestor of the case's unit (itself included), by the
-- month the case was opened (yyyymm, see jinguo_domain::Month), so a
-- transfer moves the case between subtrees and a period is a month range.
--
--   rollup_cases      one counter per dimension:
--                       'all'                     every counted case
--                       'type:<type_key>'         case type
--                       'source:<source>'         how it reached us
--                       'risk:<level>|risk:none'  current risk level
--                       'status:<status>'         current status
--                       'outcome:<outcome>'       closed cases only
--                       'order:<kind>:<status>'   order records (protection
--                                                 orders applied/granted/
--                                                 refused/expired, warning
--                                                 letters issued)
--   rollup_case_days  histograms of whole days from opening to first contact
--                     ('contact') and to closure ('closure', closed cases
--                     only), clamped to 0..366, so a median is one small read.
CREATE TABLE rollup_cases (
    unit_id  INTEGER NOT NULL,
    month    INTEGER NOT NULL,
    dim      TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (unit_id, month, dim)
) WITHOUT ROWID;

CREATE TABLE rollup_case_days (
    unit_id  INTEGER NOT NULL,
    month    INTEGER NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('contact', 'closure')),
    days     INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (unit_id, month, kind, days)
) WITHOUT ROWID;
