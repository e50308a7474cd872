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

use crate::audit::{AuditContext, Event, Outcome};
use crate::clock::Clock;
use crate::error::{StoreError, VaultError};
use crate::policy::{Decision, FieldPolicy, PolicyError, Role};
use crate::schema::Sensitivity;
use crate::store::Store;
use crate::vault::Vault;

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

/// Storage of employees, sessions, grants, the field policy and agreements (in the control
/// store). Every method is one transaction; the conditional ones say whether they applied.
pub trait PeopleStore: Send + Sync + 'static {
    /// Inserts an employee; `Conflict { what: "login" }` if the login is taken. With
    /// `only_if_none`, fails with `Conflict { what: "employees exist" }` unless the table is
    /// empty (checked in the same transaction).
    fn insert_employee(
        &self,
        employee: &NewEmployee,
        only_if_none: bool,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    fn get_employee(&self, id: u64) -> impl Future<Output = Result<Option<EmployeeRow>, StoreError>> + Send;
    fn employee_by_login(
        &self,
        login: &str,
    ) -> impl Future<Output = Result<Option<EmployeeRow>, StoreError>> + Send;
    fn employee_by_enrolment(
        &self,
        code_hash: &[u8; 32],
    ) -> impl Future<Output = Result<Option<EmployeeRow>, StoreError>> + Send;
    fn list_employees(&self) -> impl Future<Output = Result<Vec<EmployeeRow>, StoreError>> + Send;
    /// Sets password and TOTP secret, clears the enrolment code and moves to `state`, only
    /// if the employee is still `invited` with this code hash. Returns whether it applied.
    fn complete_enrolment(
        &self,
        id: u64,
        code_hash: &[u8; 32],
        password_hash: &str,
        totp_sealed: &[u8],
        state: EmployeeState,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Replaces the enrolment code of a still-`invited` employee. Returns whether it applied.
    fn set_enrolment(
        &self,
        id: u64,
        code_hash: &[u8; 32],
        expires: i64,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Moves `from` -> `to` (setting `approved_by` when given). Returns whether it applied.
    fn set_employee_state(
        &self,
        id: u64,
        from: EmployeeState,
        to: EmployeeState,
        approved_by: Option<u64>,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn set_password_hash(
        &self,
        id: u64,
        password_hash: &str,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Counts a failure; at `max_failures` locks the account until `now + lock_seconds`
    /// and restarts the count.
    fn record_login_failure(
        &self,
        id: u64,
        now: i64,
        max_failures: u32,
        lock_seconds: i64,
    ) -> impl Future<Output = Result<FailureCount, StoreError>> + Send;
    /// Stores `totp_step` as the last used step, only if it is newer than the stored one,
    /// and clears the failure count and lock. Returns whether it applied (false: replay).
    fn record_login_success(
        &self,
        id: u64,
        totp_step: u64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Offboarding: removes password, TOTP secret, enrolment code, grants and sessions.
    fn clear_credentials(&self, id: u64, at: i64) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn insert_session(&self, session: &SessionRow) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn get_session(
        &self,
        token_hash: &[u8; 32],
    ) -> impl Future<Output = Result<Option<SessionRow>, StoreError>> + Send;
    fn touch_session(
        &self,
        token_hash: &[u8; 32],
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn delete_session(&self, token_hash: &[u8; 32]) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Deletes every session of an employee; returns how many there were.
    fn delete_sessions_of(&self, employee_id: u64) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Returns whether the grant is new.
    fn grant_group(
        &self,
        employee_id: u64,
        group_id: u32,
        by: u64,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn revoke_group(
        &self,
        employee_id: u64,
        group_id: u32,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn groups_of(&self, employee_id: u64) -> impl Future<Output = Result<Vec<u32>, StoreError>> + Send;

    /// Cells changed from the default policy.
    fn policy_rules(
        &self,
    ) -> impl Future<Output = Result<Vec<(Role, Sensitivity, Decision)>, StoreError>> + Send;
    fn set_policy_rule(
        &self,
        role: Role,
        sensitivity: Sensitivity,
        decision: Decision,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Publishes the next version (1, 2, …); returns it.
    fn insert_agreement(
        &self,
        text: &str,
        sha256: &[u8; 32],
        published_at: i64,
        published_by: u64,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;
    fn current_agreement(&self) -> impl Future<Output = Result<Option<AgreementRow>, StoreError>> + Send;
    /// Stores a signature; signing the same version again keeps the first.
    fn insert_signature(
        &self,
        signature: &SignatureRow,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn signature(
        &self,
        employee_id: u64,
        version: u32,
    ) -> impl Future<Output = Result<Option<SignatureRow>, StoreError>> + Send;
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
// Secrets handed out once

/// A one-time enrolment code (160 random bits, Crockford base32 in groups of four). Shown
/// once to the inviting officer; only its SHA-256 is stored.
#[derive(Clone)]
pub struct EnrolmentCode(Zeroizing<String>);

impl EnrolmentCode {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EnrolmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrolmentCode(<redacted>)")
    }
}

/// An opaque session token (`sks_` + 256 random bits in hex). Only its SHA-256 is stored.
#[derive(Clone)]
pub struct SessionToken(Zeroizing<String>);

impl SessionToken {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

const ENROLMENT_BYTES: usize = 20;
const SESSION_PREFIX: &str = "sks_";
const SESSION_BYTES: usize = 32;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, PeopleError> {
    let mut b = Zeroizing::new([0u8; N]);
    fill_random(&mut b[..])?;
    Ok(b)
}

fn new_enrolment_code() -> Result<(EnrolmentCode, [u8; 32]), PeopleError> {
    let bytes = random::<ENROLMENT_BYTES>()?;
    let symbols = Zeroizing::new(crockford::encode(&bytes[..]));
    let grouped: Vec<&str> =
        symbols.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    let code = EnrolmentCode(Zeroizing::new(grouped.join("-")));
    Ok((code, enrolment_hash(&bytes[..])))
}

fn enrolment_hash(bytes: &[u8]) -> [u8; 32] {
    let mut msg = Zeroizing::new(b"sekretess/v1/enrolment\0".to_vec());
    msg.extend_from_slice(bytes);
    digest::sha256(&msg)
}

/// The hash of a typed code (case, dashes, spaces and look-alikes forgiven), or `None`
/// for anything that cannot be a code.
fn parse_enrolment_code(text: &str) -> Option<[u8; 32]> {
    let symbols: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !matches!(c, '-' | ' ')).collect());
    let bytes = Zeroizing::new(crockford::decode(&symbols, ENROLMENT_BYTES)?);
    Some(enrolment_hash(&bytes))
}

fn new_session_token() -> Result<(SessionToken, [u8; 32]), PeopleError> {
    let bytes = random::<SESSION_BYTES>()?;
    let token = Zeroizing::new(format!("{SESSION_PREFIX}{}", hex(&bytes[..])));
    let hash = digest::sha256(token.as_bytes());
    Ok((SessionToken(token), hash))
}

/// The hash of a presented session token, or `None` if it is not shaped like one.
fn session_hash(token: &str) -> Option<[u8; 32]> {
    let body = token.strip_prefix(SESSION_PREFIX)?;
    if body.len() != SESSION_BYTES * 2 || !body.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    Some(digest::sha256(token.as_bytes()))
}

// ---------------------------------------------------------------------------------------
// Password rules

const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

fn common_passwords() -> &'static std::collections::HashSet<String> {
    static SET: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    })
}

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Checks a new password: 12 to 128 characters (Unicode scalar values; nothing is
/// truncated: Argon2id hashes every byte), not one character repeated, not containing the
/// login name, and not a common password (case-insensitive, also with trailing digits,
/// spaces and punctuation removed).
pub fn check_password(password: &str, login: &str) -> Result<(), PasswordRule> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordRule::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordRule::TooLong);
    }
    let mut it = password.chars();
    if let Some(first) = it.next()
        && it.all(|c| c == first)
    {
        return Err(PasswordRule::Repetitive);
    }
    let lower = Zeroizing::new(password.to_lowercase());
    let login = login.trim().to_lowercase();
    let login_name = login.split('@').next().unwrap_or_default();
    if login_name.chars().count() >= 4 && lower.contains(login_name) {
        return Err(PasswordRule::ContainsLogin);
    }
    let list = common_passwords();
    let stripped =
        lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace());
    if list.contains(lower.as_str()) || (stripped.chars().count() >= 4 && list.contains(stripped)) {
        return Err(PasswordRule::Common);
    }
    Ok(())
}

/// Checks and normalizes a login (also used before init, which must not fail half-way).
pub fn check_login(login: &str) -> Result<String, PeopleError> {
    let login = login.trim().to_lowercase();
    let bad = |rule| PeopleError::InvalidInput { what: "login", rule };
    if login.is_empty() || login.len() > 254 {
        return Err(bad("1 to 254 characters"));
    }
    if !login.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@' | b'+')) {
        return Err(bad("letters a-z, digits and . _ - @ + only"));
    }
    Ok(login)
}

/// Checks a display name.
pub fn check_display_name(name: &str) -> Result<String, PeopleError> {
    let name = name.trim();
    let bad = |rule| PeopleError::InvalidInput { what: "display name", rule };
    if name.is_empty() || name.chars().count() > 100 {
        return Err(bad("1 to 100 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(bad("no control characters"));
    }
    Ok(name.to_owned())
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
        People { vault, clock, config, dummy_hash: OnceLock::new() }
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

    pub(crate) fn event(ctx: &AuditContext, action: &str, targets: Vec<String>) -> Event {
        let mut e = ctx.event(action);
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

    async fn hash_password(&self, password: &str) -> Result<String, PeopleError> {
        let pw = Zeroizing::new(password.to_owned());
        let params = self.config.password_params;
        tokio::task::spawn_blocking(move || password::hash_password(&pw, params))
            .await
            .map_err(|_| VaultError::Internal("password hashing task failed"))?
            .map_err(PeopleError::from)
    }

    /// Verifies `password` against `phc`, or against a dummy hash of the same cost when
    /// there is none (unknown login), so both take about the same time.
    async fn verify_password(
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

    async fn create_invitation(
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
        let action = if bootstrap { "employee.bootstrap" } else { "employee.invite" };
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
            self.record(ctx.event("employee.enrol"), Outcome::Denied).await?;
            return Err(PeopleError::InvalidEnrolmentCode);
        };
        check_password(password, &row.login).map_err(PeopleError::WeakPassword)?;
        let phc = self.hash_password(password).await?;
        let secret = TotpSecret::generate()?;
        let sealed = self.vault.seal_people_secret(&totp_aad(row.id), secret.expose())?;
        let state = if row.bootstrap { EmployeeState::Active } else { EmployeeState::PendingApproval };
        let event = Self::event(ctx, "employee.enrol", vec![employee_target(row.id)]);
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
        let event = Self::event(ctx, "employee.reinvite", vec![employee_target(employee_id)]);
        let seq = self.attempt(&event).await?;
        let done = match self.store().set_enrolment(employee_id, &hash, expires_at, now).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(PeopleError::WrongState { state: "not invited", expected: "invited" }),
            Err(e) => Err(e.into()),
        };
        self.resolved(&event, seq, done).await?;
        Ok(Invitation { employee_id, code, expires_at })
    }

    /// A security officer approves a pending employee; never their own account.
    pub async fn approve(
        &self,
        actor: &Principal,
        ctx: &AuditContext,
        employee_id: u64,
    ) -> Result<(), PeopleError> {
        Self::require(actor, Role::SecurityOfficer)?;
        let target = self.employee(employee_id).await?;
        let event = Self::event(ctx, "employee.approve", vec![employee_target(employee_id)]);
        if actor.employee_id == employee_id {
            self.record(event, Outcome::Denied).await?;
            return Err(PeopleError::SelfApproval);
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
        let event = Self::event(ctx, "employee.suspend", vec![employee_target(employee_id)]);
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
        let event = Self::event(ctx, "employee.reinstate", vec![employee_target(employee_id)]);
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
        let event = Self::event(ctx, "employee.offboard", vec![employee_target(employee_id)]);
        self.transition(event, &target, target.state, EmployeeState::Offboarded, None).await?;
        self.store().clear_credentials(employee_id, self.clock.now()).await?;
        Ok(())
    }

    async fn transition(
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
            self.record(anonymous.event("login"), Outcome::Failed).await?;
            return Err(PeopleError::LoginFailed);
        };
        let actor = AuditContext { actor: employee_target(row.id), ..ctx.clone() };
        let verdict = self.verify_password(password, row.password_hash.as_deref()).await?;
        if row.locked_until.is_some_and(|t| now < t) {
            self.record(actor.event("login.locked"), Outcome::Denied).await?;
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
            self.record(actor.event("login"), Outcome::Denied).await?;
            return Err(PeopleError::NotActive { state: row.state.as_str() });
        }
        if verdict == Some(Verified::NeedsRehash) {
            let phc = self.hash_password(password).await?;
            self.store().set_password_hash(row.id, &phc, now).await?;
        }
        let (token, hash) = new_session_token()?;
        // Fail closed: no session without a durable record of the login.
        let event = actor.event("login");
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

    async fn fail(&self, actor: &AuditContext, row: &EmployeeRow, now: i64) -> Result<(), PeopleError> {
        let count = self
            .store()
            .record_login_failure(row.id, now, self.config.max_failures, self.config.lockout_seconds)
            .await?;
        self.record(actor.event("login"), Outcome::Failed).await?;
        if count.locked_until.is_some_and(|t| t > now) && count.failures == 0 {
            self.record(actor.event("login.lockout"), Outcome::Denied).await?;
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
        self.record(actor.event("logout"), Outcome::Success).await
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
        let event = Self::event(ctx, "employee.password_change", vec![employee_target(row.id)]);
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

    async fn principal(&self, row: &EmployeeRow) -> Result<Principal, PeopleError> {
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

    /// The group of this name (groups are addressed by name only).
    fn group_id(&self, name: &str) -> Result<(u32, String), PeopleError> {
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
        let mut event = Self::event(ctx, "grant.add", vec![employee_target(employee_id)]);
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
        let mut event = Self::event(ctx, "grant.remove", vec![employee_target(employee_id)]);
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
            self.record(Self::event(ctx, "policy.set", targets), Outcome::Denied).await?;
            return Err(e.into());
        }
        let event = Self::event(ctx, "policy.set", targets);
        let seq = self.attempt(&event).await?;
        let set = self.store().set_policy_rule(role, sensitivity, decision, self.clock.now()).await;
        self.resolved(&event, seq, set.map_err(PeopleError::from)).await?;
        Ok(policy)
    }
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
