//! Employee, session, field-policy, agreement and reveal routes.
//!
//! Logins and enrolments are open (the vault must be unsealed); everything else sits
//! behind the one authentication middleware. Employee routes take [`Staff<R>`] naming the
//! role they need, so a caller without it is refused before the body is read.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use sekretess_api as api;
use sekretess_api::people as ap;
use sekretess_core::access::{AccessStore, GroupAccess};
use sekretess_core::audit::AuditContext;
use sekretess_core::people::{
    EmployeeInfo, People, PeopleConfig, PeopleError, PeopleStore, Principal, RequestKind,
};
use sekretess_core::policy::{FieldView, PolicyError, Purpose, PurposeKind, Role};
use sekretess_core::store::Store;
use sekretess_core::{Customer, VaultError};

use super::ApiResult;
use crate::auth::session::{Origin, Staff, role};
use crate::auth::{self, Authorized, need};
use crate::extract::ApiJson;
use crate::problem::{ApiError, REQUEST_ID};
use crate::{AppState, unsealed_only};

/// How the server runs the employees service.
#[derive(Debug, Clone)]
pub struct PeopleOptions {
    pub config: PeopleConfig,
    /// Refuse the bootstrap API key once a security officer has enrolled (true but in
    /// dev mode, whose token keeps every scope).
    pub retire_bootstrap_key: bool,
}

impl Default for PeopleOptions {
    fn default() -> Self {
        PeopleOptions { config: PeopleConfig::default(), retire_bootstrap_key: true }
    }
}

pub struct PeopleState<S: Store + AccessStore + PeopleStore> {
    pub(crate) app: AppState<S>,
    pub(crate) people: Arc<People<S>>,
}

impl<S: Store + AccessStore + PeopleStore> Clone for PeopleState<S> {
    fn clone(&self) -> Self {
        PeopleState { app: self.app.clone(), people: Arc::clone(&self.people) }
    }
}

/// The employee, session, policy, agreement and reveal routes (built by [`AppState::new`]).
pub(crate) fn router<S: Store + AccessStore + PeopleStore>(
    app: AppState<S>,
    people: Arc<People<S>>,
) -> Router {
    let open = Router::new()
        .route("/v1/auth/login", post(login::<S>))
        .route("/v1/employees/enrol", post(enrol::<S>))
        .route_layer(middleware::from_fn_with_state(app.clone(), unsealed_only::<S>));
    let protected = Router::new()
        .route("/v1/auth/logout", post(logout::<S>))
        .route("/v1/auth/password", post(change_password::<S>))
        .route("/v1/employees", post(invite::<S>).get(list_employees::<S>))
        .route("/v1/employees/bootstrap", post(bootstrap::<S>))
        .route("/v1/employees/{id}/approve", post(approve::<S>))
        .route("/v1/employees/{id}/suspend", post(suspend::<S>))
        .route("/v1/employees/{id}/reinstate", post(reinstate::<S>))
        .route("/v1/employees/{id}/offboard", post(offboard::<S>))
        .route("/v1/employees/{id}/enrolment", post(reissue_enrolment::<S>))
        .route("/v1/employees/{id}/grants", post(grant::<S>))
        .route("/v1/employees/{id}/grants/{group}", delete(revoke_grant::<S>))
        .route("/v1/policy", get(get_policy::<S>).put(set_policy::<S>))
        .route("/v1/agreements", post(publish_agreement::<S>))
        .route("/v1/agreements/current", get(current_agreement::<S>))
        .route("/v1/agreements/sign", post(sign_agreement::<S>))
        .route("/v1/agreements/status", get(agreement_status::<S>))
        .route("/v1/customers/{code}/reveal", post(reveal::<S>))
        .route("/v1/approvals", get(super::approvals::list::<S>))
        .route("/v1/approvals/{id}/approve", post(super::approvals::approve::<S>))
        .route("/v1/approvals/{id}/reject", post(super::approvals::reject::<S>))
        .route("/v1/customers/{code}/export", get(super::retention::export::<S>))
        .route_layer(middleware::from_fn_with_state(app.clone(), crate::audit_trail::customer_failures::<S>))
        .route_layer(middleware::from_fn_with_state(app.clone(), auth::authenticate::<S>))
        .route_layer(middleware::from_fn_with_state(app.clone(), unsealed_only::<S>));
    open.merge(protected).with_state(PeopleState { app, people })
}

