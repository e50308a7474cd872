//! Backups of PostgreSQL stores: a snapshot is a `REPEATABLE READ, READ ONLY` transaction
//! (fixed at its first statement), read by the row codec of `crate::backup`.

use futures_util::TryStreamExt;
use sekretess_core::backup::{
    self, BackupSource, Cell, ControlSnapshot, CustomerItem, GroupBackup, GroupRestore, GroupSnapshot, Item,
    RestoreTarget, Sink, TableSpec,
};
use sekretess_core::store::{CustomerWrite, GroupRow, IndexEntry, SealedGroupKey, Store};
use sqlx::{Postgres, QueryBuilder, Row, Transaction};

use super::*;
use crate::backup::{
    CONTROL_TABLES, CUSTOMERS_PER_PAGE, GROUP_TABLES, ROWS_PER_INSERT, bind_row, check_row, decode_row,
    insert_sql, select_sql,
};
use crate::codec::customer_record;

async fn read_snapshot(pool: &PgPool) -> Result<Transaction<'static, Postgres>, StoreError> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    // The snapshot is taken at the first query after SET TRANSACTION.
    sqlx::query("SELECT 1").execute(&mut *tx).await.map_err(map_err)?;
    Ok(tx)
}

async fn export_table(
    tx: &mut Transaction<'static, Postgres>,
    prefix: &str,
    table: &TableSpec,
    out: &Sink,
) -> Result<u64, StoreError> {
    let sql = select_sql(table, prefix);
    let mut rows = sqlx::query(&sql).fetch(&mut **tx);
    let mut n = 0;
    while let Some(row) = rows.try_next().await.map_err(map_err)? {
        backup::send(out, Item::Row { v: decode_row(&row, table)? }).await?;
        n += 1;
    }
    Ok(n)
}

async fn import_rows(
    pool: &PgPool,
    prefix: &str,
    table: &TableSpec,
    rows: &[Vec<Cell>],
) -> Result<(), StoreError> {
    for row in rows {
        check_row(table, row)?;
    }
    let mut tx = pool.begin().await.map_err(map_err)?;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(insert_sql(table, prefix));
        q.push_values(chunk, |mut b, row| bind_row(&mut b, row));
        q.build().execute(&mut *tx).await.map_err(map_err)?;
    }
    if table.name == "employees" {
        // Ids were inserted as they were: the identity continues after the highest.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('sekretess.employees', 'id'), \
             (SELECT COALESCE(max(id), 0) + 1 FROM sekretess.employees), false)",
        )
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    }
    tx.commit().await.map_err(map_err)
}

