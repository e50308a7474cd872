//! Rekey (a new root key and new unseal shares) and audit key rotation.
//!
//! Rekey is two steps, so that a crash or a lost answer never leaves a root key whose
//! shares nobody holds:
//! 1. [`Vault::rekey_start`] takes a threshold of the *current* shares, checks that they
//!    combine to the root key in memory, makes a new root key and splits it into new
//!    shares. Nothing is stored: the new root key waits in memory ([`PendingRekey`]).
//! 2. [`Vault::rekey_confirm`] takes a threshold of the *new* shares back (proof that they
//!    reached their holders), and then, in one control-store transaction
//!    ([`Store::rekey`]), replaces the metadata (key id, threshold, share count) and reseals
//!    every group key and vault key under the new root key. Before that commit the old
//!    shares unseal the vault; after it the new ones do. A crash before step 2 loses only
//!    the pending rekey.
//!
//! Keys that used to be derived from the root key (the first audit MAC key, the
//! people-secret key) are stored sealed by the new root key, so TOTP secrets and the audit
//! chain stay readable. The audit key is rotated as part of the rekey, since whoever held
//! the old shares could derive the old one.

use super::*;

/// A pending rekey expires after this many seconds.
const REKEY_TTL: i64 = 3600;

pub(super) struct PendingRekey {
    new_root: Key32,
    meta: VaultMeta,
    old_key_id: [u8; KEY_ID_LEN],
    started_at: i64,
    /// The `vault.rekey` attempt on record, resolved by the confirmation.
    attempt: (Event, u64),
}

/// What `rekey_start` hands out once: the new shares, not valid until confirmed.
#[derive(Debug)]
pub struct RekeyStarted {
    pub key_id: String,
    pub shares: Vec<Share>,
}

/// Parses shares of the vault named `key_id` and combines them (at least its threshold).
fn combine_shares(texts: &[String], key_id: &[u8; KEY_ID_LEN], threshold: u8) -> Result<Key32, VaultError> {
    let mut shares: Vec<Share> = Vec::with_capacity(texts.len());
    for text in texts {
        let share = Share::parse(text)?;
        if share.key_id != *key_id {
            return Err(VaultError::WrongVault {
                share_key_id: shamir::key_id_text(&share.key_id),
                vault_key_id: shamir::key_id_text(key_id),
            });
        }
        if share.threshold != threshold {
            return Err(VaultError::ThresholdMismatch { share: share.threshold, vault: threshold });
        }
        if shares.iter().any(|s| s.index == share.index) {
            return Err(VaultError::DuplicateShare { index: share.index });
        }
        shares.push(share);
    }
    if shares.len() < threshold as usize {
        return Err(VaultError::Rekey("fewer shares than the threshold"));
    }
    let root = shamir::combine(&shares).map_err(|_| VaultError::UnsealFailed)?;
    if key_id_of(&root)? != *key_id {
        return Err(VaultError::UnsealFailed);
    }
    Ok(root)
}

impl<S: Store> Vault<S> {
    /// Step 1 of a rekey: checks a threshold of the current shares and makes the new root
    /// key and its `share_count` shares (any `threshold` unseal). Returns the new shares
    /// once; they are valid only after [`Vault::rekey_confirm`].
    pub async fn rekey_start(
        &self,
        ctx: &AuditContext,
        current_shares: &[String],
        threshold: u8,
        share_count: u8,
    ) -> Result<RekeyStarted, VaultError> {
        if threshold == 0 || share_count < threshold || (threshold == 1 && share_count != 1) {
            return Err(VaultError::InitParameters(
                "need 1 <= threshold <= number of shares (threshold 1 only with a single share)",
            ));
        }
        let u = self.unsealed()?;
        let meta = self.meta()?.ok_or(VaultError::NotInitialized)?;
        let mut event = ctx.event(Action::VaultRekey.as_str());
        event.fields = vec![format!("threshold:{threshold}"), format!("shares:{share_count}")];
        let current = match combine_shares(current_shares, &meta.key_id, meta.threshold) {
            Ok(root) => root,
            Err(e) => {
                u.audit.record(event, Outcome::Denied).await?;
                return Err(e);
            }
        };
        if current != *u.root()? {
            u.audit.record(event, Outcome::Denied).await?;
            return Err(VaultError::UnsealFailed);
        }
        drop(current);
        let new_root = Key32::generate()?.into_locked();
        let key_id = key_id_of(&new_root)?;
        let shares = shamir::split(&new_root, key_id, threshold, share_count)?;
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let pending = PendingRekey {
            new_root,
            meta: VaultMeta { key_id, threshold, share_count, created_at: meta.created_at },
            old_key_id: meta.key_id,
            started_at: self.clock.now(),
            attempt: (event, seq),
        };
        *self.pending_rekey.lock().map_err(poisoned)? = Some(pending);
        Ok(RekeyStarted { key_id: shamir::key_id_text(&key_id), shares })
    }

