-- Retention (issue 24): the sweep finds customers past an explicit `retain_until`, and
-- those whose last change is older than the group's default period, through an index
-- each rather than a scan of the group.
CREATE INDEX customers_retain_until ON customers (retain_until) WHERE retain_until IS NOT NULL;
CREATE INDEX customers_updated_at ON customers (updated_at);
