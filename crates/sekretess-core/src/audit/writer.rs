//! The audit log's writer: group commit of concurrent records into one store write per
//! round, chained in order, with the control-store rows that must become durable together
//! with their entries ([`ControlRows`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::{
    AuditError, AuditKey, AuditKeyring, AuditStore, Entry, Event, GENESIS_MAC, Outcome, epochs, escape_text,
};
use crate::clock::Clock;
use crate::error::StoreError;

/// Control-store rows written in the same transaction as a round of audit entries, so they
/// are durable exactly when the entries are: the new customer codes of single creates
/// (directory) and the erasure journal entries of single erasures, recorded with the
/// attempts of the writes they belong to (`vault/commit.rs`). One commit for both, where
/// the attempt and then the directory row cost two.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControlRows {
    /// New customer codes (compact) and their group's id, for the directory.
    pub directory: Vec<(String, u32)>,
    /// Erased codes, their group's id and the time of the erasure, for the journal.
    pub erasures: Vec<(String, u32, i64)>,
}

impl ControlRows {
    pub fn is_empty(&self) -> bool {
        self.directory.is_empty() && self.erasures.is_empty()
    }

    fn append(&mut self, mut other: ControlRows) {
        self.directory.append(&mut other.directory);
        self.erasures.append(&mut other.erasures);
    }
}

/// Audit rounds written and the entries in them, since the process started.
static ROUNDS: (AtomicU64, AtomicU64) = (AtomicU64::new(0), AtomicU64::new(0));

/// Audit rounds (store writes) of this process and the entries in them: their ratio is the
/// mean group-commit size (for benchmarks and metrics).
pub fn audit_rounds() -> (u64, u64) {
    (ROUNDS.0.load(Ordering::Relaxed), ROUNDS.1.load(Ordering::Relaxed))
}

pub(super) fn stopped() -> AuditError {
    AuditError::Unavailable(StoreError::Unavailable("audit writer stopped".into()))
}

/// What a round of the writer needs; shared with the task that runs the round.
pub(super) struct Writer<A: AuditStore> {
    pub(super) store: A,
    /// Every epoch's key; the chain is written under the last.
    pub(super) keys: Mutex<AuditKeyring>,
    /// The next epoch's key, taken up right after the `audit.key_rotate` entry that names
    /// it ([`AuditLog::rotate_key`]).
    pub(super) next: Mutex<Option<(u32, Arc<AuditKey>)>>,
    pub(super) clock: Arc<dyn Clock>,
    /// The chain head as last written by this process (`None`: read it from the store).
    pub(super) head: Mutex<Option<(u64, [u8; 32])>>,
    pub(super) failures: Arc<AtomicU64>,
    /// Events put on record by the next round, ahead of that round's own ([`AuditLog::defer`]).
    pub(super) deferred: Mutex<Events>,
}

pub(super) type Events = Vec<(Event, Outcome)>;
/// One caller's part of a round: its events and the control rows written with them.
pub(super) type Request = (Events, ControlRows);

impl<A: AuditStore> Writer<A> {
    pub(super) fn current_key(&self) -> Arc<AuditKey> {
        self.keys.lock().map(|k| k.current()).unwrap_or_else(|p| p.into_inner().current())
    }

