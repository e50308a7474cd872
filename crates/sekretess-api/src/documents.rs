//! The document archive (`/v1/documents`): redacted documents filed under customer codes.
//!
//! An upload is the raw document as the body (`POST /v1/documents?group=G&customers=A,B`);
//! the file name travels in the [`FILE_NAME_HEADER`] header, percent-encoded UTF-8 (a name
//! can hold a person's name, so it is never in the query string). The answer is a
//! [`Document`]; the stored file name is the redacted one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Request header with the document's file name (percent-encoded UTF-8, at most 255 bytes
/// decoded); the same header carries the redacted name on a download.
pub const FILE_NAME_HEADER: &str = "x-sekretess-file-name";
/// Response header of an upload refused or a download: the document id.
pub const DOCUMENT_ID_HEADER: &str = "x-sekretess-document-id";

/// An archived document's metadata (never its content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Document {
    /// `doc_` and 26 symbols.
    pub id: String,
    pub group: String,
    /// The redacted file name.
    pub name: String,
    pub content_type: String,
    /// Bytes of the redacted copy.
    pub size: u64,
    /// SHA-256 of the original document, hex.
    pub original_sha256: String,
    /// Who filed it (`employee:<id>` or `apikey:<id>`).
    pub filed_by: String,
    /// Unix seconds.
    pub filed_at: i64,
    /// Linked customer codes (found in the document, or given at upload), e.g. `K7Q4-M92D-J3XP`.
    pub codes: Vec<String>,
    /// Findings per label in the original, e.g. `{"SE_PERSONNUMMER": 2}`.
    pub findings: BTreeMap<String, u64>,
    /// Unix seconds until which the document is to be kept, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retain_until: Option<i64>,
}

/// `GET /v1/documents?customer=CODE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentList {
    pub documents: Vec<Document>,
}
