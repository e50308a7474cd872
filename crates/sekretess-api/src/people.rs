//! Wire types of employees, sessions, the field policy, agreements and reveals.
//! Requests refuse unknown fields; secrets in answers are shown once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Log in with login name, password and the current TOTP code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    pub totp: String,
}

/// A new session. The token is shown once; send it as `Authorization: Bearer sks_…`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub token: String,
    pub employee_id: u64,
    pub login: String,
    #[schema(value_type = Vec<crate::contract::EmployeeRole>)]
    pub roles: Vec<String>,
    /// When the session ends at the latest (Unix seconds); it also ends after idling.
    pub expires_at: i64,
    /// Whether the current confidentiality agreement is signed (customer data needs it).
    pub agreement_signed: bool,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub old_password: String,
    pub new_password: String,
}

/// Invite an employee (security officers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub login: String,
    pub display_name: String,
    #[schema(value_type = Vec<crate::contract::EmployeeRole>, min_items = 1)]
    pub roles: Vec<String>,
}

/// The one-time enrolment code: hand it to the employee over a trusted channel.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Invitation {
    pub employee_id: u64,
    pub code: String,
    pub expires_at: i64,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    pub code: String,
    pub password: String,
}

/// Shown once: put the secret into an authenticator app (the URI as a QR code).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Enrolled {
    pub employee_id: u64,
    pub login: String,
    /// `active` (first security officer) or `pending_approval`.
    #[schema(value_type = crate::contract::EmployeeState)]
    pub state: String,
    pub otpauth_uri: String,
    /// The TOTP secret in RFC 4648 base32, for typing into an app.
    pub totp_secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Employee {
    pub id: u64,
    pub login: String,
    pub display_name: String,
    #[schema(value_type = Vec<crate::contract::EmployeeRole>)]
    pub roles: Vec<String>,
    #[schema(value_type = crate::contract::EmployeeState)]
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_by: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EmployeeList {
    pub employees: Vec<Employee>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// Customer group name.
    pub group: String,
}

/// One cell of the field policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyRule {
    #[schema(value_type = crate::contract::PolicyRole)]
    pub role: String,
    #[schema(value_type = crate::contract::Sensitivity)]
    pub sensitivity: String,
    /// Restricted fields: `deny` or `masked` only.
    #[schema(value_type = crate::contract::PolicyDecision)]
    pub decision: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicyDoc {
    pub rules: Vec<PolicyRule>,
    /// The purposes a reveal may name (`other` needs a description).
    pub purposes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishAgreement {
    /// Markdown.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Agreement {
    pub version: u32,
    pub text: String,
    /// SHA-256 of the text, lower-case hex.
    pub sha256: String,
    pub published_at: i64,
    pub published_by: u64,
}

/// Sign the current agreement: name the version read and re-enter the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignAgreement {
    pub version: u32,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignatureStatus {
    pub employee_id: u64,
    pub login: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgreementStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    pub employees: Vec<SignatureStatus>,
}

/// Reveal named fields in plain, for a purpose (kept in the audit log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    /// Field names to reveal (at least one).
    #[schema(min_items = 1)]
    pub fields: Vec<String>,
    /// `kind` or `kind: description`; kinds: customer_request, identity_verification,
    /// payment, fraud_investigation, legal_obligation, data_correction, other (needs a
    /// description). Required: a reveal without it is refused (`purpose-required`).
    #[serde(default)]
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "customer_request")]
    pub purpose: Option<String>,
}

/// The named fields, in plain.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Revealed {
    pub code: String,
    pub fields: BTreeMap<String, String>,
}

/// The first security officer (with the bootstrap API key, once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BootstrapOfficer {
    pub login: String,
    pub display_name: String,
}

/// A change that waits for a second security officer (dual control): unlocking a group,
/// changing the field policy, creating an API key with reveal or admin scopes, publishing
/// an agreement. Answered with `202 Accepted` by the route that was asked for the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApprovalRequest {
    pub id: u64,
    /// `group.unlock`, `policy.set`, `apikey.create` or `agreement.publish`.
    pub kind: String,
    /// What it is about (`group:retail`, `role:agent`, `apikey:crm`, `agreement`).
    pub target: String,
    /// The change as JSON text (no secret is ever in it).
    pub payload: String,
    /// The requester (`employee:<id>` or `apikey:<id>`).
    pub requested_by: String,
    pub requested_at: i64,
    pub expires_at: i64,
    /// `pending`, `expired`, `approved`, `rejected` or `failed`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<i64>,
}

/// The requests, newest first, and how many security officers could decide them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApprovalList {
    pub requests: Vec<ApprovalRequest>,
    /// Active security officers. Below two, nothing can be approved.
    pub active_officers: u32,
}

/// A decided request; an approved key creation also carries the new key (its token shown
/// once, to the approving officer, who hands it over).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApprovalDecision {
    pub request: ApprovalRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<crate::CreatedApiKey>,
}
