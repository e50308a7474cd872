//! Token mappings in a SQLite group store (`TokenStore`).

use sekretess_core::store::{TokenRow, TokenStore};
use sqlx::{QueryBuilder, Sqlite};

use super::*;
use crate::codec::tokens::{HASHES_PER_QUERY, ROWS_PER_INSERT, TOKEN_COLUMNS, token_row};

impl TokenStore for SqliteGroup {
    async fn insert_tokens(&self, rows: &[TokenRow]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new(format!("INSERT INTO tokens ({TOKEN_COLUMNS}) "));
            q.push_values(chunk, |mut b, r| {
                b.push_bind(&r.hash[..])
                    .push_bind(r.format.as_str())
                    .push_bind(r.kind.as_str())
                    .push_bind(r.value.as_deref())
                    .push_bind(r.value_hash.as_ref().map(|h| &h[..]))
                    .push_bind(r.customer.as_deref())
                    .push_bind(r.created_at)
                    .push_bind(r.expires_at)
                    .push_bind(r.state.as_str());
            });
            q.push(" ON CONFLICT (hash) DO NOTHING");
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(())
    }

    async fn get_tokens(&self, hashes: &[[u8; 32]]) -> Result<Vec<TokenRow>, StoreError> {
        let mut out = Vec::new();
        for chunk in hashes.chunks(HASHES_PER_QUERY) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new(format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash IN ("));
            let mut sep = q.separated(", ");
            for h in chunk {
                sep.push_bind(&h[..]);
            }
            q.push(")");
            for row in q.build().fetch_all(&self.pool).await.map_err(map_err)? {
                out.push(token_row(&row)?);
            }
        }
        Ok(out)
    }

    async fn token_by_value(&self, value_hash: &[u8; 32]) -> Result<Option<TokenRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE value_hash = ? AND state = 'active' \
             ORDER BY created_at DESC LIMIT 1"
        ))
        .bind(&value_hash[..])
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        row.as_ref().map(token_row).transpose()
    }

    async fn revoke_tokens(&self, hashes: &[[u8; 32]]) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let mut n = 0;
        for chunk in hashes.chunks(HASHES_PER_QUERY) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "UPDATE tokens SET state = 'revoked', value = NULL, value_hash = NULL \
                 WHERE state = 'active' AND hash IN (",
            );
            let mut sep = q.separated(", ");
            for h in chunk {
                sep.push_bind(&h[..]);
            }
            q.push(")");
            n += q.build().execute(&mut *tx).await.map_err(map_err)?.rows_affected();
        }
        tx.commit().await.map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(n)
    }

    async fn erase_tokens_of(&self, code: &str) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE tokens SET state = 'erased', value = NULL, value_hash = NULL \
             WHERE code = ? AND state <> 'erased'",
        )
        .bind(code)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(done.rows_affected())
    }
}
