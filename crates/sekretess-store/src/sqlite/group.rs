//! `GroupStore` for SQLite: one group's customer rows.

use sekretess_core::store::{
    CustomerRecord, CustomerWrite, GroupStore, IndexEntry, PendingBatch, Rewrap, WrappedDek,
};
use sqlx::{QueryBuilder, Sqlite, Transaction};

use super::index::{NewIndexEntries, decode_index, delete_index, encode_index, insert_index, stored_index};
use super::*;
use crate::codec::{
    customer_record, kek_count, push_record_columns, version_from_sql, version_to_sql, wrapped_dek,
};
use crate::index_blocks;

/// `get_customers` on a [`Reader`](super::reader::Reader) connection. A row that does not
/// decode is an error here, so that the pool's read reports it.
fn read_customers(conn: &rusqlite::Connection, codes: &[String]) -> rusqlite::Result<Vec<CustomerRecord>> {
    let sql = format!(
        "SELECT code, version, kek_version, wrapped_dek, fields, created_at, updated_at, retain_until FROM customers WHERE code IN ({})",
        super::reader::placeholders(codes.len())
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(rusqlite::params_from_iter(codes), |row| {
        let undecodable = |i, e: StoreError| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Blob, Box::new(e))
        };
        let fields: Vec<u8> = row.get(4)?;
        Ok(CustomerRecord {
            code: row.get(0)?,
            version: version_from_sql(row.get(1)?).map_err(|e| undecodable(1, e))?,
            kek_version: row.get(2)?,
            wrapped_dek: row.get(3)?,
            fields: decode_fields(&fields).map_err(|e| undecodable(4, e))?,
            created_at: row.get(5)?,
            updated_at: row.get(6)?,
            retain_until: row.get(7)?,
        })
    })?;
    rows.collect()
}

/// Writes customer rows (their index entries are `insert_index`'s) in a transaction.
async fn insert_rows(tx: &mut sqlx::SqliteConnection, writes: &[CustomerWrite]) -> Result<(), StoreError> {
    for chunk in writes.chunks(ROWS_PER_STATEMENT) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT OR FAIL INTO customers (code, version, kek_version, wrapped_dek, fields, index_entries, created_at, updated_at, retain_until) ",
        );
        q.push_values(chunk, |mut b, w| {
            let r = &w.record;
            push_record_columns(&mut b, r);
            b.push_bind(encode_index(&w.index))
                .push_bind(r.created_at)
                .push_bind(r.updated_at)
                .push_bind(r.retain_until);
        });
        q.build().execute(&mut *tx).await.map_err(map_err)?;
    }
    Ok(())
}

/// A batch of new customers being written to a group's database
/// ([`GroupStore::begin_batch`]): the rows go in part by part, the index entries all at
/// once at the commit (sorted, they fill pages in key order).
pub struct SqliteBatch {
    tx: Transaction<'static, Sqlite>,
    group: SqliteGroup,
    index: NewIndexEntries,
}

impl PendingBatch for SqliteBatch {
    async fn write(&mut self, part: &[CustomerWrite]) -> Result<(), StoreError> {
        insert_rows(&mut self.tx, part).await?;
        self.index.add(part);
        Ok(())
    }

    async fn commit(mut self) -> Result<(), StoreError> {
        let g = &self.group;
        insert_index(&mut self.tx, &self.index, g.staging, &g.filters).await?;
        self.tx.commit().await.map_err(map_err)?;
        g.checkpoints.after_commit(&g.pool);
        Ok(())
    }

    async fn abort(self) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(map_err)
    }
}

impl GroupStore for SqliteGroup {
    type PendingBatch = SqliteBatch;

    async fn begin_batch(&self) -> Result<SqliteBatch, StoreError> {
        let tx = self.pool.begin().await.map_err(map_err)?;
        Ok(SqliteBatch { tx, group: self.clone(), index: NewIndexEntries::default() })
    }

    async fn get_customers(&self, codes: &[String]) -> Result<Vec<CustomerRecord>, StoreError> {
        if let Some(found) = self.reader.read(|conn| read_customers(conn, codes)) {
            return Ok(found);
        }
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT code, version, kek_version, wrapped_dek, fields, created_at, updated_at, retain_until FROM customers WHERE code IN (",
        );
        let mut list = q.separated(", ");
        for code in codes {
            list.push_bind(code.as_str());
        }
        q.push(")");
        let rows = q.build().fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(customer_record).collect()
    }