pub struct PgSnapshot(Transaction<'static, Postgres>);

impl ControlSnapshot for PgSnapshot {
    fn tables(&self) -> &'static [TableSpec] {
        CONTROL_TABLES
    }
    async fn export_table(&mut self, table: &TableSpec, out: &Sink) -> Result<u64, StoreError> {
        export_table(&mut self.0, "sekretess.", table, out).await
    }
    async fn audit_head(&mut self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        let row: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, mac FROM sekretess.audit_log ORDER BY seq DESC LIMIT 1")
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

impl BackupSource for PgStore {
    type Snapshot = PgSnapshot;
    async fn snapshot(&self) -> Result<PgSnapshot, StoreError> {
        Ok(PgSnapshot(read_snapshot(&self.inner.control).await?))
    }
    fn backend(&self) -> &'static str {
        "postgres"
    }
}

pub struct PgGroupSnapshot {
    tx: Transaction<'static, Postgres>,
    schema: String,
}

impl GroupSnapshot for PgGroupSnapshot {
    fn tables(&self) -> &'static [TableSpec] {
        GROUP_TABLES
    }
    async fn export_customers(&mut self, out: &Sink) -> Result<u64, StoreError> {
        let s = &self.schema;
        let mut after = String::new();
        let mut n = 0;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT code, version, kek_version, wrapped_dek, fields, created_at, updated_at, retain_until \
                 FROM {s}.customers WHERE code > $1 ORDER BY code LIMIT $2"
            ))
            .bind(&after)
            .bind(CUSTOMERS_PER_PAGE)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_err)?;
            let Some(last) = rows.last() else { return Ok(n) };
            after = last.try_get("code").map_err(map_err)?;
            let records = rows.iter().map(customer_record).collect::<Result<Vec<_>, _>>()?;
            let codes: Vec<&str> = records.iter().map(|r| r.code.as_str()).collect();
            let entries = sqlx::query(&format!(
                "SELECT code, field, hash, uniq FROM {s}.blind_index WHERE code = ANY($1) ORDER BY code, field, hash"
            ))
            .bind(&codes)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_err)?;
            let mut index: HashMap<String, Vec<IndexEntry>> = HashMap::new();
            for e in entries {
                let hash: Vec<u8> = e.try_get("hash").map_err(map_err)?;
                index.entry(e.try_get("code").map_err(map_err)?).or_default().push(IndexEntry {
                    field: e.try_get("field").map_err(map_err)?,
                    hash: hash.try_into().map_err(|_| StoreError::Corrupt("index hash".into()))?,
                    unique: e.try_get("uniq").map_err(map_err)?,
                });
            }
            for record in records {
                let index = index.remove(&record.code).unwrap_or_default();
                backup::send(out, Item::Customer(CustomerItem::from(CustomerWrite { record, index })))
                    .await?;
                n += 1;
            }
        }
    }
    async fn export_table(&mut self, table: &TableSpec, out: &Sink) -> Result<u64, StoreError> {
        let prefix = format!("{}.", self.schema);
        export_table(&mut self.tx, &prefix, table, out).await
    }
}

impl GroupBackup for PgGroup {
    type Snapshot = PgGroupSnapshot;
    async fn snapshot(&self) -> Result<PgGroupSnapshot, StoreError> {
        self.ready().await?;
        Ok(PgGroupSnapshot { tx: read_snapshot(&self.inner.pool).await?, schema: self.inner.schema.clone() })
    }
}

impl RestoreTarget for PgStore {
    async fn is_empty(&self) -> Result<bool, StoreError> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM sekretess.vault_meta) + (SELECT count(*) FROM sekretess.groups) \
             + (SELECT count(*) FROM sekretess.audit_log) + (SELECT count(*) FROM sekretess.employees) \
             + (SELECT count(*) FROM sekretess.directory)",
        )
        .fetch_one(&self.inner.control)
        .await
        .map_err(map_err)?;
        Ok(n == 0)
    }
    fn control_tables(&self) -> &'static [TableSpec] {
        CONTROL_TABLES
    }
    async fn import_rows(&self, table: &TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        import_rows(&self.inner.control, "sekretess.", table, rows).await
    }
    async fn import_group(&self, group: &GroupRow, keys: &[SealedGroupKey]) -> Result<PgGroup, StoreError> {
        let mut row = self.create_group(group.id, &group.name, group.created_at, keys).await?;
        sqlx::query("UPDATE sekretess.groups SET state = $1, current_kek_version = $2 WHERE id = $3")
            .bind(group.state.as_str())
            .bind(i64::from(group.current_kek_version))
            .bind(i64::from(group.id))
            .execute(&self.inner.control)
            .await
            .map_err(map_err)?;
        row.state = group.state;
        row.current_kek_version = group.current_kek_version;
        self.open_group(&row).await
    }
}

impl GroupRestore for PgGroup {
    fn group_tables(&self) -> &'static [TableSpec] {
        GROUP_TABLES
    }
    async fn import_rows(&self, table: &TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        self.ready().await?;
        let prefix = format!("{}.", self.inner.schema);
        import_rows(&self.inner.pool, &prefix, table, rows).await
    }
}
