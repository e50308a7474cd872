//! Employees, sessions, grants, field policy and agreements in the PostgreSQL control
//! database, in the `sekretess` schema (the implementation both backends share is
//! `crate::people`).

use sekretess_core::error::StoreError;
use sqlx::postgres::PgConnection;

use crate::postgres::{PgStore, map_err};

/// Keeps other writers off `table` until the transaction ends, so that reading it and
/// writing it (a count, the next version) is one step across processes.
async fn lock_table(conn: &mut PgConnection, table: &'static str) -> Result<(), StoreError> {
    sqlx::query(&format!("LOCK TABLE {table} IN EXCLUSIVE MODE")).execute(conn).await.map_err(map_err)?;
    Ok(())
}

crate::people::people_store!(PgStore, tables: "sekretess.", map_err: map_err, lock: lock_table);
crate::requests::request_store!(PgStore, tables: "sekretess.", map_err: map_err);