    async fn update_customer(&self, write: &CustomerWrite, from_version: u64) -> Result<bool, StoreError> {
        // The write lock first: a read-then-write transaction that meets another writer
        // (a concurrent rewrap, say) would otherwise fail at once instead of waiting.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(map_err)?;
        // Not written: nothing is (the transaction is rolled back when dropped).
        if !rewrite_if_at(&mut tx, write, from_version).await? {
            return Ok(false);
        }
        insert_index(&mut tx, &NewIndexEntries::of(std::slice::from_ref(write)), self.staging, &self.filters)
            .await?;
        tx.commit().await.map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(true)
    }

    async fn write_round(
        &self,
        inserts: &[CustomerWrite],
        updates: &[(CustomerWrite, u64)],
        erases: &[String],
    ) -> Result<Vec<bool>, StoreError> {
        // The write lock first, as in `update_customer`.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(map_err)?;
        // Erasures first: a value an erased customer held is free for the others.
        if !erases.is_empty() {
            super::retention::erase_rows(&mut tx, erases).await?;
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "UPDATE tokens SET state = 'erased', value = NULL, value_hash = NULL \
                 WHERE state <> 'erased' AND code IN (",
            );
            let mut list = q.separated(", ");
            for code in erases {
                list.push_bind(code.as_str());
            }
            q.push(")");
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        let mut index = NewIndexEntries::of(inserts);
        let mut written = Vec::with_capacity(updates.len());
        for (write, from_version) in updates {
            let ok = rewrite_if_at(&mut tx, write, *from_version).await?;
            if ok {
                index.add(std::slice::from_ref(write));
            }
            written.push(ok);
        }
        insert_rows(&mut tx, inserts).await?;
        insert_index(&mut tx, &index, self.staging, &self.filters).await?;
        tx.commit().await.map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(written)
    }

    async fn wrapped_deks(
        &self,
        current: u32,
        after: &str,
        limit: usize,
    ) -> Result<Vec<WrappedDek>, StoreError> {
        let rows: Vec<(String, i64, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT code, version, kek_version, wrapped_dek FROM customers \
             WHERE code > ? AND kek_version <> ? ORDER BY code LIMIT ?",
        )
        .bind(after)
        .bind(i64::from(current))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.into_iter().map(wrapped_dek).collect()
    }