fn anonymous(origin: Option<String>) -> AuditContext {
    AuditContext { actor: "anonymous".into(), request_id: REQUEST_ID.try_with(Clone::clone).ok(), origin }
}

fn employee(e: EmployeeInfo) -> ap::Employee {
    ap::Employee {
        id: e.id,
        login: e.login,
        display_name: e.display_name,
        roles: e.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        state: e.state.as_str().to_owned(),
        invited_by: e.invited_by,
        approved_by: e.approved_by,
        locked_until: e.locked_until,
        created_at: e.created_at,
    }
}

fn employee_id(text: &str) -> ApiResult<u64> {
    text.parse::<u64>().map_err(|_| PeopleError::UnknownEmployee.into())
}

fn roles(names: &[String]) -> ApiResult<Vec<Role>> {
    names
        .iter()
        .map(|n| {
            Role::parse(n).filter(|r| Role::EMPLOYEE.contains(r)).ok_or(ApiError::People(
                PeopleError::InvalidInput { what: "roles", rule: "use security_officer, agent or auditor" },
            ))
        })
        .collect()
}

/// One answer for every failed login, byte for byte (no request id in the body).
fn login_failed() -> Response {
    let mut problem = ApiError::People(PeopleError::LoginFailed).problem();
    problem.instance = None;
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut resp = (StatusCode::UNAUTHORIZED, body).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(sekretess_api::PROBLEM_JSON));
    resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    resp
}

/// Logs in with login name, password and TOTP code; answers a session token once.
/// Unknown login, wrong password, wrong or replayed code and a locked account give the
/// same answer.
#[utoipa::path(operation_id = "login_employee", post, path = "/v1/auth/login", tag = "employees", request_body = ap::LoginRequest,
    responses((status = 200, description = "A new session; its token is shown once", body = ap::Session),
              (status = 401, description = "Login failed: one answer for every cause (`login-failed`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 403, description = "Right credentials, but the account is not active (`account-not-active`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 503, description = "The vault is sealed (`sealed`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn login<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    Origin(origin): Origin,
    ApiJson(req): ApiJson<ap::LoginRequest>,
) -> Response {
    match st.people.login(&anonymous(origin), &req.login, &req.password, &req.totp).await {
        Ok(o) => Json(ap::Session {
            token: o.token.expose().to_owned(),
            employee_id: o.principal.employee_id,
            login: o.principal.login.clone(),
            roles: o.principal.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            expires_at: o.expires_at,
            agreement_signed: o.principal.agreement_signed,
        })
        .into_response(),
        Err(PeopleError::LoginFailed) => login_failed(),
        Err(e) => ApiError::People(e).into_response(),
    }
}

/// Ends the session of the token sent.
#[utoipa::path(operation_id = "logout_employee", post, path = "/v1/auth/logout", tag = "employees", security(("bearer" = ["employee"])),
    responses((status = 204, description = "Logged out: the session is revoked")))]
