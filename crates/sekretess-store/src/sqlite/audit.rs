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

/// Entries the customer index (`audit_by_customer`, migration 0014) may lag behind the log
/// before the writer indexes them in one batch. A batch sorts its entries by code, so each
/// index page it changes takes many of them; reads scan at most this many entries of the
/// log for the rest.
const INDEX_BATCH: u64 = 4096;

/// The audit writer's connection, kept between rounds, and how far the customer index goes.
pub(crate) struct AuditWriter {
    conn: sqlx::SqliteConnection,
    /// Every entry up to this sequence number is in `audit_by_customer`.
    indexed_to: u64,
}

impl AuditWriter {
    /// A connection from the pool, and the index's extent. An index past the log's last entry
    /// (the log was cut back) is cut back to it, so the entries written next are read from the
    /// log until a batch indexes them.
    async fn open(pool: &sqlx::SqlitePool) -> Result<Self, StoreError> {
        let mut conn = pool.acquire().await.map_err(map_err)?.detach();
        let (mut indexed_to, head): (i64, i64) = sqlx::query_as(
            "SELECT indexed_to, (SELECT coalesce(max(seq), 0) FROM audit_log) FROM audit_index_state",
        )
        .fetch_one(&mut conn)
        .await
        .map_err(map_err)?;
        if indexed_to > head {
            for statement in
                ["DELETE FROM audit_by_customer WHERE seq > ?", "UPDATE audit_index_state SET indexed_to = ?"]
            {
                sqlx::query(statement).bind(head).execute(&mut conn).await.map_err(map_err)?;
            }
            indexed_to = head;
        }
        Ok(AuditWriter { conn, indexed_to: u64::try_from(indexed_to).unwrap_or(0) })
    }

    /// Indexes the entries up to `head` by customer once they are a batch: one transaction,
    /// inserts in key order.
    async fn index_if_due(&mut self, head: u64) -> Result<(), StoreError> {
        if head < self.indexed_to.saturating_add(INDEX_BATCH) {
            return Ok(());
        }
        use sqlx::Connection;
        let (from, to) =
            (i64::try_from(self.indexed_to).unwrap_or(i64::MAX), i64::try_from(head).unwrap_or(i64::MAX));
        let mut tx = self.conn.begin().await.map_err(map_err)?;
        sqlx::query(
            "INSERT OR IGNORE INTO audit_by_customer (customer, seq) SELECT customer, seq FROM audit_log \
             WHERE seq > ?1 AND seq <= ?2 AND customer IS NOT NULL ORDER BY customer, seq",
        )
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query("UPDATE audit_index_state SET indexed_to = max(indexed_to, ?)")
            .bind(to)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        self.indexed_to = head;
        Ok(())
    }
}

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
        let writer = match slot.as_mut() {
            Some(writer) => writer,
            None => slot.insert(AuditWriter::open(self.control()).await?),
        };
        let conn = &mut writer.conn;
        let written = if entries.len() <= AUDIT_ROWS_PER_STATEMENT && rows.is_empty() {
            // One statement is atomic on its own: a group commit is a single round trip.
            insert_entries(entries).build().execute(&mut *conn).await.map(drop).map_err(head_conflict)
        } else {
            append_in_transaction(conn, entries, rows).await
        };
        if written.as_ref().is_err_and(|e| !matches!(e, StoreError::Conflict { .. })) {
            *slot = None;
        }
        written?;
        // The round is on record whatever the index does: entries a failed batch leaves out
        // are read from the log, and the next round's writer (a fresh connection) tries again.
        if let (Some(writer), Some(last)) = (slot.as_mut(), entries.last())
            && writer.index_if_due(last.seq).await.is_err()
        {
            *slot = None;
        }
        drop(slot);
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
        // Indexed entries from audit_by_customer, the later ones (at most a batch) from the log.
        let rows = sqlx::query(
            "SELECT * FROM audit_log WHERE seq IN ( \
                 SELECT seq FROM audit_by_customer WHERE customer = ?1 AND seq >= ?2 \
                 UNION ALL SELECT seq FROM audit_log \
                 WHERE seq > (SELECT indexed_to FROM audit_index_state) AND seq >= ?2 AND customer = ?1) \
             ORDER BY seq LIMIT ?3",
        )
        .bind(customer)
        .bind(i64::try_from(from).unwrap_or(i64::MAX))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(self.control())
        .await
        .map_err(map_err)?;
        rows.iter().map(entry).collect()
    }
}
