use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use sekretess_core::audit::AuditContext;
use sekretess_core::store::Store;
use sekretess_core::{FieldDef, FieldType, ManualClock, Schema, Sensitivity, Vault};
use sekretess_store::sqlite::{decode_fields, encode_fields};
use sekretess_store::{GroupPlacement, PgOptions, PgStore, SqliteStore};
use sqlx::{Connection, Row};

/// 2026-11-18, a fixed "now" for every test.
pub const NOW: i64 = 1_795_000_000;

/// A customer record with placeholder bytes (no real encryption), for tests that drive a
/// group store directly, below the vault.
pub fn placeholder_record(code: String) -> sekretess_core::store::CustomerRecord {
    sekretess_core::store::CustomerRecord {
        code,
        version: 1,
        kek_version: 1,
        wrapped_dek: vec![1; 40],
        fields: vec![("email".into(), vec![2; 40])],
        created_at: NOW,
        updated_at: NOW,
        retain_until: None,
    }
}

/// The caller every test acts as.
pub fn ctx() -> AuditContext {
    AuditContext {
        actor: "apikey:test".into(),
        request_id: Some("req-test".into()),
        origin: Some("127.0.0.1".into()),
    }
}

/// The environment variable naming a PostgreSQL server for the conformance suite, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres` (a role that may create databases).
pub const POSTGRES_URL_VAR: &str = "SEKRETESS_TEST_POSTGRES_URL";

/// What the conformance suite needs from a backend besides the `Store` itself: a fresh
/// empty store, and raw access to the stored rows and bytes.
#[allow(async_fn_in_trait)]
pub trait Backend: Sized + Send + Sync + 'static {
    type S: Store + sekretess_core::people::PeopleStore;
    /// A fresh, empty backend, or `None` when this backend's tests are skipped.
    async fn fresh() -> Option<Self>;
    /// Opens the store over this backend's data (again: a new process would).
    async fn open_store(&self) -> Self::S;
    /// (wrapped data key, field ciphertexts) of a customer, read directly.
    async fn read_customer(&self, group: u32, code: &str) -> (Vec<u8>, Vec<(String, Vec<u8>)>);
    /// Overwrites a customer's wrapped data key and field ciphertexts directly.
    async fn write_customer(&self, group: u32, code: &str, dek: &[u8], fields: &[(String, Vec<u8>)]);
    /// Keeps a copy of a customer's whole row (every column, as stored) aside, in the
    /// group's own database: what an attacker with write access to it can do.
    async fn save_row(&self, group: u32, code: &str);
    /// Puts the row kept by `save_row` back in place of the customer's current one.
    async fn restore_row(&self, group: u32, code: &str);
    /// The record version of a customer's row.
    async fn record_version(&self, group: u32, code: &str) -> i64;
    /// Sets the record version of a customer's row.
    async fn set_record_version(&self, group: u32, code: &str, version: i64);
    /// The record version of a code in the control store's directory.
    async fn directory_version(&self, code: &str) -> i64;
    /// Sets the record version of a code in the directory (as a crash, or an old database,
    /// would leave it).
    async fn set_directory_version(&self, code: &str, version: i64);
    /// (hash, code) of every blind-index entry of a group, unique fields' included.
    async fn index_rows(&self, group: u32) -> Vec<(Vec<u8>, String)>;
    /// Every stored byte, as (what, bytes): data files, or dumps of every database.
    async fn at_rest(&self) -> Vec<(String, Vec<u8>)>;
    /// The stored bytes of one group only.
    async fn group_at_rest(&self, group: u32) -> Vec<u8>;
    /// The data files, where the backend has its own (SQLite).
    fn files(&self) -> Option<Vec<PathBuf>> {
        None
    }
}

/// Declares each named generic test `async fn name<B: Backend>(b: B)` once per backend:
/// `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    use $crate::common::Backend as _;
                    if let Some(b) = $crate::common::Sqlite::fresh().await {
                        super::$name(b).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    use $crate::common::Backend as _;
                    if let Some(b) = $crate::common::Postgres::fresh().await {
                        super::$name(b).await;
                    }
                }
            )*
        }
    };
}

pub struct TestVault<B: Backend> {
    // Dropped first: the vault's connections close before the backend cleans up.
    pub vault: Vault<B::S>,
    pub shares: Vec<String>,
    pub backend: B,
}

/// The default schema plus a Swedish organisationsnummer field, as a security officer
/// would extend it for business customers.
pub fn schema() -> Schema {
    let mut s = Schema::default_schema();
    s.add_field(FieldDef {
        name: "org_number".into(),
        field_type: FieldType::SeOrgnr,
        sensitivity: Sensitivity::Confidential,
        searchable: true,
        unique: false,
    })
    .unwrap();
    s
}

