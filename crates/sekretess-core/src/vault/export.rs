//! The subject access export (GDPR articles 15 and 20, issue 24): everything the vault
//! holds about one customer, for that customer. Its fields (each listed; the server's
//! field policy decides how each is shown), created/updated times, retention, the
//! documents filed under the code, and every audit entry that names the code: who read,
//! revealed, changed, exported it, when, and for what purpose.
//!
//! The export is itself on record (`customer.export`, with its purpose) before anything
//! is returned, and so appears as the last entry of its own history.

use super::*;
use crate::access::GroupAccess;
use crate::audit::Entry;
use crate::schema::Sensitivity;
use crate::store::DocumentStore;

/// Audit entries of one customer put in an export at most (the oldest first).
const HISTORY_LIMIT: usize = 100_000;

/// How the vault holds a field's value, for the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding {
    /// The value, decrypted online.
    Value(FieldValue),
    /// Sealed to the offline key: the online vault lists the field but cannot read it.
    HeldOffline,
}

/// One field the customer has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedField {
    pub name: String,
    /// The field's sensitivity in the schema (a field the schema no longer names counts
    /// as restricted, as the field policy treats it).
    pub sensitivity: Sensitivity,
    pub holding: Holding,
}

/// Everything the vault holds about one customer.
#[derive(Debug, Clone)]
pub struct CustomerExport {
    pub code: CustomerCode,
    pub group: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The customer's own retention date (`None`: the group's default, if any).
    pub retain_until: Option<i64>,
    /// When the customer is due for erasure under the rules given (`None`: never).
    pub due_at: Option<i64>,
    pub legal_hold_since: Option<i64>,
    /// Every field the customer has, in name order.
    pub fields: Vec<ExportedField>,
    /// Documents filed under the code, in the groups the caller reaches, oldest first.
    pub documents: Vec<DocumentInfo>,
    /// Every audit entry naming the customer, oldest first (this export's own entry last).
    pub history: Vec<Entry>,
}

/// How a stored field is held: the one place that decides whether the online vault
/// shows a value. `value` is what the online vault could decrypt (`None`: nothing).
fn holding(sensitivity: Sensitivity, value: Option<FieldValue>) -> Holding {
    match (sensitivity, value) {
        // Restricted values are for the offline key alone: never shown online.
        (Sensitivity::Restricted, _) => Holding::HeldOffline,
        (_, Some(v)) => Holding::Value(v),
        // Stored, but not readable online.
        (_, None) => Holding::HeldOffline,
    }
}

impl<S: Store> Vault<S> {
    /// The subject access export of a customer, for `purpose` (required, recorded).
    pub async fn export_customer(
        &self,
        ctx: &AuditContext,
        reach: &GroupAccess,
        code: &CustomerCode,
        purpose: &str,
        rules: &super::RetentionRules,
    ) -> Result<CustomerExport, VaultError> {
        let (u, g, record, hold) = self.locate(code, Access::Read).await?;
        let (_dek, mut opened) = self.open_record(&g, &record, &hold).await?;
        // Every field stored, whether or not the online vault can read it.
        let fields: Vec<ExportedField> = record
            .fields
            .iter()
            .map(|(name, _)| {
                let sensitivity = self.schema.field(name).map_or(Sensitivity::Restricted, |d| d.sensitivity);
                ExportedField {
                    name: name.clone(),
                    sensitivity,
                    holding: holding(sensitivity, opened.remove(name)),
                }
            })
            .collect();
        let legal_hold_since = self.store.legal_hold(code.compact()).await?;
        let mut documents = Vec::new();
        for dg in self.reachable_groups(&u, reach).await? {
            if dg.locked.load(Ordering::SeqCst) {
                continue;
            }
            for doc in dg.store.documents_of(code.compact()).await? {
                let key = Self::document_key(&dg, &doc)?;
                documents.push(Self::document_info(&dg, &key, &doc)?);
            }
        }
        documents.sort_by(|a, b| (a.filed_at, &a.id).cmp(&(b.filed_at, &b.id)));
        let mut event = Self::customer_event(ctx, Action::CustomerExport, &g, &record.code, &record.fields);
        event.fields.extend(documents.iter().map(|d| format!("document:{}", d.id)));
        event.purpose = Some(purpose.to_owned());
        // On record before anything is read from the log or returned.
        u.audit.record(event, Outcome::Success).await?;
        let history = u.audit.store().audit_of_customer(code.compact(), 0, HISTORY_LIMIT).await?;
        Ok(CustomerExport {
            code: code.clone(),
            group: g.row.name.clone(),
            created_at: record.created_at,
            updated_at: record.updated_at,
            retain_until: record.retain_until,
            due_at: rules.due_at(&g.row.name, record.retain_until, record.updated_at),
            legal_hold_since,
            fields,
            documents,
            history,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_and_unreadable_values_are_held_offline() {
        let v = || Some(FieldValue::new("x"));
        assert_eq!(holding(Sensitivity::Restricted, v()), Holding::HeldOffline);
        assert_eq!(holding(Sensitivity::Restricted, None), Holding::HeldOffline);
        assert_eq!(holding(Sensitivity::Confidential, None), Holding::HeldOffline);
        assert_eq!(holding(Sensitivity::Internal, v()), Holding::Value(FieldValue::new("x")));
    }
}
