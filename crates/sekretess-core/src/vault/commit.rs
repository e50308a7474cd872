//! Group commit of single writes (issue 22): concurrent creates, updates and erasures of
//! one group that arrive while a round is being written share the next round, so `n` of
//! them cost one control-store commit for their attempts together with their new codes
//! (directory) and erasures (journal) ([`ControlRows`]), one group-store commit (one
//! transaction each on PostgreSQL), and after updates one audit commit for the markers and
//! one for the directory's versions, not `n` of each. Two rounds overlap: one's control
//! commit with the previous one's group commit ([`WRITE_ROUNDS`]).
//!
//! Each request validates and encrypts its own customer on its own task (so a validation
//! error never enters a round), holding the customer's lock for an update or erasure, then
//! queues the sealed record (or the code to erase) and its audit event in the group's
//! [`Coalescer`]. A round keeps the fail-closed order: every attempt is on record, every new
//! code in the directory and every erasure in the journal, before anything is written to
//! the group. Outcomes stay per request: an update whose row changed answers alone; if the
//! round's write breaks a uniqueness rule, its writes are done one by one, so the one that
//! conflicts answers its own 409 and the others succeed.

use super::*;
use crate::audit::ControlRows;
use crate::coalesce::Intake;

/// What a single write does to the group's store.
pub(super) enum WriteOp {
    /// A new record; its code goes into the directory first.
    Create(CustomerWrite),
    /// A new version of a record, written only if its row is still at version `from`.
    Update { write: CustomerWrite, from: u64 },
    /// Crypto-shredding of a record (and its tokens), journaled first at time `at`.
    Erase { code: String, at: i64 },
}

/// A single write waiting for its round: its audit event and what it writes.
pub(super) struct SingleWrite {
    pub(super) event: Event,
    pub(super) op: WriteOp,
}

/// A round's answer to one write: its outcome, and whether its attempt is on record (then
/// the outcome is too, as a commit marker, or the next unseal resolves it).
pub(super) type WriteAnswer = (Result<(), VaultError>, bool);

/// Single-write rounds running at once per group, in two stages: a round's audit commit
/// (attempts, new codes, erasures: the control store) overlaps the previous round's group
/// commit (the group's store). Its intake ([`Coalescer::staged`]) keeps a round from
/// starting while the previous one is still in its first stage, so requests accumulate
/// into the next round instead of each starting one; the group's `write_stage` lock keeps
/// two rounds from writing the group's store at once. And writes per round.
pub(super) const WRITE_ROUNDS: usize = 2;
pub(super) const WRITES_PER_ROUND: usize = 512;

/// Rounds of single writes written and the writes in them, since the process started.
static ROUNDS: (AtomicU64, AtomicU64) = (AtomicU64::new(0), AtomicU64::new(0));

/// Rounds of single writes (creates, updates, erasures) written by this process, and the
/// writes in them: their ratio is the mean round size (for benchmarks and metrics).
pub fn single_write_rounds() -> (u64, u64) {
    (ROUNDS.0.load(Ordering::Relaxed), ROUNDS.1.load(Ordering::Relaxed))
}

/// A group's queue of single writes. Its rounds run on the audit writer's thread: a round
/// spends its time waiting for the audit round it starts (on that thread too, so no
/// thread hand-off between the two) and for the stores, and on the server's runtime it
/// would queue behind request tasks between its store calls (measured in
/// docs/benchmarks.md, "Fewer hand-offs").
pub(super) fn write_rounds() -> Coalescer<SingleWrite, WriteAnswer> {
    Coalescer::new(WRITE_ROUNDS, WRITES_PER_ROUND).staged().on_runtime(crate::audit::writer_runtime())
}

/// The same queue with rounds on the callers' runtime, as before (for the comparison).
pub(super) fn write_rounds_here() -> Coalescer<SingleWrite, WriteAnswer> {
    Coalescer::new(WRITE_ROUNDS, WRITES_PER_ROUND).staged()
}

