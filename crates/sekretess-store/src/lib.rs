//! Store implementations for Sekretess. SQLite is the embedded default: one control
//! database plus one database file per customer group. PostgreSQL (feature `postgres`)
//! scales out: one control database shared by several servers, and each customer group in
//! a schema of the control database or in a database of its own, on any server.
#![forbid(unsafe_code)]

mod access;
pub mod backup;
mod codec;
mod hash_filter;
mod index_blocks;
mod migrate;
mod people;
#[cfg(feature = "postgres")]
pub mod postgres;
mod process;
mod requests;
pub mod sqlite;

pub use index_blocks::decode_block;
#[cfg(feature = "postgres")]
pub use postgres::{GroupPlacement, PgBatch, PgGroup, PgOptions, PgStore};
pub use sqlite::{SqliteBatch, SqliteGroup, SqliteStore};
