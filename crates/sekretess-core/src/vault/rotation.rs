//! Group key rotation: new KEK versions, the counted uses of a version, the background
//! rewrap of every data key to the current version, and the retirement of old versions.
//!
//! - [`Vault::rotate_group_key`] seals a new KEK version into the keyring and makes it
//!   current in one control-store transaction; new writes use it at once.
//! - [`Vault::rewrap_step`] rewraps one batch of data keys (unwrap with the old KEK, wrap
//!   with the current one; field ciphertexts are not touched) through
//!   [`GroupStore::rewrap`], which writes a key only if its row is still at the record and
//!   KEK version it was read at, so a concurrent update is never overwritten. A pass walks
//!   the group in code order; rows a concurrent write kept on an old version are found by
//!   the next pass. The walk needs no state that must survive a restart: after an unseal,
//!   a group whose keyring holds more than one KEK version is simply walked again.
//! - When a pass from the start finds no data key under an old version, the old versions
//!   are retired: after a barrier that waits for writes in flight (writes take their KEK
//!   version and check it is still current while holding `OpenGroup::writes` shared), the
//!   store is asked once more, and then the sealed keys are deleted from the keyring.
//! - Uses: every data key wrapped counts one use of the KEK version. Processes reserve uses
//!   in blocks in the control store ([`Store::reserve_kek_uses`]); a version whose count
//!   would pass [`KeyPolicy::kek_use_limit`] is rotated automatically (recorded as
//!   `system`), and if that fails the write is refused ([`VaultError::KeyUsedUp`]).
//!   Data keys are made fresh for every write of a record, so one data key seals at most
//!   the fields of one write (docs/security.md, "Key lifecycle").

use super::*;
use crate::store::Rewrap;

/// Limits and timings of the key lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPolicy {
    /// Data keys one KEK version may wrap before it is rotated (at most 2^32 - 1).
    pub kek_use_limit: u64,
    /// Uses a process reserves at a time.
    pub lease_block: u64,
    /// Data keys rewrapped per batch.
    pub rewrap_batch: usize,
    /// Seconds a group must stay without data keys under old versions before those are
    /// retired: longer than the interval at which other server processes read the keyring
    /// again (each background step), so none of them still writes under an old version.
    pub retire_grace_seconds: i64,
}

/// The default and greatest limit: 2^32 - 1 wraps per KEK version.
pub const KEK_USE_LIMIT: u64 = (1 << 32) - 1;

impl Default for KeyPolicy {
    fn default() -> Self {
        KeyPolicy {
            kek_use_limit: KEK_USE_LIMIT,
            lease_block: 65_536,
            rewrap_batch: 2_000,
            retire_grace_seconds: 15,
        }
    }
}

/// A group's KEK versions.
pub(super) struct Keks {
    pub(super) map: BTreeMap<u32, Arc<Key32>>,
    pub(super) current: u32,
}

/// Uses of `version` reserved and not yet taken.
#[derive(Default)]
pub(super) struct Lease {
    version: u32,
    left: u64,
}

/// How far the background rewrap of a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewrapProgress {
    /// Data keys rewrapped by this process since the rotation (or the unseal).
    pub rewrapped: u64,
    /// Data keys still under an older version, as last counted (`None`: not counted yet).
    pub remaining: Option<u64>,
    /// Data keys that could not be unwrapped (damaged); they keep their old version, which
    /// is then never retired.
    pub unreadable: u64,
}

pub(super) struct RewrapState {
    /// Whether older versions remain (the rewrap has work).
    active: bool,
    /// The last code of the current pass (`""`: a pass starts from the beginning).
    cursor: String,
    /// Whether the current pass started at the beginning and has found nothing so far.
    clean_pass: bool,
    /// When a whole pass first found no data key under an old version (since then, none).
    clean_since: Option<i64>,
    progress: RewrapProgress,
}

impl RewrapState {
    pub(super) fn new(active: bool) -> Self {
        RewrapState {
            active,
            cursor: String::new(),
            clean_pass: true,
            clean_since: None,
            progress: RewrapProgress { rewrapped: 0, remaining: None, unreadable: 0 },
        }
    }
}

pub(super) fn progress<G>(g: &OpenGroup<G>) -> Option<RewrapProgress> {
    g.rewrap.lock().ok().map(|r| r.progress)
}

/// A KEK chosen for a write: its version and the key.
pub(super) type WriteKek = (u32, Arc<Key32>);

