//! Pending requests of dual control (`RequestStore`) in the control database: one
//! implementation for both backends, in the SQL they share (see `crate::people`).

/// Implements `RequestStore` for a store type whose `control()` is its control database's
/// pool; `tables` and `map_err` as for `people_store!`.
macro_rules! request_store {
    ($store:ty, tables: $t:literal, map_err: $map_err:path $(,)?) => {
        const _: () = {
            use sekretess_core::error::StoreError;
            use sekretess_core::people::{
                KeyBinding, NewRequest, RequestKind, RequestRow, RequestState, RequestStore,
            };

            type Raw = (i64, String, String, String, String, i64, i64, String, Option<i64>, Option<i64>);

            fn decode(r: Raw) -> Result<RequestRow, StoreError> {
                let corrupt = |what: &str| StoreError::Corrupt(format!("{what} of an approval request"));
                Ok(RequestRow {
                    id: u64::try_from(r.0).map_err(|_| corrupt("id"))?,
                    kind: RequestKind::parse(&r.1).ok_or_else(|| corrupt("kind"))?,
                    target: r.2,
                    payload: r.3,
                    requested_by: r.4,
                    requested_at: r.5,
                    expires_at: r.6,
                    state: RequestState::parse(&r.7).ok_or_else(|| corrupt("state"))?,
                    decided_by: r.8.map(|v| v as u64),
                    decided_at: r.9,
                })
            }

            const COLUMNS: &str = "id, kind, target, payload, requested_by, requested_at, expires_at, \
                                   state, decided_by, decided_at";

            impl RequestStore for $store {
                async fn insert_request(&self, r: &NewRequest) -> Result<u64, StoreError> {
                    let (id,): (i64,) = sqlx::query_as(concat!(
                        "INSERT INTO ",
                        $t,
                        "approval_requests (kind, target, payload, requested_by, requested_at, ",
                        "expires_at, state) VALUES ($1, $2, $3, $4, $5, $6, 'pending') RETURNING id"
                    ))
                    .bind(r.kind.as_str())
                    .bind(&r.target)
                    .bind(&r.payload)
                    .bind(&r.requested_by)
                    .bind(r.requested_at)
                    .bind(r.expires_at)
                    .fetch_one(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(id as u64)
                }

                async fn get_request(&self, id: u64) -> Result<Option<RequestRow>, StoreError> {
                    let sql = format!("SELECT {COLUMNS} FROM {}approval_requests WHERE id = $1", $t);
                    let row: Option<Raw> = sqlx::query_as(&sql)
                        .bind(id as i64)
                        .fetch_optional(self.control())
                        .await
                        .map_err($map_err)?;
                    row.map(decode).transpose()
                }

                async fn list_requests(&self) -> Result<Vec<RequestRow>, StoreError> {
                    let sql = format!("SELECT {COLUMNS} FROM {}approval_requests ORDER BY id DESC", $t);
                    let rows: Vec<Raw> =
                        sqlx::query_as(&sql).fetch_all(self.control()).await.map_err($map_err)?;
                    rows.into_iter().map(decode).collect()
                }

                async fn set_request_state(
                    &self,
                    id: u64,
                    from: RequestState,
                    to: RequestState,
                    decided_by: Option<u64>,
                    at: i64,
                    now: Option<i64>,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(concat!(
                        "UPDATE ",
                        $t,
                        "approval_requests SET state = $1, ",
                        "decided_by = CASE WHEN $2 IS NULL THEN decided_by ELSE $2 END, decided_at = $3 ",
                        "WHERE id = $4 AND state = $5 AND ($6 IS NULL OR expires_at > $6)"
                    ))
                    .bind(to.as_str())
                    .bind(decided_by.map(|v| v as i64))
                    .bind(at)
                    .bind(id as i64)
                    .bind(from.as_str())
                    .bind(now)
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn bind_api_key(&self, key_id: &str, binding: &KeyBinding) -> Result<(), StoreError> {
                    // One binding per key: both tables are cleared and one row written, in
                    // one transaction.
                    let mut tx = self.control().begin().await.map_err($map_err)?;
                    for table in ["api_key_certs", "api_key_subject_certs"] {
                        sqlx::query(&format!("DELETE FROM {}{table} WHERE key_id = $1", $t))
                            .bind(key_id)
                            .execute(&mut *tx)
                            .await
                            .map_err($map_err)?;
                    }
                    match binding {
                        KeyBinding::Certificate(sha256) => {
                            sqlx::query(concat!(
                                "INSERT INTO ",
                                $t,
                                "api_key_certs (key_id, sha256) VALUES ($1, $2)"
                            ))
                            .bind(key_id)
                            .bind(&sha256[..])
                            .execute(&mut *tx)
                            .await
                            .map_err($map_err)?;
                        }
                        KeyBinding::SubjectAndCa { subject, ca_sha256 } => {
                            sqlx::query(concat!(
                                "INSERT INTO ",
                                $t,
                                "api_key_subject_certs (key_id, subject, ca_sha256) VALUES ($1, $2, $3)"
                            ))
                            .bind(key_id)
                            .bind(&subject[..])
                            .bind(&ca_sha256[..])
                            .execute(&mut *tx)
                            .await
                            .map_err($map_err)?;
                        }
                    }
                    tx.commit().await.map_err($map_err)
                }

                async fn api_key_binding(&self, key_id: &str) -> Result<Option<KeyBinding>, StoreError> {
                    let corrupt = || StoreError::Corrupt("certificate binding of an API key".into());
                    let cert: Option<(Vec<u8>,)> =
                        sqlx::query_as(concat!("SELECT sha256 FROM ", $t, "api_key_certs WHERE key_id = $1"))
                            .bind(key_id)
                            .fetch_optional(self.control())
                            .await
                            .map_err($map_err)?;
                    let subject: Option<(Vec<u8>, Vec<u8>)> = sqlx::query_as(concat!(
                        "SELECT subject, ca_sha256 FROM ",
                        $t,
                        "api_key_subject_certs WHERE key_id = $1"
                    ))
                    .bind(key_id)
                    .fetch_optional(self.control())
                    .await
                    .map_err($map_err)?;
                    match (cert, subject) {
                        (None, None) => Ok(None),
                        (Some((sha256,)), None) => {
                            Ok(Some(KeyBinding::Certificate(sha256.try_into().map_err(|_| corrupt())?)))
                        }
                        (None, Some((subject, ca))) if !subject.is_empty() => {
                            Ok(Some(KeyBinding::SubjectAndCa {
                                subject,
                                ca_sha256: ca.try_into().map_err(|_| corrupt())?,
                            }))
                        }
                        // Two bindings (or an empty subject) cannot be written by
                        // `bind_api_key`: refuse rather than pick one.
                        _ => Err(corrupt()),
                    }
                }
            }
        };
    };
}

pub(crate) use request_store;
