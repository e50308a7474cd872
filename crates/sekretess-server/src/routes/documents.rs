//! The document archive (`/v1/documents`, DESIGN.md 9b): upload redacts the document with
//! the vault's known customers ([`crate::known::redact_known`]) and files only the redacted
//! copy, sealed, in the group's own store; list by customer code, download, delete.
//!
//! No personal data in the query string: the upload's query holds the group and the codes
//! to link; the file name travels in the `x-sekretess-file-name` header (percent-encoded
//! UTF-8) and is redacted before it is stored. A document with a part that cannot be
//! inspected is refused (`422 not-inspected`) and nothing is stored. Every upload, download,
//! list and delete is audited with the document id and codes, never content or names.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use sekretess_api::documents::{self as api, DOCUMENT_ID_HEADER, FILE_NAME_HEADER};
use sekretess_core::access::AccessStore;
use sekretess_core::store::Store;
use sekretess_core::vault::{DocumentInfo, NewDocument};
use sekretess_core::{CustomerCode, VaultError};
use sekretess_crypto::digest::sha256;
use sekretess_detect::doc::{DocOptions, UninspectedPolicy};
use sekretess_detect::{Format, Operator, Options};

use super::groups::reach_group;
use super::{ApiResult, PROBLEM};
use crate::AppState;
use crate::auth::{Authorized, need};
use crate::problem::ApiError;

const KIND: &str = "invalid-document-request";
/// Longest file name accepted (bytes, decoded).
const MAX_NAME_BYTES: usize = 255;
/// Longest content type kept.
const MAX_CONTENT_TYPE: usize = 128;
/// Most codes linked by the caller in one upload.
const MAX_LINKED: usize = 100;
/// Characters escaped in a file-name header (everything but unreserved ASCII).
const NAME_ESCAPES: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'%').add(b';').add(b',').add(b'\\').add(b'/').add(b'\'');

fn invalid(detail: &str) -> ApiError {
    ApiError::InvalidBody { kind: KIND, detail: detail.to_owned() }
}

/// Query of an upload.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FileQuery {
    /// The customer group to file the document in.
    pub group: String,
    /// Customer codes to link besides those found in the document, comma-separated; each
    /// must be a customer of the group.
    pub customers: Option<String>,
}

/// Query of a listing.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// A customer code, e.g. `K7Q4-M92D-J3XP`.
    pub customer: String,
}

fn wire(d: DocumentInfo) -> api::Document {
    api::Document {
        id: d.id,
        group: d.group,
        name: d.name,
        content_type: d.content_type,
        size: d.size,
        original_sha256: d.original_sha256.iter().map(|b| format!("{b:02x}")).collect(),
        filed_by: d.filed_by,
        filed_at: d.filed_at,
        codes: d.codes.iter().map(ToString::to_string).collect(),
        findings: d.findings.into_iter().collect(),
        retain_until: d.retain_until,
    }
}

/// The file name from the header: decoded, its folder part dropped, control characters
/// refused. `None` without the header.
fn file_name(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(raw) = headers.get(FILE_NAME_HEADER) else { return Ok(None) };
    let bad = || invalid("x-sekretess-file-name must be percent-encoded UTF-8 of at most 255 bytes");
    let text = raw.to_str().map_err(|_| bad())?;
    let decoded = percent_decode_str(text).decode_utf8().map_err(|_| bad())?;
    let base = decoded.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if base.len() > MAX_NAME_BYTES || base.chars().any(char::is_control) {
        return Err(bad());
    }
    Ok(Some(base.to_owned()))
}

/// Masks personal data in a file name. Separators (`_`, `.`, `-`, `+`) read as spaces
/// for detection, so `Ada_Lovelace_letter.txt` is seen as words; each character found is
/// replaced by `█` in the name as given.
fn redact_name(name: &str) -> String {
    let spaced: String = name.chars().map(|c| if matches!(c, '_' | '.' | '+') { ' ' } else { c }).collect();
    let options = Options { threads: 1, ..Options::default() };
    let mut found: Vec<(usize, usize)> = Vec::new();
    for text in [name, spaced.as_str()] {
        found.extend(sekretess_detect::detect(text, &options).iter().map(|f| (f.start_byte, f.end_byte)));
    }
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.char_indices() {
        if found.iter().any(|&(s, e)| i >= s && i < e) {
            out.push('█');
        } else {
            out.push(c);
        }
    }
    out
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= MAX_CONTENT_TYPE && !v.is_empty())
        .unwrap_or("application/octet-stream")
        .to_owned()
}