impl<S: Store> Vault<S> {
    /// Creates one customer in `group`, in a round shared with the group's other single
    /// writes in flight.
    pub async fn create_customer(
        &self,
        ctx: &AuditContext,
        group: &str,
        fields: &[(String, String)],
    ) -> Result<CustomerCode, VaultError> {
        let _gate = self.write_gate.read().await;
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        Self::usable(&g)?;
        let code = CustomerCode::generate()?;
        let shape = g.shape()?;
        let prepared = self.prepare(&g, &shape, code.compact(), fields, &[])?;
        let now = self.clock.now();
        // Held until the round is written: its KEK version is not retired meanwhile.
        let (kek, _writing) = self.kek_for_write(&g, 1).await?;
        let dek = Key32::generate()?;
        let write = Self::encrypt(&g, &kek, &code, &prepared, &dek, (now, now), FIRST_RECORD_VERSION)?;
        let mut event = ctx.event(Action::CustomerCreate.as_str());
        event.group = Some(g.row.name.clone());
        event.customer = Some(code.compact().to_owned());
        event.fields = fields.iter().map(|(name, _)| name.clone()).collect();
        event.fields.sort_unstable();
        self.write_shared(&u, &g, SingleWrite { event, op: WriteOp::Create(write) }).await.map(|()| code)
    }

    /// Runs single-write rounds on the callers' runtime (`true`) instead of the audit
    /// writer's thread (`false`, the default): only for benchmarks that measure the
    /// difference side by side (`bench/server --bin writes`). Takes effect for the next
    /// writes; writes in flight finish where they are.
    pub fn set_write_rounds_here(&self, here: bool) {
        self.write_rounds_here.store(here, Ordering::Relaxed);
    }

    /// Queues one write in `g`'s next round and waits for its answer.
    pub(super) async fn write_shared(
        &self,
        u: &Arc<Unsealed<S>>,
        g: &Arc<OpenGroup<S::Group>>,
        write: SingleWrite,
    ) -> Result<(), VaultError> {
        let (round_u, control, group) = (Arc::clone(u), self.store.clone(), Arc::clone(g));
        let queue = if self.write_rounds_here.load(Ordering::Relaxed) {
            &g.single_writes_here
        } else {
            &g.single_writes
        };
        let (outcome, recorded) = queue
            .call_staged(write, move |reqs, intake| {
                let (u, control, g) = (Arc::clone(&round_u), control.clone(), Arc::clone(&group));
                async move { write_round(&u, &control, &g, reqs, intake).await }
            })
            .await
            .ok_or(VaultError::Internal("write round ended without an answer"))?;
        if recorded {
            crate::audit::note_recorded(); // on record from the round's task
        }
        outcome
    }
}

/// A store error as a write's answer: a broken uniqueness rule names its field.
fn refused(e: StoreError) -> VaultError {
    match e {
        StoreError::Conflict { what } => VaultError::Duplicate { field: what },
        other => other.into(),
    }
}

/// An update whose row changed since it was read (another process wrote it).
fn changed() -> VaultError {
    StoreError::Unavailable("the customer changed during the update; try again".into()).into()
}

/// A round's writes by kind, each with the slots (places in the round) of its requests.
#[derive(Default)]
struct Round {
    creates: Vec<CustomerWrite>,
    create_slots: Vec<usize>,
    updates: Vec<(CustomerWrite, u64)>,
    update_slots: Vec<usize>,
    erases: Vec<String>,
    erase_slots: Vec<usize>,
    /// When the round's erasures are journaled (the first one's time).
    erased_at: Option<i64>,
}

