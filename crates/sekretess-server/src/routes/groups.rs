//! The customer-group routes, and the group check other routes share (`reach_group`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sekretess_api as api;
use sekretess_core::access::{AccessStore, Caller, GroupAccess};
use sekretess_core::audit::AuditContext;
use sekretess_core::people::RequestKind;
use sekretess_core::store::Store;
use sekretess_core::{GroupInfo, VaultError};

use super::ApiResult;
use crate::AppState;
use crate::auth::{Authorized, need};
use crate::extract::ApiJson;

pub(crate) fn group(g: GroupInfo) -> api::Group {
    api::Group {
        id: g.id,
        name: g.name,
        state: g.state.as_str().to_owned(),
        kek_version: g.kek_version,
        kek_versions: g.kek_versions,
        rewrap: g.rewrap.map(|r| api::keys::RewrapProgress {
            rewrapped: r.rewrapped,
            remaining: r.remaining,
            unreadable: r.unreadable,
        }),
        created_at: g.created_at,
    }
}

/// Creates a customer group with its own store and keys.
#[utoipa::path(operation_id = "create_group", post, path = "/v1/groups", tag = "groups", request_body = api::CreateGroup,
    security(("bearer" = ["groups:admin"])),
    responses((status = 201, description = "The new customer group", body = api::Group),
              (status = 400, description = "Invalid group name (`invalid-group-name`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 409, description = "A customer group with this name exists (`group-exists`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
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
#[utoipa::path(operation_id = "list_groups", get, path = "/v1/groups", tag = "groups", security(("bearer" = ["groups:read"])),
    responses((status = 200, description = "The customer groups the caller may reach", body = api::GroupList)))]
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
#[utoipa::path(operation_id = "lock_group", post, path = "/v1/groups/{name}/lock", tag = "groups", security(("bearer" = ["groups:admin"])),
    params(("name" = String, Path, description = "group name")),
    responses((status = 200, description = "The group, now locked", body = api::Group),
              (status = 404, description = "No such customer group (`unknown-group`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn lock_group<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::GroupsAdmin>,
    Path(name): Path<String>,
) -> ApiResult<Json<api::Group>> {
    set_locked(&st, &auth.caller, &auth.ctx(), &name, true).await
}

/// Unlocks a customer group. Once a security officer is active this needs a second one:
/// the answer is then `202` with a pending request that another officer approves (dual
/// control), and the group stays locked until then.
#[utoipa::path(operation_id = "unlock_group", post, path = "/v1/groups/{name}/unlock", tag = "groups", security(("bearer" = ["groups:admin"])),
    params(("name" = String, Path, description = "group name")),
    responses((status = 200, description = "The group, now open", body = api::Group),
              (status = 202, description = "Pending a second officer", body = api::people::ApprovalRequest),
              (status = 404, description = "No such customer group (`unknown-group`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn unlock_group<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::GroupsAdmin>,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    if !st.people.dual_control().await? {
        return Ok(set_locked(&st, &auth.caller, &auth.ctx(), &name, false).await?.into_response());
    }
    let target = reach_group(&st, &auth.caller, &name).await?;
    let payload =
        super::approvals::payload_json(&super::approvals::UnlockPayload { group: target.name.clone() })?;
    let row = st
        .people
        .request_change(&auth.ctx(), RequestKind::UnlockGroup, format!("group:{}", target.name), payload)
        .await?;
    Ok(super::approvals::pending(&row, st.clock.now()))
}
