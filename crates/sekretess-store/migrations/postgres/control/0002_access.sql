-- API keys (service accounts). Only a keyed hash of each secret is stored.
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    secret_hash BYTEA NOT NULL,
    scopes      TEXT NOT NULL, -- space-separated scope names
    groups      TEXT NOT NULL, -- space-separated group names, or *
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
