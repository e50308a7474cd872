-- Dual control (issue 21): changes that need a second security officer wait here as
-- pending requests until another officer approves or rejects them, or they expire.
-- `payload` is the change as JSON (never a secret); `requested_by` is the audit actor.
CREATE TABLE approval_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    target       TEXT NOT NULL,
    payload      TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'failed')),
    decided_by   INTEGER,
    decided_at   INTEGER
);

-- mTLS for service accounts (issue 21): an API key bound to a client certificate (the
-- SHA-256 of its DER) is refused on a connection that did not present that certificate.
CREATE TABLE api_key_certs (
    key_id TEXT PRIMARY KEY,
    sha256 BLOB NOT NULL
);
