//! SQLite through sqlx: WAL, `synchronous=FULL`, foreign keys and `secure_delete` on, files
//! created mode 0600 in a 0700 folder.
//!
//! Layout of a data folder:
//!
//! ```text
//! control.db            vault metadata, groups, sealed group keys, directory, erasures
//! groups/group-<id>.db  one database per customer group
//! ```

use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sekretess_core::error::StoreError;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, SqliteConnection};

use crate::migrate;

mod access;
mod audit;
mod backup;
mod checkpoint;
mod control;
mod documents;
mod filters;
mod group;
mod index;
mod people;
mod reader;
mod retention;
mod tokens;

pub use crate::codec::{decode_fields, encode_fields};
pub(crate) use checkpoint::Checkpointer;
use filters::{FilterCache, RunList};
pub use group::SqliteBatch;
use index::IndexStaging;
use reader::Reader;

const GROUPS_DIR: &str = "groups";
/// Rows per multi-row INSERT, well under SQLite's bound-parameter limit.
const ROWS_PER_STATEMENT: usize = 500;

/// Maps a sqlx error without ever carrying bound values (sqlx messages name tables and
/// constraints only). A uniqueness failure on the blind index names the field.
pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict { what: db.message().rsplit(": ").next().unwrap_or("unique key").to_owned() }
        }
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) | sqlx::Error::ColumnNotFound(_) => {
            StoreError::Corrupt(e.to_string())
        }
        _ => StoreError::Unavailable(e.to_string()),
    }
}

fn io_err(what: &str, e: std::io::Error) -> StoreError {
    StoreError::Unavailable(format!("{what}: {e}"))
}

/// Creates `path` (if missing) with mode 0600 before SQLite opens it; SQLite gives its
/// `-wal` and `-shm` files the database file's mode.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map(drop)
        .map_err(|e| io_err(&format!("cannot create {}", path.display()), e))
}

/// Creates `path` mode 0700, or tightens an existing folder to 0700.
fn create_private_dir(path: &Path) -> Result<(), StoreError> {
    let fail = |e| io_err(&format!("cannot create folder {}", path.display()), e);
    DirBuilder::new().recursive(true).mode(0o700).create(path).map_err(fail)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(fail)
}

async fn open_pool(path: &Path, max_connections: u32) -> Result<SqlitePool, StoreError> {
    create_private_file(path)?;
    let options = SqliteConnectOptions::from_str("sqlite://")
        .map_err(map_err)?
        .filename(path)
        .create_if_missing(false)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .pragma("secure_delete", "ON")
        // 64 MiB of page cache per connection: blind-index inserts land on random pages.
        .pragma("cache_size", "-65536")
        // Checkpoints normally run on a task of their own (`Checkpointer`); this is the
        // backstop for a write path that does not start one (about 40 MiB of log).
        .pragma("wal_autocheckpoint", "10000")
        // When the log starts over, its file is cut back to this size (64 MiB).
        .pragma("journal_size_limit", "67108864")
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new()
        .max_connections(max_connections)
        .min_connections(1)
        // A file on local disk does not go stale; the default ping before each use costs a
        // round trip to the connection's thread per query.
        .test_before_acquire(false)
        .after_connect(|conn, _| Box::pin(check_pragmas(conn)))
        .before_acquire(|conn, _| Box::pin(async move { Ok(outside_transactions(conn)) }))
        .connect_with(options)
        .await
        .map_err(map_err)
}

/// Whether a connection may be handed out again: only if no transaction of an earlier user
/// is still counted on it. Otherwise the pool closes it (SQLite rolls back whatever is
/// open) and opens a fresh one.
///
/// sqlx counts a connection's transactions itself and does not ask SQLite. After
/// `SQLITE_FULL` or an I/O error, SQLite may roll the whole transaction back on its own (a
/// failed `COMMIT` always does); sqlx's `ROLLBACK` then fails ("no transaction is active")
/// and its count stays at one. Reused, such a connection's next `begin` is a `SAVEPOINT`
/// and its commit a `RELEASE`; after one more failure it sits inside a transaction that
/// never ends, and every later "commit" on it only releases a savepoint: the write is
/// acknowledged, seen by that connection alone, and lost when the connection closes. By the
/// time a connection is acquired, the pool's own check on release has run after any
/// rollback that a dropped transaction queued, so the count is final.
fn outside_transactions(conn: &SqliteConnection) -> bool {
    use sqlx::Connection;
    !conn.is_in_transaction()
}

/// The settings durability and erasure rest on, as SQLite reports them back.
const REQUIRED_PRAGMAS: [(&str, &str); 4] =
    [("journal_mode", "wal"), ("synchronous", "2"), ("foreign_keys", "1"), ("secure_delete", "1")];

/// Reads back every required setting on a new connection: a build or file system that
/// silently ignores one (e.g. no WAL on a network file system) refuses to open.
async fn check_pragmas(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    for (pragma, want) in REQUIRED_PRAGMAS {
        let row = sqlx::query(&format!("PRAGMA {pragma}")).fetch_one(&mut *conn).await?;
        let got = match row.try_get::<i64, _>(0) {
            Ok(n) => n.to_string(),
            Err(_) => row.try_get::<String, _>(0)?,
        };
        if !got.eq_ignore_ascii_case(want) {
            return Err(sqlx::Error::Configuration(
                format!("SQLite did not apply {pragma} (wanted {want}, got {got})").into(),
            ));
        }
    }
    Ok(())
}

