//! The first officer, invitations and enrolment.

use super::*;

impl<S: Store + PeopleStore> People<S> {
    /// Creates the first security officer's enrolment. Allowed only while there is no
    /// employee at all; this officer becomes active on enrolment without a second person.
    pub async fn bootstrap_first_officer(
        &self,
        ctx: &AuditContext,
        login: &str,
        display_name: &str,
    ) -> Result<Invitation, PeopleError> {
        self.create_invitation(ctx, None, login, display_name, &[Role::SecurityOfficer], true).await
    }

    /// Whether an active security officer exists (after which the bootstrap key of init
    /// should stop working).
    pub async fn has_active_officer(&self) -> Result<bool, PeopleError> {
        Ok(self
            .store()
            .list_employees()
            .await?
            .iter()
            .any(|e| e.state == EmployeeState::Active && e.roles.contains(&Role::SecurityOfficer)))
    }

    /// A security officer invites an employee with `roles`; returns the one-time code.
    pub async fn invite(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        login: &str,
        display_name: &str,
        roles: &[Role],
    ) -> Result<Invitation, PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        self.create_invitation(ctx, Some(actor.employee_id), login, display_name, roles, false).await
    }

    pub(super) async fn create_invitation(
        &self,
        ctx: &AuditContext,
        invited_by: Option<u64>,
        login: &str,
        display_name: &str,
        roles: &[Role],
        bootstrap: bool,
    ) -> Result<Invitation, PeopleError> {
        let login = check_login(login)?;
        let display_name = check_display_name(display_name)?;
        let mut roles = roles.to_vec();
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err(PeopleError::InvalidInput { what: "roles", rule: "at least one role" });
        }
        let now = self.clock.now();
        let (code, hash) = new_enrolment_code()?;
        let expires_at = now + self.config.enrolment_seconds;
        let new = NewEmployee {
            login,
            display_name,
            roles: roles.clone(),
            bootstrap,
            enrolment_hash: hash,
            enrolment_expires: expires_at,
            invited_by,
            created_at: now,
        };
        let id = match self.store().insert_employee(&new, bootstrap).await {
            Ok(id) => id,
            Err(StoreError::Conflict { what }) if what == "employees exist" => {
                return Err(PeopleError::AlreadyBootstrapped);
            }
            Err(StoreError::Conflict { .. }) => return Err(PeopleError::LoginTaken),
            Err(e) => return Err(e.into()),
        };
        let mut targets = vec![employee_target(id)];
        targets.extend(roles.iter().map(|r| format!("role:{r}")));
        let action = if bootstrap { Action::EmployeeBootstrap } else { Action::EmployeeInvite };
        // The code only leaves once the invitation is on record.
        self.record(Self::event(ctx, action, targets), Outcome::Success).await?;
        Ok(Invitation { employee_id: id, code, expires_at })
    }

    /// Enrols with a one-time code: sets the password and a new TOTP secret. The account
    /// then waits for approval (the first security officer is active at once). A refused
    /// password changes nothing and the code stays usable.
    pub async fn enrol(
        &self,
        ctx: &AuditContext,
        code: &str,
        password: &str,
    ) -> Result<Enrolment, PeopleError> {
        let now = self.clock.now();
        let found = match parse_enrolment_code(code) {
            Some(hash) => self.store().employee_by_enrolment(&hash).await?.map(|e| (hash, e)),
            None => None,
        };
        let Some((hash, row)) = found.filter(|(_, e)| {
            e.state == EmployeeState::Invited && e.enrolment_expires.is_some_and(|t| now < t)
        }) else {
            self.record(ctx.event(Action::EmployeeEnrol.as_str()), Outcome::Denied).await?;
            return Err(PeopleError::InvalidEnrolmentCode);
        };
        check_password(password, &row.login).map_err(PeopleError::WeakPassword)?;
        let phc = self.hash_password(password).await?;
        let secret = TotpSecret::generate()?;
        let sealed = self.vault.seal_people_secret(&totp_aad(row.id), secret.expose())?;
        let state = if row.bootstrap { EmployeeState::Active } else { EmployeeState::PendingApproval };
        let event = Self::event(ctx, Action::EmployeeEnrol, vec![employee_target(row.id)]);
        let seq = self.attempt(&event).await?;
        let done = match self.store().complete_enrolment(row.id, &hash, &phc, &sealed, state, now).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(PeopleError::InvalidEnrolmentCode),
            Err(e) => Err(e.into()),
        };
        self.resolved(&event, seq, done).await?;
        let otpauth_uri = secret.otpauth_uri(&self.config.totp_issuer, &row.login);
        Ok(Enrolment { employee_id: row.id, login: row.login, state, totp_secret: secret, otpauth_uri })
    }

    /// Gives a still-`invited` employee a new enrolment code (the old one stops working),
    /// e.g. after it expired.
    pub async fn reissue_enrolment(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        employee_id: u64,
    ) -> Result<Invitation, PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        let target = self.employee(employee_id).await?;
        if target.state != EmployeeState::Invited {
            return Err(PeopleError::WrongState { state: target.state.as_str(), expected: "invited" });
        }
        let now = self.clock.now();
        let (code, hash) = new_enrolment_code()?;
        let expires_at = now + self.config.enrolment_seconds;
        let event = Self::event(ctx, Action::EmployeeReinvite, vec![employee_target(employee_id)]);
        let seq = self.attempt(&event).await?;
        let done = match self.store().set_enrolment(employee_id, &hash, expires_at, now).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(PeopleError::WrongState { state: "not invited", expected: "invited" }),
            Err(e) => Err(e.into()),
        };
        self.resolved(&event, seq, done).await?;
        Ok(Invitation { employee_id, code, expires_at })
    }
}
