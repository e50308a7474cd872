//! The v1 routes. Handlers are thin: check the caller, call the vault, shape the answer.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use sekretess_api as api;
use sekretess_api::PURPOSE_HEADER;
use sekretess_core::access::{self, AccessStore, ApiKeyRecord, Caller, GroupAccess};
use sekretess_core::audit::{self, AuditContext, Event, Outcome};
use sekretess_core::store::Store;
use sekretess_core::{CustomerCode, GroupInfo, VaultError};

use crate::auth::{Authorized, audit_context, need};
use crate::extract::ApiJson;
use crate::problem::ApiError;
use crate::{AppState, initialize};

type ApiResult<T> = Result<T, ApiError>;

const PROBLEM: &str = "application/problem+json";

fn seal_status(s: sekretess_core::SealStatus) -> api::SealStatus {
    api::SealStatus {
        initialized: s.initialized,
        sealed: s.sealed,
        threshold: s.threshold,
        share_count: s.share_count,
        progress: s.progress,
        key_id: s.key_id,
        bootstrap_key_live: false,
    }
}

/// Whether init's bootstrap key exists, is not revoked and is not retired.
async fn bootstrap_key_live<S: Store + AccessStore>(st: &AppState<S>) -> ApiResult<bool> {
    let keys = st.vault.store().list_api_keys().await?;
    let Some(key) =
        keys.iter().find(|k| k.name == crate::auth_session::BOOTSTRAP_KEY_NAME && k.revoked_at.is_none())
    else {
        return Ok(false);
    };
    Ok(match &st.people {
        // When retirement cannot be checked, report the key as live: the safe mistake.
        Some(people) => !people.key_retired(&key.id).await.unwrap_or(false),
        None => true,
    })
}

fn group(g: GroupInfo) -> api::Group {
    api::Group {
        id: g.id,
        name: g.name,
        state: g.state.as_str().to_owned(),
        kek_version: g.kek_version,
        created_at: g.created_at,
    }
}

fn api_key(r: ApiKeyRecord) -> api::ApiKey {
    api::ApiKey {
        id: r.id,
        name: r.name,
        scopes: r.scopes,
        groups: r.groups,
        created_at: r.created_at,
        revoked_at: r.revoked_at,
    }
}

/// Liveness: answers whenever the process runs, sealed or not.
#[utoipa::path(get, path = "/v1/sys/health", tag = "sys", responses((status = 200, body = api::Health)))]
pub async fn health<S: Store + AccessStore>(State(st): State<AppState<S>>) -> ApiResult<Json<api::Health>> {
    let s = st.vault.seal_status()?;
    Ok(Json(api::Health { status: "ok".into(), initialized: s.initialized, sealed: s.sealed }))
}

/// Whether the vault is initialized and sealed, and the unseal progress.
#[utoipa::path(get, path = "/v1/sys/seal-status", tag = "sys", responses((status = 200, body = api::SealStatus)))]
pub async fn get_seal_status<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
) -> ApiResult<Json<api::SealStatus>> {
    // Another process on the same store may have initialized the vault meanwhile.
    st.vault.refresh_meta().await?;
    let mut status = seal_status(st.vault.seal_status()?);
    status.bootstrap_key_live = bootstrap_key_live(&st).await?;
    Ok(Json(status))
}

/// Initializes the vault once: makes the root key, splits it into unseal shares and
/// creates the bootstrap API key. The answer is shown once; nothing of it is stored in plain.
#[utoipa::path(post, path = "/v1/sys/init", tag = "sys", request_body = api::InitRequest,
    responses((status = 200, body = api::InitResponse),
              (status = 409, description = "already initialized", body = api::Problem, content_type = PROBLEM)))]
