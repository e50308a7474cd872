//! Who may call: API keys (service accounts) with scopes and groups.
//!
//! An API key is `sk_<id>_<secret>`: a public id (to find the record) and a 256-bit random
//! secret. Only a keyed SHA-256 (HMAC) of the secret is stored, and it is compared in
//! constant time. Employees, roles and sessions (a later issue) produce the same
//! [`Caller`], so everything that authorizes works on a `Caller` and never on a key.

use std::fmt;
use std::future::Future;

use sekretess_crypto::{crockford, fill_random, mac};
use zeroize::Zeroizing;

use crate::clock::Clock;
use crate::error::{StoreError, VaultError};

/// An operation a caller may be allowed. Every route names the one it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scope {
    /// Seal the vault.
    SysSeal,
    /// Create, lock and unlock customer groups.
    GroupsAdmin,
    /// List customer groups and read the schema.
    GroupsRead,
    /// Read customers by code (as the field policy shows them: masked where it says so).
    CustomersRead,
    /// Reveal fields in plain, naming a purpose, where the field policy allows it.
    CustomersReveal,
    /// Create and update customers.
    CustomersWrite,
    /// Erase customers.
    CustomersErase,
    /// Find customers by an identifier.
    CustomersFind,
    /// Create, list and revoke API keys.
    ApiKeysAdmin,
    /// Read, verify and checkpoint the audit log.
    AuditRead,
    /// Redact documents (`POST /v1/redact`); no customer data is read.
    Redact,
    /// Read the operational metrics (`GET /v1/sys/metrics`): counters and the seal state,
    /// no customer data, codes or group names.
    Metrics,
    /// File documents in the archive (`POST /v1/documents`, `DELETE /v1/documents/{id}`).
    DocumentsWrite,
    /// List and download archived documents.
    DocumentsRead,
    /// Take encrypted backups and export the erasure journal (`POST /v1/sys/backup`,
    /// `POST /v1/sys/backup/erasures`).
    SysBackup,
    /// Issue and revoke tokens (`POST /v1/tokenize`, `POST /v1/tokens/revoke`, the
    /// redaction operator `token`).
    TokensCreate,
    /// Turn tokens back into values, naming a purpose (`POST /v1/detokenize`).
    TokensReveal,
    /// Change a group's customer schema (add and change fields).
    SchemaWrite,
    /// Export customers' restricted values, still sealed to the offline key
    /// (`POST /v1/offline/export`); nothing is readable online.
    OfflineExport,
    /// Make a customer's subject access export (fields, documents, access history).
    CustomersExport,
    /// Set customers' retention dates and legal holds, and list who is due (codes only).
    CustomersRetention,
}

impl Scope {
    pub const ALL: [Scope; 21] = [
        Scope::SysSeal,
        Scope::GroupsAdmin,
        Scope::GroupsRead,
        Scope::CustomersRead,
        Scope::CustomersReveal,
        Scope::CustomersWrite,
        Scope::CustomersErase,
        Scope::CustomersFind,
        Scope::ApiKeysAdmin,
        Scope::AuditRead,
        Scope::Redact,
        Scope::Metrics,
        Scope::DocumentsWrite,
        Scope::DocumentsRead,
        Scope::SysBackup,
        Scope::TokensCreate,
        Scope::TokensReveal,
        Scope::SchemaWrite,
        Scope::OfflineExport,
        Scope::CustomersExport,
        Scope::CustomersRetention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::SysSeal => "sys:seal",
            Scope::GroupsAdmin => "groups:admin",
            Scope::GroupsRead => "groups:read",
            Scope::CustomersRead => "customers:read",
            Scope::CustomersReveal => "customers:reveal",
            Scope::CustomersWrite => "customers:write",
            Scope::CustomersErase => "customers:erase",
            Scope::CustomersFind => "customers:find",
            Scope::ApiKeysAdmin => "apikeys:admin",
            Scope::AuditRead => "audit:read",
            Scope::Redact => "redact",
            Scope::Metrics => "sys:metrics",
            Scope::DocumentsWrite => "documents:write",
            Scope::DocumentsRead => "documents:read",
            Scope::SysBackup => "sys:backup",
            Scope::TokensCreate => "tokens:create",
            Scope::TokensReveal => "tokens:reveal",
            Scope::SchemaWrite => "schema:write",
            Scope::OfflineExport => "offline:export",
            Scope::CustomersExport => "customers:export",
            Scope::CustomersRetention => "customers:retention",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the scope administers the vault rather than using it.
    pub fn is_admin(self) -> bool {
        ADMIN_SCOPES.contains(&self)
    }
}

/// Scopes that administer the vault: keys, groups, sealing and the audit log.
pub const ADMIN_SCOPES: [Scope; 7] = [
    Scope::ApiKeysAdmin,
    Scope::GroupsAdmin,
    Scope::SysSeal,
    Scope::AuditRead,
    Scope::SysBackup,
    Scope::SchemaWrite,
    Scope::OfflineExport,
];

/// The role name that stands for every scope (the bootstrap key's).
pub const SECURITY_OFFICER: &str = "security-officer";
/// The group entry that stands for every group.
pub const ALL_GROUPS: &str = "*";

/// Expands scope names (`security-officer` meaning all) into scopes. Unknown names fail.
pub fn parse_scopes(names: &[String]) -> Result<Vec<Scope>, VaultError> {
    let mut out = Vec::new();
    for n in names {
        if n == SECURITY_OFFICER {
            out.extend(Scope::ALL);
        } else {
            out.push(Scope::parse(n).ok_or(VaultError::InvalidAccess("unknown scope"))?);
        }
    }
    out.sort();
    out.dedup();
    if out.is_empty() {
        return Err(VaultError::InvalidAccess("at least one scope is needed"));
    }
    Ok(out)
}

/// Which customer groups a caller reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupAccess {
    All,
    Only(Vec<String>),
}

