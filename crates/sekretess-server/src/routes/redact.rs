//! `POST /v1/redact`: the redaction engine over HTTPS. Nothing is stored; the body and
//! the answer are never logged.
//!
//! A JSON body (`application/json`) is a [`api::RedactRequest`] and gets a JSON answer.
//! Any other content type is a document (PDF, Office, ODF, e-mail, HTML, text), classified
//! by its content; the answer is the redacted document with the request's content type and
//! the counts of findings in the `Sekretess-Findings` headers, or with `?report=only` a
//! [`api::DocumentReport`] instead of the document. A document with parts that cannot be
//! inspected is refused (`422 not-inspected`) unless `?uninspected=skip|copy` says otherwise.
//!
//! `operator=code` (query or JSON field) replaces the vault's known customers by their
//! codes ([`crate::known::redact_known`]) and masks everything else. It looks customers up
//! in the `group` given, or else in every group the caller may reach; it needs the
//! `customers:find` scope besides `redact` (and, for an employee, the signed agreement),
//! and is refused (`403 no-group-reachable`) when the caller may reach no group. A group
//! the caller may not reach answers as an unknown one (404).
//!
//! `operator=token` with `group` replaces every finding by a token of that group
//! ([`crate::token_redact`]); it needs the `tokens:create` scope besides `redact`.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sekretess_api::redact as api;
use sekretess_core::access::AccessStore;
use sekretess_core::audit::{Action, Outcome};
use sekretess_core::store::Store;
use sekretess_core::{GroupInfo, Scope, VaultError};
use sekretess_detect::doc::{DocOptions, Place, UninspectedPolicy};
use sekretess_detect::{Format, Operator, Options, Redacted, redact_str};

use crate::AppState;
use crate::auth::{Authorized, need};
use crate::extract::{ApiJson, is_json};
use crate::problem::ApiError;

fn invalid(detail: &str) -> ApiError {
    ApiError::InvalidBody { kind: "invalid-redact-request", detail: detail.to_owned() }
}

fn format(name: Option<&str>) -> Result<Format, ApiError> {
    Ok(match name.unwrap_or("auto") {
        "auto" => Format::Auto,
        "text" => Format::Text,
        "kv" => Format::KeyValue,
        "csv" => Format::Csv,
        "json" => Format::Json,
        "ndjson" => Format::Ndjson,
        _ => return Err(invalid("format must be one of auto, text, kv, csv, json, ndjson")),
    })
}

/// The operator, and whether it is `code` (known customers coded, the rest masked).
fn operator(name: Option<&str>) -> Result<(Operator, bool), ApiError> {
    Ok(match name.unwrap_or("mask") {
        "mask" => (Operator::Mask, false),
        "label" => (Operator::Label, false),
        "partial" => (Operator::Partial { card_first6: false }, false),
        "code" => (Operator::Mask, true),
        "token" => (Operator::Mask, false),
        _ => return Err(invalid("operator must be one of mask, label, partial, code, token")),
    })
}

/// With `operator=token`: the group the tokens are issued in (required; one the caller may
/// reach), after the `tokens:create` scope and, for an employee, the signed agreement.
async fn token_group<S: Store + AccessStore>(
    st: &AppState<S>,
    auth: &Authorized<need::Redact>,
    operator: Option<&str>,
    group: Option<&str>,
) -> Result<Option<String>, ApiError> {
    if operator != Some("token") {
        return Ok(None);
    }
    auth.caller.require(Scope::TokensCreate)?;
    if auth.employee.as_ref().is_some_and(|p| !p.agreement_signed) {
        return Err(ApiError::AgreementRequired);
    }
    let name = group.ok_or_else(|| invalid("operator token needs group: the group the tokens belong to"))?;
    Ok(Some(super::groups::reach_group(st, &auth.caller, name).await?.name))
}