pub async fn init<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    ApiJson(req): ApiJson<api::InitRequest>,
) -> ApiResult<Json<api::InitResponse>> {
    // Checked before anything is created: init must not fail half-way.
    if let Some(login) = &req.officer_login {
        sekretess_core::people::check_login(login)?;
    }
    if let Some(name) = &req.officer_name {
        sekretess_core::people::check_display_name(name)?;
    }
    let done =
        initialize(&st.vault, &audit_context("anonymous"), st.clock.as_ref(), req.threshold, req.shares)
            .await?;
    tracing::warn!(key_id = %done.key_id, "vault initialized; bootstrap API key created");
    // The first security officer's enrolment, on record in the chain init just started.
    let officer_enrolment_code = match &st.people {
        Some(people) => {
            let login = req.officer_login.as_deref().unwrap_or("officer");
            let name = req.officer_name.as_deref().unwrap_or("Security officer");
            // The shares exist only in this answer: never fail it for the officer's sake.
            match people.bootstrap_officer(&audit_context("anonymous"), login, name).await {
                Ok(code) => Some(code.to_string()),
                Err(e) => {
                    tracing::error!(cause = %e, "init: the first officer's enrolment failed; use `employee bootstrap`");
                    None
                }
            }
        }
        None => None,
    };
    Ok(Json(api::InitResponse {
        key_id: done.key_id,
        shares: done.shares.iter().map(|s| s.to_string()).collect(),
        bootstrap_token: done.bootstrap_token.expose().to_owned(),
        bootstrap_key_id: done.bootstrap_key_id,
        officer_enrolment_code,
    }))
}

/// Takes one unseal share per call (or `reset`), and reports progress.
#[utoipa::path(post, path = "/v1/sys/unseal", tag = "sys", request_body = api::UnsealRequest,
    responses((status = 200, body = api::SealStatus),
              (status = 400, description = "invalid, damaged or foreign share", body = api::Problem, content_type = PROBLEM)))]
pub async fn unseal<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    ApiJson(req): ApiJson<api::UnsealRequest>,
) -> ApiResult<Json<api::SealStatus>> {
    let status = match (req.reset, req.share) {
        (true, None) => st.vault.reset_unseal(&audit_context("anonymous"))?,
        (false, Some(share)) => {
            let share = zeroize::Zeroizing::new(share); // wiped when this request ends
            let s = st.vault.submit_share(&audit_context("anonymous"), &share).await?;
            if !s.sealed {
                tracing::warn!("vault unsealed");
                let locks = sekretess_crypto::secret::lock_stats();
                if locks.not_locked > 0 {
                    tracing::warn!(
                        keys = locks.not_locked,
                        "keys not locked out of swap since start (RLIMIT_MEMLOCK reached?)"
                    );
                }
            }
            s
        }
        _ => {
            return Err(ApiError::InvalidBody {
                kind: "invalid-unseal-request",
                detail: "give either one share or reset: true".into(),
            });
        }
    };
    Ok(Json(seal_status(status)))
}

/// Seals the vault: every key leaves memory.
#[utoipa::path(post, path = "/v1/sys/seal", tag = "sys", security(("bearer" = ["sys:seal"])),
    responses((status = 204, description = "sealed")))]
pub async fn seal<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::SysSeal>,
) -> ApiResult<StatusCode> {
    st.vault.seal(&auth.ctx()).await?;
    tracing::warn!(principal = %auth.caller.principal, "vault sealed");
    Ok(StatusCode::NO_CONTENT)
}

/// Creates a customer group with its own store and keys.
#[utoipa::path(post, path = "/v1/groups", tag = "groups", request_body = api::CreateGroup,
    security(("bearer" = ["groups:admin"])),
    responses((status = 201, body = api::Group), (status = 409, body = api::Problem, content_type = PROBLEM)))]
pub async fn create_group<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::GroupsAdmin>,
    ApiJson(req): ApiJson<api::CreateGroup>,
) -> ApiResult<(StatusCode, Json<api::Group>)> {
    if auth.caller.groups != GroupAccess::All {
        return Err(VaultError::GroupForbidden.into());
    }
    let g = st.vault.create_group(&auth.ctx(), &req.name).await?;
    Ok((StatusCode::CREATED, Json(group(g))))
}

