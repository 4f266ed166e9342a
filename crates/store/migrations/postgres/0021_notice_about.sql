-- A notice names the unit it is about: "伊利勒特嘎查 handed in", not only
-- "a unit below handed in" (issue 14 item 5). NULL for notices addressed
-- about the unit's own report (issued, returned, approved, reminders) and
-- for those made before this column.
ALTER TABLE notices ADD COLUMN about_unit_id BIGINT REFERENCES units(id);
