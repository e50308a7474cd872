-- Entries of unique fields go to runs too, like the others (0002), instead of staged_unique.
--
-- staged_unique was keyed by random hashes: once it outgrew a batch, each new entry landed
-- on a page of its own, and a batch of 10,000 customers rewrote (and logged, and
-- checkpointed) thousands of pages for 10,000 small entries. In unique_runs a write's
-- entries are appended in key order to its run, and merged with the other runs' entries.
-- Uniqueness within a run is the primary key's; across runs the store checks each new hash
-- against the other runs first. For that, each run keeps a Bloom filter over its unique
-- hashes (`hash_filter.rs`), so a batch probes only the runs that may hold one of them.
-- A run gets its filter with the write that starts it; a later write that adds to it
-- takes it away (NULL) until a write starts the next run. A merged run gets one when it
-- is written.
CREATE TABLE unique_runs (
    run  INTEGER NOT NULL,
    hash BLOB NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (run, hash)
) WITHOUT ROWID;

ALTER TABLE index_runs ADD COLUMN unique_filter BLOB;

-- Counts the writes of index entries (each changes the runs, or may): a find that keeps
-- the list of runs in memory checks in the same statement that it is unchanged.
CREATE TABLE index_generation (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    n         INTEGER NOT NULL
);
INSERT INTO index_generation (singleton, n) VALUES (1, 0);

-- Runs written before hold no unique entries: the empty filter. Staged unique entries join
-- unique_index, which is still checked and searched.
UPDATE index_runs SET unique_filter = x'';
INSERT INTO unique_index (hash, code) SELECT hash, code FROM staged_unique ORDER BY hash;
DROP TABLE staged_unique;
