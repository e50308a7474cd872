//! Group commit of single creates (issue 22): concurrent creates of one group that arrive
//! while a round is being written share the next round, so `n` of them cost one audit
//! commit, one directory commit and one group-store commit (one transaction each on
//! PostgreSQL), not `n` of each.
//!
//! Each request validates and encrypts its own customer on its own task (so a validation
//! error never enters a round), then queues the sealed record and its audit event in the
//! group's [`Coalescer`]. A round keeps the batch path's fail-closed order: every attempt is
//! on record, and every code in the directory, before anything is written to the group.
//! Outcomes stay per request: if the round's write breaks a uniqueness rule, its records are
//! written one by one, so the one that conflicts answers its own 409 and the others succeed.

use super::*;

/// A single create waiting for its round: its audit event and its sealed record.
pub(super) struct SingleCreate {
    event: Event,
    write: CustomerWrite,
}

/// A round's answer to one create: its outcome, and whether its attempt is on record (then
/// the outcome is too, as a commit marker, or the next unseal resolves it).
pub(super) type CreateAnswer = (Result<(), VaultError>, bool);

/// Single-create rounds running at once per group (one: two measured a lower creates/gets
/// ratio, 0.09 against 0.24, their writes contending for the control database's
/// connections), and creates per round.
pub(super) const CREATE_ROUNDS: usize = 1;
pub(super) const CREATES_PER_ROUND: usize = 512;

impl<S: Store> Vault<S> {
    /// Creates one customer in `group`, in a round shared with the group's other single
    /// creates in flight.
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
        let (round_u, control, group) = (Arc::clone(&u), self.store.clone(), Arc::clone(&g));
        let (outcome, recorded) = g
            .creates
            .call(SingleCreate { event, write }, move |reqs| {
                let (u, control, g) = (Arc::clone(&round_u), control.clone(), Arc::clone(&group));
                async move { create_round(&u, &control, &g, reqs).await }
            })
            .await
            .ok_or(VaultError::Internal("write round ended without an answer"))?;
        if recorded {
            crate::audit::note_recorded(); // on record from the round's task
        }
        outcome.map(|()| code)
    }
}

/// Writes one round of single creates; answers each in order.
async fn create_round<S: Store>(
    u: &Arc<Unsealed<S>>,
    control: &S,
    g: &OpenGroup<S::Group>,
    reqs: Vec<SingleCreate>,
) -> Vec<CreateAnswer> {
    let n = reqs.len();
    let (events, writes): (Vec<Event>, Vec<CustomerWrite>) =
        reqs.into_iter().map(|r| (r.event, r.write)).unzip();
    let all = |e: VaultError, recorded: bool| (0..n).map(|_| (Err(e.clone()), recorded)).collect::<Vec<_>>();
    // Fail closed: every attempt on record first.
    let attempts = events.iter().map(|e| (e.clone(), Outcome::Attempted)).collect();
    let seqs = match u.audit.record_all(attempts).await {
        Ok(seqs) if seqs.len() == n => seqs,
        Ok(_) => return all(VaultError::Internal("audit round answered the wrong count"), false),
        Err(e) => return all(e.into(), false),
    };
    let codes: Vec<String> = writes.iter().map(|w| w.record.code.clone()).collect();
    // A code collision across 55 random bits is astronomically rare; refuse rather than loop.
    if let Err(e) = control.directory_insert(&codes, g.row.id).await {
        let failed = vec![false; n];
        let _ = u.audit.record_all(markers(&events, &seqs, &failed)).await; // best effort
        return all(e.into(), true);
    }
    let outcomes: Vec<Result<(), VaultError>> = match g.store.insert_customers(&writes).await {
        Ok(()) => (0..n).map(|_| Ok(())).collect(),
        Err(StoreError::Conflict { .. }) => {
            // Some record breaks a uniqueness rule (against the store or another record of
            // this round): write them one by one to say which.
            let mut outcomes = Vec::with_capacity(n);
            for write in &writes {
                outcomes.push(g.store.insert_customers(std::slice::from_ref(write)).await.map_err(
                    |e| match e {
                        StoreError::Conflict { what } => VaultError::Duplicate { field: what },
                        other => other.into(),
                    },
                ));
            }
            outcomes
        }
        Err(e) => {
            let e: VaultError = e.into();
            (0..n).map(|_| Err(e.clone())).collect()
        }
    };
    let written: Vec<bool> = outcomes.iter().map(Result::is_ok).collect();
    let marks = markers(&events, &seqs, &written);
    if written.iter().all(|&w| w) {
        // The markers go with the next round's attempts (or a flush started here), so no
        // caller waits for their commit. If they are lost, the creations claim no outcome
        // until the next unseal resolves them from the store ([`Vault::resolve_attempts`]).
        for (marker, outcome) in marks {
            u.audit.defer(marker, outcome);
        }
        let flushing = Arc::clone(u);
        tokio::spawn(async move { flushing.audit.flush().await });
    } else {
        let _ = u.audit.record_all(marks).await; // best effort, as above
        let refused: Vec<String> =
            codes.iter().zip(&written).filter(|(_, w)| !**w).map(|(c, _)| c.clone()).collect();
        // Best effort: a directory row without a record reads as not found.
        let _ = control.directory_remove(&refused).await;
    }
    outcomes.into_iter().map(|o| (o, true)).collect()
}

/// Commit markers for a round's attempts (`events` at `seqs`): one per run of consecutive
/// attempts by one actor with one outcome (`written`). A marker over one attempt names its
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
            Some((start, a, b, o)) if b + 1 == seq && o == ok && start.actor == event.actor => {
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
