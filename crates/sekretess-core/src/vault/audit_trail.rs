//! The vault's audit log as other layers see it: recording, flushing, checkpoints, verification.

use super::*;

impl<S: Store> Vault<S> {
    /// Records an event of another layer (logins, API keys, …) in the audit chain.
    /// Between init and the first unseal, the init-time audit log takes these events.
    pub async fn record_event(&self, event: Event, outcome: Outcome) -> Result<u64, VaultError> {
        match self.unsealed() {
            Ok(u) => Ok(u.audit.record(event, outcome).await?),
            Err(VaultError::Sealed) => {
                let init_audit = self.init_audit.lock().map_err(poisoned)?.clone();
                let audit = init_audit.ok_or(VaultError::Sealed)?;
                Ok(audit.record(event, outcome).await?)
            }
            Err(e) => Err(e),
        }
    }

    /// Waits until every commit marker written in the background is durable (a test, or a
    /// reader of the store itself, sees them then).
    pub async fn audit_flush(&self) -> Result<(), VaultError> {
        Ok(self.unsealed()?.audit.flush().await?)
    }

    /// Records events of another layer together (one durable write); needs the vault
    /// unsealed.
    pub async fn record_events(&self, events: Vec<(Event, Outcome)>) -> Result<Vec<u64>, VaultError> {
        Ok(self.unsealed()?.audit.record_all(events).await?)
    }

    /// A signed checkpoint of the audit chain's head (needs the vault unsealed).
    pub async fn audit_checkpoint(&self) -> Result<crate::audit::Checkpoint, VaultError> {
        Ok(self.unsealed()?.audit.checkpoint().await?)
    }

    /// Verifies the audit chain (needs the vault unsealed).
    pub async fn audit_verify(
        &self,
        checkpoint: Option<&crate::audit::Checkpoint>,
    ) -> Result<crate::audit::Verdict, VaultError> {
        Ok(self.unsealed()?.audit.verify(checkpoint).await?)
    }

    /// The audit verification key, for an auditor's offline `audit verify`. Recorded.
    /// Holds the key of every epoch (see [`AuditKeyring`]).
    pub async fn audit_verification_key(&self, ctx: &AuditContext) -> Result<AuditKeyring, VaultError> {
        let u = self.unsealed()?;
        u.audit.record(ctx.event(Action::AuditKeyExport.as_str()), Outcome::Success).await?;
        Ok(u.audit.keyring())
    }

    /// Audit writes that failed since this process started (for metrics).
    pub fn audit_failures(&self) -> u64 {
        self.audit_failures.load(Ordering::Relaxed)
    }

    /// Clears what erasures left behind in every open group's store files
    /// ([`GroupStore::purge_erased`]).
    pub async fn purge_erased(&self) -> Result<(), VaultError> {
        let u = self.unsealed()?;
        let groups: Vec<_> = u.groups.read().map_err(poisoned)?.clone();
        for g in groups {
            g.store.purge_erased().await?;
        }
        Ok(())
    }
}
