-- One customer group's database. Field values are AES-256-GCM envelopes under the
-- customer's data key, which is stored only wrapped by the group's key-encryption key.
CREATE TABLE customers (
    code         TEXT PRIMARY KEY,
    kek_version  INTEGER NOT NULL,
    wrapped_dek  BLOB NOT NULL,
    fields       BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    retain_until INTEGER
) WITHOUT ROWID;

-- Blind index: HMAC of a normalized value, keyed per group and field.
CREATE TABLE blind_index (
    field  TEXT NOT NULL,
    hash   BLOB NOT NULL,
    code   TEXT NOT NULL REFERENCES customers (code) ON DELETE CASCADE,
    uniq   INTEGER NOT NULL,
    PRIMARY KEY (field, hash, code)
) WITHOUT ROWID;

CREATE UNIQUE INDEX blind_index_unique ON blind_index (field, hash) WHERE uniq = 1;
CREATE INDEX blind_index_code ON blind_index (code);
