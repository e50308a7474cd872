//! Key routes: group key rotation, rekey (two steps) and audit key rotation.
//!
//! Rotating a group key needs `groups:admin` and access to the group, with no second
//! officer: a rotation reveals nothing, locks no one out and is the first answer to a
//! suspected key compromise, so it must not wait for two people (docs/operations.md,
//! "Key rotation and rekey"). Rekey needs `sys:seal` *and* a threshold of the current
//! unseal shares, which is itself several people's consent. Audit key rotation needs
//! `sys:seal`.

use axum::Json;
use axum::extract::{Path, State};
use sekretess_api as api;
use sekretess_core::access::AccessStore;
use sekretess_core::store::Store;
use zeroize::Zeroizing;

use super::ApiResult;
use super::groups::{group, reach_group};
use super::sys::seal_status;
use crate::AppState;
use crate::auth::{Authorized, need};
use crate::extract::ApiJson;

/// Makes a new key version for the group: new writes use it at once, every customer data
/// key is rewrapped to it in the background (progress in the group's `rewrap`), and the
/// old version is retired once no data key uses it.
#[utoipa::path(operation_id = "rotate_group_key", post, path = "/v1/groups/{name}/rotate-key", tag = "groups", security(("bearer" = ["groups:admin"])),
    params(("name" = String, Path, description = "group name")),
    responses((status = 200, description = "The group with its new key version", body = api::Group),
              (status = 404, description = "No such customer group (`unknown-group`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 423, description = "The customer group is locked (`group-locked`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn rotate_group_key<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::GroupsAdmin>,
    Path(name): Path<String>,
) -> ApiResult<Json<api::Group>> {
    let target = reach_group(&st, &auth.caller, &name).await?;
    let g = st.vault.rotate_group_key(&auth.ctx(), &target.name).await?;
    tracing::warn!(principal = %auth.caller.principal, group = g.id, version = g.kek_version, "group key rotated");
    Ok(Json(group(g)))
}

/// Step 1 of a rekey: checks a threshold of the current shares and answers the new
/// shares, once. They are valid only after step 2; until then the current shares stay.
#[utoipa::path(operation_id = "start_rekey", post, path = "/v1/sys/rekey", tag = "sys", request_body = api::keys::RekeyRequest,
    security(("bearer" = ["sys:seal"])),
    responses((status = 200, description = "The new shares, shown once; valid after confirmation", body = api::keys::RekeyStarted),
              (status = 400, description = "An invalid, damaged or foreign share, or invalid new threshold or share count", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 409, description = "Rekey refused (`rekey-refused`), e.g. too few shares", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn rekey<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::SysSeal>,
    ApiJson(req): ApiJson<api::keys::RekeyRequest>,
) -> ApiResult<Json<api::keys::RekeyStarted>> {
    let texts = Zeroizing::new(req.current_shares); // wiped when this request ends
    let started = st.vault.rekey_start(&auth.ctx(), &texts, req.threshold, req.shares).await?;
    tracing::warn!(principal = %auth.caller.principal, new_key_id = %started.key_id, "rekey started; waiting for the new shares");
    Ok(Json(api::keys::RekeyStarted {
        key_id: started.key_id,
        shares: started.shares.iter().map(|s| s.to_text().to_string()).collect(),
    }))
}

/// Step 2 of a rekey: a threshold of the new shares, given back, makes the new root key
/// the vault's (one transaction). The old shares no longer unseal afterwards.
#[utoipa::path(operation_id = "confirm_rekey", post, path = "/v1/sys/rekey/confirm", tag = "sys", request_body = api::keys::RekeyConfirm,
    security(("bearer" = ["sys:seal"])),
    responses((status = 200, description = "The new shares are the vault's; the seal state", body = api::SealStatus),
              (status = 400, description = "An invalid, damaged or foreign share", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 409, description = "No rekey pending, or the shares do not confirm it (`rekey-refused`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn rekey_confirm<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::SysSeal>,
    ApiJson(req): ApiJson<api::keys::RekeyConfirm>,
) -> ApiResult<Json<api::SealStatus>> {
    let texts = Zeroizing::new(req.new_shares);
    let status = st.vault.rekey_confirm(&auth.ctx(), &texts).await?;
    tracing::warn!(principal = %auth.caller.principal, "vault rekeyed: the old unseal shares no longer unseal it");
    Ok(Json(seal_status(status)))
}

/// Rotates the audit MAC key: an `audit.key_rotate` entry under the old key, every later
/// entry under the new one. Auditors need the key of every epoch (`audit_verification_key`).
#[utoipa::path(operation_id = "rotate_audit_key", post, path = "/v1/audit/rotate-key", tag = "audit", security(("bearer" = ["sys:seal"])),
    responses((status = 200, description = "The audit key epoch the chain continues under", body = api::keys::AuditKeyRotated)))]
pub async fn rotate_audit_key<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::SysSeal>,
) -> ApiResult<Json<api::keys::AuditKeyRotated>> {
    let epoch = st.vault.rotate_audit_key(&auth.ctx()).await?;
    tracing::warn!(principal = %auth.caller.principal, epoch, "audit key rotated");
    Ok(Json(api::keys::AuditKeyRotated { epoch }))
}
