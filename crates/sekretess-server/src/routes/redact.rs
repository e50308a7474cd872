//! `POST /v1/redact`: the redaction engine over HTTPS. Nothing is stored; the body and
//! the answer are never logged.

use axum::Json;
use axum::extract::State;
use sekretess_api::redact as api;
use sekretess_core::access::AccessStore;
use sekretess_core::audit::{Action, Outcome};
use sekretess_core::store::Store;
use sekretess_detect::{Format, Operator, Options, redact_str};

use crate::AppState;
use crate::auth::{Authorized, need};
use crate::extract::ApiJson;
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

fn operator(name: Option<&str>) -> Result<Operator, ApiError> {
    Ok(match name.unwrap_or("mask") {
        "mask" => Operator::Mask,
        "label" => Operator::Label,
        "partial" => Operator::Partial { card_first6: false },
        _ => return Err(invalid("operator must be one of mask, label, partial")),
    })
}

/// Finds personal data in a document and returns it redacted, with the findings (labels
/// and offsets, never the values).
#[utoipa::path(post, path = "/v1/redact", tag = "redact", request_body = api::RedactRequest,
    security(("bearer" = ["redact"])),
    responses((status = 200, body = api::RedactResponse)))]
pub async fn redact<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::Redact>,
    ApiJson(req): ApiJson<api::RedactRequest>,
) -> Result<Json<api::RedactResponse>, ApiError> {
    let mut options =
        Options { operator: operator(req.operator.as_deref())?, threads: 1, ..Options::default() };
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
    let redacted = tokio::task::spawn_blocking(move || redact_str(&text, fmt, &options))
        .await
        .map_err(|_| invalid("redaction failed"))?
        .map_err(|_| invalid("the document could not be parsed in the given format"))?;
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
    Ok(Json(api::RedactResponse { content, json, findings }))
}
