//! Wire types of the Sekretess HTTPS API v1, shared by the server, the client and the
//! console. Requests refuse unknown fields. Field values travel only in bodies.
#![forbid(unsafe_code)]

pub mod audit;
pub mod contract;
pub mod documents;
pub mod keys;
pub mod offline;
pub mod redact;
pub mod retention;
pub mod tokens;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub mod people;

/// Media type of every error body (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";
/// Prefix of every problem `type`; the rest is the stable kind, e.g. `sealed`.
pub const PROBLEM_TYPE_PREFIX: &str = "urn:sekretess:problem:";
/// Header that carries the purpose of a customer read, for the audit log.
pub const PURPOSE_HEADER: &str = "x-sekretess-purpose";
/// Header that carries the request id in every response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// An RFC 9457 problem document. `detail` names the problem and never holds a submitted value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// `urn:sekretess:problem:<kind>`; stable, for programs to branch on.
    #[serde(rename = "type")]
    #[schema(value_type = contract::ProblemType)]
    pub problem_type: String,
    /// A short summary of the problem kind.
    pub title: String,
    /// The HTTP status code of the answer.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What is wrong, naming rules and fields, never a submitted value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request id (also in the `x-request-id` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
}

impl Problem {
    /// The kind: the part of `type` after the prefix.
    pub fn kind(&self) -> &str {
        self.problem_type.strip_prefix(PROBLEM_TYPE_PREFIX).unwrap_or(&self.problem_type)
    }
}

// ---- sys ----

/// One `sekretess serve` process registered in the control database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Process {
    /// Random id the process chose at start.
    pub id: String,
    pub host: String,
    /// Operating-system process id.
    pub pid: u32,
    /// Address it listens on.
    pub listen: String,
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds of its last heartbeat.
    pub last_seen: i64,
    pub sealed: bool,
    /// No heartbeat for longer than three intervals: probably stopped or cut off.
    pub stale: bool,
    /// This is the process that answered.
    pub this_process: bool,
}

/// Every registered process (one with SQLite; any number on PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Processes {
    pub processes: Vec<Process>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the process answers.
    pub status: String,
    pub initialized: bool,
    pub sealed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SealStatus {
    pub initialized: bool,
    pub sealed: bool,
    /// Shares needed to unseal.
    pub threshold: u8,
    pub share_count: u8,
    /// Shares given so far towards the threshold.
    pub progress: u8,
    /// Printable id of this vault's root key, as printed in its shares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Whether init's bootstrap API key (every scope, every group) still works: true in
    /// dev mode, and in production until the first security officer has enrolled or the
    /// key is revoked. Reported by `GET /v1/sys/seal-status` only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bootstrap_key_live: bool,
    /// Whether the vault has exactly one active security officer: dual control cannot be
    /// met (nobody can approve an unlock, a policy change, a reveal key, an agreement or an
    /// employee) until a second officer is active. Reported by `GET /v1/sys/seal-status`
    /// while unsealed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub single_officer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InitRequest {
    /// Shares needed to unseal (1 only with a single share, for dev mode).
    #[schema(minimum = 1)]
    pub threshold: u8,
    /// Shares to hand out.
    #[schema(minimum = 1)]
    pub shares: u8,
    /// Login of the first security officer, whose one-time enrolment code init returns
    /// (default `officer`).
    #[serde(default)]
    pub officer_login: Option<String>,
    /// Display name of the first security officer (default `Security officer`).
    #[serde(default)]
    pub officer_name: Option<String>,
}

/// Shown once: hand each share to a different custodian; keep the bootstrap key safe.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InitResponse {
    pub key_id: String,
    pub shares: Vec<String>,
    /// Bearer token of the bootstrap API key (scope `security-officer`, all groups).
    pub bootstrap_token: String,
    pub bootstrap_key_id: String,
    /// One-time enrolment code of the first security officer (`sekretess employee enrol`);
    /// absent when the server has no employees store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer_enrolment_code: Option<String>,
}

impl std::fmt::Debug for InitResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InitResponse").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// One share per call, or `reset: true` to forget the shares given so far.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnsealRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1)]
    pub share: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reset: bool,
}

impl std::fmt::Debug for UnsealRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnsealRequest").field("reset", &self.reset).finish_non_exhaustive()
    }
}

// ---- groups ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    /// 1-64 of a-z, 0-9, - and _.
    #[schema(pattern = r"^[a-z0-9_-]{1,64}$", min_length = 1, max_length = 64)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Group {
    pub id: u32,
    pub name: String,
    #[schema(value_type = contract::GroupState)]
    pub state: String,
    /// The current key version (new writes use it).
    pub kek_version: u32,
    /// Every key version still in the keyring, oldest first.
    #[serde(default)]
    pub kek_versions: Vec<u32>,
    /// The background rewrap to the current version, while older versions remain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewrap: Option<keys::RewrapProgress>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GroupList {
    pub groups: Vec<Group>,
}

// ---- schema ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SchemaField {
    pub name: String,
    #[serde(rename = "type")]
    #[schema(value_type = contract::FieldType)]
    pub field_type: String,
    #[schema(value_type = contract::Sensitivity)]
    pub sensitivity: String,
    pub searchable: bool,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SchemaDoc {
    pub fields: Vec<SchemaField>,
}

