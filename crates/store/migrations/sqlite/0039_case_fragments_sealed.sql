-- What narrows a client down is sealed too (issue 19 item 3): a birth
-- year beside the area code and last four digits of an ID leaves a few
-- dozen candidates. Birth years of the client and of the people of a case,
-- and a guardian's consent giver, are encrypted; the ID and phone masks
-- are worked out from the sealed values when shown. The plain columns stay
-- empty for new rows and are emptied for old ones at the next start with
-- the key (SqlStore::seal_plain_case_fragments).
ALTER TABLE cases ADD COLUMN client_birth_year_enc TEXT;
ALTER TABLE case_people ADD COLUMN birth_year_enc TEXT;
ALTER TABLE case_people ADD COLUMN guardian_given_by_enc TEXT;
