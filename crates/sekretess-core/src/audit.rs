//! The tamper-evident, fail-closed audit log.
//!
//! Every entry is chained: `mac_i = HMAC-SHA256(k, mac_{i-1} || canonical(entry_i))` with
//! `mac_0 = 32 zero bytes` and `k` derived from the root key. Whoever edits, deletes,
//! inserts or swaps entries and recomputes later MACs without `k` is caught by
//! [`verify`]; a cut-off tail is caught against an exported [`Checkpoint`].
//!
//! Entries hold codes, field names, actions and purposes, never a field value.
//! [`AuditLog::record`] returns only once the entry is durable; concurrent records share
//! one store transaction (group commit). If the store cannot be written, every waiting
//! request gets an error and nothing is acknowledged (fail closed).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sekretess_crypto::Key32;
use sekretess_crypto::kdf::{self, labels};
use sekretess_crypto::mac::{self, MacKey};

use crate::clock::Clock;
use crate::coalesce::Coalescer;
use crate::error::StoreError;

mod action;
mod epochs;
mod writer;

pub use action::Action;
pub use epochs::{AuditKeyring, verify, verify_epochs};
pub(crate) use writer::writer_runtime;
pub use writer::{ControlRows, audit_rounds};
use writer::{Events, Writer, stopped};

pub const GENESIS_MAC: [u8; 32] = [0u8; 32];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Denied,
    Failed,
    /// A write on record before it is made (fail closed), whose outcome is not known yet:
    /// a later [`commit_marker`] entry resolves it. An attempt without one claims nothing
    /// (e.g. the process died between the entry and the write).
    Attempted,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
            Outcome::Attempted => "attempted",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "success" => Some(Outcome::Success),
            "denied" => Some(Outcome::Denied),
            "failed" => Some(Outcome::Failed),
            "attempted" => Some(Outcome::Attempted),
            _ => None,
        }
    }
}

/// The suffix of a commit marker's action: `customer.create` -> `customer.create.commit`.
pub const COMMIT_SUFFIX: &str = ".commit";
/// How a commit marker names the attempts it resolves: `attempt-seq:<first>-<last>`.
pub const ATTEMPT_SEQ_PREFIX: &str = "attempt-seq:";

/// The entry that resolves the attempts recorded at sequence numbers `first..=last` (one
/// entry however many: a batch of 10,000 creations costs one marker). Its outcome says
/// what happened: `Success` (committed) or `Failed` (not written). It names the
/// attempt's actor, group and request; the customer only when it resolves one attempt.
pub fn commit_marker(attempt: &Event, first: u64, last: u64) -> Event {
    Event {
        actor: attempt.actor.clone(),
        action: format!("{}{COMMIT_SUFFIX}", attempt.action),
        group: attempt.group.clone(),
        customer: if first == last { attempt.customer.clone() } else { None },
        fields: vec![format!("{ATTEMPT_SEQ_PREFIX}{first}-{last}")],
        purpose: None,
        request_id: attempt.request_id.clone(),
        origin: attempt.origin.clone(),
    }
}

/// The attempts a commit marker resolves, from its fields (`None` if it names none).
pub fn marker_range(fields: &[String]) -> Option<(u64, u64)> {
    let range = fields.iter().find_map(|f| f.strip_prefix(ATTEMPT_SEQ_PREFIX))?;
    let (first, last) = range.split_once('-')?;
    Some((first.parse().ok()?, last.parse().ok()?))
}

/// What one request left in the audit log, followed across the calls it makes: the
/// server runs each customer-data request inside [`with_trail`], and after a failure
/// writes one entry for it unless the request already has one ([`Trail::recorded`]).
/// The vault notes the group and customer it resolved, so that entry can name them.
#[derive(Debug, Default)]
pub struct Trail {
    recorded: std::sync::atomic::AtomicBool,
    target: Mutex<(Option<String>, Option<String>)>,
}

impl Trail {
    /// Whether an entry was written for this request.
    pub fn recorded(&self) -> bool {
        self.recorded.load(Ordering::Relaxed)
    }

    /// The group and customer code noted, if any.
    pub fn target(&self) -> (Option<String>, Option<String>) {
        self.target.lock().map(|t| t.clone()).unwrap_or_default()
    }
}

tokio::task_local! {
    static TRAIL: Arc<Trail>;
}

