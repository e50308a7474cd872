-- Employees, sessions, group grants, field-policy changes and confidentiality agreements.
-- Secrets are stored only as hashes (enrolment codes, session tokens: SHA-256; passwords:
-- Argon2id) or sealed by a key derived from the root key (TOTP secrets).
CREATE TABLE employees (
    id                INTEGER PRIMARY KEY,
    login             TEXT NOT NULL UNIQUE,
    display_name      TEXT NOT NULL,
    roles             TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('invited', 'pending_approval', 'active', 'suspended', 'offboarded')),
    bootstrap         INTEGER NOT NULL DEFAULT 0,
    password_hash     TEXT,
    totp_sealed       BLOB,
    last_totp_step    INTEGER,
    failed_logins     INTEGER NOT NULL DEFAULT 0,
    locked_until      INTEGER,
    enrolment_hash    BLOB UNIQUE,
    enrolment_expires INTEGER,
    invited_by        INTEGER REFERENCES employees (id),
    approved_by       INTEGER REFERENCES employees (id),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY,
    employee_id INTEGER NOT NULL REFERENCES employees (id),
    created_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    origin      TEXT
) WITHOUT ROWID;
CREATE INDEX sessions_by_employee ON sessions (employee_id);

CREATE TABLE grants (
    employee_id INTEGER NOT NULL REFERENCES employees (id),
    group_id    INTEGER NOT NULL REFERENCES groups (id),
    granted_by  INTEGER NOT NULL,
    granted_at  INTEGER NOT NULL,
    PRIMARY KEY (employee_id, group_id)
) WITHOUT ROWID;

-- Cells changed from the built-in default policy.
CREATE TABLE field_policy (
    role        TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    decision    TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (role, sensitivity),
    CHECK (NOT (sensitivity = 'restricted' AND decision IN ('plain', 'reveal_with_purpose')))
) WITHOUT ROWID;

CREATE TABLE agreements (
    version      INTEGER PRIMARY KEY,
    text         TEXT NOT NULL,
    sha256       BLOB NOT NULL,
    published_at INTEGER NOT NULL,
    published_by INTEGER NOT NULL
);

CREATE TABLE agreement_signatures (
    employee_id INTEGER NOT NULL REFERENCES employees (id),
    version     INTEGER NOT NULL REFERENCES agreements (version),
    sha256      BLOB NOT NULL,
    signed_at   INTEGER NOT NULL,
    origin      TEXT,
    PRIMARY KEY (employee_id, version)
) WITHOUT ROWID;
