//! Retention (issue 24): how long a customer is kept, legal holds that stop erasure, and
//! the sweep that erases (crypto-shreds) every customer past retention.
//!
//! A customer is past retention at time `t` when its own `retain_until` is at most `t`,
//! or, without one, when its group has a default period ([`RetentionRules`]) and its last
//! change is at least that long ago. A customer on legal hold is never erased by a sweep,
//! whatever its dates. A sweep erases as [`Vault::erase_customer`] does (data key and
//! blind-index entries deleted, the erasure journaled for later backups), in batches: each
//! erasure is its own `customer.erase` entry (purpose `retention`), on record before the
//! batch is written, and one commit marker resolves the batch.

use std::collections::HashSet;

use super::*;

/// Every due customer of a group is listed at once (codes only, a few bytes each).
const DUE_LIMIT: usize = 50_000_000;
/// Customers erased per batch: one audit round, one journal write and one group
/// transaction each.
pub const SWEEP_BATCH: usize = 256;
/// The purpose written in the audit entry of an erasure by a sweep.
pub const SWEEP_PURPOSE: &str = "retention";

/// How long customers are kept by default, per group (server configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionRules {
    /// Seconds after a customer's last change, for groups not named in `groups`. `None`:
    /// such customers are kept until they are given a `retain_until`.
    pub default_after_change: Option<i64>,
    /// Per group name: seconds after a customer's last change.
    pub groups: BTreeMap<String, i64>,
}

impl RetentionRules {
    /// The default period of `group`, in seconds after the last change.
    pub fn after_change(&self, group: &str) -> Option<i64> {
        self.groups.get(group).copied().or(self.default_after_change)
    }

    /// When a customer of `group` is due: its own date, else its last change plus the
    /// group's default period, else never (`None`).
    pub fn due_at(&self, group: &str, retain_until: Option<i64>, updated_at: i64) -> Option<i64> {
        retain_until.or_else(|| self.after_change(group).map(|p| updated_at.saturating_add(p)))
    }
}

/// A customer's retention as the vault knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    pub code: CustomerCode,
    pub group: String,
    pub updated_at: i64,
    /// The customer's own date (`None`: the group's default applies).
    pub retain_until: Option<i64>,
    /// When the customer is due for erasure (`None`: never, as things stand).
    pub due_at: Option<i64>,
    /// Since when the customer is on legal hold.
    pub legal_hold_since: Option<i64>,
}

/// What one sweep of a group did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub group: String,
    /// Customers past retention when the sweep began (held ones included).
    pub due: u64,
    /// Of those, on legal hold (kept).
    pub held: u64,
    pub erased: u64,
}

impl<S: Store> Vault<S> {
    /// A customer's retention dates and legal hold (no personal value; not audited).
    pub async fn retention(
        &self,
        code: &CustomerCode,
        rules: &RetentionRules,
    ) -> Result<Retention, VaultError> {
        let (_u, g, record, _hold) = self.locate(code, Access::Read).await?;
        let legal_hold_since = self.store.legal_hold(code.compact()).await?;
        Ok(Retention {
            code: code.clone(),
            group: g.row.name.clone(),
            updated_at: record.updated_at,
            retain_until: record.retain_until,
            due_at: rules.due_at(&g.row.name, record.retain_until, record.updated_at),
            legal_hold_since,
        })
    }

