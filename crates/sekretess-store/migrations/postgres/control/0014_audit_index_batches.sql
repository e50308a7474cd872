-- SQLite now indexes the audit log by customer in batches (its migration of this name).
-- PostgreSQL keeps its index on (customer, seq): its log records an index insert as a small
-- change (the whole page only on the first change after a checkpoint), where SQLite's log
-- takes the whole page at every commit.
SELECT 1;
