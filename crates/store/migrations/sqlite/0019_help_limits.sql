-- The public help page's abuse limits (issue 19 item 4), kept in the
-- database so a restart does not lift them and several servers share them.
-- `client` is a keyed blind index of the address (HMAC under the key
-- file), never the address: a woman's address is not kept.
CREATE TABLE help_limit_hits (
    bucket TEXT NOT NULL,
    client TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX help_limit_hits_client ON help_limit_hits (bucket, client, at);
CREATE INDEX help_limit_hits_at ON help_limit_hits (at);
