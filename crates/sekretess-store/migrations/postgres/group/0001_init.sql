-- One customer group's schema (`group_<id>`, in the control database or in a database of
-- its own). Field values are AES-256-GCM envelopes under the customer's data key, which is
-- stored only wrapped by the group's key-encryption key.
CREATE TABLE customers (
    code         TEXT PRIMARY KEY,
    kek_version  BIGINT NOT NULL,
    wrapped_dek  BYTEA NOT NULL,
    fields       BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    retain_until BIGINT
);
-- Ciphertexts are incompressible: never try to compress them (large ones still move out of line).
ALTER TABLE customers ALTER COLUMN fields SET STORAGE EXTERNAL;

-- Blind index: HMAC of a normalized value, keyed per group and field.
CREATE TABLE blind_index (
    field  TEXT NOT NULL,
    hash   BYTEA NOT NULL,
    code   TEXT NOT NULL REFERENCES customers (code) ON DELETE CASCADE,
    uniq   BOOLEAN NOT NULL,
    PRIMARY KEY (field, hash, code)
);

CREATE UNIQUE INDEX blind_index_unique ON blind_index (field, hash) WHERE uniq;
CREATE INDEX blind_index_code ON blind_index (code);