    /// Step 2 of a rekey: takes a threshold of the new shares and makes the new root key
    /// the vault's, in one transaction. The old shares no longer unseal afterwards.
    pub async fn rekey_confirm(
        &self,
        ctx: &AuditContext,
        new_shares: &[String],
    ) -> Result<SealStatus, VaultError> {
        let u = self.unsealed()?;
        let _admin = self.key_admin.lock().await;
        let (new_root, meta, old_key_id, attempt) = {
            let mut slot = self.pending_rekey.lock().map_err(poisoned)?;
            let Some(p) = slot.as_ref() else { return Err(VaultError::Rekey("no rekey is pending")) };
            if self.clock.now().saturating_sub(p.started_at) > REKEY_TTL {
                *slot = None;
                return Err(VaultError::Rekey("the pending rekey expired; start again"));
            }
            let given = combine_shares(new_shares, &p.meta.key_id, p.meta.threshold)?;
            if given != p.new_root {
                return Err(VaultError::UnsealFailed);
            }
            let Some(p) = slot.take() else { return Err(VaultError::Rekey("no rekey is pending")) };
            (p.new_root, p.meta, p.old_key_id, p.attempt)
        };
        let old_root = u.root()?;
        let result = self.reseal_all(&u, &old_root, &new_root, &meta, &old_key_id).await;
        let (event, seq) = attempt;
        let (epoch, audit_key) = Self::resolved(&u, &event, seq, result).await?;
        *u.root.write().map_err(poisoned)? = Arc::new(new_root);
        *self.meta.write().map_err(poisoned)? = Some(meta);
        // The chain goes on under a key the old shares cannot derive.
        u.audit.rotate_key(ctx.event(Action::AuditKeyRotate.as_str()), epoch, audit_key).await?;
        self.seal_status()
    }

    /// Reseals every group key and vault key under `new_root` and replaces the root key
    /// in the store, adding the next audit key epoch. Returns that epoch and its key.
    async fn reseal_all(
        &self,
        u: &Unsealed<S>,
        old_root: &Key32,
        new_root: &Key32,
        meta: &VaultMeta,
        old_key_id: &[u8; KEY_ID_LEN],
    ) -> Result<(u32, AuditKey), VaultError> {
        let seal_ref = KeyRef { key_id: ROOT_KEY_ID, version: 1 };
        let mut group_keys = Vec::new();
        for row in self.store.list_groups().await? {
            for k in self.store.group_keys(row.id).await? {
                let aad = group_key_aad(row.id, k.kind, k.version);
                let plain = envelope::open(old_root, &aad, &k.sealed)?;
                let sealed = envelope::seal(new_root, seal_ref, &aad, &plain)?;
                group_keys.push((row.id, SealedGroupKey { kind: k.kind, version: k.version, sealed }));
            }
        }
        let (mut plain_keys, next_epoch) = self.vault_keys_in_plain(u, old_root).await?;
        let audit_key = AuditKey::from_key(Key32::generate()?);
        plain_keys.push((VaultKeyKind::Audit, next_epoch, audit_key.expose().clone()));
        let mut vault_keys = Vec::with_capacity(plain_keys.len());
        for (kind, version, key) in &plain_keys {
            let sealed = envelope::seal(new_root, seal_ref, &vault_key_aad(*kind, *version), key.expose())?;
            vault_keys.push(SealedVaultKey { kind: *kind, version: *version, sealed });
        }
        self.store.rekey(old_key_id, meta, &group_keys, &vault_keys).await?;
        Ok((next_epoch, audit_key))
    }

