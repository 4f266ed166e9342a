-- Rights-protection cases (维权关爱, issue 6).
--
-- Confidential by construction: the client's identity, the other people's
-- names, the narrative, the safety plan and every free text are sealed by
-- the vault (`_enc`, bound to row and column); `_mask` columns hold what a
-- list may show. Who may open a case is decided by case_workers (assigned
-- caseworkers and named supervisors) and case_glass (an administrator's
-- time-limited break-the-glass grant); every opening is written to
-- case_access.

CREATE TABLE dict_entries_new (
    id        INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL CHECK (kind IN ('activity_type', 'program',
                  'need_category', 'visit_tag', 'home_facility', 'case_type')),
    key       TEXT    NOT NULL,
    label_zh  TEXT    NOT NULL,
    label_mn  TEXT,
    label_en  TEXT,
    active    INTEGER NOT NULL DEFAULT 1,
    sort      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, key)
);
INSERT INTO dict_entries_new (id, kind, key, label_zh, label_mn, label_en, active, sort)
    SELECT id, kind, key, label_zh, label_mn, label_en, active, sort FROM dict_entries;
DROP TABLE dict_entries;
ALTER TABLE dict_entries_new RENAME TO dict_entries;

-- What a case type asks for at intake and when its follow-ups fall due.
-- `required`: comma-separated intake fields beyond the always-required
-- ones (see jinguo_domain::case::TemplateField); `follow_up_days`: day
-- offsets from the intake date, ascending.
CREATE TABLE case_templates (
    type_key        TEXT    PRIMARY KEY,
    required        TEXT    NOT NULL DEFAULT '',
    follow_up_days  TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE cases (
    id                  INTEGER PRIMARY KEY,
    unit_id             INTEGER NOT NULL REFERENCES units(id),
    l1                  INTEGER NOT NULL,
    l2                  INTEGER,
    l3                  INTEGER,
    l4                  INTEGER,
    l5                  INTEGER,
    source              TEXT    NOT NULL CHECK (source IN ('hotline', 'walk_in', 'public_page',
                            'home_visit', 'agency_referral', 'other')),
    type_key            TEXT    NOT NULL,
    urgency             TEXT    NOT NULL CHECK (urgency IN ('low', 'normal', 'high', 'critical')),
    status              TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'assessed',
                            'in_service', 'closure_pending', 'closed')),
    risk_level          TEXT    CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    client_name_enc     TEXT,
    client_name_mask    TEXT    NOT NULL,
    client_sex          TEXT    NOT NULL CHECK (client_sex IN ('F', 'M')),
    client_birth_year   INTEGER,
    client_id_enc       TEXT,
    client_id_mask      TEXT,
    client_phone_enc    TEXT,
    client_phone_mask   TEXT,
    narrative_enc       TEXT,
    safety_plan_enc     TEXT,
    consent_services    INTEGER NOT NULL,
    consent_referral    INTEGER NOT NULL,
    consent_statistics  INTEGER NOT NULL,
    opened_on           TEXT    NOT NULL,
    first_contact_on    TEXT,
    closed_on           TEXT,
    outcome             TEXT,
    close_reason_enc    TEXT,
    closure_requested_by INTEGER REFERENCES users(id),
    help_request_id     INTEGER REFERENCES help_requests(id),
    household_id        INTEGER REFERENCES households(id),
    created_by          INTEGER REFERENCES users(id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX cases_l1 ON cases(l1, id);
CREATE INDEX cases_l2 ON cases(l2, id);
CREATE INDEX cases_l3 ON cases(l3, id);
CREATE INDEX cases_l4 ON cases(l4, id);
CREATE INDEX cases_l5 ON cases(l5, id);
CREATE INDEX cases_help ON cases(help_request_id);

-- Other parties (respondent, children involved, others). Never linked to a
-- household: a respondent must not reach the client through one.
CREATE TABLE case_people (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases(id),
    role              TEXT    NOT NULL CHECK (role IN ('respondent', 'child', 'other')),
    name_enc          TEXT,
    name_mask         TEXT    NOT NULL,
    sex               TEXT    CHECK (sex IN ('F', 'M')),
    birth_year        INTEGER,
    relation          TEXT,
    guardian_given_by TEXT,
    guardian_method   TEXT    CHECK (guardian_method IN ('oral', 'written', 'electronic'))
);
CREATE INDEX case_people_case ON case_people(case_id, id);

-- The case's team: assigned caseworkers and named supervisors.
CREATE TABLE case_workers (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('caseworker', 'supervisor')),
    added_by    INTEGER REFERENCES users(id),
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (case_id, user_id, kind)
);
CREATE INDEX case_workers_user ON case_workers(user_id, case_id);

