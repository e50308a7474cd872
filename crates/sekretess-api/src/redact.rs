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
    /// How `content` is read: `auto` (default), `text`, `kv`, `csv`, `json`, `ndjson`.
    #[serde(default)]
    #[schema(value_type = Option<crate::contract::RedactFormat>, default = "auto")]
    pub format: Option<String>,
    /// `mask` (default), `label`, `partial`, or `code`: known customers of the vault
    /// become their customer codes (`[K7Q4-M92D-J3XP]`), everything else is masked.
    #[serde(default)]
    #[schema(value_type = Option<crate::contract::RedactOperator>, default = "mask")]
    pub operator: Option<String>,
    /// With `operator=token`: the group of the tokens (required).
    /// With `operator=code`: the one customer group to look customers up in (default: every
    /// group the caller may reach).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Findings below this confidence are ignored (default 0.5).
    #[serde(default)]
    #[schema(default = 0.5, minimum = 0.0, maximum = 1.0)]
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
    /// With `operator=code`: the codes of the customers identified (sorted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
}

/// Where a finding or an uninspected part is in a binary document (never a value from it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentPlace {
    /// Page of a PDF (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Part: a package member (`word/document.xml`), an e-mail header (`header:Subject`),
    /// `body`, or a PDF area (`info`, `annotations`, `outline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// Positions (1-based) of the attachments leading to it, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<u32>,
}

/// A finding in a binary document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentFinding {
    pub label: String,
    pub confidence: f32,
    pub recognizer: String,
    #[serde(flatten)]
    pub place: DocumentPlace,
}

/// A part of a binary document that could not be inspected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotInspected {
    /// `image`, `encrypted-pdf`, `encrypted-archive`, `ole-binary`, `sealed-message`,
    /// `unsupported-format`, `unknown-binary`, `format-not-built`.
    pub reason: String,
    #[serde(flatten)]
    pub place: DocumentPlace,
}

/// `POST /v1/redact?report=only` with a binary document: what was found, without the
/// document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentReport {
    /// What the input was by its content: `pdf`, `zip` (OOXML, ODF), `email`, `mbox`,
    /// `html`, `text`, `image`, `ole`, `binary`.
    pub kind: String,
    pub findings: Vec<DocumentFinding>,
    pub not_inspected: Vec<NotInspected>,
}

/// A binary document (PDF, Office, ODF, e-mail, HTML or text), sent and answered as bytes.
#[derive(Debug, Clone, PartialEq, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct BinaryDocument(pub Vec<u8>);
