//! Employees: invitation, enrolment, approval, suspension, offboarding; logins with
//! Argon2id and TOTP, lockout, sessions; group grants and the stored field policy.
//!
//! [`People`] is the service the server calls. It sits beside the [`Vault`]: it reads and
//! writes employee rows through [`PeopleStore`], seals TOTP secrets with
//! [`Vault::seal_people_secret`] (a key derived from the root key, so logins need the vault
//! unsealed, like everything but health and unseal), and records every event in the audit
//! chain through [`Vault::record_event`], never with a password, code or token in it.
//!
//! Lifecycle: `invited` (one-time enrolment code, stored only as a SHA-256 hash, expiring,
//! single use) -> [`People::enrol`] (password + TOTP secret) -> `pending_approval` ->
//! [`People::approve`] by a security officer who is not the employee -> `active` ->
//! `suspended` (all sessions revoked; [`People::reinstate`] brings it back) or
//! `offboarded` (credentials, grants and sessions removed; final). The first security
//! officer, made by [`People::bootstrap_first_officer`] while there is no employee at
//! all, is the only one active without a second person's approval.
//!
//! Audit entries of employee events name their targets in the entry's `fields` list
//! (`employee:<id>`, `group:<name>`, `role:<name>`, `agreement:<version>`), since the
//! audit entry has no separate target column.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, OnceLock};

use sekretess_crypto::password::{self, PasswordParams, Verified};
use sekretess_crypto::totp::{self, TotpSecret};
use sekretess_crypto::{crockford, digest, fill_random};
use zeroize::Zeroizing;

use crate::audit::{Action, AuditContext, Event, Outcome};
use crate::clock::Clock;
use crate::error::{StoreError, VaultError};
use crate::policy::{Decision, FieldPolicy, PolicyError, Role};
use crate::schema::Sensitivity;
use crate::store::Store;
use crate::vault::Vault;

mod credentials;
mod enrol;
mod grants;
mod lifecycle;
mod login;
mod requests;
mod storage;

use credentials::*;
pub use credentials::{
    EnrolmentCode, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, SessionToken, check_display_name, check_login,
    check_password,
};
pub use grants::POLICY_CACHE_SECONDS;
pub use requests::{KeyBinding, NewRequest, RequestKind, RequestRow, RequestState, RequestStore};
pub use storage::PeopleStore;

// ---------------------------------------------------------------------------------------
// Types shared with the store

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmployeeState {
    Invited,
    PendingApproval,
    Active,
    Suspended,
    Offboarded,
}

