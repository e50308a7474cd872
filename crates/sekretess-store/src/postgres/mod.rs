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
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sekretess_core::error::StoreError;
use sekretess_core::store::{
    CustomerRecord, CustomerWrite, FIRST_RECORD_VERSION, GroupKeyKind, GroupRow, GroupState, GroupStore,
    IndexEntry, SealedGroupKey, Store, VaultMeta,
};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection, Postgres, QueryBuilder, Row};
use tokio::sync::{mpsc, oneshot};

use crate::codec::{customer_record, encode_fields, version_from_sql, version_to_sql};
use crate::migrate;

mod access;
mod audit;
mod people;

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

fn bad_url(what: &str) -> StoreError {
    StoreError::Unavailable(format!("invalid PostgreSQL URL: {what}"))
}

/// (host, port, user) of a URL, and its password if it has one.
fn server_of(url: &url::Url) -> (String, u16, String) {
    (url.host_str().unwrap_or("").to_owned(), url.port().unwrap_or(5432), url.username().to_owned())
}

fn parse_url(text: &str) -> Result<url::Url, StoreError> {
    let url = url::Url::parse(text).map_err(|_| bad_url("not a URL"))?;
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        return Err(bad_url("the scheme must be postgres://"));
    }
    Ok(url)
}

/// The database name of a group database URL, checked so it can be quoted safely.
fn database_name(url: &url::Url) -> Result<String, StoreError> {
    let name = url.path().trim_start_matches('/');
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !ok {
        return Err(bad_url("a group database name needs 1-63 letters, digits, _ or -"));
    }
    Ok(name.to_owned())
}

/// Connects one connection, failing with `Unavailable` after `timeout`.
async fn connect_one(options: &PgConnectOptions, timeout: Duration) -> Result<PgConnection, StoreError> {
    match tokio::time::timeout(timeout, PgConnection::connect_with(options)).await {
        Ok(conn) => conn.map_err(map_err),
        Err(_) => Err(StoreError::Unavailable("timed out connecting to PostgreSQL".into())),
    }
}

