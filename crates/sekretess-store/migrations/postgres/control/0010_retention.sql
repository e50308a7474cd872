-- Retention (issue 24): customers on legal hold, whom no retention sweep erases. Codes
-- only, never a value; a hold is set and cleared through the vault, which audits both.
CREATE TABLE legal_holds (
    code     TEXT PRIMARY KEY,
    group_id BIGINT NOT NULL,
    set_at   BIGINT NOT NULL
);

-- A customer's access history (the subject access export) reads the audit log by code.
CREATE INDEX audit_log_customer ON audit_log (customer, seq) WHERE customer IS NOT NULL;