/// What one call of [`Vault::rewrap_step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RewrapReport {
    /// Data keys rewrapped.
    pub rewrapped: u64,
    /// KEK versions retired.
    pub retired: u32,
    /// Whether some group still has work (call again).
    pub pending: bool,
}

impl<G> OpenGroup<G> {
    pub(super) fn current_kek(&self) -> Result<WriteKek, VaultError> {
        let k = self.keks.read().map_err(poisoned)?;
        let key = k.map.get(&k.current).ok_or(VaultError::Integrity)?;
        Ok((k.current, Arc::clone(key)))
    }

    pub(super) fn kek(&self, version: u32) -> Result<Option<Arc<Key32>>, VaultError> {
        Ok(self.keks.read().map_err(poisoned)?.map.get(&version).cloned())
    }
}

impl<S: Store> Vault<S> {
    /// Sets the key limits (for tests: a lower use limit).
    pub fn set_key_policy(&self, policy: KeyPolicy) -> Result<(), VaultError> {
        if policy.kek_use_limit == 0 || policy.kek_use_limit > KEK_USE_LIMIT || policy.rewrap_batch == 0 {
            return Err(VaultError::Internal("key policy out of range"));
        }
        *self.key_policy.write().map_err(poisoned)? = policy;
        Ok(())
    }

    pub fn key_policy(&self) -> Result<KeyPolicy, VaultError> {
        Ok(*self.key_policy.read().map_err(poisoned)?)
    }

    /// Completes when there may be key work (a rotation happened): for the background task.
    pub fn key_work_wanted(&self) -> Arc<tokio::sync::Notify> {
        Arc::clone(&self.key_work)
    }