/// Runs `f` with `trail` following what it records.
pub async fn with_trail<F: Future>(trail: Arc<Trail>, f: F) -> F::Output {
    TRAIL.scope(trail, f).await
}

/// The group names and codes noted are caller input before they are resolved: at most
/// this many characters are kept.
const NOTE_MAX: usize = 64;

/// Notes the group (name) a request acts on, if a [`Trail`] follows it.
pub fn note_group(group: &str) {
    let _ = TRAIL.try_with(|t| {
        if let Ok(mut target) = t.target.lock() {
            target.0 = Some(group.chars().take(NOTE_MAX).collect());
        }
    });
}

/// Notes the customer (compact code) a request acts on, if a [`Trail`] follows it.
pub fn note_customer(code: &str) {
    let _ = TRAIL.try_with(|t| {
        if let Ok(mut target) = t.target.lock() {
            target.1 = Some(code.chars().take(NOTE_MAX).collect());
        }
    });
}

/// Notes that an entry of the request is durable (done by [`AuditLog::record_all`]; by
/// hand where the record ran on another task).
pub fn note_recorded() {
    let _ = TRAIL.try_with(|t| t.recorded.store(true, Ordering::Relaxed));
}

/// Who acts, for the audit log: set once per request by the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditContext {
    /// `employee:<id>`, `apikey:<id>`, `system`.
    pub actor: String,
    pub request_id: Option<String>,
    pub origin: Option<String>,
}

impl AuditContext {
    pub fn system() -> Self {
        AuditContext { actor: "system".into(), ..Default::default() }
    }

    /// An event of this caller.
    pub fn event(&self, action: &str) -> Event {
        Event {
            actor: self.actor.clone(),
            action: action.to_owned(),
            request_id: self.request_id.clone(),
            origin: self.origin.clone(),
            ..Default::default()
        }
    }
}

/// What happened, before it gets a sequence number, a time and a MAC.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// `employee:<id>`, `apikey:<id>`, `system`.
    pub actor: String,
    /// e.g. `customer.read`, `vault.unseal`.
    pub action: String,
    pub group: Option<String>,
    pub customer: Option<String>,
    pub fields: Vec<String>,
    pub purpose: Option<String>,
    pub request_id: Option<String>,
    pub origin: Option<String>,
}

/// A durable audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: u64,
    pub time: i64,
    pub actor: String,
    pub action: String,
    pub group: Option<String>,
    pub customer: Option<String>,
    pub fields: Vec<String>,
    pub purpose: Option<String>,
    pub outcome: Outcome,
    pub request_id: Option<String>,
    pub origin: Option<String>,
    pub mac: [u8; 32],
}

/// Escapes control characters (and the backslash) in user-supplied text, so a purpose or
/// a group name can never start a new line or a terminal sequence in any export.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn put(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    buf.extend_from_slice(bytes);
}

fn put_opt(buf: &mut Vec<u8>, v: &Option<String>) {
    match v {
        None => buf.push(0),
        Some(s) => {
            buf.push(1);
            put(buf, s.as_bytes());
        }
    }
}

impl Entry {
    /// Unambiguous byte encoding of everything but the MAC (length-prefixed fields).
    pub fn canonical(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(128);
        b.extend_from_slice(b"sekretess/v1/audit\0");
        b.extend_from_slice(&self.seq.to_be_bytes());
        b.extend_from_slice(&self.time.to_be_bytes());
        put(&mut b, self.actor.as_bytes());
        put(&mut b, self.action.as_bytes());
        put_opt(&mut b, &self.group);
        put_opt(&mut b, &self.customer);
        b.extend_from_slice(&(self.fields.len() as u32).to_be_bytes());
        for f in &self.fields {
            put(&mut b, f.as_bytes());
        }
        put_opt(&mut b, &self.purpose);
        put(&mut b, self.outcome.as_str().as_bytes());
        put_opt(&mut b, &self.request_id);
        put_opt(&mut b, &self.origin);
        b
    }

    fn chain_mac(&self, key: &AuditKey, prev: &[u8; 32]) -> [u8; 32] {
        key.mac.sign(&[prev, &self.canonical()])
    }
}

/// An audit MAC key (of one epoch). The first is derived from the root key, later ones are
/// random and kept sealed in the control store; exportable to auditors for verification.
#[derive(Clone, Debug)]
pub struct AuditKey {
    key: Key32,
    /// `key`, set up for the many MACs of the chain.
    mac: MacKey,
}