/// Creates `schema` if missing and runs `steps` in it, on one connection of its own that
/// holds an advisory lock (so concurrent processes migrate one at a time).
async fn migrate_schema(
    options: &PgConnectOptions,
    timeout: Duration,
    schema: &str,
    steps: &'static [migrate::Step],
) -> Result<(), StoreError> {
    let mut conn = connect_one(options, timeout).await?;
    let result = async {
        sqlx::query("SELECT pg_advisory_lock(hashtext($1))")
            .bind(format!("sekretess-migrate:{schema}"))
            .execute(&mut conn)
            .await
            .map_err(map_err)?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .execute(&mut conn)
            .await
            .map_err(map_err)?;
        sqlx::query(&format!("SET search_path TO {schema}")).execute(&mut conn).await.map_err(map_err)?;
        migrate::migrator(steps)
            .run_direct(&mut conn)
            .await
            .map_err(|e| StoreError::Unavailable(format!("migration of schema {schema} failed: {e}")))
    }
    .await;
    // Closing the session releases the advisory lock and forgets the search path.
    let _ = conn.close().await;
    result
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

impl PgStore {
    /// Connects to the control database at `url` (groups go to the control database).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(PgOptions::new(url)).await
    }

    /// Connects to the control database and migrates it.
    pub async fn open_with(options: PgOptions) -> Result<Self, StoreError> {
        let control_options =
            PgConnectOptions::from_str(&options.control_url).map_err(|_| bad_url("control URL"))?;
        let mut passwords = HashMap::new();
        let urls =
            std::iter::once(&options.control_url).chain(options.placements.iter().filter_map(|p| match p {
                GroupPlacement::Database(url) => Some(url),
                GroupPlacement::ControlDatabase => None,
            }));
        for text in urls {
            let url = parse_url(text)?;
            if let Some(pw) = url.password() {
                passwords.insert(server_of(&url), pw.to_owned());
            }
        }
        migrate_schema(&control_options, options.acquire_timeout, CONTROL_SCHEMA, migrate::POSTGRES_CONTROL)
            .await?;
        let control = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .idle_timeout(Duration::from_secs(300))
            .connect_with(control_options.clone())
            .await
            .map_err(map_err)?;
        Ok(PgStore {
            inner: Arc::new(Inner {
                options,
                control,
                control_options,
                named: Mutex::new(HashMap::new()),
                pools: Mutex::new(HashMap::new()),
                passwords: Mutex::new(passwords),
            }),
        })
    }

    /// Places the group that will be created under `name` (call it before
    /// `Vault::create_group`). Overrides [`PgOptions::placements`] for that group.
    pub fn place_group(&self, name: &str, placement: GroupPlacement) -> Result<(), StoreError> {
        if let GroupPlacement::Database(text) = &placement {
            let url = parse_url(text)?;
            if let Some(pw) = url.password() {
                self.inner.passwords.lock().map_err(poisoned)?.insert(server_of(&url), pw.to_owned());
            }
        }
        self.inner.named.lock().map_err(poisoned)?.insert(name.to_owned(), placement);
        Ok(())
    }

    pub(crate) fn control(&self) -> &PgPool {
        &self.inner.control
    }

    /// Closes every connection this store holds.
    pub async fn close(&self) {
        let pools: Vec<PgPool> = match self.inner.pools.lock() {
            Ok(mut p) => p.drain().map(|(_, pool)| pool).collect(),
            Err(_) => Vec::new(),
        };
        for pool in pools {
            pool.close().await;
        }
        self.inner.control.close().await;
    }

    fn placement_for(&self, id: u32, name: &str) -> Result<GroupPlacement, StoreError> {
        if let Some(p) = self.inner.named.lock().map_err(poisoned)?.get(name) {
            return Ok(p.clone());
        }
        let spread = &self.inner.options.placements;
        if spread.is_empty() {
            return Ok(GroupPlacement::ControlDatabase);
        }
        Ok(spread[(id.saturating_sub(1) as usize) % spread.len()].clone())
    }

    /// The location recorded for a placement: `control`, or the database URL with `{id}`
    /// filled in and no password.
    fn location_of(placement: &GroupPlacement, id: u32) -> Result<String, StoreError> {
        match placement {
            GroupPlacement::ControlDatabase => Ok(CONTROL_LOCATION.to_owned()),
            GroupPlacement::Database(template) => {
                let mut url = parse_url(&template.replace("{id}", &id.to_string()))?;
                database_name(&url)?;
                url.set_password(None).map_err(|_| bad_url("cannot remove the password"))?;
                Ok(url.to_string())
            }
        }
    }

    /// Connection options of a recorded location, with a configured password if needed.
    fn options_of(&self, location: &str) -> Result<PgConnectOptions, StoreError> {
        if location == CONTROL_LOCATION {
            return Ok(self.inner.control_options.clone());
        }
        let url = parse_url(location)?;
        database_name(&url)?;
        let mut options = PgConnectOptions::from_str(location).map_err(|_| bad_url("group location"))?;
        if url.password().is_none()
            && let Some(pw) = self.inner.passwords.lock().map_err(poisoned)?.get(&server_of(&url))
        {
            options = options.password(pw);
        }
        Ok(options)
    }

    fn pool_of(&self, location: &str, options: &PgConnectOptions) -> Result<PgPool, StoreError> {
        if location == CONTROL_LOCATION {
            return Ok(self.inner.control.clone());
        }
        let mut pools = self.inner.pools.lock().map_err(poisoned)?;
        if let Some(pool) = pools.get(location) {
            return Ok(pool.clone());
        }
        let pool = PgPoolOptions::new()
            .max_connections(self.inner.options.max_connections)
            .min_connections(0)
            .acquire_timeout(self.inner.options.acquire_timeout)
            .idle_timeout(Duration::from_secs(300))
            .connect_lazy_with(options.clone());
        pools.insert(location.to_owned(), pool.clone());
        Ok(pool)
    }

    /// Creates the database of a location if it does not exist yet.
    async fn ensure_database(&self, location: &str, options: &PgConnectOptions) -> Result<(), StoreError> {
        if location == CONTROL_LOCATION {
            return Ok(());
        }
        let name = database_name(&parse_url(location)?)?;
        let admin = options.clone().database("postgres");
        let mut conn = connect_one(&admin, self.inner.options.acquire_timeout).await?;
        let result = async {
            let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_optional(&mut conn)
                .await
                .map_err(map_err)?;
            if exists.is_some() {
                return Ok(());
            }
            match sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).await {
                Ok(_) => Ok(()),
                // Another process created it at the same moment.
                Err(sqlx::Error::Database(db))
                    if db.is_unique_violation() || db.code().as_deref() == Some("42P04") =>
                {
                    Ok(())
                }
                Err(e) => Err(map_err(e)),
            }
        }
        .await;
        let _ = conn.close().await;
        result
    }
}

