//! Dual control: the pending requests that a second security officer approves or rejects.
//!
//! The routes that change something under dual control (`POST /v1/groups/{name}/unlock`,
//! `PUT /v1/policy`, `POST /v1/apikeys` with a reveal scope, `POST /v1/agreements`) answer
//! `202 Accepted` with a pending request (`pending`) once a security officer is active.
//! `POST /v1/approvals/{id}/approve` by another officer carries the change out, under the
//! approving officer's name (the request entry names the requester).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sekretess_api as api;
use sekretess_api::people as ap;
use sekretess_core::access::AccessStore;
use sekretess_core::audit::AuditContext;
use sekretess_core::people::{PeopleError, PeopleStore, Principal, RequestKind, RequestRow};
use sekretess_core::policy::{Decision, Role, parse_sensitivity};
use sekretess_core::store::Store;
use serde::{Deserialize, Serialize};

use super::people::PeopleState;
use super::{ApiResult, PROBLEM};
use crate::auth::session::{Staff, role};
use crate::problem::ApiError;

/// What an unlock request carries.
#[derive(Serialize, Deserialize)]
pub(crate) struct UnlockPayload {
    pub group: String,
}

/// What an agreement request carries.
#[derive(Serialize, Deserialize)]
pub(crate) struct AgreementPayload {
    pub text: String,
}

pub(crate) fn request(r: &RequestRow, now: i64) -> ap::ApprovalRequest {
    ap::ApprovalRequest {
        id: r.id,
        kind: r.kind.as_str().to_owned(),
        target: r.target.clone(),
        payload: r.payload.clone(),
        requested_by: r.requested_by.clone(),
        requested_at: r.requested_at,
        expires_at: r.expires_at,
        status: r.status(now).to_owned(),
        decided_by: r.decided_by,
        decided_at: r.decided_at,
    }
}

/// `202 Accepted` with the pending request.
pub(crate) fn pending(r: &RequestRow, now: i64) -> Response {
    (StatusCode::ACCEPTED, Json(request(r, now))).into_response()
}

pub(crate) fn payload_json<T: Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(|_| corrupt())
}

fn corrupt() -> ApiError {
    ApiError::People(PeopleError::Vault(sekretess_core::VaultError::Store(
        sekretess_core::StoreError::Corrupt("payload of an approval request".into()),
    )))
}

/// Requests, newest first, and how many officers could decide them (officers, auditors).
#[utoipa::path(operation_id = "list_approval_requests", get, path = "/v1/approvals", tag = "approvals",
    security(("bearer" = ["employee:security_officer", "employee:auditor"])),
    responses((status = 200, description = "Every approval request, pending and decided", body = ap::ApprovalList)))]
pub async fn list<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Any>,
) -> ApiResult<Json<ap::ApprovalList>> {
    let rows = st.people.list_requests(&staff.principal).await?;
    let now = st.app.clock.now();
    let officers = st.people.active_officers().await?;
    Ok(Json(ap::ApprovalList {
        requests: rows.iter().map(|r| request(r, now)).collect(),
        active_officers: u32::try_from(officers).unwrap_or(u32::MAX),
    }))
}

fn request_id(text: &str) -> ApiResult<u64> {
    text.parse::<u64>().map_err(|_| PeopleError::UnknownRequest.into())
}

/// Approves another officer's pending request and carries the change out.
#[utoipa::path(operation_id = "approve_request", post, path = "/v1/approvals/{id}/approve", tag = "approvals",
    security(("bearer" = ["employee:security_officer"])), params(("id" = u64, Path, description = "request id")),
    responses((status = 200, description = "Approved, and the change carried out", body = ap::ApprovalDecision),
              (status = 403, description = "The caller filed the request (`forbidden`)", body = api::Problem, content_type = PROBLEM),
              (status = 404, description = "No such request (`unknown-request`)", body = api::Problem, content_type = PROBLEM),
              (status = 409, description = "not pending (decided or expired)", body = api::Problem, content_type = PROBLEM)))]
