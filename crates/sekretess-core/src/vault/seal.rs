//! Seal state: init, unseal by shares (with crash recovery of unresolved creations), seal, seal status.

use super::*;

impl<S: Store> Vault<S> {
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
        audit.record(ctx.event(Action::VaultInit.as_str()), Outcome::Success).await?;
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
                self.note_sealed_event(ctx.event(Action::VaultUnsealShare.as_str()), Outcome::Success)?;
                return self.seal_status();
            }
            Err(e) => {
                if !matches!(e, VaultError::AlreadyUnsealed) {
                    self.note_sealed_event(ctx.event(Action::VaultUnsealShare.as_str()), Outcome::Failed)?;
                }
                return Err(e);
            }
        };
        let (keyring, people) = self.unsealed_keys(&root).await?;
        let audit = AuditLog::with_keyring(
            self.store.clone(),
            keyring,
            Arc::clone(&self.clock),
            Arc::clone(&self.audit_failures),
        );
        let mut events = std::mem::take(&mut *self.sealed_events.lock().map_err(poisoned)?);
        events.push((ctx.event(Action::VaultUnseal.as_str()), Outcome::Success));
        // Fail closed: without a durable record of the unseal, stay sealed (and keep the
        // waiting events for the next attempt).
        if let Err(e) = audit.record_all(events.clone()).await {
            events.pop();
            let mut waiting = self.sealed_events.lock().map_err(poisoned)?;
            events.append(&mut waiting);
            *waiting = events;
            return Err(e.into());
        }
        let unsealed = Arc::new(self.load_groups(root, audit, people).await?);
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
    pub(super) async fn resolve_attempts(&self, u: &Unsealed<S>) -> Result<usize, VaultError> {
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
                    && e.action == Action::CustomerCreate.as_str()
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

    pub(super) fn note_sealed_event(&self, event: Event, outcome: Outcome) -> Result<(), VaultError> {
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

    pub(super) async fn try_unseal(&self, text: &str) -> Result<Option<Key32>, VaultError> {
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
            self.note_sealed_event(ctx.event(Action::VaultUnsealReset.as_str()), Outcome::Success)?;
        }
        self.seal_status()
    }

    /// Seals: every key leaves memory (zeroized when the last request using it ends).
    /// Sealing is a safety action, so it happens even if its audit entry cannot be written;
    /// that entry then waits for the next unseal.
    pub async fn seal(&self, ctx: &AuditContext) -> Result<(), VaultError> {
        let event = ctx.event(Action::VaultSeal.as_str());
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

    pub(super) async fn load_groups(
        &self,
        root: Key32,
        audit: AuditLog<S>,
        people: Key32,
    ) -> Result<Unsealed<S>, VaultError> {
        let mut groups = Vec::new();
        for row in self.store.list_groups().await? {
            let keys = self.store.group_keys(row.id).await?;
            groups.push(Arc::new(self.open_group(&root, row, &keys).await?));
        }
        if groups.iter().any(|g| g.keks.read().is_ok_and(|k| k.map.len() > 1)) {
            self.key_work.notify_one(); // a rewrap to resume
        }
        Ok(Unsealed { groups: RwLock::new(groups), root: RwLock::new(Arc::new(root)), audit, people })
    }
}
