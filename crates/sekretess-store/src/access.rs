//! API keys in the control database: one implementation of `AccessStore` for both backends,
//! in the SQL they share (`$N` placeholders in ascending first use; see `crate::people`).

/// Implements `AccessStore` for a store type whose `control()` is its control database's
/// pool: `tables` is put before every table name (`""` or `"sekretess."`), `map_err` is the
/// backend's `fn(sqlx::Error) -> StoreError`.
macro_rules! access_store {
    ($store:ty, tables: $t:literal, map_err: $map_err:path $(,)?) => {
        // The imports are the expansion's own: the invoking module needs none of them.
        const _: () = {
            use sekretess_core::access::{AccessStore, ApiKeyRecord};
            use sekretess_core::error::StoreError;
            use $crate::codec::people::api_key;

            impl AccessStore for $store {
                async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
                    sqlx::query(concat!(
                        "INSERT INTO ",
                        $t,
                        "api_keys (id, name, secret_hash, scopes, groups, created_at, revoked_at) ",
                        "VALUES ($1, $2, $3, $4, $5, $6, $7)"
                    ))
                    .bind(&key.id)
                    .bind(&key.name)
                    .bind(&key.secret_hash[..])
                    .bind(key.scopes.join(" "))
                    .bind(key.groups.join(" "))
                    .bind(key.created_at)
                    .bind(key.revoked_at)
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(())
                }

                async fn get_api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
                    let row = sqlx::query(concat!("SELECT * FROM ", $t, "api_keys WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(self.control())
                        .await
                        .map_err($map_err)?;
                    row.as_ref().map(api_key).transpose()
                }

                async fn list_api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
                    let rows = sqlx::query(concat!("SELECT * FROM ", $t, "api_keys ORDER BY created_at, id"))
                        .fetch_all(self.control())
                        .await
                        .map_err($map_err)?;
                    rows.iter().map(api_key).collect()
                }

                async fn revoke_api_key(&self, id: &str, at: i64) -> Result<bool, StoreError> {
                    let done = sqlx::query(concat!(
                        "UPDATE ",
                        $t,
                        "api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
                    ))
                    .bind(at)
                    .bind(id)
                    .execute(self.control())
                    .await
                    .map_err($map_err)?;
                    Ok(done.rows_affected() == 1)
                }
            }
        };
    };
}

pub(crate) use access_store;
