//! Groups: opening a group's keys, lookup by name or id, creation, locking.

use super::*;

impl<S: Store> Vault<S> {
    pub(super) async fn open_group(
        &self,
        root: &Key32,
        row: GroupRow,
        keys: &[SealedGroupKey],
    ) -> Result<OpenGroup<S::Group>, VaultError> {
        let mut keks = BTreeMap::new();
        let mut derivation = None;
        // Locked means locked: a locked group is held without any key (no KEK, no
        // derivation key, no blind-index key); unlocking opens it again from the keyring.
        if row.state == GroupState::Locked {
            let shape = match self.store.group_schema(row.id).await? {
                Some((version, json)) => Shape::without_keys(version, Schema::from_json(&json)?),
                None => Shape::without_keys(schema::DEFAULT_VERSION, self.schema.clone()),
            };
            let store = self.store.open_group(&row).await?;
            return Ok(OpenGroup {
                locked: AtomicBool::new(true),
                keks: RwLock::new(Keks { map: keks, current: row.current_kek_version }),
                lease: tokio::sync::Mutex::new(Lease::default()),
                writes: tokio::sync::RwLock::new(()),
                rewrap: std::sync::Mutex::new(RewrapState::new(false)),
                row,
                store,
                tokens: None,
                shape: RwLock::new(Arc::new(shape)),
                index_root: None,
                reads: Coalescer::new(READ_ROUNDS, READS_PER_ROUND),
                single_writes: commit::write_rounds(),
                single_writes_here: commit::write_rounds_here(),
                write_stage: tokio::sync::Mutex::new(()),
                record_locks: (0..RECORD_LOCKS).map(|_| Arc::default()).collect(),
            });
        }
        for k in keys {
            let plain = envelope::open(root, &group_key_aad(row.id, k.kind, k.version), &k.sealed)?;
            let key = Key32::from_slice(&plain).map_err(|_| VaultError::Integrity)?;
            match k.kind {
                GroupKeyKind::Kek => {
                    // Held while the vault is unsealed: locked out of swap and core dumps.
                    keks.insert(k.version, Arc::new(key.into_locked()));
                }
                GroupKeyKind::Derivation => derivation = Some(key),
            }
        }
        let derivation = derivation.ok_or(VaultError::Integrity)?;
        if !keks.contains_key(&row.current_kek_version) {
            return Err(VaultError::Integrity);
        }
        let index_root = kdf::derive_key(&derivation, labels::BLIND_INDEX, &row.id.to_be_bytes())?;
        let shape = match self.store.group_schema(row.id).await? {
            Some((version, json)) => Shape::new(version, Schema::from_json(&json)?, &index_root)?,
            None => Shape::new(schema::DEFAULT_VERSION, self.schema.clone(), &index_root)?,
        };
        let tokens = tokens::GroupTokens::derive(&derivation, row.id)?;
        let store = self.store.open_group(&row).await?;
        let pending = keks.len() > 1;
        Ok(OpenGroup {
            locked: AtomicBool::new(row.state == GroupState::Locked),
            keks: RwLock::new(Keks { map: keks, current: row.current_kek_version }),
            lease: tokio::sync::Mutex::new(Lease::default()),
            writes: tokio::sync::RwLock::new(()),
            rewrap: std::sync::Mutex::new(RewrapState::new(pending)),
            row,
            store,
            tokens: Some(tokens),
            shape: RwLock::new(Arc::new(shape)),
            index_root: Some(index_root),
            reads: Coalescer::new(READ_ROUNDS, READS_PER_ROUND),
            single_writes: commit::write_rounds(),
            single_writes_here: commit::write_rounds_here(),
            write_stage: tokio::sync::Mutex::new(()),
            record_locks: (0..RECORD_LOCKS).map(|_| Arc::default()).collect(),
        })
    }

    pub(super) fn cached_group(
        u: &Unsealed<S>,
        matches: impl Fn(&GroupRow) -> bool,
    ) -> Result<Option<Arc<OpenGroup<S::Group>>>, VaultError> {
        Ok(u.groups.read().map_err(poisoned)?.iter().find(|g| matches(&g.row)).cloned())
    }

