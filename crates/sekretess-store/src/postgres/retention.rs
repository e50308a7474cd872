//! Retention (issue 24): legal holds and batched erasure journal entries in the control
//! database; the retention query, `retain_until` and batched erasure in a group's schema.

use sekretess_core::error::StoreError;

use super::*;
use crate::codec::version_from_sql;

impl PgStore {
    pub(super) async fn journal_erasures(
        &self,
        codes: &[String],
        group: u32,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sekretess.erasures (code, group_id, erased_at) \
             SELECT c, $2, $3 FROM UNNEST($1::text[]) AS c ON CONFLICT (code) DO NOTHING",
        )
        .bind(codes)
        .bind(i64::from(group))
        .bind(at)
        .execute(self.control())
        .await
        .map_err(map_err)?;
        Ok(())
    }

    pub(super) async fn hold(&self, code: &str, group: u32, at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sekretess.legal_holds (code, group_id, set_at) VALUES ($1, $2, $3) \
             ON CONFLICT (code) DO NOTHING",
        )
        .bind(code)
        .bind(i64::from(group))
        .bind(at)
        .execute(self.control())
        .await
        .map_err(map_err)?;
        Ok(())
    }

    pub(super) async fn release(&self, code: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM sekretess.legal_holds WHERE code = $1")
            .bind(code)
            .execute(self.control())
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn hold_of(&self, code: &str) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT set_at FROM sekretess.legal_holds WHERE code = $1")
            .bind(code)
            .fetch_optional(self.control())
            .await
            .map_err(map_err)?;
        Ok(row.map(|(t,)| t))
    }

    pub(super) async fn holds(&self, group: u32) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT code FROM sekretess.legal_holds WHERE group_id = $1 ORDER BY code")
                .bind(i64::from(group))
                .fetch_all(self.control())
                .await
                .map_err(map_err)?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }
}

impl PgGroup {
    pub(super) async fn due(
        &self,
        now: i64,
        changed_before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT code, version FROM {s}.customers WHERE retain_until <= $1 \
             UNION ALL SELECT code, version FROM {s}.customers WHERE retain_until IS NULL AND updated_at <= $2 \
             ORDER BY code LIMIT $3"
        ))
        .bind(now)
        .bind(changed_before.unwrap_or(i64::MIN))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        rows.into_iter().map(|(c, v)| Ok((c, version_from_sql(v)?))).collect()
    }

    pub(super) async fn retain(&self, code: &str, until: Option<i64>) -> Result<bool, StoreError> {
        self.ready().await?;
        let done = sqlx::query(&format!(
            "UPDATE {}.customers SET retain_until = $1 WHERE code = $2",
            self.inner.schema
        ))
        .bind(until)
        .bind(code)
        .execute(&self.inner.pool)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn erase_many(&self, codes: &[String]) -> Result<u64, StoreError> {
        if codes.is_empty() {
            return Ok(0);
        }
        self.ready().await?;
        let s = &self.inner.schema;
        let mut tx = self.inner.pool.begin().await.map_err(map_err)?;
        sqlx::query(&format!("DELETE FROM {s}.blind_index WHERE code = ANY($1)"))
            .bind(codes)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let done = sqlx::query(&format!("DELETE FROM {s}.customers WHERE code = ANY($1)"))
            .bind(codes)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(done.rows_affected())
    }
}
