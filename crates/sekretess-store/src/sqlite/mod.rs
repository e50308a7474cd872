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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sekretess_core::error::StoreError;
use sekretess_core::store::{
    CustomerRecord, CustomerWrite, FIRST_RECORD_VERSION, GroupKeyKind, GroupRow, GroupState, GroupStore,
    IndexEntry, SealedGroupKey, Store, VaultMeta,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use crate::hash_filter::HashFilter;
use crate::index_blocks::{self, BlockWriter};
use crate::migrate;

mod access;
mod audit;
mod people;

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
        .connect_with(options)
        .await
        .map_err(map_err)
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

/// Starts write-ahead-log checkpoints on a task of their own, at most one at a time and
/// one per `CHECKPOINT_EVERY`. Left to SQLite, the commit that crosses its threshold copies
/// the log into the database and syncs it before it returns, and every request waiting for
/// that commit (an audit round) waits for the copy too.
#[derive(Clone, Default)]
pub(crate) struct Checkpointer(Arc<CheckpointState>);

#[derive(Default)]
struct CheckpointState {
    running: AtomicBool,
    last_started: Mutex<Option<Instant>>,
}

const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// Log frames (pages) above which a checkpoint makes the log start over: 64 MiB.
const RESTART_ABOVE_FRAMES: i64 = 16_384;

impl Checkpointer {
    /// Call after a commit on `pool`.
    pub(crate) fn after_commit(&self, pool: &SqlitePool) {
        let state = &self.0;
        let due = match state.last_started.lock() {
            Ok(mut last) => {
                let due = last.is_none_or(|t| t.elapsed() >= CHECKPOINT_EVERY);
                if due && !state.running.swap(true, Ordering::AcqRel) {
                    *last = Some(Instant::now());
                    true
                } else {
                    false
                }
            }
            Err(_) => false,
        };
        if due {
            let (pool, state) = (pool.clone(), Arc::clone(state));
            tokio::spawn(async move {
                // PASSIVE copies what it can without waiting for readers or writers. A
                // failure only leaves the log longer; the next one (or SQLite's own
                // backstop) catches up.
                let passive: Result<(i64, i64, i64), _> =
                    sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&pool).await;
                // Under writes without pause the log never starts over (each checkpoint ends
                // behind the newest commit) and grows without bound: 1.3 GB after 150,000
                // batched creates in the server benchmark. Past a bound, RESTART waits for
                // the writer so that the next commit starts the log from the beginning.
                if passive.is_ok_and(|(_, log_frames, _)| log_frames > RESTART_ABOVE_FRAMES) {
                    let _ = sqlx::query("PRAGMA wal_checkpoint(RESTART)").execute(&pool).await;
                }
                state.running.store(false, Ordering::Release);
            });
        }
    }
}

/// The control database and the folder that holds the group databases.
#[derive(Clone)]
pub struct SqliteStore {
    dir: PathBuf,
    pub(crate) control: SqlitePool,
    pub(crate) control_checkpoints: Checkpointer,
    /// The audit writer's own connection to the control database, kept across rounds (see
    /// `sqlite/audit.rs`). Detached from the pool, so dropping it needs no runtime.
    pub(crate) audit_connection: Arc<tokio::sync::Mutex<Option<SqliteConnection>>>,
}

/// One customer group's SQLite database.
#[derive(Clone)]
pub struct SqliteGroup {
    pool: SqlitePool,
    path: PathBuf,
    checkpoints: Checkpointer,
    staging: IndexStaging,
    filters: FilterCache,
    runs: Arc<Mutex<Option<Arc<RunList>>>>,
}

/// The hash filters of index runs, decoded, for uniqueness checks and finds of unique
/// fields. Keyed by run and entry count: a run's unique entries change only when it takes more entries (which
/// changes the count), or lose some by erasure (which leaves the filter a superset).
/// Runs without a filter are not cached.
#[derive(Clone, Default)]
struct FilterCache(Arc<Mutex<FiltersByRun>>);

type FiltersByRun = std::collections::HashMap<(i64, i64), Arc<HashFilter>>;

impl FilterCache {
    /// The hash filter of `run` with `entries` entries, from the cache or the file; `None`
    /// if it has none (or is gone), so that it must be probed.
    async fn get(
        &self,
        conn: &mut SqliteConnection,
        run: i64,
        entries: i64,
    ) -> Result<Option<Arc<HashFilter>>, StoreError> {
        let poisoned = || StoreError::Unavailable("the hash filter cache is unusable".into());
        if let Some(filter) = self.0.lock().map_err(|_| poisoned())?.get(&(run, entries)) {
            return Ok(Some(Arc::clone(filter)));
        }
        let blob: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT unique_filter FROM index_runs WHERE run = ? AND entries = ?")
                .bind(run)
                .bind(entries)
                .fetch_optional(&mut *conn)
                .await
                .map_err(map_err)?;
        let Some(Some(blob)) = blob else { return Ok(None) };
        let filter = Arc::new(HashFilter::decode(&blob)?);
        let mut cache = self.0.lock().map_err(|_| poisoned())?;
        // Runs merged away are never asked for again.
        if cache.len() > 256 {
            cache.clear();
        }
        cache.insert((run, entries), Arc::clone(&filter));
        Ok(Some(filter))
    }
}

