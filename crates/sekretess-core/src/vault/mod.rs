//! The vault: seal state machine, key hierarchy, groups and customers.
//!
//! Keys: root key (from the unseal shares, only in memory while unsealed) -> per-group keys
//! sealed by the root key in the control store (versioned KEKs and one derivation key) ->
//! per-customer data keys wrapped (AES-KWP) by a KEK -> one AES-256-GCM envelope per field,
//! bound to (group, code, field, data-key version, record version, the record's field names).
//! The current record version is anchored in the control store's directory (see
//! [`Vault::update_customer`]), so an older row put back, or a row missing a field, fails.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use sekretess_crypto::digest::sha256;
use sekretess_crypto::envelope::{self, EnvelopeKey, KeyRef};
use sekretess_crypto::kdf::{self, labels};
use sekretess_crypto::mac::BlindIndexKey;
use sekretess_crypto::shamir::{self, KEY_ID_LEN, Share};
use sekretess_crypto::{Key32, keywrap};
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, mpsc};
use zeroize::Zeroizing;

use crate::audit::{Action, AuditContext, AuditKey, AuditKeyring, AuditLog, Event, Outcome, commit_marker};
use crate::clock::{Clock, civil_date};
use crate::coalesce::Coalescer;
use crate::code::CustomerCode;
use crate::error::{StoreError, VaultError};
use crate::schema::{Schema, Sensitivity};
use crate::store::{
    CustomerRecord, CustomerWrite, FIRST_RECORD_VERSION, GroupKeyKind, GroupRow, GroupState, GroupStore,
    IndexEntry, PendingBatch, SealedGroupKey, SealedVaultKey, Store, VaultKeyKind, VaultMeta,
};

mod audit_trail;
mod backup;
mod batch;
mod commit;
mod customers;
mod documents;
mod export;
mod groups;
mod offline;
mod schema;

pub use commit::single_write_rounds;
pub use offline::{MAX_EXPORT_CUSTOMERS, OfflineExport};
pub use schema::{DEFAULT_VERSION as DEFAULT_SCHEMA_VERSION, HELD_OFFLINE};
use schema::{held_offline, is_sealed, sealed_index_hash};
mod keys;
mod known;
pub use known::Probe;
mod rekey;
mod retention;
pub use export::{CustomerExport, ExportedField, Holding};
pub use retention::{Retention, RetentionRules, SweepReport};
mod rotation;
mod seal;
#[cfg(feature = "test-hooks")]
mod test_hooks;
mod tokens;

pub use documents::{CHUNK_BYTES, DocumentInfo, DocumentReader, NewDocument, is_document_id};
use keys::*;
pub use rekey::RekeyStarted;
pub use rotation::{KEK_USE_LIMIT, KeyPolicy, RewrapProgress, RewrapReport};
use rotation::{Keks, Lease, RewrapState, WriteKek};
pub use tokens::{
    Detokenized, IssuedToken, MAX_TOKEN_BATCH, MAX_TOKEN_VALUE, TokenFormat, TokenInput, TokenKind,
    TokenSpec, token_id,
};

/// Version of the per-customer data key; bound into every field's AAD.
const DEK_VERSION: u32 = 1;
/// The record version of rows written before record versions existed: their fields carry
/// the older AAD ([`field_aad`] alone), and the next update rewrites them at version 1.
const LEGACY_RECORD_VERSION: u64 = 0;
/// Locks per group that order reads, updates and erasures of a customer (a customer's code
/// picks one): an erasure waits for the reads in flight (fault 8 of issue 15).
const RECORD_LOCKS: usize = 64;
const AAD_PREFIX: &[u8] = b"sekretess/v1";
/// Key id written in the header of values sealed directly by the root key.
const ROOT_KEY_ID: u32 = 0;

/// A decrypted field value. `Debug` never shows it; the memory is wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct FieldValue(Zeroizing<String>);