impl Round {
    fn of(ops: Vec<WriteOp>) -> Self {
        let mut r = Round::default();
        for (slot, op) in ops.into_iter().enumerate() {
            match op {
                WriteOp::Create(w) => {
                    r.creates.push(w);
                    r.create_slots.push(slot);
                }
                WriteOp::Update { write, from } => {
                    r.updates.push((write, from));
                    r.update_slots.push(slot);
                }
                WriteOp::Erase { code, at } => {
                    r.erases.push(code);
                    r.erase_slots.push(slot);
                    r.erased_at.get_or_insert(at);
                }
            }
        }
        r
    }
}

/// Writes one round of single writes; answers each in order.
async fn write_round<S: Store>(
    u: &Arc<Unsealed<S>>,
    control: &S,
    g: &OpenGroup<S::Group>,
    reqs: Vec<SingleWrite>,
    mut intake: Intake,
) -> Vec<WriteAnswer> {
    let n = reqs.len();
    ROUNDS.0.fetch_add(1, Ordering::Relaxed);
    ROUNDS.1.fetch_add(n as u64, Ordering::Relaxed);
    let (events, ops): (Vec<Event>, Vec<WriteOp>) = reqs.into_iter().map(|r| (r.event, r.op)).unzip();
    let all = |e: VaultError, recorded: bool| (0..n).map(|_| (Err(e.clone()), recorded)).collect::<Vec<_>>();
    let mut round = Round::of(ops);
    let codes: Vec<String> = round.creates.iter().map(|w| w.record.code.clone()).collect();
    // Fail closed: every attempt on record first, and with them (one commit, where the
    // store can: `ControlRows`) the new codes in the directory and the erasures in the
    // journal. A code collision across 55 random bits is astronomically rare; it fails the
    // round rather than loop.
    let fold = control.appends_control_rows();
    let rows = match fold {
        true => ControlRows {
            directory: codes.iter().map(|c| (c.clone(), g.row.id)).collect(),
            erasures: round
                .erased_at
                .map_or_else(Vec::new, |at| round.erases.iter().map(|c| (c.clone(), g.row.id, at)).collect()),
        },
        false => ControlRows::default(),
    };
    let attempts = events.iter().map(|e| (e.clone(), Outcome::Attempted)).collect();
    let seqs = match u.audit.record_all_with(attempts, rows).await {
        Ok(seqs) if seqs.len() == n => seqs,
        Ok(_) => return all(VaultError::Internal("audit round answered the wrong count"), false),
        Err(e) => return all(e.into(), false),
    };
    let mut outcomes: Vec<Option<Result<(), VaultError>>> = (0..n).map(|_| None).collect();
    if !fold {
        control_rows_apart(control, g, &codes, &mut round, &mut outcomes).await;
    }
    // The next round may take what queued meanwhile and put it on record while this one
    // writes the group (its attempts need not wait for this round's rows).
    intake.release();
    {
        let _stage = g.write_stage.lock().await;
        write_group(g, &round, &mut outcomes).await;
    }
    let outcomes: Vec<Result<(), VaultError>> = outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Err(VaultError::Internal("a write was left out"))))
        .collect();
    let written: Vec<bool> = outcomes.iter().map(Result::is_ok).collect();
    let marks = markers(&events, &seqs, &written);
    if written.iter().all(|&w| w) && round.updates.is_empty() && round.erases.is_empty() {
        // Creates only: the markers go with the next round's attempts (or, if no write
        // waits for a next round, a flush started here), so no caller waits for their
        // commit. If they are lost, the creations claim no outcome until the next unseal
        // resolves them from the store ([`Vault::resolve_attempts`]).
        for (marker, outcome) in marks {
            u.audit.defer(marker, outcome);
        }
        if g.single_writes.waiting() + g.single_writes_here.waiting() == 0 {
            let flushing = Arc::clone(u);
            tokio::spawn(async move { flushing.audit.flush().await });
        }
        return outcomes.into_iter().map(|o| (o, true)).collect();
    }
    // Row first, then its version in the directory: a crash in between leaves the row one
    // version ahead, which reads accept and repair (see `open_record`); the other order
    // would leave a committed row older than the directory, unreadable.
    let raised: Vec<(String, u64)> = round
        .updates
        .iter()
        .zip(&round.update_slots)
        .filter(|(_, slot)| written[**slot])
        .map(|((w, _), _)| (w.record.code.clone(), w.record.version))
        .collect();
    // The markers are best effort: without one an attempt claims no outcome.
    let (_, raising) = tokio::join!(u.audit.record_all(marks), control.directory_set_versions(&raised));
    let refused_codes: Vec<String> = codes
        .iter()
        .zip(&round.create_slots)
        .filter(|(_, slot)| !written[**slot])
        .map(|(c, _)| c.clone())
        .collect();
    if !refused_codes.is_empty() {
        // Best effort: a directory row without a record reads as not found.
        let _ = control.directory_remove(&refused_codes).await;
    }
    let mut outcomes = outcomes;
    if let Err(e) = raising {
        for &slot in round.update_slots.iter().filter(|&&slot| written[slot]) {
            outcomes[slot] = Err(e.clone().into());
        }
    }
    outcomes.into_iter().map(|o| (o, true)).collect()
}

