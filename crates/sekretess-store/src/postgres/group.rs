//! `GroupStore` for PostgreSQL: one group's customer rows and blind index, in its schema.

use sekretess_core::store::{
    CustomerRecord, CustomerWrite, GroupStore, IndexEntry, PendingBatch, Rewrap, WrappedDek,
};
use sqlx::postgres::PgConnection;
use sqlx::{Postgres, QueryBuilder, Transaction};

use super::pool::migrate_schema;
use super::*;
use crate::codec::{
    customer_record, encode_fields, kek_count, push_record_columns, version_to_sql, wrapped_dek,
};
use crate::migrate;

/// A unique violation on the blind index names the field when the chunk has only one
/// unique field; otherwise the caller retries item by item and learns it then.
fn unique_field(e: sqlx::Error, chunk: &[(&str, &IndexEntry)]) -> StoreError {
    match map_err(e) {
        StoreError::Conflict { .. } => {
            let mut unique_fields: Vec<&str> =
                chunk.iter().filter(|(_, e)| e.unique).map(|(_, e)| e.field.as_str()).collect();
            unique_fields.sort_unstable();
            unique_fields.dedup();
            let what = if unique_fields.len() == 1 { unique_fields[0] } else { "a unique field" };
            StoreError::Conflict { what: what.to_owned() }
        }
        other => other,
    }
}

impl PgGroup {
    /// `control`, or the URL (without password) of the group's database.
    pub fn location(&self) -> &str {
        &self.inner.location
    }

    pub fn schema(&self) -> &str {
        &self.inner.schema
    }

    /// Migrates the group's schema once per process, on first use.
    pub(super) async fn ready(&self) -> Result<(), StoreError> {
        let g = &self.inner;
        g.ready
            .get_or_try_init(|| migrate_schema(&g.options, g.timeout, &g.schema, migrate::POSTGRES_GROUP))
            .await
            .map(|_| ())
    }

    /// Writes customer rows and their index entries in a transaction.
    async fn insert_rows(&self, tx: &mut PgConnection, batch: &[CustomerWrite]) -> Result<(), StoreError> {
        let s = &self.inner.schema;
        for chunk in batch.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
                "INSERT INTO {s}.customers (code, version, kek_version, wrapped_dek, fields, created_at, updated_at, retain_until) "
            ));
            q.push_values(chunk, |mut b, w| {
                let r = &w.record;
                push_record_columns(&mut b, r);
                b.push_bind(r.created_at).push_bind(r.updated_at).push_bind(r.retain_until);
            });
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        self.insert_index(tx, batch).await
    }

    async fn insert_index(&self, tx: &mut PgConnection, writes: &[CustomerWrite]) -> Result<(), StoreError> {
        let entries: Vec<(&str, &IndexEntry)> =
            writes.iter().flat_map(|w| w.index.iter().map(move |e| (w.record.code.as_str(), e))).collect();
        for chunk in entries.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
                "INSERT INTO {}.blind_index (field, hash, code, uniq) ",
                self.inner.schema
            ));
            q.push_values(chunk, |mut b, (code, e)| {
                b.push_bind(e.field.as_str()).push_bind(&e.hash[..]).push_bind(*code).push_bind(e.unique);
            });
            q.build().execute(&mut *tx).await.map_err(|e| unique_field(e, chunk))?;
        }
        Ok(())
    }
}

/// A batch of new customers being written to a group's schema
/// ([`GroupStore::begin_batch`]): each part's rows and index entries go in as it comes.
pub struct PgBatch {
    tx: Transaction<'static, Postgres>,
    group: PgGroup,
}

impl PendingBatch for PgBatch {
    async fn write(&mut self, part: &[CustomerWrite]) -> Result<(), StoreError> {
        self.group.insert_rows(&mut self.tx, part).await
    }

    async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(map_err)
    }

    async fn abort(self) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(map_err)
    }
}

impl GroupStore for PgGroup {
    type PendingBatch = PgBatch;

    async fn begin_batch(&self) -> Result<PgBatch, StoreError> {
        self.ready().await?;
        let tx = self.inner.pool.begin().await.map_err(map_err)?;
        Ok(PgBatch { tx, group: self.clone() })
    }

