//! API keys in the SQLite control database (the implementation both backends share is
//! `crate::access`).

crate::access::access_store!(crate::sqlite::SqliteStore, tables: "", map_err: crate::sqlite::map_err);