    /// Every vault-wide key in plain (those stored, opened with `root`, and those still
    /// derived from the root key, from memory), and the next free audit epoch.
    async fn vault_keys_in_plain(
        &self,
        u: &Unsealed<S>,
        root: &Key32,
    ) -> Result<(Vec<(VaultKeyKind, u32, Key32)>, u32), VaultError> {
        let mut keys = Vec::new();
        for k in self.store.vault_keys().await? {
            let plain = envelope::open(root, &vault_key_aad(k.kind, k.version), &k.sealed)?;
            keys.push((k.kind, k.version, Key32::from_slice(&plain).map_err(|_| VaultError::Integrity)?));
        }
        if !keys.iter().any(|(kind, _, _)| *kind == VaultKeyKind::Audit) {
            let first = u.audit.keyring();
            let key = first.get(0).ok_or(VaultError::Integrity)?;
            keys.push((VaultKeyKind::Audit, 0, key.expose().clone()));
        }
        if !keys.iter().any(|(kind, _, _)| *kind == VaultKeyKind::People) {
            keys.push((VaultKeyKind::People, 0, u.people.clone()));
        }
        let next = keys
            .iter()
            .filter(|(kind, _, _)| *kind == VaultKeyKind::Audit)
            .map(|(_, v, _)| *v)
            .chain(std::iter::once(u.audit.keyring().current_epoch()))
            .max()
            .unwrap_or(0)
            .checked_add(1)
            .ok_or(VaultError::Internal("audit epoch overflow"))?;
        Ok((keys, next))
    }

    /// Rotates the audit MAC key: the next epoch's key is stored sealed, then an
    /// `audit.key_rotate` entry (under the old key) moves the chain to it. Returns the epoch.
    pub async fn rotate_audit_key(&self, ctx: &AuditContext) -> Result<u32, VaultError> {
        let u = self.unsealed()?;
        let _admin = self.key_admin.lock().await;
        let root = u.root()?;
        let stored = self.store.vault_keys().await?;
        let (plain, epoch) = self.vault_keys_in_plain(&u, &root).await?;
        let key = AuditKey::from_key(Key32::generate()?);
        let seal_ref = KeyRef { key_id: ROOT_KEY_ID, version: 1 };
        let mut new = Vec::new();
        // Keys still derived from the root key are stored from now on, with the new one.
        let missing =
            plain.iter().filter(|(kind, v, _)| !stored.iter().any(|s| s.kind == *kind && s.version == *v));
        for (kind, version, k) in
            missing.map(|(kind, v, k)| (*kind, *v, k)).chain([(VaultKeyKind::Audit, epoch, key.expose())])
        {
            let sealed = envelope::seal(&root, seal_ref, &vault_key_aad(kind, version), k.expose())?;
            new.push(SealedVaultKey { kind, version, sealed });
        }
        self.store.add_vault_keys(&new).await?;
        u.audit.rotate_key(ctx.event(Action::AuditKeyRotate.as_str()), epoch, key).await?;
        Ok(epoch)
    }

    /// The audit keyring and the people-secret key of the vault whose root key is `root`:
    /// stored sealed (after a rekey or an audit key rotation), or derived from the root key.
    pub(super) async fn unsealed_keys(&self, root: &Key32) -> Result<(AuditKeyring, Key32), VaultError> {
        let mut audit = Vec::new();
        let mut people = None;
        for k in self.store.vault_keys().await? {
            let plain = envelope::open(root, &vault_key_aad(k.kind, k.version), &k.sealed)?;
            let key = Key32::from_slice(&plain).map_err(|_| VaultError::Integrity)?;
            match k.kind {
                VaultKeyKind::Audit => audit.push((k.version, AuditKey::from_key(key))),
                VaultKeyKind::People => people = Some(key.into_locked()),
            }
        }
        let audit = match AuditKeyring::new(audit) {
            Some(ring) => ring,
            None => AuditKeyring::single(AuditKey::derive(root)?),
        };
        let people = match people {
            Some(k) => k,
            None => kdf::derive_key(root, labels::PEOPLE_SECRET, b"")?.into_locked(),
        };
        Ok((audit, people))
    }
}