/// Each index run, its entry count, and whether it still takes entries (has no filter).
/// `length()` reads no more of a blob than its header; `IS NULL` on the blob itself reads
/// the whole filter (hundreds of kilobytes for a merged run).
async fn index_runs(tx: &mut SqliteConnection) -> Result<Vec<(i64, i64, bool)>, StoreError> {
    sqlx::query_as("SELECT run, entries, length(unique_filter) IS NULL FROM index_runs")
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)
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
        self.pool.close().await;
    }
}

fn group_row(row: &sqlx::sqlite::SqliteRow) -> Result<GroupRow, StoreError> {
    let state: String = row.try_get("state").map_err(map_err)?;
    Ok(GroupRow {
        id: row.try_get::<i64, _>("id").map_err(map_err)? as u32,
        name: row.try_get("name").map_err(map_err)?,
        location: row.try_get("location").map_err(map_err)?,
        state: GroupState::parse(&state).ok_or_else(|| StoreError::Corrupt("group state".into()))?,
        current_kek_version: row.try_get::<i64, _>("current_kek_version").map_err(map_err)? as u32,
        created_at: row.try_get("created_at").map_err(map_err)?,
    })
}

impl Store for SqliteStore {
    type Group = SqliteGroup;

    async fn load_meta(&self) -> Result<Option<VaultMeta>, StoreError> {
        let row = sqlx::query("SELECT key_id, threshold, share_count, created_at FROM vault_meta")
            .fetch_optional(&self.control)
            .await
            .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let key_id: Vec<u8> = row.try_get("key_id").map_err(map_err)?;
        Ok(Some(VaultMeta {
            key_id: key_id.try_into().map_err(|_| StoreError::Corrupt("vault key id".into()))?,
            threshold: row.try_get::<i64, _>("threshold").map_err(map_err)? as u8,
            share_count: row.try_get::<i64, _>("share_count").map_err(map_err)? as u8,
            created_at: row.try_get("created_at").map_err(map_err)?,
        }))
    }

