//! PostgreSQL through sqlx: one control database shared by every `sekretess serve` process,
//! and each customer group in a schema `group_<id>` of its own, either in the control
//! database or in another database, on the same server or another one.
//!
//! Where a new group goes (its *placement*) is decided by the store when the group is
//! created, so the `Store` trait does not change:
//!
//! 1. a placement registered for the group's name with [`PgStore::place_group`] (an admin
//!    command calls it just before `Vault::create_group`), else
//! 2. the configured list [`PgOptions::placements`], spread by group id
//!    (`placements[(id - 1) % len]`), else
//! 3. the control database.
//!
//! A database URL may contain `{id}`, replaced by the group id, so one entry such as
//! `postgres://db2.internal/sekretess_group_{id}` gives every group its own database on
//! `db2`. The database is created if it does not exist (the role needs `CREATEDB` there, or
//! an administrator creates it beforehand). The location recorded in the control database is
//! `control` or the URL *without its password*: passwords never enter the database. When a
//! group is opened, a password comes from a configured URL with the same host, port and user
//! (the control URL, the placements, or `place_group`), or from `PGPASSWORD` / `~/.pgpass`.
//!
//! Group stores connect lazily and migrate on first use, so a group whose server is down
//! does not stop the vault from unsealing: operations on that group fail with
//! [`StoreError::Unavailable`] (after the acquire timeout) and every other group keeps
//! working.
//!
//! Durability is PostgreSQL's: the store never changes `fsync` or `synchronous_commit`.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sekretess_core::error::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool};

mod access;
mod audit;
mod backup;
mod control;
mod documents;
mod group;
mod people;
mod pool;
mod retention;
mod tokens;

pub use group::PgBatch;

/// The schema of the control tables in the control database.
pub const CONTROL_SCHEMA: &str = "sekretess";
/// The recorded location of a group that lives in the control database.
pub const CONTROL_LOCATION: &str = "control";
/// Rows per multi-row INSERT, well under PostgreSQL's 65535 bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// The schema that holds group `id`'s tables, wherever its database is.
pub fn group_schema(id: u32) -> String {
    format!("group_{id}")
}

/// Where a new customer group's schema is created.
#[derive(Clone, PartialEq, Eq)]
pub enum GroupPlacement {
    /// Schema `group_<id>` in the control database.
    ControlDatabase,
    /// Schema `group_<id>` in the database at this URL (`{id}` is replaced by the group
    /// id); the database is created if missing.
    Database(String),
}

impl fmt::Debug for GroupPlacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupPlacement::ControlDatabase => f.write_str("ControlDatabase"),
            GroupPlacement::Database(url) => f.debug_tuple("Database").field(&redact(url)).finish(),
        }
    }
}

/// Settings of a [`PgStore`].
#[derive(Clone)]
pub struct PgOptions {
    /// `postgres://user[:password]@host[:port]/database` of the control database.
    pub control_url: String,
    /// Where new groups go, spread by id; empty means the control database.
    pub placements: Vec<GroupPlacement>,
    /// Connections per database pool (the control database and each group database).
    pub max_connections: u32,
    /// How long an operation waits for a connection before it fails with `Unavailable`.
    pub acquire_timeout: Duration,
}

impl PgOptions {
    pub fn new(control_url: &str) -> Self {
        PgOptions {
            control_url: control_url.to_owned(),
            placements: Vec::new(),
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

impl fmt::Debug for PgOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgOptions")
            .field("control_url", &redact(&self.control_url))
            .field("placements", &self.placements)
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .finish()
    }
}

/// A URL with its password removed (unparsable text is replaced whole).
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "<unparsable URL>".into(),
    }
}

/// Maps a sqlx error without ever carrying bound values. Unique violations name the
/// constraint; data and integrity errors (whose messages may quote a value) give only
/// their SQLSTATE; connection failures and everything else are `Unavailable`.
pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict { what: db.constraint().unwrap_or("unique key").to_owned() }
        }
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            if code.starts_with("22") || code.starts_with("23") {
                StoreError::Unavailable(format!(
                    "database refused the statement (SQLSTATE {code}{})",
                    db.constraint().map(|c| format!(", constraint {c}")).unwrap_or_default()
                ))
            } else {
                StoreError::Unavailable(format!("database error (SQLSTATE {code}): {}", db.message()))
            }
        }
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) | sqlx::Error::ColumnNotFound(_) => {
            StoreError::Corrupt(e.to_string())
        }
        _ => StoreError::Unavailable(e.to_string()),
    }
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Unavailable("store lock poisoned".into())
}

/// The control database and pools to the group databases.
#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    options: PgOptions,
    control: PgPool,
    control_options: PgConnectOptions,
    /// Placements registered for group names not yet created.
    named: Mutex<HashMap<String, GroupPlacement>>,
    /// One pool per group database (by location).
    pools: Mutex<HashMap<String, PgPool>>,
    /// Passwords from configured URLs, by (host, port, user).
    passwords: Mutex<HashMap<(String, u16, String), String>>,
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore").field("options", &self.inner.options).finish_non_exhaustive()
    }
}

/// One customer group's schema.
#[derive(Clone)]
pub struct PgGroup {
    inner: Arc<GroupInner>,
}

struct GroupInner {
    pool: PgPool,
    options: PgConnectOptions,
    timeout: Duration,
    schema: String,
    location: String,
    ready: tokio::sync::OnceCell<()>,
}