impl AuditKey {
    pub fn derive(root: &Key32) -> Result<Self, sekretess_crypto::CryptoError> {
        Ok(AuditKey::from_key(kdf::derive_key(root, labels::AUDIT_MAC, b"")?))
    }
    /// The key is moved into a locked page (see [`Key32::into_locked`]): an audit key
    /// lives as long as the vault is unsealed.
    pub fn from_key(key: Key32) -> Self {
        let key = key.into_locked();
        AuditKey { mac: MacKey::new(&key), key }
    }
    pub fn expose(&self) -> &Key32 {
        &self.key
    }

    /// Text form for a key file handed to auditors: `sekretess-audit-key-v1:<64 hex>`.
    /// Whoever holds it can verify the chain, and could also forge one: keep it as
    /// guarded as the backups.
    pub fn to_text(&self) -> zeroize::Zeroizing<String> {
        // Written into one buffer of the final size: no partial copy is left behind.
        let mut text = zeroize::Zeroizing::new(String::with_capacity(KEY_PREFIX.len() + 64));
        text.push_str(KEY_PREFIX);
        for b in self.key.expose() {
            text.push(char::from(HEX_DIGITS[usize::from(b >> 4)]));
            text.push(char::from(HEX_DIGITS[usize::from(b & 0x0f)]));
        }
        text
    }

    pub fn parse_text(text: &str) -> Option<Self> {
        let digits = text.trim().strip_prefix(KEY_PREFIX)?;
        if digits.len() != 64 || !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(digits.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Key32::from_slice(&bytes[..]).ok().map(AuditKey::from_key)
    }
}

const KEY_PREFIX: &str = "sekretess-audit-key-v1:";
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";
const CHECKPOINT_PREFIX: &str = "sekretess-audit-checkpoint-v1";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// An exported chain head: kept outside the vault, it proves the tail was not cut off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: u64,
    pub mac: [u8; 32],
    pub time: i64,
    /// HMAC over (seq, mac, time) under the audit key: the checkpoint itself is authentic.
    pub tag: [u8; 32],
}

impl Checkpoint {
    /// What the tag covers.
    fn message(seq: u64, mac_: &[u8; 32], time: i64) -> Vec<u8> {
        let mut msg = b"sekretess/v1/audit-checkpoint\0".to_vec();
        msg.extend_from_slice(&seq.to_be_bytes());
        msg.extend_from_slice(mac_);
        msg.extend_from_slice(&time.to_be_bytes());
        msg
    }

    fn tag_for(key: &AuditKey, seq: u64, mac_: &[u8; 32], time: i64) -> [u8; 32] {
        key.mac.sign(&[&Self::message(seq, mac_, time)])
    }

    pub fn new(key: &AuditKey, seq: u64, mac_: [u8; 32], time: i64) -> Self {
        Checkpoint { seq, mac: mac_, time, tag: Self::tag_for(key, seq, &mac_, time) }
    }

    /// One line: `sekretess-audit-checkpoint-v1 seq=… time=… mac=… tag=…`.
    pub fn to_text(&self) -> String {
        format!(
            "{CHECKPOINT_PREFIX} seq={} time={} mac={} tag={}",
            self.seq,
            self.time,
            hex(&self.mac),
            hex(&self.tag)
        )
    }

    pub fn parse_text(text: &str) -> Option<Self> {
        let mut parts = text.split_whitespace();
        if parts.next()? != CHECKPOINT_PREFIX {
            return None;
        }
        let (mut seq, mut time, mut mac_, mut tag) = (None, None, None, None);
        for part in parts {
            let (k, v) = part.split_once('=')?;
            match k {
                "seq" => seq = v.parse().ok(),
                "time" => time = v.parse().ok(),
                "mac" => mac_ = unhex(v)?.try_into().ok(),
                "tag" => tag = unhex(v)?.try_into().ok(),
                _ => return None,
            }
        }
        Some(Checkpoint { seq: seq?, time: time?, mac: mac_?, tag: tag? })
    }

