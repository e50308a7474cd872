//! Tokens (`POST /v1/tokenize`, `POST /v1/detokenize`, `POST /v1/tokens/revoke`; see
//! docs/tokens.md). Values and tokens travel only in bodies; answers are per item, in the
//! order of the request.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Problem;

/// One value to tokenize.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenizeItem {
    pub value: String,
    /// The customer the value belongs to (a code of this group, e.g. `K7Q4-M92D-J3XP`):
    /// erasing the customer ends the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
}

impl std::fmt::Debug for TokenizeItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenizeItem").field("customer", &self.customer).finish_non_exhaustive()
    }
}

/// Tokenize up to 10,000 values of one kind in one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenizeRequest {
    pub group: String,
    /// `opaque` (`tok_…`, random), `deterministic` (`dtk_…`, same value same token) or
    /// `fpe` (format-preserving FF1: cards, personnummer, digit strings).
    pub format: String,
    /// `card_number`, `se_personnummer`, `digits` or `text` (not for `fpe`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Seconds until the tokens expire (default: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<u64>,
    /// Opaque tokens: give a value (and customer) the token it already has, if any.
    #[serde(default)]
    pub reuse: bool,
    pub items: Vec<TokenizeItem>,
}

/// One token issued, or why not.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenizeResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// `tkn_…`: how the audit log names the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Unix seconds, if the token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

impl std::fmt::Debug for TokenizeResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenizeResult").field("id", &self.id).field("problem", &self.problem).finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenizeResponse {
    pub group: String,
    /// Tokens issued.
    pub issued: usize,
    pub results: Vec<TokenizeResult>,
}

/// Turn up to 10,000 tokens of one group back into values, for a purpose.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetokenizeRequest {
    pub group: String,
    pub tokens: Vec<String>,
    /// `kind` or `kind: description` (as for a reveal); required.
    #[serde(default)]
    pub purpose: Option<String>,
}

impl std::fmt::Debug for DetokenizeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DetokenizeRequest")
            .field("group", &self.group)
            .field("count", &self.tokens.len())
            .finish()
    }
}

/// One token's value, or why not.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DetokenizeResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The value's type (`card_number`, `se_personnummer`, `digits`, `text`).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The customer the token was issued for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `token-unknown`, `token-revoked`, `token-expired`, `token-erased`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

impl std::fmt::Debug for DetokenizeResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DetokenizeResult").field("id", &self.id).field("problem", &self.problem).finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DetokenizeResponse {
    pub group: String,
    /// Tokens turned back.
    pub revealed: usize,
    pub results: Vec<DetokenizeResult>,
}

/// Revoke up to 10,000 tokens of one group.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeTokensRequest {
    pub group: String,
    pub tokens: Vec<String>,
}

impl std::fmt::Debug for RevokeTokensRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevokeTokensRequest")
            .field("group", &self.group)
            .field("count", &self.tokens.len())
            .finish()
    }
}

/// One token revoked (its id), or why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RevokeTokenResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RevokeTokensResponse {
    pub group: String,
    pub revoked: usize,
    pub results: Vec<RevokeTokenResult>,
}
