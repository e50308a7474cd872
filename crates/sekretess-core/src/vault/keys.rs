//! Key ids, associated data (AAD) of every envelope, and secrets sealed for other layers.

use super::*;

pub(super) fn key_id_of(root: &Key32) -> Result<[u8; KEY_ID_LEN], VaultError> {
    let okm = kdf::hkdf_sha256(root.expose(), b"", labels::KEY_ID.as_bytes(), KEY_ID_LEN)?;
    let mut id = [0u8; KEY_ID_LEN];
    id.copy_from_slice(&okm);
    Ok(id)
}

pub(super) fn group_key_aad(group: u32, kind: GroupKeyKind, version: u32) -> Vec<u8> {
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
pub(super) fn field_aad(group: u32, code: &str, field: &str, dek_version: u32) -> Vec<u8> {
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
pub(super) fn record_field_aad(
    group: u32,
    code: &str,
    field: &str,
    version: u64,
    names: &[u8; 32],
) -> Vec<u8> {
    let mut aad = field_aad(group, code, field, DEK_VERSION);
    aad.extend_from_slice(b"/record\0");
    aad.extend_from_slice(&version.to_be_bytes());
    aad.extend_from_slice(names);
    aad
}

pub(super) fn field_names_digest<'a>(names: impl Iterator<Item = &'a str>) -> [u8; 32] {
    let mut all = Vec::with_capacity(160);
    for name in names {
        all.push(name.len() as u8);
        all.extend_from_slice(name.as_bytes());
    }
    sha256(&all)
}

/// AAD of a vault-wide key sealed by the root key.
pub(super) fn vault_key_aad(kind: VaultKeyKind, version: u32) -> Vec<u8> {
    let mut aad = Vec::with_capacity(40);
    aad.extend_from_slice(AAD_PREFIX);
    aad.extend_from_slice(b"/vault-key\0");
    aad.extend_from_slice(kind.as_str().as_bytes());
    aad.push(0);
    aad.extend_from_slice(&version.to_be_bytes());
    aad
}

pub(super) fn people_aad(aad: &[u8]) -> Vec<u8> {
    let mut full = Vec::with_capacity(AAD_PREFIX.len() + 8 + aad.len());
    full.extend_from_slice(AAD_PREFIX);
    full.extend_from_slice(b"/people\0");
    full.extend_from_slice(aad);
    full
}

impl<S: Store> Vault<S> {
    /// Seals a small secret of another layer (an employee's TOTP secret) under a key
    /// derived from the root key (label `sekretess/v1/people-secret`), bound to `aad`.
    /// Needs the vault unsealed.
    pub fn seal_people_secret(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
        let u = self.unsealed()?;
        Ok(envelope::seal(
            &u.people,
            KeyRef { key_id: ROOT_KEY_ID, version: 1 },
            &people_aad(aad),
            plaintext,
        )?)
    }

    /// Opens what [`Vault::seal_people_secret`] sealed with the same `aad`.
    pub fn open_people_secret(&self, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let u = self.unsealed()?;
        Ok(envelope::open(&u.people, &people_aad(aad), sealed)?)
    }
}
