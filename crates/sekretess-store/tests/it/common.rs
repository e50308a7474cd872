use std::path::{Path, PathBuf};
use std::sync::Arc;

use sekretess_core::audit::AuditContext;
use sekretess_core::{FieldDef, FieldType, ManualClock, Schema, Sensitivity, Vault};
use sekretess_store::SqliteStore;

/// 2026-11-18, a fixed "now" for every test.
pub const NOW: i64 = 1_795_000_000;

/// The caller every test acts as.
pub fn ctx() -> AuditContext {
    AuditContext {
        actor: "apikey:test".into(),
        request_id: Some("req-test".into()),
        origin: Some("127.0.0.1".into()),
    }
}

pub struct TestVault {
    pub dir: tempfile::TempDir,
    pub vault: Vault<SqliteStore>,
    pub shares: Vec<String>,
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

pub async fn open(dir: &Path) -> Vault<SqliteStore> {
    let store = SqliteStore::open(dir).await.unwrap();
    Vault::open(store, Arc::new(ManualClock::new(NOW)), schema()).await.unwrap()
}

/// A fresh vault, initialized with `k` of `n` shares, not yet unsealed.
pub async fn sealed(k: u8, n: u8) -> TestVault {
    let dir = tempfile::tempdir().unwrap();
    let vault = open(dir.path()).await;
    let outcome = vault.init(&ctx(), k, n).await.unwrap();
    let shares = outcome.shares.iter().map(|s| s.to_text().to_string()).collect();
    TestVault { dir, vault, shares }
}

/// A fresh vault (3 of 5), unsealed.
pub async fn unsealed() -> TestVault {
    let tv = sealed(3, 5).await;
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
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata").join(relative);
    assert!(
        path.exists(),
        "test data missing: {} (the shared/testdata folder must sit beside the repository)",
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

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(haystack, needle).is_some()
}

/// (file, needle index) for every needle found in any file under `dir`.
pub fn search(dir: &Path, needles: &[Vec<u8>]) -> Vec<(PathBuf, usize)> {
    let mut hits = Vec::new();
    for file in files(dir) {
        let bytes = std::fs::read(&file).unwrap();
        for (i, n) in needles.iter().enumerate() {
            if contains(&bytes, n) {
                hits.push((file.clone(), i));
            }
        }
    }
    hits
}
