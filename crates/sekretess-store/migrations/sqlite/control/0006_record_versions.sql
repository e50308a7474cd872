-- The record version of each customer (issue 15, fault 7): bound into the AAD of every
-- field envelope of the customer's row, and anchored here, outside the group's database,
-- so that an older row put back into a group reads as an integrity failure. An update
-- writes the group's row first and raises this afterwards (see docs/threat-model.md).
-- Codes from before versions existed are at 0: their rows carry the older AAD until
-- their next update.
ALTER TABLE directory ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
