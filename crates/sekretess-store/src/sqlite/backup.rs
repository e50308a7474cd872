//! Backups of SQLite stores: a snapshot is a read transaction (WAL keeps the pages it sees
//! until it ends), read by the row codec of `crate::backup`.

use futures_util::TryStreamExt;
use sekretess_core::backup::{
    self, BackupSource, Cell, ControlSnapshot, CustomerItem, GroupBackup, GroupRestore, GroupSnapshot, Item,
    RestoreTarget, Sink, TableSpec,
};
use sekretess_core::store::{CustomerWrite, GroupRow, SealedGroupKey, Store};
use sqlx::{QueryBuilder, Sqlite, SqlitePool, Transaction};

use super::index::decode_index;
use super::*;
use crate::backup::{
    CONTROL_TABLES, GROUP_TABLES, ROWS_PER_INSERT, bind_row, check_row, decode_row, insert_sql, select_sql,
};
use crate::codec::customer_record;

/// A read transaction whose snapshot is fixed (by a first read).
async fn read_snapshot(pool: &SqlitePool, probe: &str) -> Result<Transaction<'static, Sqlite>, StoreError> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    sqlx::query(probe).fetch_optional(&mut *tx).await.map_err(map_err)?;
    Ok(tx)
}

async fn export_table(
    tx: &mut Transaction<'static, Sqlite>,
    table: &TableSpec,
    out: &Sink,
) -> Result<u64, StoreError> {
    let sql = select_sql(table, "");
    let mut rows = sqlx::query(&sql).fetch(&mut **tx);
    let mut n = 0;
    while let Some(row) = rows.try_next().await.map_err(map_err)? {
        backup::send(out, Item::Row { v: decode_row(&row, table)? }).await?;
        n += 1;
    }
    Ok(n)
}

async fn import_rows(pool: &SqlitePool, table: &TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
    for row in rows {
        check_row(table, row)?;
    }
    let mut tx = pool.begin().await.map_err(map_err)?;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(insert_sql(table, ""));
        q.push_values(chunk, |mut b, row| bind_row(&mut b, row));
        q.build().execute(&mut *tx).await.map_err(map_err)?;
    }
    tx.commit().await.map_err(map_err)
}

pub struct SqliteSnapshot(Transaction<'static, Sqlite>);

impl ControlSnapshot for SqliteSnapshot {
    fn tables(&self) -> &'static [TableSpec] {
        CONTROL_TABLES
    }
    async fn export_table(&mut self, table: &TableSpec, out: &Sink) -> Result<u64, StoreError> {
        export_table(&mut self.0, table, out).await
    }
    async fn audit_head(&mut self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        let row: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *self.0)
                .await
                .map_err(map_err)?;
        row.map(|(seq, mac)| {
            Ok((
                u64::try_from(seq).map_err(|_| StoreError::Corrupt("audit seq".into()))?,
                mac.try_into().map_err(|_| StoreError::Corrupt("audit mac".into()))?,
            ))
        })
        .transpose()
    }
}

impl BackupSource for SqliteStore {
    type Snapshot = SqliteSnapshot;
    async fn snapshot(&self) -> Result<SqliteSnapshot, StoreError> {
        Ok(SqliteSnapshot(read_snapshot(&self.control, "SELECT 1 FROM vault_meta").await?))
    }
    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

pub struct SqliteGroupSnapshot(Transaction<'static, Sqlite>);

impl GroupSnapshot for SqliteGroupSnapshot {
    fn tables(&self) -> &'static [TableSpec] {
        GROUP_TABLES
    }
    async fn export_customers(&mut self, out: &Sink) -> Result<u64, StoreError> {
        let mut rows = sqlx::query(
            "SELECT code, version, kek_version, wrapped_dek, fields, created_at, updated_at, retain_until, index_entries \
             FROM customers ORDER BY id",
        )
        .fetch(&mut *self.0);
        let mut n = 0;
        while let Some(row) = rows.try_next().await.map_err(map_err)? {
            let record = customer_record(&row)?;
            let index: Vec<u8> = row.try_get("index_entries").map_err(map_err)?;
            let write = CustomerWrite { record, index: decode_index(&index)? };
            backup::send(out, Item::Customer(CustomerItem::from(write))).await?;
            n += 1;
        }
        Ok(n)
    }
    async fn export_table(&mut self, table: &TableSpec, out: &Sink) -> Result<u64, StoreError> {
        export_table(&mut self.0, table, out).await
    }
}

impl GroupBackup for SqliteGroup {
    type Snapshot = SqliteGroupSnapshot;
    async fn snapshot(&self) -> Result<SqliteGroupSnapshot, StoreError> {
        Ok(SqliteGroupSnapshot(read_snapshot(&self.pool, "SELECT 1 FROM customers LIMIT 1").await?))
    }
}

impl RestoreTarget for SqliteStore {
    async fn is_empty(&self) -> Result<bool, StoreError> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM vault_meta) + (SELECT count(*) FROM groups) \
             + (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM employees) + (SELECT count(*) FROM directory)",
        )
        .fetch_one(&self.control)
        .await
        .map_err(map_err)?;
        let files = std::fs::read_dir(self.dir().join(GROUPS_DIR))
            .map_err(|e| StoreError::Unavailable(format!("cannot list the groups folder: {}", e.kind())))?
            .count();
        Ok(n == 0 && files == 0)
    }
    fn control_tables(&self) -> &'static [TableSpec] {
        CONTROL_TABLES
    }
    async fn import_rows(&self, table: &TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        import_rows(&self.control, table, rows).await
    }
    async fn import_group(
        &self,
        group: &GroupRow,
        keys: &[SealedGroupKey],
    ) -> Result<SqliteGroup, StoreError> {
        let mut row = self.create_group(group.id, &group.name, group.created_at, keys).await?;
        sqlx::query("UPDATE groups SET state = ?, current_kek_version = ? WHERE id = ?")
            .bind(group.state.as_str())
            .bind(i64::from(group.current_kek_version))
            .bind(i64::from(group.id))
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        row.state = group.state;
        row.current_kek_version = group.current_kek_version;
        self.open_group(&row).await
    }
}

impl GroupRestore for SqliteGroup {
    fn group_tables(&self) -> &'static [TableSpec] {
        GROUP_TABLES
    }
    async fn import_rows(&self, table: &TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        import_rows(&self.pool, table, rows).await
    }
}
