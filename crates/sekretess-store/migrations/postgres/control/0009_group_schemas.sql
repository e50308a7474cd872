-- Per-group customer schemas managed by the security officer (issue 24). Every change is
-- a new version, kept: the newest version of a group is its schema. A group without a row
-- uses the vault's default schema (version 1). Field definitions only, never values.
CREATE TABLE group_schemas (
    group_id   BIGINT NOT NULL REFERENCES groups (id),
    version    BIGINT NOT NULL,
    fields     TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, version)
);