    async fn init_meta(&self, meta: &VaultMeta) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO vault_meta (singleton, key_id, threshold, share_count, created_at) VALUES (1, ?, ?, ?, ?)",
        )
        .bind(&meta.key_id[..])
        .bind(i64::from(meta.threshold))
        .bind(i64::from(meta.share_count))
        .bind(meta.created_at)
        .execute(&self.control)
        .await
        .map_err(|e| match map_err(e) {
            StoreError::Conflict { .. } => StoreError::Conflict { what: "vault already initialized".into() },
            other => other,
        })?;
        Ok(())
    }

    async fn list_groups(&self) -> Result<Vec<GroupRow>, StoreError> {
        let rows = sqlx::query("SELECT * FROM groups ORDER BY id")
            .fetch_all(&self.control)
            .await
            .map_err(map_err)?;
        rows.iter().map(group_row).collect()
    }

    async fn create_group(
        &self,
        id: u32,
        name: &str,
        created_at: i64,
        keys: &[SealedGroupKey],
    ) -> Result<GroupRow, StoreError> {
        let location = format!("{GROUPS_DIR}/group-{id}.db");
        let mut tx = self.control.begin().await.map_err(map_err)?;
        sqlx::query(
            "INSERT INTO groups (id, name, location, state, current_kek_version, created_at) VALUES (?, ?, ?, 'open', 1, ?)",
        )
        .bind(i64::from(id))
        .bind(name)
        .bind(&location)
        .bind(created_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for k in keys {
            sqlx::query("INSERT INTO group_keys (group_id, kind, version, sealed) VALUES (?, ?, ?, ?)")
                .bind(i64::from(id))
                .bind(k.kind.as_str())
                .bind(i64::from(k.version))
                .bind(&k.sealed)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        let row = GroupRow {
            id,
            name: name.to_owned(),
            location,
            state: GroupState::Open,
            current_kek_version: 1,
            created_at,
        };
        // Create and migrate the group's own database before the group becomes visible.
        self.open_group(&row).await?.close().await;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn set_group_state(&self, id: u32, state: GroupState) -> Result<(), StoreError> {
        sqlx::query("UPDATE groups SET state = ? WHERE id = ?")
            .bind(state.as_str())
            .bind(i64::from(id))
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn group_keys(&self, id: u32) -> Result<Vec<SealedGroupKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, version, sealed FROM group_keys WHERE group_id = ? ORDER BY kind, version",
        )
        .bind(i64::from(id))
        .fetch_all(&self.control)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind").map_err(map_err)?;
                Ok(SealedGroupKey {
                    kind: GroupKeyKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt("group key kind".into()))?,
                    version: r.try_get::<i64, _>("version").map_err(map_err)? as u32,
                    sealed: r.try_get("sealed").map_err(map_err)?,
                })
            })
            .collect()
    }

    async fn open_group(&self, group: &GroupRow) -> Result<SqliteGroup, StoreError> {
        // Locations are written by this store; refuse anything that would leave the folder.
        if group.location.contains("..") || group.location.starts_with('/') {
            return Err(StoreError::Corrupt("group location".into()));
        }
        let path = self.dir.join(&group.location);
        let pool = open_pool(&path, 4).await?;
        migrate::migrator(migrate::SQLITE_GROUP)
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable(format!("group database migration failed: {e}")))?;
        Ok(SqliteGroup {
            pool,
            path,
            checkpoints: Checkpointer::default(),
            staging: INDEX_STAGING,
            filters: FilterCache::default(),
            runs: Arc::default(),
        })
    }

    async fn directory_insert(&self, codes: &[String], group: u32) -> Result<(), StoreError> {
        // Random codes in key order: each B-tree page is visited once.
        let mut sorted: Vec<&String> = codes.iter().collect();
        sorted.sort_unstable();
        let mut tx = self.control.begin().await.map_err(map_err)?;
        for chunk in sorted.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT OR FAIL INTO directory (code, group_id, version) ");
            q.push_values(chunk, |mut b, code| {
                b.push_bind(code).push_bind(i64::from(group)).push_bind(version_to_sql(FIRST_RECORD_VERSION));
            });
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        self.control_checkpoints.after_commit(&self.control);
        Ok(())
    }

    async fn directory_remove(&self, codes: &[String]) -> Result<(), StoreError> {
        let mut tx = self.control.begin().await.map_err(map_err)?;
        for code in codes {
            sqlx::query("DELETE FROM directory WHERE code = ?")
                .bind(code)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn directory_lookup(&self, code: &str) -> Result<Option<u32>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT group_id FROM directory WHERE code = ?")
            .bind(code)
            .fetch_optional(&self.control)
            .await
            .map_err(map_err)?;
        Ok(row.map(|(g,)| g as u32))
    }

    async fn directory_versions(&self, codes: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        // One code (a read alone in its round) is the common case: one prepared statement.
        let rows: Vec<(String, i64)> = if let [code] = codes {
            sqlx::query_as("SELECT code, version FROM directory WHERE code = ?")
                .bind(code)
                .fetch_all(&self.control)
                .await
                .map_err(map_err)?
        } else {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT code, version FROM directory WHERE code IN (");
            let mut list = q.separated(", ");
            for code in codes {
                list.push_bind(code.as_str());
            }
            q.push(")");
            q.build_query_as().fetch_all(&self.control).await.map_err(map_err)?
        };
        rows.into_iter().map(|(code, v)| Ok((code, version_from_sql(v)?))).collect()
    }

    async fn directory_set_version(&self, code: &str, version: u64) -> Result<(), StoreError> {
        sqlx::query("UPDATE directory SET version = ?1 WHERE code = ?2 AND version < ?1")
            .bind(version_to_sql(version))
            .bind(code)
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        self.control_checkpoints.after_commit(&self.control);
        Ok(())
    }

    async fn record_erasure(&self, code: &str, group: u32, at: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT OR IGNORE INTO erasures (code, group_id, erased_at) VALUES (?, ?, ?)")
            .bind(code)
            .bind(i64::from(group))
            .bind(at)
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn is_erased(&self, code: &str) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM erasures WHERE code = ?")
            .bind(code)
            .fetch_optional(&self.control)
            .await
            .map_err(map_err)?;
        Ok(row.is_some())
    }
}

/// A record version as stored (a signed 64-bit column); versions never come near 2^63.
pub(crate) fn version_to_sql(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

pub(crate) fn version_from_sql(version: i64) -> Result<u64, StoreError> {
    u64::try_from(version).map_err(|_| StoreError::Corrupt("record version".into()))
}

/// Field ciphertexts of one customer in one blob: repeated
/// `[name length u8][name][ciphertext length u32 BE][ciphertext]`.
pub fn encode_fields(fields: &[(String, Vec<u8>)]) -> Vec<u8> {
    let size = fields.iter().map(|(n, c)| 5 + n.len() + c.len()).sum();
    let mut out = Vec::with_capacity(size);
    for (name, ct) in fields {
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(ct.len() as u32).to_be_bytes());
        out.extend_from_slice(ct);
    }
    out
}

/// Inverse of [`encode_fields`]; damaged framing is `Corrupt`.
/// A customer row, as both backends store it (same column names and types).
pub(crate) fn customer_record<'r, R>(row: &'r R) -> Result<CustomerRecord, StoreError>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let corrupt = |e: sqlx::Error| StoreError::Corrupt(e.to_string());
    let blob: Vec<u8> = row.try_get("fields").map_err(corrupt)?;
    let kek: i64 = row.try_get("kek_version").map_err(corrupt)?;
    Ok(CustomerRecord {
        code: row.try_get("code").map_err(corrupt)?,
        version: version_from_sql(row.try_get("version").map_err(corrupt)?)?,
        kek_version: u32::try_from(kek).map_err(|_| StoreError::Corrupt("kek version".into()))?,
        wrapped_dek: row.try_get("wrapped_dek").map_err(corrupt)?,
        fields: decode_fields(&blob)?,
        created_at: row.try_get("created_at").map_err(corrupt)?,
        updated_at: row.try_get("updated_at").map_err(corrupt)?,
        retain_until: row.try_get("retain_until").map_err(corrupt)?,
    })
}

pub fn decode_fields(mut blob: &[u8]) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let corrupt = || StoreError::Corrupt("customer field framing".into());
    let mut fields = Vec::new();
    while let Some((&name_len, rest)) = blob.split_first() {
        let (name, rest) = rest.split_at_checked(name_len as usize).ok_or_else(corrupt)?;
        let (len, rest) = rest.split_at_checked(4).ok_or_else(corrupt)?;
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let (ct, rest) = rest.split_at_checked(len).ok_or_else(corrupt)?;
        let name = std::str::from_utf8(name).map_err(|_| corrupt())?;
        fields.push((name.to_owned(), ct.to_vec()));
        blob = rest;
    }
    Ok(fields)
}

