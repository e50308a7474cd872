//! The schema and customer routes, and the code check other routes share (`reachable`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use sekretess_api as api;
use sekretess_api::PURPOSE_HEADER;
use sekretess_core::access::{AccessStore, Caller, GroupAccess};
use sekretess_core::store::Store;
use sekretess_core::{CustomerCode, VaultError};

use super::ApiResult;
use super::groups::reach_group;
use crate::AppState;
use crate::auth::{Authorized, need};
use crate::extract::ApiJson;
use crate::problem::ApiError;

/// The customer schema: fields, types, sensitivity, searchability.
#[utoipa::path(operation_id = "get_schema", get, path = "/v1/schema", tag = "customers", security(("bearer" = ["groups:read"])),
    responses((status = 200, description = "The customer schema", body = api::SchemaDoc)))]
pub async fn schema<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    _auth: Authorized<need::GroupsRead>,
) -> Json<api::SchemaDoc> {
    let fields = st
        .vault
        .schema()
        .fields()
        .iter()
        .map(|f| api::SchemaField {
            name: f.name.clone(),
            field_type: f.field_type.as_str().to_owned(),
            sensitivity: f.sensitivity.as_str().to_owned(),
            searchable: f.searchable,
            unique: f.unique,
        })
        .collect();
    Json(api::SchemaDoc { fields })
}

fn pairs(fields: BTreeMap<String, String>) -> Vec<(String, String)> {
    fields.into_iter().collect()
}