/// Lists the customer groups the caller may reach.
#[utoipa::path(get, path = "/v1/groups", tag = "groups", security(("bearer" = ["groups:read"])),
    responses((status = 200, body = api::GroupList)))]
pub async fn list_groups<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::GroupsRead>,
) -> ApiResult<Json<api::GroupList>> {
    let groups = st
        .vault
        .list_groups()?
        .into_iter()
        .filter(|g| auth.caller.groups.allows(&g.name))
        .map(group)
        .collect();
    Ok(Json(api::GroupList { groups }))
}

/// Resolves the group named `name` and checks that the caller may reach it. The check
/// compares the resolved group, never the caller's string; a caller without access is
/// told "forbidden" whether or not the group exists.
pub(crate) async fn reach_group<S: Store + AccessStore>(
    st: &AppState<S>,
    caller: &Caller,
    name: &str,
) -> ApiResult<GroupInfo> {
    sekretess_core::audit::note_group(name);
    let g = match st.vault.group(name).await {
        Ok(g) => g,
        Err(VaultError::UnknownGroup(_)) if !caller.groups.allows(name) => {
            return Err(VaultError::GroupForbidden.into());
        }
        Err(e) => return Err(e.into()),
    };
    caller.require_group(&g.name)?;
    Ok(g)
}

async fn set_locked<S: Store + AccessStore>(
    st: &AppState<S>,
    caller: &Caller,
    ctx: &AuditContext,
    name: &str,
    locked: bool,
) -> ApiResult<Json<api::Group>> {
    let target = reach_group(st, caller, name).await?;
    let g = st.vault.set_group_locked(ctx, &target.name, locked).await?;
    tracing::warn!(principal = %caller.principal, group = g.id, locked, "group lock changed");
    Ok(Json(group(g)))
}

/// Locks a customer group: it refuses every customer operation until unlocked.
#[utoipa::path(post, path = "/v1/groups/{name}/lock", tag = "groups", security(("bearer" = ["groups:admin"])),
    params(("name" = String, Path, description = "group name")),
    responses((status = 200, body = api::Group), (status = 404, body = api::Problem, content_type = PROBLEM)))]
pub async fn lock_group<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::GroupsAdmin>,
    Path(name): Path<String>,
) -> ApiResult<Json<api::Group>> {
    set_locked(&st, &auth.caller, &auth.ctx(), &name, true).await
}

/// Unlocks a customer group.
#[utoipa::path(post, path = "/v1/groups/{name}/unlock", tag = "groups", security(("bearer" = ["groups:admin"])),
    params(("name" = String, Path, description = "group name")),
    responses((status = 200, body = api::Group), (status = 404, body = api::Problem, content_type = PROBLEM)))]
pub async fn unlock_group<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::GroupsAdmin>,
    Path(name): Path<String>,
) -> ApiResult<Json<api::Group>> {
    set_locked(&st, &auth.caller, &auth.ctx(), &name, false).await
}

/// The customer schema: fields, types, sensitivity, searchability.
#[utoipa::path(get, path = "/v1/schema", tag = "customers", security(("bearer" = ["groups:read"])),
    responses((status = 200, body = api::SchemaDoc)))]
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
#[utoipa::path(post, path = "/v1/customers", tag = "customers", request_body = api::CreateCustomer,
    security(("bearer" = ["customers:write"])),
    responses((status = 201, body = api::Created),
              (status = 422, description = "a field is invalid", body = api::Problem, content_type = PROBLEM)))]
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
#[utoipa::path(post, path = "/v1/customers/batch", tag = "customers", request_body = api::CreateCustomers,
    security(("bearer" = ["customers:write"])),
    responses((status = 200, body = api::BatchResponse)))]
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

