//! API keys in the SQLite control database.

use sekretess_core::access::{AccessStore, ApiKeyRecord};
use sekretess_core::error::StoreError;
use sqlx::Row;

use crate::sqlite::{SqliteStore, map_err};

fn key_row(row: &sqlx::sqlite::SqliteRow) -> Result<ApiKeyRecord, StoreError> {
    let hash: Vec<u8> = row.try_get("secret_hash").map_err(map_err)?;
    let words = |col: &str| -> Result<Vec<String>, StoreError> {
        let s: String = row.try_get(col).map_err(map_err)?;
        Ok(s.split_whitespace().map(str::to_owned).collect())
    };
    Ok(ApiKeyRecord {
        id: row.try_get("id").map_err(map_err)?,
        name: row.try_get("name").map_err(map_err)?,
        secret_hash: hash.try_into().map_err(|_| StoreError::Corrupt("api key hash".into()))?,
        scopes: words("scopes")?,
        groups: words("groups")?,
        created_at: row.try_get("created_at").map_err(map_err)?,
        revoked_at: row.try_get("revoked_at").map_err(map_err)?,
    })
}

impl AccessStore for SqliteStore {
    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_keys (id, name, secret_hash, scopes, groups, created_at, revoked_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&key.id)
        .bind(&key.name)
        .bind(&key.secret_hash[..])
        .bind(key.scopes.join(" "))
        .bind(key.groups.join(" "))
        .bind(key.created_at)
        .bind(key.revoked_at)
        .execute(&self.control)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM api_keys WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.control)
            .await
            .map_err(map_err)?;
        row.as_ref().map(key_row).transpose()
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM api_keys ORDER BY created_at, id")
            .fetch_all(&self.control)
            .await
            .map_err(map_err)?;
        rows.iter().map(key_row).collect()
    }

    async fn revoke_api_key(&self, id: &str, at: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }
}
