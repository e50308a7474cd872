-- mTLS binding by subject and issuing CA (issue 21): an API key bound this way works only
-- on a connection whose client certificate has exactly this subject (the DER content
-- octets of the subject Name, compared byte for byte) and was issued, in the verified
-- chain, by the CA certificate whose SHA-256 (of its DER) is ca_sha256. A key has at
-- most one binding: a row here or in api_key_certs, never both.
CREATE TABLE api_key_subject_certs (
    key_id TEXT PRIMARY KEY,
    subject BLOB NOT NULL,
    ca_sha256 BLOB NOT NULL
);