/// Creates one customer.
#[utoipa::path(operation_id = "create_customer", post, path = "/v1/customers", tag = "customers", request_body = api::CreateCustomer,
    security(("bearer" = ["customers:write"])),
    responses((status = 201, description = "Created: the new customer code", body = api::Created),
              (status = 404, description = "No such customer group (`unknown-group`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 409, description = "Another customer in the group has this value of a unique field (`duplicate`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "A field is unknown, refused or invalid, or no field is given (`unknown-field`, `forbidden-field`, `invalid-field`, `field-too-long`, `no-fields`), or the body is malformed", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 423, description = "The customer group is locked (`group-locked`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn create_customer<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersWrite>,
    ApiJson(req): ApiJson<api::CreateCustomer>,
) -> ApiResult<(StatusCode, Json<api::Created>)> {
    let g = reach_group(&st, &auth.caller, &req.group).await?;
    let code = st.vault.create_customer(&auth.ctx(), &g.name, &pairs(req.fields)).await?;
    Ok((StatusCode::CREATED, Json(api::Created { code: code.to_string(), group: g.name })))
}

/// Creates many customers in one transaction and answers per item: an invalid or
/// duplicate item fails alone.
#[utoipa::path(operation_id = "create_customers", post, path = "/v1/customers/batch", tag = "customers", request_body = api::CreateCustomers,
    security(("bearer" = ["customers:write"])),
    responses((status = 200, description = "One result per item, in order: a code or a problem", body = api::BatchResponse),
              (status = 404, description = "No such customer group (`unknown-group`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 413, description = "Too many customers (`batch-too-large`) or body too large (`body-too-large`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 423, description = "The customer group is locked (`group-locked`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn create_customers<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersWrite>,
    ApiJson(req): ApiJson<api::CreateCustomers>,
) -> ApiResult<Json<api::BatchResponse>> {
    let g = reach_group(&st, &auth.caller, &req.group).await?;
    if req.customers.len() > st.limits.max_batch {
        return Err(ApiError::BatchTooLarge(st.limits.max_batch));
    }
    let batch: Vec<Vec<(String, String)>> = req.customers.into_iter().map(|c| pairs(c.fields)).collect();
    let outcomes = st.vault.create_customers(&auth.ctx(), &g.name, &batch).await?;
    let results: Vec<api::BatchResult> = outcomes
        .into_iter()
        .map(|r| match r {
            Ok(code) => api::BatchResult { code: Some(code.to_string()), problem: None },
            Err(e) => api::BatchResult { code: None, problem: Some(ApiError::Vault(e).problem()) },
        })
        .collect();
    let created = results.iter().filter(|r| r.code.is_some()).count();
    Ok(Json(api::BatchResponse { group: g.name, created, failed: results.len() - created, results }))
}

/// Parses a code from the path and checks the caller may reach its group. A caller
/// without access to the group learns nothing more than "no such customer".
pub(crate) async fn reachable<S: Store + AccessStore>(
    st: &AppState<S>,
    caller: &Caller,
    code: &str,
) -> ApiResult<CustomerCode> {
    let code = CustomerCode::parse(code)?;
    if caller.groups != GroupAccess::All {
        let id = st.vault.store().directory_lookup(code.compact()).await?.ok_or(VaultError::NotFound)?;
        let name = st.vault.list_groups()?.into_iter().find(|g| g.id == id).map(|g| g.name);
        if let Some(n) = &name {
            sekretess_core::audit::note_group(n); // for the audit entry of a refusal
        }
        if !name.is_some_and(|n| caller.groups.allows(&n)) {
            return Err(VaultError::NotFound.into());
        }
    }
    Ok(code)
}

/// Reads a customer by code, as the field policy shows it to the caller's role (an API
/// key's is `service`): masked fields are listed in `masked`; `POST …/reveal` gives them in
/// plain for a purpose.
#[utoipa::path(operation_id = "get_customer", get, path = "/v1/customers/{code}", tag = "customers", security(("bearer" = ["customers:read"])),
    params(("code" = String, Path, description = "customer code, e.g. K7Q4-M92D-J3XP", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$"),
           ("x-sekretess-purpose" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "Why the data is read (kept in the audit log; 1 to 200 printable characters). Optional: the field policy's masked view needs none; plain values need `POST /v1/customers/{code}/reveal` with a purpose.")),
    responses((status = 200, description = "The customer as the field policy shows it to the caller", body = api::Customer),
              (status = 400, description = "Malformed customer code or wrong check symbol (`malformed-code`, `code-check-failed`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such customer, or one in a group the caller may not reach (`customer-not-found`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 410, description = "The customer was erased (`customer-erased`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "The purpose header is empty, too long or has control characters (`invalid-purpose`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 423, description = "The customer group is locked (`group-locked`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn get_customer<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersRead>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<api::Customer>> {
    let purpose = match headers.get(PURPOSE_HEADER) {
        None => None,
        Some(v) => match v.to_str() {
            Ok(p) if !p.is_empty() && p.chars().count() <= 200 && !p.chars().any(char::is_control) => {
                Some(p.to_owned())
            }
            _ => {
                return Err(ApiError::InvalidBody {
                    kind: "invalid-purpose",
                    detail: "the purpose header takes 1 to 200 printable characters".into(),
                });
            }
        },
    };
    let code = reachable(&st, &auth.caller, &code).await?;
    let c = st.vault.get_customer(&auth.ctx(), &code, purpose.as_deref()).await?;
    let roles = crate::routes::people::roles_of(&auth.employee);
    crate::routes::people::policy_view(&st, &roles, c).await.map(Json)
}

/// Sets (string) or removes (null) fields of a customer.
#[utoipa::path(operation_id = "update_customer", patch, path = "/v1/customers/{code}", tag = "customers", request_body = api::UpdateCustomer,
    security(("bearer" = ["customers:write"])),
    params(("code" = String, Path, description = "customer code, e.g. K7Q4-M92D-J3XP", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$"),
           ("if-match" = Option<String>, Header, description = "Update only if the customer is still at this version (`\"3\"`, the `version` of a read); `*` or no header: at any version")),
    responses((status = 204, description = "Updated"),
              (status = 400, description = "Malformed customer code or wrong check symbol, or a body that is not JSON", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such customer, or one in a group the caller may not reach (`customer-not-found`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 409, description = "Another customer in the group has this value of a unique field (`duplicate`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 410, description = "The customer was erased (`customer-erased`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 412, description = "The customer is no longer at the version named by If-Match (`customer-changed`): read it again", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "A field is unknown, refused or invalid (`unknown-field`, `forbidden-field`, `invalid-field`, `field-too-long`, `no-fields`), or the body is malformed", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 423, description = "The customer group is locked (`group-locked`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn update_customer<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersWrite>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<api::UpdateCustomer>,
) -> ApiResult<StatusCode> {
    let code = reachable(&st, &auth.caller, &code).await?;
    let changes: Vec<(String, Option<String>)> = req.fields.into_iter().collect();
    let expected = if_match(&headers)?;
    st.vault.update_customer_at(&auth.ctx(), &code, &changes, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The version an `If-Match` header names: `None` without one or for `*`. A value that
/// names no version of ours (several tags, a weak or malformed one) never matches.
fn if_match(headers: &HeaderMap) -> ApiResult<Option<u64>> {
    let Some(v) = headers.get(axum::http::header::IF_MATCH) else { return Ok(None) };
    let text = v.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    let bare = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
    match bare.parse::<u64>() {
        Ok(n) if bare.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(n)),
        _ => Err(VaultError::Changed.into()),
    }
}

/// Erases a customer (crypto-shredding); the code is never reused.
#[utoipa::path(operation_id = "erase_customer", delete, path = "/v1/customers/{code}", tag = "customers", security(("bearer" = ["customers:erase"])),
    params(("code" = String, Path, description = "customer code, e.g. K7Q4-M92D-J3XP", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$")),
    responses((status = 204, description = "Erased (crypto-shredded)"),
              (status = 400, description = "Malformed customer code or wrong check symbol (`malformed-code`, `code-check-failed`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such customer, or one in a group the caller may not reach (`customer-not-found`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 410, description = "The customer was already erased (`customer-erased`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 423, description = "The customer group is locked (`group-locked`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn erase_customer<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersErase>,
    Path(code): Path<String>,
) -> ApiResult<StatusCode> {
    let code = reachable(&st, &auth.caller, &code).await?;
    st.vault.erase_customer(&auth.ctx(), &code).await?;
    tracing::info!(principal = %auth.caller.principal, code = %code, "customer erased");
    Ok(StatusCode::NO_CONTENT)
}

/// Finds customers of a group by the exact value of a searchable field.
#[utoipa::path(operation_id = "search_customers", post, path = "/v1/customers/search", tag = "customers", request_body = api::SearchRequest,
    security(("bearer" = ["customers:find"])),
    responses((status = 200, description = "The codes of the customers whose field has this value", body = api::SearchResponse),
              (status = 404, description = "No such customer group (`unknown-group`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "The field is unknown or not searchable, or the value invalid for its type (`unknown-field`, `not-searchable`, `invalid-field`), or the body is malformed", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 423, description = "The customer group is locked (`group-locked`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn search<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersFind>,
    ApiJson(req): ApiJson<api::SearchRequest>,
) -> ApiResult<Json<api::SearchResponse>> {
    let g = reach_group(&st, &auth.caller, &req.group).await?;
    let codes = st.vault.find(&auth.ctx(), &g.name, &req.field, &req.value).await?;
    Ok(Json(api::SearchResponse {
        matches: codes.into_iter().map(|c| api::Match { code: c.to_string() }).collect(),
    }))
}