/// Reads a customer by code.
#[utoipa::path(get, path = "/v1/customers/{code}", tag = "customers", security(("bearer" = ["customers:read"])),
    params(("code" = String, Path, description = "customer code, e.g. K7Q4-M92D-J3X8", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$"),
           ("x-sekretess-purpose" = Option<String>, Header, description = "why the data is read (kept in the audit log; at most 200 printable characters)")),
    responses((status = 200, body = api::Customer),
              (status = 400, description = "malformed code or wrong check symbol", body = api::Problem, content_type = PROBLEM),
              (status = 404, body = api::Problem, content_type = PROBLEM),
              (status = 410, description = "erased", body = api::Problem, content_type = PROBLEM)))]
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
    if let Some(p) = &auth.employee {
        return crate::routes_people::employee_view(&st, p, c).await.map(Json);
    }
    Ok(Json(api::Customer {
        code: c.code.to_string(),
        group: c.group,
        fields: c.fields.into_iter().map(|(k, v)| (k, v.expose().to_owned())).collect(),
        masked: Vec::new(),
        created_at: c.created_at,
        updated_at: c.updated_at,
    }))
}

/// Sets (string) or removes (null) fields of a customer.
#[utoipa::path(patch, path = "/v1/customers/{code}", tag = "customers", request_body = api::UpdateCustomer,
    security(("bearer" = ["customers:write"])),
    params(("code" = String, Path, description = "customer code", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$")),
    responses((status = 204, description = "updated"), (status = 422, body = api::Problem, content_type = PROBLEM)))]
pub async fn update_customer<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::CustomersWrite>,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<api::UpdateCustomer>,
) -> ApiResult<StatusCode> {
    let code = reachable(&st, &auth.caller, &code).await?;
    let changes: Vec<(String, Option<String>)> = req.fields.into_iter().collect();
    st.vault.update_customer(&auth.ctx(), &code, &changes).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Erases a customer (crypto-shredding); the code is never reused.
#[utoipa::path(delete, path = "/v1/customers/{code}", tag = "customers", security(("bearer" = ["customers:erase"])),
    params(("code" = String, Path, description = "customer code", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$")),
    responses((status = 204, description = "erased"), (status = 404, body = api::Problem, content_type = PROBLEM)))]
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
#[utoipa::path(post, path = "/v1/customers/search", tag = "customers", request_body = api::SearchRequest,
    security(("bearer" = ["customers:find"])),
    responses((status = 200, body = api::SearchResponse)))]
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

/// Creates a service-account API key. Its scopes and groups must be within the caller's.
#[utoipa::path(post, path = "/v1/apikeys", tag = "apikeys", request_body = api::CreateApiKey,
    security(("bearer" = ["apikeys:admin"])),
    responses((status = 201, body = api::CreatedApiKey)))]
