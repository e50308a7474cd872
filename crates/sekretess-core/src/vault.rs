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
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, mpsc, oneshot};
use zeroize::Zeroizing;

use crate::audit::{AuditContext, AuditKey, AuditLog, Event, Outcome, commit_marker};
use crate::clock::{Clock, civil_date};
use crate::coalesce::Coalescer;
use crate::code::CustomerCode;
use crate::error::{StoreError, VaultError};
use crate::schema::Schema;
use crate::store::{
    CustomerRecord, CustomerWrite, FIRST_RECORD_VERSION, GroupKeyKind, GroupRow, GroupState, GroupStore,
    IndexEntry, SealedGroupKey, Store, VaultMeta,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    pub id: u32,
    pub name: String,
    pub state: GroupState,
    pub kek_version: u32,
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
    keks: BTreeMap<u32, Key32>,
    current_kek: u32,
    index_keys: HashMap<String, BlindIndexKey>,
    /// Concurrent reads by code share one store query (and one directory query).
    reads: Coalescer<String, Result<Option<Found>, StoreError>>,
    /// Reads hold a customer's lock shared from the record lookup until the decrypted
    /// customer is returned; updates and erasures hold it exclusively.
    record_locks: Vec<Arc<tokio::sync::RwLock<()>>>,
}

impl<G> OpenGroup<G> {
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

/// `f` over `items`, in order, spread over the machine's cores when there are enough.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Result<Vec<R>, VaultError> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = cores.min(items.len() / ITEMS_PER_THREAD).max(1);
    if threads == 1 {
        return Ok(items.iter().map(f).collect());
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let mut parts = items.chunks(chunk);
        let first = parts.next().unwrap_or_default();
        let others: Vec<_> =
            parts.map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>())).collect();
        let mut all: Vec<R> = first.iter().map(f).collect();
        for handle in others {
            all.extend(handle.join().map_err(|_| VaultError::Internal("batch thread failed"))?);
        }
        Ok(all)
    })
}

struct Unsealed<S: Store> {
    groups: RwLock<Vec<Arc<OpenGroup<S::Group>>>>,
    root: Key32,
    audit: AuditLog<S>,
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
    schema: Schema,
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
}

/// Codes remembered at most; the cache starts over when full (cheap, and bounded).
const DIRECTORY_CACHE_MAX: usize = 100_000;

fn poisoned<T>(_: T) -> VaultError {
    VaultError::Internal("lock poisoned")
}

fn key_id_of(root: &Key32) -> Result<[u8; KEY_ID_LEN], VaultError> {
    let okm = kdf::hkdf_sha256(root.expose(), b"", labels::KEY_ID.as_bytes(), KEY_ID_LEN)?;
    let mut id = [0u8; KEY_ID_LEN];
    id.copy_from_slice(&okm);
    Ok(id)
}

fn group_key_aad(group: u32, kind: GroupKeyKind, version: u32) -> Vec<u8> {
    let mut aad = Vec::with_capacity(48);
    aad.extend_from_slice(AAD_PREFIX);
    aad.extend_from_slice(b"/group-key\0");
    aad.extend_from_slice(&group.to_be_bytes());
    aad.extend_from_slice(kind.as_str().as_bytes());
    aad.push(0);
    aad.extend_from_slice(&version.to_be_bytes());
    aad
}

/// AAD of a field value: "sekretess/v1" | group id | customer code | field name | key version.
fn field_aad(group: u32, code: &str, field: &str, dek_version: u32) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_PREFIX.len() + 24 + field.len());
    aad.extend_from_slice(AAD_PREFIX);
    aad.extend_from_slice(&group.to_be_bytes());
    aad.push(code.len() as u8);
    aad.extend_from_slice(code.as_bytes());
    aad.push(field.len() as u8);
    aad.extend_from_slice(field.as_bytes());
    aad.extend_from_slice(&dek_version.to_be_bytes());
    aad
}

/// AAD of a field value of a record at version 1 or later: [`field_aad`], then
/// "/record\0" | record version | SHA-256 of the record's field names (in order, each with
/// its length). So every envelope of a row vouches for the row's version and its whole set
/// of fields.
fn record_field_aad(group: u32, code: &str, field: &str, version: u64, names: &[u8; 32]) -> Vec<u8> {
    let mut aad = field_aad(group, code, field, DEK_VERSION);
    aad.extend_from_slice(b"/record\0");
    aad.extend_from_slice(&version.to_be_bytes());
    aad.extend_from_slice(names);
    aad
}

fn field_names_digest<'a>(names: impl Iterator<Item = &'a str>) -> [u8; 32] {
    let mut all = Vec::with_capacity(160);
    for name in names {
        all.push(name.len() as u8);
        all.extend_from_slice(name.as_bytes());
    }
    sha256(&all)
}

