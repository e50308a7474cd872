//! Hooks for tests only (feature `test-hooks`): key material and legacy rows.

use super::*;

impl<S: Store> Vault<S> {
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
        Ok(((*u.root()?).clone(), dek))
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
        let root = u.root()?;
        let mut keys = vec![
            ("root key".to_owned(), masked(&root)),
            ("audit key".to_owned(), masked(u.audit.key().expose())),
            ("people-secret key".to_owned(), masked(&u.people)),
        ];
        for row in self.store.list_groups().await? {
            for k in self.store.group_keys(row.id).await? {
                let plain = envelope::open(&root, &group_key_aad(row.id, k.kind, k.version), &k.sealed)?;
                let key = Key32::from_slice(&plain).map_err(|_| VaultError::Integrity)?;
                keys.push((
                    format!("group {} {} key v{}", row.name, k.kind.as_str(), k.version),
                    masked(&key),
                ));
            }
        }
        Ok(keys)
    }

    /// How many key objects this process holds for the group named `name` in its cache of
    /// open groups: KEK versions plus blind-index keys, and how many other references to
    /// the cached group exist (requests in flight). Locked groups hold none.
    #[cfg(feature = "test-hooks")]
    pub fn test_hook_group_keys_held(&self, name: &str) -> Result<(usize, usize), VaultError> {
        let u = self.unsealed()?;
        let groups = u.groups.read().map_err(poisoned)?;
        let g = groups
            .iter()
            .find(|g| g.row.name == name)
            .ok_or_else(|| VaultError::UnknownGroup(name.into()))?;
        let keks = g.keks.read().map_err(poisoned)?.map.len();
        let shape = g.shape()?;
        let others = usize::from(g.tokens.is_some()) + usize::from(g.index_root.is_some());
        Ok((keks + shape.index_keys.len() + others, Arc::strong_count(g) - 1))
    }
}