pub async fn logout<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Any>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| zeroize::Zeroizing::new(t.trim().to_owned()))
        .ok_or(PeopleError::SessionInvalid)?;
    st.people.logout(&staff.ctx(), &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the caller's password (the old one re-entered); every session of theirs ends.
#[utoipa::path(operation_id = "change_password", post, path = "/v1/auth/password", tag = "employees", request_body = ap::ChangePassword,
    security(("bearer" = ["employee"])), responses((status = 204, description = "Changed; every session is revoked, log in again"),
              (status = 403, description = "The old password is wrong (`wrong-password`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "The new password is refused (`weak-password`), or the body is malformed", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn change_password<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Any>,
    ApiJson(req): ApiJson<ap::ChangePassword>,
) -> ApiResult<StatusCode> {
    st.people.change_password(&staff.principal, &staff.ctx(), &req.old_password, &req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invites an employee; answers the one-time enrolment code once.
#[utoipa::path(operation_id = "invite_employee", post, path = "/v1/employees", tag = "employees", request_body = ap::InviteRequest,
    security(("bearer" = ["employee:security_officer"])), responses((status = 201, description = "The invitation with its one-time enrolment code, shown once", body = ap::Invitation),
              (status = 409, description = "The login is taken (`login-taken`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "An invalid login, name or role (`invalid-input`), or the body is malformed", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn invite<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Officer>,
    ApiJson(req): ApiJson<ap::InviteRequest>,
) -> ApiResult<(StatusCode, Json<ap::Invitation>)> {
    let roles = roles(&req.roles)?;
    let inv = st.people.invite(&staff.principal, &staff.ctx(), &req.login, &req.display_name, &roles).await?;
    Ok((
        StatusCode::CREATED,
        Json(ap::Invitation {
            employee_id: inv.employee_id,
            code: inv.code.expose().to_owned(),
            expires_at: inv.expires_at,
        }),
    ))
}

/// Creates the first security officer's enrolment, with the bootstrap API key (once, while
/// there is no employee at all). That officer is active on enrolment without a second
/// person; the bootstrap key stops working then.
#[utoipa::path(operation_id = "bootstrap_officer", post, path = "/v1/employees/bootstrap", tag = "employees", request_body = ap::BootstrapOfficer,
    security(("bearer" = ["apikeys:admin"])),
    responses((status = 201, description = "The first security officer's invitation, shown once", body = ap::Invitation),
              (status = 409, description = "The first security officer exists (`already-bootstrapped`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "An invalid login or name (`invalid-input`), or the body is malformed", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn bootstrap<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    auth: Authorized<need::ApiKeysAdmin>,
    request: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<ap::Invitation>)> {
    // Refused before the body is read: an API key over every group only.
    if auth.employee.is_some() || auth.caller.groups != GroupAccess::All {
        return Err(VaultError::GroupForbidden.into());
    }
    let ApiJson(req) =
        <ApiJson<ap::BootstrapOfficer> as axum::extract::FromRequest<()>>::from_request(request, &()).await?;
    let inv = st.people.bootstrap_first_officer(&auth.ctx(), &req.login, &req.display_name).await?;
    tracing::warn!(employee = inv.employee_id, "first security officer invited");
    Ok((
        StatusCode::CREATED,
        Json(ap::Invitation {
            employee_id: inv.employee_id,
            code: inv.code.expose().to_owned(),
            expires_at: inv.expires_at,
        }),
    ))
}

/// Enrols with a one-time code: sets the password and answers the TOTP secret once.
#[utoipa::path(operation_id = "enrol_employee", post, path = "/v1/employees/enrol", tag = "employees", request_body = ap::EnrolRequest,
    responses((status = 200, description = "Enrolled: the TOTP secret, shown once", body = ap::Enrolled),
              (status = 400, description = "An unknown, used or expired enrolment code (`invalid-enrolment-code`), or a body that is not JSON", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "The password is refused (`weak-password`), or the body is malformed", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 503, description = "The vault is sealed (`sealed`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn enrol<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    Origin(origin): Origin,
    ApiJson(req): ApiJson<ap::EnrolRequest>,
) -> ApiResult<Json<ap::Enrolled>> {
    let e = st.people.enrol(&anonymous(origin), &req.code, &req.password).await?;
    Ok(Json(ap::Enrolled {
        employee_id: e.employee_id,
        login: e.login,
        state: e.state.as_str().to_owned(),
        otpauth_uri: e.otpauth_uri.to_string(),
        totp_secret: e.totp_secret.base32().to_string(),
    }))
}

/// Lists employees (security officers and auditors).
#[utoipa::path(operation_id = "list_employees", get, path = "/v1/employees", tag = "employees", security(("bearer" = ["employee:security_officer", "employee:auditor"])),
    responses((status = 200, description = "Every employee", body = ap::EmployeeList)))]
pub async fn list_employees<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::OfficerOrAuditor>,
) -> ApiResult<Json<ap::EmployeeList>> {
    let list = st.people.list_employees(&staff.principal).await?;
    Ok(Json(ap::EmployeeList { employees: list.into_iter().map(employee).collect() }))
}

macro_rules! lifecycle {
    ($name:ident, $op:literal, $path:literal, $method:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, operation_id = $op, path = $path, tag = "employees", security(("bearer" = ["employee:security_officer"])),
            params(("id" = u64, Path, description = "employee id")),
            responses((status = 204, description = "Done"),
                      (status = 404, description = "No such employee (`unknown-employee`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
                      (status = 403, description = "Not on one's own account, or approval by the inviter or requester (`self-action`, `self-approval`), or the caller lacks the role", body = sekretess_api::Problem, content_type = "application/problem+json"),
                      (status = 409, description = "The employee's state does not allow it (`wrong-state`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
        pub async fn $name<S: Store + AccessStore + PeopleStore>(
            State(st): State<PeopleState<S>>,
            staff: Staff<role::Officer>,
            Path(id): Path<String>,
        ) -> ApiResult<StatusCode> {
            let id = employee_id(&id)?;
            st.people.$method(&staff.principal, &staff.ctx(), id).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    };
}

lifecycle!(
    approve,
    "approve_employee",
    "/v1/employees/{id}/approve",
    approve,
    "Approves a pending employee (never one's own account)."
);
lifecycle!(
    suspend,
    "suspend_employee",
    "/v1/employees/{id}/suspend",
    suspend,
    "Suspends an employee: their sessions end at once."
);
lifecycle!(
    reinstate,
    "reinstate_employee",
    "/v1/employees/{id}/reinstate",
    reinstate,
    "Makes a suspended employee active again."
);
lifecycle!(
    offboard,
    "offboard_employee",
    "/v1/employees/{id}/offboard",
    offboard,
    "Offboards an employee for good."
);

/// Issues a new one-time enrolment code for an employee who has not enrolled yet (the
/// old code stops working); answers the code once.
#[utoipa::path(operation_id = "reissue_enrolment", post, path = "/v1/employees/{id}/enrolment", tag = "employees",
    security(("bearer" = ["employee:security_officer"])), params(("id" = u64, Path, description = "employee id")),
    responses((status = 201, description = "A new one-time enrolment code, shown once", body = ap::Invitation),
              (status = 404, description = "No such employee (`unknown-employee`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 409, description = "The employee already enrolled (`wrong-state`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn reissue_enrolment<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Officer>,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<ap::Invitation>)> {
    let id = employee_id(&id)?;
    let inv = st.people.reissue_enrolment(&staff.principal, &staff.ctx(), id).await?;
    Ok((
        StatusCode::CREATED,
        Json(ap::Invitation {
            employee_id: inv.employee_id,
            code: inv.code.expose().to_owned(),
            expires_at: inv.expires_at,
        }),
    ))
}

/// Grants an employee one customer group.
#[utoipa::path(operation_id = "grant_group", post, path = "/v1/employees/{id}/grants", tag = "employees", request_body = ap::GrantRequest,
    security(("bearer" = ["employee:security_officer"])), params(("id" = u64, Path, description = "employee id")),
    responses((status = 204, description = "Granted"),
              (status = 404, description = "No such employee or customer group (`unknown-employee`, `unknown-group`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 409, description = "The employee's state does not allow it (`wrong-state`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn grant<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Officer>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ap::GrantRequest>,
) -> ApiResult<StatusCode> {
    let id = employee_id(&id)?;
    st.people.grant(&staff.principal, &staff.ctx(), id, &req.group).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a group grant away.
#[utoipa::path(operation_id = "revoke_group_grant", delete, path = "/v1/employees/{id}/grants/{group}", tag = "employees",
    security(("bearer" = ["employee:security_officer"])),
    params(("id" = u64, Path, description = "employee id"), ("group" = String, Path, description = "group name")),
    responses((status = 204, description = "Revoked"),
              (status = 404, description = "No such employee or customer group (`unknown-employee`, `unknown-group`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn revoke_grant<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Officer>,
    Path((id, group)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let id = employee_id(&id)?;
    st.people.revoke_grant(&staff.principal, &staff.ctx(), id, &group).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn policy_doc(p: &sekretess_core::policy::FieldPolicy) -> ap::PolicyDoc {
    ap::PolicyDoc {
        rules: p
            .rules()
            .map(|(r, s, d)| ap::PolicyRule {
                role: r.as_str().to_owned(),
                sensitivity: s.as_str().to_owned(),
                decision: d.as_str().to_owned(),
            })
            .collect(),
        purposes: PurposeKind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
    }
}

/// The field policy in force (any employee).
#[utoipa::path(operation_id = "get_policy", get, path = "/v1/policy", tag = "policy", security(("bearer" = ["employee"])),
    responses((status = 200, description = "The field policy and the purposes a reveal may name", body = ap::PolicyDoc)))]
pub async fn get_policy<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    _staff: Staff<role::Any>,
) -> ApiResult<Json<ap::PolicyDoc>> {
    Ok(Json(policy_doc(&st.people.field_policy().await?)))
}

/// Asks for a change of one cell of the field policy (restricted takes only deny or
/// masked): a pending request that another security officer approves (dual control).
#[utoipa::path(operation_id = "set_policy_rule", put, path = "/v1/policy", tag = "policy", request_body = ap::PolicyRule,
    security(("bearer" = ["employee:security_officer"])),
    responses((status = 202, description = "Pending a second officer", body = ap::ApprovalRequest),
              (status = 422, description = "An unknown role, sensitivity or decision (`invalid-input`), a plain rule for restricted fields (`restricted-never-plain`), or the body is malformed", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn set_policy<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Officer>,
    ApiJson(req): ApiJson<ap::PolicyRule>,
) -> ApiResult<Response> {
    let (role, s, d) = super::approvals::policy_cell(&req)?;
    // Refused now, not at approval, if the cell breaks a rule.
    let mut policy = st.people.field_policy().await?;
    policy.set(role, s, d).map_err(PeopleError::from)?;
    let payload = super::approvals::payload_json(&req)?;
    let target = format!("role:{role}/sensitivity:{}", s.as_str());
    let row = st.people.request_change(&staff.ctx(), RequestKind::SetPolicy, target, payload).await?;
    Ok(super::approvals::pending(&row, st.app.clock.now()))
}

fn agreement(a: sekretess_core::agreements::Agreement) -> ap::Agreement {
    ap::Agreement {
        version: a.version,
        sha256: a.sha256_hex(),
        text: a.text,
        published_at: a.published_at,
        published_by: a.published_by,
    }
}

/// Asks for a new agreement version to be published (every employee must then sign it
/// again): a pending request that another security officer approves (dual control).
#[utoipa::path(operation_id = "publish_agreement", post, path = "/v1/agreements", tag = "agreements", request_body = ap::PublishAgreement,
    security(("bearer" = ["employee:security_officer"])),
    responses((status = 202, description = "Pending a second officer", body = ap::ApprovalRequest),
              (status = 422, description = "An empty or too long text (`invalid-input`), or the body is malformed", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn publish_agreement<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Officer>,
    ApiJson(req): ApiJson<ap::PublishAgreement>,
) -> ApiResult<Response> {
    if req.text.trim().is_empty() {
        return Err(PeopleError::InvalidInput { what: "agreement", rule: "the text is empty" }.into());
    }
    if req.text.chars().count() > sekretess_core::agreements::MAX_AGREEMENT_CHARS {
        return Err(PeopleError::InvalidInput { what: "agreement", rule: "at most 200000 characters" }.into());
    }
    let payload = super::approvals::payload_json(&super::approvals::AgreementPayload { text: req.text })?;
    let row = st
        .people
        .request_change(&staff.ctx(), RequestKind::PublishAgreement, "agreement".into(), payload)
        .await?;
    Ok(super::approvals::pending(&row, st.app.clock.now()))
}

/// The current agreement (any employee).
#[utoipa::path(operation_id = "get_current_agreement", get, path = "/v1/agreements/current", tag = "agreements", security(("bearer" = ["employee"])),
    responses((status = 200, description = "The current agreement", body = ap::Agreement),
              (status = 404, description = "No agreement is published (`no-agreement`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn current_agreement<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    _staff: Staff<role::Any>,
) -> ApiResult<Json<ap::Agreement>> {
    let a = st.people.current_agreement().await?.ok_or(PeopleError::NoAgreement)?;
    Ok(Json(agreement(a)))
}

/// Signs the current agreement (the password re-entered).
#[utoipa::path(operation_id = "sign_agreement", post, path = "/v1/agreements/sign", tag = "agreements", request_body = ap::SignAgreement,
    security(("bearer" = ["employee"])), responses((status = 204, description = "Signed"),
              (status = 403, description = "The password is wrong (`wrong-password`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No agreement is published (`no-agreement`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 409, description = "A newer agreement exists (`agreement-outdated`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn sign_agreement<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::Any>,
    ApiJson(req): ApiJson<ap::SignAgreement>,
) -> ApiResult<StatusCode> {
    st.people.sign_agreement(&staff.principal, &staff.ctx(), req.version, &req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who signed the current agreement (security officers and auditors).
#[utoipa::path(operation_id = "get_agreement_status", get, path = "/v1/agreements/status", tag = "agreements",
    security(("bearer" = ["employee:security_officer", "employee:auditor"])),
    responses((status = 200, description = "Who signed the current agreement, and when", body = ap::AgreementStatus)))]
pub async fn agreement_status<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    staff: Staff<role::OfficerOrAuditor>,
) -> ApiResult<Json<ap::AgreementStatus>> {
    let version = st.people.current_agreement().await?.map(|a| a.version);
    let list = st.people.agreement_status(&staff.principal).await?;
    Ok(Json(ap::AgreementStatus {
        version,
        employees: list
            .into_iter()
            .map(|s| ap::SignatureStatus {
                employee_id: s.employee_id,
                login: s.login,
                signed_at: s.signed_at,
            })
            .collect(),
    }))
}

/// Reveals named fields of a customer in plain, for a purpose (recorded, with the fields
/// revealed). Employees and API keys alike get only fields the field policy lets their role
/// reveal (API keys have the role `service`; restricted never); a reveal without a purpose
/// is 400.
#[utoipa::path(operation_id = "reveal_customer", post, path = "/v1/customers/{code}/reveal", tag = "customers", request_body = ap::RevealRequest,
    security(("bearer" = ["customers:reveal"])), params(("code" = String, Path, description = "customer code, e.g. K7Q4-M92D-J3XP", pattern = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$")),
    responses((status = 200, description = "The named fields in plain", body = ap::Revealed),
              (status = 400, description = "No purpose, an unknown or invalid purpose, a malformed code or a wrong check symbol (`purpose-required`, `unknown-purpose`, `invalid-purpose`, `malformed-code`, `code-check-failed`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 403, description = "A named field cannot be revealed by this caller (`reveal-not-allowed`), or the caller lacks the scope or agreement", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such customer, or one in a group the caller may not reach (`customer-not-found`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 410, description = "The customer was erased (`customer-erased`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 422, description = "No field named, or an unknown field (`no-fields`, `unknown-field`), or the body is malformed", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 423, description = "The customer group is locked (`group-locked`)", body = sekretess_api::Problem, content_type = "application/problem+json"),
              (status = 429, description = "Too many reveals (`rate-limited`; see `Retry-After`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn reveal<S: Store + AccessStore + PeopleStore>(
    State(st): State<PeopleState<S>>,
    auth: Authorized<need::CustomersReveal>,
    peer: Option<axum::Extension<crate::auth::Peer>>,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<ap::RevealRequest>,
) -> ApiResult<Json<ap::Revealed>> {
    let source = peer.map(|p| p.0.0.ip());
    let now_ms = st.app.clock.now().saturating_mul(1000);
    st.app.rate_limits.reveal(&auth.caller.principal, source, now_ms).map_err(ApiError::RateLimited)?;
    let purpose = match req.purpose.as_deref().map(str::trim) {
        None | Some("") => return Err(PeopleError::Policy(PolicyError::PurposeRequired).into()),
        Some(p) => Purpose::parse(p).map_err(PeopleError::Policy)?,
    };
    if req.fields.is_empty() {
        return Err(ApiError::InvalidBody { kind: "no-fields", detail: "name at least one field".into() });
    }
    let schema = st.app.vault.schema();
    let roles = roles_of(&auth.employee);
    let policy = st.people.field_policy().await?;
    // Refused before anything is read.
    policy
        .view_customer(&roles, schema, &Default::default(), Some((&req.fields, Some(&purpose))))
        .map_err(PeopleError::Policy)?;
    let code = crate::routes::customers::reachable(&st.app, &auth.caller, &code).await?;
    let c = st.app.vault.reveal_customer(&auth.ctx(), &code, &purpose.audit_text(), &req.fields).await?;
    let fields = policy
        .view_customer(&roles, schema, &c.fields, Some((&req.fields, Some(&purpose))))
        .map_err(PeopleError::Policy)?
        .into_iter()
        .filter_map(|(k, v)| match v {
            FieldView::Plain(v) => Some((k, v.expose().to_owned())),
            FieldView::Masked(_) => None,
        })
        .collect();
    Ok(Json(ap::Revealed { code: c.code.to_string(), fields }))
}

/// The roles the field policy applies to a caller: an employee's own, or `service` for an
/// API key.
pub(crate) fn roles_of(employee: &Option<Principal>) -> Vec<Role> {
    match employee {
        Some(p) => p.roles.clone(),
        None => vec![Role::Service],
    }
}

/// What a caller with `roles` sees of a customer: the field policy applied (masked or
/// plain; denied fields left out).
pub(crate) async fn policy_view<S: Store + AccessStore>(
    st: &AppState<S>,
    roles: &[Role],
    c: Customer,
) -> ApiResult<api::Customer> {
    let policy = st.people.field_policy().await?;
    let view =
        policy.view_customer(roles, st.vault.schema(), &c.fields, None).map_err(PeopleError::Policy)?;
    let mut fields = std::collections::BTreeMap::new();
    let mut masked = Vec::new();
    for (k, v) in view {
        match v {
            FieldView::Plain(v) => {
                fields.insert(k, v.expose().to_owned());
            }
            FieldView::Masked(m) => {
                masked.push(k.clone());
                fields.insert(k, m);
            }
        }
    }
    let due_at = st.retention.rules().due_at(&c.group, c.retain_until, c.updated_at);
    Ok(api::Customer {
        code: c.code.to_string(),
        group: c.group,
        fields,
        masked,
        created_at: c.created_at,
        updated_at: c.updated_at,
        retain_until: c.retain_until,
        due_at,
        version: c.version,
    })
}
