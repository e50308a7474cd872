-- Key rotation and rekey (issue 20).
--
-- `uses` counts the data keys each KEK version has wrapped, reserved in blocks by the
-- writing processes (a block a process did not finish counts as used), so a version is
-- rotated before it reaches the configured limit.
ALTER TABLE group_keys ADD COLUMN uses INTEGER NOT NULL DEFAULT 0;

-- Vault-wide keys sealed by the root key: the audit MAC key of each epoch and the key that
-- seals employees' TOTP secrets. Empty until the first rekey or audit key rotation: until
-- then both are derived from the root key.
CREATE TABLE vault_keys (
    kind    TEXT NOT NULL CHECK (kind IN ('audit', 'people')),
    version INTEGER NOT NULL,
    sealed  BLOB NOT NULL,
    PRIMARY KEY (kind, version)
) WITHOUT ROWID;
