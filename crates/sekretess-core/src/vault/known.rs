//! Known customers in a document (issue 18): the values a document holds, looked up in the
//! blind indexes of the groups a caller may reach, in one batch per group and one audit
//! entry per document. Values are normalized by the schema's own rules
//! ([`crate::schema::Schema::check`]), exactly as when they were stored.

use std::collections::BTreeSet;
use std::fmt;

use zeroize::Zeroizing;

use super::*;
use crate::schema::FieldType;

/// A value seen in a document: the field type it would have in the vault and the text as
/// written. `Debug` shows no value.
pub struct Probe {
    pub field_type: FieldType,
    pub value: Zeroizing<String>,
}

impl fmt::Debug for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Probe({}, <redacted>)", self.field_type.as_str())
    }
}

/// Whether a value of type `seen` may be stored in a field of type `field`.
fn fits(seen: FieldType, field: FieldType) -> bool {
    use FieldType as T;
    seen == field
        || matches!((seen, field), (T::SePersonnummer | T::UsSsn, T::NationalId))
        || matches!((seen, field), (T::NationalId, T::SePersonnummer | T::UsSsn))
}

impl<S: Store> Vault<S> {
    /// The customers of `groups` (by id; the caller has resolved them and checked the
    /// caller's grants) whose searchable fields hold one of `probes`: for each probe, the
    /// codes found (sorted, each once). A probe that is not a valid value of a field's type
    /// is not looked up in it. Locked groups are not consulted. Every group is asked once
    /// ([`GroupStore::find_many`]), and the whole lookup is one audit entry
    /// (`customer.identify`: the groups, the codes matched, the document id when given;
    /// never a value), recorded before anything is returned.
    pub async fn identify(
        &self,
        ctx: &AuditContext,
        groups: &[u32],
        probes: &[Probe],
        document: Option<&str>,
    ) -> Result<Vec<Vec<CustomerCode>>, VaultError> {
        let u = self.unsealed()?;
        let year = self.today_year();
        let mut found: Vec<BTreeSet<CustomerCode>> = vec![BTreeSet::new(); probes.len()];
        let mut names = Vec::new();
        let mut fields = BTreeSet::new();
        for &id in groups {
            let g = self.group_by_id(&u, id).await?;
            if Self::usable(&g).is_err() {
                continue;
            }
            names.push(g.row.name.clone());
            let mut entries = Vec::new();
            let mut owner = Vec::new();
            let shape = g.shape()?;
            for (i, p) in probes.iter().enumerate() {
                for def in
                    shape.schema.fields().iter().filter(|d| d.searchable && fits(p.field_type, d.field_type))
                {
                    let Ok(n) = shape.schema.check(&def.name, &p.value, year) else { continue };
                    let normalized = Zeroizing::new(n.index_form);
                    let key = shape.index_key(&def.name)?;
                    entries.push(IndexEntry {
                        field: def.name.clone(),
                        hash: key.index(normalized.as_bytes()),
                        unique: def.unique,
                    });
                    owner.push(i);
                    fields.insert(def.name.clone());
                }
            }
            if entries.is_empty() {
                continue;
            }
            for (k, code) in g.store.find_many(&entries).await? {
                let i = *owner.get(k).ok_or(VaultError::Integrity)?;
                found[i].insert(CustomerCode::parse(&code).map_err(|_| VaultError::Integrity)?);
            }
        }
        let matched: BTreeSet<&CustomerCode> = found.iter().flatten().collect();
        let mut event = ctx.event(Action::CustomerIdentify.as_str());
        event.group = (!names.is_empty()).then(|| names.join(","));
        if let [one] = matched.iter().collect::<Vec<_>>().as_slice() {
            event.customer = Some(one.compact().to_owned());
        }
        event.fields = fields.into_iter().collect();
        event.fields.push(format!("probes:{}", probes.len()));
        event.fields.extend(matched.iter().map(|c| format!("code:{}", c.compact())));
        if let Some(d) = document {
            event.fields.push(format!("document:{d}"));
        }
        u.audit.record(event, Outcome::Success).await?;
        Ok(found.into_iter().map(|s| s.into_iter().collect()).collect())
    }
}
