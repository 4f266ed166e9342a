-- Honours (评选表彰, issue 20): campaigns, nominations that go up the tree
-- one level at a time, each level's step, and the public notice's
-- objections. Every table keeps the ancestors of its unit at write time.

-- A campaign issued by a unit at the region, a league or a banner.
CREATE TABLE honour_campaigns (
    id                   INTEGER PRIMARY KEY,
    unit_id              INTEGER NOT NULL REFERENCES units(id),
    l1                   INTEGER NOT NULL,
    l2                   INTEGER,
    l3                   INTEGER,
    l4                   INTEGER,
    l5                   INTEGER,
    title                TEXT    NOT NULL,
    year                 INTEGER NOT NULL,
    category             TEXT    NOT NULL,
    subject              TEXT    NOT NULL CHECK (subject IN ('family', 'woman', 'collective')),
    nominating_level     INTEGER NOT NULL CHECK (nominating_level IN (4, 5)),
    quota                INTEGER NOT NULL CHECK (quota > 0),
    nomination_deadline  TEXT    NOT NULL,
    review_deadline      TEXT    NOT NULL,
    notice_days          INTEGER NOT NULL CHECK (notice_days > 0),
    status               TEXT    NOT NULL DEFAULT 'open'
                         CHECK (status IN ('open', 'notice', 'published')),
    notice_start         TEXT,
    notice_end           TEXT,
    published_on         TEXT,
    created_by           INTEGER REFERENCES users(id),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX honour_campaigns_l1 ON honour_campaigns(l1, id);
CREATE INDEX honour_campaigns_l2 ON honour_campaigns(l2, id);
CREATE INDEX honour_campaigns_l3 ON honour_campaigns(l3, id);
CREATE INDEX honour_campaigns_status ON honour_campaigns(status, id);

-- The child units of the issuer that take part, with their quota.
CREATE TABLE honour_quotas (
    campaign_id  INTEGER NOT NULL REFERENCES honour_campaigns(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    quota        INTEGER NOT NULL CHECK (quota > 0),
    PRIMARY KEY (campaign_id, unit_id)
);
CREATE INDEX honour_quotas_unit ON honour_quotas(unit_id, campaign_id);

-- A nomination by a unit at the campaign's nominating level. The name to
-- publish is plain (its subject consented to publishing it); the head of
-- the family's or the woman's own name is sealed (person_name_enc).
-- at_unit_id / at_level: the unit that last acted on it.
CREATE TABLE honour_nominations (
    id               INTEGER PRIMARY KEY,
    campaign_id      INTEGER NOT NULL REFERENCES honour_campaigns(id),
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    l1               INTEGER NOT NULL,
    l2               INTEGER,
    l3               INTEGER,
    l4               INTEGER,
    l5               INTEGER,
    display_name     TEXT    NOT NULL,
    person_name_enc  TEXT,
    members          INTEGER,
    employer         TEXT,
    story            TEXT    NOT NULL,
    household_id     INTEGER REFERENCES households(id),
    consent_given_by TEXT    NOT NULL,
    consent_method   TEXT    NOT NULL CHECK (consent_method IN ('oral', 'written', 'electronic')),
    consent_date     TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('proposed', 'recommended', 'declined',
                             'shortlisted', 'on_notice', 'honoured', 'withdrawn')),
    at_unit_id       INTEGER NOT NULL REFERENCES units(id),
    at_level         INTEGER NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX honour_nominations_campaign ON honour_nominations(campaign_id, status, id);
CREATE INDEX honour_nominations_l3 ON honour_nominations(l3, id);
CREATE INDEX honour_nominations_l4 ON honour_nominations(l4, id);
CREATE INDEX honour_nominations_l5 ON honour_nominations(l5, id);
CREATE INDEX honour_nominations_household ON honour_nominations(household_id);

-- Every step on a nomination, one row each: proposed, recommended,
-- declined (with the reason), shortlisted, withdrawn. A unit's quota is
-- counted from its proposals and recommendations here.
CREATE TABLE honour_steps (
    id             INTEGER PRIMARY KEY,
    nomination_id  INTEGER NOT NULL REFERENCES honour_nominations(id),
    campaign_id    INTEGER NOT NULL REFERENCES honour_campaigns(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    action         TEXT    NOT NULL CHECK (action IN ('propose', 'recommend', 'decline',
                           'shortlist', 'withdraw')),
    reason         TEXT,
    by_user        INTEGER REFERENCES users(id),
    at             INTEGER NOT NULL
);
CREATE INDEX honour_steps_nomination ON honour_steps(nomination_id, id);
CREATE INDEX honour_steps_quota ON honour_steps(campaign_id, unit_id, action);

-- Objections lodged by the public during the notice; text and contact
-- sealed. The issuing unit decides each with a reason.
CREATE TABLE honour_objections (
    id             INTEGER PRIMARY KEY,
    campaign_id    INTEGER NOT NULL REFERENCES honour_campaigns(id),
    nomination_id  INTEGER NOT NULL REFERENCES honour_nominations(id),
    text_enc       TEXT,
    contact_enc    TEXT,
    status         TEXT    NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'upheld', 'dismissed')),
    reason         TEXT,
    decided_by     INTEGER REFERENCES users(id),
    decided_at     INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX honour_objections_campaign ON honour_objections(campaign_id, status, id);

-- The categories (region admins edit them on the dictionaries page). The
-- key's prefix says what a category honours: family_, woman_, collective_.
INSERT INTO dict_entries (kind, key, label_zh, label_mn, label_en, active, sort) VALUES
    ('honour_category', 'family_most_beautiful', '最美家庭', 'ᠬᠠᠮᠤᠭ ᠤᠨ ᠰᠠᠶᠢᠬᠠᠨ ᠭᠡᠷ ᠪᠦᠯᠢ', 'Most Beautiful Family', 1, 1),
    ('honour_category', 'family_five_good', '五好家庭', 'ᠲᠠᠪᠤᠨ ᠰᠠᠶᠢᠨ ᠭᠡᠷ ᠪᠦᠯᠢ', 'Five-Good Family', 1, 2),
    ('honour_category', 'family_civilised', '文明家庭', 'ᠰᠣᠶᠣᠯ ᠲᠠᠢ ᠭᠡᠷ ᠪᠦᠯᠢ', 'Civilised Family', 1, 3),
    ('honour_category', 'family_clean', '廉洁家庭', 'ᠴᠢᠩ ᠰᠢᠯᠤᠭᠤᠨ ᠭᠡᠷ ᠪᠦᠯᠢ', 'Clean Family', 1, 4),
    ('honour_category', 'family_bookish', '书香家庭', 'ᠨᠣᠮ ᠤᠨ ᠦᠨᠡᠷ ᠲᠡᠢ ᠭᠡᠷ ᠪᠦᠯᠢ', 'Book-Loving Family', 1, 5),
    ('honour_category', 'family_green', '绿色家庭', 'ᠨᠣᠭᠣᠭᠠᠨ ᠭᠡᠷ ᠪᠦᠯᠢ', 'Green Family', 1, 6),
    ('honour_category', 'woman_march8_red_banner', '三八红旗手', 'ᠭᠤᠷᠪᠠᠨ ᠨᠠᠢᠮᠠᠨ ᠤ ᠤᠯᠠᠭᠠᠨ ᠲᠤᠭ ᠪᠠᠷᠢᠭᠴᠢ', 'March 8th Red Banner Holder', 1, 7),
    ('honour_category', 'woman_merit_pacesetter', '巾帼建功标兵', 'ᠡᠮᠡᠭᠲᠡᠢᠴᠦᠳ ᠦᠨ ᠭᠠᠪᠢᠶ᠎ᠠ ᠪᠠᠢᠭᠤᠯᠬᠤ ᠦᠯᠢᠭᠡᠷ', 'Women''s Merit Pacesetter', 1, 8),
    ('honour_category', 'collective_march8_red_banner', '三八红旗集体', 'ᠭᠤᠷᠪᠠᠨ ᠨᠠᠢᠮᠠᠨ ᠤ ᠤᠯᠠᠭᠠᠨ ᠲᠤᠭ ᠤᠨ ᠬᠠᠮᠲᠤ ᠣᠯᠠᠨ', 'March 8th Red Banner Collective', 1, 9),
    ('honour_category', 'collective_civilised_post', '巾帼文明岗', 'ᠡᠮᠡᠭᠲᠡᠢᠴᠦᠳ ᠦᠨ ᠰᠣᠶᠣᠯ ᠲᠠᠢ ᠠᠵᠢᠯ ᠤᠨ ᠪᠠᠢᠷᠢ', 'Women''s Civilised Post', 1, 10);