/// The groups the code operator looks customers up in: `group` if the caller may reach
/// it (else 404, as for an unknown group), or every group the caller may reach.
async fn code_groups<S: Store + AccessStore>(
    st: &AppState<S>,
    auth: &Authorized<need::Redact>,
    group: Option<&str>,
) -> Result<Vec<GroupInfo>, ApiError> {
    auth.caller.require(Scope::CustomersFind)?;
    if auth.employee.as_ref().is_some_and(|p| !p.agreement_signed) {
        return Err(ApiError::AgreementRequired);
    }
    let reachable: Vec<GroupInfo> =
        st.vault.list_groups()?.into_iter().filter(|g| auth.caller.groups.allows(&g.name)).collect();
    match group {
        Some(name) => match reachable.into_iter().find(|g| g.name == name) {
            Some(g) => Ok(vec![g]),
            None => Err(VaultError::UnknownGroup(name.to_owned()).into()),
        },
        None if reachable.is_empty() => Err(ApiError::NoGroupReachable),
        None => Ok(reachable),
    }
}

/// Query parameters for a binary document.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DocumentQuery {
    /// `mask` (default), `label`, `partial`: how text formats replace findings (PDF glyphs
    /// are always removed and boxed); `code`: known customers become their codes
    /// (`Sekretess-Customer-Codes` lists them; in a PDF they are removed and boxed too);
    /// `token`: every finding becomes a token of `group` (cards and personnummer
    /// format-preserving, the rest `dtk_…`; needs `tokens:create`).
    #[param(value_type = Option<sekretess_api::contract::RedactOperator>)]
    pub operator: Option<String>,
    /// With `operator=code`: the one customer group to look customers up in (default: every
    /// group the caller may reach). With `operator=token`: the group of the tokens (required).
    pub group: Option<String>,
    /// Findings below this confidence are ignored (default 0.5).
    #[param(minimum = 0.0, maximum = 1.0)]
    pub min_confidence: Option<f32>,
    /// `fail` (default: refuse the document), `skip` (leave such parts out) or `copy` (keep
    /// them unchanged).
    #[param(value_type = Option<sekretess_api::contract::Uninspected>)]
    pub uninspected: Option<String>,
    /// `only`: answer with the report as JSON instead of the document.
    #[param(value_type = Option<sekretess_api::contract::ReportMode>)]
    pub report: Option<String>,
}

/// Finds personal data in a document and returns it redacted. A JSON body gets the
/// findings (labels and offsets, never the values) in a JSON answer; any other content
/// type is a binary document (PDF, DOCX, XLSX, PPTX, ODT, ODS, e-mail, HTML), answered
/// with the redacted document and `Sekretess-Findings` headers (see the module docs).
#[utoipa::path(post, operation_id = "redact_document", path = "/v1/redact", tag = "redact",
    request_body(content(
        (api::RedactRequest = "application/json"),
        (api::BinaryDocument = "application/octet-stream"),
    )),
    params(DocumentQuery),
    security(("bearer" = ["redact"])),
    responses(
        (status = 200, description = "The redacted document (JSON answer for a JSON request; with report=only a DocumentReport)",
            content((api::RedactResponse = "application/json"), (api::BinaryDocument = "application/octet-stream")),
            headers(("Sekretess-Findings-Count" = u64, description = "Findings in a binary document"),
                    ("Sekretess-Findings" = String, description = "Findings per label: CARD_NUMBER=2, PERSON=1"))),
        (status = 403, description = "Operator `code`, and the caller may reach no customer group (`no-group-reachable`), or lacks the scope or group", body = sekretess_api::Problem, content_type = "application/problem+json"),
        (status = 404, description = "With `group`: no such customer group (`unknown-group`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The document exceeds a limit (`document-limit`, `body-too-large`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid format, operator or confidence (`invalid-redact-request`), a damaged document (`damaged-document`), parts not inspected (`not-inspected`), or a malformed body", body = sekretess_api::Problem, content_type = "application/problem+json"),
    ))]
pub async fn redact<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::Redact>,
    req: Request,
) -> Result<Response, ApiError> {
    if is_json(req.headers()) {
        let ApiJson(body) = ApiJson::<api::RedactRequest>::from_request(req, &()).await?;
        return redact_json(st, auth, body).await.map(IntoResponse::into_response);
    }
    let Query(query) = Query::<DocumentQuery>::try_from_uri(req.uri())
        .map_err(|_| invalid("query parameters: operator, min_confidence, uninspected, report"))?;
    redact_binary(st, auth, query, req).await
}