/// Files a document: redacts it (known customers become their codes, everything else
/// personal is masked) and stores only the redacted copy, sealed, in the group's store.
/// The body is the document itself (any format `POST /v1/redact` reads).
#[utoipa::path(operation_id = "file_document", post, path = "/v1/documents", tag = "documents",
    request_body(content((api_redact::BinaryDocument = "application/octet-stream"))),
    params(FileQuery,
           ("x-sekretess-file-name" = Option<String>, Header, description = "the file name, percent-encoded UTF-8 (redacted before it is stored)")),
    security(("bearer" = ["documents:write"])),
    responses((status = 201, description = "Filed: the redacted copy's metadata", body = api::Document),
              (status = 400, description = "A malformed linked customer code or a wrong check symbol (`malformed-code`, `code-check-failed`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 403, description = "No access to the group (`group-forbidden`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such customer group (`unknown-group`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 413, description = "Too large (`body-too-large`, `document-limit`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "A part could not be inspected (`not-inspected`: nothing stored), a damaged document (`damaged-document`), or invalid query parameters or file name (`invalid-document-request`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 423, description = "The customer group is locked (`group-locked`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn file_document<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::DocumentsWrite>,
    req: Request,
) -> ApiResult<(StatusCode, Json<api::Document>)> {
    let Query(q) = Query::<FileQuery>::try_from_uri(req.uri())
        .map_err(|_| invalid("query parameters: group (required), customers"))?;
    let g = reach_group(&st, &auth.caller, &q.group).await?;
    let mut linked = Vec::new();
    for text in q.customers.as_deref().unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let code = CustomerCode::parse(text)?;
        // Only customers of this group: a code elsewhere reads as unknown.
        if st.vault.store().directory_lookup(code.compact()).await? != Some(g.id) {
            return Err(invalid("a linked customer code is not a customer of this group"));
        }
        linked.push(code);
    }
    if linked.len() > MAX_LINKED {
        return Err(invalid("at most 100 linked customer codes"));
    }
    let name = file_name(req.headers())?.unwrap_or_default();
    let content_type = content_type(req.headers());
    let body = Bytes::from_request(req, &()).await.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::BodyTooLarge
        } else {
            invalid("the body could not be read")
        }
    })?;
    let original_sha256 = sha256(&body);
    let options = DocOptions {
        detect: Options { operator: Operator::Mask, threads: 1, ..Options::default() },
        uninspected: UninspectedPolicy::Fail,
        ..DocOptions::default()
    };
    let known =
        crate::known::redact_known(&st, &auth.ctx(), std::slice::from_ref(&g), body, Format::Auto, options)
            .await?;
    let redacted = known.redacted;
    let Some(output) = redacted.output else {
        let parts: Vec<String> =
            redacted.not_inspected.iter().map(|n| format!("{} ({})", n.place, n.reason)).collect();
        return Err(ApiError::NotInspected(format!("not inspected, so not filed: {}", parts.join("; "))));
    };
    for text in &known.codes {
        linked
            .push(CustomerCode::parse(text).map_err(|_| VaultError::Internal("a found code did not parse"))?);
    }
    let mut findings: BTreeMap<String, u64> = BTreeMap::new();
    for f in &redacted.findings {
        *findings.entry(f.finding.label.as_str().to_owned()).or_default() += 1;
    }
    let doc = NewDocument {
        name: redact_name(&name),
        content_type,
        original_sha256,
        codes: linked,
        findings: findings.into_iter().collect(),
        retention_days: st.limits.document_retention_days,
        content: output,
    };
    let info = st.vault.file_document(&auth.ctx(), &g.name, doc).await?;
    Ok((StatusCode::CREATED, Json(wire(info))))
}

