-- The document archive (DESIGN.md 9b): redacted documents filed in this group. The file
-- name and the content are AES-256-GCM envelopes under the document's own data key, which
-- is stored only wrapped by the group's key-encryption key; the content is cut into chunks
-- (one row each) so a download reads one chunk at a time.
CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    kek_version     BIGINT NOT NULL,
    wrapped_dek     BYTEA NOT NULL,
    name            BYTEA NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    original_sha256 BYTEA NOT NULL,
    filed_by        TEXT NOT NULL,
    filed_at        BIGINT NOT NULL,
    -- "LABEL=count" per label, comma-separated, sorted by label.
    findings        TEXT NOT NULL,
    retain_until    BIGINT,
    chunk_count     BIGINT NOT NULL
);

CREATE TABLE document_chunks (
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    idx      BIGINT NOT NULL,
    data     BYTEA NOT NULL,
    PRIMARY KEY (document, idx)
);

-- Customer codes linked to a document (canonical form), for listing by code.
CREATE TABLE document_codes (
    code     TEXT NOT NULL,
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (code, document)
);
CREATE INDEX document_codes_by_document ON document_codes (document);