    /// Writes the events (and control rows) of every request in one store write; answers
    /// per request.
    pub(super) async fn round(&self, requests: Vec<Request>) -> Vec<Result<Vec<u64>, AuditError>> {
        let counts: Vec<usize> = requests.iter().map(|(events, _)| events.len()).collect();
        let deferred = self.deferred.lock().map(|mut d| std::mem::take(&mut *d)).unwrap_or_default();
        let skip = deferred.len();
        let mut rows = ControlRows::default();
        let mut entries: Vec<Entry> = deferred.into_iter().map(|(e, o)| unchained_entry(e, o)).collect();
        for (events, more) in requests {
            entries.extend(events.into_iter().map(|(e, o)| unchained_entry(e, o)));
            rows.append(more);
        }
        if entries.is_empty() {
            return counts.iter().map(|_| Ok(Vec::new())).collect();
        }
        let cached = self.head.lock().ok().and_then(|h| *h);
        match self.chain_and_write(&mut entries, &rows, cached).await {
            Ok(new_head) => {
                ROUNDS.0.fetch_add(1, Ordering::Relaxed);
                ROUNDS.1.fetch_add(entries.len() as u64, Ordering::Relaxed);
                if let Ok(mut head) = self.head.lock() {
                    *head = Some(new_head);
                }
                let mut seqs = entries.iter().skip(skip).map(|e| e.seq);
                counts.iter().map(|&n| Ok(seqs.by_ref().take(n).collect())).collect()
            }
            Err(e) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut head) = self.head.lock() {
                    *head = None; // reload from the store next time
                }
                counts.iter().map(|_| Err(AuditError::Unavailable(e.clone()))).collect()
            }
        }
    }

    /// Numbers, times and chains `entries` after the head, and appends them. Returns the
    /// new head.
    async fn chain_and_write(
        &self,
        entries: &mut [Entry],
        rows: &ControlRows,
        cached_head: Option<(u64, [u8; 32])>,
    ) -> Result<(u64, [u8; 32]), StoreError> {
        // Another process may append to a shared control database: on a conflict, reload
        // the head and chain again. A process that keeps appending on its cached head wins
        // most races against one that must reload first, so the loser needs many tries
        // under sustained load from several processes (10 were seen to run out).
        let mut head = cached_head;
        for _attempt in 0..200 {
            let (prev_seq, prev_mac) = match head {
                Some(h) => h,
                None => self.store.audit_head().await?.unwrap_or((0, GENESIS_MAC)),
            };
            let time = self.clock.now();
            let mut mac_ = prev_mac;
            let mut key = self.current_key();
            let next = self.next.lock().ok().and_then(|n| n.clone());
            let mut switched = None;
            for (i, entry) in entries.iter_mut().enumerate() {
                entry.seq = prev_seq + 1 + i as u64;
                entry.time = time;
                entry.mac = entry.chain_mac(&key, &mac_);
                mac_ = entry.mac;
                // The rotation entry is the last under the old key.
                if let Some((epoch, next_key)) = &next
                    && switched.is_none()
                    && epochs::is_rotation_to(entry, *epoch)
                {
                    key = Arc::clone(next_key);
                    switched = Some((*epoch, Arc::clone(next_key)));
                }
            }
            match self.store.audit_append_with(prev_seq, entries, rows).await {
                Ok(()) => {
                    if let Some((epoch, next_key)) = switched
                        && let Ok(mut keys) = self.keys.lock()
                    {
                        keys.push(epoch, next_key);
                    }
                    return Ok((prev_seq + entries.len() as u64, mac_));
                }
                Err(StoreError::Conflict { .. }) => head = None,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Unavailable("audit head kept moving".into()))
    }
}

/// An entry with its text escaped, not yet numbered or chained.
fn unchained_entry(e: Event, outcome: Outcome) -> Entry {
    let opt = |s: Option<String>| s.map(escaped);
    Entry {
        seq: 0,
        time: 0,
        actor: escaped(e.actor),
        action: escaped(e.action),
        group: opt(e.group),
        customer: opt(e.customer),
        fields: e.fields.into_iter().map(escaped).collect(),
        purpose: opt(e.purpose),
        outcome,
        request_id: opt(e.request_id),
        origin: opt(e.origin),
        mac: [0; 32],
    }
}

/// [`escape_text`], keeping the string when there is nothing to escape (the usual case).
fn escaped(s: String) -> String {
    if s.chars().any(|c| c == '\\' || c.is_control()) { escape_text(&s) } else { s }
}

/// A runtime on a thread of its own for the audit writer's rounds (and the single-write
/// rounds, which wait on them: see `vault/commit.rs`), started once per process. Every request waits for a round's commit; on the server's runtime the round
/// task queued behind request tasks between its store calls (measured in docs/benchmarks.md,
/// Audit cost). `None` if the thread cannot be started: rounds then run where their callers do.
pub(crate) fn writer_runtime() -> Option<tokio::runtime::Handle> {
    static RUNTIME: std::sync::OnceLock<Option<tokio::runtime::Handle>> = std::sync::OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            let (handle_tx, handle_rx) = std::sync::mpsc::channel();
            std::thread::Builder::new()
                .name("sekretess-audit".into())
                .spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build()
                    else {
                        return;
                    };
                    if handle_tx.send(runtime.handle().clone()).is_ok() {
                        runtime.block_on(std::future::pending::<()>());
                    }
                })
                .ok()?;
            handle_rx.recv().ok()
        })
        .clone()
}