/// A customer's index entries, framed as `[unique u8][field length u8][field][hash 32]`.
fn encode_index(entries: &[IndexEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 48);
    for e in entries {
        out.push(u8::from(e.unique));
        out.push(e.field.len() as u8);
        out.extend_from_slice(e.field.as_bytes());
        out.extend_from_slice(&e.hash);
    }
    out
}

fn decode_index(mut blob: &[u8]) -> Result<Vec<IndexEntry>, StoreError> {
    let corrupt = || StoreError::Corrupt("customer index framing".into());
    let mut entries = Vec::new();
    while let Some((&unique, rest)) = blob.split_first() {
        let (&len, rest) = rest.split_first().ok_or_else(corrupt)?;
        let (field, rest) = rest.split_at_checked(len as usize).ok_or_else(corrupt)?;
        let (hash, rest) = rest.split_at_checked(32).ok_or_else(corrupt)?;
        entries.push(IndexEntry {
            field: std::str::from_utf8(field).map_err(|_| corrupt())?.to_owned(),
            hash: hash.try_into().map_err(|_| corrupt())?,
            unique: unique == 1,
        });
        blob = rest;
    }
    Ok(entries)
}

/// How new blind-index entries are staged (see `migrations/sqlite/group/0002_staged_index.sql`
/// and `0003_unique_runs.sql`).
#[derive(Debug, Clone, Copy)]
struct IndexStaging {
    /// Entries a level-0 run takes before a write starts a new one.
    run_entries: i64,
    /// Runs of one level that are merged into one run of the next. Each run costs a find
    /// one more index probe; each entry is rewritten once per level.
    fanout: i64,
    /// Unique entries that a write checks against the runs by probing each run. A write
    /// of more tests them against the runs' hash filters first and probes only the runs
    /// that may hold one (a filter read from the file costs as much as many probes).
    probe_up_to: usize,
    /// Non-unique entries from which a write starts a run of its own and packs them into
    /// blocks (`index_blocks.rs`); fewer are added as rows to the newest run. At an eighth
    /// of a full run, block runs at most multiply the runs (and a find's probes) by eight.
    blocks_from: usize,
    /// Bytes of a block (more only if one hash has more entries): one 4 KiB page holds it.
    block_bytes: usize,
}

/// Fanout 32: a find probes at most 31 runs per level (a few microseconds each while
/// cached). With the default schema (six searchable fields, one of them unique) level-0
/// runs are merged every 320,000 customers created in batches of 10,000 (a run each) or
/// 420,000 created one by one; a merge rewrites its runs' entries once, about 3 us each.
const INDEX_STAGING: IndexStaging =
    IndexStaging { run_entries: 65_536, fanout: 32, probe_up_to: 64, blocks_from: 8192, block_bytes: 4000 };

/// Writes customer rows (their index entries are `insert_index`'s) in a transaction.
async fn insert_rows(tx: &mut sqlx::SqliteConnection, writes: &[CustomerWrite]) -> Result<(), StoreError> {
    for chunk in writes.chunks(ROWS_PER_STATEMENT) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT OR FAIL INTO customers (code, version, kek_version, wrapped_dek, fields, index_entries, created_at, updated_at, retain_until) ",
        );
        q.push_values(chunk, |mut b, w| {
            let r = &w.record;
            b.push_bind(r.code.as_str())
                .push_bind(version_to_sql(r.version))
                .push_bind(i64::from(r.kek_version))
                .push_bind(r.wrapped_dek.as_slice())
                .push_bind(encode_fields(&r.fields))
                .push_bind(encode_index(&w.index))
                .push_bind(r.created_at)
                .push_bind(r.updated_at)
                .push_bind(r.retain_until);
        });
        q.build().execute(&mut *tx).await.map_err(map_err)?;
    }
    Ok(())
}

