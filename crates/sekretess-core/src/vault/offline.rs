//! Offline export: customers' restricted values, still sealed to the offline key, put in
//! one bundle that is sealed as a whole to the offline key again. Nothing here opens a
//! value (the vault holds no offline identity); the bundle is opened by
//! `sekretess offline reveal` on the air-gapped machine.

use sekretess_crypto::offline::{BUNDLE_FORMAT, Bundle, BundleCustomer, BundleField, seal};

use super::schema::{is_sealed, sealed_ciphertext};
use super::*;

/// Customers in one export at most.
pub const MAX_EXPORT_CUSTOMERS: usize = 1000;

/// A sealed export bundle.
pub struct OfflineExport {
    pub export_id: String,
    /// How many restricted values it holds (sealed).
    pub values: usize,
    /// The age file (binary), sealed to the offline key.
    pub bundle: Vec<u8>,
}

impl<S: Store> Vault<S> {
    /// Exports the restricted values of `codes` (customers of `group`) for `purpose`. Each
    /// customer's export is on record (`offline.export`, with the purpose and the names of
    /// the fields exported) before the bundle is returned. A code of another group reads as
    /// not found, like an unknown one.
    pub async fn offline_export(
        &self,
        ctx: &AuditContext,
        group: &str,
        codes: &[CustomerCode],
        purpose: &str,
    ) -> Result<OfflineExport, VaultError> {
        if purpose.trim().is_empty() {
            return Err(VaultError::Invalid { field: "purpose".into(), rule: "a purpose is required" });
        }
        if codes.is_empty() || codes.len() > MAX_EXPORT_CUSTOMERS {
            return Err(VaultError::Invalid { field: "customers".into(), rule: "1 to 1000 customer codes" });
        }
        let recipient = self.offline_recipient()?;
        let u = self.unsealed()?;
        let want = self.group_by_name(&u, group).await?;
        let mut customers = Vec::with_capacity(codes.len());
        let mut events = Vec::with_capacity(codes.len());
        let mut values = 0;
        for code in codes {
            if customers.iter().any(|c: &BundleCustomer| c.code == code.compact()) {
                continue;
            }
            if self.group_of(code).await? != want.row.id {
                return Err(VaultError::NotFound);
            }
            let (_, g, record, hold) = self.locate(code, Access::Read).await?;
            let (_dek, fields) = self.open_record(&g, &record, &hold).await?;
            let mut sealed = Vec::new();
            for (name, value) in &fields {
                if is_sealed(value.expose()) {
                    sealed.push(BundleField {
                        name: name.clone(),
                        sealed: sealed_ciphertext(value.expose())?.to_owned(),
                    });
                }
            }
            values += sealed.len();
            let names: Vec<(String, ())> = sealed.iter().map(|f| (f.name.clone(), ())).collect();
            let mut event = Self::customer_event(ctx, Action::OfflineExport, &g, &record.code, &names);
            event.purpose = Some(purpose.to_owned());
            events.push((event, Outcome::Success));
            customers.push(BundleCustomer { code: record.code.clone(), fields: sealed });
        }
        let mut id = [0u8; 16];
        sekretess_crypto::fill_random(&mut id)?;
        let export_id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let bundle = Bundle {
            format: BUNDLE_FORMAT.to_owned(),
            export_id: export_id.clone(),
            group: want.row.name.clone(),
            group_id: want.row.id,
            created_at: self.clock.now(),
            exported_by: ctx.actor.clone(),
            purpose: purpose.to_owned(),
            customers,
        };
        let json = serde_json::to_vec(&bundle).map_err(|_| VaultError::Internal("bundle does not encode"))?;
        let bundle =
            seal(&recipient, &json).map_err(|_| VaultError::Internal("sealing the bundle failed"))?;
        // On record before the bundle leaves.
        u.audit.record_all(events).await?;
        Ok(OfflineExport { export_id, values, bundle })
    }
}
