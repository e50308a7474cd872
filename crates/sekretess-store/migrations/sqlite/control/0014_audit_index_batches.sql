-- A customer's audit entries (the subject access export) were found through an index on
-- (customer, seq). Codes are random, so every new entry landed on a page of that index of
-- its own: the largest share of the pages an audited get or a create wrote and synced.
-- Entries are now indexed in batches: audit_by_customer holds (customer, seq) of every
-- entry up to audit_index_state.indexed_to, written by the audit writer a few thousand at
-- a time in key order, so a page takes many entries per write; a read takes the entries
-- after indexed_to from the log itself.
CREATE TABLE audit_by_customer (
    customer TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (customer, seq)
) WITHOUT ROWID;

CREATE TABLE audit_index_state (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    indexed_to INTEGER NOT NULL
);

INSERT INTO audit_by_customer (customer, seq)
    SELECT customer, seq FROM audit_log WHERE customer IS NOT NULL ORDER BY customer, seq;
INSERT INTO audit_index_state (singleton, indexed_to)
    VALUES (1, (SELECT coalesce(max(seq), 0) FROM audit_log));
DROP INDEX audit_log_customer;
