-- One customer group's database. Field values are AES-256-GCM envelopes under the
-- customer's data key, which is stored only wrapped by the group's key-encryption key.
-- Rows of about 1 KiB are appended in rowid order (dense pages, no splits); the code
-- lookup goes through a small unique index.
CREATE TABLE customers (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    kek_version   INTEGER NOT NULL,
    wrapped_dek   BLOB NOT NULL,
    fields        BLOB NOT NULL,
    -- The customer's blind-index entries (framed), so erasure and update can delete
    -- them by key without a second index on code.
    index_entries BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    retain_until  INTEGER
);

-- Blind index: HMAC of a normalized value under a key of this group and field, so the
-- hash alone already names the field. Unique fields live in their own table, where the
-- primary key enforces uniqueness; each entry is one B-tree insert.
CREATE TABLE blind_index (
    hash BLOB NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (hash, code)
) WITHOUT ROWID;

CREATE TABLE unique_index (
    hash BLOB PRIMARY KEY,
    code TEXT NOT NULL
) WITHOUT ROWID;
