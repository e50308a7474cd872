//! Dual control: the changes that need a second security officer.
//!
//! Unlocking a group, changing the field policy, creating an API key that may reveal
//! values and publishing an agreement are not made when asked for: they become a pending
//! [`RequestRow`] (with an expiry from the injected clock) that another security officer
//! approves or rejects. [`People::decide_request`] checks who decides (a security officer,
//! not the requester) and moves the request out of `pending` in one conditional write, so
//! two officers deciding at once cannot both carry it out. Carrying the change out is the
//! caller's (the server's) job, with the request's payload. Every step is audited:
//! `approval.request`, `approval.approve`, `approval.reject`, each naming `request:<id>`
//! and the request's kind.
//!
//! A vault with fewer than two active security officers cannot approve anything; its
//! status says so ([`People::active_officers`]).

use super::*;

/// What a pending request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestKind {
    UnlockGroup,
    SetPolicy,
    CreateApiKey,
    PublishAgreement,
}

impl RequestKind {
    pub const ALL: [RequestKind; 4] = [
        RequestKind::UnlockGroup,
        RequestKind::SetPolicy,
        RequestKind::CreateApiKey,
        RequestKind::PublishAgreement,
    ];

    /// The stored name (never changes).
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::UnlockGroup => "group.unlock",
            RequestKind::SetPolicy => "policy.set",
            RequestKind::CreateApiKey => "apikey.create",
            RequestKind::PublishAgreement => "agreement.publish",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a request stands. An expired request is one still `pending` past its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestState {
    Pending,
    Approved,
    Rejected,
    /// Approved, but carrying the change out failed (nothing was changed).
    Failed,
}

impl RequestState {
    pub const ALL: [RequestState; 4] =
        [RequestState::Pending, RequestState::Approved, RequestState::Rejected, RequestState::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Pending => "pending",
            RequestState::Approved => "approved",
            RequestState::Rejected => "rejected",
            RequestState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A new pending request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub kind: RequestKind,
    /// What it is about, for lists and audit (`group:retail`, `role:agent`, …); no values.
    pub target: String,
    /// The change itself, as JSON (group name, policy cell, key name/scopes/groups,
    /// agreement text). Never a secret.
    pub payload: String,
    /// The requester as an audit actor (`employee:3`, `apikey:…`).
    pub requested_by: String,
    pub requested_at: i64,
    pub expires_at: i64,
}

/// A stored request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub id: u64,
    pub kind: RequestKind,
    pub target: String,
    pub payload: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub expires_at: i64,
    pub state: RequestState,
    pub decided_by: Option<u64>,
    pub decided_at: Option<i64>,
}

impl RequestRow {
    /// `pending`, `expired` (pending past its expiry), `approved`, `rejected` or `failed`.
    pub fn status(&self, now: i64) -> &'static str {
        if self.state == RequestState::Pending && now >= self.expires_at {
            "expired"
        } else {
            self.state.as_str()
        }
    }
}

/// Storage of pending requests (control store).
pub trait RequestStore: Send + Sync + 'static {
    fn insert_request(&self, request: &NewRequest) -> impl Future<Output = Result<u64, StoreError>> + Send;
    fn get_request(&self, id: u64) -> impl Future<Output = Result<Option<RequestRow>, StoreError>> + Send;
    /// Every request, newest first.
    fn list_requests(&self) -> impl Future<Output = Result<Vec<RequestRow>, StoreError>> + Send;
    /// Moves a request from `from` to `to`, only if it is in `from` and (when `now` is
    /// given) not expired at `now`. Returns whether it applied.
    fn set_request_state(
        &self,
        id: u64,
        from: RequestState,
        to: RequestState,
        decided_by: Option<u64>,
        at: i64,
        now: Option<i64>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Binds an API key to client certificates as `binding` says, replacing any binding
    /// it had (of either kind).
    fn bind_api_key(
        &self,
        key_id: &str,
        binding: &KeyBinding,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The binding of an API key, if any.
    fn api_key_binding(
        &self,
        key_id: &str,
    ) -> impl Future<Output = Result<Option<KeyBinding>, StoreError>> + Send;
}

/// What client certificate an API key bound for mTLS needs on its connection.
///
/// Exhaustive on purpose: a new kind must be handled wherever a binding is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyBinding {
    /// One certificate: the SHA-256 of its DER. A renewed certificate needs a new binding.
    Certificate([u8; 32]),
    /// Any certificate with exactly this subject, issued by this CA: `subject` is the DER
    /// content octets of the certificate's subject `Name` (the encoding inside its outer
    /// SEQUENCE, compared byte for byte, no normalisation); `ca_sha256` is the SHA-256 of
    /// the DER of the CA certificate that signed it in the verified chain. A renewed
    /// certificate for the same subject from the same CA keeps working.
    SubjectAndCa { subject: Vec<u8>, ca_sha256: [u8; 32] },
}

