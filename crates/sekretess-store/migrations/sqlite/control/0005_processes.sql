-- The `sekretess serve` process using this control database, refreshed by a heartbeat.
CREATE TABLE processes (
    id         TEXT PRIMARY KEY,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    listen     TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    sealed     INTEGER NOT NULL
) WITHOUT ROWID;
