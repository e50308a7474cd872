//! The process registry: every `sekretess serve` process writes a heartbeat row (id, host,
//! pid, address, start, last seen, sealed) to the control database every few seconds, and
//! `GET /v1/sys/processes` lists them, so an operator sees which processes are unsealed.
//!
//! The server stays generic over `S: Store + AccessStore`: the registry is reached through
//! the object-safe [`Registry`], set with [`crate::AppState::with_processes`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use sekretess_api as api;
use sekretess_core::access::AccessStore;
use sekretess_core::error::StoreError;
use sekretess_core::process::{ProcessRow, ProcessStore};
use sekretess_core::store::Store;
use sekretess_core::{Clock, Vault, VaultError};

use crate::AppState;
use crate::auth::{Authorized, need};
use crate::problem::ApiError;

/// Seconds between two heartbeats.
pub const HEARTBEAT_SECONDS: u64 = 3;
/// A process whose last heartbeat is older than this is shown as stale.
pub const STALE_SECONDS: i64 = 3 * HEARTBEAT_SECONDS as i64;
/// Rows not refreshed for this long are removed by the other processes' heartbeats.
pub const FORGET_SECONDS: i64 = 24 * 3600;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// [`ProcessStore`] behind a pointer.
pub trait Registry: Send + Sync + 'static {
    fn beat<'a>(&'a self, row: &'a ProcessRow) -> BoxFuture<'a, Result<(), StoreError>>;
    fn list(&self) -> BoxFuture<'_, Result<Vec<ProcessRow>, StoreError>>;
    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    fn prune(&self, before: i64) -> BoxFuture<'_, Result<u64, StoreError>>;
}

impl<T: ProcessStore> Registry for T {
    fn beat<'a>(&'a self, row: &'a ProcessRow) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.heartbeat(row))
    }
    fn list(&self) -> BoxFuture<'_, Result<Vec<ProcessRow>, StoreError>> {
        Box::pin(self.list_processes())
    }
    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.remove_process(id))
    }
    fn prune(&self, before: i64) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(self.prune_processes(before))
    }
}

/// This process, as it registers itself.
#[derive(Clone)]
pub struct ProcessRegistration {
    pub registry: Arc<dyn Registry>,
    pub id: String,
}

/// A random process id: 16 hex digits (unique, not secret).
pub fn new_process_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

/// The machine's host name, or `unknown`.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The heartbeat task; [`Heartbeat::stop`] ends it and removes the row.
pub struct Heartbeat {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Heartbeat {
    /// Writes the row now and then every [`HEARTBEAT_SECONDS`], with the vault's seal state.
    /// A failed write is logged and retried at the next beat (the control database may be
    /// briefly away); it never stops the server.
    pub fn start<S: Store + AccessStore>(
        vault: Arc<Vault<S>>,
        clock: Arc<dyn Clock>,
        registration: ProcessRegistration,
        listen: String,
    ) -> Heartbeat {
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let mut row = ProcessRow {
                id: registration.id.clone(),
                host: host_name(),
                pid: std::process::id(),
                listen,
                started_at: clock.now(),
                last_seen: clock.now(),
                sealed: true,
            };
            let mut ticker = tokio::time::interval(Duration::from_secs(HEARTBEAT_SECONDS));
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut beats: u64 = 0;
            loop {
                tokio::select! {
                    _ = ticker.tick() => {},
                    _ = &mut stopped => break,
                }
                // Another process may have initialized the vault since this one started.
                if let Err(e) = vault.refresh_meta().await {
                    tracing::debug!(error = %e, "reading the vault metadata failed");
                }
                row.last_seen = clock.now();
                row.sealed = vault.seal_status().map(|s| s.sealed).unwrap_or(true);
                if let Err(e) = registration.registry.beat(&row).await {
                    tracing::warn!(error = %e, "process heartbeat failed");
                }
                if beats.is_multiple_of(100)
                    && let Err(e) = registration.registry.prune(clock.now() - FORGET_SECONDS).await
                {
                    tracing::debug!(error = %e, "pruning old process rows failed");
                }
                beats += 1;
            }
            if let Err(e) = registration.registry.remove(&registration.id).await {
                tracing::warn!(error = %e, "could not unregister this process");
            }
        });
        Heartbeat { stop: Some(stop), task }
    }

    /// Stops beating and unregisters this process.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// The `sekretess serve` processes sharing this control database, and which are unsealed.
#[utoipa::path(operation_id = "list_processes", get, path = "/v1/sys/processes", tag = "sys", security(("bearer" = ["sys:seal"])),
    responses((status = 200, description = "Every registered `sekretess serve` process", body = api::Processes)))]
pub async fn list_processes<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    _auth: Authorized<need::SysSeal>,
) -> Result<Json<api::Processes>, ApiError> {
    let Some(reg) = &st.processes else {
        return Ok(Json(api::Processes { processes: Vec::new() }));
    };
    let now = st.clock.now();
    let sealed_here = st.vault.seal_status()?.sealed;
    let rows = reg.registry.list().await.map_err(|e| ApiError::Vault(VaultError::Store(e)))?;
    let processes = rows
        .into_iter()
        .map(|p| api::Process {
            stale: now - p.last_seen > STALE_SECONDS,
            this_process: p.id == reg.id,
            // This process's own state is current, not as of its last heartbeat.
            sealed: if p.id == reg.id { sealed_here } else { p.sealed },
            id: p.id,
            host: p.host,
            pid: p.pid,
            listen: p.listen,
            started_at: p.started_at,
            last_seen: p.last_seen,
        })
        .collect();
    Ok(Json(api::Processes { processes }))
}
