//! Wire types of `POST /v1/redact`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A document to redact: `content` as text in a `format`, or a `json` value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedactRequest {
    /// The document as text.
    #[serde(default)]
    pub content: Option<String>,
    /// A JSON document, any JSON value (structure kept, keys used as context).
    #[serde(default)]
    #[schema(value_type = Value)]
    pub json: Option<serde_json::Value>,
    /// `auto` (default), `text`, `kv`, `csv`, `json`, `ndjson` (for `content`).
    #[serde(default)]
    pub format: Option<String>,
    /// `mask` (default), `label`, `partial`, `hash`.
    #[serde(default)]
    pub operator: Option<String>,
    /// Findings below this confidence are ignored (default 0.5).
    #[serde(default)]
    pub min_confidence: Option<f32>,
}

/// One finding: where and what, never the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RedactFinding {
    pub label: String,
    /// Character offsets in the submitted content.
    pub start: usize,
    pub end: usize,
    pub start_byte: usize,
    pub end_byte: usize,
    pub confidence: f32,
    pub recognizer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RedactResponse {
    /// The redacted document, when `content` was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The redacted JSON document, when `json` was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Value)]
    pub json: Option<serde_json::Value>,
    pub findings: Vec<RedactFinding>,
}
