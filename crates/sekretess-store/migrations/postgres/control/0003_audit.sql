-- The audit log: one HMAC-chained row per event. Never a field value; user-supplied text
-- is escaped before it gets here. Writers append under an exclusive table lock, so every
-- process chains onto the one true head.
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    time       BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    group_name TEXT,
    customer   TEXT,
    fields     TEXT[] NOT NULL,
    purpose    TEXT,
    outcome    TEXT NOT NULL,
    request_id TEXT,
    origin     TEXT,
    mac        BYTEA NOT NULL
);