/// Stages the writes' index entries (in a transaction that has already written, so it
/// holds the write lock), and merges runs when a level has enough of them.
async fn insert_index(
    tx: &mut sqlx::SqliteConnection,
    writes: &[&CustomerWrite],
    staging: IndexStaging,
    filters: &FilterCache,
) -> Result<(), StoreError> {
    let conflict = || StoreError::Conflict { what: unique_field_name(writes) };
    let entries = |unique: bool| -> Vec<(&[u8; 32], &str)> {
        let mut entries: Vec<_> = writes
            .iter()
            .flat_map(|w| {
                w.index
                    .iter()
                    .filter(move |e| e.unique == unique)
                    .map(move |e| (&e.hash, w.record.code.as_str()))
            })
            .collect();
        entries.sort_unstable(); // in key order, each B-tree page is visited once
        entries
    };
    let (unique, blind) = (entries(true), entries(false));
    if unique.is_empty() && blind.is_empty() {
        return Ok(());
    }
    let added = (unique.len() + blind.len()) as i64;
    let blocks = (blind.len() >= staging.blocks_from)
        .then(|| {
            let mut writer = BlockWriter::new(staging.block_bytes);
            for (hash, code) in &blind {
                writer.push(hash, code)?;
            }
            Ok::<_, StoreError>(writer.finish())
        })
        .transpose()?;
    let newest: Option<(i64, i64)> =
        sqlx::query_as("SELECT run, entries FROM index_runs WHERE level = 0 ORDER BY run DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
    let (run, new_run) = match newest {
        // Blocks only ever go to a new run: a run's blocks must not overlap.
        Some((run, entries)) if blocks.is_none() && entries + added <= staging.run_entries => (run, false),
        _ => (next_run(tx).await?, true),
    };
    // Tells finds that keep the run list in memory to read it again (`find_unique`).
    sqlx::query("UPDATE index_generation SET n = n + 1").execute(&mut *tx).await.map_err(map_err)?;
    if new_run {
        // A run that took entries after its first write takes no more: it gets its filter.
        let open: Vec<i64> =
            sqlx::query_scalar("SELECT run FROM index_runs WHERE length(unique_filter) IS NULL")
                .fetch_all(&mut *tx)
                .await
                .map_err(map_err)?;
        for run in open {
            write_filter(tx, run).await?;
        }
    }
    if !unique.is_empty() && unique_taken(tx, &unique, staging, filters).await? {
        return Err(conflict());
    }
    // A new run holds just this write's unique entries: its filter is theirs. A run that
    // takes more entries later loses its filter until a write starts the next run.
    let filter = new_run.then(|| HashFilter::encode(unique.iter().map(|(hash, _)| &hash[..])));
    sqlx::query(
        "INSERT INTO index_runs (run, level, entries, unique_filter) VALUES (?1, 0, ?2, ?3) \
             ON CONFLICT (run) DO UPDATE SET entries = entries + ?2, unique_filter = NULL",
    )
    .bind(run)
    .bind(added)
    .bind(filter)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    // The key (run, hash) refuses a value twice in the batch, or already in this run.
    append_to_run(tx, "unique_runs", run, &unique).await.map_err(|e| match e {
        StoreError::Conflict { .. } => conflict(),
        other => other,
    })?;
    match blocks {
        Some(blocks) => index_blocks::write_blocks(tx, run, &blocks).await?,
        None => append_to_run(tx, "staged_blind", run, &blind).await?,
    }
    // Only a new run can fill a level.
    if new_run { merge_full_levels(tx, staging).await } else { Ok(()) }
}

/// Writes `entries` (in key order) to `run` of `table` (`unique_runs` or `staged_blind`).
async fn append_to_run(
    tx: &mut sqlx::SqliteConnection,
    table: &str,
    run: i64,
    entries: &[(&[u8; 32], &str)],
) -> Result<(), StoreError> {
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("INSERT OR FAIL INTO {table} (run, hash, code) "));
        q.push_values(chunk, |mut b, (hash, code)| {
            b.push_bind(run).push_bind(&hash[..]).push_bind(*code);
        });
        q.build().execute(&mut *tx).await.map_err(map_err)?;
    }
    Ok(())
}

/// Whether some customer already holds one of the `unique` hashes (sorted): in
/// unique_index (entries from before unique runs), or in any run.
async fn unique_taken(
    tx: &mut sqlx::SqliteConnection,
    unique: &[(&[u8; 32], &str)],
    staging: IndexStaging,
    filters: &FilterCache,
) -> Result<bool, StoreError> {
    async fn any_of(
        tx: &mut sqlx::SqliteConnection,
        sql: &str,
        run: Option<i64>,
        hashes: &[&[u8; 32]],
    ) -> Result<bool, StoreError> {
        for chunk in hashes.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(sql);
            if let Some(run) = run {
                q.push_bind(run).push(" AND hash IN (");
            }
            let mut list = q.separated(", ");
            for hash in chunk {
                list.push_bind(&hash[..]);
            }
            q.push(") LIMIT 1");
            if q.build().fetch_optional(&mut *tx).await.map_err(map_err)?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }
    let hashes: Vec<&[u8; 32]> = unique.iter().map(|(hash, _)| *hash).collect();
    if any_of(tx, "SELECT 1 FROM unique_index WHERE hash IN (", None, &hashes).await? {
        return Ok(true);
    }
    if hashes.len() <= staging.probe_up_to {
        let sql = "SELECT 1 FROM unique_runs WHERE run IN (SELECT run FROM index_runs) AND hash IN (";
        return any_of(tx, sql, None, &hashes).await;
    }
    for (run, entries, open) in index_runs(tx).await? {
        let filter = if open { None } else { filters.get(tx, run, entries).await? };
        let candidates: Vec<&[u8; 32]> = match filter {
            Some(filter) => hashes.iter().copied().filter(|hash| filter.may_contain(&hash[..])).collect(),
            None => hashes.clone(),
        };
        if any_of(tx, "SELECT 1 FROM unique_runs WHERE run = ", Some(run), &candidates).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Writes the hash filter of `run`'s unique entries.
async fn write_filter(tx: &mut sqlx::SqliteConnection, run: i64) -> Result<(), StoreError> {
    let hashes: Vec<Vec<u8>> = sqlx::query_scalar("SELECT hash FROM unique_runs WHERE run = ?")
        .bind(run)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
    sqlx::query("UPDATE index_runs SET unique_filter = ? WHERE run = ?")
        .bind(HashFilter::encode(hashes.iter().map(Vec::as_slice)))
        .bind(run)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    Ok(())
}

async fn next_run(tx: &mut sqlx::SqliteConnection) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT COALESCE(MAX(run), 0) + 1 FROM index_runs")
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)
}