    /// Sets (or, with `None`, clears) a customer's own retention date. Audited
    /// (`customer.retention`, the purpose given) before it is written.
    pub async fn set_retain_until(
        &self,
        ctx: &AuditContext,
        code: &CustomerCode,
        until: Option<i64>,
        purpose: Option<&str>,
    ) -> Result<(), VaultError> {
        let _gate = self.write_gate.read().await;
        let _retention = self.retention_gate.read().await;
        let (u, g, record, _hold) = self.locate(code, Access::Write).await?;
        let mut event = ctx.event(Action::CustomerRetention.as_str());
        event.group = Some(g.row.name.clone());
        event.customer = Some(record.code.clone());
        event.fields = vec![match until {
            Some(t) => format!("retain_until:{t}"),
            None => "retain_until:cleared".to_owned(),
        }];
        event.purpose = purpose.map(str::to_owned);
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let written = match g.store.set_retain_until(code.compact(), until).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(VaultError::NotFound),
            Err(e) => Err(e.into()),
        };
        Self::resolved(&u, &event, seq, written).await
    }

    /// Puts a customer on legal hold (`on`) or takes it off, for a stated reason. Audited
    /// (`customer.legal_hold` / `customer.legal_hold.clear`) before it is written.
    pub async fn set_legal_hold(
        &self,
        ctx: &AuditContext,
        code: &CustomerCode,
        on: bool,
        reason: &str,
    ) -> Result<(), VaultError> {
        let _gate = self.write_gate.read().await;
        let _retention = self.retention_gate.read().await;
        let (u, g, record, _hold) = self.locate(code, Access::Write).await?;
        let action = if on { Action::CustomerLegalHold } else { Action::CustomerLegalHoldClear };
        let mut event = ctx.event(action.as_str());
        event.group = Some(g.row.name.clone());
        event.customer = Some(record.code.clone());
        event.purpose = Some(crate::audit::escape_text(reason));
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let written = if on {
            self.store.set_legal_hold(code.compact(), g.row.id, self.clock.now()).await
        } else {
            self.store.clear_legal_hold(code.compact()).await.map(drop)
        };
        Self::resolved(&u, &event, seq, written.map_err(VaultError::from)).await
    }

    /// Codes of `group` past retention now and not on legal hold, in code order, and how
    /// many past retention are held.
    async fn due_now(
        &self,
        g: &OpenGroup<S::Group>,
        rules: &RetentionRules,
        now: i64,
    ) -> Result<(Vec<String>, u64), VaultError> {
        let changed_before = rules.after_change(&g.row.name).map(|p| now.saturating_sub(p));
        let due = g.store.retention_due(now, changed_before, DUE_LIMIT).await?;
        let holds: HashSet<String> = self.store.legal_holds(g.row.id).await?.into_iter().collect();
        let total = due.len();
        let free: Vec<String> = due.into_iter().map(|(c, _)| c).filter(|c| !holds.contains(c)).collect();
        let held = (total - free.len()) as u64;
        Ok((free, held))
    }

    /// The customers of `group` that a sweep now would erase (codes only), and how many
    /// past retention are on legal hold. Audited (`retention.due`).
    pub async fn retention_due(
        &self,
        ctx: &AuditContext,
        group: &str,
        rules: &RetentionRules,
    ) -> Result<(Vec<CustomerCode>, u64), VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        Self::usable(&g)?;
        let (due, held) = self.due_now(&g, rules, self.clock.now()).await?;
        let codes = due
            .iter()
            .map(|c| CustomerCode::parse(c).map_err(|_| VaultError::Integrity))
            .collect::<Result<Vec<_>, _>>()?;
        let mut event = ctx.event(Action::RetentionDue.as_str());
        event.group = Some(g.row.name.clone());
        event.fields = vec![format!("due:{}", codes.len()), format!("held:{held}")];
        u.audit.record(event, Outcome::Success).await?;
        Ok((codes, held))
    }

    /// How many customers of `group` are past retention now, and how many of them are held
    /// (for metrics; not audited, no code leaves).
    pub async fn retention_due_count(
        &self,
        group: &str,
        rules: &RetentionRules,
    ) -> Result<(u64, u64), VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        let (due, held) = self.due_now(&g, rules, self.clock.now()).await?;
        Ok((due.len() as u64, held))
    }

    /// Erases every customer of `group` past retention now and not on legal hold.
    pub async fn sweep_retention(
        &self,
        ctx: &AuditContext,
        group: &str,
        rules: &RetentionRules,
    ) -> Result<SweepReport, VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        Self::usable(&g)?;
        let now = self.clock.now();
        let (due, held) = self.due_now(&g, rules, now).await?;
        let mut report =
            SweepReport { group: g.row.name.clone(), due: due.len() as u64 + held, held, erased: 0 };
        for batch in due.chunks(SWEEP_BATCH) {
            report.erased += self.sweep_batch(ctx, &u, &g, batch, now).await?;
        }
        let mut event = ctx.event(Action::RetentionSweep.as_str());
        event.group = Some(g.row.name.clone());
        event.fields = vec![
            format!("due:{}", report.due),
            format!("held:{}", report.held),
            format!("erased:{}", report.erased),
        ];
        u.audit.record(event, Outcome::Success).await?;
        Ok(report)
    }

    /// Erases one batch of due customers: holds are read again under the retention gate
    /// (no hold set since the list was made is missed), each erasure is on record before
    /// the journal and the group are written.
    async fn sweep_batch(
        &self,
        ctx: &AuditContext,
        u: &Unsealed<S>,
        g: &OpenGroup<S::Group>,
        batch: &[String],
        now: i64,
    ) -> Result<u64, VaultError> {
        let _gate = self.write_gate.read().await;
        let _retention = self.retention_gate.write().await;
        Self::usable(g)?;
        let holds: HashSet<String> = self.store.legal_holds(g.row.id).await?.into_iter().collect();
        let codes: Vec<String> = batch.iter().filter(|c| !holds.contains(*c)).cloned().collect();
        let Some(first_code) = codes.first() else { return Ok(0) };
        let event_of = |code: &str| {
            let mut event = ctx.event(Action::CustomerErase.as_str());
            event.group = Some(g.row.name.clone());
            event.customer = Some(code.to_owned());
            event.purpose = Some(SWEEP_PURPOSE.to_owned());
            event
        };
        let events: Vec<(Event, Outcome)> = codes.iter().map(|c| (event_of(c), Outcome::Attempted)).collect();
        let seqs = u.audit.record_all(events).await?;
        let range = match (seqs.first(), seqs.last()) {
            (Some(&a), Some(&b)) => (a, b),
            _ => return Err(VaultError::Internal("audit round answered no sequence")),
        };
        let erased = async {
            self.store.record_erasures(&codes, g.row.id, now).await?;
            g.store.erase_customers(&codes).await
        }
        .await;
        let outcome = if erased.is_ok() { Outcome::Success } else { Outcome::Failed };
        let _ = u.audit.resolve(&event_of(first_code), range, outcome).await; // best effort
        Ok(erased?)
    }
}
