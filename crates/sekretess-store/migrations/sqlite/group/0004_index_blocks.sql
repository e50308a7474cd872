-- Entries of non-unique searchable fields, packed into blocks (`index_blocks.rs`).
--
-- As rows of staged_blind, each entry cost SQLite a row of its own: a batch of 10,000
-- customers wrote 40,000 of them, and that was most of what the batch wrote besides the
-- customers themselves. A write of many entries now starts a run of its own and writes
-- its entries as blocks of about a page: sorted by (hash, code), a hash never split
-- between two blocks of a run, each block keyed by its last hash. The entries of a hash
-- in a run are then all in the first block whose last hash is not below it. Merges read
-- the runs' blocks and rows in order and write the merged run as blocks. Small writes
-- (single creates) still add rows to staged_blind, which finds also read.
CREATE TABLE blind_blocks (
    id        INTEGER PRIMARY KEY,
    run       INTEGER NOT NULL,
    last_hash BLOB NOT NULL,
    entries   BLOB NOT NULL,
    UNIQUE (run, last_hash)
);
