-- Keyset paging of the need lists (issue 14 item 6): `ORDER BY id DESC`
-- with `id < before` over a unit's queue or subtree, any status. The
-- older indexes lead with status, so a list of every status had to sort
-- the whole subtree; these walk it in id order and stop after a page.
CREATE INDEX needs_queue_id ON needs(assignee_unit_id, id);
CREATE INDEX needs_l1_id ON needs(l1, id);
CREATE INDEX needs_l2_id ON needs(l2, id);
CREATE INDEX needs_l3_id ON needs(l3, id);
CREATE INDEX needs_l4_id ON needs(l4, id);
CREATE INDEX needs_l5_id ON needs(l5, id);
