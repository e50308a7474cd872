//! Passwords, logins with TOTP and lockout, sessions, password changes, re-verification.

use super::*;

impl<S: Store + PeopleStore> People<S> {
    pub(super) async fn hash_password(&self, password: &str) -> Result<String, PeopleError> {
        let pw = Zeroizing::new(password.to_owned());
        let params = self.config.password_params;
        tokio::task::spawn_blocking(move || password::hash_password(&pw, params))
            .await
            .map_err(|_| VaultError::Internal("password hashing task failed"))?
            .map_err(PeopleError::from)
    }

    /// Verifies `password` against `phc`, or against a dummy hash of the same cost when
    /// there is none (unknown login), so both take about the same time.
    pub(super) async fn verify_password(
        &self,
        password: &str,
        phc: Option<&str>,
    ) -> Result<Option<Verified>, PeopleError> {
        let real = phc.is_some();
        let phc = match phc {
            Some(p) => p.to_owned(),
            None => match self.dummy_hash.get() {
                Some(d) => d.clone(),
                None => {
                    let d = self.hash_password("sekretess dummy password for timing").await?;
                    self.dummy_hash.get_or_init(|| d).clone()
                }
            },
        };
        let pw = Zeroizing::new(password.to_owned());
        let params = self.config.password_params;
        let verdict = tokio::task::spawn_blocking(move || password::verify_password(&pw, &phc, params))
            .await
            .map_err(|_| VaultError::Internal("password hashing task failed"))?;
        Ok(if real { verdict.ok() } else { None })
    }

    // ---- lifecycle

    /// Logs in with login name, password and a TOTP code; returns a new session.
    ///
    /// Unknown login, wrong password, wrong or replayed code and a locked account all give
    /// [`PeopleError::LoginFailed`]; an unknown login is checked against a dummy hash so it
    /// takes about as long. Wrong passwords and wrong codes count towards the lockout.
    /// Only when everything is right does a non-active account learn its state.
    pub async fn login(
        &self,
        ctx: &AuditContext,
        login: &str,
        password: &str,
        totp_code: &str,
    ) -> Result<LoginOutcome, PeopleError> {
        let now = self.clock.now();
        let login = login.trim().to_lowercase();
        let row =
            if check_login(&login).is_ok() { self.store().employee_by_login(&login).await? } else { None };
        let anonymous = AuditContext { actor: "anonymous".into(), ..ctx.clone() };
        let Some(row) = row else {
            let _ = self.verify_password(password, None).await?;
            self.record(anonymous.event(Action::Login.as_str()), Outcome::Failed).await?;
            return Err(PeopleError::LoginFailed);
        };
        let actor = AuditContext { actor: employee_target(row.id), ..ctx.clone() };
        let verdict = self.verify_password(password, row.password_hash.as_deref()).await?;
        if row.locked_until.is_some_and(|t| now < t) {
            self.record(actor.event(Action::LoginLocked.as_str()), Outcome::Denied).await?;
            return Err(PeopleError::LoginFailed);
        }
        let step = match (verdict, &row.totp_sealed) {
            (Some(_), Some(sealed)) => {
                let secret =
                    TotpSecret::from_bytes(&self.vault.open_people_secret(&totp_aad(row.id), sealed)?);
                totp::verify(&secret, totp_code, now.max(0) as u64, row.last_totp_step).ok()
            }
            _ => None,
        };
        let Some(step) = step else {
            self.fail(&actor, &row, now).await?;
            return Err(PeopleError::LoginFailed);
        };
        // The step is used up whatever follows (no replay), and the failures are cleared.
        if !self.store().record_login_success(row.id, step).await? {
            self.fail(&actor, &row, now).await?;
            return Err(PeopleError::LoginFailed);
        }
        if row.state != EmployeeState::Active {
            self.record(actor.event(Action::Login.as_str()), Outcome::Denied).await?;
            return Err(PeopleError::NotActive { state: row.state.as_str() });
        }
        if verdict == Some(Verified::NeedsRehash) {
            let phc = self.hash_password(password).await?;
            self.store().set_password_hash(row.id, &phc, now).await?;
        }
        let (token, hash) = new_session_token()?;
        // Fail closed: no session without a durable record of the login.
        let event = actor.event(Action::Login.as_str());
        let seq = self.attempt(&event).await?;
        let session = SessionRow {
            token_hash: hash,
            employee_id: row.id,
            created_at: now,
            last_seen: now,
            origin: ctx.origin.clone(),
        };
        let inserted = self.store().insert_session(&session).await.map_err(PeopleError::from);
        self.resolved(&event, seq, inserted).await?;
        let principal = self.principal(&row).await?;
        Ok(LoginOutcome { token, principal, expires_at: now + self.config.session_absolute_seconds })
    }