impl EmployeeState {
    pub const ALL: [EmployeeState; 5] = [
        EmployeeState::Invited,
        EmployeeState::PendingApproval,
        EmployeeState::Active,
        EmployeeState::Suspended,
        EmployeeState::Offboarded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EmployeeState::Invited => "invited",
            EmployeeState::PendingApproval => "pending_approval",
            EmployeeState::Active => "active",
            EmployeeState::Suspended => "suspended",
            EmployeeState::Offboarded => "offboarded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// An employee as stored. Holds hashes and sealed secrets only.
#[derive(Clone, PartialEq, Eq)]
pub struct EmployeeRow {
    pub id: u64,
    /// Unique login name (lower case).
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub state: EmployeeState,
    /// The first security officer: active on enrolment without a second person.
    pub bootstrap: bool,
    /// Argon2id PHC string.
    pub password_hash: Option<String>,
    /// The TOTP secret sealed by [`Vault::seal_people_secret`].
    pub totp_sealed: Option<Vec<u8>>,
    pub last_totp_step: Option<u64>,
    pub failed_logins: u32,
    pub locked_until: Option<i64>,
    /// SHA-256 of the enrolment code; cleared when used.
    pub enrolment_hash: Option<[u8; 32]>,
    pub enrolment_expires: Option<i64>,
    pub invited_by: Option<u64>,
    pub approved_by: Option<u64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl fmt::Debug for EmployeeRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmployeeRow")
            .field("id", &self.id)
            .field("login", &self.login)
            .field("roles", &self.roles)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// A new employee row (state `invited`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmployee {
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub bootstrap: bool,
    pub enrolment_hash: [u8; 32],
    pub enrolment_expires: i64,
    pub invited_by: Option<u64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 of the token text.
    pub token_hash: [u8; 32],
    pub employee_id: u64,
    pub created_at: i64,
    pub last_seen: i64,
    pub origin: Option<String>,
}

/// The account's failure count after a failed login, and the lock it caused, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCount {
    pub failures: u32,
    pub locked_until: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRow {
    pub version: u32,
    /// Markdown.
    pub text: String,
    pub sha256: [u8; 32],
    pub published_at: i64,
    pub published_by: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureRow {
    pub employee_id: u64,
    pub version: u32,
    /// SHA-256 of the text that was signed.
    pub sha256: [u8; 32],
    pub signed_at: i64,
    pub origin: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Errors

/// Which password rule a new password broke. The message names the rule, never the
/// password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PasswordRule {
    TooShort,
    TooLong,
    Common,
    Repetitive,
    ContainsLogin,
}

impl fmt::Display for PasswordRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PasswordRule::TooShort => "a password needs at least 12 characters",
            PasswordRule::TooLong => "a password has at most 128 characters",
            PasswordRule::Common => "this password is on the list of common passwords",
            PasswordRule::Repetitive => "a password cannot be one character repeated",
            PasswordRule::ContainsLogin => "a password cannot contain the login name",
        })
    }
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeopleError {
    /// Unknown login, wrong password, wrong or replayed TOTP code, or a locked account: one
    /// answer for all, so a caller learns nothing about which accounts exist.
    #[error("login failed")]
    LoginFailed,
    /// The credentials were right, but the account cannot log in in this state.
    #[error("this account is {state} and cannot log in")]
    NotActive { state: &'static str },
    /// Unknown, revoked or malformed session token (or a token of another kind).
    #[error("the session is not valid; log in again")]
    SessionInvalid,
    #[error("the session has expired; log in again")]
    SessionExpired,
    #[error("this needs the {role} role")]
    Forbidden { role: &'static str },
    #[error("an employee cannot approve their own account")]
    SelfApproval,
    #[error("a security officer cannot {action} their own account")]
    SelfAction { action: &'static str },
    /// Unknown, used or expired code: one answer for all.
    #[error("the enrolment code is not valid (unknown, already used or expired)")]
    InvalidEnrolmentCode,
    #[error("the password was refused: {0}")]
    WeakPassword(PasswordRule),
    #[error("the password is wrong")]
    PasswordMismatch,
    #[error("the account is locked after too many failed attempts; try again later")]
    AccountLocked,
    #[error("the employee is {state}; this needs {expected}")]
    WrongState { state: &'static str, expected: &'static str },
    #[error("no such employee")]
    UnknownEmployee,
    #[error("an employee with this login already exists")]
    LoginTaken,
    #[error("invalid {what}: {rule}")]
    InvalidInput { what: &'static str, rule: &'static str },
    #[error("the first security officer exists already")]
    AlreadyBootstrapped,
    #[error("no customer group named {0:?}")]
    UnknownGroup(String),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("no confidentiality agreement has been published")]
    NoAgreement,
    #[error("agreement version {given} is not the current one (version {current})")]
    AgreementOutdated { given: u32, current: u32 },
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// Dual control: the officer who invited an employee cannot also approve them.
    #[error("the officer who invited an employee cannot approve them; another security officer must")]
    InviterApproval,
    #[error("no such request")]
    UnknownRequest,
    #[error("the request is {status}, no longer pending")]
    RequestClosed { status: &'static str },
}

impl From<StoreError> for PeopleError {
    fn from(e: StoreError) -> Self {
        PeopleError::Vault(VaultError::Store(e))
    }
}

impl From<sekretess_crypto::CryptoError> for PeopleError {
    fn from(e: sekretess_crypto::CryptoError) -> Self {
        PeopleError::Vault(e.into())
    }
}

// ---------------------------------------------------------------------------------------
// The service

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleConfig {
    /// Argon2id cost for new hashes; a login with a hash of other parameters rehashes.
    pub password_params: PasswordParams,
    /// A session ends after this long without a request (default 15 minutes).
    pub session_idle_seconds: i64,
    /// A session ends this long after login, whatever happens (default 12 hours).
    pub session_absolute_seconds: i64,
    /// Failed logins (wrong password or TOTP code) before the account locks (default 10).
    pub max_failures: u32,
    /// How long a lock lasts (default 30 minutes).
    pub lockout_seconds: i64,
    /// How long an enrolment code is valid (default 72 hours).
    pub enrolment_seconds: i64,
    /// Issuer shown by authenticator apps.
    pub totp_issuer: String,
    /// How long a request that needs a second officer stays open (default 24 hours).
    pub approval_seconds: i64,
}

impl Default for PeopleConfig {
    fn default() -> Self {
        PeopleConfig {
            password_params: PasswordParams::default(),
            session_idle_seconds: 15 * 60,
            session_absolute_seconds: 12 * 3600,
            max_failures: 10,
            lockout_seconds: 30 * 60,
            enrolment_seconds: 72 * 3600,
            totp_issuer: "Sekretess".to_owned(),
            approval_seconds: 24 * 3600,
        }
    }
}

/// An employee as shown to security officers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeInfo {
    pub id: u64,
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub state: EmployeeState,
    pub invited_by: Option<u64>,
    pub approved_by: Option<u64>,
    pub locked_until: Option<i64>,
    pub created_at: i64,
}

impl From<&EmployeeRow> for EmployeeInfo {
    fn from(r: &EmployeeRow) -> Self {
        EmployeeInfo {
            id: r.id,
            login: r.login.clone(),
            display_name: r.display_name.clone(),
            roles: r.roles.clone(),
            state: r.state,
            invited_by: r.invited_by,
            approved_by: r.approved_by,
            locked_until: r.locked_until,
            created_at: r.created_at,
        }
    }
}

/// What an invitation hands out once.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub employee_id: u64,
    pub code: EnrolmentCode,
    pub expires_at: i64,
}

/// What enrolment hands out once: the TOTP secret for the authenticator app.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub employee_id: u64,
    pub login: String,
    /// `active` for the first security officer, `pending_approval` for everyone else.
    pub state: EmployeeState,
    pub totp_secret: TotpSecret,
    /// `otpauth://` URI (for a QR code).
    pub otpauth_uri: Zeroizing<String>,
}