async fn redact_binary<S: Store + AccessStore>(
    st: AppState<S>,
    auth: Authorized<need::Redact>,
    q: DocumentQuery,
    req: Request,
) -> Result<Response, ApiError> {
    let content_type = req.headers().get(header::CONTENT_TYPE).cloned();
    let (op, code) = operator(q.operator.as_deref())?;
    let tokens = token_group(&st, &auth, q.operator.as_deref(), q.group.as_deref()).await?;
    let groups = if code { Some(code_groups(&st, &auth, q.group.as_deref()).await?) } else { None };
    if q.group.is_some() && !code && tokens.is_none() {
        return Err(invalid("group is for operators code and token only"));
    }
    let mut options = DocOptions {
        detect: Options { operator: op, threads: 1, ..Options::default() },
        ..DocOptions::default()
    };
    if let Some(c) = q.min_confidence {
        if !(0.0..=1.0).contains(&c) {
            return Err(invalid("min_confidence must be between 0 and 1"));
        }
        options.detect.min_confidence = c;
    }
    options.uninspected = match q.uninspected.as_deref().unwrap_or("fail") {
        "fail" => UninspectedPolicy::Fail,
        "skip" => UninspectedPolicy::Skip,
        "copy" => UninspectedPolicy::Copy,
        _ => return Err(invalid("uninspected must be one of fail, skip, copy")),
    };
    let report_only = match q.report.as_deref() {
        None => false,
        Some("only") => true,
        Some(_) => return Err(invalid("report must be only (or absent)")),
    };
    let body = Bytes::from_request(req, &()).await.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::BodyTooLarge
        } else {
            invalid("the body could not be read")
        }
    })?;
    let (redacted, codes) = match (&groups, &tokens) {
        (Some(groups), _) => {
            let known =
                crate::known::redact_known(&st, &auth.ctx(), groups, body, Format::Auto, options).await?;
            (known.redacted, known.codes)
        }
        (None, Some(group)) => (
            crate::token_redact::redact_with_tokens(&st, &auth.ctx(), group, body, Format::Auto, options)
                .await?,
            Vec::new(),
        ),
        (None, None) => (crate::known::redact_blocking(body, Format::Auto, options).await?, Vec::new()),
    };
    let mut event = auth.ctx().event(Action::Redact.as_str());
    event.fields = vec![
        format!("findings:{}", redacted.findings.len()),
        format!("not_inspected:{}", redacted.not_inspected.len()),
    ];
    st.vault.record_event(event, Outcome::Success).await?;

    if report_only {
        let report = api::DocumentReport {
            kind: redacted.kind.as_str().to_owned(),
            findings: redacted
                .findings
                .iter()
                .map(|f| api::DocumentFinding {
                    label: f.finding.label.as_str().to_owned(),
                    confidence: f.finding.confidence,
                    recognizer: f.finding.recognizer.to_owned(),
                    place: place(&f.place),
                })
                .collect(),
            not_inspected: redacted
                .not_inspected
                .iter()
                .map(|n| api::NotInspected { reason: n.reason.as_str().to_owned(), place: place(&n.place) })
                .collect(),
        };
        return Ok(Json(report).into_response());
    }
    let Some(output) = redacted.output else {
        let parts: Vec<String> =
            redacted.not_inspected.iter().map(|n| format!("{} ({})", n.place, n.reason)).collect();
        return Err(ApiError::NotInspected(format!(
            "not inspected, so not returned: {}; send uninspected=skip or uninspected=copy to choose otherwise",
            parts.join("; ")
        )));
    };
    let mut per_label: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &redacted.findings {
        *per_label.entry(f.finding.label.as_str()).or_default() += 1;
    }
    let summary: Vec<String> = per_label.iter().map(|(l, n)| format!("{l}={n}")).collect();
    let mut resp = output.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        content_type.unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert("sekretess-findings-count", HeaderValue::from(redacted.findings.len()));
    if let Ok(v) = HeaderValue::from_str(&summary.join(", ")) {
        h.insert("sekretess-findings", v);
    }
    if code && let Ok(v) = HeaderValue::from_str(&codes.join(", ")) {
        h.insert("sekretess-customer-codes", v);
    }
    Ok(resp)
}

