//! Retention routes (a customer's dates and legal hold, who is due, a sweep now) and the
//! subject access export (issue 24).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sekretess_api as api;
use sekretess_api::PURPOSE_HEADER;
use sekretess_api::retention as ar;
use sekretess_core::access::AccessStore;
use sekretess_core::audit::Entry;
use sekretess_core::people::{PeopleError, PeopleStore};
use sekretess_core::policy::{Decision, FieldPolicy, PolicyError, Purpose, Role, mask};
use sekretess_core::store::Store;
use sekretess_core::{CustomerExport, Holding, Sensitivity};

use super::customers::reachable;
use super::groups::reach_group;
use super::people::{PeopleState, roles_of};
use super::{ApiResult, PROBLEM};
use crate::AppState;
use crate::auth::{Authorized, need};
use crate::extract::ApiJson;
use crate::problem::ApiError;

fn short_text(kind: &'static str, what: &str, s: &str) -> ApiResult<String> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 200 || s.chars().any(char::is_control) {
        return Err(ApiError::InvalidBody {
            kind,
            detail: format!("{what} takes 1 to 200 printable characters"),
        });
    }
    Ok(s.to_owned())
}

/// A customer's retention dates and legal hold.
#[utoipa::path(operation_id = "get_customer_retention", get, path = "/v1/customers/{code}/retention", tag = "retention",
    security(("bearer" = ["customers:read"])),
    params(("code" = String, Path, description = "customer code", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$")),
    responses((status = 200, description = "The customer's retention date, when it is due and any legal hold", body = ar::Retention),
              (status = 400, description = "A malformed customer code (`invalid-code`)", body = api::Problem, content_type = PROBLEM),
              (status = 404, description = "No such customer (`customer-not-found`)", body = api::Problem, content_type = PROBLEM),
              (status = 410, description = "The customer was erased (`customer-erased`)", body = api::Problem, content_type = PROBLEM)))]
pub async fn get_retention<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersRead>,
    Path(code): Path<String>,
) -> ApiResult<Json<ar::Retention>> {
    let code = reachable(&st, &auth.caller, &code).await?;
    let r = st.vault.retention(&code, &st.retention.rules()).await?;
    Ok(Json(ar::Retention {
        code: r.code.to_string(),
        group: r.group,
        updated_at: r.updated_at,
        retain_until: r.retain_until,
        due_at: r.due_at,
        legal_hold_since: r.legal_hold_since,
    }))
}

/// Sets or clears (`null`) a customer's own retention date. Audited.
#[utoipa::path(operation_id = "set_customer_retention", put, path = "/v1/customers/{code}/retention", tag = "retention", request_body = ar::SetRetention,
    security(("bearer" = ["customers:retention"])),
    params(("code" = String, Path, description = "customer code", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$")),
    responses((status = 204, description = "The retention date or hold is set"),
              (status = 400, description = "A malformed customer code (`invalid-code`)", body = api::Problem, content_type = PROBLEM),
              (status = 404, description = "No such customer (`customer-not-found`)", body = api::Problem, content_type = PROBLEM),
              (status = 410, description = "The customer was erased (`customer-erased`)", body = api::Problem, content_type = PROBLEM)))]