/// The control database and the folder that holds the group databases.
#[derive(Clone)]
pub struct SqliteStore {
    dir: PathBuf,
    pub(crate) control: SqlitePool,
    pub(crate) control_checkpoints: Checkpointer,
    /// Hot reads of the control database on the caller's thread (`reader.rs`).
    control_reader: Arc<Reader>,
    /// The audit writer's own connection to the control database, kept across rounds (see
    /// `sqlite/audit.rs`). Detached from the pool, so dropping it needs no runtime.
    pub(crate) audit_connection: Arc<tokio::sync::Mutex<Option<audit::AuditWriter>>>,
}

/// One customer group's SQLite database.
#[derive(Clone)]
pub struct SqliteGroup {
    pool: SqlitePool,
    /// Hot reads on the caller's thread (`reader.rs`).
    reader: Arc<Reader>,
    path: PathBuf,
    checkpoints: Checkpointer,
    staging: IndexStaging,
    filters: FilterCache,
    runs: Arc<Mutex<Option<Arc<RunList>>>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the data folder `dir` and migrates the control database.
    pub async fn open(dir: &Path) -> Result<Self, StoreError> {
        create_private_dir(dir)?;
        create_private_dir(&dir.join(GROUPS_DIR))?;
        let control = open_pool(&dir.join("control.db"), 4).await?;
        migrate::migrator(migrate::SQLITE_CONTROL)
            .run(&control)
            .await
            .map_err(|e| StoreError::Unavailable(format!("control database migration failed: {e}")))?;
        Ok(SqliteStore {
            dir: dir.to_owned(),
            control,
            control_checkpoints: Checkpointer::default(),
            control_reader: Arc::new(Reader::new(dir.join("control.db"))),
            audit_connection: Arc::default(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn control(&self) -> &SqlitePool {
        &self.control
    }

    /// Closes every connection (the files can then be copied or inspected).
    pub async fn close(&self) {
        drop(self.audit_connection.lock().await.take());
        self.control_reader.close();
        self.control.close().await;
    }
}

impl SqliteGroup {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stages at most `run_entries` blind-index entries per level-0 run, merges `fanout`
    /// runs of a level into one, checks writes of more than `probe_up_to` unique entries
    /// through the runs' hash filters, and packs the non-unique entries of a write of at
    /// least `blocks_from` into blocks of `block_bytes`, instead of the defaults (65,536,
    /// 32, 64, 8,192 and 4,000): small values let tests reach every staging state with a
    /// few customers.
    pub fn with_index_staging(
        mut self,
        run_entries: i64,
        fanout: i64,
        probe_up_to: usize,
        blocks_from: usize,
        block_bytes: usize,
    ) -> Self {
        self.staging = IndexStaging { run_entries, fanout, probe_up_to, blocks_from, block_bytes };
        self
    }

    pub async fn close(&self) {
        self.reader.close();
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection without the required settings is refused, naming the first one
    /// missing; the store's own connections pass.
    #[tokio::test]
    async fn fault11_pragmas_are_read_back_after_opening() {
        use sqlx::Connection;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plain.db");
        let plain = SqliteConnectOptions::new().filename(&path).create_if_missing(true);
        let mut conn = SqliteConnection::connect_with(&plain).await.unwrap();
        let err = check_pragmas(&mut conn).await.unwrap_err().to_string();
        assert!(err.contains("journal_mode"), "{err}");
        sqlx::query("PRAGMA journal_mode=WAL").execute(&mut conn).await.unwrap();
        sqlx::query("PRAGMA synchronous=FULL").execute(&mut conn).await.unwrap();
        sqlx::query("PRAGMA foreign_keys=ON").execute(&mut conn).await.unwrap();
        let err = check_pragmas(&mut conn).await.unwrap_err().to_string();
        assert!(err.contains("secure_delete"), "{err}");
        conn.close().await.unwrap();
        let pool = open_pool(&dir.path().join("store.db"), 2).await.unwrap();
        let mut own = pool.acquire().await.unwrap();
        check_pragmas(&mut own).await.unwrap();
    }

    /// The audit writer keeps a connection; the store must still drop cleanly where no
    /// runtime is running (a process's last `drop`, after its runtime has stopped).
    #[test]
    fn a_store_with_a_kept_audit_connection_drops_outside_a_runtime() {
        use sekretess_core::audit::{AuditStore, Entry, Outcome};
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let store = runtime.block_on(async {
            let store = SqliteStore::open(dir.path()).await.unwrap();
            let entry = Entry {
                seq: 1,
                time: 0,
                actor: "system".into(),
                action: "test".into(),
                group: None,
                customer: None,
                fields: Vec::new(),
                purpose: None,
                outcome: Outcome::Success,
                request_id: None,
                origin: None,
                mac: [0; 32],
            };
            store.audit_append(0, &[entry]).await.unwrap();
            assert!(store.audit_connection.lock().await.is_some());
            store
        });
        drop(runtime);
        drop(store);
    }
}
