//! Per-group schemas managed by the security officer, and restricted values sealed to the
//! offline key on arrival.
//!
//! A group starts with the vault's default schema as version [`DEFAULT_VERSION`]. Each
//! change (a field added or changed) is stored as the next version, after its audit entry.
//! A change that would leave stored values wrong (a new type, a move to or from
//! `restricted`, a change to the blind index: [`FieldChange::needs_no_values`]) is refused
//! while any customer of the group has a value of that field. A schema change holds the
//! vault's write gate exclusively in this process, so no write runs between the check and
//! the new version; other `serve` processes on the same control database see the new
//! version when they next open the group (after a restart or unseal).
//!
//! A restricted value is validated and normalized like any other, then sealed to the
//! offline key's public half (`sekretess_crypto::offline`) before it is stored; the sealed
//! form (below, [`SEALED_PREFIX`]) is what the group's envelope encryption then seals again.
//! The blind-index hash, when the field is searchable, is kept inside the sealed form too,
//! so an update that leaves the value alone keeps it findable without opening it. Nothing
//! online can open the value: reads answer [`HELD_OFFLINE`] in its place.

use base64::Engine;
use sekretess_crypto::offline::{OfflineRecipient, seal_value};

use super::*;
use crate::schema::{FieldChange, FieldDef};

/// The version of a group's schema before its first change: the vault's default schema.
pub const DEFAULT_VERSION: u32 = 1;
/// What a read gives in place of a restricted value.
pub const HELD_OFFLINE: &str = "[held offline]";
/// How a stored restricted value starts: `PREFIX <index hash, base64 or empty> : <age
/// ciphertext, base64>`.
pub(super) const SEALED_PREFIX: &str = "sekretess-offline/1:";
/// Records read at once while looking for values of a field.
const SCAN_PAGE: usize = 256;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Whether a stored value is a restricted value sealed to the offline key.
pub(super) fn is_sealed(value: &str) -> bool {
    value.starts_with(SEALED_PREFIX)
}

/// The blind-index hash kept in a sealed value (`None`: the field was not searchable).
pub(super) fn sealed_index_hash(sealed: &str) -> Result<Option<[u8; 32]>, VaultError> {
    let rest = sealed.strip_prefix(SEALED_PREFIX).ok_or(VaultError::Integrity)?;
    let (hash, _) = rest.split_once(':').ok_or(VaultError::Integrity)?;
    if hash.is_empty() {
        return Ok(None);
    }
    let bytes = B64.decode(hash).map_err(|_| VaultError::Integrity)?;
    Ok(Some(bytes.try_into().map_err(|_| VaultError::Integrity)?))
}

/// The age ciphertext in a sealed value.
pub(super) fn sealed_ciphertext(sealed: &str) -> Result<&str, VaultError> {
    let rest = sealed.strip_prefix(SEALED_PREFIX).ok_or(VaultError::Integrity)?;
    Ok(rest.split_once(':').ok_or(VaultError::Integrity)?.1)
}

/// Replaces every restricted value of a decrypted customer by [`HELD_OFFLINE`]: no read
/// hands out even the sealed form.
pub(super) fn held_offline(mut fields: BTreeMap<String, FieldValue>) -> BTreeMap<String, FieldValue> {
    for value in fields.values_mut() {
        if is_sealed(value.expose()) {
            *value = FieldValue::new(HELD_OFFLINE);
        }
    }
    fields
}

impl<S: Store> Vault<S> {
    /// Sets (or clears) the offline key's public half. Without it, restricted values are
    /// refused (fail closed), never stored in a form the server could read.
    pub fn set_offline_recipient(&self, recipient: Option<OfflineRecipient>) -> Result<(), VaultError> {
        *self.offline.write().map_err(poisoned)? = recipient;
        Ok(())
    }

    pub(super) fn offline_recipient(&self) -> Result<OfflineRecipient, VaultError> {
        self.offline.read().map_err(poisoned)?.clone().ok_or(VaultError::OfflineKeyMissing)
    }