pub async fn set_retention<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersRetention>,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<ar::SetRetention>,
) -> ApiResult<StatusCode> {
    let purpose = match req.purpose.as_deref() {
        Some(p) => Some(short_text("invalid-purpose", "the purpose", p)?),
        None => None,
    };
    let code = reachable(&st, &auth.caller, &code).await?;
    st.vault.set_retain_until(&auth.ctx(), &code, req.retain_until, purpose.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Puts a customer on legal hold, or takes it off (no retention sweep erases a customer
/// on hold). Audited with the reason.
#[utoipa::path(operation_id = "set_legal_hold", put, path = "/v1/customers/{code}/legal-hold", tag = "retention", request_body = ar::LegalHold,
    security(("bearer" = ["customers:retention"])),
    params(("code" = String, Path, description = "customer code", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$")),
    responses((status = 204, description = "The retention date or hold is set or cleared"),
              (status = 400, description = "A malformed customer code (`invalid-code`)", body = api::Problem, content_type = PROBLEM),
              (status = 404, description = "No such customer (`customer-not-found`)", body = api::Problem, content_type = PROBLEM),
              (status = 410, description = "The customer was erased (`customer-erased`)", body = api::Problem, content_type = PROBLEM)))]
pub async fn set_legal_hold<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersRetention>,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<ar::LegalHold>,
) -> ApiResult<StatusCode> {
    let reason = short_text("invalid-reason", "the reason", &req.reason)?;
    let code = reachable(&st, &auth.caller, &code).await?;
    st.vault.set_legal_hold(&auth.ctx(), &code, req.hold, &reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The customers of a group that a sweep now would erase (codes only); nothing is erased.
#[utoipa::path(operation_id = "list_retention_due", get, path = "/v1/groups/{name}/retention/due", tag = "retention",
    security(("bearer" = ["customers:retention"])),
    params(("name" = String, Path, description = "group name")),
    responses((status = 200, description = "The codes of the group's customers past retention and not on hold", body = ar::RetentionDue),
              (status = 404, description = "No such customer group (`unknown-group`)", body = api::Problem, content_type = PROBLEM),
              (status = 423, description = "The customer group is locked (`group-locked`)", body = api::Problem, content_type = PROBLEM)))]
pub async fn due<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersRetention>,
    Path(name): Path<String>,
) -> ApiResult<Json<ar::RetentionDue>> {
    let g = reach_group(&st, &auth.caller, &name).await?;
    let (codes, held) = st.vault.retention_due(&auth.ctx(), &g.name, &st.retention.rules()).await?;
    Ok(Json(ar::RetentionDue { group: g.name, codes: codes.iter().map(ToString::to_string).collect(), held }))
}

// ---- the subject access export

fn role_name(r: Role) -> &'static str {
    r.as_str()
}

/// The role(s) and pseudonymous id of an audit actor.
async fn who<S: Store + AccessStore + PeopleStore>(st: &PeopleState<S>, actor: &str) -> String {
    if let Some(id) = actor.strip_prefix("employee:").and_then(|n| n.parse::<u64>().ok()) {
        return match st.app.vault.store().get_employee(id).await {
            Ok(Some(e)) => e.roles.iter().map(|r| role_name(*r)).collect::<Vec<_>>().join("+"),
            _ => "employee".to_owned(),
        };
    }
    if actor.starts_with("apikey:") {
        return Role::Service.as_str().to_owned();
    }
    if actor == "system" { "system".to_owned() } else { "other".to_owned() }
}

fn shown(
    policy: &FieldPolicy,
    roles: &[Role],
    schema: &sekretess_core::Schema,
    f: &sekretess_core::ExportedField,
) -> ar::ExportField {
    let (shown, value) = match &f.holding {
        Holding::HeldOffline => ("offline", None),
        Holding::Value(v) => {
            // Restricted is never plain online, whatever the table says.
            let d = if f.sensitivity == Sensitivity::Restricted {
                Decision::Masked.min(policy.decision_for(roles, f.sensitivity))
            } else {
                policy.decision_for(roles, f.sensitivity)
            };
            match d {
                Decision::Deny => ("withheld", None),
                Decision::Masked => ("masked", Some(mask_of(schema, f, v.expose()))),
                // The export names its purpose: a reveal with purpose shows the value.
                Decision::RevealWithPurpose | Decision::Plain => ("plain", Some(v.expose().to_owned())),
            }
        }
    };
    ar::ExportField {
        name: f.name.clone(),
        sensitivity: f.sensitivity.as_str().to_owned(),
        shown: shown.to_owned(),
        value,
    }
}

fn mask_of(schema: &sekretess_core::Schema, f: &sekretess_core::ExportedField, value: &str) -> String {
    let ty = schema.field(&f.name).map_or(sekretess_core::FieldType::Text, |d| d.field_type);
    mask(ty, value)
}