pub async fn open<B: Backend>(backend: &B) -> Vault<B::S> {
    let store = backend.open_store().await;
    Vault::open(store, Arc::new(ManualClock::new(NOW)), schema()).await.unwrap()
}

/// A vault over `backend`, initialized with `k` of `n` shares, not yet unsealed.
pub async fn sealed<B: Backend>(backend: B, k: u8, n: u8) -> TestVault<B> {
    let vault = open(&backend).await;
    let outcome = vault.init(&ctx(), k, n).await.unwrap();
    let shares = outcome.shares.iter().map(|s| s.to_text().to_string()).collect();
    TestVault { vault, shares, backend }
}

/// A vault over `backend` (3 of 5), unsealed.
pub async fn unsealed<B: Backend>(backend: B) -> TestVault<B> {
    let tv = sealed(backend, 3, 5).await;
    for s in &tv.shares[..3] {
        tv.vault.submit_share(&ctx(), s).await.unwrap();
    }
    assert!(!tv.vault.seal_status().unwrap().sealed);
    tv
}

pub fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

pub fn testdata(relative: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(relative);
    assert!(
        path.exists(),
        "test data missing: {} (it belongs in the repository's testdata/ folder, see testdata/README.md)",
        path.display()
    );
    path
}

/// Non-empty lines of a test-data list.
pub fn lines(relative: &str) -> Vec<String> {
    std::fs::read_to_string(testdata(relative))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The written form and the compact form (no spaces, dashes, dots; upper case) of a value.
pub fn forms(value: &str) -> Vec<Vec<u8>> {
    let compact: String =
        value.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '+')).collect::<String>().to_uppercase();
    let mut v =
        vec![value.as_bytes().to_vec(), compact.as_bytes().to_vec(), compact.to_lowercase().into_bytes()];
    v.dedup();
    v
}

