-- Mongolian for the names cadres type that get published (issue 17 item 5):
-- Inner Mongolia publishes in traditional Mongolian and Chinese side by
-- side, Mongolian first. Each is optional (empty: the Chinese stands alone)
-- and, when given, holds Mongolian letters (checked on the way in).
-- An honour campaign's title, on the public notice and the certificate.
ALTER TABLE honour_campaigns ADD COLUMN title_mn TEXT;
-- The name a nomination publishes (a family's, a woman's published name,
-- a collective's); the person's own sealed name has no Mongolian column.
ALTER TABLE honour_nominations ADD COLUMN display_name_mn TEXT;
-- A Women's Home's name, on the public help page.
ALTER TABLE homes ADD COLUMN name_mn TEXT;
-- A training programme's title, printed on the training certificate.
ALTER TABLE training_programmes ADD COLUMN title_mn TEXT;
