-- An account whose password an administrator set (the new-user form, the
-- batch import, a reset) must choose her own at the next login; the
-- command line and the demo set their own and are not asked.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
