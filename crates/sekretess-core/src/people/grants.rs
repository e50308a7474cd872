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

    /// The field policy in force: the defaults with the stored changes applied.
    pub async fn field_policy(&self) -> Result<FieldPolicy, PeopleError> {
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
        let mut policy = self.field_policy().await?;
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
        self.resolved(&event, seq, set.map_err(PeopleError::from)).await?;
        Ok(policy)
    }
}