/// While some level has `fanout` runs, merges them into one run of the next level.
async fn merge_full_levels(tx: &mut sqlx::SqliteConnection, staging: IndexStaging) -> Result<(), StoreError> {
    loop {
        let full: Option<(i64, i64)> = sqlx::query_as(
            "SELECT level, SUM(entries) FROM index_runs GROUP BY level HAVING count(*) >= ? ORDER BY level LIMIT 1",
        )
        .bind(staging.fanout)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let Some((level, entries)) = full else { return Ok(()) };
        let run = next_run(tx).await?;
        let merged: Vec<i64> = sqlx::query_scalar("SELECT run FROM index_runs WHERE level = ? ORDER BY run")
            .bind(level)
            .fetch_all(&mut *tx)
            .await
            .map_err(map_err)?;
        index_blocks::merge_into(tx, &merged, run, staging.block_bytes).await?;
        // A unique hash in two runs would be a broken invariant: reported, not dropped.
        sqlx::query(
            "INSERT OR FAIL INTO unique_runs (run, hash, code) SELECT ?, hash, code FROM unique_runs \
             WHERE run IN (SELECT run FROM index_runs WHERE level = ?) ORDER BY hash",
        )
        .bind(run)
        .bind(level)
        .execute(&mut *tx)
        .await
        .map_err(|e| match map_err(e) {
            StoreError::Conflict { .. } => StoreError::Corrupt("a unique index entry is in two runs".into()),
            other => other,
        })?;
        let retired = [
            sqlx::query("DELETE FROM staged_blind WHERE run IN (SELECT run FROM index_runs WHERE level = ?)")
                .bind(level),
            sqlx::query("DELETE FROM blind_blocks WHERE run IN (SELECT run FROM index_runs WHERE level = ?)")
                .bind(level),
            sqlx::query("DELETE FROM unique_runs WHERE run IN (SELECT run FROM index_runs WHERE level = ?)")
                .bind(level),
            sqlx::query("DELETE FROM index_runs WHERE level = ?").bind(level),
            sqlx::query("INSERT INTO index_runs (run, level, entries) VALUES (?, ?, ?)")
                .bind(run)
                .bind(level + 1)
                .bind(entries),
        ];
        for statement in retired {
            statement.execute(&mut *tx).await.map_err(map_err)?;
        }
        write_filter(tx, run).await?;
    }
}

/// The field to name for a uniqueness conflict: exact when the writes have one unique
/// field (the vault retries item by item to find the culprit).
fn unique_field_name(writes: &[&CustomerWrite]) -> String {
    let mut names: Vec<&str> =
        writes.iter().flat_map(|w| w.index.iter().filter(|e| e.unique).map(|e| e.field.as_str())).collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [one] => (*one).to_owned(),
        _ => "a unique field".to_owned(),
    }
}

async fn delete_index(
    tx: &mut sqlx::SqliteConnection,
    code: &str,
    entries: &[IndexEntry],
) -> Result<(), StoreError> {
    // An entry is either staged or merged.
    for e in entries {
        let statements: [&str; 2] = if e.unique {
            [
                "DELETE FROM unique_index WHERE hash = ? AND code = ?",
                "DELETE FROM unique_runs WHERE run IN (SELECT run FROM index_runs) AND hash = ? AND code = ?",
            ]
        } else {
            [
                "DELETE FROM blind_index WHERE hash = ? AND code = ?",
                "DELETE FROM staged_blind WHERE run IN (SELECT run FROM index_runs) AND hash = ? AND code = ?",
            ]
        };
        for sql in statements {
            sqlx::query(sql).bind(&e.hash[..]).bind(code).execute(&mut *tx).await.map_err(map_err)?;
        }
        if !e.unique {
            index_blocks::delete_entry(tx, &e.hash, code).await?;
        }
    }
    Ok(())
}

async fn stored_index(
    tx: &mut sqlx::SqliteConnection,
    code: &str,
) -> Result<Option<Vec<IndexEntry>>, StoreError> {
    let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT index_entries FROM customers WHERE code = ?")
        .bind(code)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
    row.map(|(blob,)| decode_index(&blob)).transpose()
}

/// The index runs as a find of a unique field last saw them.
struct RunList {
    /// `index_generation` then: every write of index entries counts it up.
    generation: i64,
    /// Whether `unique_index` (entries from before unique runs) held any: nothing adds to
    /// it any more, so once empty it stays empty.
    old_entries: bool,
    /// Each run with its hash filter; `None` for a run that still takes entries.
    runs: Vec<(i64, Option<Arc<HashFilter>>)>,
}