fn group_row(row: &PgRow) -> Result<GroupRow, StoreError> {
    let state: String = row.try_get("state").map_err(map_err)?;
    let id: i64 = row.try_get("id").map_err(map_err)?;
    let kek: i64 = row.try_get("current_kek_version").map_err(map_err)?;
    Ok(GroupRow {
        id: u32::try_from(id).map_err(|_| StoreError::Corrupt("group id".into()))?,
        name: row.try_get("name").map_err(map_err)?,
        location: row.try_get("location").map_err(map_err)?,
        state: GroupState::parse(&state).ok_or_else(|| StoreError::Corrupt("group state".into()))?,
        current_kek_version: u32::try_from(kek).map_err(|_| StoreError::Corrupt("kek version".into()))?,
        created_at: row.try_get("created_at").map_err(map_err)?,
    })
}

impl Store for PgStore {
    type Group = PgGroup;

    async fn load_meta(&self) -> Result<Option<VaultMeta>, StoreError> {
        let row = sqlx::query("SELECT key_id, threshold, share_count, created_at FROM sekretess.vault_meta")
            .fetch_optional(&self.inner.control)
            .await
            .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let key_id: Vec<u8> = row.try_get("key_id").map_err(map_err)?;
        let small = |col: &str| -> Result<u8, StoreError> {
            let v: i64 = row.try_get(col).map_err(map_err)?;
            u8::try_from(v).map_err(|_| StoreError::Corrupt(format!("vault {col}")))
        };
        Ok(Some(VaultMeta {
            key_id: key_id.try_into().map_err(|_| StoreError::Corrupt("vault key id".into()))?,
            threshold: small("threshold")?,
            share_count: small("share_count")?,
            created_at: row.try_get("created_at").map_err(map_err)?,
        }))
    }

