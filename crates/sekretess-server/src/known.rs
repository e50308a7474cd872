//! Known customers in a document: redaction that replaces the vault's own customers by
//! their codes (DESIGN.md 9 and 9b). The archive (`POST /v1/documents`), `POST /v1/redact`
//! with `operator=code` and `sekretess redact --vault` all go through [`redact_known`].
//!
//! INTERFACE STUB (session 9): until the known-customer lookup lands, this redacts like
//! `POST /v1/redact` and identifies no customer. The signature is the contract.

use axum::body::Bytes;
use sekretess_core::GroupInfo;
use sekretess_core::access::AccessStore;
use sekretess_core::audit::AuditContext;
use sekretess_core::store::Store;
use sekretess_detect::doc::{self, DocOptions, RedactedDocument};
use sekretess_detect::{DetectError, Format};

use crate::AppState;
use crate::problem::ApiError;

/// A document redacted with known customers coded.
#[derive(Debug)]
pub struct KnownRedaction {
    /// The redacted document, its findings and the parts not inspected.
    pub redacted: RedactedDocument,
    /// The codes of the customers identified in the document (display form, sorted, each
    /// once).
    pub codes: Vec<String>,
}

/// Redacts `input` as [`doc::redact_document`] does and replaces every mention of a
/// customer of `groups` (resolved and checked for the caller already; no other group is
/// consulted) by that customer's code. `options.detect.operator` applies to everything
/// else. The lookups of one document are one audit entry under `ctx`.
pub async fn redact_known<S: Store + AccessStore>(
    st: &AppState<S>,
    ctx: &AuditContext,
    groups: &[GroupInfo],
    input: Bytes,
    format: Format,
    options: DocOptions,
) -> Result<KnownRedaction, ApiError> {
    let _ = (st, ctx, groups);
    let redacted = redact_blocking(input, format, options).await?;
    Ok(KnownRedaction { redacted, codes: Vec::new() })
}

/// Runs the (CPU-bound) redaction off the async workers and maps its errors.
pub async fn redact_blocking(
    input: Bytes,
    format: Format,
    options: DocOptions,
) -> Result<RedactedDocument, ApiError> {
    tokio::task::spawn_blocking(move || doc::redact_document(&input, format, &options))
        .await
        .map_err(|_| ApiError::InvalidBody {
            kind: "invalid-redact-request",
            detail: "redaction failed".to_owned(),
        })?
        .map_err(|e| match e {
            DetectError::Limit { limit, .. } => ApiError::DocumentLimit(limit),
            DetectError::Damaged { format, what } => ApiError::DamagedDocument(format, what),
            _ => ApiError::InvalidBody {
                kind: "invalid-redact-request",
                detail: "the document could not be parsed".to_owned(),
            },
        })
}
