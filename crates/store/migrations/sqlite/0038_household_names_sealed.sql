-- Names in the household register are sealed (issue 19 item 3): a member's
-- name, the consent giver and a guardian's consent giver are encrypted
-- like the address, ID and phone; the plain columns are left empty for new
-- rows and emptied for old ones when the server starts with its key
-- (SqlStore::seal_plain_household_names). A member's name is found by a
-- keyed blind index of the whole name, never by its plain value. The ID
-- and phone masks are worked out from the sealed values when shown, so
-- their plain columns are emptied too.
ALTER TABLE households ADD COLUMN consent_given_by_enc TEXT;
ALTER TABLE household_members ADD COLUMN name_enc TEXT;
ALTER TABLE household_members ADD COLUMN name_bidx TEXT;
ALTER TABLE household_members ADD COLUMN guardian_given_by_enc TEXT;
CREATE INDEX household_members_name_bidx ON household_members(name_bidx);