impl GroupAccess {
    pub fn from_names(names: &[String]) -> GroupAccess {
        if names.iter().any(|n| n == ALL_GROUPS) {
            GroupAccess::All
        } else {
            GroupAccess::Only(names.to_vec())
        }
    }

    pub fn allows(&self, group: &str) -> bool {
        match self {
            GroupAccess::All => true,
            GroupAccess::Only(names) => names.iter().any(|n| n == group),
        }
    }
}

/// Whether `record`'s scopes and groups are all within `caller`'s: a key administrator
/// sees and manages only such keys (a key for every group only if it reaches every group).
pub fn key_within(caller: &Caller, record: &ApiKeyRecord) -> bool {
    let scopes_ok = parse_scopes(&record.scopes).is_ok_and(|s| s.iter().all(|s| caller.scopes.contains(s)));
    let groups_ok = match &caller.groups {
        GroupAccess::All => true,
        GroupAccess::Only(_) => record.groups.iter().all(|g| g != ALL_GROUPS && caller.groups.allows(g)),
    };
    scopes_ok && groups_ok
}

/// An authenticated caller: what it is, what it may do, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// `apikey:<id>` today; `employee:<id>` once employees exist. Safe to log.
    pub principal: String,
    pub scopes: Vec<Scope>,
    pub groups: GroupAccess,
}

impl Caller {
    pub fn require(&self, scope: Scope) -> Result<(), VaultError> {
        if self.scopes.contains(&scope) { Ok(()) } else { Err(VaultError::Forbidden(scope.as_str())) }
    }

    pub fn require_group(&self, group: &str) -> Result<(), VaultError> {
        if self.groups.allows(group) { Ok(()) } else { Err(VaultError::GroupForbidden) }
    }
}

/// An API key as stored: never the secret, only its keyed hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: String,
    pub name: String,
    pub secret_hash: [u8; 32],
    pub scopes: Vec<String>,
    pub groups: Vec<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// Storage of API keys (in the control store, beside the vault metadata).
pub trait AccessStore: Send + Sync + 'static {
    /// `Conflict` if the id is taken.
    fn insert_api_key(&self, key: &ApiKeyRecord) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn get_api_key(&self, id: &str) -> impl Future<Output = Result<Option<ApiKeyRecord>, StoreError>> + Send;
    fn list_api_keys(&self) -> impl Future<Output = Result<Vec<ApiKeyRecord>, StoreError>> + Send;
    /// Marks the key revoked; returns whether a key with this id was not already revoked.
    fn revoke_api_key(&self, id: &str, at: i64) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// An API key's full text, shown once. `Debug` never shows it; wiped on drop.
#[derive(Clone)]
pub struct ApiKeySecret(Zeroizing<String>);

impl ApiKeySecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKeySecret(<redacted>)")
    }
}

const PREFIX: &str = "sk_";
const ID_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;
const HASH_LABEL: &[u8] = b"sekretess/v1/api-key";

fn hash_secret(secret: &str) -> [u8; 32] {
    mac::hmac_sha256(HASH_LABEL, secret.as_bytes())
}

/// Splits `sk_<id>_<secret>` into its id and secret without judging either.
fn split_token(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let ok = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok(id, crockford_len(ID_BYTES)) && ok(secret, crockford_len(SECRET_BYTES)) {
        Some((id, secret))
    } else {
        None
    }
}

