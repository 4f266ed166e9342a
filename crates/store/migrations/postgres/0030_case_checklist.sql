-- Whether a case type's risk assessment uses the danger checklist. The
-- checklist (after Campbell's Danger Assessment) measures the danger of
-- intimate-partner violence; for other types the caseworker chooses the
-- level herself (jinguo_domain::case::AssessmentInput::parse).
ALTER TABLE case_templates ADD COLUMN danger_checklist BIGINT NOT NULL DEFAULT 0;
UPDATE case_templates SET danger_checklist = 1 WHERE type_key = 'domestic_violence';
