-- Control database: vault metadata, groups and their sealed keys, the code directory and
-- the erasure journal. Nothing here is a personal value; keys are sealed by the root key.
CREATE TABLE vault_meta (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    key_id      BLOB NOT NULL,
    threshold   INTEGER NOT NULL,
    share_count INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE groups (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    location            TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('open', 'locked')),
    current_kek_version INTEGER NOT NULL,
    created_at          INTEGER NOT NULL
);

CREATE TABLE group_keys (
    group_id INTEGER NOT NULL REFERENCES groups (id),
    kind     TEXT NOT NULL CHECK (kind IN ('kek', 'derivation')),
    version  INTEGER NOT NULL,
    sealed   BLOB NOT NULL,
    PRIMARY KEY (group_id, kind, version)
) WITHOUT ROWID;

-- code -> group, and nothing else.
CREATE TABLE directory (
    code     TEXT PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups (id)
) WITHOUT ROWID;

CREATE TABLE erasures (
    code      TEXT PRIMARY KEY,
    group_id  INTEGER NOT NULL,
    erased_at INTEGER NOT NULL
) WITHOUT ROWID;