impl SqliteGroup {
    /// A unique field's entry: in unique_index (from before unique runs), or in one of the
    /// runs whose hash filter may hold it. One statement when no index entries were
    /// written since the runs were listed: it also says if some were, and then the find
    /// lists the runs again and starts over.
    async fn find_unique(&self, hash: &[u8; 32]) -> Result<Vec<String>, StoreError> {
        let poisoned = || StoreError::Unavailable("the index run cache is unusable".into());
        for _ in 0..3 {
            let known = self.runs.lock().map_err(|_| poisoned())?.clone();
            let known = match known {
                Some(known) => known,
                None => {
                    // (generation, old entries, run, entries, still takes entries); one row
                    // without a run when there are none.
                    type Row = (i64, bool, Option<i64>, Option<i64>, Option<bool>);
                    let mut conn = self.pool.acquire().await.map_err(map_err)?;
                    let rows: Vec<Row> = sqlx::query_as(
                        "SELECT g.n, EXISTS (SELECT 1 FROM unique_index), r.run, r.entries, \
                         length(r.unique_filter) IS NULL FROM index_generation g LEFT JOIN index_runs r",
                    )
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(map_err)?;
                    let (generation, old_entries) = rows.first().map_or((0, true), |row| (row.0, row.1));
                    let mut runs = Vec::with_capacity(rows.len());
                    for (_, _, run, entries, open) in rows {
                        let (Some(run), Some(entries)) = (run, entries) else { continue };
                        let filter = match open {
                            Some(false) => self.filters.get(&mut conn, run, entries).await?,
                            _ => None,
                        };
                        runs.push((run, filter));
                    }
                    let known = Arc::new(RunList { generation, old_entries, runs });
                    *self.runs.lock().map_err(|_| poisoned())? = Some(Arc::clone(&known));
                    known
                }
            };
            let maybe: Vec<i64> = known
                .runs
                .iter()
                .filter(|(_, filter)| filter.as_ref().is_none_or(|filter| filter.may_contain(hash)))
                .map(|(run, _)| *run)
                .collect();
            // Usually one run, and only then one statement; each extra part costs every
            // concurrent find.
            let mut parts = Vec::new();
            if known.old_entries {
                parts.push("SELECT code FROM unique_index WHERE hash = ?1".to_owned());
            }
            let runs: Vec<String> = (0..maybe.len()).map(|i| format!("?{}", i + 3)).collect();
            match runs.as_slice() {
                [] => {}
                [one] => parts.push(format!("SELECT code FROM unique_runs WHERE run = {one} AND hash = ?1")),
                many => parts.push(format!(
                    "SELECT code FROM unique_runs WHERE run IN ({}) AND hash = ?1",
                    many.join(", ")
                )),
            }
            // A NULL code says that index entries were written since the runs were listed.
            parts.push("SELECT NULL WHERE (SELECT n FROM index_generation) IS NOT ?2".to_owned());
            let sql = parts.join(" UNION ALL ");
            let mut query = sqlx::query_scalar(&sql).bind(&hash[..]).bind(known.generation);
            for run in maybe {
                query = query.bind(run);
            }
            let codes: Vec<Option<String>> = query.fetch_all(&self.pool).await.map_err(map_err)?;
            if let Some(codes) = codes.into_iter().collect::<Option<Vec<String>>>() {
                return Ok(codes);
            }
            *self.runs.lock().map_err(|_| poisoned())? = None;
        }
        Err(StoreError::Unavailable("the index runs kept changing during a find".into()))
    }
}

impl GroupStore for SqliteGroup {
    async fn insert_customers(&self, batch: &[CustomerWrite]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        insert_rows(&mut tx, batch).await?;
        insert_index(&mut tx, &batch.iter().collect::<Vec<_>>(), self.staging, &self.filters).await?;
        tx.commit().await.map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(())
    }

    async fn insert_customer_parts(
        &self,
        mut parts: mpsc::UnboundedReceiver<Arc<[CustomerWrite]>>,
        commit: oneshot::Receiver<()>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let mut written = Vec::new();
        while let Some(part) = parts.recv().await {
            insert_rows(&mut tx, &part).await?;
            written.push(part);
        }
        // Index entries go in last, all at once: sorted, they fill pages in key order.
        let written: Vec<_> = written.iter().flat_map(|p| p.iter()).collect();
        insert_index(&mut tx, &written, self.staging, &self.filters).await?;
        commit
            .await
            .map_err(|_| StoreError::Unavailable("the batch was given up before its commit".into()))?;
        tx.commit().await.map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(())
    }