async fn wire<S: Store + AccessStore + PeopleStore>(
    st: &PeopleState<S>,
    x: CustomerExport,
    policy: &FieldPolicy,
    roles: &[Role],
    purpose: String,
    now: i64,
) -> ar::CustomerExport {
    let mut history = Vec::with_capacity(x.history.len());
    for e in x.history {
        let Entry { seq, time, actor, action, fields, purpose, outcome, .. } = e;
        let role = who(st, &actor).await;
        history.push(ar::AccessEntry {
            seq,
            time,
            action,
            role,
            actor,
            purpose,
            fields,
            outcome: outcome.as_str().to_owned(),
        });
    }
    ar::CustomerExport {
        code: x.code.to_string(),
        group: x.group,
        exported_at: now,
        purpose,
        created_at: x.created_at,
        updated_at: x.updated_at,
        retain_until: x.retain_until,
        due_at: x.due_at,
        legal_hold_since: x.legal_hold_since,
        fields: x.fields.iter().map(|f| shown(policy, roles, st.app.vault.schema(), f)).collect(),
        documents: x
            .documents
            .into_iter()
            .map(|d| ar::ExportDocument {
                id: d.id,
                group: d.group,
                name: d.name,
                content_type: d.content_type,
                size: d.size,
                filed_at: d.filed_at,
                retain_until: d.retain_until,
            })
            .collect(),
        history,
    }
}

/// The subject access export of a customer (GDPR articles 15 and 20): every field it has
/// (as the field policy shows them to the caller; restricted fields as held offline),
/// created/updated times, retention, documents on file and every audited access. A
/// purpose is required (`x-sekretess-purpose`); the export is audited before it answers.
/// `Accept: text/plain` gives a readable text form instead of JSON.
#[utoipa::path(operation_id = "export_customer", get, path = "/v1/customers/{code}/export", tag = "customers",
    security(("bearer" = ["customers:export"])),
    params(("code" = String, Path, description = "customer code", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$"),
           ("x-sekretess-purpose" = String, Header, description = "why the export is made (required; `kind` or `kind: description`)")),
    responses((status = 200, description = "The subject access export (JSON)", body = ar::CustomerExport),
              (status = 200, description = "the readable form (Accept: text/plain)", body = String, content_type = "text/plain"),
              (status = 400, description = "no purpose", body = api::Problem, content_type = PROBLEM),
              (status = 404, description = "No such customer (`customer-not-found`)", body = api::Problem, content_type = PROBLEM),
              (status = 410, description = "The customer was erased (`customer-erased`)", body = api::Problem, content_type = PROBLEM)))]
pub async fn export<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    auth: Authorized<need::CustomersExport>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    // A code out of reach reads as not found before anything else is checked.
    let code = reachable(&st.app, &auth.caller, &code).await?;
    let purpose = match headers.get(PURPOSE_HEADER).map(|v| v.to_str()) {
        None => return Err(PeopleError::Policy(PolicyError::PurposeRequired).into()),
        Some(Ok(p)) => Purpose::parse(p).map_err(PeopleError::Policy)?,
        Some(Err(_)) => {
            return Err(ApiError::InvalidBody {
                kind: "invalid-purpose",
                detail: "the purpose header takes printable text".into(),
            });
        }
    };
    let roles = roles_of(&auth.employee);
    let policy = st.people.field_policy().await?;
    let purpose = purpose.audit_text();
    let x = st
        .app
        .vault
        .export_customer(&auth.ctx(), &auth.caller.groups, &code, &purpose, &st.app.retention.rules())
        .await?;
    let doc = wire(&st, x, &policy, &roles, purpose, st.app.clock.now()).await;
    let text = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/plain") && !a.contains("application/json"));
    if text {
        let mut resp = doc.to_text().into_response();
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
        return Ok(resp);
    }
    Ok(Json(doc).into_response())
}