pub async fn approve<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Officer>,
    Path(id): Path<String>,
) -> ApiResult<Json<ap::ApprovalDecision>> {
    let id = request_id(&id)?;
    let ctx = staff.ctx();
    let row = st.people.decide_request(&staff.principal, &ctx, id, true).await?;
    let api_key = match carry_out(&st, &staff.principal, &ctx, &row).await {
        Ok(key) => key,
        Err(e) => {
            let _ = st.people.request_failed(id).await;
            return Err(e);
        }
    };
    let row = st.app.vault.store().get_request(id).await?.unwrap_or(row);
    tracing::warn!(principal = %ctx.actor, request = id, kind = row.kind.as_str(), "request approved");
    Ok(Json(ap::ApprovalDecision { request: request(&row, st.app.clock.now()), api_key }))
}

/// Rejects another officer's pending request.
#[utoipa::path(operation_id = "reject_request", post, path = "/v1/approvals/{id}/reject", tag = "approvals",
    security(("bearer" = ["employee:security_officer"])), params(("id" = u64, Path, description = "request id")),
    responses((status = 200, description = "Rejected", body = ap::ApprovalDecision),
              (status = 404, description = "No such request (`unknown-request`)", body = api::Problem, content_type = PROBLEM),
              (status = 409, description = "not pending (decided or expired)", body = api::Problem, content_type = PROBLEM)))]
pub async fn reject<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Officer>,
    Path(id): Path<String>,
) -> ApiResult<Json<ap::ApprovalDecision>> {
    let id = request_id(&id)?;
    let row = st.people.decide_request(&staff.principal, &staff.ctx(), id, false).await?;
    Ok(Json(ap::ApprovalDecision { request: request(&row, st.app.clock.now()), api_key: None }))
}

async fn carry_out<S: Store + AccessStore + PeopleStore>(
    st: &PeopleState<S>,
    approver: &Principal,
    ctx: &AuditContext,
    row: &RequestRow,
) -> ApiResult<Option<api::CreatedApiKey>> {
    match row.kind {
        RequestKind::UnlockGroup => {
            let p: UnlockPayload = serde_json::from_str(&row.payload).map_err(|_| corrupt())?;
            st.app.vault.set_group_locked(ctx, &p.group, false).await?;
            Ok(None)
        }
        RequestKind::SetPolicy => {
            let p: ap::PolicyRule = serde_json::from_str(&row.payload).map_err(|_| corrupt())?;
            let (role, s, d) = policy_cell(&p)?;
            st.people.set_field_policy(approver, ctx, role, s, d).await?;
            Ok(None)
        }
        RequestKind::PublishAgreement => {
            let p: AgreementPayload = serde_json::from_str(&row.payload).map_err(|_| corrupt())?;
            st.people.publish_agreement(approver, ctx, &p.text).await?;
            Ok(None)
        }
        RequestKind::CreateApiKey => {
            let p: api::CreateApiKey = serde_json::from_str(&row.payload).map_err(|_| corrupt())?;
            Ok(Some(super::apikeys::make_key(&st.app, ctx, &p).await?))
        }
        _ => Err(corrupt()),
    }
}

/// A policy rule's role, sensitivity and decision, or the rule they break.
pub(crate) fn policy_cell(
    req: &ap::PolicyRule,
) -> ApiResult<(Role, sekretess_core::schema::Sensitivity, Decision)> {
    let bad =
        |what: &'static str, rule: &'static str| ApiError::People(PeopleError::InvalidInput { what, rule });
    let role = Role::parse(&req.role)
        .ok_or_else(|| bad("role", "use security_officer, agent, auditor or service"))?;
    let s = parse_sensitivity(&req.sensitivity)
        .ok_or_else(|| bad("sensitivity", "use internal, confidential or restricted"))?;
    let d = Decision::parse(&req.decision)
        .ok_or_else(|| bad("decision", "use deny, masked, reveal_with_purpose or plain"))?;
    Ok((role, s, d))
}
