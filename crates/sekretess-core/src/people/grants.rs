//! Group grants and the stored field policy.

use super::*;

impl<S: Store + PeopleStore> People<S> {
    /// The group of this name (groups are addressed by name only).
    pub(super) fn group_id(&self, name: &str) -> Result<(u32, String), PeopleError> {
        self.vault
            .list_groups()?
            .into_iter()
            .find(|g| g.name == name)
            .map(|g| (g.id, g.name))
            .ok_or_else(|| PeopleError::UnknownGroup(name.to_owned()))
    }

    /// Grants an employee one customer group.
    pub async fn grant(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        employee_id: u64,
        group: &str,
    ) -> Result<(), PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        let (gid, gname) = self.group_id(group)?;
        let target = self.employee(employee_id).await?;
        if target.state == EmployeeState::Offboarded {
            return Err(PeopleError::WrongState { state: target.state.as_str(), expected: "not offboarded" });
        }
        let mut event = Self::event(ctx, Action::GrantAdd, vec![employee_target(employee_id)]);
        event.group = Some(gname);
        let seq = self.attempt(&event).await?;
        let granted = self.store().grant_group(employee_id, gid, actor.employee_id, self.clock.now()).await;
        self.resolved(&event, seq, granted.map_err(PeopleError::from)).await?;
        Ok(())
    }

    /// Takes a group grant away.
    pub async fn revoke_grant(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        employee_id: u64,
        group: &str,
    ) -> Result<bool, PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        let (gid, gname) = self.group_id(group)?;
        let mut event = Self::event(ctx, Action::GrantRemove, vec![employee_target(employee_id)]);
        event.group = Some(gname);
        let seq = self.attempt(&event).await?;
        let revoked = self.store().revoke_group(employee_id, gid).await.map_err(PeopleError::from);
        self.resolved(&event, seq, revoked).await
    }

    /// The field policy in force: the defaults with the stored changes applied. Read from
    /// the store at most once per [`POLICY_CACHE_SECONDS`] (every customer read applies it);
    /// a change made through this process is seen at once, one made by another server
    /// process on the same control store within that time.
    pub async fn field_policy(&self) -> Result<FieldPolicy, PeopleError> {
        let now = self.clock.now();
        if let Some(p) = self.policy_cache.fresh(now) {
            return Ok(p);
        }
        let generation = self.policy_cache.generation();
        let policy = self.stored_field_policy().await?;
        self.policy_cache.put(generation, &policy, now);
        Ok(policy)
    }

    /// The field policy as stored now (no cache).
    async fn stored_field_policy(&self) -> Result<FieldPolicy, PeopleError> {
        let mut policy = FieldPolicy::default();
        for (role, s, d) in self.store().policy_rules().await? {
            // A stored cell that breaks a rule (edited by hand) is ignored: the default stays.
            let _ = policy.set(role, s, d);
        }
        Ok(policy)
    }

    /// Changes one cell of the field policy (security officers). `restricted` is never
    /// plain (nor revealable).
    pub async fn set_field_policy(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        role: Role,
        sensitivity: Sensitivity,
        decision: Decision,
    ) -> Result<FieldPolicy, PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        let mut policy = self.stored_field_policy().await?;
        let targets = vec![
            format!("role:{role}"),
            format!("sensitivity:{}", sensitivity.as_str()),
            format!("decision:{}", decision.as_str()),
        ];
        if let Err(e) = policy.set(role, sensitivity, decision) {
            self.record(Self::event(ctx, Action::PolicySet, targets), Outcome::Denied).await?;
            return Err(e.into());
        }
        let event = Self::event(ctx, Action::PolicySet, targets);
        let seq = self.attempt(&event).await?;
        let set = self.store().set_policy_rule(role, sensitivity, decision, self.clock.now()).await;
        // Forgotten whether or not the write took: the next read asks the store.
        self.policy_cache.forget();
        self.resolved(&event, seq, set.map_err(PeopleError::from)).await?;
        Ok(policy)
    }
}

/// How long the field policy read from the store is reused, in seconds (as API key records,
/// `KEY_CACHE_SECONDS` in the server).
pub const POLICY_CACHE_SECONDS: i64 = 5;

/// The field policy as last read from the store, and when. A change through this process
/// bumps the generation, so a read that began before it never puts the older policy back.
#[derive(Debug, Default)]
pub(crate) struct PolicyCache {
    inner: std::sync::RwLock<CachedPolicy>,
}

#[derive(Debug, Default)]
struct CachedPolicy {
    generation: u64,
    /// The policy and the time it was read.
    policy: Option<(FieldPolicy, i64)>,
}

impl PolicyCache {
    /// The cached policy, if read less than [`POLICY_CACHE_SECONDS`] before `now` (and not
    /// in the future: a clock set back reads again).
    fn fresh(&self, now: i64) -> Option<FieldPolicy> {
        let c = self.inner.read().ok()?;
        let (p, at) = c.policy.as_ref()?;
        (now >= *at && now - at < POLICY_CACHE_SECONDS).then(|| p.clone())
    }

    fn generation(&self) -> u64 {
        self.inner.read().map(|c| c.generation).unwrap_or(u64::MAX)
    }

    /// Keeps `policy`, read at `now`, unless the policy changed since `generation`.
    fn put(&self, generation: u64, policy: &FieldPolicy, now: i64) {
        if let Ok(mut c) = self.inner.write()
            && c.generation == generation
        {
            c.policy = Some((policy.clone(), now));
        }
    }

    /// Drops the cached policy (after a change).
    pub(crate) fn forget(&self) {
        match self.inner.write() {
            Ok(mut c) => {
                c.generation = c.generation.wrapping_add(1);
                c.policy = None;
            }
            // A poisoned lock: clear it, so no stale policy survives.
            Err(poisoned) => {
                let mut c = poisoned.into_inner();
                c.generation = c.generation.wrapping_add(1);
                c.policy = None;
            }
        }
    }
}