    async fn rewrap(&self, items: &[Rewrap]) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let mut written = 0;
        // Five values a row, well under SQLite's limit of bound values per statement.
        for chunk in items.chunks(ROWS_PER_STATEMENT.min(1000)) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "UPDATE customers SET kek_version = v.column4, wrapped_dek = v.column5 FROM (",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.code.as_str())
                    .push_bind(version_to_sql(r.version))
                    .push_bind(i64::from(r.from_kek))
                    .push_bind(i64::from(r.to_kek))
                    .push_bind(r.wrapped_dek.as_slice());
            });
            q.push(
                ") AS v WHERE customers.code = v.column1 AND customers.version = v.column2 \
                 AND customers.kek_version = v.column3",
            );
            written += q.build().execute(&mut *tx).await.map_err(map_err)?.rows_affected();
        }
        tx.commit().await.map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(written)
    }

    async fn kek_counts(&self) -> Result<Vec<(u32, u64)>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT kek_version, COUNT(*) FROM customers GROUP BY kek_version ORDER BY kek_version",
        )
        .fetch_all(&self.pool)
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
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(map_err)?;
        let Some(entries) = stored_index(&mut tx, code).await? else { return Ok(false) };
        delete_index(&mut tx, code, &entries).await?;
        sqlx::query("DELETE FROM customers WHERE code = ?")
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn find(&self, _field: &str, hash: &[u8; 32], unique: bool) -> Result<Vec<String>, StoreError> {
        // The hash is keyed per group and field, so it alone selects the field's entries:
        // in the index from before runs, and in each run.
        if unique {
            return self.find_unique(hash).await;
        }
        // Rows (code, NULL) and, per run with blocks, the block that would hold it (NULL, blob).
        let rows: Vec<(Option<String>, Option<Vec<u8>>)> = sqlx::query_as(
            "SELECT code, NULL FROM blind_index WHERE hash = ?1 \
             UNION ALL SELECT code, NULL FROM staged_blind WHERE run IN (SELECT run FROM index_runs) AND hash = ?1 \
             UNION ALL SELECT NULL, (SELECT entries FROM blind_blocks WHERE run = r.run AND last_hash >= ?1 \
                 ORDER BY last_hash LIMIT 1) FROM index_runs r",
        )
        .bind(&hash[..])
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let mut codes = Vec::new();
        for row in rows {
            match row {
                (Some(code), _) => codes.push(code),
                (None, Some(block)) => codes.extend(index_blocks::codes_in(&block, hash)?),
                (None, None) => {}
            }
        }
        codes.sort_unstable();
        Ok(codes)
    }

    // ---- known customers (issue 18)

    /// The non-unique probes in one statement per 400 (the runs' blocks decoded here, as
    /// in `find`); each unique probe is one statement of `find_unique`, which must check
    /// its run filters first.
    async fn find_many(&self, probes: &[IndexEntry]) -> Result<Vec<(usize, String)>, StoreError> {
        let mut out = Vec::new();
        let plain: Vec<usize> = (0..probes.len()).filter(|&i| !probes[i].unique).collect();
        for chunk in plain.chunks(400) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("WITH q(i, h) AS (");
            let mut sep = q.separated(" UNION ALL ");
            for &i in chunk {
                sep.push("SELECT ");
                sep.push_bind_unseparated(i64::try_from(i).unwrap_or(i64::MAX));
                sep.push_unseparated(", ");
                sep.push_bind_unseparated(&probes[i].hash[..]);
            }
            q.push(
                ") SELECT q.i, b.code, NULL FROM q JOIN blind_index b ON b.hash = q.h \
                 UNION ALL SELECT q.i, s.code, NULL FROM q, index_runs r \
                     JOIN staged_blind s ON s.run = r.run AND s.hash = q.h \
                 UNION ALL SELECT q.i, NULL, (SELECT entries FROM blind_blocks WHERE run = r.run \
                     AND last_hash >= q.h ORDER BY last_hash LIMIT 1) FROM q, index_runs r",
            );
            let rows: Vec<(i64, Option<String>, Option<Vec<u8>>)> =
                q.build_query_as().fetch_all(&self.pool).await.map_err(map_err)?;
            for (i, code, block) in rows {
                let Some(i) = usize::try_from(i).ok().filter(|&i| i < probes.len()) else {
                    return Err(StoreError::Corrupt("a probe index out of range".into()));
                };
                match (code, block) {
                    (Some(code), _) => out.push((i, code)),
                    (None, Some(block)) => out
                        .extend(index_blocks::codes_in(&block, &probes[i].hash)?.into_iter().map(|c| (i, c))),
                    (None, None) => {}
                }
            }
        }
        for (i, p) in probes.iter().enumerate().filter(|(_, p)| p.unique) {
            out.extend(self.find_unique(&p.hash).await?.into_iter().map(|c| (i, c)));
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Checkpoints the write-ahead log into the database file and truncates the log: with
    /// `secure_delete` on, the pages that erasures freed were zeroed, so once they are out
    /// of the log no file holds an erased record's bytes.
    async fn purge_erased(&self) -> Result<(), StoreError> {
        // A checkpoint that meets another one (the background checkpointer) or a reader
        // reports itself busy and leaves pages in the log: try again until it completes,
        // since erased bytes are only gone from the disk once it has.
        for _ in 0..100 {
            let (busy,): (i64,) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(StoreError::Unavailable("the write-ahead log checkpoint stayed busy".into()))
    }
}

/// Writes an updated record over its row and drops the row's old index entries, if the row
/// is still at `from_version`; `false` if it is gone or another update wrote it since the
/// caller read it. The caller inserts the new index entries.
async fn rewrite_if_at(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    write: &CustomerWrite,
    from_version: u64,
) -> Result<bool, StoreError> {
    let code = write.record.code.as_str();
    let row: Option<(Vec<u8>, i64)> =
        sqlx::query_as("SELECT index_entries, version FROM customers WHERE code = ?")
            .bind(code)
            .fetch_optional(&mut **tx)
            .await
            .map_err(map_err)?;
    let Some((old, version)) = row else { return Ok(false) };
    if version_from_sql(version)? != from_version {
        return Ok(false);
    }
    delete_index(tx, &write.record.code, &decode_index(&old)?).await?;
    rewrite_row(tx, write).await?;
    Ok(true)
}

/// Writes an updated record over its row (the caller checked the version it replaces).
async fn rewrite_row(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    write: &CustomerWrite,
) -> Result<(), StoreError> {
    let r = &write.record;
    sqlx::query(
        "UPDATE customers SET version = ?, kek_version = ?, wrapped_dek = ?, fields = ?, index_entries = ?, updated_at = ?, retain_until = ? WHERE code = ?",
    )
    .bind(version_to_sql(r.version))
    .bind(i64::from(r.kek_version))
    .bind(r.wrapped_dek.as_slice())
    .bind(encode_fields(&r.fields))
    .bind(encode_index(&write.index))
    .bind(r.updated_at)
    .bind(r.retain_until)
    .bind(r.code.as_str())
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}