    pub fn is_authentic(&self, key: &AuditKey) -> bool {
        mac::hmac_sha256_verify(key.key.expose(), &Self::message(self.seq, &self.mac, self.time), &self.tag)
            .is_ok()
    }
}

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The chain is intact from 1 to `head` (and reaches the checkpoint, if one was given).
    Intact { head: u64 },
    /// The first entry that does not verify (edited, inserted, swapped, or missing).
    BrokenAt { seq: u64, reason: &'static str },
    /// The log ends before the checkpoint, or differs from it: entries were cut off.
    Truncated { head: u64, checkpoint: u64 },
    /// The checkpoint was not made with this vault's audit key.
    ForeignCheckpoint,
}

/// Storage for the audit log (in the control database).
pub trait AuditStore: Send + Sync + 'static {
    /// The newest entry's (seq, mac), if any.
    fn audit_head(&self) -> impl Future<Output = Result<Option<(u64, [u8; 32])>, StoreError>> + Send;
    /// Appends entries in one durable transaction, only if the head is still `prev_seq`
    /// (0 for an empty log); otherwise `Conflict` and nothing is written.
    fn audit_append(
        &self,
        prev_seq: u64,
        entries: &[Entry],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// [`AuditStore::audit_append`], and `rows` in the same durable transaction: all or
    /// nothing. A code already in the directory fails the whole append with an error that
    /// is not `Conflict` (which means "the head moved"). Stores that cannot do this say so
    /// with [`AuditStore::appends_control_rows`]; their default refuses any row.
    fn audit_append_with(
        &self,
        prev_seq: u64,
        entries: &[Entry],
        rows: &ControlRows,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async move {
            if rows.is_empty() {
                self.audit_append(prev_seq, entries).await
            } else {
                Err(StoreError::Unavailable("this store writes no control rows with the audit log".into()))
            }
        }
    }
    /// Whether [`AuditStore::audit_append_with`] writes control rows (otherwise callers
    /// write them on their own, in transactions of their own).
    fn appends_control_rows(&self) -> bool {
        false
    }
    /// Entries with `seq >= from`, in order, at most `limit`.
    fn audit_read(
        &self,
        from: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Entry>, StoreError>> + Send;
    /// Entries naming `customer` (a canonical code) with `seq >= from`, in order, at most
    /// `limit` (the subject access export). Backends answer it from an index; this default
    /// reads the whole log.
    fn audit_of_customer(
        &self,
        customer: &str,
        from: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Entry>, StoreError>> + Send {
        async move {
            let mut out = Vec::new();
            let mut next = from;
            loop {
                let page = self.audit_read(next, 1000).await?;
                let Some(last) = page.last().map(|e| e.seq) else { return Ok(out) };
                out.extend(page.into_iter().filter(|e| e.customer.as_deref() == Some(customer)));
                if out.len() >= limit {
                    out.truncate(limit);
                    return Ok(out);
                }
                next = last.saturating_add(1);
            }
        }
    }
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuditError {
    /// The entry could not be made durable; the operation it records must not proceed.
    #[error("the audit log cannot be written: {0}")]
    Unavailable(StoreError),
}

/// The audit log of an unsealed vault.
pub struct AuditLog<A: AuditStore> {
    writer: Arc<Writer<A>>,
    /// Group commit: concurrent records share one store write; one round at a time, so
    /// the chain is written in order.
    rounds: Coalescer<writer::Request, Result<Vec<u64>, AuditError>>,
}

impl<A: AuditStore> AuditLog<A> {
    /// `failures` counts writes that failed; the caller keeps it across seal and unseal.
    pub fn new(store: A, key: AuditKey, clock: Arc<dyn Clock>, failures: Arc<AtomicU64>) -> Self {
        Self::with_keyring(store, AuditKeyring::single(key), clock, failures)
    }

    /// An audit log whose chain went through the epochs of `keys` (see [`AuditKeyring`]).
    pub fn with_keyring(
        store: A,
        keys: AuditKeyring,
        clock: Arc<dyn Clock>,
        failures: Arc<AtomicU64>,
    ) -> Self {
        AuditLog {
            writer: Arc::new(Writer {
                store,
                keys: Mutex::new(keys),
                next: Mutex::new(None),
                clock,
                head: Mutex::new(None),
                failures,
                deferred: Mutex::new(Vec::new()),
            }),
            rounds: Coalescer::new(1, usize::MAX).on_runtime(writer_runtime()),
        }
    }

    pub fn store(&self) -> &A {
        &self.writer.store
    }

    /// The key the chain is written under now.
    pub fn key(&self) -> Arc<AuditKey> {
        self.writer.current_key()
    }

    /// The keys of every epoch, oldest first.
    pub fn keyring(&self) -> AuditKeyring {
        self.writer.keys.lock().map(|k| k.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Moves the chain to a new key: records `event` (its action must be
    /// `audit.key_rotate`; its purpose is set to name the epoch) under the current key, and
    /// every entry after it under `key`, the key of `epoch` (which must be stored before,
    /// so that verification can find it). Returns the entry's sequence number.
    pub async fn rotate_key(&self, mut event: Event, epoch: u32, key: AuditKey) -> Result<u64, AuditError> {
        event.action = Action::AuditKeyRotate.as_str().to_owned();
        event.purpose = Some(epochs::epoch_purpose(epoch));
        if let Ok(mut next) = self.writer.next.lock() {
            *next = Some((epoch, Arc::new(key)));
        }
        let recorded = self.record(event, Outcome::Success).await;
        if let Ok(mut next) = self.writer.next.lock() {
            *next = None; // taken up by the round, or given up with it
        }
        recorded
    }

    /// Records one event and waits until it is durable. Returns its sequence number.
    pub async fn record(&self, event: Event, outcome: Outcome) -> Result<u64, AuditError> {
        let mut seqs = self.record_all(vec![(event, outcome)]).await?;
        seqs.pop().ok_or_else(stopped)
    }

    /// Records events (they may share a transaction with other callers') and waits until
    /// all are durable. Fails as a whole: then none is acknowledged.
    pub async fn record_all(&self, events: Events) -> Result<Vec<u64>, AuditError> {
        self.record_all_with(events, ControlRows::default()).await
    }

    /// [`AuditLog::record_all`], with control rows written in the same transaction (only
    /// if the store [appends control rows](AuditStore::appends_control_rows), and only
    /// with at least one event).
    pub async fn record_all_with(&self, events: Events, rows: ControlRows) -> Result<Vec<u64>, AuditError> {
        if !rows.is_empty() && (events.is_empty() || !self.writer.store.appends_control_rows()) {
            return Err(AuditError::Unavailable(StoreError::Unavailable(
                "control rows need events and a store that writes them".into(),
            )));
        }
        let writer = Arc::clone(&self.writer);
        let seqs = self
            .rounds
            .call((events, rows), move |requests| {
                let writer = Arc::clone(&writer);
                async move { writer.round(requests).await }
            })
            .await
            .unwrap_or_else(|| Err(stopped()))?;
        note_recorded();
        Ok(seqs)
    }

    /// Puts an event on record with the next round, ahead of every event recorded after
    /// this call, without waiting for it: for commit markers on the hot path (a batch's
    /// marker rides along with the next batch's attempts). Not durable until a round
    /// runs ([`AuditLog::flush`]); lost if that round fails or the process dies first.
    pub fn defer(&self, event: Event, outcome: Outcome) {
        if let Ok(mut deferred) = self.writer.deferred.lock() {
            deferred.push((event, outcome));
        }
    }

    /// Runs a round if events wait ([`AuditLog::defer`]), and waits until they are durable.
    pub async fn flush(&self) -> Result<(), AuditError> {
        self.record_all(Vec::new()).await.map(drop)
    }

    /// Resolves the attempts at `first..=last` (recorded for `attempt`) with `outcome`.
    pub async fn resolve(
        &self,
        attempt: &Event,
        (first, last): (u64, u64),
        outcome: Outcome,
    ) -> Result<u64, AuditError> {
        self.record(commit_marker(attempt, first, last), outcome).await
    }
}

impl<A: AuditStore> AuditLog<A> {
    /// A signed checkpoint of the current head, to keep outside the vault.
    pub async fn checkpoint(&self) -> Result<Checkpoint, StoreError> {
        let w = &self.writer;
        let (seq, mac_) = w.store.audit_head().await?.unwrap_or((0, GENESIS_MAC));
        Ok(Checkpoint::new(&w.current_key(), seq, mac_, w.clock.now()))
    }

    pub async fn verify(&self, checkpoint: Option<&Checkpoint>) -> Result<Verdict, StoreError> {
        verify_epochs(&self.writer.store, &self.keyring(), checkpoint).await
    }
}

#[cfg(test)]
mod tests;
