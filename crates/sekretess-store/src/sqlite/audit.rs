//! The audit log in the SQLite control database.

use sekretess_core::audit::{AuditStore, ControlRows, Entry, Outcome};
use sekretess_core::error::StoreError;
use sekretess_core::store::FIRST_RECORD_VERSION;
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::codec::version_to_sql;
use crate::sqlite::{ROWS_PER_STATEMENT, SqliteStore, map_err};

const FIELD_SEPARATOR: char = '\u{1f}';

fn entry(row: &sqlx::sqlite::SqliteRow) -> Result<Entry, StoreError> {
    let get = |e: sqlx::Error| map_err(e);
    let fields: String = row.try_get("fields").map_err(get)?;
    let outcome: String = row.try_get("outcome").map_err(get)?;
    let mac: Vec<u8> = row.try_get("mac").map_err(get)?;
    Ok(Entry {
        seq: row.try_get::<i64, _>("seq").map_err(get)? as u64,
        time: row.try_get("time").map_err(get)?,
        actor: row.try_get("actor").map_err(get)?,
        action: row.try_get("action").map_err(get)?,
        group: row.try_get("group_name").map_err(get)?,
        customer: row.try_get("customer").map_err(get)?,
        fields: if fields.is_empty() {
            Vec::new()
        } else {
            fields.split(FIELD_SEPARATOR).map(str::to_owned).collect()
        },
        purpose: row.try_get("purpose").map_err(get)?,
        // An unknown outcome is corruption; verify() will then also fail on the MAC.
        outcome: Outcome::parse(&outcome).ok_or_else(|| StoreError::Corrupt("audit outcome".into()))?,
        request_id: row.try_get("request_id").map_err(get)?,
        origin: row.try_get("origin").map_err(get)?,
        mac: mac.try_into().map_err(|_| StoreError::Corrupt("audit mac".into()))?,
    })
}

const AUDIT_ROWS_PER_STATEMENT: usize = 200;

fn insert_entries(chunk: &[Entry]) -> QueryBuilder<'_, Sqlite> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
        "INSERT INTO audit_log (seq, time, actor, action, group_name, customer, fields, purpose, outcome, request_id, origin, mac) ",
    );
    q.push_values(chunk, |mut b, e| {
        let fields: String = e.fields.join(&FIELD_SEPARATOR.to_string());
        b.push_bind(e.seq as i64)
            .push_bind(e.time)
            .push_bind(e.actor.as_str())
            .push_bind(e.action.as_str())
            .push_bind(e.group.as_deref())
            .push_bind(e.customer.as_deref())
            .push_bind(fields)
            .push_bind(e.purpose.as_deref())
            .push_bind(e.outcome.as_str())
            .push_bind(e.request_id.as_deref())
            .push_bind(e.origin.as_deref())
            .push_bind(&e.mac[..]);
    });
    q
}

/// A key collision on `seq`: another writer moved the head.
fn head_conflict(e: sqlx::Error) -> StoreError {
    match map_err(e) {
        StoreError::Conflict { .. } => StoreError::Conflict { what: "audit head".into() },
        other => other,
    }
}

async fn append_in_transaction(
    conn: &mut sqlx::SqliteConnection,
    entries: &[Entry],
    rows: &ControlRows,
) -> Result<(), StoreError> {
    use sqlx::Connection;
    let mut tx = conn.begin().await.map_err(map_err)?;
    for chunk in entries.chunks(AUDIT_ROWS_PER_STATEMENT) {
        insert_entries(chunk).build().execute(&mut *tx).await.map_err(head_conflict)?;
    }
    // Random codes in key order: each B-tree page is visited once.
    let mut codes: Vec<&(String, u32)> = rows.directory.iter().collect();
    codes.sort_unstable();
    for chunk in codes.chunks(ROWS_PER_STATEMENT) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT OR FAIL INTO directory (code, group_id, version) ");
        q.push_values(chunk, |mut b, (code, group)| {
            b.push_bind(code.as_str())
                .push_bind(i64::from(*group))
                .push_bind(version_to_sql(FIRST_RECORD_VERSION));
        });
        q.build().execute(&mut *tx).await.map_err(code_taken)?;
    }
    for chunk in rows.erasures.chunks(ROWS_PER_STATEMENT) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT OR IGNORE INTO erasures (code, group_id, erased_at) ");
        q.push_values(chunk, |mut b, (code, group, at)| {
            b.push_bind(code.as_str()).push_bind(i64::from(*group)).push_bind(*at);
        });
        q.build().execute(&mut *tx).await.map_err(map_err)?;
    }
    tx.commit().await.map_err(map_err)
}

