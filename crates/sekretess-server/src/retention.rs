//! Retention (issue 24): the configured rules, the daily sweep and what the metrics say.
//!
//! The sweep runs once a day at a configured time of day (UTC, by the vault's clock) over
//! every open group, as `system`; each erasure is audited and journaled by the vault
//! ([`Vault::sweep_retention`]). The number of customers due (and of those on legal hold)
//! is refreshed every few minutes and after each sweep, for `/v1/sys/metrics`: totals
//! only, no code or group name.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use sekretess_core::audit::AuditContext;
use sekretess_core::store::{GroupState, Store};
use sekretess_core::{Clock, RetentionRules, Vault};

const DAY: i64 = 86_400;
/// How often the due counts for the metrics are refreshed.
const REFRESH: i64 = 300;

/// The retention settings of a server (`[server.retention]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionOptions {
    pub rules: RetentionRules,
    /// Seconds after midnight UTC at which the daily sweep runs (`None`: no sweep; `sekretess
    /// retention due` still lists who is due).
    pub sweep_at: Option<i64>,
}

/// The options and what the metrics report.
#[derive(Debug, Default)]
pub struct RetentionState {
    options: std::sync::RwLock<RetentionOptions>,
    due: AtomicU64,
    held: AtomicU64,
    erased: AtomicU64,
    /// When the due counts were last refreshed (-1: never).
    counted_at: AtomicI64,
    last_sweep: AtomicI64,
}

impl RetentionState {
    pub fn new(options: RetentionOptions) -> Self {
        RetentionState {
            options: std::sync::RwLock::new(options),
            counted_at: AtomicI64::new(-1),
            ..Default::default()
        }
    }

    pub fn set_options(&self, options: RetentionOptions) {
        match self.options.write() {
            Ok(mut o) => *o = options,
            Err(poisoned) => *poisoned.into_inner() = options,
        }
    }

    pub fn options(&self) -> RetentionOptions {
        self.options.read().map(|o| o.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    pub fn rules(&self) -> RetentionRules {
        self.options().rules
    }

    /// Counts the customers due (and held) in every open group now.
    pub async fn refresh<S: Store>(&self, vault: &Vault<S>, now: i64) {
        let Ok(groups) = vault.list_groups() else { return };
        let (mut due, mut held) = (0u64, 0u64);
        for g in groups.iter().filter(|g| g.state == GroupState::Open) {
            match vault.retention_due_count(&g.name, &self.rules()).await {
                Ok((d, h)) => {
                    due += d;
                    held += h;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "counting the customers due for retention failed");
                    return;
                }
            }
        }
        self.due.store(due, Ordering::Relaxed);
        self.held.store(held, Ordering::Relaxed);
        self.counted_at.store(now, Ordering::Relaxed);
    }

    /// Sweeps every open group now; returns how many customers were erased.
    pub async fn sweep<S: Store>(&self, vault: &Vault<S>, now: i64) -> u64 {
        let Ok(groups) = vault.list_groups() else { return 0 };
        let mut erased = 0;
        for g in groups.iter().filter(|g| g.state == GroupState::Open) {
            match vault.sweep_retention(&AuditContext::system(), &g.name, &self.rules()).await {
                Ok(r) => {
                    erased += r.erased;
                    tracing::info!(
                        due = r.due,
                        held = r.held,
                        erased = r.erased,
                        "retention sweep of a group done"
                    );
                }
                Err(e) => tracing::error!(error = %e, "retention sweep of a group failed"),
            }
        }
        self.erased.fetch_add(erased, Ordering::Relaxed);
        self.last_sweep.store(now, Ordering::Relaxed);
        self.refresh(vault, now).await;
        erased
    }

    /// Prometheus lines.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, kind: &str, v: i64| {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}\n"));
        };
        let n = |a: &AtomicU64| i64::try_from(a.load(Ordering::Relaxed)).unwrap_or(i64::MAX);
        gauge(
            "sekretess_retention_due_customers",
            "Customers past retention and not on legal hold, in all open groups (-1: not counted yet).",
            "gauge",
            if self.counted_at.load(Ordering::Relaxed) < 0 { -1 } else { n(&self.due) },
        );
        gauge(
            "sekretess_retention_held_customers",
            "Customers past retention but kept on legal hold.",
            "gauge",
            n(&self.held),
        );
        gauge(
            "sekretess_retention_erased_total",
            "Customers erased by retention sweeps since this process started.",
            "counter",
            n(&self.erased),
        );
        gauge(
            "sekretess_retention_last_sweep_timestamp_seconds",
            "When this process last ran a retention sweep (0: never).",
            "gauge",
            self.last_sweep.load(Ordering::Relaxed),
        );
        out
    }
}

/// The first sweep time after `now` for a sweep at `at` seconds after midnight UTC.
pub fn next_sweep(now: i64, at: i64) -> i64 {
    let next = now - now.rem_euclid(DAY) + at.rem_euclid(DAY);
    if next <= now { next + DAY } else { next }
}

/// Runs the daily sweep (if configured) and refreshes the due counts, by `clock`.
pub fn spawn_schedule<S: Store>(vault: Arc<Vault<S>>, clock: Arc<dyn Clock>, state: Arc<RetentionState>) {
    tokio::spawn(async move {
        let sweep_at = state.options().sweep_at;
        let mut next = sweep_at.map(|at| next_sweep(clock.now(), at));
        loop {
            let now = clock.now();
            if vault.seal_status().is_ok_and(|s| !s.sealed) {
                if let (Some(at), Some(due)) = (sweep_at, next)
                    && now >= due
                {
                    next = Some(next_sweep(now, at));
                    state.sweep(&vault, now).await;
                }
                if now - state.counted_at.load(Ordering::Relaxed) >= REFRESH {
                    state.refresh(&vault, now).await;
                }
            }
            tokio::time::sleep(Duration::from_secs(15)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_sweep_is_the_next_time_of_day() {
        // 2026-12-07T00:00:00Z = 1_796_601_600.
        let midnight = 1_796_601_600;
        assert_eq!(next_sweep(midnight, 3 * 3600), midnight + 3 * 3600);
        assert_eq!(next_sweep(midnight + 3 * 3600, 3 * 3600), midnight + DAY + 3 * 3600);
        assert_eq!(next_sweep(midnight + 5 * 3600, 3 * 3600), midnight + DAY + 3 * 3600);
    }
}