fn people_aad(aad: &[u8]) -> Vec<u8> {
    let mut full = Vec::with_capacity(AAD_PREFIX.len() + 8 + aad.len());
    full.extend_from_slice(AAD_PREFIX);
    full.extend_from_slice(b"/people\0");
    full.extend_from_slice(aad);
    full
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
            meta: RwLock::new(meta),
            state: RwLock::new(State::Sealed { pending: Vec::new() }),
            sealed_events: std::sync::Mutex::new(Vec::new()),
            directory_cache: std::sync::Mutex::new(HashMap::new()),
            audit_failures: Arc::default(),
            init_audit: std::sync::Mutex::new(None),
        })
    }

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

    /// Creates the root key and splits it into `share_count` shares, any `threshold` of
    /// which unseal. The vault stays sealed; the shares are returned once and never stored.
    pub async fn init(
        &self,
        ctx: &AuditContext,
        threshold: u8,
        share_count: u8,
    ) -> Result<InitOutcome, VaultError> {
        if threshold == 0 || share_count < threshold {
            return Err(VaultError::InitParameters("need 1 <= threshold <= number of shares"));
        }
        if threshold == 1 && share_count != 1 {
            return Err(VaultError::InitParameters("threshold 1 is for dev mode only, with a single share"));
        }
        if self.meta()?.is_some() {
            return Err(VaultError::AlreadyInitialized);
        }
        let root = Key32::generate()?;
        let key_id = key_id_of(&root)?;
        let shares = shamir::split(&root, key_id, threshold, share_count)?;
        let meta = VaultMeta { key_id, threshold, share_count, created_at: self.clock.now() };
        match self.store.init_meta(&meta).await {
            Err(StoreError::Conflict { .. }) => return Err(VaultError::AlreadyInitialized),
            other => other?,
        }
        *self.meta.write().map_err(poisoned)? = Some(meta);
        // The root key is in memory right now: the first entry of the chain records init.
        let audit = AuditLog::new(
            self.store.clone(),
            AuditKey::derive(&root)?,
            Arc::clone(&self.clock),
            Arc::clone(&self.audit_failures),
        );
        audit.record(ctx.event("vault.init"), Outcome::Success).await?;
        *self.init_audit.lock().map_err(poisoned)? = Some(Arc::new(audit));
        Ok(InitOutcome { shares, key_id: shamir::key_id_text(&key_id) })
    }

    pub fn seal_status(&self) -> Result<SealStatus, VaultError> {
        let meta = self.meta()?;
        let state = self.state.read().map_err(poisoned)?;
        let (sealed, progress) = match &*state {
            State::Sealed { pending } => (true, pending.len() as u8),
            State::Unsealed(_) => (false, 0),
        };
        Ok(SealStatus {
            initialized: meta.is_some(),
            sealed,
            threshold: meta.as_ref().map_or(0, |m| m.threshold),
            share_count: meta.as_ref().map_or(0, |m| m.share_count),
            progress,
            key_id: meta.as_ref().map(|m| shamir::key_id_text(&m.key_id)),
        })
    }

    /// Takes one unseal share (as typed). When the threshold is reached the vault unseals.
    /// A wrong, damaged, duplicate or foreign share is refused and progress is kept.
    pub async fn submit_share(&self, ctx: &AuditContext, text: &str) -> Result<SealStatus, VaultError> {
        let root = match self.try_unseal(text).await {
            Ok(Some(root)) => root,
            Ok(None) => {
                self.note_sealed_event(ctx.event("vault.unseal.share"), Outcome::Success)?;
                return self.seal_status();
            }
            Err(e) => {
                if !matches!(e, VaultError::AlreadyUnsealed) {
                    self.note_sealed_event(ctx.event("vault.unseal.share"), Outcome::Failed)?;
                }
                return Err(e);
            }
        };
        let audit = AuditLog::new(
            self.store.clone(),
            AuditKey::derive(&root)?,
            Arc::clone(&self.clock),
            Arc::clone(&self.audit_failures),
        );
        let mut events = std::mem::take(&mut *self.sealed_events.lock().map_err(poisoned)?);
        events.push((ctx.event("vault.unseal"), Outcome::Success));
        // Fail closed: without a durable record of the unseal, stay sealed (and keep the
        // waiting events for the next attempt).
        if let Err(e) = audit.record_all(events.clone()).await {
            events.pop();
            let mut waiting = self.sealed_events.lock().map_err(poisoned)?;
            events.append(&mut waiting);
            *waiting = events;
            return Err(e.into());
        }
        let unsealed = Arc::new(self.load_groups(root, audit).await?);
        *self.state.write().map_err(poisoned)? = State::Unsealed(Arc::clone(&unsealed));
        *self.init_audit.lock().map_err(poisoned)? = None;
        // Best effort: an attempt left unresolved now is looked at again at the next unseal.
        let _ = self.resolve_attempts(&unsealed).await;
        self.seal_status()
    }

    /// Resolves the creations a crash left as bare attempts (no commit marker) in the last
    /// [`RECOVERY_WINDOW`] entries: each is looked up in the store and resolved with a
    /// marker by `system` (purpose `resolved at unseal`), `success` if the customer was
    /// written (or written and erased since), `failed` if not; one marker per run of
    /// attempts of one request with one outcome. Attempts younger than
    /// [`RECOVERY_GRACE`] seconds are left alone: another process may still be writing
    /// them. Returns how many attempts were resolved.
    async fn resolve_attempts(&self, u: &Unsealed<S>) -> Result<usize, VaultError> {
        let Some((head, _)) = self.store.audit_head().await? else { return Ok(0) };
        let cutoff = self.clock.now().saturating_sub(RECOVERY_GRACE);
        let mut resolved: Vec<(u64, u64)> = Vec::new();
        let mut open: Vec<crate::audit::Entry> = Vec::new();
        let mut next = head.saturating_sub(RECOVERY_WINDOW) + 1;
        while next <= head {
            let page = self.store.audit_read(next, 1000).await?;
            let Some(last) = page.last() else { break };
            next = last.seq + 1;
            for e in page {
                if e.action.ends_with(crate::audit::COMMIT_SUFFIX) {
                    resolved.extend(crate::audit::marker_range(&e.fields));
                } else if e.outcome == Outcome::Attempted
                    && e.action == "customer.create"
                    && e.time <= cutoff
                    && e.customer.is_some()
                {
                    open.push(e);
                }
            }
        }
        resolved.sort_unstable();
        let covered = |seq: u64| {
            let i = resolved.partition_point(|&(a, _)| a <= seq);
            i > 0 && resolved.get(i - 1).is_some_and(|&(_, b)| seq <= b)
        };
        open.retain(|e| !covered(e.seq));
        let mut markers: Vec<(Event, Outcome)> = Vec::new();
        let mut run: Option<(Event, u64, u64, Outcome)> = None;
        for e in &open {
            let code = e.customer.as_deref().unwrap_or_default();
            let written = match self.store.directory_lookup(code).await? {
                None => false,
                Some(gid) => {
                    let g = self.group_by_id(u, gid).await?;
                    !g.store.get_customers(&[code.to_owned()]).await?.is_empty()
                        || self.store.is_erased(code).await?
                }
            };
            let outcome = if written { Outcome::Success } else { Outcome::Failed };
            let attempt = Event {
                actor: "system".into(),
                action: e.action.clone(),
                group: e.group.clone(),
                customer: e.customer.clone(),
                request_id: e.request_id.clone(),
                ..Default::default()
            };
            run = match run.take() {
                Some((start, a, b, o))
                    if b + 1 == e.seq && o == outcome && start.request_id == e.request_id =>
                {
                    Some((start, a, e.seq, o))
                }
                Some((start, a, b, o)) => {
                    markers.push((commit_marker(&start, a, b), o));
                    Some((attempt, e.seq, e.seq, outcome))
                }
                None => Some((attempt, e.seq, e.seq, outcome)),
            };
        }
        if let Some((start, a, b, o)) = run {
            markers.push((commit_marker(&start, a, b), o));
        }
        for (marker, _) in &mut markers {
            marker.purpose = Some("resolved at unseal".into());
        }
        if !markers.is_empty() {
            u.audit.record_all(markers).await?;
        }
        Ok(open.len())
    }

    fn note_sealed_event(&self, event: Event, outcome: Outcome) -> Result<(), VaultError> {
        let mut events = self.sealed_events.lock().map_err(poisoned)?;
        if events.len() < MAX_SEALED_EVENTS {
            events.push((event, outcome));
        }
        Ok(())
    }

    /// Adds a share; returns the root key once the threshold is reached.
    /// Reads the vault metadata again if this process has not seen it yet: with several
    /// processes on one store, another process may have initialized the vault since this
    /// one opened it. Returns whether the vault is initialized.
    pub async fn refresh_meta(&self) -> Result<bool, VaultError> {
        if self.meta()?.is_some() {
            return Ok(true);
        }
        let Some(meta) = self.store.load_meta().await? else { return Ok(false) };
        let mut cached = self.meta.write().map_err(poisoned)?;
        if cached.is_none() {
            *cached = Some(meta);
        }
        Ok(true)
    }

    async fn try_unseal(&self, text: &str) -> Result<Option<Key32>, VaultError> {
        self.refresh_meta().await?;
        let meta = self.meta()?.ok_or(VaultError::NotInitialized)?;
        let share = Share::parse(text)?;
        if share.key_id != meta.key_id {
            return Err(VaultError::WrongVault {
                share_key_id: shamir::key_id_text(&share.key_id),
                vault_key_id: shamir::key_id_text(&meta.key_id),
            });
        }
        if share.threshold != meta.threshold {
            return Err(VaultError::ThresholdMismatch { share: share.threshold, vault: meta.threshold });
        }
        let ready = {
            let mut state = self.state.write().map_err(poisoned)?;
            let State::Sealed { pending } = &mut *state else {
                return Err(VaultError::AlreadyUnsealed);
            };
            if pending.iter().any(|s| s.index == share.index) {
                return Err(VaultError::DuplicateShare { index: share.index });
            }
            pending.push(share);
            if pending.len() < meta.threshold as usize { None } else { Some(std::mem::take(pending)) }
        };
        let Some(shares) = ready else { return Ok(None) };
        // From here on the root key lives in a page of its own, locked out of swap and left
        // out of core dumps; the buffers of the combination are wiped.
        let root = shamir::combine(&shares).map_err(|_| VaultError::UnsealFailed)?.into_locked();
        drop(shares);
        if key_id_of(&root)? != meta.key_id {
            return Err(VaultError::UnsealFailed);
        }
        Ok(Some(root))
    }

    /// Forgets the shares given so far.
    pub fn reset_unseal(&self, ctx: &AuditContext) -> Result<SealStatus, VaultError> {
        if let State::Sealed { pending } = &mut *self.state.write().map_err(poisoned)? {
            pending.clear();
            self.note_sealed_event(ctx.event("vault.unseal.reset"), Outcome::Success)?;
        }
        self.seal_status()
    }

    /// Seals: every key leaves memory (zeroized when the last request using it ends).
    /// Sealing is a safety action, so it happens even if its audit entry cannot be written;
    /// that entry then waits for the next unseal.
    pub async fn seal(&self, ctx: &AuditContext) -> Result<(), VaultError> {
        let event = ctx.event("vault.seal");
        let recorded = match self.unsealed() {
            Ok(u) => u.audit.record(event.clone(), Outcome::Success).await.is_ok(),
            Err(_) => true,
        };
        *self.state.write().map_err(poisoned)? = State::Sealed { pending: Vec::new() };
        *self.init_audit.lock().map_err(poisoned)? = None;
        if !recorded {
            self.note_sealed_event(event, Outcome::Success)?;
        }
        Ok(())
    }

    async fn load_groups(&self, root: Key32, audit: AuditLog<S>) -> Result<Unsealed<S>, VaultError> {
        let mut groups = Vec::new();
        for row in self.store.list_groups().await? {
            let keys = self.store.group_keys(row.id).await?;
            groups.push(Arc::new(self.open_group(&root, row, &keys).await?));
        }
        Ok(Unsealed { groups: RwLock::new(groups), root, audit })
    }

    async fn open_group(
        &self,
        root: &Key32,
        row: GroupRow,
        keys: &[SealedGroupKey],
    ) -> Result<OpenGroup<S::Group>, VaultError> {
        let mut keks = BTreeMap::new();
        let mut derivation = None;
        for k in keys {
            let plain = envelope::open(root, &group_key_aad(row.id, k.kind, k.version), &k.sealed)?;
            let key = Key32::from_slice(&plain).map_err(|_| VaultError::Integrity)?;
            match k.kind {
                GroupKeyKind::Kek => {
                    // Held while the vault is unsealed: locked out of swap and core dumps.
                    keks.insert(k.version, key.into_locked());
                }
                GroupKeyKind::Derivation => derivation = Some(key),
            }
        }
        let derivation = derivation.ok_or(VaultError::Integrity)?;
        if !keks.contains_key(&row.current_kek_version) {
            return Err(VaultError::Integrity);
        }
        let mut index_keys = HashMap::new();
        for f in self.schema.fields().iter().filter(|f| f.searchable) {
            let group_index_root = kdf::derive_key(&derivation, labels::BLIND_INDEX, &row.id.to_be_bytes())?;
            index_keys.insert(f.name.clone(), BlindIndexKey::for_field(&group_index_root, &f.name)?);
        }
        let store = self.store.open_group(&row).await?;
        Ok(OpenGroup {
            locked: AtomicBool::new(row.state == GroupState::Locked),
            current_kek: row.current_kek_version,
            row,
            store,
            keks,
            index_keys,
            reads: Coalescer::new(READ_ROUNDS, READS_PER_ROUND),
            record_locks: (0..RECORD_LOCKS).map(|_| Arc::default()).collect(),
        })
    }

    /// Reads one record and its directory version; concurrent reads of the group share a
    /// query of each.
    async fn read_record(
        &self,
        g: &Arc<OpenGroup<S::Group>>,
        code: &str,
    ) -> Result<Option<Found>, VaultError> {
        let (group, control) = (Arc::clone(g), self.store.clone());
        let answer = g
            .reads
            .call(code.to_owned(), move |codes| {
                let (g, control) = (Arc::clone(&group), control.clone());
                async move {
                    // The directory first: an update writes the row before it raises the
                    // directory's version, so a row read after it is never older.
                    let versions = match control.directory_versions(&codes).await {
                        Ok(versions) => versions.into_iter().collect::<HashMap<String, u64>>(),
                        Err(e) => return codes.iter().map(|_| Err(e.clone())).collect(),
                    };
                    match g.store.get_customers(&codes).await {
                        Ok(found) => {
                            // Two callers may ask for the same code in one round.
                            let found: HashMap<&str, &CustomerRecord> =
                                found.iter().map(|r| (r.code.as_str(), r)).collect();
                            codes
                                .iter()
                                .map(|c| {
                                    Ok(found.get(c.as_str()).map(|&r| (r.clone(), versions.get(c).copied())))
                                })
                                .collect()
                        }
                        Err(e) => codes.iter().map(|_| Err(e.clone())).collect(),
                    }
                }
            })
            .await;
        Ok(answer.ok_or(VaultError::Internal("read round ended without an answer"))??)
    }

    fn cached_group(
        u: &Unsealed<S>,
        matches: impl Fn(&GroupRow) -> bool,
    ) -> Result<Option<Arc<OpenGroup<S::Group>>>, VaultError> {
        Ok(u.groups.read().map_err(poisoned)?.iter().find(|g| matches(&g.row)).cloned())
    }

    /// Finds a group; on a miss, looks again in the store, since another server process on
    /// the same control database may have created it since this one unsealed.
    async fn find_group(
        &self,
        u: &Unsealed<S>,
        matches: impl Fn(&GroupRow) -> bool,
    ) -> Result<Option<Arc<OpenGroup<S::Group>>>, VaultError> {
        if let Some(g) = Self::cached_group(u, &matches)? {
            return Ok(Some(g));
        }
        let Some(row) = self.store.list_groups().await?.into_iter().find(|r| matches(r)) else {
            return Ok(None);
        };
        let keys = self.store.group_keys(row.id).await?;
        let opened = Arc::new(self.open_group(&u.root, row, &keys).await?);
        let mut groups = u.groups.write().map_err(poisoned)?;
        if let Some(g) = groups.iter().find(|g| g.row.id == opened.row.id) {
            return Ok(Some(Arc::clone(g))); // another request opened it meanwhile
        }
        groups.push(Arc::clone(&opened));
        Ok(Some(opened))
    }

    async fn group_by_name(
        &self,
        u: &Unsealed<S>,
        name: &str,
    ) -> Result<Arc<OpenGroup<S::Group>>, VaultError> {
        // By name only: an id is never accepted where a name is expected.
        self.find_group(u, |r| r.name == name).await?.ok_or_else(|| VaultError::UnknownGroup(name.to_owned()))
    }

    async fn group_by_id(&self, u: &Unsealed<S>, id: u32) -> Result<Arc<OpenGroup<S::Group>>, VaultError> {
        self.find_group(u, |r| r.id == id)
            .await?
            .ok_or(VaultError::Internal("directory names a missing group"))
    }

    fn usable(group: &OpenGroup<S::Group>) -> Result<(), VaultError> {
        if group.locked.load(Ordering::SeqCst) {
            return Err(VaultError::GroupLocked(group.row.name.clone()));
        }
        Ok(())
    }

    fn info(g: &OpenGroup<S::Group>) -> GroupInfo {
        GroupInfo {
            id: g.row.id,
            name: g.row.name.clone(),
            state: if g.locked.load(Ordering::SeqCst) { GroupState::Locked } else { GroupState::Open },
            kek_version: g.current_kek,
            created_at: g.row.created_at,
        }
    }

    /// Resolves the attempt at `seq` (recorded for `attempt`) with the result of its write,
    /// and passes the result on. The marker is best effort: the write happened or not
    /// whatever becomes of it, and without it the attempt claims no outcome.
    async fn resolved<T>(
        u: &Unsealed<S>,
        attempt: &Event,
        seq: u64,
        result: Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        let outcome = if result.is_ok() { Outcome::Success } else { Outcome::Failed };
        let _ = u.audit.resolve(attempt, (seq, seq), outcome).await;
        result
    }

    /// Creates a customer group with its own store and its own keys.
    pub async fn create_group(&self, ctx: &AuditContext, name: &str) -> Result<GroupInfo, VaultError> {
        group_name_ok(name)?;
        let u = self.unsealed()?;
        let mut event = ctx.event("group.create");
        event.group = Some(name.to_owned());
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let created = self.create_group_on_record(&u, name).await;
        Self::resolved(&u, &event, seq, created).await
    }

    async fn create_group_on_record(&self, u: &Unsealed<S>, name: &str) -> Result<GroupInfo, VaultError> {
        for _attempt in 0..5 {
            let existing = self.store.list_groups().await?;
            if existing.iter().any(|g| g.name == name) {
                return Err(VaultError::GroupExists(name.to_owned()));
            }
            let id = existing.iter().map(|g| g.id).max().unwrap_or(0) + 1;
            let mut sealed = Vec::new();
            for kind in [GroupKeyKind::Kek, GroupKeyKind::Derivation] {
                let key = Key32::generate()?;
                let aad = group_key_aad(id, kind, 1);
                let blob =
                    envelope::seal(&u.root, KeyRef { key_id: ROOT_KEY_ID, version: 1 }, &aad, key.expose())?;
                sealed.push(SealedGroupKey { kind, version: 1, sealed: blob });
            }
            let row = match self.store.create_group(id, name, self.clock.now(), &sealed).await {
                Ok(row) => row,
                // Another process took the id (or the name) at the same moment: look again.
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            };
            let group = Arc::new(self.open_group(&u.root, row, &sealed).await?);
            let info = Self::info(&group);
            let mut groups = u.groups.write().map_err(poisoned)?;
            if !groups.iter().any(|g| g.row.id == group.row.id) {
                groups.push(group);
            }
            return Ok(info);
        }
        Err(VaultError::GroupExists(name.to_owned()))
    }

    /// The group named `name`. Groups are addressed by name only: an id is never
    /// accepted in its place.
    pub async fn group(&self, name: &str) -> Result<GroupInfo, VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, name).await?;
        Ok(Self::info(&g))
    }

    pub fn list_groups(&self) -> Result<Vec<GroupInfo>, VaultError> {
        let u = self.unsealed()?;
        let groups = u.groups.read().map_err(poisoned)?;
        Ok(groups.iter().map(|g| Self::info(g)).collect())
    }

    /// Locks or unlocks a group: a locked group refuses every customer operation.
    pub async fn set_group_locked(
        &self,
        ctx: &AuditContext,
        name: &str,
        locked: bool,
    ) -> Result<GroupInfo, VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, name).await?;
        let mut event = ctx.event(if locked { "group.lock" } else { "group.unlock" });
        event.group = Some(g.row.name.clone());
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let state = if locked { GroupState::Locked } else { GroupState::Open };
        let written = self.store.set_group_state(g.row.id, state).await.map_err(VaultError::from);
        Self::resolved(&u, &event, seq, written).await?;
        g.locked.store(locked, Ordering::SeqCst);
        Ok(Self::info(&g))
    }

    fn today_year(&self) -> i32 {
        civil_date(self.clock.now()).0
    }

    /// Validates an item and computes its blind-index entries in `g`.
    fn prepare(&self, g: &OpenGroup<S::Group>, fields: &[(String, String)]) -> Result<Prepared, VaultError> {
        if fields.is_empty() {
            return Err(VaultError::NoFields);
        }
        let year = self.today_year();
        let mut values = Vec::with_capacity(fields.len());
        let mut index = Vec::new();
        for (name, value) in fields {
            let checked = self.schema.check(name, value, year)?;
            if values.iter().any(|(n, _): &(String, _)| n == name) {
                return Err(VaultError::Invalid { field: name.clone(), rule: "given more than once" });
            }
            if let Some(def) = self.schema.field(name).filter(|d| d.searchable) {
                let key = g.index_keys.get(name).ok_or(VaultError::Internal("missing index key"))?;
                let form = Zeroizing::new(checked.index_form);
                index.push(IndexEntry {
                    field: name.clone(),
                    hash: key.index(form.as_bytes()),
                    unique: def.unique,
                });
            }
            values.push((name.clone(), Zeroizing::new(checked.stored)));
        }
        values.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Prepared { values, index })
    }

    /// Seals a record at record `version` (1 or later).
    fn encrypt(
        group: &OpenGroup<S::Group>,
        code: &CustomerCode,
        prepared: &Prepared,
        dek: &Key32,
        times: (i64, i64),
        version: u64,
    ) -> Result<CustomerWrite, VaultError> {
        let kek = group.keks.get(&group.current_kek).ok_or(VaultError::Integrity)?;
        let sealer = EnvelopeKey::new(dek, KeyRef { key_id: group.row.id, version: DEK_VERSION })?;
        let code_str = code.compact();
        // `prepare` sorted the names and refused duplicates.
        let names = field_names_digest(prepared.values.iter().map(|(name, _)| name.as_str()));
        let aads: Vec<Vec<u8>> = prepared
            .values
            .iter()
            .map(|(name, _)| record_field_aad(group.row.id, code_str, name, version, &names))
            .collect();
        let items: Vec<(&[u8], &[u8])> =
            aads.iter().zip(&prepared.values).map(|(aad, (_, value))| (&aad[..], value.as_bytes())).collect();
        let sealed = sealer.seal_all(&items)?;
        let fields = prepared.values.iter().map(|(name, _)| name.clone()).zip(sealed).collect();
        Ok(CustomerWrite {
            record: CustomerRecord {
                code: code_str.to_owned(),
                version,
                kek_version: group.current_kek,
                wrapped_dek: keywrap::wrap_key(kek, dek)?,
                fields,
                created_at: times.0,
                updated_at: times.1,
                retain_until: None,
            },
            index: prepared.index.clone(),
        })
    }

    /// Validates each item and gives each valid one a new code, spread over the cores.
    fn prepare_batch(
        &self,
        g: &OpenGroup<S::Group>,
        batch: &[Vec<(String, String)>],
    ) -> Result<Vec<Validated>, VaultError> {
        let items: Vec<_> = batch.iter().zip(CustomerCode::generate_many(batch.len())?).collect();
        par_map(&items, |(fields, code)| Ok((code.clone(), self.prepare(g, fields)?)))
    }

    /// Encrypts validated items (a new data key each), spread over the cores: this is most
    /// of a batch's CPU time.
    fn encrypt_part(
        g: &OpenGroup<S::Group>,
        items: &[(CustomerCode, Prepared)],
        now: i64,
    ) -> Result<Arc<[CustomerWrite]>, VaultError> {
        let keyed: Vec<_> = items.iter().zip(Key32::generate_many(items.len())?).collect();
        let part: Vec<CustomerWrite> = par_map(&keyed, |((code, prepared), dek)| {
            Self::encrypt(g, code, prepared, dek, (now, now), FIRST_RECORD_VERSION)
        })?
        .into_iter()
        .collect::<Result<_, _>>()?;
        Ok(part.into())
    }

    /// Encrypts validated items a part at a time, and sends each part to `parts` as soon
    /// as it is done. Returns every part, for writing item by item after a conflict.
    fn encrypt_parts(
        g: &OpenGroup<S::Group>,
        items: &[(CustomerCode, Prepared)],
        now: i64,
        parts: &mpsc::UnboundedSender<Arc<[CustomerWrite]>>,
    ) -> Result<Vec<Arc<[CustomerWrite]>>, VaultError> {
        let mut done = Vec::new();
        for chunk in items.chunks(ITEMS_PER_PART) {
            let part = Self::encrypt_part(g, chunk, now)?;
            // A store that stopped reading has failed, and says why itself.
            let _ = parts.send(Arc::clone(&part));
            done.push(part);
        }
        Ok(done)
    }

    /// Creates one customer in `group`.
    pub async fn create_customer(
        &self,
        ctx: &AuditContext,
        group: &str,
        fields: &[(String, String)],
    ) -> Result<CustomerCode, VaultError> {
        self.create_customers(ctx, group, std::slice::from_ref(&fields.to_vec())).await?.remove(0)
    }

    /// Creates many customers in one transaction; answers per item. Invalid items and
    /// duplicates fail alone; the others are written.
    pub async fn create_customers(
        &self,
        ctx: &AuditContext,
        group: &str,
        batch: &[Vec<(String, String)>],
    ) -> Result<Vec<Result<CustomerCode, VaultError>>, VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        Self::usable(&g)?;
        let now = self.clock.now();
        let mut results: Vec<Result<CustomerCode, VaultError>> = Vec::with_capacity(batch.len());
        let mut valid = Vec::new();
        let mut slots = Vec::new();
        for (i, outcome) in self.prepare_batch(&g, batch)?.into_iter().enumerate() {
            match outcome {
                Ok((code, prepared)) => {
                    results.push(Ok(code.clone()));
                    valid.push((code, prepared));
                    slots.push(i);
                }
                Err(e) => results.push(Err(e)),
            }
        }
        if valid.is_empty() {
            return Ok(results);
        }
        let codes: Arc<[String]> = valid.iter().map(|(code, _)| code.compact().to_owned()).collect();
        let events = Self::creation_events(ctx, &g, batch, &slots, &codes);
        // Fail closed: every creation is on record, and its code in the directory, before
        // anything is written to the group. Both need only the codes and field names, so
        // they are written while the items are encrypted.
        let on_record = {
            let (u, store, codes) = (Arc::clone(&u), self.store.clone(), Arc::clone(&codes));
            let group_id = g.row.id;
            tokio::spawn(async move {
                // The entries record attempts: what happened to them, a commit marker says.
                let first = events.first().cloned().unwrap_or_default();
                let seqs =
                    u.audit.record_all(events.into_iter().map(|e| (e, Outcome::Attempted)).collect()).await?;
                let range = (seqs.first().copied().unwrap_or(0), seqs.last().copied().unwrap_or(0));
                // A code collision across 55 random bits is astronomically rare; refuse
                // rather than loop.
                if let Err(e) = store.directory_insert(&codes, group_id).await {
                    let _ = u.audit.resolve(&first, range, Outcome::Failed).await; // best effort
                    return Err(e.into());
                }
                Ok::<(u64, u64), VaultError>(range)
            })
        };
        let (encrypted, recorded, inserted) = if valid.len() <= ITEMS_PER_PART {
            // Small batches (single creates) are written only after they are on record, so
            // the group's write lock is held just for the write, not for the audit's commit.
            let encrypted = Self::encrypt_part(&g, &valid, now);
            let recorded = on_record.await.unwrap_or(Err(VaultError::Internal("audit task failed")));
            let inserted = match (&encrypted, &recorded) {
                (Ok(part), Ok(_)) => g.store.insert_customers(part).await,
                _ => Ok(()),
            };
            (encrypted.map(|part| vec![part]), recorded, inserted)
        } else {
            // Parts are written as they are encrypted; the group commits only once every
            // item is encrypted and the batch is on record.
            let (part_tx, part_rx) = mpsc::unbounded_channel();
            let (commit_tx, commit_rx) = oneshot::channel();
            let encrypting = {
                let g = Arc::clone(&g);
                tokio::task::spawn_blocking(move || Self::encrypt_parts(&g, &valid, now, &part_tx))
            };
            let deciding = async {
                let encrypted =
                    encrypting.await.unwrap_or(Err(VaultError::Internal("encryption task failed")));
                let recorded = on_record.await.unwrap_or(Err(VaultError::Internal("audit task failed")));
                if encrypted.is_ok() && recorded.is_ok() {
                    let _ = commit_tx.send(());
                }
                (encrypted, recorded)
            };
            let (inserted, (encrypted, recorded)) =
                tokio::join!(g.store.insert_customer_parts(part_rx, commit_rx), deciding);
            (encrypted, recorded, inserted)
        };
        let range = recorded?;
        crate::audit::note_recorded(); // on record from another task
        // The attempts went to the audit log; commit markers resolve them.
        let events = || Self::creation_events(ctx, &g, batch, &slots, &codes);
        let first = Self::creation_events(ctx, &g, batch, slots.get(..1).unwrap_or(&[]), &codes)
            .pop()
            .unwrap_or_default();
        let parts = match encrypted {
            Ok(parts) => parts,
            Err(e) => {
                self.undo_create(&u, &codes, &first, range).await?;
                return Err(e);
            }
        };
        match inserted {
            Ok(()) => {
                // One marker for the whole batch, written with the next round (the next
                // batch's attempts, or a flush started here), so no caller waits for its
                // commit. If it is lost, the creations claim no outcome until the next
                // unseal resolves them from the store ([`Vault::resolve_attempts`]).
                u.audit.defer(commit_marker(&first, range.0, range.1), Outcome::Success);
                let flushing = Arc::clone(&u);
                tokio::spawn(async move { flushing.audit.flush().await });
                Ok(results)
            }
            Err(StoreError::Conflict { .. }) => {
                // Some item breaks a uniqueness rule: write them one by one to say which.
                // The markers go on record together: one per run of written items, one
                // per refused item (naming its code).
                let mut markers = Vec::new();
                let mut run: Option<(Event, u64, u64)> = None;
                let mut refused = Vec::new();
                let writes = parts.iter().flat_map(|part| part.iter());
                for (((write, &slot), event), seq) in writes.zip(&slots).zip(events()).zip(range.0..) {
                    if let Err(e) = g.store.insert_customers(std::slice::from_ref(write)).await {
                        if let Some((start, a, b)) = run.take() {
                            markers.push((commit_marker(&start, a, b), Outcome::Success));
                        }
                        markers.push((commit_marker(&event, seq, seq), Outcome::Failed));
                        refused.push(write.record.code.clone());
                        results[slot] = Err(match e {
                            StoreError::Conflict { what } => VaultError::Duplicate { field: what },
                            other => other.into(),
                        });
                    } else {
                        run = Some(match run {
                            Some((start, a, _)) => (start, a, seq),
                            None => (event, seq, seq),
                        });
                    }
                }
                if let Some((start, a, b)) = run {
                    markers.push((commit_marker(&start, a, b), Outcome::Success));
                }
                let _ = u.audit.record_all(markers).await; // best effort, as above
                if !refused.is_empty() {
                    self.store.directory_remove(&refused).await?;
                }
                Ok(results)
            }
            Err(e) => {
                self.undo_create(&u, &codes, &first, range).await?;
                Err(e.into())
            }
        }
    }

    /// The creation events of a batch's valid items (at `slots`, given `codes`): field
    /// names in order, never values.
    fn creation_events(
        ctx: &AuditContext,
        g: &OpenGroup<S::Group>,
        batch: &[Vec<(String, String)>],
        slots: &[usize],
        codes: &[String],
    ) -> Vec<Event> {
        slots
            .iter()
            .zip(codes)
            .map(|(&slot, code)| {
                let mut event = ctx.event("customer.create");
                event.group = Some(g.row.name.clone());
                event.customer = Some(code.clone());
                event.fields = batch[slot].iter().map(|(name, _)| name.clone()).collect();
                event.fields.sort_unstable();
                event
            })
            .collect()
    }

    /// Resolves the attempts at `range` (recorded for `attempt`) as failed, and takes back
    /// the directory rows of the creations that were not written. The audit part is best
    /// effort: without the marker the attempts claim no outcome.
    async fn undo_create(
        &self,
        u: &Unsealed<S>,
        codes: &[String],
        attempt: &Event,
        range: (u64, u64),
    ) -> Result<(), VaultError> {
        let _ = u.audit.resolve(attempt, range, Outcome::Failed).await;
        self.store.directory_remove(codes).await?;
        Ok(())
    }

    /// Finds a customer's record, holding its lock (`access`) from before the lookup: the
    /// caller keeps the [`Hold`] until it is done with the record, so an erasure (which
    /// holds the lock exclusively) waits for reads in flight, and reads after it find no
    /// record.
    async fn locate(
        &self,
        code: &CustomerCode,
        access: Access,
    ) -> Result<(Arc<Unsealed<S>>, Arc<OpenGroup<S::Group>>, CustomerRecord, Hold), VaultError> {
        let u = self.unsealed()?;
        let group_id = self.group_of(code).await?;
        let g = self.group_by_id(&u, group_id).await?;
        // A request's failure after this point is on record with the group it reached.
        crate::audit::note_group(&g.row.name);
        crate::audit::note_customer(code.compact());
        Self::usable(&g)?;
        let lock = g.record_lock(code.compact());
        let guard = match access {
            Access::Read => Guard::Shared(lock.read_owned().await),
            Access::Write => Guard::Exclusive(lock.write_owned().await),
        };
        match self.read_record(&g, code.compact()).await? {
            Some((record, Some(committed))) => Ok((u, g, record, Hold { committed, _guard: guard })),
            // A row whose code the directory does not hold was not written by the vault.
            Some((_, None)) => Err(VaultError::Integrity),
            None if self.store.is_erased(code.compact()).await? => Err(VaultError::Erased),
            None => Err(VaultError::NotFound),
        }
    }

    /// Checks a located record's version against the directory, then decrypts it.
    ///
    /// The row may be at the directory's version, or one ahead: an update writes the row
    /// first and the directory after it, so one ahead is an update in flight, or one whose
    /// directory write was lost (a crash, an outage). Such a row decrypts (only the vault
    /// can have sealed it) and the directory is raised to it, which closes the window. Any
    /// older row is a rollback; a row further ahead means updates committed since the
    /// directory was read, which is read again once.
    async fn open_record(
        &self,
        g: &OpenGroup<S::Group>,
        record: &CustomerRecord,
        hold: &Hold,
    ) -> Result<(Key32, BTreeMap<String, FieldValue>), VaultError> {
        let mut committed = hold.committed;
        if record.version > committed.saturating_add(1) {
            let again = self.store.directory_versions(std::slice::from_ref(&record.code)).await?;
            committed = again.first().map(|&(_, v)| v).ok_or(VaultError::Integrity)?;
        }
        let pending = record.version == committed.saturating_add(1);
        if record.version != committed && !pending {
            return Err(VaultError::Integrity);
        }
        let opened = Self::decrypt(g, record)?;
        if pending {
            // Best effort: the next read repairs it otherwise.
            let _ = self.store.directory_set_version(&record.code, record.version).await;
        }
        Ok(opened)
    }

    async fn group_of(&self, code: &CustomerCode) -> Result<u32, VaultError> {
        if let Some(&g) = self.directory_cache.lock().map_err(poisoned)?.get(code.compact()) {
            return Ok(g);
        }
        let g = self.store.directory_lookup(code.compact()).await?.ok_or(VaultError::NotFound)?;
        let mut cache = self.directory_cache.lock().map_err(poisoned)?;
        if cache.len() >= DIRECTORY_CACHE_MAX {
            cache.clear();
        }
        cache.insert(code.compact().to_owned(), g);
        Ok(g)
    }

    fn decrypt(
        g: &OpenGroup<S::Group>,
        record: &CustomerRecord,
    ) -> Result<(Key32, BTreeMap<String, FieldValue>), VaultError> {
        let kek = g.keks.get(&record.kek_version).ok_or(VaultError::Integrity)?;
        let dek = keywrap::unwrap_key(kek, &record.wrapped_dek)?;
        let opener = EnvelopeKey::new(&dek, KeyRef { key_id: g.row.id, version: DEK_VERSION })?;
        let names = if record.version == LEGACY_RECORD_VERSION {
            None
        } else {
            // As written: at least one field, names in order, each once. The digest then
            // covers the set the envelopes were sealed with, or none of them opens.
            let ordered = record.fields.windows(2).all(|w| w[0].0 < w[1].0);
            if record.fields.is_empty() || !ordered {
                return Err(VaultError::Integrity);
            }
            Some(field_names_digest(record.fields.iter().map(|(name, _)| name.as_str())))
        };
        let mut fields = BTreeMap::new();
        for (name, sealed) in &record.fields {
            let aad = match &names {
                None => field_aad(g.row.id, &record.code, name, DEK_VERSION),
                Some(names) => record_field_aad(g.row.id, &record.code, name, record.version, names),
            };
            let plain = opener.open(&aad, sealed)?;
            let text = String::from_utf8(plain.to_vec()).map_err(|_| VaultError::Integrity)?;
            fields.insert(name.clone(), FieldValue(Zeroizing::new(text)));
        }
        Ok((dek, fields))
    }

    /// Reads and decrypts a customer.
    pub async fn get_customer(
        &self,
        ctx: &AuditContext,
        code: &CustomerCode,
        purpose: Option<&str>,
    ) -> Result<Customer, VaultError> {
        let (u, g, record, hold) = self.locate(code, Access::Read).await?;
        let (_dek, fields) = self.open_record(&g, &record, &hold).await?;
        // The read is on record before any data is returned.
        let mut event = Self::customer_event(ctx, "customer.read", &g, &record.code, &record.fields);
        event.purpose = purpose.map(str::to_owned);
        u.audit.record(event, Outcome::Success).await?;
        Ok(Customer {
            code: code.clone(),
            group: g.row.name.clone(),
            fields,
            created_at: record.created_at,
            updated_at: record.updated_at,
        })
    }

    /// Sets fields (`Some`) or removes them (`None`); the rest stay as they are.
    pub async fn update_customer(
        &self,
        ctx: &AuditContext,
        code: &CustomerCode,
        changes: &[(String, Option<String>)],
    ) -> Result<(), VaultError> {
        let (u, g, record, hold) = self.locate(code, Access::Write).await?;
        let (dek, current) = self.open_record(&g, &record, &hold).await?;
        let mut merged: BTreeMap<String, Zeroizing<String>> =
            current.into_iter().map(|(k, v)| (k, v.0)).collect();
        for (name, change) in changes {
            if crate::schema::is_cvv_like(name) {
                return Err(VaultError::ForbiddenField { field: name.clone() });
            }
            if self.schema.field(name).is_none() {
                return Err(VaultError::UnknownField { field: name.clone() });
            }
            match change {
                Some(v) => merged.insert(name.clone(), Zeroizing::new(v.clone())),
                None => merged.remove(name),
            };
        }
        let fields: Vec<(String, String)> = merged.iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
        let prepared = self.prepare(&g, &fields)?;
        let version = record.version.checked_add(1).ok_or(VaultError::Internal("record version overflow"))?;
        let write = Self::encrypt(&g, code, &prepared, &dek, (record.created_at, self.clock.now()), version)?;
        let mut event = ctx.event("customer.update");
        event.group = Some(g.row.name.clone());
        event.customer = Some(record.code.clone());
        event.fields = changes.iter().map(|(name, _)| name.clone()).collect();
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        // Only if the row is still the one read (another process may have updated it).
        let written = g.store.update_customer(&write, record.version).await.and_then(|done| {
            done.then_some(()).ok_or_else(|| {
                StoreError::Unavailable("the customer changed during the update; try again".into())
            })
        });
        if let Err(e) = written {
            let _ = u.audit.resolve(&event, (seq, seq), Outcome::Failed).await; // best effort
            return Err(match e {
                StoreError::Conflict { what } => VaultError::Duplicate { field: what },
                other => other.into(),
            });
        }
        let _ = u.audit.resolve(&event, (seq, seq), Outcome::Success).await; // written anyway
        // Row first, then its version in the directory: a crash in between leaves the row
        // one version ahead, which reads accept and repair (see `open_record`); the other
        // order would leave a committed row older than the directory, unreadable.
        self.store.directory_set_version(code.compact(), version).await?;
        Ok(())
    }

    /// Erases a customer by crypto-shredding: the wrapped data key and the blind-index
    /// entries are deleted, and the erasure is journaled. The code is never reused.
    pub async fn erase_customer(&self, ctx: &AuditContext, code: &CustomerCode) -> Result<(), VaultError> {
        // Exclusively: reads of this customer in flight finish first.
        let (u, g, record, _hold) = self.locate(code, Access::Write).await?;
        let event = Self::customer_event(ctx, "customer.erase", &g, &record.code, &record.fields);
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let erased = async {
            self.store.record_erasure(code.compact(), g.row.id, self.clock.now()).await?;
            g.store.erase_customer(code.compact()).await.map(|_| ())
        };
        Self::resolved(&u, &event, seq, erased.await.map_err(VaultError::from)).await
    }

    /// Finds customers of `group` whose searchable `field` equals `value` (in any written
    /// form the field's type accepts).
    pub async fn find(
        &self,
        ctx: &AuditContext,
        group: &str,
        field: &str,
        value: &str,
    ) -> Result<Vec<CustomerCode>, VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        Self::usable(&g)?;
        let def =
            self.schema.field(field).ok_or_else(|| VaultError::UnknownField { field: field.to_owned() })?;
        if !def.searchable {
            return Err(VaultError::NotSearchable { field: field.to_owned() });
        }
        let normalized = Zeroizing::new(self.schema.check(field, value, self.today_year())?.index_form);
        let key = g.index_keys.get(field).ok_or(VaultError::Internal("missing index key"))?;
        let hash = key.index(normalized.as_bytes());
        let codes = g.store.find(field, &hash, def.unique).await?;
        let found: Vec<CustomerCode> = codes
            .iter()
            .map(|c| CustomerCode::parse(c).map_err(|_| VaultError::Integrity))
            .collect::<Result<_, _>>()?;
        let mut event = ctx.event("customer.find");
        event.group = Some(g.row.name.clone());
        event.fields = vec![field.to_owned()];
        if let [one] = found.as_slice() {
            event.customer = Some(one.compact().to_owned());
        }
        u.audit.record(event, Outcome::Success).await?;
        Ok(found)
    }

    /// An event about one customer: its group, code and the names of its fields (the
    /// values beside them are never read).
    fn customer_event<V>(
        ctx: &AuditContext,
        action: &str,
        g: &OpenGroup<S::Group>,
        code: &str,
        fields: &[(String, V)],
    ) -> Event {
        let mut event = ctx.event(action);
        event.group = Some(g.row.name.clone());
        event.customer = Some(code.to_owned());
        event.fields = fields.iter().map(|(name, _)| name.clone()).collect();
        event
    }

    /// Seals a small secret of another layer (an employee's TOTP secret) under a key
    /// derived from the root key (label `sekretess/v1/people-secret`), bound to `aad`.
    /// Needs the vault unsealed.
    pub fn seal_people_secret(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
        let u = self.unsealed()?;
        let key = kdf::derive_key(&u.root, labels::PEOPLE_SECRET, b"")?;
        Ok(envelope::seal(&key, KeyRef { key_id: ROOT_KEY_ID, version: 1 }, &people_aad(aad), plaintext)?)
    }

    /// Opens what [`Vault::seal_people_secret`] sealed with the same `aad`.
    pub fn open_people_secret(&self, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let u = self.unsealed()?;
        let key = kdf::derive_key(&u.root, labels::PEOPLE_SECRET, b"")?;
        Ok(envelope::open(&key, &people_aad(aad), sealed)?)
    }

    /// Records an event of another layer (logins, API keys, …) in the audit chain.
    /// Between init and the first unseal, the init-time audit log takes these events.
    pub async fn record_event(&self, event: Event, outcome: Outcome) -> Result<u64, VaultError> {
        match self.unsealed() {
            Ok(u) => Ok(u.audit.record(event, outcome).await?),
            Err(VaultError::Sealed) => {
                let init_audit = self.init_audit.lock().map_err(poisoned)?.clone();
                let audit = init_audit.ok_or(VaultError::Sealed)?;
                Ok(audit.record(event, outcome).await?)
            }
            Err(e) => Err(e),
        }
    }

    /// Waits until every commit marker written in the background is durable (a test, or a
    /// reader of the store itself, sees them then).
    pub async fn audit_flush(&self) -> Result<(), VaultError> {
        Ok(self.unsealed()?.audit.flush().await?)
    }

    /// Records events of another layer together (one durable write); needs the vault
    /// unsealed.
    pub async fn record_events(&self, events: Vec<(Event, Outcome)>) -> Result<Vec<u64>, VaultError> {
        Ok(self.unsealed()?.audit.record_all(events).await?)
    }

    /// A signed checkpoint of the audit chain's head (needs the vault unsealed).
    pub async fn audit_checkpoint(&self) -> Result<crate::audit::Checkpoint, VaultError> {
        Ok(self.unsealed()?.audit.checkpoint().await?)
    }

    /// Verifies the audit chain (needs the vault unsealed).
    pub async fn audit_verify(
        &self,
        checkpoint: Option<&crate::audit::Checkpoint>,
    ) -> Result<crate::audit::Verdict, VaultError> {
        Ok(self.unsealed()?.audit.verify(checkpoint).await?)
    }

    /// The audit verification key, for an auditor's offline `audit verify`. Recorded.
    pub async fn audit_verification_key(&self, ctx: &AuditContext) -> Result<AuditKey, VaultError> {
        let u = self.unsealed()?;
        u.audit.record(ctx.event("audit.key_export"), Outcome::Success).await?;
        Ok(u.audit.key().clone())
    }

    /// Audit writes that failed since this process started (for metrics).
    pub fn audit_failures(&self) -> u64 {
        self.audit_failures.load(Ordering::Relaxed)
    }

    /// Checkpoints every group store (moves erased pages out of write-ahead logs).
    pub async fn checkpoint(&self) -> Result<(), VaultError> {
        let u = self.unsealed()?;
        let groups: Vec<_> = u.groups.read().map_err(poisoned)?.clone();
        for g in groups {
            g.store.checkpoint().await?;
        }
        Ok(())
    }

    /// A customer's field envelopes sealed again as a row from before record versions
    /// would have them (the older AAD, under the same data key), so tests can build a
    /// legacy row.
    #[cfg(feature = "test-hooks")]
    pub async fn test_hook_legacy_fields(
        &self,
        code: &CustomerCode,
    ) -> Result<Vec<(String, Vec<u8>)>, VaultError> {
        let (_, g, record, _hold) = self.locate(code, Access::Read).await?;
        let (dek, fields) = Self::decrypt(&g, &record)?;
        let sealer = EnvelopeKey::new(&dek, KeyRef { key_id: g.row.id, version: DEK_VERSION })?;
        fields
            .iter()
            .map(|(name, value)| {
                let aad = field_aad(g.row.id, code.compact(), name, DEK_VERSION);
                Ok((name.clone(), sealer.seal(&aad, value.expose().as_bytes())?))
            })
            .collect()
    }

    /// The root key and a customer's data key, so tests can search files for them.
    #[cfg(feature = "test-hooks")]
    pub async fn test_hook_key_material(&self, code: &CustomerCode) -> Result<(Key32, Key32), VaultError> {
        let u = self.unsealed()?;
        let (_, g, record, _hold) = self.locate(code, Access::Read).await?;
        let (dek, _) = Self::decrypt(&g, &record)?;
        Ok((u.root.clone(), dek))
    }

    /// Every long-lived key of this unsealed vault, each XORed with `mask` so that the
    /// caller never holds a copy: the root key, the audit key, the people-secret key, and
    /// each group's keys as stored (every KEK version and the derivation key). For tests
    /// that search this process's memory for them.
    #[cfg(feature = "test-hooks")]
    pub async fn test_hook_masked_keys(
        &self,
        mask: &[u8; 32],
    ) -> Result<Vec<(String, [u8; 32])>, VaultError> {
        let masked = |key: &Key32| {
            let mut out = *mask;
            for (o, k) in out.iter_mut().zip(key.expose().iter()) {
                *o ^= k;
            }
            out
        };
        let u = self.unsealed()?;
        let people = kdf::derive_key(&u.root, labels::PEOPLE_SECRET, b"")?;
        let mut keys = vec![
            ("root key".to_owned(), masked(&u.root)),
            ("audit key".to_owned(), masked(u.audit.key().expose())),
            ("people-secret key".to_owned(), masked(&people)),
        ];
        for row in self.store.list_groups().await? {
            for k in self.store.group_keys(row.id).await? {
                let plain = envelope::open(&u.root, &group_key_aad(row.id, k.kind, k.version), &k.sealed)?;
                let key = Key32::from_slice(&plain).map_err(|_| VaultError::Integrity)?;
                keys.push((
                    format!("group {} {} key v{}", row.name, k.kind.as_str(), k.version),
                    masked(&key),
                ));
            }
        }
        Ok(keys)
    }
}
