-- Token mappings (DESIGN.md 4, issue 23; docs/tokens.md). A row is keyed by HMAC-SHA256 of
-- the token under the group's token-id key, so no token is stored. `value` holds the token
-- and its value sealed (AES-256-GCM) for opaque and deterministic tokens, nothing for FF1
-- tokens (they decrypt with the group key), and nothing once revoked or erased.
-- `value_hash` (HMAC of the value) only for opaque tokens issued with reuse. `code`: the
-- customer the token was issued for, if any (erasing them erases the row's value).
CREATE TABLE tokens (
    hash       BYTEA PRIMARY KEY,
    format     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    value      BYTEA,
    value_hash BYTEA,
    code       TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    state      TEXT NOT NULL
);
CREATE INDEX tokens_by_code ON tokens (code) WHERE code IS NOT NULL;
CREATE INDEX tokens_by_value ON tokens (value_hash) WHERE value_hash IS NOT NULL;
