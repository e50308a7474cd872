-- Per-group customer schemas managed by the security officer (issue 24). Every change is
-- a new version, kept: the newest version of a group is its schema. A group without a row
-- uses the vault's default schema (version 1). Field definitions only, never values.
CREATE TABLE group_schemas (
    group_id   INTEGER NOT NULL REFERENCES groups (id),
    version    INTEGER NOT NULL,
    fields     TEXT NOT NULL,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, version)
) WITHOUT ROWID;
