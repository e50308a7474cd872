//! Employees, sessions, grants, field policy and agreements in the SQLite control database
//! (the implementation both backends share is `crate::people`).

use sekretess_core::error::StoreError;

use crate::sqlite::SqliteStore;

/// SQLite locks no table: its write transactions exclude each other, and a transaction that
/// read before another one committed cannot write after it (it fails as busy instead).
async fn no_lock(_: &mut sqlx::SqliteConnection, _table: &'static str) -> Result<(), StoreError> {
    Ok(())
}

crate::people::people_store!(SqliteStore, tables: "", map_err: crate::sqlite::map_err, lock: no_lock);
crate::requests::request_store!(SqliteStore, tables: "", map_err: crate::sqlite::map_err);
