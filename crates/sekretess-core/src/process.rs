//! The server processes that share one control database: each registers itself and
//! refreshes its row every few seconds (a heartbeat), so an operator sees which processes
//! are running and which of them are unsealed (each process is unsealed on its own).
//!
//! Nothing here is secret: a random process id, the host name, the operating-system pid,
//! the listening address, times and the seal state.

use std::future::Future;

use crate::error::StoreError;

/// One server process as registered in the control database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessRow {
    /// Random, chosen by the process at start.
    pub id: String,
    pub host: String,
    pub pid: u32,
    /// The address it listens on, e.g. `0.0.0.0:8200`.
    pub listen: String,
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds of the last heartbeat.
    pub last_seen: i64,
    pub sealed: bool,
}

/// Where the processes register. SQLite holds one process; PostgreSQL any number.
pub trait ProcessStore: Send + Sync + 'static {
    /// Inserts the row, or updates `last_seen`, `sealed` and `listen` of an existing one.
    fn heartbeat(&self, row: &ProcessRow) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Every registered process, oldest start first.
    fn list_processes(&self) -> impl Future<Output = Result<Vec<ProcessRow>, StoreError>> + Send;
    /// Removes a process (on a clean shutdown).
    fn remove_process(&self, id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Removes processes not seen since `before` (unix seconds); returns how many.
    fn prune_processes(&self, before: i64) -> impl Future<Output = Result<u64, StoreError>> + Send;
}
