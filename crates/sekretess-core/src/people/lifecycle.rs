//! Approval, suspension, reinstatement, offboarding, and the list of employees.

use super::*;

impl<S: Store + PeopleStore> People<S> {
    /// A security officer approves a pending employee: never their own account, and never
    /// one they invited (dual control). One exception, as for the first officer: while the
    /// vault has a single active security officer, that officer may approve a security
    /// officer they invited (the second officer; audited with `dual-control:second-officer`),
    /// since nobody else could.
    pub async fn approve(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        employee_id: u64,
    ) -> Result<(), PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        let target = self.employee(employee_id).await?;
        let event = Self::event(ctx, Action::EmployeeApprove, vec![employee_target(employee_id)]);
        if actor.employee_id == employee_id {
            self.record(event, Outcome::Denied).await?;
            return Err(PeopleError::SelfApproval);
        }
        let mut event = event;
        if target.invited_by == Some(actor.employee_id) {
            let second_officer =
                target.roles == [Role::SecurityOfficer] && self.active_officers().await? == 1;
            if !second_officer {
                self.record(event, Outcome::Denied).await?;
                return Err(PeopleError::InviterApproval);
            }
            event.fields.push("dual-control:second-officer".to_owned());
        }
        self.transition(event, &target, EmployeeState::PendingApproval, EmployeeState::Active, Some(actor))
            .await
    }

    /// Suspends an employee: their sessions end at once and they cannot log in.
    pub async fn suspend(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        employee_id: u64,
    ) -> Result<(), PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        if actor.employee_id == employee_id {
            return Err(PeopleError::SelfAction { action: "suspend" });
        }
        let target = self.employee(employee_id).await?;
        let event = Self::event(ctx, Action::EmployeeSuspend, vec![employee_target(employee_id)]);
        let from = match target.state {
            EmployeeState::Active | EmployeeState::PendingApproval => target.state,
            other => {
                return Err(PeopleError::WrongState {
                    state: other.as_str(),
                    expected: "an active or pending employee",
                });
            }
        };
        self.transition(event, &target, from, EmployeeState::Suspended, None).await?;
        self.store().delete_sessions_of(employee_id).await?;
        Ok(())
    }

    /// Makes a suspended employee active again (a security officer other than them).
    pub async fn reinstate(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        employee_id: u64,
    ) -> Result<(), PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        if actor.employee_id == employee_id {
            return Err(PeopleError::SelfAction { action: "reinstate" });
        }
        let target = self.employee(employee_id).await?;
        let event = Self::event(ctx, Action::EmployeeReinstate, vec![employee_target(employee_id)]);
        self.transition(event, &target, EmployeeState::Suspended, EmployeeState::Active, Some(actor)).await
    }

    /// Offboards an employee for good: credentials, grants and sessions are removed.
    pub async fn offboard(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        employee_id: u64,
    ) -> Result<(), PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        if actor.employee_id == employee_id {
            return Err(PeopleError::SelfAction { action: "offboard" });
        }
        let target = self.employee(employee_id).await?;
        if target.state == EmployeeState::Offboarded {
            return Err(PeopleError::WrongState { state: target.state.as_str(), expected: "not offboarded" });
        }
        let event = Self::event(ctx, Action::EmployeeOffboard, vec![employee_target(employee_id)]);
        self.transition(event, &target, target.state, EmployeeState::Offboarded, None).await?;
        self.store().clear_credentials(employee_id, self.clock.now()).await?;
        Ok(())
    }

    pub(super) async fn transition(
        &self,
        event: Event,
        target: &EmployeeRow,
        from: EmployeeState,
        to: EmployeeState,
        approved_by: Option<&Principal>,
    ) -> Result<(), PeopleError> {
        if target.state != from {
            self.record(event, Outcome::Denied).await?;
            return Err(PeopleError::WrongState { state: target.state.as_str(), expected: from.as_str() });
        }
        let seq = self.attempt(&event).await?;
        let by = approved_by.map(|p| p.employee_id);
        let done = self.store().set_employee_state(target.id, from, to, by, self.clock.now()).await;
        let done = match done {
            Ok(true) => Ok(()),
            Ok(false) => match self.employee(target.id).await {
                Ok(now) => {
                    Err(PeopleError::WrongState { state: now.state.as_str(), expected: from.as_str() })
                }
                Err(e) => Err(e),
            },
            Err(e) => Err(e.into()),
        };
        self.resolved(&event, seq, done).await
    }

    /// Every employee (security officers and auditors).
    pub async fn list_employees(&self, actor: &Principal) -> Result<Vec<EmployeeInfo>, PeopleError> {
        if !actor.has_role(Role::SecurityOfficer) && !actor.has_role(Role::Auditor) {
            return Err(PeopleError::Forbidden { role: Role::SecurityOfficer.as_str() });
        }
        Ok(self.store().list_employees().await?.iter().map(EmployeeInfo::from).collect())
    }

    // ---- logins and sessions
}