/// A new code already in the directory: not `Conflict`, which the audit writer reads as a
/// moved head and retries.
fn code_taken(e: sqlx::Error) -> StoreError {
    match map_err(e) {
        StoreError::Conflict { .. } => StoreError::Unavailable("a new customer code is already taken".into()),
        other => other,
    }
}

impl AuditStore for SqliteStore {
    async fn audit_head(&self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        let row = sqlx::query("SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(self.control())
            .await
            .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let mac: Vec<u8> = row.try_get("mac").map_err(map_err)?;
        Ok(Some((
            row.try_get::<i64, _>("seq").map_err(map_err)? as u64,
            mac.try_into().map_err(|_| StoreError::Corrupt("audit mac".into()))?,
        )))
    }

    async fn audit_append(&self, prev_seq: u64, entries: &[Entry]) -> Result<(), StoreError> {
        self.audit_append_with(prev_seq, entries, &ControlRows::default()).await
    }

    fn appends_control_rows(&self) -> bool {
        true
    }

    async fn audit_append_with(
        &self,
        prev_seq: u64,
        entries: &[Entry],
        rows: &ControlRows,
    ) -> Result<(), StoreError> {
        if entries.first().is_some_and(|e| e.seq != prev_seq + 1) {
            return Err(StoreError::Conflict { what: "audit head".into() });
        }
        // Sequence numbers are the primary key: if another writer appended since `prev_seq`,
        // the first row collides and nothing is written (Conflict).
        // Rounds are written one at a time, so the writer keeps one connection instead of
        // taking one from the pool and giving it back for every round. After an error it
        // takes a fresh one.
        let mut slot = self.audit_connection.lock().await;
        let conn = match slot.as_mut() {
            Some(conn) => conn,
            None => slot.insert(self.control().acquire().await.map_err(map_err)?.detach()),
        };
        let written = if entries.len() <= AUDIT_ROWS_PER_STATEMENT && rows.is_empty() {
            // One statement is atomic on its own: a group commit is a single round trip.
            insert_entries(entries).build().execute(&mut *conn).await.map(drop).map_err(head_conflict)
        } else {
            append_in_transaction(conn, entries, rows).await
        };
        if written.as_ref().is_err_and(|e| !matches!(e, StoreError::Conflict { .. })) {
            *slot = None;
        }
        drop(slot);
        written?;
        self.control_checkpoints.after_commit(self.control());
        Ok(())
    }

    async fn audit_read(&self, from: u64, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?")
            .bind(from as i64)
            .bind(limit as i64)
            .fetch_all(self.control())
            .await
            .map_err(map_err)?;
        rows.iter().map(entry).collect()
    }

    async fn audit_of_customer(
        &self,
        customer: &str,
        from: u64,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        let rows =
            sqlx::query("SELECT * FROM audit_log WHERE customer = ? AND seq >= ? ORDER BY seq LIMIT ?")
                .bind(customer)
                .bind(i64::try_from(from).unwrap_or(i64::MAX))
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                .fetch_all(self.control())
                .await
                .map_err(map_err)?;
        rows.iter().map(entry).collect()
    }
}
