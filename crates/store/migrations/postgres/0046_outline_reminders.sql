-- Reminders of outline monitoring (issue 16, item 6) through the in-app
-- notices: the office of a unit reminds the department reporters whose
-- department has not reported a year's indicators. Such a notice concerns
-- no task and is addressed to one account at the unit, so a notice's task
-- becomes optional (only for kind 'outline_reminder'), and `user_id` names
-- the account a notice is for (NULL: everyone working for the unit, as
-- before).
ALTER TABLE notices ALTER COLUMN task_id DROP NOT NULL;
ALTER TABLE notices ADD COLUMN user_id BIGINT REFERENCES users(id);
ALTER TABLE notices ADD COLUMN outline_year BIGINT;
ALTER TABLE notices ADD COLUMN outline_department TEXT;
ALTER TABLE notices ADD CONSTRAINT notices_task_or_reminder
    CHECK (task_id IS NOT NULL OR kind = 'outline_reminder');
CREATE INDEX notices_user ON notices(user_id, id) WHERE user_id IS NOT NULL;
