-- Files attached to a task by its issuing side (PDF, DOCX, XLSX, pictures).
-- The bytes live under the data directory (attachments/<storage_name>),
-- never in the database. `name` is the uploader's file name, cleaned of
-- path parts, shown and offered on download only.
-- Sequence ids are never reused, so a cached link can never fetch a later
-- file in place of a deleted one.
CREATE TABLE task_attachments (
    id            BIGSERIAL PRIMARY KEY,
    task_id       BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    byte_size     BIGINT  NOT NULL CHECK (byte_size > 0),
    -- Random, never derived from the upload.
    storage_name  TEXT    NOT NULL UNIQUE,
    created_by    BIGINT,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX task_attachments_task ON task_attachments(task_id, id);