    async fn get_customers(&self, codes: &[String]) -> Result<Vec<CustomerRecord>, StoreError> {
        self.ready().await?;
        let rows = sqlx::query(&format!(
            "SELECT code, version, kek_version, wrapped_dek, fields, created_at, updated_at, retain_until \
             FROM {}.customers WHERE code = ANY($1)",
            self.inner.schema
        ))
        .bind(codes)
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(customer_record).collect()
    }

    async fn update_customer(&self, write: &CustomerWrite, from_version: u64) -> Result<bool, StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        let r = &write.record;
        let mut tx = self.inner.pool.begin().await.map_err(map_err)?;
        let done = rewrite_row(&mut tx, s, write, from_version).await?;
        if !done {
            // Gone, or written by another update since the caller read it: nothing is
            // written (the transaction is rolled back when dropped).
            return Ok(false);
        }
        sqlx::query(&format!("DELETE FROM {s}.blind_index WHERE code = $1"))
            .bind(r.code.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        self.insert_index(&mut tx, std::slice::from_ref(write)).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn write_round(
        &self,
        inserts: &[CustomerWrite],
        updates: &[(CustomerWrite, u64)],
        erases: &[String],
    ) -> Result<Vec<bool>, StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        let mut tx = self.inner.pool.begin().await.map_err(map_err)?;
        // Erasures first: a value an erased customer held is free for the others.
        if !erases.is_empty() {
            for statement in [
                format!("DELETE FROM {s}.blind_index WHERE code = ANY($1)"),
                format!("DELETE FROM {s}.customers WHERE code = ANY($1)"),
                format!(
                    "UPDATE {s}.tokens SET state = 'erased', value = NULL, value_hash = NULL \
                     WHERE code = ANY($1) AND state <> 'erased'"
                ),
            ] {
                sqlx::query(&statement).bind(erases).execute(&mut *tx).await.map_err(map_err)?;
            }
        }
        let mut written = Vec::with_capacity(updates.len());
        let mut updated = Vec::new();
        for (write, from_version) in updates {
            // Gone, or written by another update since the caller read it: not written.
            let done = rewrite_row(&mut tx, s, write, *from_version).await?;
            if done {
                updated.push(write.record.code.clone());
            }
            written.push(done);
        }
        if !updated.is_empty() {
            sqlx::query(&format!("DELETE FROM {s}.blind_index WHERE code = ANY($1)"))
                .bind(&updated)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            let writes: Vec<CustomerWrite> =
                updates.iter().zip(&written).filter(|(_, w)| **w).map(|((w, _), _)| w.clone()).collect();
            self.insert_index(&mut tx, &writes).await?;
        }
        if !inserts.is_empty() {
            self.insert_rows(&mut tx, inserts).await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(written)
    }

    async fn wrapped_deks(
        &self,
        current: u32,
        after: &str,
        limit: usize,
    ) -> Result<Vec<WrappedDek>, StoreError> {
        self.ready().await?;
        let rows: Vec<(String, i64, i64, Vec<u8>)> = sqlx::query_as(&format!(
            "SELECT code, version, kek_version, wrapped_dek FROM {}.customers \
             WHERE code > $1 AND kek_version <> $2 ORDER BY code LIMIT $3",
            self.inner.schema
        ))
        .bind(after)
        .bind(i64::from(current))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        rows.into_iter().map(wrapped_dek).collect()
    }

    async fn rewrap(&self, items: &[Rewrap]) -> Result<u64, StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        let mut tx = self.inner.pool.begin().await.map_err(map_err)?;
        let mut written = 0;
        for chunk in items.chunks(ROWS_PER_STATEMENT.min(1000)) {
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
                "UPDATE {s}.customers AS c SET kek_version = v.to_kek, wrapped_dek = v.dek FROM ("
            ));
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.code.as_str())
                    .push_bind(version_to_sql(r.version))
                    .push_bind(i64::from(r.from_kek))
                    .push_bind(i64::from(r.to_kek))
                    .push_bind(r.wrapped_dek.as_slice());
            });
            q.push(
                ") AS v (code, version, from_kek, to_kek, dek) \
                 WHERE c.code = v.code AND c.version = v.version AND c.kek_version = v.from_kek",
            );
            written += q.build().execute(&mut *tx).await.map_err(map_err)?.rows_affected();
        }
        tx.commit().await.map_err(map_err)?;
        Ok(written)
    }

    async fn kek_counts(&self) -> Result<Vec<(u32, u64)>, StoreError> {
        self.ready().await?;
        let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT kek_version, COUNT(*) FROM {}.customers GROUP BY kek_version ORDER BY kek_version",
            self.inner.schema
        ))
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        rows.into_iter().map(kek_count).collect()
    }

    async fn retention_due(
        &self,
        now: i64,
        changed_before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        self.due(now, changed_before, limit).await
    }

    async fn set_retain_until(&self, code: &str, until: Option<i64>) -> Result<bool, StoreError> {
        self.retain(code, until).await
    }

    async fn erase_customers(&self, codes: &[String]) -> Result<u64, StoreError> {
        self.erase_many(codes).await
    }

    async fn erase_customer(&self, code: &str) -> Result<bool, StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        let mut tx = self.inner.pool.begin().await.map_err(map_err)?;
        sqlx::query(&format!("DELETE FROM {s}.blind_index WHERE code = $1"))
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let done = sqlx::query(&format!("DELETE FROM {s}.customers WHERE code = $1"))
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn find(&self, field: &str, hash: &[u8; 32], _unique: bool) -> Result<Vec<String>, StoreError> {
        self.ready().await?;
        let rows: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT code FROM {}.blind_index WHERE field = $1 AND hash = $2 ORDER BY code",
            self.inner.schema
        ))
        .bind(field)
        .bind(&hash[..])
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    // ---- known customers (issue 18)

    /// All probes in one statement: the (field, hash) pairs as two arrays, joined with the
    /// index on its (field, hash) order.
    async fn find_many(&self, probes: &[IndexEntry]) -> Result<Vec<(usize, String)>, StoreError> {
        if probes.is_empty() {
            return Ok(Vec::new());
        }
        self.ready().await?;
        let fields: Vec<&str> = probes.iter().map(|p| p.field.as_str()).collect();
        let hashes: Vec<&[u8]> = probes.iter().map(|p| &p.hash[..]).collect();
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT q.i, b.code FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS q(field, hash, i) \
             JOIN {}.blind_index b ON b.field = q.field AND b.hash = q.hash",
            self.inner.schema
        ))
        .bind(&fields)
        .bind(&hashes)
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for (i, code) in rows {
            match usize::try_from(i - 1).ok().filter(|&i| i < probes.len()) {
                Some(i) => out.push((i, code)),
                None => return Err(StoreError::Corrupt("a probe index out of range".into())),
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Vacuums the group's tables so deleted rows' space is reclaimed and reused. Erased
    /// bytes may stay in free space and in the write-ahead log until PostgreSQL overwrites
    /// or recycles them; what makes an erasure final is that the data key is gone
    /// (crypto-shredding). See docs/scaling.md.
    async fn purge_erased(&self) -> Result<(), StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        sqlx::query(&format!("VACUUM {s}.blind_index, {s}.customers"))
            .execute(&self.inner.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }
}

/// Writes an updated record over its row if the row is still at `from_version`; whether it
/// was (a row gone or updated since the caller read it is left as it is).
async fn rewrite_row(
    tx: &mut Transaction<'_, Postgres>,
    schema: &str,
    write: &CustomerWrite,
    from_version: u64,
) -> Result<bool, StoreError> {
    let r = &write.record;
    let done = sqlx::query(&format!(
        "UPDATE {schema}.customers SET version = $1, kek_version = $2, wrapped_dek = $3, fields = $4, \
         updated_at = $5, retain_until = $6 WHERE code = $7 AND version = $8"
    ))
    .bind(version_to_sql(r.version))
    .bind(i64::from(r.kek_version))
    .bind(r.wrapped_dek.as_slice())
    .bind(encode_fields(&r.fields))
    .bind(r.updated_at)
    .bind(r.retain_until)
    .bind(r.code.as_str())
    .bind(version_to_sql(from_version))
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(done.rows_affected() == 1)
}