    /// Seals one validated, normalized restricted value of `code`'s `field` in group `group_id`.
    pub(super) fn seal_restricted(
        &self,
        group_id: u32,
        code: &str,
        field: &str,
        value: &str,
        hash: Option<[u8; 32]>,
    ) -> Result<Zeroizing<String>, VaultError> {
        let recipient = self.offline_recipient()?;
        let sealed = seal_value(&recipient, group_id, code, field, value)
            .map_err(|_| VaultError::Internal("sealing to the offline key failed"))?;
        let hash = hash.map(|h| B64.encode(h)).unwrap_or_default();
        Ok(Zeroizing::new(format!("{SEALED_PREFIX}{hash}:{}", B64.encode(sealed))))
    }

    /// A group's schema and its version.
    pub async fn group_schema(&self, group: &str) -> Result<(u32, Schema), VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        let shape = g.shape()?;
        Ok((shape.version, shape.schema.clone()))
    }

    /// Adds a field to a group's schema. Returns the new schema version.
    pub async fn add_field(&self, ctx: &AuditContext, group: &str, def: FieldDef) -> Result<u32, VaultError> {
        let name = def.name.clone();
        self.change_schema(ctx, group, &name, |schema, _| schema.add_field(def)).await
    }

    /// Changes a field of a group's schema. Refused, naming the field, when the change
    /// needs the field to hold no values ([`FieldChange::needs_no_values`]) and a customer
    /// of the group has one. Returns the new schema version.
    pub async fn change_field(
        &self,
        ctx: &AuditContext,
        group: &str,
        name: &str,
        change: FieldChange,
    ) -> Result<u32, VaultError> {
        self.change_schema(ctx, group, name, |schema, in_use| {
            let def =
                schema.field(name).ok_or_else(|| VaultError::UnknownField { field: name.to_owned() })?;
            if change.needs_no_values(def) && in_use {
                return Err(VaultError::FieldInUse { field: name.to_owned() });
            }
            schema.change_field(name, &change)
        })
        .await
    }

    /// One schema change: no writes meanwhile (the write gate, exclusively), the field's
    /// use looked up, the change checked, its audit entry written, then the new version
    /// stored and put in place.
    async fn change_schema(
        &self,
        ctx: &AuditContext,
        group: &str,
        field: &str,
        apply: impl FnOnce(&mut Schema, bool) -> Result<(), VaultError>,
    ) -> Result<u32, VaultError> {
        let _gate = self.write_gate.write().await;
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        Self::usable(&g)?;
        let shape = g.shape()?;
        let in_use = shape.schema.field(field).is_some() && self.field_has_values(&g, field).await?;
        let mut schema = shape.schema.clone();
        apply(&mut schema, in_use)?;
        let version = shape.version.checked_add(1).ok_or(VaultError::Internal("schema version overflow"))?;
        let json = schema.to_json()?;
        let mut event = ctx.event(Action::SchemaChange.as_str());
        event.group = Some(g.row.name.clone());
        event.fields = vec![field.to_owned()];
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let stored = async {
            let next = Shape::new(version, schema, g.index_root()?)?;
            self.store.put_group_schema(g.row.id, version, &json, self.clock.now()).await.map_err(
                |e| match e {
                    StoreError::Conflict { .. } => VaultError::Invalid {
                        field: field.to_owned(),
                        rule: "the schema changed meanwhile; try again",
                    },
                    other => other.into(),
                },
            )?;
            *g.shape.write().map_err(poisoned)? = Arc::new(next);
            Ok(version)
        };
        Self::resolved(&u, &event, seq, stored.await).await
    }

    /// Whether any customer of `g` has a value of `field`: a walk over the group's records
    /// (field names only; nothing is decrypted). Runs only for a schema change.
    async fn field_has_values(&self, g: &OpenGroup<S::Group>, field: &str) -> Result<bool, VaultError> {
        let mut after = String::new();
        loop {
            // KEK version 0 is never used, so every record is listed.
            let page = g.store.wrapped_deks(0, &after, SCAN_PAGE).await?;
            let Some(last) = page.last() else { return Ok(false) };
            after.clone_from(&last.code);
            let codes: Vec<String> = page.iter().map(|w| w.code.clone()).collect();
            let records = g.store.get_customers(&codes).await?;
            if records.iter().any(|r| r.fields.iter().any(|(name, _)| name == field)) {
                return Ok(true);
            }
            if page.len() < SCAN_PAGE {
                return Ok(false);
            }
        }
    }
}
