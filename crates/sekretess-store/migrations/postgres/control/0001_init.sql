-- Control database: vault metadata, groups and their sealed keys, the code directory and
-- the erasure journal. Nothing here is a personal value; keys are sealed by the root key.
-- Tables live in the schema `sekretess` (the store sets the search path while migrating and
-- names it in every query), so the control database can also hold group schemas.
CREATE TABLE vault_meta (
    singleton   SMALLINT PRIMARY KEY CHECK (singleton = 1),
    key_id      BYTEA NOT NULL,
    threshold   BIGINT NOT NULL,
    share_count BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE groups (
    id                  BIGINT PRIMARY KEY,
    name                TEXT NOT NULL,
    -- `control` (a schema in this database) or a database URL without a password.
    location            TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('open', 'locked')),
    current_kek_version BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    CONSTRAINT group_name UNIQUE (name)
);

CREATE TABLE group_keys (
    group_id BIGINT NOT NULL REFERENCES groups (id),
    kind     TEXT NOT NULL CHECK (kind IN ('kek', 'derivation')),
    version  BIGINT NOT NULL,
    sealed   BYTEA NOT NULL,
    PRIMARY KEY (group_id, kind, version)
);

-- code -> group, and nothing else.
CREATE TABLE directory (
    code     TEXT PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES groups (id)
);

CREATE TABLE erasures (
    code      TEXT PRIMARY KEY,
    group_id  BIGINT NOT NULL,
    erased_at BIGINT NOT NULL
);