    /// Finds a group; on a miss, looks again in the store, since another server process on
    /// the same control database may have created it since this one unsealed.
    pub(super) async fn find_group(
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
        let opened = Arc::new(self.open_group(&*u.root()?, row, &keys).await?);
        let mut groups = u.groups.write().map_err(poisoned)?;
        if let Some(g) = groups.iter().find(|g| g.row.id == opened.row.id) {
            return Ok(Some(Arc::clone(g))); // another request opened it meanwhile
        }
        groups.push(Arc::clone(&opened));
        Ok(Some(opened))
    }

    pub(super) async fn group_by_name(
        &self,
        u: &Unsealed<S>,
        name: &str,
    ) -> Result<Arc<OpenGroup<S::Group>>, VaultError> {
        // By name only: an id is never accepted where a name is expected.
        self.find_group(u, |r| r.name == name).await?.ok_or_else(|| VaultError::UnknownGroup(name.to_owned()))
    }

    pub(super) async fn group_by_id(
        &self,
        u: &Unsealed<S>,
        id: u32,
    ) -> Result<Arc<OpenGroup<S::Group>>, VaultError> {
        self.find_group(u, |r| r.id == id)
            .await?
            .ok_or(VaultError::Internal("directory names a missing group"))
    }

    pub(super) fn usable(group: &OpenGroup<S::Group>) -> Result<(), VaultError> {
        if group.locked.load(Ordering::SeqCst) {
            return Err(VaultError::GroupLocked(group.row.name.clone()));
        }
        Ok(())
    }

    pub(super) fn info(g: &OpenGroup<S::Group>) -> GroupInfo {
        let (kek_version, kek_versions) = match g.keks.read() {
            Ok(k) => (k.current, k.map.keys().copied().collect()),
            Err(_) => (0, Vec::new()),
        };
        GroupInfo {
            id: g.row.id,
            name: g.row.name.clone(),
            state: if g.locked.load(Ordering::SeqCst) { GroupState::Locked } else { GroupState::Open },
            kek_version,
            rewrap: if kek_versions.len() > 1 { rotation::progress(g) } else { None },
            kek_versions,
            created_at: g.row.created_at,
        }
    }

    /// Resolves the attempt at `seq` (recorded for `attempt`) with the result of its write,
    /// and passes the result on. The marker is best effort: the write happened or not
    /// whatever becomes of it, and without it the attempt claims no outcome.
    pub(super) async fn resolved<T>(
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
        let _gate = self.write_gate.read().await;
        let u = self.unsealed()?;
        let mut event = ctx.event(Action::GroupCreate.as_str());
        event.group = Some(name.to_owned());
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let created = self.create_group_on_record(&u, name).await;
        Self::resolved(&u, &event, seq, created).await
    }

    pub(super) async fn create_group_on_record(
        &self,
        u: &Unsealed<S>,
        name: &str,
    ) -> Result<GroupInfo, VaultError> {
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
                let blob = envelope::seal(
                    &*u.root()?,
                    KeyRef { key_id: ROOT_KEY_ID, version: 1 },
                    &aad,
                    key.expose(),
                )?;
                sealed.push(SealedGroupKey { kind, version: 1, sealed: blob });
            }
            let row = match self.store.create_group(id, name, self.clock.now(), &sealed).await {
                Ok(row) => row,
                // Another process took the id (or the name) at the same moment: look again.
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            };
            let group = Arc::new(self.open_group(&*u.root()?, row, &sealed).await?);
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
        let _gate = self.write_gate.read().await;
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, name).await?;
        let mut event = ctx.event(if locked { Action::GroupLock } else { Action::GroupUnlock }.as_str());
        event.group = Some(g.row.name.clone());
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let state = if locked { GroupState::Locked } else { GroupState::Open };
        let written = self.store.set_group_state(g.row.id, state).await.map_err(VaultError::from);
        Self::resolved(&u, &event, seq, written).await?;
        g.locked.store(locked, Ordering::SeqCst);
        // Replace the cached group: locked, by one that holds no key (the old one, and its
        // keys, are dropped and zeroized once the requests still holding it end); unlocked,
        // by one opened again from the keyring.
        let mut row = g.row.clone();
        row.state = state;
        let keys = if locked { Vec::new() } else { self.store.group_keys(row.id).await? };
        let fresh = Arc::new(self.open_group(&*u.root()?, row, &keys).await?);
        let info = Self::info(&fresh);
        {
            let mut groups = u.groups.write().map_err(poisoned)?;
            groups.retain(|x| x.row.id != fresh.row.id);
            groups.push(fresh);
        }
        drop(g);
        Ok(info)
    }
}