// ---- customers ----

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomer {
    #[schema(pattern = r"^[a-z0-9_-]{1,64}$", min_length = 1, max_length = 64)]
    pub group: String,
    /// Field name -> value, following the schema.
    pub fields: BTreeMap<String, String>,
}

/// One customer in a batch.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomers {
    #[schema(pattern = r"^[a-z0-9_-]{1,64}$", min_length = 1, max_length = 64)]
    pub group: String,
    /// At most 1000 customers (the server's `max_batch`).
    #[schema(max_items = 1000)]
    pub customers: Vec<BatchItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Created {
    /// The customer code, e.g. `K7Q4-M92D-J3XP`.
    #[schema(example = "K7Q4-M92D-J3XP")]
    pub code: String,
    pub group: String,
}

/// The answer for one batch item: a code, or a problem naming why that item failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchResponse {
    pub group: String,
    /// Created items.
    pub created: usize,
    /// Failed items.
    pub failed: usize,
    /// One entry per submitted item, in order: a code or a problem.
    #[schema(value_type = Vec<contract::BatchOutcome>)]
    pub results: Vec<BatchResult>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Customer {
    /// The customer code, e.g. `K7Q4-M92D-J3XP`.
    #[schema(example = "K7Q4-M92D-J3XP")]
    pub code: String,
    pub group: String,
    pub fields: BTreeMap<String, String>,
    /// Fields whose value is shown masked (employees, by the field policy).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The customer's own retention date (Unix seconds; absent: the group's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retain_until: Option<i64>,
    /// When the customer is due for erasure: its own date, else its last change plus the
    /// group's default period (absent: never, as configured now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<i64>,
    /// The record's version, one more with every update. An update sent with
    /// `If-Match: "<version>"` is refused (412 `customer-changed`) once the customer has
    /// changed since, so a concurrent edit is never overwritten unseen.
    #[serde(default)]
    pub version: u64,
}

/// Sets fields (a string) or removes them (`null`); fields not named stay as they are.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomer {
    pub fields: BTreeMap<String, Option<String>>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    #[schema(pattern = r"^[a-z0-9_-]{1,64}$", min_length = 1, max_length = 64)]
    pub group: String,
    /// A searchable field, e.g. `national_id`.
    #[schema(pattern = r"^[a-z0-9_]{1,64}$", min_length = 1, max_length = 64)]
    pub field: String,
    /// The value, in any written form the field's type accepts.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Match {
    /// The customer code, e.g. `K7Q4-M92D-J3XP`.
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SearchResponse {
    pub matches: Vec<Match>,
}

macro_rules! redacted_debug {
    ($($t:ty => $($shown:ident),*);* $(;)?) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($t))$(.field(stringify!($shown), &self.$shown))*.finish_non_exhaustive()
            }
        }
    )*};
}

redacted_debug! {
    CreateCustomer => group;
    BatchItem => ;
    CreateCustomers => group;
    Customer => code, group;
    UpdateCustomer => ;
    SearchRequest => group, field;
}

// ---- API keys ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    #[schema(min_length = 1, max_length = 64)]
    pub name: String,
    /// Scope names (`customers:read`, `customers:write`, `customers:erase`, `customers:find`,
    /// `groups:read`, `groups:admin`, `apikeys:admin`, `audit:read`, `redact`, `sys:seal`,
    /// `sys:metrics`) or `security-officer` for all.
    #[schema(min_items = 1)]
    pub scopes: Vec<String>,
    /// Group names, or `*` for every group.
    #[schema(min_items = 1)]
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub groups: Vec<String>,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
}

/// Binds an API key to client certificates (mTLS), in one of two forms: one certificate
/// (`client_cert_sha256` alone), or a subject and its issuing CA (`client_cert_subject_of`
/// with `client_ca_sha256`). From then on the key works only on a connection that
/// presented a matching certificate (verified against the server's client CA); a new
/// binding replaces the old one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindApiKey {
    /// One certificate: SHA-256 of its DER, 64 hex digits (`openssl x509 -in c.pem -outform
    /// DER | sha256sum`). A renewed certificate needs a new binding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert_sha256: Option<String>,
    /// A certificate (PEM) whose subject the key is bound to: any certificate with exactly
    /// that subject (the DER encoding of its `Name`, compared byte for byte, no
    /// normalisation) issued by the CA of `client_ca_sha256` is accepted, so a renewal
    /// keeps working. Only the subject is taken from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert_subject_of: Option<String>,
    /// With `client_cert_subject_of`: SHA-256 of the DER of the CA certificate that issues
    /// the key's certificates, 64 hex digits; it must be one of the certificates of the
    /// server's `tls_client_ca` and must have signed the client certificate directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ca_sha256: Option<String>,
}

/// Shown once: the key's bearer token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiKey {
    pub key: ApiKey,
    pub token: String,
}

impl std::fmt::Debug for CreatedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiKey").field("key", &self.key).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyList {
    pub keys: Vec<ApiKey>,
}
