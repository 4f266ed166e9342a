-- The key that encrypts her phone's outbox entries holding personal data
-- (issue 18): 32 random bytes, base64url, made at the first request and handed
-- to her sessions; cleared when an administrator ends her sessions
-- (password reset, disabling, a move to another unit), so a lost phone's
-- queued visits become unreadable once it is back online.
ALTER TABLE users ADD COLUMN outbox_key TEXT;