/// Writes a round's new codes to the directory and its erasures to the journal, each in a
/// transaction of its own, for stores that cannot write them with the audit entries. A
/// write whose row fails is answered with the error and left out of the round.
async fn control_rows_apart<S: Store>(
    control: &S,
    g: &OpenGroup<S::Group>,
    codes: &[String],
    round: &mut Round,
    outcomes: &mut [Option<Result<(), VaultError>>],
) {
    if !codes.is_empty()
        && let Err(e) = control.directory_insert(codes, g.row.id).await
    {
        let e: VaultError = e.into();
        for &slot in &round.create_slots {
            outcomes[slot] = Some(Err(e.clone()));
        }
        round.creates.clear();
        round.create_slots.clear();
    }
    if let Some(at) = round.erased_at
        && let Err(e) = control.record_erasures(&round.erases, g.row.id, at).await
    {
        let e: VaultError = e.into();
        for &slot in &round.erase_slots {
            outcomes[slot] = Some(Err(e.clone()));
        }
        round.erases.clear();
        round.erase_slots.clear();
    }
}

/// Writes the round's writes (those still in `round`) to the group's store in one
/// transaction; after a broken uniqueness rule, one by one (erasures first, as in the
/// shared transaction), to say which.
async fn write_group<G: GroupStore>(
    g: &OpenGroup<G>,
    round: &Round,
    outcomes: &mut [Option<Result<(), VaultError>>],
) {
    let Round { creates, create_slots, updates, update_slots, erases, erase_slots, .. } = round;
    if creates.is_empty() && updates.is_empty() && erases.is_empty() {
        return;
    }
    let slots = || erase_slots.iter().chain(create_slots).chain(update_slots);
    match g.store.write_round(creates, updates, erases).await {
        Ok(written) => {
            for &slot in slots() {
                outcomes[slot] = Some(Ok(()));
            }
            for (&slot, ok) in update_slots.iter().zip(written.into_iter().chain(std::iter::repeat(false))) {
                if !ok {
                    outcomes[slot] = Some(Err(changed()));
                }
            }
        }
        Err(StoreError::Conflict { .. }) => {
            for (code, &slot) in erases.iter().zip(erase_slots) {
                let one = g.store.write_round(&[], &[], std::slice::from_ref(code)).await;
                outcomes[slot] = Some(one.map(drop).map_err(refused));
            }
            // The others in the order they came (creates keep theirs among themselves).
            let mut rest: Vec<(usize, Option<&(CustomerWrite, u64)>)> = create_slots
                .iter()
                .map(|&slot| (slot, None))
                .chain(update_slots.iter().zip(updates).map(|(&slot, u)| (slot, Some(u))))
                .collect();
            rest.sort_by_key(|(slot, _)| *slot);
            let mut next_create = creates.iter();
            for (slot, which) in rest {
                let one = match which {
                    None => match next_create.next() {
                        Some(w) => g.store.write_round(std::slice::from_ref(w), &[], &[]).await.map(|_| true),
                        None => Err(StoreError::Unavailable("a create was left out".into())),
                    },
                    Some(update) => g
                        .store
                        .write_round(&[], std::slice::from_ref(update), &[])
                        .await
                        .map(|w| w.first().copied().unwrap_or(false)),
                };
                outcomes[slot] = Some(match one {
                    Ok(true) => Ok(()),
                    Ok(false) => Err(changed()),
                    Err(e) => Err(refused(e)),
                });
            }
        }
        Err(e) => {
            let e = refused(e);
            for &slot in slots() {
                outcomes[slot] = Some(Err(e.clone()));
            }
        }
    }
}

