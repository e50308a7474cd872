//! The `/v1/sys` routes: health, seal status, init, unseal and seal.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sekretess_api as api;
use sekretess_core::access::AccessStore;
use sekretess_core::store::Store;

use super::ApiResult;
use crate::auth::{Authorized, audit_context, need};
use crate::extract::ApiJson;
use crate::problem::ApiError;
use crate::{AppState, initialize};

pub(crate) fn seal_status(s: sekretess_core::SealStatus) -> api::SealStatus {
    api::SealStatus {
        initialized: s.initialized,
        sealed: s.sealed,
        threshold: s.threshold,
        share_count: s.share_count,
        progress: s.progress,
        key_id: s.key_id,
        bootstrap_key_live: false,
        single_officer: false,
    }
}

/// Whether init's bootstrap key exists, is not revoked and is not retired.
async fn bootstrap_key_live<S: Store + AccessStore>(st: &AppState<S>) -> ApiResult<bool> {
    let keys = st.vault.store().list_api_keys().await?;
    let Some(key) =
        keys.iter().find(|k| k.name == crate::auth::session::BOOTSTRAP_KEY_NAME && k.revoked_at.is_none())
    else {
        return Ok(false);
    };
    // When retirement cannot be checked, report the key as live: the safe mistake.
    Ok(!st.people.key_retired(&key.name).await.unwrap_or(false))
}

/// Liveness: answers whenever the process runs, sealed or not.
#[utoipa::path(operation_id = "get_health", get, path = "/v1/sys/health", tag = "sys", responses((status = 200, description = "The process answers; whether the vault is initialized and sealed", body = api::Health)))]
pub async fn health<S: Store + AccessStore>(State(st): State<AppState<S>>) -> ApiResult<Json<api::Health>> {
    let s = st.vault.seal_status()?;
    Ok(Json(api::Health { status: "ok".into(), initialized: s.initialized, sealed: s.sealed }))
}

/// Whether the vault is initialized and sealed, and the unseal progress.
#[utoipa::path(operation_id = "get_seal_status", get, path = "/v1/sys/seal-status", tag = "sys", responses((status = 200, description = "Seal state and unseal progress", body = api::SealStatus)))]
pub async fn get_seal_status<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
) -> ApiResult<Json<api::SealStatus>> {
    // Another process on the same store may have initialized the vault meanwhile.
    st.vault.refresh_meta().await?;
    let mut status = seal_status(st.vault.seal_status()?);
    status.bootstrap_key_live = bootstrap_key_live(&st).await?;
    if !status.sealed {
        status.single_officer = st.people.active_officers().await? == 1;
    }
    Ok(Json(status))
}

/// Initializes the vault once: makes the root key, splits it into unseal shares and
/// creates the bootstrap API key. The answer is shown once; nothing of it is stored in plain.
#[utoipa::path(operation_id = "init_vault", post, path = "/v1/sys/init", tag = "sys", request_body = api::InitRequest,
    responses((status = 200, description = "Initialized: the shares, the bootstrap key and the first officer's enrolment code, shown once", body = api::InitResponse),
              (status = 400, description = "Invalid threshold or share count (`invalid-init-parameters`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 409, description = "The vault is already initialized (`already-initialized`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
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
    let login = req.officer_login.as_deref().unwrap_or("officer");
    let name = req.officer_name.as_deref().unwrap_or("Security officer");
    // The shares exist only in this answer: never fail it for the officer's sake.
    let officer_enrolment_code = match st
        .people
        .bootstrap_officer(&audit_context("anonymous"), login, name)
        .await
    {
        Ok(code) => Some(code.to_string()),
        Err(e) => {
            tracing::error!(cause = %e, "init: the first officer's enrolment failed; use `employee bootstrap`");
            None
        }
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
#[utoipa::path(operation_id = "unseal_vault", post, path = "/v1/sys/unseal", tag = "sys", request_body = api::UnsealRequest,
    responses((status = 200, description = "The share was taken (or the progress reset); the seal state and progress", body = api::SealStatus),
              (status = 400, description = "An invalid, damaged or foreign share, or shares that do not unseal the vault (`invalid-share`, `wrong-vault`, `threshold-mismatch`, `unseal-failed`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 409, description = "Not initialized, already unsealed, or this share was already given (`not-initialized`, `already-unsealed`, `duplicate-share`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
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
#[utoipa::path(operation_id = "seal_vault", post, path = "/v1/sys/seal", tag = "sys", security(("bearer" = ["sys:seal"])),
    responses((status = 204, description = "Sealed: every key dropped from memory")))]
pub async fn seal<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::SysSeal>,
) -> ApiResult<StatusCode> {
    st.vault.seal(&auth.ctx()).await?;
    tracing::warn!(principal = %auth.caller.principal, "vault sealed");
    Ok(StatusCode::NO_CONTENT)
}