fn crockford_len(bytes: usize) -> usize {
    (bytes * 8).div_ceil(5)
}

fn random_text(bytes: usize) -> Result<Zeroizing<String>, VaultError> {
    let mut raw = Zeroizing::new(vec![0u8; bytes]);
    fill_random(&mut raw)?;
    Ok(Zeroizing::new(crockford::encode(&raw).to_ascii_lowercase()))
}

/// Creates an API key: stores its record and returns it with the secret (shown once).
pub async fn create_api_key<A: AccessStore>(
    store: &A,
    clock: &dyn Clock,
    name: &str,
    scopes: &[String],
    groups: &[String],
) -> Result<(ApiKeyRecord, ApiKeySecret), VaultError> {
    if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
        return Err(VaultError::InvalidAccess("a key name is 1 to 64 printable characters"));
    }
    let scopes: Vec<String> = parse_scopes(scopes)?.into_iter().map(|s| s.as_str().to_owned()).collect();
    if groups.is_empty() {
        return Err(VaultError::InvalidAccess("name at least one group, or * for all"));
    }
    let id = random_text(ID_BYTES)?;
    let secret = random_text(SECRET_BYTES)?;
    let record = ApiKeyRecord {
        id: id.to_string(),
        name: name.to_owned(),
        secret_hash: hash_secret(&secret),
        scopes,
        groups: groups.to_vec(),
        created_at: clock.now(),
        revoked_at: None,
    };
    store.insert_api_key(&record).await?;
    let token = ApiKeySecret(Zeroizing::new(format!("{PREFIX}{}_{}", id.as_str(), secret.as_str())));
    Ok((record, token))
}

/// The public id of a bearer token, if it has the shape of one.
pub fn token_id(token: &str) -> Option<&str> {
    split_token(token).map(|(id, _)| id)
}

/// Checks a bearer token against its key record (found by [`token_id`]): the secret is
/// compared in constant time, and a revoked key fails.
pub fn verify(record: &ApiKeyRecord, token: &str) -> Result<Caller, VaultError> {
    let (id, secret) = split_token(token).ok_or(VaultError::Unauthenticated)?;
    if id != record.id {
        return Err(VaultError::Unauthenticated);
    }
    mac::hmac_sha256_verify(HASH_LABEL, secret.as_bytes(), &record.secret_hash)
        .map_err(|_| VaultError::Unauthenticated)?;
    if record.revoked_at.is_some() {
        return Err(VaultError::Unauthenticated);
    }
    caller_of(record)
}

/// Checks a bearer token. Every failure (malformed, unknown, wrong secret, revoked) is the
/// same `Unauthenticated`, so a caller learns nothing about which keys exist.
pub async fn authenticate<A: AccessStore>(store: &A, token: &str) -> Result<Caller, VaultError> {
    let id = token_id(token).ok_or(VaultError::Unauthenticated)?;
    let record = store.get_api_key(id).await?.ok_or(VaultError::Unauthenticated)?;
    verify(&record, token)
}

/// The caller an API key record stands for.
pub fn caller_of(record: &ApiKeyRecord) -> Result<Caller, VaultError> {
    let scopes = record.scopes.iter().filter_map(|s| Scope::parse(s)).collect();
    Ok(Caller {
        principal: format!("apikey:{}", record.id),
        scopes,
        groups: GroupAccess::from_names(&record.groups),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_expand() {
        let all = parse_scopes(&[SECURITY_OFFICER.to_owned()]).unwrap();
        assert_eq!(all.len(), Scope::ALL.len());
        assert!(parse_scopes(&["customers:read".into(), "nope".into()]).is_err());
        assert!(parse_scopes(&[]).is_err());
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Some(s));
        }
        assert_eq!(Scope::parse("sys:metrics"), Some(Scope::Metrics));
    }

    #[test]
    fn token_shape() {
        let id = "a".repeat(crockford_len(ID_BYTES));
        let secret = "b".repeat(crockford_len(SECRET_BYTES));
        assert!(split_token(&format!("sk_{id}_{secret}")).is_some());
        assert!(split_token(&format!("sk_{id}_{secret}x")).is_none());
        assert!(split_token(&format!("xx_{id}_{secret}")).is_none());
        assert!(split_token("").is_none());
    }

    #[test]
    fn group_access() {
        assert!(GroupAccess::from_names(&["*".into()]).allows("x"));
        let only = GroupAccess::from_names(&["retail".into()]);
        assert!(only.allows("retail") && !only.allows("private"));
    }
}