/// A logged-in employee, as the server sees them on each request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub employee_id: u64,
    pub login: String,
    pub roles: Vec<Role>,
    /// Granted customer groups: id -> name.
    pub groups: BTreeMap<u32, String>,
    /// The current agreement version, if one was ever published.
    pub agreement_version: Option<u32>,
    /// Whether this employee signed the current version. `false` when no agreement was
    /// ever published: customer data stays closed until one is (deny by default).
    pub agreement_signed: bool,
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the employee was granted the group of this name (never an id).
    pub fn has_group(&self, name: &str) -> bool {
        self.groups.values().any(|granted| granted == name)
    }

    /// `employee:<id>`, the actor in audit entries.
    pub fn actor(&self) -> String {
        format!("employee:{}", self.employee_id)
    }

    /// An audit context for this employee's request.
    pub fn audit_context(&self, request_id: Option<String>, origin: Option<String>) -> AuditContext {
        AuditContext { actor: self.actor(), request_id, origin }
    }
}

/// A successful login.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub token: SessionToken,
    pub principal: Principal,
    /// When the session ends at the latest (absolute timeout).
    pub expires_at: i64,
}

/// The employees service over a vault whose store also keeps people.
pub struct People<S: Store + PeopleStore> {
    pub(crate) vault: Arc<Vault<S>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: PeopleConfig,
    dummy_hash: OnceLock<String>,
    /// The field policy as last read, so a read request reads no table ([`People::field_policy`]).
    pub(crate) policy_cache: grants::PolicyCache,
}

fn employee_target(id: u64) -> String {
    format!("employee:{id}")
}

fn totp_aad(employee_id: u64) -> Vec<u8> {
    let mut aad = b"totp\0".to_vec();
    aad.extend_from_slice(&employee_id.to_be_bytes());
    aad
}

impl<S: Store + PeopleStore> People<S> {
    /// `clock` should be the vault's clock.
    pub fn new(vault: Arc<Vault<S>>, clock: Arc<dyn Clock>, config: PeopleConfig) -> Self {
        People {
            vault,
            clock,
            config,
            dummy_hash: OnceLock::new(),
            policy_cache: grants::PolicyCache::default(),
        }
    }

    pub fn config(&self) -> &PeopleConfig {
        &self.config
    }

    pub fn vault(&self) -> &Arc<Vault<S>> {
        &self.vault
    }

    pub(crate) fn store(&self) -> &S {
        self.vault.store()
    }

