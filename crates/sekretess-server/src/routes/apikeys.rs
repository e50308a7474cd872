//! The service-account API key routes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sekretess_api as api;
use sekretess_core::VaultError;
use sekretess_core::access::{self, AccessStore, ApiKeyRecord, GroupAccess, Scope};
use sekretess_core::audit::{self, Action, AuditContext, Event, Outcome};
use sekretess_core::people::{KeyBinding, RequestKind};
use sekretess_core::store::Store;

use super::ApiResult;
use crate::AppState;
use crate::auth::{Authorized, need};
use crate::extract::ApiJson;
use crate::problem::ApiError;

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

/// Creates a service-account API key. Its scopes and groups must be within the caller's.
/// Creates a service-account API key. Its scopes and groups must be within the caller's.
/// Once a security officer is active, a key with `customers:reveal` needs a second one:
/// the answer is then `202` with a pending request (dual control).
#[utoipa::path(operation_id = "create_api_key", post, path = "/v1/apikeys", tag = "apikeys", request_body = api::CreateApiKey,
    security(("bearer" = ["apikeys:admin"])),
    responses((status = 201, description = "The new key and its token, shown once", body = api::CreatedApiKey),
              (status = 202, description = "A key with customers:reveal, pending a second officer", body = api::people::ApprovalRequest),
              (status = 400, description = "An unknown scope, a reserved name or an invalid group name (`invalid-access-request`, `invalid-group-name`), or a body that is not JSON", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 403, description = "The caller lacks a scope or group it asks for, or asks for administrative scopes as an employee (`forbidden`, `group-forbidden`, `admin-key-needs-approval`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn create_api_key<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::ApiKeysAdmin>,
    ApiJson(req): ApiJson<api::CreateApiKey>,
) -> ApiResult<Response> {
    if req.name == crate::auth::session::BOOTSTRAP_KEY_NAME {
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
    // A key that may reveal values waits for a second officer (dual control).
    if scopes.contains(&Scope::CustomersReveal) && st.people.dual_control().await? {
        let payload = super::approvals::payload_json(&req)?;
        let target =
            format!("apikey:{}", req.name.chars().filter(|c| !c.is_control()).take(64).collect::<String>());
        let row = st.people.request_change(&auth.ctx(), RequestKind::CreateApiKey, target, payload).await?;
        return Ok(super::approvals::pending(&row, st.clock.now()));
    }
    let created = make_key(&st, &auth.ctx(), &req).await?;
    tracing::warn!(principal = %auth.caller.principal, key = %created.key.id, "API key created");
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// Creates the key (audited: an attempt before it exists, resolved after). The caller has
/// checked the scopes and groups.
pub(crate) async fn make_key<S: Store + AccessStore>(
    st: &AppState<S>,
    ctx: &AuditContext,
    req: &api::CreateApiKey,
) -> ApiResult<api::CreatedApiKey> {
    // On record before the key exists (fail closed): its scopes and groups.
    let mut event = ctx.event(Action::ApiKeyCreate.as_str());
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
    resolve(st, &event, seq, created.is_ok()).await;
    let (record, token) = created?;
    Ok(api::CreatedApiKey { key: api_key(record), token: token.expose().to_owned() })
}

/// Resolves the attempt at `seq` with a commit marker: whether the write was made. Best
/// effort: without the marker the attempt claims no outcome.
async fn resolve<S: Store + AccessStore>(st: &AppState<S>, attempt: &Event, seq: u64, written: bool) {
    let outcome = if written { Outcome::Success } else { Outcome::Failed };
    let _ = st.vault.record_event(audit::commit_marker(attempt, seq, seq), outcome).await;
}

/// Lists the API keys whose scopes and groups are within the caller's (never their secrets).
#[utoipa::path(operation_id = "list_api_keys", get, path = "/v1/apikeys", tag = "apikeys", security(("bearer" = ["apikeys:admin"])),
    responses((status = 200, description = "The API keys within the caller's scopes and groups", body = api::ApiKeyList)))]
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
#[utoipa::path(operation_id = "revoke_api_key", delete, path = "/v1/apikeys/{id}", tag = "apikeys", security(("bearer" = ["apikeys:admin"])),
    params(("id" = String, Path, description = "API key id")),
    responses((status = 204, description = "Revoked"),
              (status = 404, description = "No active API key has this id (`unknown-api-key`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn revoke_api_key<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::ApiKeysAdmin>,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let mut event = auth.ctx().event(Action::ApiKeyRevoke.as_str());
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

/// Binds an API key to a client certificate (SHA-256 of its DER), or to a subject and
/// the CA that issues it: from then on the key is refused (`401`, as any authentication
/// failure) on a connection without a matching certificate. The server needs a client CA
/// (`[server] tls_client_ca`) for clients to present one, and for a binding by subject
/// the CA must be one of its certificates.
#[utoipa::path(operation_id = "bind_api_key", post, path = "/v1/apikeys/{id}/bind", tag = "apikeys", request_body = api::BindApiKey,
    security(("bearer" = ["apikeys:admin"])), params(("id" = String, Path, description = "API key id")),
    responses((status = 204, description = "The key is bound"),
              (status = 404, description = "No such API key (`unknown-api-key`)", body = api::Problem, content_type = "application/problem+json"),
              (status = 400, description = "Neither or both forms, a fingerprint that is not 64 hex digits, a subject certificate that does not parse, a CA that is not one of the server's client CAs or did not issue it, or a malformed body", body = api::Problem, content_type = "application/problem+json")))]
pub async fn bind_api_key<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::ApiKeysAdmin>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<api::BindApiKey>,
) -> ApiResult<StatusCode> {
    let binding = match (&req.client_cert_sha256, &req.client_cert_subject_of, &req.client_ca_sha256) {
        (Some(fp), None, None) => KeyBinding::Certificate(
            sha256_hex(fp).ok_or(VaultError::InvalidAccess("client_cert_sha256 takes 64 hex digits"))?,
        ),
        (None, Some(pem), Some(ca)) => {
            let ca_sha256 =
                sha256_hex(ca).ok_or(VaultError::InvalidAccess("client_ca_sha256 takes 64 hex digits"))?;
            let (subject, issuer) = crate::mtls::subject_and_issuer(pem).map_err(|_| {
                VaultError::InvalidAccess("client_cert_subject_of takes one X.509 certificate in PEM")
            })?;
            let cas = st.client_cas.get().ok_or(VaultError::InvalidAccess(
                "the server has no client CA (server.tls_client_ca): nothing to bind by subject",
            ))?;
            let ca_subject = cas.subject_of(&ca_sha256).ok_or(VaultError::InvalidAccess(
                "client_ca_sha256 names none of the server's client CA certificates",
            ))?;
            if ca_subject != issuer.as_slice() {
                return Err(VaultError::InvalidAccess(
                    "the certificate in client_cert_subject_of was not issued by the CA of client_ca_sha256",
                )
                .into());
            }
            KeyBinding::SubjectAndCa { subject, ca_sha256 }
        }
        _ => {
            return Err(VaultError::InvalidAccess(
                "give client_cert_sha256 alone, or client_cert_subject_of with client_ca_sha256",
            )
            .into());
        }
    };
    let mut event = auth.ctx().event(Action::ApiKeyBind.as_str());
    // The kind of binding, and for one by subject its CA's fingerprint; never the subject
    // itself (it may name a person).
    event.fields = vec![
        format!("apikey:{}", id.chars().filter(char::is_ascii_alphanumeric).take(32).collect::<String>()),
        match &binding {
            KeyBinding::SubjectAndCa { ca_sha256, .. } => {
                format!("binding:subject_and_ca:{}", hex(ca_sha256))
            }
            KeyBinding::Certificate(_) => "binding:certificate".to_owned(),
        },
    ];
    let in_reach = st
        .vault
        .store()
        .get_api_key(&id)
        .await?
        .is_some_and(|k| k.revoked_at.is_none() && access::key_within(&auth.caller, &k));
    if !in_reach {
        st.vault.record_event(event, Outcome::Denied).await?;
        return Err(ApiError::UnknownApiKey);
    }
    let seq = st.vault.record_event(event.clone(), Outcome::Attempted).await?;
    let bound = st.people.bind_key(&id, binding).await;
    resolve(&st, &event, seq, bound.is_ok()).await;
    bound?;
    st.keys.forget(&id);
    Ok(StatusCode::NO_CONTENT)
}

/// A SHA-256 fingerprint: 64 hex digits, colons and case ignored.
fn sha256_hex(text: &str) -> Option<[u8; 32]> {
    let hex = text.trim().to_ascii_lowercase().replace(':', "");
    let mut sha256 = [0u8; 32];
    let ok = hex.len() == 64
        && hex.is_ascii()
        && sha256.iter_mut().enumerate().all(|(i, b)| match u8::from_str_radix(&hex[2 * i..2 * i + 2], 16) {
            Ok(v) => {
                *b = v;
                true
            }
            Err(_) => false,
        });
    ok.then_some(sha256)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
