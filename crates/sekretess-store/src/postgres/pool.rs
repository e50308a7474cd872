//! Connecting: URLs and passwords, pools per group database, schemas and their migrations.

use std::str::FromStr;

use sqlx::Connection;
use sqlx::postgres::{PgConnection, PgPoolOptions};

use super::*;
use crate::migrate;

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
pub(super) async fn migrate_schema(
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

    pub(super) fn placement_for(&self, id: u32, name: &str) -> Result<GroupPlacement, StoreError> {
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
    pub(super) fn location_of(placement: &GroupPlacement, id: u32) -> Result<String, StoreError> {
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
    pub(super) fn options_of(&self, location: &str) -> Result<PgConnectOptions, StoreError> {
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

    pub(super) fn pool_of(&self, location: &str, options: &PgConnectOptions) -> Result<PgPool, StoreError> {
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
    pub(super) async fn ensure_database(
        &self,
        location: &str,
        options: &PgConnectOptions,
    ) -> Result<(), StoreError> {
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
