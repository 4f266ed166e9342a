-- Photos of activities. The bytes live in files under the data directory
-- (photos/<storage_name>), never in the database; a row says which
-- activity a file belongs to and what was checked about it on upload.
-- Deleting an activity deletes its rows; the application removes the files.
-- Sequence ids are never reused, so a photo URL cached by a browser can
-- never show a deleted photo in place of a new one.
CREATE TABLE activity_photos (
    id            BIGSERIAL PRIMARY KEY,
    activity_id   BIGINT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    position      BIGINT NOT NULL,
    content_type  TEXT    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    byte_size     BIGINT NOT NULL CHECK (byte_size > 0),
    -- Random, never derived from the upload: nothing about a file can be guessed from its name.
    storage_name  TEXT    NOT NULL UNIQUE,
    sha256        TEXT    NOT NULL,
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    created_by    BIGINT
);
CREATE INDEX activity_photos_activity ON activity_photos(activity_id, position);