    async fn init_meta(&self, meta: &VaultMeta) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sekretess.vault_meta (singleton, key_id, threshold, share_count, created_at) \
             VALUES (1, $1, $2, $3, $4)",
        )
        .bind(&meta.key_id[..])
        .bind(i64::from(meta.threshold))
        .bind(i64::from(meta.share_count))
        .bind(meta.created_at)
        .execute(&self.inner.control)
        .await
        .map_err(|e| match map_err(e) {
            StoreError::Conflict { .. } => StoreError::Conflict { what: "vault already initialized".into() },
            other => other,
        })?;
        Ok(())
    }

    async fn list_groups(&self) -> Result<Vec<GroupRow>, StoreError> {
        let rows = sqlx::query("SELECT * FROM sekretess.groups ORDER BY id")
            .fetch_all(&self.inner.control)
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
        let placement = self.placement_for(id, name)?;
        let location = Self::location_of(&placement, id)?;
        let mut tx = self.inner.control.begin().await.map_err(map_err)?;
        sqlx::query(
            "INSERT INTO sekretess.groups (id, name, location, state, current_kek_version, created_at) \
             VALUES ($1, $2, $3, 'open', 1, $4)",
        )
        .bind(i64::from(id))
        .bind(name)
        .bind(&location)
        .bind(created_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for k in keys {
            sqlx::query(
                "INSERT INTO sekretess.group_keys (group_id, kind, version, sealed) VALUES ($1, $2, $3, $4)",
            )
            .bind(i64::from(id))
            .bind(k.kind.as_str())
            .bind(i64::from(k.version))
            .bind(&k.sealed)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        // Create and migrate the group's own schema before the group becomes visible.
        let options = self.options_of(&location)?;
        self.ensure_database(&location, &options).await?;
        migrate_schema(
            &options,
            self.inner.options.acquire_timeout,
            &group_schema(id),
            migrate::POSTGRES_GROUP,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        if let Ok(mut named) = self.inner.named.lock() {
            named.remove(name);
        }
        Ok(GroupRow {
            id,
            name: name.to_owned(),
            location,
            state: GroupState::Open,
            current_kek_version: 1,
            created_at,
        })
    }

    async fn set_group_state(&self, id: u32, state: GroupState) -> Result<(), StoreError> {
        sqlx::query("UPDATE sekretess.groups SET state = $1 WHERE id = $2")
            .bind(state.as_str())
            .bind(i64::from(id))
            .execute(&self.inner.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn group_keys(&self, id: u32) -> Result<Vec<SealedGroupKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, version, sealed FROM sekretess.group_keys WHERE group_id = $1 ORDER BY kind, version",
        )
        .bind(i64::from(id))
        .fetch_all(&self.inner.control)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind").map_err(map_err)?;
                let version: i64 = r.try_get("version").map_err(map_err)?;
                Ok(SealedGroupKey {
                    kind: GroupKeyKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt("group key kind".into()))?,
                    version: u32::try_from(version)
                        .map_err(|_| StoreError::Corrupt("group key version".into()))?,
                    sealed: r.try_get("sealed").map_err(map_err)?,
                })
            })
            .collect()
    }

    /// Does not connect: the group's pool connects (and migrates) on first use, so a group
    /// whose server is down fails alone.
    async fn open_group(&self, group: &GroupRow) -> Result<PgGroup, StoreError> {
        let options = self.options_of(&group.location)?;
        let pool = self.pool_of(&group.location, &options)?;
        Ok(PgGroup {
            inner: Arc::new(GroupInner {
                pool,
                options,
                timeout: self.inner.options.acquire_timeout,
                schema: group_schema(group.id),
                location: group.location.clone(),
                ready: tokio::sync::OnceCell::new(),
            }),
        })
    }

    async fn directory_insert(&self, codes: &[String], group: u32) -> Result<(), StoreError> {
        let mut tx = self.inner.control.begin().await.map_err(map_err)?;
        for chunk in codes.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Postgres> =
                QueryBuilder::new("INSERT INTO sekretess.directory (code, group_id, version) ");
            q.push_values(chunk, |mut b, code| {
                b.push_bind(code).push_bind(i64::from(group)).push_bind(version_to_sql(FIRST_RECORD_VERSION));
            });
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn directory_remove(&self, codes: &[String]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sekretess.directory WHERE code = ANY($1)")
            .bind(codes)
            .execute(&self.inner.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn directory_lookup(&self, code: &str) -> Result<Option<u32>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT group_id FROM sekretess.directory WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.inner.control)
            .await
            .map_err(map_err)?;
        row.map(|(g,)| u32::try_from(g).map_err(|_| StoreError::Corrupt("directory group id".into())))
            .transpose()
    }

    async fn directory_versions(&self, codes: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT code, version FROM sekretess.directory WHERE code = ANY($1)")
                .bind(codes)
                .fetch_all(&self.inner.control)
                .await
                .map_err(map_err)?;
        rows.into_iter().map(|(code, v)| Ok((code, version_from_sql(v)?))).collect()
    }

    async fn directory_set_version(&self, code: &str, version: u64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sekretess.directory SET version = $1 WHERE code = $2 AND version < $1")
            .bind(version_to_sql(version))
            .bind(code)
            .execute(&self.inner.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn record_erasure(&self, code: &str, group: u32, at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sekretess.erasures (code, group_id, erased_at) VALUES ($1, $2, $3) \
             ON CONFLICT (code) DO NOTHING",
        )
        .bind(code)
        .bind(i64::from(group))
        .bind(at)
        .execute(&self.inner.control)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn is_erased(&self, code: &str) -> Result<bool, StoreError> {
        let row: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM sekretess.erasures WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.inner.control)
            .await
            .map_err(map_err)?;
        Ok(row.is_some())
    }
}

/// A unique violation on the blind index names the field when the chunk has only one
/// unique field; otherwise the caller retries item by item and learns it then.
fn unique_field(e: sqlx::Error, chunk: &[(&str, &IndexEntry)]) -> StoreError {
    match map_err(e) {
        StoreError::Conflict { .. } => {
            let mut unique_fields: Vec<&str> =
                chunk.iter().filter(|(_, e)| e.unique).map(|(_, e)| e.field.as_str()).collect();
            unique_fields.sort_unstable();
            unique_fields.dedup();
            let what = if unique_fields.len() == 1 { unique_fields[0] } else { "a unique field" };
            StoreError::Conflict { what: what.to_owned() }
        }
        other => other,
    }
}

impl PgGroup {
    /// `control`, or the URL (without password) of the group's database.
    pub fn location(&self) -> &str {
        &self.inner.location
    }

    pub fn schema(&self) -> &str {
        &self.inner.schema
    }

    /// Migrates the group's schema once per process, on first use.
    async fn ready(&self) -> Result<(), StoreError> {
        let g = &self.inner;
        g.ready
            .get_or_try_init(|| migrate_schema(&g.options, g.timeout, &g.schema, migrate::POSTGRES_GROUP))
            .await
            .map(|_| ())
    }

    /// Writes customer rows and their index entries in a transaction.
    async fn insert_rows(&self, tx: &mut PgConnection, batch: &[CustomerWrite]) -> Result<(), StoreError> {
        let s = &self.inner.schema;
        for chunk in batch.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
                "INSERT INTO {s}.customers (code, version, kek_version, wrapped_dek, fields, created_at, updated_at, retain_until) "
            ));
            q.push_values(chunk, |mut b, w| {
                let r = &w.record;
                b.push_bind(r.code.as_str())
                    .push_bind(version_to_sql(r.version))
                    .push_bind(i64::from(r.kek_version))
                    .push_bind(r.wrapped_dek.as_slice())
                    .push_bind(encode_fields(&r.fields))
                    .push_bind(r.created_at)
                    .push_bind(r.updated_at)
                    .push_bind(r.retain_until);
            });
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        self.insert_index(tx, batch).await
    }

    async fn insert_index(&self, tx: &mut PgConnection, writes: &[CustomerWrite]) -> Result<(), StoreError> {
        let entries: Vec<(&str, &IndexEntry)> =
            writes.iter().flat_map(|w| w.index.iter().map(move |e| (w.record.code.as_str(), e))).collect();
        for chunk in entries.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
                "INSERT INTO {}.blind_index (field, hash, code, uniq) ",
                self.inner.schema
            ));
            q.push_values(chunk, |mut b, (code, e)| {
                b.push_bind(e.field.as_str()).push_bind(&e.hash[..]).push_bind(*code).push_bind(e.unique);
            });
            q.build().execute(&mut *tx).await.map_err(|e| unique_field(e, chunk))?;
        }
        Ok(())
    }
}