    async fn get_customers(&self, codes: &[String]) -> Result<Vec<CustomerRecord>, StoreError> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT code, version, kek_version, wrapped_dek, fields, created_at, updated_at, retain_until FROM customers WHERE code IN (",
        );
        let mut list = q.separated(", ");
        for code in codes {
            list.push_bind(code.as_str());
        }
        q.push(")");
        let rows = q.build().fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(customer_record).collect()
    }

    async fn update_customer(&self, write: &CustomerWrite, from_version: u64) -> Result<bool, StoreError> {
        let r = &write.record;
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let row: Option<(Vec<u8>, i64)> =
            sqlx::query_as("SELECT index_entries, version FROM customers WHERE code = ?")
                .bind(r.code.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
        // Gone, or written by another update since the caller read it: nothing is written
        // (the transaction is rolled back when dropped).
        let Some((old, version)) = row else { return Ok(false) };
        if version_from_sql(version)? != from_version {
            return Ok(false);
        }
        delete_index(&mut tx, &r.code, &decode_index(&old)?).await?;
        sqlx::query(
            "UPDATE customers SET version = ?, kek_version = ?, wrapped_dek = ?, fields = ?, index_entries = ?, updated_at = ?, retain_until = ? WHERE code = ?",
        )
        .bind(version_to_sql(r.version))
        .bind(i64::from(r.kek_version))
        .bind(r.wrapped_dek.as_slice())
        .bind(encode_fields(&r.fields))
        .bind(encode_index(&write.index))
        .bind(r.updated_at)
        .bind(r.retain_until)
        .bind(r.code.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        insert_index(&mut tx, &[write], self.staging, &self.filters).await?;
        tx.commit().await.map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(true)
    }

    async fn erase_customer(&self, code: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let Some(entries) = stored_index(&mut tx, code).await? else { return Ok(false) };
        delete_index(&mut tx, code, &entries).await?;
        sqlx::query("DELETE FROM customers WHERE code = ?")
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn find(&self, _field: &str, hash: &[u8; 32], unique: bool) -> Result<Vec<String>, StoreError> {
        // The hash is keyed per group and field, so it alone selects the field's entries:
        // in the index from before runs, and in each run.
        if unique {
            return self.find_unique(hash).await;
        }
        // Rows (code, NULL) and, per run with blocks, the block that would hold it (NULL, blob).
        let rows: Vec<(Option<String>, Option<Vec<u8>>)> = sqlx::query_as(
            "SELECT code, NULL FROM blind_index WHERE hash = ?1 \
             UNION ALL SELECT code, NULL FROM staged_blind WHERE run IN (SELECT run FROM index_runs) AND hash = ?1 \
             UNION ALL SELECT NULL, (SELECT entries FROM blind_blocks WHERE run = r.run AND last_hash >= ?1 \
                 ORDER BY last_hash LIMIT 1) FROM index_runs r",
        )
        .bind(&hash[..])
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let mut codes = Vec::new();
        for row in rows {
            match row {
                (Some(code), _) => codes.push(code),
                (None, Some(block)) => codes.extend(index_blocks::codes_in(&block, hash)?),
                (None, None) => {}
            }
        }
        codes.sort_unstable();
        Ok(codes)
    }

    async fn checkpoint(&self) -> Result<(), StoreError> {
        // A checkpoint that meets another one (the background checkpointer) or a reader
        // reports itself busy and leaves pages in the log: try again until it completes,
        // since erased bytes are only gone from the disk once it has.
        for _ in 0..100 {
            let (busy,): (i64,) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(StoreError::Unavailable("the write-ahead log checkpoint stayed busy".into()))
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

    #[tokio::test]
    async fn checkpoints_run_without_a_commit_waiting_for_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let pool = open_pool(&path, 2).await.unwrap();
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        let mut tx = pool.begin().await.unwrap();
        for _ in 0..200 {
            sqlx::query("INSERT INTO t (body) VALUES (zeroblob(1000))").execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
        // Far below SQLite's own threshold (10,000 pages): only the checkpointer moves the
        // pages from the log into the database file.
        let db_size = || std::fs::metadata(&path).unwrap().len();
        assert!(db_size() < 100_000, "the database file grew before any checkpoint");
        Checkpointer::default().after_commit(&pool);
        let mut waited = 0;
        while db_size() < 200_000 && waited < 100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            waited += 1;
        }
        assert!(db_size() >= 200_000, "no checkpoint ran: database file is {} bytes", db_size());
        pool.close().await;
    }

    /// A group written before unique runs existed: its staged unique entry moves to
    /// unique_index, where finds and the uniqueness check still see it.
    #[tokio::test]
    async fn unique_entries_staged_before_unique_runs_still_count() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).await.unwrap();
        let row = store.create_group(1, "retail", 0, &[]).await.unwrap();
        let entry = |n: u8, unique| IndexEntry { field: "national_id".into(), hash: [n; 32], unique };
        let record = |code: &str| CustomerRecord {
            code: code.into(),
            version: 1,
            kek_version: 1,
            wrapped_dek: vec![1; 40],
            fields: Vec::new(),
            created_at: 0,
            updated_at: 0,
            retain_until: None,
        };
        // The group as the second migration left it.
        let path = dir.path().join(&row.location);
        for file in [path.clone(), path.with_extension("db-wal"), path.with_extension("db-shm")] {
            let _ = std::fs::remove_file(file);
        }
        let legacy = open_pool(&path, 1).await.unwrap();
        migrate::migrator(&migrate::SQLITE_GROUP[..2]).run(&legacy).await.unwrap();
        let old = CustomerWrite { record: record("OLD"), index: vec![entry(7, true)] };
        // As that schema had it: no record version yet.
        sqlx::query(
            "INSERT INTO customers (code, kek_version, wrapped_dek, fields, index_entries, created_at, updated_at) \
             VALUES ('OLD', 1, ?, x'', ?, 0, 0)",
        )
        .bind(old.record.wrapped_dek.as_slice())
        .bind(encode_index(&old.index))
        .execute(&legacy)
        .await
        .unwrap();
        for sql in [
            "INSERT INTO staged_unique (hash, code) VALUES (x'0707070707070707070707070707070707070707070707070707070707070707', 'OLD')",
            "INSERT INTO index_runs (run, level, entries) VALUES (1, 0, 1)",
        ] {
            sqlx::query(sql).execute(&legacy).await.unwrap();
        }
        legacy.close().await;

        // Every write goes through the hash filters; the old run has no unique entries.
        let group = store.open_group(&row).await.unwrap().with_index_staging(4, 3, 0, usize::MAX, 4000);
        assert_eq!(group.find("national_id", &[7; 32], true).await.unwrap(), ["OLD"]);
        let taken = CustomerWrite { record: record("NEW1"), index: vec![entry(7, true)] };
        let refused = group.insert_customers(std::slice::from_ref(&taken)).await;
        assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
        let free = CustomerWrite { record: record("NEW2"), index: vec![entry(8, true)] };
        group.insert_customers(std::slice::from_ref(&free)).await.unwrap();
        assert_eq!(group.find("national_id", &[8; 32], true).await.unwrap(), ["NEW2"]);
        // Erased, the old customer's value is free again.
        assert!(group.erase_customer("OLD").await.unwrap());
        group.insert_customers(std::slice::from_ref(&taken)).await.unwrap();
        assert_eq!(group.find("national_id", &[7; 32], true).await.unwrap(), ["NEW1"]);
        group.close().await;
    }
}
