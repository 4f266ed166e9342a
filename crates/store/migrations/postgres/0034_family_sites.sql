-- Family-education services (issue 20 item 6): service sites (家长学校,
-- 家庭教育指导服务站/点, 儿童之家), their village coverage kept on write like
-- the Women's Homes', the guidance sessions recorded at a site (activities
-- of the ledger, linked here), and the volunteer counsellors (指导师) with
-- the sites they serve. Every fact row carries its unit's ancestors.

CREATE TABLE family_sites (
    id              BIGSERIAL PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    l1              BIGINT NOT NULL,
    l2              BIGINT,
    l3              BIGINT,
    l4              BIGINT,
    l5              BIGINT,
    kind            TEXT    NOT NULL CHECK (kind IN ('parent_school', 'guidance_station',
                        'guidance_point', 'children_home')),
    name            TEXT    NOT NULL,
    address         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'suspended', 'closed')),
    established_on  TEXT,
    -- Guidance sessions linked to the site, kept with each link.
    sessions        BIGINT NOT NULL DEFAULT 0 CHECK (sessions >= 0),
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX family_sites_l1 ON family_sites(l1, id);
CREATE INDEX family_sites_l2 ON family_sites(l2, id);
CREATE INDEX family_sites_l3 ON family_sites(l3, id);
CREATE INDEX family_sites_l4 ON family_sites(l4, id);
CREATE INDEX family_sites_l5 ON family_sites(l5, id);
CREATE INDEX family_sites_unit ON family_sites(unit_id, status);

-- Per unit (every ancestor of a site's unit): active sites, and villages
-- of the subtree with at least one active site.
CREATE TABLE rollup_family_sites (
    unit_id           BIGINT PRIMARY KEY,
    active_sites      BIGINT NOT NULL,
    covered_villages  BIGINT NOT NULL
);

-- A guidance session is an activity of the ledger (it counts in every
-- roll-up there); this row says at which site it was held.
CREATE TABLE family_site_sessions (
    activity_id  BIGINT PRIMARY KEY REFERENCES activities(id),
    site_id      BIGINT NOT NULL REFERENCES family_sites(id)
);
CREATE INDEX family_site_sessions_site ON family_site_sessions(site_id, activity_id);

-- Volunteer counsellors: the name sealed by the vault (name_enc), the
-- unit that keeps the roster entry, the sites served.
CREATE TABLE family_counsellors (
    id             BIGSERIAL PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    l1             BIGINT NOT NULL,
    l2             BIGINT,
    l3             BIGINT,
    l4             BIGINT,
    l5             BIGINT,
    name_enc       TEXT,
    qualification  TEXT,
    created_by     BIGINT REFERENCES users(id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX family_counsellors_l1 ON family_counsellors(l1, id);
CREATE INDEX family_counsellors_l2 ON family_counsellors(l2, id);
CREATE INDEX family_counsellors_l3 ON family_counsellors(l3, id);
CREATE INDEX family_counsellors_l4 ON family_counsellors(l4, id);
CREATE INDEX family_counsellors_l5 ON family_counsellors(l5, id);

CREATE TABLE family_counsellor_sites (
    counsellor_id  BIGINT NOT NULL REFERENCES family_counsellors(id),
    site_id        BIGINT NOT NULL REFERENCES family_sites(id),
    PRIMARY KEY (counsellor_id, site_id)
);
CREATE INDEX family_counsellor_sites_site ON family_counsellor_sites(site_id, counsellor_id);
