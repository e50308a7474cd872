-- One customer group's database. Field values are AES-256-GCM envelopes under the
-- customer's data key, which is stored only wrapped by the group's key-encryption key.
CREATE TABLE customers (
    code          TEXT PRIMARY KEY,
    kek_version   INTEGER NOT NULL,
    wrapped_dek   BLOB NOT NULL,
    fields        BLOB NOT NULL,
    -- The customer's blind-index entries (framed), so erasure and update can delete
    -- them by key without a second index on code.
    index_entries BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    retain_until  INTEGER
) WITHOUT ROWID;

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
