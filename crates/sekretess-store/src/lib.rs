//! Store implementations for Sekretess. SQLite is the embedded default: one control
//! database plus one database file per customer group.
#![forbid(unsafe_code)]

mod migrate;
pub mod sqlite;
mod sqlite_access;
mod sqlite_audit;

pub use sqlite::{SqliteGroup, SqliteStore};