impl FieldValue {
    /// Wraps a value (e.g. for a view built by the field policy, or a test).
    pub fn new(value: impl Into<String>) -> Self {
        FieldValue(Zeroizing::new(value.into()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldValue(<redacted>)")
    }
}

/// A customer as read from the vault.
#[derive(Debug, Clone)]
pub struct Customer {
    pub code: CustomerCode,
    pub group: String,
    /// Field name -> value, in name order.
    pub fields: BTreeMap<String, FieldValue>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The customer's own retention date (`None`: the group's default, if any).
    pub retain_until: Option<i64>,
    /// The record's version: one more with every update (for optimistic concurrency, see
    /// [`Vault::update_customer_at`]).
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    pub id: u32,
    pub name: String,
    pub state: GroupState,
    /// The current KEK version (new writes use it).
    pub kek_version: u32,
    /// Every KEK version still in the keyring, oldest first.
    pub kek_versions: Vec<u32>,
    /// The background rewrap to the current version, while older versions remain.
    pub rewrap: Option<RewrapProgress>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealStatus {
    pub initialized: bool,
    pub sealed: bool,
    pub threshold: u8,
    pub share_count: u8,
    /// Shares given so far towards the threshold.
    pub progress: u8,
    /// Printable key id of this vault's root key, as printed in its shares.
    pub key_id: Option<String>,
}

/// What init hands out once: the unseal shares. Never stored.
#[derive(Debug)]
pub struct InitOutcome {
    pub shares: Vec<Share>,
    pub key_id: String,
}

struct OpenGroup<G> {
    row: GroupRow,
    locked: AtomicBool,
    store: G,
    /// KEK versions (shared, so a write holds its key without copying it) and the current.
    keks: RwLock<Keks>,
    /// Uses of the current KEK version reserved in the control store, not yet taken.
    lease: tokio::sync::Mutex<Lease>,
    /// Writes hold it shared from choosing their KEK version until they are stored;
    /// retiring a version takes it exclusively once, so no write in flight still uses it.
    writes: tokio::sync::RwLock<()>,
    rewrap: std::sync::Mutex<RewrapState>,
    /// The group's token keys (FF1, deterministic, token ids, sealing of mapped values);
    /// `None` while the group is locked.
    tokens: Option<tokens::GroupTokens>,
    /// The group's schema and the blind-index keys of its searchable fields; replaced as a
    /// whole by a schema change ([`Vault::add_field`], [`Vault::change_field`]).
    shape: RwLock<Arc<Shape>>,
    /// The root of the group's blind-index keys (one key per field is derived from it);
    /// `None` while the group is locked.
    index_root: Option<Key32>,
    /// Concurrent reads by code share one store query (and one directory query).
    reads: Coalescer<String, Result<Option<Found>, StoreError>>,
    /// Concurrent single creates, updates and erasures share one round of commits
    /// ([`commit`]).
    single_writes: Coalescer<commit::SingleWrite, commit::WriteAnswer>,
    /// The same, with rounds on the callers' runtime ([`Vault::set_write_rounds_here`]).
    single_writes_here: Coalescer<commit::SingleWrite, commit::WriteAnswer>,
    /// Held by a round of single writes while it writes the group's store: two rounds in
    /// flight ([`commit::WRITE_ROUNDS`]) never write it at once.
    write_stage: tokio::sync::Mutex<()>,
    /// Reads hold a customer's lock shared from the record lookup until the decrypted
    /// customer is returned; updates and erasures hold it exclusively.
    record_locks: Vec<Arc<tokio::sync::RwLock<()>>>,
}

/// A group's schema at one version, with the blind-index key of each searchable field.
pub(super) struct Shape {
    version: u32,
    schema: Schema,
    index_keys: HashMap<String, BlindIndexKey>,
}

impl Shape {
    fn new(version: u32, schema: Schema, index_root: &Key32) -> Result<Self, VaultError> {
        let mut index_keys = HashMap::new();
        for f in schema.fields().iter().filter(|f| f.searchable) {
            index_keys.insert(f.name.clone(), BlindIndexKey::for_field(index_root, &f.name)?);
        }
        Ok(Shape { version, schema, index_keys })
    }

    /// The schema of a locked group: no blind-index key is held.
    fn without_keys(version: u32, schema: Schema) -> Self {
        Shape { version, schema, index_keys: HashMap::new() }
    }

    fn index_key(&self, field: &str) -> Result<&BlindIndexKey, VaultError> {
        self.index_keys.get(field).ok_or(VaultError::Internal("missing index key"))
    }
}

impl<G> OpenGroup<G> {
    fn shape(&self) -> Result<Arc<Shape>, VaultError> {
        Ok(Arc::clone(&*self.shape.read().map_err(poisoned)?))
    }

    /// The token keys, refused while the group is locked (it holds none then).
    fn tokens(&self) -> Result<&tokens::GroupTokens, VaultError> {
        self.tokens.as_ref().ok_or_else(|| VaultError::GroupLocked(self.row.name.clone()))
    }

    /// The blind-index root key, refused while the group is locked.
    fn index_root(&self) -> Result<&Key32, VaultError> {
        self.index_root.as_ref().ok_or_else(|| VaultError::GroupLocked(self.row.name.clone()))
    }

    fn record_lock(&self, code: &str) -> Arc<tokio::sync::RwLock<()>> {
        // FNV-1a: codes are random, any spread will do.
        let hash = code
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        Arc::clone(&self.record_locks[(hash % self.record_locks.len() as u64) as usize])
    }
}

/// A stored record, with the record version its code has in the directory (`None`: the
/// code is not there), read before the record.
type Found = (CustomerRecord, Option<u64>);

/// How `locate` holds a customer's lock.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Write,
}

/// What `locate` holds while the caller works on a customer: the lock, and the version the
/// directory gave for the record.
struct Hold {
    committed: u64,
    _guard: Guard,
}

/// Held for its drop only (which releases the lock).
#[allow(dead_code)]
enum Guard {
    Shared(OwnedRwLockReadGuard<()>),
    Exclusive(OwnedRwLockWriteGuard<()>),
}

/// Reads by code: rounds running at once per group (two, so one round's query overlaps with
/// the previous round's callers decrypting), and codes per round.
const READ_ROUNDS: usize = 2;
const READS_PER_ROUND: usize = 128;
/// Batch items per encryption thread at least (a thread costs about as much as 20 items).
const ITEMS_PER_THREAD: usize = 256;
/// Items per part of a batch handed to the store while the rest is still encrypted.
const ITEMS_PER_PART: usize = 1024;

/// One batch item after validation, with its new code, or why it was refused.
type Validated = Result<(CustomerCode, Prepared), VaultError>;

struct Unsealed<S: Store> {
    groups: RwLock<Vec<Arc<OpenGroup<S::Group>>>>,
    /// Replaced by a rekey.
    root: RwLock<Arc<Key32>>,
    audit: AuditLog<S>,
    /// Seals employees' TOTP secrets ([`Vault::seal_people_secret`]).
    people: Key32,
}

impl<S: Store> Unsealed<S> {
    fn root(&self) -> Result<Arc<Key32>, VaultError> {
        Ok(Arc::clone(&*self.root.read().map_err(poisoned)?))
    }
}

enum State<S: Store> {
    Sealed { pending: Vec<Share> },
    Unsealed(Arc<Unsealed<S>>),
}

/// Entries at the head of the audit log that unseal searches for creations left
/// unresolved by a crash ([`Vault::resolve_attempts`]).
const RECOVERY_WINDOW: u64 = 50_000;
/// Attempts younger than this (seconds) may still be in flight in another process.
const RECOVERY_GRACE: i64 = 60;

/// Events that happen while sealed (no audit key yet) wait here, and are written first
/// when the vault unseals. Bounded, so a flood of bad shares cannot grow memory.
const MAX_SEALED_EVENTS: usize = 1000;

/// The vault over a store `S`.
pub struct Vault<S: Store> {
    store: S,
    clock: Arc<dyn Clock>,
    /// The schema of a group that has none of its own (version 1 of every group).
    schema: Schema,
    /// The offline key's public half: restricted values are sealed to it on arrival.
    offline: RwLock<Option<sekretess_crypto::offline::OfflineRecipient>>,
    meta: RwLock<Option<VaultMeta>>,
    state: RwLock<State<S>>,
    sealed_events: std::sync::Mutex<Vec<(Event, Outcome)>>,
    /// The audit log made at init, kept only until the first unseal or seal, so that what
    /// init itself sets up (the first officer's enrolment) is on record at once.
    init_audit: std::sync::Mutex<Option<Arc<AuditLog<S>>>>,
    /// Code -> group id. A code never changes group, so entries never go stale.
    directory_cache: std::sync::Mutex<HashMap<String, u32>>,
    /// Audit writes that failed since this process started (every audit log it unseals
    /// counts here).
    audit_failures: Arc<AtomicU64>,
    /// Every write that touches more than one database (control and a group store) holds
    /// this shared for its whole length; a backup holds it exclusively while it opens its
    /// snapshots, so they all see the same set of finished writes (see `backup.rs`).
    write_gate: tokio::sync::RwLock<()>,
    /// Retention changes (a legal hold, a retention date) hold it shared; a sweep holds it
    /// exclusively while it checks and erases one batch, so a hold set is never missed.
    retention_gate: tokio::sync::RwLock<()>,
    /// Key limits and timings ([`Vault::set_key_policy`]).
    key_policy: RwLock<KeyPolicy>,
    /// One key operation at a time (rotation, retirement, rekey, audit key rotation).
    key_admin: tokio::sync::Mutex<()>,
    /// A rekey waiting for its new shares to come back ([`Vault::rekey_confirm`]).
    pending_rekey: std::sync::Mutex<Option<rekey::PendingRekey>>,
    /// Wakes the background key work ([`Vault::key_work_wanted`]).
    key_work: Arc<tokio::sync::Notify>,
    /// Single-write rounds run on the callers' runtime, not the writer thread
    /// ([`Vault::set_write_rounds_here`]).
    write_rounds_here: AtomicBool,
}

/// Codes remembered at most; the cache starts over when full (cheap, and bounded).
const DIRECTORY_CACHE_MAX: usize = 100_000;

fn poisoned<T>(_: T) -> VaultError {
    VaultError::Internal("lock poisoned")
}

/// Checks a new group's name. A name starts with a letter, so it can never be mistaken
/// for a group's numeric id: groups are addressed by name only.
pub fn group_name_ok(name: &str) -> Result<(), VaultError> {
    if name.is_empty() || name.len() > 64 {
        return Err(VaultError::InvalidGroupName("1 to 64 characters"));
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
        return Err(VaultError::InvalidGroupName("lower-case letters, digits, - and _ only"));
    }
    if !name.as_bytes()[0].is_ascii_lowercase() {
        return Err(VaultError::InvalidGroupName("starts with a lower-case letter"));
    }
    Ok(())
}

/// A validated customer before encryption.
struct Prepared {
    values: Vec<(String, Zeroizing<String>)>,
    index: Vec<IndexEntry>,
}

impl<S: Store> Vault<S> {
    /// Opens the vault over `store`. It starts sealed (or uninitialized).
    pub async fn open(store: S, clock: Arc<dyn Clock>, schema: Schema) -> Result<Self, VaultError> {
        let meta = store.load_meta().await?;
        Ok(Vault {
            store,
            clock,
            schema,
            offline: RwLock::new(None),
            meta: RwLock::new(meta),
            state: RwLock::new(State::Sealed { pending: Vec::new() }),
            sealed_events: std::sync::Mutex::new(Vec::new()),
            directory_cache: std::sync::Mutex::new(HashMap::new()),
            audit_failures: Arc::default(),
            init_audit: std::sync::Mutex::new(None),
            write_gate: tokio::sync::RwLock::new(()),
            retention_gate: tokio::sync::RwLock::new(()),
            key_policy: RwLock::new(KeyPolicy::default()),
            key_admin: tokio::sync::Mutex::new(()),
            pending_rekey: std::sync::Mutex::new(None),
            key_work: Arc::new(tokio::sync::Notify::new()),
            write_rounds_here: AtomicBool::new(false),
        })
    }

    /// The default schema: what a group has until its schema is changed
    /// ([`Vault::group_schema`] gives a group's own).
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    fn meta(&self) -> Result<Option<VaultMeta>, VaultError> {
        Ok(self.meta.read().map_err(poisoned)?.clone())
    }

    fn unsealed(&self) -> Result<Arc<Unsealed<S>>, VaultError> {
        match &*self.state.read().map_err(poisoned)? {
            State::Unsealed(u) => Ok(Arc::clone(u)),
            State::Sealed { .. } => Err(VaultError::Sealed),
        }
    }
}