pub async fn create_api_key<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::ApiKeysAdmin>,
    ApiJson(req): ApiJson<api::CreateApiKey>,
) -> ApiResult<(StatusCode, Json<api::CreatedApiKey>)> {
    if req.name == crate::auth_session::BOOTSTRAP_KEY_NAME {
        return Err(VaultError::InvalidAccess("the key name bootstrap is reserved").into());
    }
    let scopes = access::parse_scopes(&req.scopes)?;
    for &scope in &scopes {
        auth.caller.require(scope)?;
    }
    // Until dual approval exists, an employee's session never mints an administrative key
    // (a long-lived credential that would skip the second factor).
    if auth.employee.is_some() && scopes.iter().any(|s| s.is_admin()) {
        return Err(ApiError::AdminKeyNeedsApproval);
    }
    // Group names only (never ids), and each within the caller's reach.
    for g in req.groups.iter().filter(|g| *g != access::ALL_GROUPS) {
        sekretess_core::vault::group_name_ok(g)?;
    }
    let wants_all = req.groups.iter().any(|g| g == access::ALL_GROUPS);
    if (wants_all && auth.caller.groups != GroupAccess::All)
        || !req.groups.iter().all(|g| g == access::ALL_GROUPS || auth.caller.groups.allows(g))
    {
        return Err(VaultError::GroupForbidden.into());
    }
    // On record before the key exists (fail closed): its scopes and groups.
    let mut event = auth.ctx().event("apikey.create");
    event.fields = req
        .scopes
        .iter()
        .map(|s| format!("scope:{s}"))
        .chain(req.groups.iter().map(|g| format!("group:{g}")))
        .collect();
    let seq = st.vault.record_event(event.clone(), Outcome::Attempted).await?;
    let created =
        access::create_api_key(st.vault.store(), st.clock.as_ref(), &req.name, &req.scopes, &req.groups)
            .await;
    resolve(&st, &event, seq, created.is_ok()).await;
    let (record, token) = created?;
    tracing::warn!(principal = %auth.caller.principal, key = %record.id, "API key created");
    Ok((
        StatusCode::CREATED,
        Json(api::CreatedApiKey { key: api_key(record), token: token.expose().to_owned() }),
    ))
}

/// Resolves the attempt at `seq` with a commit marker: whether the write was made. Best
/// effort: without the marker the attempt claims no outcome.
async fn resolve<S: Store + AccessStore>(st: &AppState<S>, attempt: &Event, seq: u64, written: bool) {
    let outcome = if written { Outcome::Success } else { Outcome::Failed };
    let _ = st.vault.record_event(audit::commit_marker(attempt, seq, seq), outcome).await;
}

/// Lists the API keys whose scopes and groups are within the caller's (never their secrets).
#[utoipa::path(get, path = "/v1/apikeys", tag = "apikeys", security(("bearer" = ["apikeys:admin"])),
    responses((status = 200, body = api::ApiKeyList)))]
pub async fn list_api_keys<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::ApiKeysAdmin>,
) -> ApiResult<Json<api::ApiKeyList>> {
    let keys = st
        .vault
        .store()
        .list_api_keys()
        .await?
        .into_iter()
        .filter(|k| access::key_within(&auth.caller, k))
        .map(api_key)
        .collect();
    Ok(Json(api::ApiKeyList { keys }))
}

/// Revokes an API key at once.
#[utoipa::path(delete, path = "/v1/apikeys/{id}", tag = "apikeys", security(("bearer" = ["apikeys:admin"])),
    params(("id" = String, Path, description = "API key id")),
    responses((status = 204, description = "revoked"), (status = 404, body = api::Problem, content_type = PROBLEM)))]
pub async fn revoke_api_key<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::ApiKeysAdmin>,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let mut event = auth.ctx().event("apikey.revoke");
    event.fields = vec![format!(
        "apikey:{}",
        id.chars().filter(char::is_ascii_alphanumeric).take(32).collect::<String>()
    )];
    // A key outside the caller's scopes or groups is as unknown to it as a missing one.
    let in_reach =
        st.vault.store().get_api_key(&id).await?.is_some_and(|k| access::key_within(&auth.caller, &k));
    if !in_reach {
        st.vault.record_event(event, Outcome::Denied).await?;
        return Err(ApiError::UnknownApiKey);
    }
    let seq = st.vault.record_event(event.clone(), Outcome::Attempted).await?;
    let revoked = st.vault.store().revoke_api_key(&id, st.clock.now()).await;
    resolve(&st, &event, seq, matches!(revoked, Ok(true))).await;
    let revoked = revoked?;
    st.keys.forget(&id);
    if !revoked {
        return Err(ApiError::UnknownApiKey);
    }
    tracing::warn!(principal = %auth.caller.principal, key = %id.chars().filter(char::is_ascii_alphanumeric).take(16).collect::<String>(), "API key revoked");
    Ok(StatusCode::NO_CONTENT)
}
