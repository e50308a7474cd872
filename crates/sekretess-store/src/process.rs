//! The process registry ([`ProcessStore`]) in the control database, for both backends.

use sekretess_core::error::StoreError;
use sekretess_core::process::{ProcessRow, ProcessStore};
use sqlx::Row;

use crate::sqlite::SqliteStore;

fn pid_of(v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt("process pid".into()))
}

impl ProcessStore for SqliteStore {
    async fn heartbeat(&self, row: &ProcessRow) -> Result<(), StoreError> {
        use crate::sqlite::map_err;
        sqlx::query(
            "INSERT INTO processes (id, host, pid, listen, started_at, last_seen, sealed) \
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET \
             listen = excluded.listen, last_seen = excluded.last_seen, sealed = excluded.sealed",
        )
        .bind(&row.id)
        .bind(&row.host)
        .bind(i64::from(row.pid))
        .bind(&row.listen)
        .bind(row.started_at)
        .bind(row.last_seen)
        .bind(row.sealed)
        .execute(&self.control)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn list_processes(&self) -> Result<Vec<ProcessRow>, StoreError> {
        use crate::sqlite::map_err;
        let rows = sqlx::query("SELECT * FROM processes ORDER BY started_at, id")
            .fetch_all(&self.control)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(ProcessRow {
                    id: r.try_get("id").map_err(map_err)?,
                    host: r.try_get("host").map_err(map_err)?,
                    pid: pid_of(r.try_get("pid").map_err(map_err)?)?,
                    listen: r.try_get("listen").map_err(map_err)?,
                    started_at: r.try_get("started_at").map_err(map_err)?,
                    last_seen: r.try_get("last_seen").map_err(map_err)?,
                    sealed: r.try_get("sealed").map_err(map_err)?,
                })
            })
            .collect()
    }

    async fn remove_process(&self, id: &str) -> Result<(), StoreError> {
        use crate::sqlite::map_err;
        sqlx::query("DELETE FROM processes WHERE id = ?")
            .bind(id)
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn prune_processes(&self, before: i64) -> Result<u64, StoreError> {
        use crate::sqlite::map_err;
        let done = sqlx::query("DELETE FROM processes WHERE last_seen < ?")
            .bind(before)
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected())
    }
}

#[cfg(feature = "postgres")]
impl ProcessStore for crate::postgres::PgStore {
    async fn heartbeat(&self, row: &ProcessRow) -> Result<(), StoreError> {
        use crate::postgres::map_err;
        sqlx::query(
            "INSERT INTO sekretess.processes (id, host, pid, listen, started_at, last_seen, sealed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET \
             listen = excluded.listen, last_seen = excluded.last_seen, sealed = excluded.sealed",
        )
        .bind(&row.id)
        .bind(&row.host)
        .bind(i64::from(row.pid))
        .bind(&row.listen)
        .bind(row.started_at)
        .bind(row.last_seen)
        .bind(row.sealed)
        .execute(self.control())
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn list_processes(&self) -> Result<Vec<ProcessRow>, StoreError> {
        use crate::postgres::map_err;
        let rows = sqlx::query("SELECT * FROM sekretess.processes ORDER BY started_at, id")
            .fetch_all(self.control())
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(ProcessRow {
                    id: r.try_get("id").map_err(map_err)?,
                    host: r.try_get("host").map_err(map_err)?,
                    pid: pid_of(r.try_get("pid").map_err(map_err)?)?,
                    listen: r.try_get("listen").map_err(map_err)?,
                    started_at: r.try_get("started_at").map_err(map_err)?,
                    last_seen: r.try_get("last_seen").map_err(map_err)?,
                    sealed: r.try_get("sealed").map_err(map_err)?,
                })
            })
            .collect()
    }

    async fn remove_process(&self, id: &str) -> Result<(), StoreError> {
        use crate::postgres::map_err;
        sqlx::query("DELETE FROM sekretess.processes WHERE id = $1")
            .bind(id)
            .execute(self.control())
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn prune_processes(&self, before: i64) -> Result<u64, StoreError> {
        use crate::postgres::map_err;
        let done = sqlx::query("DELETE FROM sekretess.processes WHERE last_seen < $1")
            .bind(before)
            .execute(self.control())
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected())
    }
}
