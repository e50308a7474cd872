//! Key rotation, rekey and audit key rotation.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How far the background rewrap of a group's data keys to its current key version is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RewrapProgress {
    /// Data keys rewrapped by the answering process since the rotation (or its unseal).
    pub rewrapped: u64,
    /// Data keys still under an older version, as last counted (absent: not counted yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// Data keys that could not be unwrapped; their version is never retired.
    #[serde(default)]
    pub unreadable: u64,
}

/// Step 1 of a rekey: a threshold of the current shares, and the new split.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RekeyRequest {
    /// Shares of the new root key needed to unseal.
    #[schema(minimum = 1)]
    pub threshold: u8,
    /// New shares to hand out.
    #[schema(minimum = 1)]
    pub shares: u8,
    /// At least the current threshold of the current shares.
    pub current_shares: Vec<String>,
}

impl std::fmt::Debug for RekeyRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RekeyRequest")
            .field("threshold", &self.threshold)
            .field("shares", &self.shares)
            .finish_non_exhaustive()
    }
}

/// The new shares, shown once. Not valid until confirmed (`POST /v1/sys/rekey/confirm`);
/// until then the current shares stay the vault's.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RekeyStarted {
    /// Key id of the new root key, printed in each new share.
    pub key_id: String,
    pub shares: Vec<String>,
}

impl std::fmt::Debug for RekeyStarted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RekeyStarted").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// Step 2 of a rekey: a threshold of the new shares, given back.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RekeyConfirm {
    pub new_shares: Vec<String>,
}

impl std::fmt::Debug for RekeyConfirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RekeyConfirm").finish_non_exhaustive()
    }
}

/// The audit key epoch the chain continues under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditKeyRotated {
    pub epoch: u32,
}