    pub(super) async fn fail(
        &self,
        actor: &AuditContext,
        row: &EmployeeRow,
        now: i64,
    ) -> Result<(), PeopleError> {
        let count = self
            .store()
            .record_login_failure(row.id, now, self.config.max_failures, self.config.lockout_seconds)
            .await?;
        self.record(actor.event(Action::Login.as_str()), Outcome::Failed).await?;
        if count.locked_until.is_some_and(|t| t > now) && count.failures == 0 {
            self.record(actor.event(Action::LoginLockout.as_str()), Outcome::Denied).await?;
        }
        Ok(())
    }

    /// Checks a session token and returns who it belongs to. Expired sessions are deleted;
    /// a session of an employee who is no longer active is refused and deleted.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, PeopleError> {
        let hash = session_hash(token.trim()).ok_or(PeopleError::SessionInvalid)?;
        let session = self.store().get_session(&hash).await?.ok_or(PeopleError::SessionInvalid)?;
        let now = self.clock.now();
        if now - session.last_seen >= self.config.session_idle_seconds
            || now - session.created_at >= self.config.session_absolute_seconds
        {
            self.store().delete_session(&hash).await?;
            return Err(PeopleError::SessionExpired);
        }
        let row = self.store().get_employee(session.employee_id).await?;
        let Some(row) = row.filter(|r| r.state == EmployeeState::Active) else {
            self.store().delete_sessions_of(session.employee_id).await?;
            return Err(PeopleError::SessionInvalid);
        };
        self.store().touch_session(&hash, now).await?;
        self.principal(&row).await
    }

    /// Ends a session. An unknown token is `SessionInvalid`.
    pub async fn logout(&self, ctx: &AuditContext, token: &str) -> Result<(), PeopleError> {
        let hash = session_hash(token.trim()).ok_or(PeopleError::SessionInvalid)?;
        let session = self.store().get_session(&hash).await?.ok_or(PeopleError::SessionInvalid)?;
        self.store().delete_session(&hash).await?;
        let actor = AuditContext { actor: employee_target(session.employee_id), ..ctx.clone() };
        self.record(actor.event(Action::Logout.as_str()), Outcome::Success).await
    }

    /// Changes the caller's password (the old one re-entered); every session of theirs
    /// ends, so they log in again. A wrong old password counts towards the lockout.
    pub async fn change_password(
        &self,
        who: &Principal,
        ctx: &AuditContext,
        old_password: &str,
        new_password: &str,
    ) -> Result<(), PeopleError> {
        let row = self.employee(who.employee_id).await?;
        check_password(new_password, &row.login).map_err(PeopleError::WeakPassword)?;
        self.reverify(ctx, &row, old_password).await?;
        let phc = self.hash_password(new_password).await?;
        let event = Self::event(ctx, Action::EmployeePasswordChange, vec![employee_target(row.id)]);
        let seq = self.attempt(&event).await?;
        let set = self.store().set_password_hash(row.id, &phc, self.clock.now()).await;
        self.resolved(&event, seq, set.map_err(PeopleError::from)).await?;
        self.store().delete_sessions_of(row.id).await?;
        Ok(())
    }

    /// Re-asks the password of a logged-in employee (password change, agreement signing).
    pub(crate) async fn reverify(
        &self,
        ctx: &AuditContext,
        row: &EmployeeRow,
        password: &str,
    ) -> Result<(), PeopleError> {
        let now = self.clock.now();
        let verdict = self.verify_password(password, row.password_hash.as_deref()).await?;
        if row.locked_until.is_some_and(|t| now < t) {
            return Err(PeopleError::AccountLocked);
        }
        if verdict.is_none() {
            let actor = AuditContext { actor: employee_target(row.id), ..ctx.clone() };
            self.fail(&actor, row, now).await?;
            return Err(PeopleError::PasswordMismatch);
        }
        Ok(())
    }

    pub(super) async fn principal(&self, row: &EmployeeRow) -> Result<Principal, PeopleError> {
        let granted = self.store().groups_of(row.id).await?;
        let groups = self
            .vault
            .list_groups()?
            .into_iter()
            .filter(|g| granted.contains(&g.id))
            .map(|g| (g.id, g.name))
            .collect();
        let (agreement_version, agreement_signed) = match self.store().current_agreement().await? {
            None => (None, false),
            Some(a) => {
                let signed =
                    self.store().signature(row.id, a.version).await?.is_some_and(|s| s.sha256 == a.sha256);
                (Some(a.version), signed)
            }
        };
        Ok(Principal {
            employee_id: row.id,
            login: row.login.clone(),
            roles: row.roles.clone(),
            groups,
            agreement_version,
            agreement_signed,
        })
    }

    // ---- grants and policy
}