fn request_target(id: u64) -> String {
    format!("request:{id}")
}

impl<S: Store + PeopleStore> People<S> {
    /// The time on the injected clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// How many security officers are active. Below two, nothing that needs a second
    /// officer can be approved.
    pub async fn active_officers(&self) -> Result<usize, PeopleError> {
        Ok(self
            .store()
            .list_employees()
            .await?
            .iter()
            .filter(|e| e.state == EmployeeState::Active && e.roles.contains(&Role::SecurityOfficer))
            .count())
    }

    /// Whether changes need a second officer: once any security officer is active. Before
    /// that (only the init bootstrap key exists) nobody could approve.
    pub async fn dual_control(&self) -> Result<bool, PeopleError> {
        Ok(self.active_officers().await? > 0)
    }

    /// Files a pending request (audited as `approval.request`); returns it.
    pub async fn request_change(
        &self,
        ctx: &AuditContext,
        kind: RequestKind,
        target: String,
        payload: String,
    ) -> Result<RequestRow, PeopleError> {
        let now = self.clock.now();
        let new = NewRequest {
            kind,
            target: target.clone(),
            payload,
            requested_by: ctx.actor.clone(),
            requested_at: now,
            expires_at: now.saturating_add(self.config.approval_seconds),
        };
        let event =
            Self::event(ctx, Action::ApprovalRequest, vec![format!("kind:{}", kind.as_str()), target]);
        let seq = self.attempt(&event).await?;
        let id = self.store().insert_request(&new).await.map_err(PeopleError::from);
        let id = self.resolved(&event, seq, id).await?;
        self.store().get_request(id).await?.ok_or(PeopleError::UnknownRequest)
    }

    /// Requests, newest first (security officers and auditors).
    pub async fn list_requests(&self, actor: &Principal) -> Result<Vec<RequestRow>, PeopleError> {
        if !actor.has_role(Role::SecurityOfficer) && !actor.has_role(Role::Auditor) {
            return Err(PeopleError::Forbidden { role: Role::SecurityOfficer.as_str() });
        }
        Ok(self.store().list_requests().await?)
    }

    /// A security officer other than the requester approves (`approve`) or rejects a
    /// pending, unexpired request. An approved request is `approved` when this returns; the
    /// caller carries the change out and calls [`People::request_failed`] if that fails.
    pub async fn decide_request(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        id: u64,
        approve: bool,
    ) -> Result<RequestRow, PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        let row = self.store().get_request(id).await?.ok_or(PeopleError::UnknownRequest)?;
        let action = if approve { Action::ApprovalApprove } else { Action::ApprovalReject };
        let event = Self::event(
            ctx,
            action,
            vec![request_target(id), format!("kind:{}", row.kind.as_str()), row.target.clone()],
        );
        if row.requested_by == actor.actor() {
            self.record(event, Outcome::Denied).await?;
            return Err(PeopleError::SelfApproval);
        }
        let now = self.clock.now();
        if row.state != RequestState::Pending || now >= row.expires_at {
            self.record(event, Outcome::Denied).await?;
            return Err(PeopleError::RequestClosed { status: row.status(now) });
        }
        let to = if approve { RequestState::Approved } else { RequestState::Rejected };
        let seq = self.attempt(&event).await?;
        let done = self
            .store()
            .set_request_state(id, RequestState::Pending, to, Some(actor.employee_id), now, Some(now))
            .await;
        let done = match done {
            Ok(true) => Ok(()),
            Ok(false) => Err(PeopleError::RequestClosed { status: "decided" }),
            Err(e) => Err(e.into()),
        };
        self.resolved(&event, seq, done).await?;
        self.store().get_request(id).await?.ok_or(PeopleError::UnknownRequest)
    }

    /// Marks an approved request whose change could not be made as `failed`.
    pub async fn request_failed(&self, id: u64) -> Result<(), PeopleError> {
        let now = self.clock.now();
        self.store()
            .set_request_state(id, RequestState::Approved, RequestState::Failed, None, now, None)
            .await?;
        Ok(())
    }
}
