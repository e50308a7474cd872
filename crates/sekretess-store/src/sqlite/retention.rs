//! Retention (issue 24): legal holds and batched erasure journal entries in the control
//! database; the retention query, `retain_until` and batched erasure in a group's.

use sekretess_core::error::StoreError;
use sekretess_core::store::IndexEntry;
use sqlx::{QueryBuilder, Sqlite};

use super::index::decode_index;
use super::*;
use crate::codec::version_from_sql;

/// An index entry of a customer being erased, with its code.
type Entry<'a> = (IndexEntry, &'a str);

/// Rows per statement, well under SQLite's limit of bound parameters.
const PART: usize = 400;

impl SqliteStore {
    pub(super) async fn journal_erasures(
        &self,
        codes: &[String],
        group: u32,
        at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.control.begin().await.map_err(map_err)?;
        for part in codes.chunks(PART) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT OR IGNORE INTO erasures (code, group_id, erased_at) ");
            q.push_values(part, |mut b, code| {
                b.push_bind(code.as_str()).push_bind(i64::from(group)).push_bind(at);
            });
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    pub(super) async fn hold(&self, code: &str, group: u32, at: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT OR IGNORE INTO legal_holds (code, group_id, set_at) VALUES (?, ?, ?)")
            .bind(code)
            .bind(i64::from(group))
            .bind(at)
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    pub(super) async fn release(&self, code: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM legal_holds WHERE code = ?")
            .bind(code)
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn hold_of(&self, code: &str) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT set_at FROM legal_holds WHERE code = ?")
            .bind(code)
            .fetch_optional(&self.control)
            .await
            .map_err(map_err)?;
        Ok(row.map(|(t,)| t))
    }

    pub(super) async fn holds(&self, group: u32) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT code FROM legal_holds WHERE group_id = ? ORDER BY code")
                .bind(i64::from(group))
                .fetch_all(&self.control)
                .await
                .map_err(map_err)?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }
}

impl SqliteGroup {
    pub(super) async fn due(
        &self,
        now: i64,
        changed_before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT code, version FROM customers WHERE retain_until <= ?1 \
             UNION ALL SELECT code, version FROM customers WHERE retain_until IS NULL AND updated_at <= ?2 \
             ORDER BY code LIMIT ?3",
        )
        .bind(now)
        .bind(changed_before.unwrap_or(i64::MIN))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.into_iter().map(|(c, v)| Ok((c, version_from_sql(v)?))).collect()
    }

    pub(super) async fn retain(&self, code: &str, until: Option<i64>) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE customers SET retain_until = ? WHERE code = ?")
            .bind(until)
            .bind(code)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes the records and their index entries set-wise: a statement per table and
    /// part, not per entry.
    pub(super) async fn erase_many(&self, codes: &[String]) -> Result<u64, StoreError> {
        if codes.is_empty() {
            return Ok(0);
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(map_err)?;
        let erased = erase_rows(&mut tx, codes).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(erased)
    }
}

/// Deletes the records of `codes` and their index entries in `tx`; returns how many there
/// were.
pub(super) async fn erase_rows(tx: &mut sqlx::SqliteConnection, codes: &[String]) -> Result<u64, StoreError> {
    {
        let mut erased = 0u64;
        for part in codes.chunks(PART) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT code, index_entries FROM customers WHERE code IN (");
            let mut list = q.separated(", ");
            for code in part {
                list.push_bind(code.as_str());
            }
            q.push(")");
            let rows: Vec<(String, Vec<u8>)> =
                q.build_query_as().fetch_all(&mut *tx).await.map_err(map_err)?;
            let (mut unique, mut blind): (Vec<Entry<'_>>, Vec<Entry<'_>>) = (vec![], vec![]);
            for (code, blob) in &rows {
                for e in decode_index(blob)? {
                    if e.unique { unique.push((e, code)) } else { blind.push((e, code)) }
                }
            }
            // As `delete_index` does one by one: an entry is either staged or merged.
            for (entries, tables) in [
                (
                    &unique,
                    ["unique_index WHERE", "unique_runs WHERE run IN (SELECT run FROM index_runs) AND"],
                ),
                (&blind, ["blind_index WHERE", "staged_blind WHERE run IN (SELECT run FROM index_runs) AND"]),
            ] {
                for pairs in entries.chunks(PART / 2) {
                    for table in tables {
                        let mut q: QueryBuilder<Sqlite> =
                            QueryBuilder::new(format!("DELETE FROM {table} (hash, code) IN (VALUES "));
                        let mut list = q.separated(", ");
                        for (e, code) in pairs {
                            list.push("(");
                            list.push_bind_unseparated(&e.hash[..]);
                            list.push_unseparated(", ");
                            list.push_bind_unseparated(*code);
                            list.push_unseparated(")");
                        }
                        q.push(")");
                        q.build().execute(&mut *tx).await.map_err(map_err)?;
                    }
                }
            }
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("DELETE FROM customers WHERE code IN (");
            let mut list = q.separated(", ");
            for (code, _) in &rows {
                list.push_bind(code.as_str());
            }
            q.push(")");
            if !rows.is_empty() {
                erased += q.build().execute(&mut *tx).await.map_err(map_err)?.rows_affected();
            }
        }
        Ok(erased)
    }
}
