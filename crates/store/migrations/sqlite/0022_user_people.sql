-- People, not logins (issue 14 item 8): an account names the person who
-- holds it (姓名), her position (职务) and her phone (手机). The phone is
-- sealed like every other phone (phone_enc, bound to users:id:phone) and
-- only its masked form (phone_mask) is stored in the clear. All NULL for
-- accounts made before this column.
ALTER TABLE users ADD COLUMN display_name TEXT;
ALTER TABLE users ADD COLUMN position TEXT;
ALTER TABLE users ADD COLUMN phone_mask TEXT;
ALTER TABLE users ADD COLUMN phone_enc TEXT;
