//! The background key work of a running server: rewraps data keys to their group's
//! current key version and retires old versions ([`Vault::rewrap_step`]), woken by a
//! rotation or an unseal and otherwise looking every few seconds, so a rewrap left by a
//! restart resumes once the vault is unsealed.

use std::sync::Arc;
use std::time::Duration;

use sekretess_core::store::Store;
use sekretess_core::{Vault, VaultError};

/// Idle look-around interval.
const IDLE: Duration = Duration::from_secs(5);

pub(crate) async fn run<S: Store>(vault: Arc<Vault<S>>) {
    let wake = vault.key_work_wanted();
    let mut idle_steps = 0u32;
    loop {
        match vault.rewrap_step().await {
            Ok(r) if r.pending => {
                if r.retired > 0 {
                    tracing::warn!(
                        retired = r.retired,
                        "old group key versions retired: no data key uses them"
                    );
                }
                idle_steps = if r.rewrapped > 0 { 0 } else { idle_steps + 1 };
                if idle_steps < 3 {
                    tokio::task::yield_now().await;
                } else {
                    // Only unreadable keys left, or rows a writer keeps changing.
                    idle_steps = 0;
                    tokio::select! { () = wake.notified() => {}, () = tokio::time::sleep(Duration::from_secs(1)) => {} }
                }
            }
            Ok(_) | Err(VaultError::Sealed) => {
                tokio::select! { () = wake.notified() => {}, () = tokio::time::sleep(IDLE) => {} }
            }
            Err(e) => {
                tracing::warn!(error = %e, "background rewrap step failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