    pub(crate) async fn record(&self, event: Event, outcome: Outcome) -> Result<(), PeopleError> {
        self.vault.record_event(event, outcome).await?;
        Ok(())
    }

    /// Puts a write on record before it is made (fail closed), as an attempt: returns its
    /// sequence number for [`People::resolved`].
    pub(crate) async fn attempt(&self, event: &Event) -> Result<u64, PeopleError> {
        Ok(self.vault.record_event(event.clone(), Outcome::Attempted).await?)
    }

    /// Resolves the attempt at `seq` with the result of its write (a commit marker, best
    /// effort: without it the attempt claims no outcome), and passes the result on.
    pub(crate) async fn resolved<T>(
        &self,
        event: &Event,
        seq: u64,
        result: Result<T, PeopleError>,
    ) -> Result<T, PeopleError> {
        let outcome = if result.is_ok() { Outcome::Success } else { Outcome::Failed };
        let _ = self.vault.record_event(crate::audit::commit_marker(event, seq, seq), outcome).await;
        result
    }

    pub(crate) fn event(ctx: &AuditContext, action: Action, targets: Vec<String>) -> Event {
        let mut e = ctx.event(action.as_str());
        e.fields = targets;
        e
    }

    pub(crate) fn require(actor: &Principal, role: Role) -> Result<(), PeopleError> {
        if actor.has_role(role) { Ok(()) } else { Err(PeopleError::Forbidden { role: role.as_str() }) }
    }

    async fn employee(&self, id: u64) -> Result<EmployeeRow, PeopleError> {
        self.store().get_employee(id).await?.ok_or(PeopleError::UnknownEmployee)
    }

    // ---- password hashing off the async threads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules() {
        assert_eq!(check_password("short", "anna"), Err(PasswordRule::TooShort));
        assert_eq!(check_password("ööööö", "anna"), Err(PasswordRule::TooShort));
        assert_eq!(check_password(&"ab".repeat(65), "anna"), Err(PasswordRule::TooLong));
        assert!(check_password(&"åäö".repeat(42), "anna").is_ok(), "126 Unicode characters are fine");
        assert_eq!(check_password("aaaaaaaaaaaaaaa", "anna"), Err(PasswordRule::Repetitive));
        assert_eq!(check_password("Password2026!", "anna"), Err(PasswordRule::Common));
        assert_eq!(check_password("QWERTYUIOP123", "anna"), Err(PasswordRule::Common));
        assert_eq!(check_password("123456789012", "anna"), Err(PasswordRule::Common));
        assert_eq!(check_password("correct horse battery staple", "anna"), Err(PasswordRule::Common));
        assert_eq!(
            check_password("my name is Anna.Berg!", "anna.berg@example.com"),
            Err(PasswordRule::ContainsLogin)
        );
        assert!(check_password("violet kettle drums at dawn", "anna").is_ok());
        // The rule message never holds the password.
        let msg = PeopleError::WeakPassword(PasswordRule::Common).to_string();
        assert!(!msg.contains("Password2026"));
    }

    #[test]
    fn common_list_is_loaded() {
        assert!(common_passwords().len() > 300);
        assert!(common_passwords().contains("password"));
    }

    #[test]
    fn enrolment_codes_parse_forgivingly() {
        let (code, hash) = new_enrolment_code().unwrap();
        assert_eq!(code.expose().len(), 32 + 7);
        assert_eq!(parse_enrolment_code(code.expose()), Some(hash));
        assert_eq!(parse_enrolment_code(&code.expose().to_lowercase()), Some(hash));
        assert_eq!(parse_enrolment_code(&code.expose().replace('-', " ")), Some(hash));
        assert_eq!(parse_enrolment_code("not a code"), None);
        assert_eq!(format!("{code:?}"), "EnrolmentCode(<redacted>)");
    }

    #[test]
    fn session_tokens() {
        let (token, hash) = new_session_token().unwrap();
        assert_eq!(token.expose().len(), 4 + 64);
        assert_eq!(session_hash(token.expose()), Some(hash));
        assert_eq!(session_hash(&token.expose().replace("sks_", "sek_")), None);
        assert_eq!(session_hash(&token.expose()[..60]), None);
        assert_eq!(session_hash(&token.expose().to_uppercase()), None);
        assert_eq!(format!("{token:?}"), "SessionToken(<redacted>)");
    }
}
