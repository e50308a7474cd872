-- New blind-index entries no longer go straight to blind_index / unique_index.
--
-- Those two are keyed by random 32-byte hashes, so once they outgrow a batch every entry
-- lands on its own page and a batch writes (and checkpoints) about one 4 KiB page per
-- entry. Instead, entries of searchable fields go to runs in staged_blind: a write's
-- entries get the newest run number, so they are appended in key order at the end. When a
-- level has enough runs, they are merged (in key order, appended again) into one run of
-- the next level, as in a log-structured merge tree; a find probes each run. Entries of
-- unique fields go to the small staged_unique, whose primary key enforces uniqueness
-- among them (the store checks unique_index itself), and are merged into unique_index in
-- key order whenever level-0 runs are merged. blind_index keeps what was written before.
CREATE TABLE index_runs (
    run     INTEGER PRIMARY KEY,
    level   INTEGER NOT NULL,
    entries INTEGER NOT NULL
);

CREATE TABLE staged_blind (
    run  INTEGER NOT NULL,
    hash BLOB NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (run, hash, code)
) WITHOUT ROWID;

CREATE TABLE staged_unique (
    hash BLOB PRIMARY KEY,
    code TEXT NOT NULL
) WITHOUT ROWID;