fn place(p: &Place) -> api::DocumentPlace {
    api::DocumentPlace { page: p.page, part: p.part.clone(), attachment: p.attachment.clone() }
}

async fn redact_json<S: Store + AccessStore>(
    st: AppState<S>,
    auth: Authorized<need::Redact>,
    req: api::RedactRequest,
) -> Result<Json<api::RedactResponse>, ApiError> {
    let (op, code) = operator(req.operator.as_deref())?;
    let tokens = token_group(&st, &auth, req.operator.as_deref(), req.group.as_deref()).await?;
    if req.group.is_some() && !code && tokens.is_none() {
        return Err(invalid("group is for operators code and token only"));
    }
    let groups = if code { Some(code_groups(&st, &auth, req.group.as_deref()).await?) } else { None };
    let mut options = Options { operator: op, threads: 1, ..Options::default() };
    if let Some(c) = req.min_confidence {
        if !(0.0..=1.0).contains(&c) {
            return Err(invalid("min_confidence must be between 0 and 1"));
        }
        options.min_confidence = c;
    }
    let (text, fmt, is_json) = match (req.content, req.json) {
        (Some(text), None) => (text, format(req.format.as_deref())?, false),
        (None, Some(value)) => (value.to_string(), Format::Json, true),
        _ => return Err(invalid("give exactly one of content and json")),
    };
    let (redacted, codes) = match (&groups, &tokens) {
        (Some(groups), _) => known_text(&st, &auth, groups, text, fmt, options).await?,
        (None, Some(group)) => {
            let options = DocOptions { detect: options, ..DocOptions::default() };
            let done = crate::token_redact::redact_with_tokens(
                &st,
                &auth.ctx(),
                group,
                Bytes::from(text),
                fmt,
                options,
            )
            .await?;
            let text = done
                .output
                .and_then(|o| String::from_utf8(o).ok())
                .ok_or_else(|| invalid("the document could not be parsed in the given format"))?;
            (Redacted { text, findings: done.findings.into_iter().map(|f| f.finding).collect() }, Vec::new())
        }
        (None, None) => (
            tokio::task::spawn_blocking(move || redact_str(&text, fmt, &options))
                .await
                .map_err(|_| invalid("redaction failed"))?
                .map_err(|_| invalid("the document could not be parsed in the given format"))?,
            Vec::new(),
        ),
    };
    let mut event = auth.ctx().event(Action::Redact.as_str());
    event.fields = vec![format!("findings:{}", redacted.findings.len())];
    st.vault.record_event(event, Outcome::Success).await?;
    let findings = redacted
        .findings
        .iter()
        .map(|f| api::RedactFinding {
            label: f.label.as_str().to_owned(),
            start: f.start,
            end: f.end,
            start_byte: f.start_byte,
            end_byte: f.end_byte,
            confidence: f.confidence,
            recognizer: f.recognizer.to_owned(),
        })
        .collect();
    let (content, json) = if is_json {
        let value =
            serde_json::from_str(&redacted.text).map_err(|_| invalid("redacted JSON did not parse"))?;
        (None, Some(value))
    } else {
        (Some(redacted.text), None)
    };
    Ok(Json(api::RedactResponse { content, json, findings, codes }))
}

/// A JSON request's text through [`crate::known::redact_known`].
async fn known_text<S: Store + AccessStore>(
    st: &AppState<S>,
    auth: &Authorized<need::Redact>,
    groups: &[GroupInfo],
    text: String,
    fmt: Format,
    options: Options,
) -> Result<(Redacted, Vec<String>), ApiError> {
    let options = DocOptions { detect: options, ..DocOptions::default() };
    let known = crate::known::redact_known(st, &auth.ctx(), groups, Bytes::from(text), fmt, options).await?;
    let text = known
        .redacted
        .output
        .and_then(|o| String::from_utf8(o).ok())
        .ok_or_else(|| invalid("the document could not be parsed in the given format"))?;
    let findings = known.redacted.findings.into_iter().map(|f| f.finding).collect();
    Ok((Redacted { text, findings }, known.codes))
}