-- Risk assessments, newest last; the case row carries the current level.
CREATE TABLE case_assessments (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    answers       TEXT    NOT NULL,
    score         INTEGER NOT NULL,
    computed      TEXT    NOT NULL CHECK (computed IN ('low', 'medium', 'high', 'critical')),
    level         TEXT    NOT NULL CHECK (level IN ('low', 'medium', 'high', 'critical')),
    override_enc  TEXT,
    by_user       INTEGER REFERENCES users(id),
    at            INTEGER NOT NULL
);
CREATE INDEX case_assessments_case ON case_assessments(case_id, id);

-- Personal safety protection orders (人身安全保护令) and police warning
-- letters (告诫书).
CREATE TABLE case_orders (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('protection_order', 'warning_letter')),
    status      TEXT    NOT NULL CHECK (status IN ('applied', 'granted', 'refused', 'expired',
                    'issued')),
    on_date     TEXT    NOT NULL,
    by_user     INTEGER REFERENCES users(id),
    at          INTEGER NOT NULL
);
CREATE INDEX case_orders_case ON case_orders(case_id, id);

-- Referrals to partner agencies; the owner keeps the case.
CREATE TABLE case_referrals (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    agency           TEXT    NOT NULL CHECK (agency IN ('police', 'court', 'civil_affairs',
                         'legal_aid', 'shelter', 'hospital', 'other')),
    agency_name      TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('sent', 'accepted', 'rejected', 'done')),
    note_enc         TEXT,
    override_by      INTEGER REFERENCES users(id),
    override_reason_enc TEXT,
    by_user          INTEGER REFERENCES users(id),
    at               INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX case_referrals_case ON case_referrals(case_id, id);

-- Follow-ups: scheduled by the template at intake (due_on), recorded when
-- done (done_on); ad-hoc contacts are rows with both set.
CREATE TABLE case_follow_ups (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    due_on      TEXT,
    done_on     TEXT,
    note_enc    TEXT,
    by_user     INTEGER REFERENCES users(id),
    at          INTEGER
);
CREATE INDEX case_follow_ups_case ON case_follow_ups(case_id, id);

-- The case's history: status changes, transfers, closures. `detail` never
-- holds personal data (it is shown to the whole team).
CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    at          INTEGER NOT NULL,
    by_user     INTEGER REFERENCES users(id),
    action      TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events(case_id, id);

-- Every opening of a case: who, when, on what grounds ("who viewed this").
CREATE TABLE case_access (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    at          INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    via         TEXT    NOT NULL CHECK (via IN ('caseworker', 'supervisor', 'glass'))
);
CREATE INDEX case_access_case ON case_access(case_id, id);

-- Break-the-glass grants: an administrator's reasoned, time-limited access.
CREATE TABLE case_glass (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    reason_enc  TEXT,
    granted_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX case_glass_user ON case_glass(user_id, case_id, expires_at);

-- Alerts for one user (a supervisor): high risk, break-the-glass, closure
-- requests. They name the case by number only.
CREATE TABLE case_alerts (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
);
CREATE INDEX case_alerts_user ON case_alerts(user_id, id);

INSERT INTO dict_entries (kind, key, label_zh, label_mn, label_en, active, sort) VALUES
    ('case_type', 'domestic_violence', '家庭暴力', NULL, 'Domestic violence', 1, 1),
    ('case_type', 'marriage_family', '婚姻家庭纠纷', NULL, 'Marriage and family', 1, 2),
    ('case_type', 'property_inheritance', '财产继承', NULL, 'Property and inheritance', 1, 3),
    ('case_type', 'employment_labour', '就业劳动权益', NULL, 'Employment and labour', 1, 4),
    ('case_type', 'sexual_harassment', '性骚扰', NULL, 'Sexual harassment', 1, 5),
    ('case_type', 'child_protection', '儿童权益保护', NULL, 'Child protection', 1, 6),
    ('case_type', 'other', '其他', NULL, 'Other', 1, 7);

INSERT INTO case_templates (type_key, required, follow_up_days) VALUES
    ('domestic_violence', 'phone,respondent', '1,3,7,14,30,90'),
    ('marriage_family', 'respondent', '7,30,90'),
    ('property_inheritance', '', '14,60'),
    ('employment_labour', '', '14,60'),
    ('sexual_harassment', 'respondent', '3,14,60'),
    ('child_protection', 'child', '1,7,30,90'),
    ('other', '', '30');