/// Every file under `dir` (databases, -wal, -shm), recursively.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Each file under `dir` with its bytes. A write-ahead log that a checkpoint removes
/// between the listing and the read has nothing left to search.
pub fn read_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .filter_map(|f| match std::fs::read(&f) {
            Ok(bytes) => Some((f.display().to_string(), bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => panic!("{}: {e}", f.display()),
        })
        .collect()
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(haystack, needle).is_some()
}

/// A dump with every `bytea` literal (`\x` and hex digits) turned back into its bytes, so
/// a byte search sees what is stored, and short digit strings cannot match by chance inside
/// the hex text of random ciphertext.
fn decode_bytea(dump: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(dump.len());
    let mut i = 0;
    while i < dump.len() {
        if dump[i..].starts_with(b"\\x") {
            let start = i + 2;
            let mut end = start;
            while end < dump.len() && hex(dump[end]).is_some() {
                end += 1;
            }
            let digits = &dump[start..end];
            if digits.len() >= 2 && digits.len().is_multiple_of(2) {
                out.extend(digits.chunks(2).filter_map(|p| Some(hex(p[0])? << 4 | hex(p[1])?)));
                i = end;
                continue;
            }
        }
        out.push(dump[i]);
        i += 1;
    }
    out
}

/// (what, needle index) for every needle found in any of `stored`.
pub fn search(stored: &[(String, Vec<u8>)], needles: &[Vec<u8>]) -> Vec<(String, usize)> {
    let mut hits = Vec::new();
    for (what, bytes) in stored {
        for (i, n) in needles.iter().enumerate() {
            if contains(bytes, n) {
                hits.push((what.clone(), i));
            }
        }
    }
    hits
}

/// Prints one line (not captured by the test harness) saying why tests are skipped.
fn say_once(flag: &std::sync::Once, line: &str) {
    flag.call_once(|| {
        let _ = writeln!(std::io::stderr(), "{line}");
    });
}

// ---------------------------------------------------------------------------------------
// SQLite: a temporary data folder.

pub struct Sqlite {
    pub dir: tempfile::TempDir,
}

async fn sqlite_pool(path: &Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap()
}

/// A fresh SQLite backend, for the SQLite-only tests.
pub async fn sqlite() -> Sqlite {
    Sqlite { dir: tempfile::tempdir().unwrap() }
}

impl Sqlite {
    fn group_db(&self, group: u32) -> PathBuf {
        self.dir.path().join(format!("groups/group-{group}.db"))
    }
}

impl Backend for Sqlite {
    type S = SqliteStore;

    async fn fresh() -> Option<Self> {
        Some(Sqlite { dir: tempfile::tempdir().unwrap() })
    }

    async fn open_store(&self) -> SqliteStore {
        SqliteStore::open(self.dir.path()).await.unwrap()
    }

    async fn read_customer(&self, group: u32, code: &str) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
        let pool = sqlite_pool(&self.group_db(group)).await;
        let row = sqlx::query("SELECT wrapped_dek, fields FROM customers WHERE code = ?")
            .bind(code)
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        (row.get("wrapped_dek"), decode_fields(&row.get::<Vec<u8>, _>("fields")).unwrap())
    }

    async fn write_customer(&self, group: u32, code: &str, dek: &[u8], f: &[(String, Vec<u8>)]) {
        let pool = sqlite_pool(&self.group_db(group)).await;
        let done = sqlx::query("UPDATE customers SET wrapped_dek = ?, fields = ? WHERE code = ?")
            .bind(dek)
            .bind(encode_fields(f))
            .bind(code)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        assert_eq!(done.rows_affected(), 1);
    }

    async fn save_row(&self, group: u32, code: &str) {
        let pool = sqlite_pool(&self.group_db(group)).await;
        for sql in [
            "CREATE TABLE IF NOT EXISTS saved_rows AS SELECT * FROM customers WHERE 0",
            "DELETE FROM saved_rows WHERE code = ?1",
            "INSERT INTO saved_rows SELECT * FROM customers WHERE code = ?1",
        ] {
            sqlx::query(sql).bind(code).execute(&pool).await.unwrap();
        }
        pool.close().await;
    }

    async fn restore_row(&self, group: u32, code: &str) {
        let pool = sqlite_pool(&self.group_db(group)).await;
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("DELETE FROM customers WHERE code = ?").bind(code).execute(&mut *tx).await.unwrap();
        let done = sqlx::query("INSERT INTO customers SELECT * FROM saved_rows WHERE code = ?")
            .bind(code)
            .execute(&mut *tx)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1);
        tx.commit().await.unwrap();
        pool.close().await;
    }

    async fn record_version(&self, group: u32, code: &str) -> i64 {
        let pool = sqlite_pool(&self.group_db(group)).await;
        let v = sqlx::query_scalar("SELECT version FROM customers WHERE code = ?")
            .bind(code)
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        v
    }

    async fn set_record_version(&self, group: u32, code: &str, version: i64) {
        let pool = sqlite_pool(&self.group_db(group)).await;
        let done = sqlx::query("UPDATE customers SET version = ? WHERE code = ?")
            .bind(version)
            .bind(code)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        assert_eq!(done.rows_affected(), 1);
    }

    async fn directory_version(&self, code: &str) -> i64 {
        let pool = sqlite_pool(&self.dir.path().join("control.db")).await;
        let v = sqlx::query_scalar("SELECT version FROM directory WHERE code = ?")
            .bind(code)
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        v
    }

    async fn set_directory_version(&self, code: &str, version: i64) {
        let pool = sqlite_pool(&self.dir.path().join("control.db")).await;
        let done = sqlx::query("UPDATE directory SET version = ? WHERE code = ?")
            .bind(version)
            .bind(code)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        assert_eq!(done.rows_affected(), 1);
    }

    async fn index_rows(&self, group: u32) -> Vec<(Vec<u8>, String)> {
        let pool = sqlite_pool(&self.group_db(group)).await;
        let rows = sqlx::query(
            "SELECT hash, code FROM blind_index UNION ALL SELECT hash, code FROM unique_index \
                 UNION ALL SELECT hash, code FROM staged_blind UNION ALL SELECT hash, code FROM unique_runs",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let blocks: Vec<Vec<u8>> =
            sqlx::query_scalar("SELECT entries FROM blind_blocks").fetch_all(&pool).await.unwrap();
        pool.close().await;
        let mut entries: Vec<(Vec<u8>, String)> =
            rows.iter().map(|r| (r.get("hash"), r.get("code"))).collect();
        for block in &blocks {
            let decoded = sekretess_store::decode_block(block).unwrap();
            entries.extend(decoded.into_iter().map(|(hash, code)| (hash.to_vec(), code.to_owned())));
        }
        entries
    }

    async fn at_rest(&self) -> Vec<(String, Vec<u8>)> {
        read_files(self.dir.path())
    }

    async fn group_at_rest(&self, group: u32) -> Vec<u8> {
        std::fs::read(self.group_db(group)).unwrap()
    }

    fn files(&self) -> Option<Vec<PathBuf>> {
        Some(files(self.dir.path()))
    }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL: fresh databases on the server named by SEKRETESS_TEST_POSTGRES_URL. The
// control database is `<base>`; groups live in schemas of it, except the groups named
// `beta` (database `<base>_g<id>`) and `retail` (database `<base>_retail`), which get
// databases of their own, so the suite covers both placements. Every `<base>*` database is
// dropped when the backend is dropped, even after a failure.

pub struct Postgres {
    admin_url: String,
    base: String,
}

static SKIP_POSTGRES: std::sync::Once = std::sync::Once::new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

impl Postgres {
    /// The admin URL with another database name.
    fn url_of(&self, database: &str) -> String {
        let (server, _) = self.admin_url.split_once('?').map_or((&*self.admin_url, ""), |(a, b)| (a, b));
        let (server, _) = server.rsplit_once('/').unwrap();
        format!("{server}/{database}")
    }

    /// `host:port` of the server.
    pub fn server_addr(&self) -> String {
        let url = url::Url::parse(&self.admin_url).unwrap();
        format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432))
    }

    /// A database URL of this backend (name `<base>_<suffix>`) reached through `port` on
    /// the loopback interface instead of the server's own.
    pub fn url_via(&self, port: u16, suffix: &str) -> String {
        let mut url = url::Url::parse(&self.url_of(&format!("{}_{suffix}", self.base))).unwrap();
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(port)).unwrap();
        url.to_string()
    }

    pub fn control_url(&self) -> String {
        self.url_of(&self.base)
    }

    pub fn options(&self) -> PgOptions {
        let mut options = PgOptions::new(&self.control_url());
        options.max_connections = 4;
        options
    }

    /// The URL of a group's database and its schema.
    async fn group_location(&self, group: u32) -> (String, String) {
        let mut conn = sqlx::PgConnection::connect(&self.control_url()).await.unwrap();
        let location: String = sqlx::query_scalar("SELECT location FROM sekretess.groups WHERE id = $1")
            .bind(i64::from(group))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let url = if location == "control" { self.control_url() } else { location };
        (url, sekretess_store::postgres::group_schema(group))
    }

    /// The names of this backend's databases.
    async fn databases(&self) -> Vec<String> {
        let mut conn = sqlx::PgConnection::connect(&self.admin_url).await.unwrap();
        let names: Vec<String> =
            sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname")
                .bind(format!("{}%", self.base))
                .fetch_all(&mut conn)
                .await
                .unwrap();
        conn.close().await.unwrap();
        names
    }
}

