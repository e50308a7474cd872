//! The audit log in the PostgreSQL control database, shared by every server process.
//!
//! An append takes `LOCK TABLE … IN EXCLUSIVE MODE` (readers go on; other appenders wait)
//! and then checks the head, so the log stays one linear chain however many processes
//! write: a process whose view of the head is stale gets `Conflict` and re-chains.

use sekretess_core::audit::{AuditStore, ControlRows, Entry, Outcome};
use sekretess_core::error::StoreError;
use sekretess_core::store::FIRST_RECORD_VERSION;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

use crate::codec::version_to_sql;
use crate::postgres::{PgStore, map_err};

fn entry(row: &PgRow) -> Result<Entry, StoreError> {
    let outcome: String = row.try_get("outcome").map_err(map_err)?;
    let mac: Vec<u8> = row.try_get("mac").map_err(map_err)?;
    let seq: i64 = row.try_get("seq").map_err(map_err)?;
    Ok(Entry {
        seq: u64::try_from(seq).map_err(|_| StoreError::Corrupt("audit seq".into()))?,
        time: row.try_get("time").map_err(map_err)?,
        actor: row.try_get("actor").map_err(map_err)?,
        action: row.try_get("action").map_err(map_err)?,
        group: row.try_get("group_name").map_err(map_err)?,
        customer: row.try_get("customer").map_err(map_err)?,
        fields: row.try_get("fields").map_err(map_err)?,
        purpose: row.try_get("purpose").map_err(map_err)?,
        // An unknown outcome is corruption; verify() would also fail on the MAC.
        outcome: Outcome::parse(&outcome).ok_or_else(|| StoreError::Corrupt("audit outcome".into()))?,
        request_id: row.try_get("request_id").map_err(map_err)?,
        origin: row.try_get("origin").map_err(map_err)?,
        mac: mac.try_into().map_err(|_| StoreError::Corrupt("audit mac".into()))?,
    })
}

impl AuditStore for PgStore {
    /// Waits for appends in flight (SHARE mode conflicts with the appenders' EXCLUSIVE
    /// lock) so the head it returns is current: with several processes appending, a head
    /// read while another process's append is committing would be stale at once, and the
    /// process would lose the race again and again.
    async fn audit_head(&self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        let mut tx = self.control().begin().await.map_err(map_err)?;
        sqlx::query("LOCK TABLE sekretess.audit_log IN SHARE MODE")
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let row = sqlx::query("SELECT seq, mac FROM sekretess.audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let seq: i64 = row.try_get("seq").map_err(map_err)?;
        let mac: Vec<u8> = row.try_get("mac").map_err(map_err)?;
        Ok(Some((
            u64::try_from(seq).map_err(|_| StoreError::Corrupt("audit seq".into()))?,
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
        let mut tx = self.control().begin().await.map_err(map_err)?;
        sqlx::query("LOCK TABLE sekretess.audit_log IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM sekretess.audit_log")
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
        if u64::try_from(head).ok() != Some(prev_seq) {
            return Err(StoreError::Conflict { what: "audit head".into() });
        }
        for chunk in entries.chunks(200) {
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
                "INSERT INTO sekretess.audit_log (seq, time, actor, action, group_name, customer, fields, \
                 purpose, outcome, request_id, origin, mac) ",
            );
            q.push_values(chunk, |mut b, e| {
                b.push_bind(i64::try_from(e.seq).unwrap_or(i64::MAX))
                    .push_bind(e.time)
                    .push_bind(e.actor.as_str())
                    .push_bind(e.action.as_str())
                    .push_bind(e.group.as_deref())
                    .push_bind(e.customer.as_deref())
                    .push_bind(&e.fields)
                    .push_bind(e.purpose.as_deref())
                    .push_bind(e.outcome.as_str())
                    .push_bind(e.request_id.as_deref())
                    .push_bind(e.origin.as_deref())
                    .push_bind(&e.mac[..]);
            });
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        if !rows.directory.is_empty() {
            let (codes, groups): (Vec<&str>, Vec<i64>) =
                rows.directory.iter().map(|(c, g)| (c.as_str(), i64::from(*g))).unzip();
            sqlx::query(
                "INSERT INTO sekretess.directory (code, group_id, version) \
                 SELECT c, g, $3 FROM UNNEST($1::text[], $2::int8[]) AS t(c, g)",
            )
            .bind(codes)
            .bind(groups)
            .bind(version_to_sql(FIRST_RECORD_VERSION))
            .execute(&mut *tx)
            .await
            .map_err(|e| match map_err(e) {
                // Not `Conflict`, which the audit writer reads as a moved head.
                StoreError::Conflict { .. } => {
                    StoreError::Unavailable("a new customer code is already taken".into())
                }
                other => other,
            })?;
        }
        if !rows.erasures.is_empty() {
            let (codes, rest): (Vec<&str>, Vec<(i64, i64)>) =
                rows.erasures.iter().map(|(c, g, at)| (c.as_str(), (i64::from(*g), *at))).unzip();
            let (groups, times): (Vec<i64>, Vec<i64>) = rest.into_iter().unzip();
            sqlx::query(
                "INSERT INTO sekretess.erasures (code, group_id, erased_at) \
                 SELECT c, g, t FROM UNNEST($1::text[], $2::int8[], $3::int8[]) AS u(c, g, t) \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(codes)
            .bind(groups)
            .bind(times)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn audit_read(&self, from: u64, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let rows = sqlx::query("SELECT * FROM sekretess.audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2")
            .bind(i64::try_from(from).unwrap_or(i64::MAX))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
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
        let rows = sqlx::query(
            "SELECT * FROM sekretess.audit_log WHERE customer = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
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
