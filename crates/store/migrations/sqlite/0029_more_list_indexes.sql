-- Keyset paging of the activity ledger (issue 14 item 6): a page is
-- `ORDER BY date DESC, id DESC` after the last row shown, over a unit's
-- subtree and a period. The older indexes are (lN, month), made for the
-- month-by-month reads; with them every page sorts the whole period of the
-- subtree (100,000 rows at the region). These walk the subtree in the
-- list's order and stop after a page.
CREATE INDEX activities_l1_date ON activities(l1, date, id);
CREATE INDEX activities_l2_date ON activities(l2, date, id);
CREATE INDEX activities_l3_date ON activities(l3, date, id);
CREATE INDEX activities_l4_date ON activities(l4, date, id);
CREATE INDEX activities_l5_date ON activities(l5, date, id);
