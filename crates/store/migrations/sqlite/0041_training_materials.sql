-- Materials of a training class (issue 15 item 3): files the planner
-- attaches (slides, handouts), checked and stored like task attachments.

CREATE TABLE training_materials (
    id            INTEGER PRIMARY KEY,
    class_id      INTEGER NOT NULL REFERENCES training_classes(id),
    name          TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    byte_size     INTEGER NOT NULL CHECK (byte_size > 0),
    -- Random, never derived from the upload.
    storage_name  TEXT    NOT NULL UNIQUE,
    created_by    INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX training_materials_class ON training_materials(class_id, id);
