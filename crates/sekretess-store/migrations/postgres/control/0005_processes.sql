-- The `sekretess serve` processes sharing this control database, refreshed by a heartbeat.
CREATE TABLE processes (
    id         TEXT PRIMARY KEY,
    host       TEXT NOT NULL,
    pid        BIGINT NOT NULL,
    listen     TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    sealed     BOOLEAN NOT NULL
);