    /// The KEK to wrap `n` new data keys with, and the guard to hold until the write is
    /// stored (so the version cannot be retired under it). Counts the uses; rotates the
    /// group's key when the current version is used up.
    pub(super) async fn kek_for_write<'g>(
        &self,
        g: &'g Arc<OpenGroup<S::Group>>,
        n: u64,
    ) -> Result<(WriteKek, tokio::sync::RwLockReadGuard<'g, ()>), VaultError> {
        let policy = self.key_policy()?;
        if n > policy.kek_use_limit {
            return Err(VaultError::KeyUsedUp); // no version could wrap them all
        }
        for _attempt in 0..4 {
            let (version, key) = g.current_kek()?;
            let leased = {
                let mut lease = g.lease.lock().await;
                if lease.version == version && lease.left >= n {
                    lease.left -= n;
                    true
                } else {
                    let block = n.max(policy.lease_block.min(policy.kek_use_limit));
                    let store = &self.store;
                    if store.reserve_kek_uses(g.row.id, version, block, policy.kek_use_limit).await? {
                        *lease = Lease { version, left: block - n };
                        true
                    } else if block > n
                        && store.reserve_kek_uses(g.row.id, version, n, policy.kek_use_limit).await?
                    {
                        *lease = Lease { version, left: 0 };
                        true
                    } else {
                        false
                    }
                }
            };
            if !leased {
                // Used up: a new version, on record as the system's act.
                match self.rotate_open_group(g, &AuditContext::system(), Some("key use limit reached")).await
                {
                    Ok(_) | Err(VaultError::Store(StoreError::Conflict { .. })) => continue,
                    Err(_) => return Err(VaultError::KeyUsedUp),
                }
            }
            let guard = g.writes.read().await;
            if g.current_kek()?.0 == version {
                return Ok(((version, key), guard));
            }
            // Rotated meanwhile: take the new version (the reserved uses are not given back).
        }
        Err(VaultError::KeyUsedUp)
    }

    /// Makes a new KEK version for the group `name`; new writes use it at once and every
    /// data key is rewrapped to it in the background. Returns the group as it is now.
    pub async fn rotate_group_key(&self, ctx: &AuditContext, name: &str) -> Result<GroupInfo, VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, name).await?;
        // A locked group holds no key: it is rotated once unlocked.
        Self::usable(&g)?;
        self.rotate_open_group(&g, ctx, None).await?;
        Ok(Self::info(&g))
    }

    pub(super) async fn rotate_open_group(
        &self,
        g: &Arc<OpenGroup<S::Group>>,
        ctx: &AuditContext,
        why: Option<&str>,
    ) -> Result<u32, VaultError> {
        let u = self.unsealed()?;
        let _admin = self.key_admin.lock().await;
        // Another process may have rotated: start from the store's keyring.
        self.refresh_group_keys(&u, g).await?;
        let version =
            g.current_kek()?.0.checked_add(1).ok_or(VaultError::Internal("key version overflow"))?;
        let mut event = ctx.event(Action::GroupKeyRotate.as_str());
        event.group = Some(g.row.name.clone());
        event.purpose = why.map(str::to_owned);
        event.fields = vec![format!("kek_version:{version}")];
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let added = async {
            let key = Key32::generate()?.into_locked();
            let aad = group_key_aad(g.row.id, GroupKeyKind::Kek, version);
            let sealed =
                envelope::seal(&*u.root()?, KeyRef { key_id: ROOT_KEY_ID, version: 1 }, &aad, key.expose())?;
            self.store
                .add_group_kek(g.row.id, &SealedGroupKey { kind: GroupKeyKind::Kek, version, sealed })
                .await?;
            Ok::<_, VaultError>(key)
        };
        let key = Self::resolved(&u, &event, seq, added.await).await?;
        {
            let mut keks = g.keks.write().map_err(poisoned)?;
            keks.map.insert(version, Arc::new(key));
            keks.current = version;
        }
        if let Ok(mut r) = g.rewrap.lock() {
            *r = RewrapState::new(true);
        }
        self.key_work.notify_one();
        Ok(version)
    }

    /// Reads the group's keyring and current version from the control store again (another
    /// process may have rotated or retired).
    pub(super) async fn refresh_group_keys(
        &self,
        u: &Unsealed<S>,
        g: &OpenGroup<S::Group>,
    ) -> Result<(), VaultError> {
        let Some(row) = self.store.list_groups().await?.into_iter().find(|r| r.id == g.row.id) else {
            return Ok(());
        };
        let root = u.root()?;
        let mut map = BTreeMap::new();
        for k in self.store.group_keys(g.row.id).await? {
            if k.kind != GroupKeyKind::Kek {
                continue;
            }
            if let Some(known) = g.kek(k.version)? {
                map.insert(k.version, known);
                continue;
            }
            let plain = envelope::open(&root, &group_key_aad(g.row.id, k.kind, k.version), &k.sealed)?;
            map.insert(
                k.version,
                Arc::new(Key32::from_slice(&plain).map_err(|_| VaultError::Integrity)?.into_locked()),
            );
        }
        if !map.contains_key(&row.current_kek_version) {
            return Err(VaultError::Integrity);
        }
        let pending = map.len() > 1;
        let mut keks = g.keks.write().map_err(poisoned)?;
        keks.map = map;
        keks.current = row.current_kek_version;
        drop(keks);
        if let Ok(mut r) = g.rewrap.lock() {
            r.active = pending;
        }
        Ok(())
    }

    /// Does one batch of background key work in every group that has older KEK versions:
    /// rewraps a batch of its data keys, or retires those versions once nothing uses them.
    pub async fn rewrap_step(&self) -> Result<RewrapReport, VaultError> {
        let u = self.unsealed()?;
        let policy = self.key_policy()?;
        let groups: Vec<_> = u.groups.read().map_err(poisoned)?.clone();
        // Rotations and retirements by other processes on the same control store.
        let rows = self.store.list_groups().await?;
        for g in &groups {
            // A locked group holds no key and gets none until it is unlocked.
            if g.locked.load(Ordering::SeqCst) {
                continue;
            }
            if let Some(row) = rows.iter().find(|r| r.id == g.row.id) {
                let known = g.keks.read().map_err(poisoned)?.current;
                let versions = self.store.group_keys(g.row.id).await?;
                let kek_count = versions.iter().filter(|k| k.kind == GroupKeyKind::Kek).count();
                let held = g.keks.read().map_err(poisoned)?.map.len();
                if row.current_kek_version != known || kek_count != held {
                    self.refresh_group_keys(&u, g).await?;
                }
            }
        }
        let mut report = RewrapReport::default();
        for g in groups {
            if g.locked.load(Ordering::SeqCst) {
                continue;
            }
            let active = g.rewrap.lock().map(|r| r.active).map_err(poisoned)?;
            if !active {
                continue;
            }
            report.pending = true;
            let (done, retired) = self.rewrap_group(&u, &g, &policy).await?;
            report.rewrapped += done;
            report.retired += retired;
        }
        Ok(report)
    }

    async fn rewrap_group(
        &self,
        u: &Unsealed<S>,
        g: &Arc<OpenGroup<S::Group>>,
        policy: &KeyPolicy,
    ) -> Result<(u64, u32), VaultError> {
        let batch = policy.rewrap_batch;
        let (current, new_kek) = g.current_kek()?;
        let (cursor, counted) = {
            let r = g.rewrap.lock().map_err(poisoned)?;
            (r.cursor.clone(), r.progress.remaining.is_some())
        };
        if !counted {
            let remaining =
                g.store.kek_counts().await?.iter().filter(|(v, _)| *v != current).map(|(_, n)| n).sum();
            g.rewrap.lock().map_err(poisoned)?.progress.remaining = Some(remaining);
        }
        let rows = g.store.wrapped_deks(current, &cursor, batch).await?;
        let Some(last) = rows.last().map(|r| r.code.clone()) else {
            let now = self.clock.now();
            let ripe = {
                let mut r = g.rewrap.lock().map_err(poisoned)?;
                let clean = r.clean_pass && r.cursor.is_empty();
                r.cursor.clear();
                r.clean_pass = true;
                if !clean {
                    r.clean_since = None;
                    false
                } else {
                    r.progress.remaining = Some(0); // a whole pass found none
                    let since = *r.clean_since.get_or_insert(now);
                    now.saturating_sub(since) >= policy.retire_grace_seconds
                }
            };
            return if ripe { Ok((0, self.retire_old_versions(u, g).await?)) } else { Ok((0, 0)) };
        };
        let keks: BTreeMap<u32, Arc<Key32>> = g.keks.read().map_err(poisoned)?.map.clone();
        let rewrapped = tokio::task::spawn_blocking(move || {
            batch::par_map(&rows, |r| {
                let old = keks.get(&r.kek_version)?;
                let dek = keywrap::unwrap_key(old, &r.wrapped_dek).ok()?;
                let wrapped_dek = keywrap::wrap_key(&new_kek, &dek).ok()?;
                Some(Rewrap {
                    code: r.code.clone(),
                    version: r.version,
                    from_kek: r.kek_version,
                    to_kek: current,
                    wrapped_dek,
                })
            })
        })
        .await
        .map_err(|_| VaultError::Internal("rewrap task failed"))??;
        let unreadable = rewrapped.iter().filter(|r| r.is_none()).count() as u64;
        let items: Vec<Rewrap> = rewrapped.into_iter().flatten().collect();
        // Under the write gate, like every write a backup must see whole: a rewrapped row
        // never lands between the backup's control and group snapshots.
        let written = {
            let _gate = self.write_gate.read().await;
            g.store.rewrap(&items).await?
        };
        let mut r = g.rewrap.lock().map_err(poisoned)?;
        r.cursor = last;
        r.clean_pass = false;
        r.clean_since = None;
        r.progress.rewrapped += written;
        r.progress.unreadable += unreadable;
        r.progress.remaining = r.progress.remaining.map(|n| n.saturating_sub(written));
        Ok((written, 0))
    }

    /// Retires every KEK version but the current one, if no data key uses them.
    async fn retire_old_versions(
        &self,
        u: &Unsealed<S>,
        g: &Arc<OpenGroup<S::Group>>,
    ) -> Result<u32, VaultError> {
        let _admin = self.key_admin.lock().await;
        let (current, _) = g.current_kek()?;
        // Barrier: writes that chose an older version before the rotation are stored now.
        drop(g.writes.write().await);
        if !g.store.wrapped_deks(current, "", 1).await?.is_empty() {
            return Ok(0); // written meanwhile: another pass
        }
        // Archived documents keep the version they were filed under (they are not
        // rewrapped), so a version that wraps one stays.
        let documents = crate::store::DocumentStore::document_kek_versions(&g.store).await?;
        let old: Vec<u32> = g
            .keks
            .read()
            .map_err(poisoned)?
            .map
            .keys()
            .copied()
            .filter(|&v| v != current && !documents.contains(&v))
            .collect();
        let mut retired = 0;
        for version in old {
            let mut event = ctx_system().event(Action::GroupKeyRetire.as_str());
            event.group = Some(g.row.name.clone());
            event.fields = vec![format!("kek_version:{version}")];
            let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
            let done = self.store.retire_group_kek(g.row.id, version).await.map_err(VaultError::from);
            Self::resolved(u, &event, seq, done).await?;
            g.keks.write().map_err(poisoned)?.map.remove(&version);
            retired += 1;
        }
        let mut r = g.rewrap.lock().map_err(poisoned)?;
        r.active = false;
        r.progress.remaining = Some(0);
        Ok(retired)
    }
}

fn ctx_system() -> AuditContext {
    AuditContext::system()
}