impl GroupStore for PgGroup {
    async fn insert_customers(&self, batch: &[CustomerWrite]) -> Result<(), StoreError> {
        self.ready().await?;
        let mut tx = self.inner.pool.begin().await.map_err(map_err)?;
        self.insert_rows(&mut tx, batch).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn insert_customer_parts(
        &self,
        mut parts: mpsc::UnboundedReceiver<Arc<[CustomerWrite]>>,
        commit: oneshot::Receiver<()>,
    ) -> Result<(), StoreError> {
        self.ready().await?;
        let mut tx = self.inner.pool.begin().await.map_err(map_err)?;
        while let Some(part) = parts.recv().await {
            self.insert_rows(&mut tx, &part).await?;
        }
        commit
            .await
            .map_err(|_| StoreError::Unavailable("the batch was given up before its commit".into()))?;
        tx.commit().await.map_err(map_err)
    }

    async fn get_customers(&self, codes: &[String]) -> Result<Vec<CustomerRecord>, StoreError> {
        self.ready().await?;
        let rows = sqlx::query(&format!(
            "SELECT code, version, kek_version, wrapped_dek, fields, created_at, updated_at, retain_until \
             FROM {}.customers WHERE code = ANY($1)",
            self.inner.schema
        ))
        .bind(codes)
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(customer_record).collect()
    }

    async fn update_customer(&self, write: &CustomerWrite, from_version: u64) -> Result<bool, StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        let r = &write.record;
        let mut tx = self.inner.pool.begin().await.map_err(map_err)?;
        let done = sqlx::query(&format!(
            "UPDATE {s}.customers SET version = $1, kek_version = $2, wrapped_dek = $3, fields = $4, \
             updated_at = $5, retain_until = $6 WHERE code = $7 AND version = $8"
        ))
        .bind(version_to_sql(r.version))
        .bind(i64::from(r.kek_version))
        .bind(r.wrapped_dek.as_slice())
        .bind(encode_fields(&r.fields))
        .bind(r.updated_at)
        .bind(r.retain_until)
        .bind(r.code.as_str())
        .bind(version_to_sql(from_version))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() != 1 {
            // Gone, or written by another update since the caller read it: nothing is
            // written (the transaction is rolled back when dropped).
            return Ok(false);
        }
        sqlx::query(&format!("DELETE FROM {s}.blind_index WHERE code = $1"))
            .bind(r.code.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        self.insert_index(&mut tx, std::slice::from_ref(write)).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    async fn erase_customer(&self, code: &str) -> Result<bool, StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        let mut tx = self.inner.pool.begin().await.map_err(map_err)?;
        sqlx::query(&format!("DELETE FROM {s}.blind_index WHERE code = $1"))
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let done = sqlx::query(&format!("DELETE FROM {s}.customers WHERE code = $1"))
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn find(&self, field: &str, hash: &[u8; 32], _unique: bool) -> Result<Vec<String>, StoreError> {
        self.ready().await?;
        let rows: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT code FROM {}.blind_index WHERE field = $1 AND hash = $2 ORDER BY code",
            self.inner.schema
        ))
        .bind(field)
        .bind(&hash[..])
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    /// Vacuums the group's tables so deleted rows' space is reclaimed and reused. Erased
    /// bytes may stay in free space and in the write-ahead log until PostgreSQL overwrites
    /// or recycles them; what makes an erasure final is that the data key is gone
    /// (crypto-shredding). See docs/scaling.md.
    async fn checkpoint(&self) -> Result<(), StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        sqlx::query(&format!("VACUUM {s}.blind_index, {s}.customers"))
            .execute(&self.inner.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }
}
