-- The deeds ledger's children's sums and overdue counts as index-only
-- scans (`NeedStore::deeds()`): the rows one child reads from rollup_needs
-- (24 months, plus every month for the overdue figure) and from
-- rollup_need_open (the due days ahead) lie on as many heap pages as rows,
-- since PostgreSQL does not keep rows in key order (SQLite's WITHOUT ROWID
-- tables do). With the counters INCLUDEd in the primary key's index, a
-- child's rows are a few adjacent index pages, and the heap is not read
-- while the visibility map says its pages are all-visible (autovacuum
-- keeps it so; `jinguo bench deeds` runs VACUUM ANALYZE after its load).
--
-- The primary key itself carries the counters rather than a second index
-- beside it: one index to keep up on every write instead of two. Updates
-- of a counter are no longer HOT (an INCLUDEd column is indexed), which
-- costs a write one index entry. ON CONFLICT (key columns) still infers
-- the same unique index.
ALTER TABLE rollup_needs
    DROP CONSTRAINT rollup_needs_pkey,
    ADD CONSTRAINT rollup_needs_pkey PRIMARY KEY (unit_id, dim, month)
        INCLUDE (raised, resolved, closed, sat_sum, sat_n);

ALTER TABLE rollup_need_open
    DROP CONSTRAINT rollup_need_open_pkey,
    ADD CONSTRAINT rollup_need_open_pkey PRIMARY KEY (unit_id, due_day) INCLUDE (n);
