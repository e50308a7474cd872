-- The record version of each customer row (issue 15, fault 7), as bound into the AAD of
-- its field envelopes; the control database's directory holds the current one. Rows from
-- before versions existed are at 0 (the older AAD) until their next update.
ALTER TABLE customers ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
