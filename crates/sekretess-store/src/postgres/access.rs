//! API keys in the PostgreSQL control database (the implementation both backends share is
//! `crate::access`).

crate::access::access_store!(crate::postgres::PgStore, tables: "sekretess.", map_err: crate::postgres::map_err);