/// `pg_dump` of one database (plain SQL), `bytea` values decoded to their bytes.
pub fn pg_dump(url: &str, schema: Option<&str>) -> Vec<u8> {
    let mut cmd = std::process::Command::new("pg_dump");
    cmd.arg("--no-owner").arg("--dbname").arg(url);
    if let Some(s) = schema {
        cmd.arg("--schema").arg(s);
    }
    let out = cmd.output().expect("pg_dump must be installed to run the PostgreSQL tests");
    assert!(out.status.success(), "pg_dump failed: {}", String::from_utf8_lossy(&out.stderr));
    decode_bytea(&out.stdout)
}

impl Backend for Postgres {
    type S = PgStore;

    async fn fresh() -> Option<Self> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
            say_once(
                &SKIP_POSTGRES,
                &format!("PostgreSQL conformance tests skipped: set {POSTGRES_URL_VAR} to run them"),
            );
            return None;
        };
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let base = format!(
            "sek_t{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            nanos % 1_000_000
        );
        let mut conn = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR} is set but the server does not answer: {e}"));
        sqlx::query(&format!("CREATE DATABASE {base}")).execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        Some(Postgres { admin_url, base })
    }

    async fn open_store(&self) -> PgStore {
        let store = PgStore::open_with(self.options()).await.unwrap();
        let own = |suffix: &str| GroupPlacement::Database(self.url_of(&format!("{}_{suffix}", self.base)));
        store.place_group("beta", own("g{id}")).unwrap();
        store.place_group("retail", own("retail")).unwrap();
        store
    }

    async fn read_customer(&self, group: u32, code: &str) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
        let (url, schema) = self.group_location(group).await;
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        let row = sqlx::query(&format!("SELECT wrapped_dek, fields FROM {schema}.customers WHERE code = $1"))
            .bind(code)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        (row.get("wrapped_dek"), decode_fields(&row.get::<Vec<u8>, _>("fields")).unwrap())
    }

    async fn write_customer(&self, group: u32, code: &str, dek: &[u8], f: &[(String, Vec<u8>)]) {
        let (url, schema) = self.group_location(group).await;
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        let done = sqlx::query(&format!(
            "UPDATE {schema}.customers SET wrapped_dek = $1, fields = $2 WHERE code = $3"
        ))
        .bind(dek)
        .bind(encode_fields(f))
        .bind(code)
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
        assert_eq!(done.rows_affected(), 1);
    }

    async fn save_row(&self, group: u32, code: &str) {
        let (url, s) = self.group_location(group).await;
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        for sql in [
            format!("CREATE TABLE IF NOT EXISTS {s}.saved_rows AS SELECT * FROM {s}.customers WHERE false"),
            format!(
                "CREATE TABLE IF NOT EXISTS {s}.saved_index AS SELECT * FROM {s}.blind_index WHERE false"
            ),
            format!("DELETE FROM {s}.saved_rows WHERE code = $1"),
            format!("DELETE FROM {s}.saved_index WHERE code = $1"),
            format!("INSERT INTO {s}.saved_rows SELECT * FROM {s}.customers WHERE code = $1"),
            format!("INSERT INTO {s}.saved_index SELECT * FROM {s}.blind_index WHERE code = $1"),
        ] {
            sqlx::query(&sql).bind(code).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();
    }

    async fn restore_row(&self, group: u32, code: &str) {
        // The customer's index rows go with it (they reference the row).
        let (url, s) = self.group_location(group).await;
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        sqlx::query(&format!("DELETE FROM {s}.customers WHERE code = $1"))
            .bind(code)
            .execute(&mut *tx)
            .await
            .unwrap();
        let done =
            sqlx::query(&format!("INSERT INTO {s}.customers SELECT * FROM {s}.saved_rows WHERE code = $1"))
                .bind(code)
                .execute(&mut *tx)
                .await
                .unwrap();
        assert_eq!(done.rows_affected(), 1);
        sqlx::query(&format!("INSERT INTO {s}.blind_index SELECT * FROM {s}.saved_index WHERE code = $1"))
            .bind(code)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        conn.close().await.unwrap();
    }

    async fn record_version(&self, group: u32, code: &str) -> i64 {
        let (url, s) = self.group_location(group).await;
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        let v = sqlx::query_scalar(&format!("SELECT version FROM {s}.customers WHERE code = $1"))
            .bind(code)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        v
    }

    async fn set_record_version(&self, group: u32, code: &str, version: i64) {
        let (url, s) = self.group_location(group).await;
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        let done = sqlx::query(&format!("UPDATE {s}.customers SET version = $1 WHERE code = $2"))
            .bind(version)
            .bind(code)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        assert_eq!(done.rows_affected(), 1);
    }

    async fn directory_version(&self, code: &str) -> i64 {
        let mut conn = sqlx::PgConnection::connect(&self.control_url()).await.unwrap();
        let v = sqlx::query_scalar("SELECT version FROM sekretess.directory WHERE code = $1")
            .bind(code)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        v
    }

    async fn set_directory_version(&self, code: &str, version: i64) {
        let mut conn = sqlx::PgConnection::connect(&self.control_url()).await.unwrap();
        let done = sqlx::query("UPDATE sekretess.directory SET version = $1 WHERE code = $2")
            .bind(version)
            .bind(code)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        assert_eq!(done.rows_affected(), 1);
    }

    async fn index_rows(&self, group: u32) -> Vec<(Vec<u8>, String)> {
        let (url, schema) = self.group_location(group).await;
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        let rows = sqlx::query(&format!("SELECT hash, code FROM {schema}.blind_index"))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        rows.iter().map(|r| (r.get("hash"), r.get("code"))).collect()
    }

    async fn at_rest(&self) -> Vec<(String, Vec<u8>)> {
        let names = self.databases().await;
        assert!(!names.is_empty());
        names.into_iter().map(|db| (format!("pg_dump of {db}"), pg_dump(&self.url_of(&db), None))).collect()
    }

    async fn group_at_rest(&self, group: u32) -> Vec<u8> {
        let (url, schema) = self.group_location(group).await;
        pg_dump(&url, Some(&schema))
    }
}

impl Drop for Postgres {
    #[allow(clippy::zombie_processes)] // deliberately not waited for; see below
    fn drop(&mut self) {
        // Runs while a failed test unwinds too. The server drops the databases in the
        // background (each DROP DATABASE waits for a checkpoint): nothing waits for it.
        let sql = format!(
            "SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database \
             WHERE datname LIKE '{}%' \\gexec\n",
            self.base
        );
        let child = std::process::Command::new("psql")
            .arg("--quiet")
            .arg("--no-psqlrc")
            .arg("--dbname")
            .arg(&self.admin_url)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = child {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(sql.as_bytes());
            }
            drop(child);
        }
    }
}