/// Lists the documents linked to a customer code, in the groups the caller reaches.
/// Documents of an erased customer are still listed by their code.
#[utoipa::path(get, path = "/v1/documents", tag = "documents", params(ListQuery),
    security(("bearer" = ["documents:read"])),
    responses((status = 200, description = "The customer's documents (metadata only)", body = api::DocumentList),
              (status = 400, description = "Malformed customer code or wrong check symbol (`malformed-code`, `code-check-failed`)", body = sekretess_api::Problem, content_type = PROBLEM),
              (status = 422, description = "Missing or unknown query parameters (`invalid-document-request`)", body = sekretess_api::Problem, content_type = PROBLEM)))]
pub async fn list_documents<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::DocumentsRead>,
    uri: axum::http::Uri,
) -> ApiResult<Json<api::DocumentList>> {
    let Query(q) = Query::<ListQuery>::try_from_uri(&uri)
        .map_err(|_| invalid("query parameter: customer (required)"))?;
    let code = CustomerCode::parse(&q.customer)?;
    let docs = st.vault.documents_of(&auth.ctx(), &auth.caller.groups, &code).await?;
    Ok(Json(api::DocumentList { documents: docs.into_iter().map(wire).collect() }))
}

/// Downloads the redacted copy of a document, streamed chunk by chunk. A document in a
/// group the caller does not reach reads as not found.
#[utoipa::path(get, path = "/v1/documents/{id}", tag = "documents",
    params(("id" = String, Path, description = "document id, doc_…")),
    security(("bearer" = ["documents:read"])),
    responses((status = 200, description = "The redacted document, with its stored content type",
                content((api_redact::BinaryDocument = "application/octet-stream")),
                headers(("x-sekretess-file-name" = String, description = "the redacted file name, percent-encoded"))),
              (status = 404, description = "No such document, or one in a group the caller may not reach (`document-not-found`)", body = sekretess_api::Problem, content_type = PROBLEM)))]
pub async fn get_document<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::DocumentsRead>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (info, reader) = st.vault.open_document(&auth.ctx(), &auth.caller.groups, &id).await?;
    let stream = futures_util::stream::unfold(reader, |mut r| async move {
        r.next_chunk().await.map(|chunk| (chunk.map(Bytes::from), r))
    });
    let mut resp = Body::from_stream(stream).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&info.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(info.size));
    if let Ok(v) = HeaderValue::from_str(&utf8_percent_encode(&info.name, NAME_ESCAPES).to_string()) {
        h.insert(FILE_NAME_HEADER, v);
    }
    if let Ok(v) = HeaderValue::from_str(&info.id) {
        h.insert(DOCUMENT_ID_HEADER, v);
    }
    Ok(resp)
}

/// Deletes a document (its sealed content, name and links).
#[utoipa::path(delete, path = "/v1/documents/{id}", tag = "documents",
    params(("id" = String, Path, description = "document id, doc_…")),
    security(("bearer" = ["documents:write"])),
    responses((status = 204, description = "Deleted"),
              (status = 404, description = "No such document, or one in a group the caller may not reach (`document-not-found`)", body = sekretess_api::Problem, content_type = PROBLEM)))]
pub async fn delete_document<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::DocumentsWrite>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    st.vault.delete_document(&auth.ctx(), &auth.caller.groups, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

use sekretess_api::redact as api_redact;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_personal_data_and_keep_the_rest() {
        let masked = redact_name("brev_19121212-1212_2024.txt");
        assert!(!masked.contains("19121212"), "{masked}");
        assert!(masked.starts_with("brev_") && masked.ends_with(".txt"), "{masked}");
        let masked = redact_name("ada.lovelace@example.com.eml");
        assert!(!masked.contains("lovelace"), "{masked}");
        assert_eq!(redact_name("invoice 42.pdf"), "invoice 42.pdf");
    }

    #[test]
    fn file_name_header_is_decoded_and_its_folders_dropped() {
        let mut h = HeaderMap::new();
        h.insert(FILE_NAME_HEADER, HeaderValue::from_static("a%2Fb%2Fbrev%20%C3%A5.txt"));
        assert_eq!(file_name(&h).unwrap().as_deref(), Some("brev å.txt"));
        h.insert(FILE_NAME_HEADER, HeaderValue::from_static("bad%0Aname"));
        assert!(file_name(&h).is_err());
        h.insert(FILE_NAME_HEADER, HeaderValue::from_static("%FF"));
        assert!(file_name(&h).is_err());
    }
}