/// Commit markers for a round's attempts (`events` at `seqs`): one per run of consecutive
/// attempts of one action by one actor with one outcome (`written`). A marker over one attempt names its
/// customer and request; a marker over several names neither (each attempt does).
fn markers(events: &[Event], seqs: &[u64], written: &[bool]) -> Vec<(Event, Outcome)> {
    let mut out = Vec::new();
    let mut run: Option<(&Event, u64, u64, bool)> = None;
    let close = |(start, a, b, ok): (&Event, u64, u64, bool), out: &mut Vec<(Event, Outcome)>| {
        let mut marker = commit_marker(start, a, b);
        if a != b {
            marker.request_id = None;
        }
        out.push((marker, if ok { Outcome::Success } else { Outcome::Failed }));
    };
    for ((event, &seq), &ok) in events.iter().zip(seqs).zip(written) {
        run = match run.take() {
            Some((start, a, b, o))
                if b + 1 == seq && o == ok && start.actor == event.actor && start.action == event.action =>
            {
                Some((start, a, seq, o))
            }
            Some(done) => {
                close(done, &mut out);
                Some((event, seq, seq, ok))
            }
            None => Some((event, seq, seq, ok)),
        };
    }
    if let Some(done) = run {
        close(done, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(actor: &str, code: &str, request: &str) -> Event {
        Event {
            actor: actor.into(),
            action: "customer.create".into(),
            customer: Some(code.into()),
            request_id: Some(request.into()),
            ..Event::default()
        }
    }

    #[test]
    fn markers_split_by_actor_outcome_and_gaps() {
        let events =
            [event("a", "C1", "r1"), event("a", "C2", "r2"), event("a", "C3", "r3"), event("b", "C4", "r4")];
        // seqs 10, 11, 12 consecutive; 14 after a gap; C2 refused.
        let marks = markers(&events, &[10, 11, 12, 14], &[true, false, true, true]);
        let got: Vec<(String, Option<String>, Option<String>, Outcome)> =
            marks.into_iter().map(|(m, o)| (m.fields.join(","), m.customer, m.request_id, o)).collect();
        let one = |r: &str, c: &str, req: &str, o| {
            (format!("attempt-seq:{r}"), Some(c.into()), Some(req.into()), o)
        };
        assert_eq!(
            got,
            vec![
                one("10-10", "C1", "r1", Outcome::Success),
                one("11-11", "C2", "r2", Outcome::Failed),
                one("12-12", "C3", "r3", Outcome::Success),
                one("14-14", "C4", "r4", Outcome::Success),
            ]
        );
        // One actor, all written, consecutive: one marker naming neither customer nor request.
        let marks = markers(&events[..3], &[20, 21, 22], &[true, true, true]);
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].0.fields, vec!["attempt-seq:20-22".to_owned()]);
        assert_eq!((marks[0].0.customer.as_deref(), marks[0].0.request_id.as_deref()), (None, None));
        assert_eq!(marks[0].1, Outcome::Success);
    }
}
