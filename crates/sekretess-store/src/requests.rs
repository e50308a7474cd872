//! Pending requests of dual control (`RequestStore`) in the control database: one
//! implementation for both backends, in the SQL they share (see `crate::people`).

/// Implements `RequestStore` for a store type whose `control()` is its control database's
/// pool; `tables` and `map_err` as for `people_store!`.
macro_rules! request_store {
    ($store:ty, tables: $t:literal, map_err: $map_err:path $(,)?) => {
        const _: () = {
            use sekretess_core::error::StoreError;
            use sekretess_core::people::{NewRequest, RequestKind, RequestRow, RequestState, RequestStore};

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

                async fn bind_api_key(&self, key_id: &str, sha256: &[u8; 32]) -> Result<(), StoreError> {
                    sqlx::query(concat!(
                        "INSERT INTO ",
                        $t,
                        "api_key_certs (key_id, sha256) VALUES ($1, $2) ",
                        "ON CONFLICT (key_id) DO UPDATE SET sha256 = excluded.sha256"
                    ))
                    .bind(key_id)
                    .bind(&sha256[..])
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(())
                }

                async fn api_key_binding(&self, key_id: &str) -> Result<Option<[u8; 32]>, StoreError> {
                    let row: Option<(Vec<u8>,)> =
                        sqlx::query_as(concat!("SELECT sha256 FROM ", $t, "api_key_certs WHERE key_id = $1"))
                            .bind(key_id)
                            .fetch_optional(self.control())
                            .await
                            .map_err($map_err)?;
                    row.map(|(b,)| {
                        b.try_into()
                            .map_err(|_| StoreError::Corrupt("certificate binding of an API key".into()))
                    })
                    .transpose()
                }
            }
        };
    };
}

pub(crate) use request_store;
