-- The audit log: one HMAC-chained row per event. Never a field value; user-supplied text
-- is escaped before it gets here. `fields` joins field names with U+001F (escaped text
-- never contains a raw control character).
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    time       INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    group_name TEXT,
    customer   TEXT,
    fields     TEXT NOT NULL,
    purpose    TEXT,
    outcome    TEXT NOT NULL,
    request_id TEXT,
    origin     TEXT,
    mac        BLOB NOT NULL
);
