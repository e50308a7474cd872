-- New blind-index entries are staged before they reach blind_index / unique_index.
--
-- Those two are keyed by random 32-byte hashes, so once they outgrow a batch every entry
-- lands on its own page and a batch writes (and checkpoints) about one 4 KiB page per
-- entry. Staged entries instead go to runs: a batch's entries get the newest run number,
-- so they are appended in key order at the end of staged_blind. Unique entries go to the
-- small staged_unique, whose primary key still enforces uniqueness among staged entries
-- (the store checks unique_index itself). When there are enough runs, all staged entries
-- are merged into the main indexes in key order, one pass over each.
CREATE TABLE index_runs (
    run     INTEGER PRIMARY KEY,
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
