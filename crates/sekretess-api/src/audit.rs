//! Wire types of the audit routes.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filters for `GET /v1/audit` (query string: only codes, names and times, never values).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// First sequence number to look at (default 1; at most 2^63 - 1).
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64, default = 1)]
    pub from_seq: Option<u64>,
    /// At most this many entries (default 100, at most 1000; 0 counts as 1).
    #[param(default = 100, maximum = 1000)]
    pub limit: Option<usize>,
    /// Only this actor, e.g. `apikey:3`.
    pub actor: Option<String>,
    /// Only this customer code, e.g. `K7Q4-M92D-J3XP` (dashes and case optional).
    pub customer: Option<String>,
    /// Only this action, e.g. `customer.read`.
    pub action: Option<String>,
    /// Only entries at or after this time (Unix seconds, UTC).
    pub since: Option<i64>,
    /// Only entries before this time (Unix seconds, UTC).
    pub until: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub seq: u64,
    pub time: i64,
    pub actor: String,
    pub action: String,
    pub group: Option<String>,
    /// The customer code, with dashes (`K7Q4-M92D-J3XP`).
    pub customer: Option<String>,
    /// Names of the fields touched (never values).
    pub fields: Vec<String>,
    pub purpose: Option<String>,
    #[schema(value_type = crate::contract::AuditOutcome)]
    pub outcome: String,
    pub request_id: Option<String>,
    pub origin: Option<String>,
    /// The chain MAC, hex.
    pub mac: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Where to continue (`from_seq`), if more entries may match.
    pub next_seq: Option<u64>,
}

/// Result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditVerification {
    #[schema(value_type = crate::contract::VerificationStatus)]
    pub status: String,
    /// Last verified entry (intact) or the first bad one (broken).
    pub seq: u64,
    pub detail: String,
}

/// A signed chain head, to keep outside the vault (`sekretess-audit-checkpoint-v1 …`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditCheckpoint {
    pub seq: u64,
    pub checkpoint: String,
}

/// Verify the chain against a checkpoint kept outside the vault, which also detects a
/// cut-off tail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditVerifyRequest {
    /// A checkpoint from `GET /v1/audit/checkpoint` (`sekretess-audit-checkpoint-v1 …`).
    pub checkpoint: String,
}

/// The audit verification key, for verifying the chain offline. Whoever holds it can also
/// make entries that verify: keep it like a share.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditKeyExport {
    /// `sekretess-audit-key-v1:…`
    pub key: String,
}

impl std::fmt::Debug for AuditKeyExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKeyExport(<redacted>)")
    }
}
