//! Security officers' pages: employees (invite, approve, suspend, reinstate, offboard,
//! grants), customer groups, agreements, API keys.

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sekretess_api as api;
use sekretess_api::people as ap;
use sekretess_core::access::Scope;
use sekretess_core::policy::Role;

use super::view::*;
use super::{Console, Ctx, Fields, Session, chrome, error_page, html, problem_of, seg};

/// The session of a security officer, or the page that refuses.
pub(super) async fn officer(st: &Console, ctx: &Ctx) -> Result<Session, Response> {
    let s = st.session(ctx).await?;
    if !s.is(Role::SecurityOfficer) {
        return Err(error_page(
            ctx,
            Some(&s),
            &problem_of(StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
        ));
    }
    Ok(s)
}

pub(super) async fn officer_posted(st: &Console, ctx: &Ctx, form: &Fields) -> Result<Session, Response> {
    st.posted(ctx, form).await?;
    officer(st, ctx).await
}

pub(super) fn detail(p: &sekretess_api::Problem) -> String {
    p.detail.clone().map(|d| format!("{}: {d}", p.title)).unwrap_or(p.title.clone())
}

async fn group_names(
    st: &Console,
    ctx: &Ctx,
    s: &Session,
) -> Result<Vec<api::Group>, sekretess_api::Problem> {
    let list: api::GroupList = st.as_staff(ctx, s, Method::GET, "/v1/groups", None::<&()>).await?;
    Ok(list.groups)
}

async fn employees_view(st: &Console, ctx: &Ctx, s: &Session, error: Option<String>) -> Response {
    let list: Result<ap::EmployeeList, _> =
        st.as_staff(ctx, s, Method::GET, "/v1/employees", None::<&()>).await;
    let list = match list {
        Ok(l) => l,
        Err(p) => return error_page(ctx, Some(s), &p),
    };
    let groups = match group_names(st, ctx, s).await {
        Ok(g) => g.into_iter().map(|g| g.name).collect(),
        Err(p) => return error_page(ctx, Some(s), &p),
    };
    let rows = list
        .employees
        .into_iter()
        .map(|e| EmployeeRow {
            roles: e.roles.join(", "),
            pending: e.state == "pending_approval",
            active: e.state == "active",
            suspended: e.state == "suspended",
            e,
        })
        .collect();
    let page = EmployeesPage { chrome: chrome(ctx, Some(s), ctx.t().employees_title), rows, groups, error };
    html(StatusCode::OK, &page)
}

pub async fn employees(State(st): State<Console>, ctx: Ctx) -> Response {
    match officer(&st, &ctx).await {
        Ok(s) => employees_view(&st, &ctx, &s, None).await,
        Err(r) => r,
    }
}

pub async fn invite(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    let s = match officer_posted(&st, &ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let req = ap::InviteRequest {
        login: form.get("login").trim().to_owned(),
        display_name: form.get("display_name").trim().to_owned(),
        roles: form.all("role"),
    };
    let got: Result<ap::Invitation, _> =
        st.as_staff(&ctx, &s, Method::POST, "/v1/employees", Some(&req)).await;
    match got {
        Ok(inv) => {
            let page = InvitedPage {
                chrome: chrome(&ctx, Some(&s), ctx.t().invited_title),
                login: req.login,
                code: inv.code,
                expires: utc(inv.expires_at),
            };
            html(StatusCode::CREATED, &page)
        }
        Err(p) => employees_view(&st, &ctx, &s, Some(detail(&p))).await,
    }
}

pub async fn employee_action(
    State(st): State<Console>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    form: Fields,
) -> Response {
    let s = match officer_posted(&st, &ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<u64>() else {
        return error_page(&ctx, Some(&s), &problem_of(StatusCode::NOT_FOUND, "not-found", "Not found"));
    };
    let done: Result<(), _> = match action.as_str() {
        "approve" | "suspend" | "reinstate" | "offboard" => {
            st.as_staff(&ctx, &s, Method::POST, &format!("/v1/employees/{id}/{action}"), None::<&()>).await
        }
        "grant" => {
            let req = ap::GrantRequest { group: form.get("group").to_owned() };
            st.as_staff(&ctx, &s, Method::POST, &format!("/v1/employees/{id}/grants"), Some(&req)).await
        }
        _ => return error_page(&ctx, Some(&s), &problem_of(StatusCode::NOT_FOUND, "not-found", "Not found")),
    };
    match done {
        Ok(()) => Redirect::to("/ui/employees").into_response(),
        Err(p) => employees_view(&st, &ctx, &s, Some(detail(&p))).await,
    }
}

async fn groups_view(st: &Console, ctx: &Ctx, s: &Session, error: Option<String>) -> Response {
    match group_names(st, ctx, s).await {
        Ok(groups) => html(
            StatusCode::OK,
            &GroupsPage { chrome: chrome(ctx, Some(s), ctx.t().groups_title), groups, error },
        ),
        Err(p) => error_page(ctx, Some(s), &p),
    }
}

pub async fn groups(State(st): State<Console>, ctx: Ctx) -> Response {
    match officer(&st, &ctx).await {
        Ok(s) => groups_view(&st, &ctx, &s, None).await,
        Err(r) => r,
    }
}

pub async fn create_group(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    let s = match officer_posted(&st, &ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let req = api::CreateGroup { name: form.get("name").trim().to_owned() };
    let done: Result<api::Group, _> = st.as_staff(&ctx, &s, Method::POST, "/v1/groups", Some(&req)).await;
    match done {
        Ok(_) => Redirect::to("/ui/groups").into_response(),
        Err(p) => groups_view(&st, &ctx, &s, Some(detail(&p))).await,
    }
}

pub async fn group_action(
    State(st): State<Console>,
    ctx: Ctx,
    Path((name, action)): Path<(String, String)>,
    form: Fields,
) -> Response {
    let s = match officer_posted(&st, &ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if action != "lock" && action != "unlock" {
        return error_page(&ctx, Some(&s), &problem_of(StatusCode::NOT_FOUND, "not-found", "Not found"));
    }
    let path = format!("/v1/groups/{}/{action}", seg(&name));
    let done: Result<serde_json::Value, _> = st.as_staff(&ctx, &s, Method::POST, &path, None::<&()>).await;
    match done {
        Ok(_) => Redirect::to("/ui/groups").into_response(),
        Err(p) => groups_view(&st, &ctx, &s, Some(detail(&p))).await,
    }
}

async fn agreements_view(st: &Console, ctx: &Ctx, s: &Session, error: Option<String>) -> Response {
    let current: Result<ap::Agreement, _> =
        st.as_staff(ctx, s, Method::GET, "/v1/agreements/current", None::<&()>).await;
    let current = match current {
        Ok(a) => Some(a),
        Err(p) if p.status == 404 => None,
        Err(p) => return error_page(ctx, Some(s), &p),
    };
    let status: Result<ap::AgreementStatus, _> =
        st.as_staff(ctx, s, Method::GET, "/v1/agreements/status", None::<&()>).await;
    let signatures = match status {
        Ok(st) => st
            .employees
            .into_iter()
            .map(|e| SignatureRow { login: e.login, signed: e.signed_at.map(utc) })
            .collect(),
        Err(p) => return error_page(ctx, Some(s), &p),
    };
    let page =
        AgreementsPage { chrome: chrome(ctx, Some(s), ctx.t().agreements_title), current, signatures, error };
    html(StatusCode::OK, &page)
}

pub async fn agreements(State(st): State<Console>, ctx: Ctx) -> Response {
    match officer(&st, &ctx).await {
        Ok(s) => agreements_view(&st, &ctx, &s, None).await,
        Err(r) => r,
    }
}

pub async fn publish(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    let s = match officer_posted(&st, &ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let req = ap::PublishAgreement { text: form.get("text").replace("\r\n", "\n") };
    // A pending request (dual control): another officer approves it on the approvals page.
    let done: Result<ap::ApprovalRequest, _> =
        st.as_staff(&ctx, &s, Method::POST, "/v1/agreements", Some(&req)).await;
    match done {
        Ok(_) => Redirect::to("/ui/approvals").into_response(),
        Err(p) => agreements_view(&st, &ctx, &s, Some(detail(&p))).await,
    }
}

async fn keys_view(
    st: &Console,
    ctx: &Ctx,
    s: &Session,
    token: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let list: Result<api::ApiKeyList, _> = st.as_staff(ctx, s, Method::GET, "/v1/apikeys", None::<&()>).await;
    match list {
        Ok(l) => {
            let page = KeysPage {
                chrome: chrome(ctx, Some(s), ctx.t().keys_title),
                keys: l.keys,
                scopes: Scope::ALL.iter().map(|sc| sc.as_str().to_owned()).collect(),
                token,
                error,
            };
            html(status, &page)
        }
        Err(p) => error_page(ctx, Some(s), &p),
    }
}

pub async fn keys(State(st): State<Console>, ctx: Ctx) -> Response {
    match officer(&st, &ctx).await {
        Ok(s) => keys_view(&st, &ctx, &s, None, None, StatusCode::OK).await,
        Err(r) => r,
    }
}

pub async fn create_key(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    let s = match officer_posted(&st, &ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let req = api::CreateApiKey {
        name: form.get("name").trim().to_owned(),
        scopes: form.all("scope"),
        groups: form
            .get("groups")
            .split(',')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    // A key that may reveal values is a pending request instead (dual control).
    let made: Result<serde_json::Value, _> =
        st.as_staff(&ctx, &s, Method::POST, "/v1/apikeys", Some(&req)).await;
    match made.map(serde_json::from_value::<api::CreatedApiKey>) {
        Ok(Ok(k)) => keys_view(&st, &ctx, &s, Some(k.token), None, StatusCode::CREATED).await,
        Ok(Err(_)) => Redirect::to("/ui/approvals").into_response(),
        Err(p) => keys_view(&st, &ctx, &s, None, Some(detail(&p)), StatusCode::OK).await,
    }
}

pub async fn revoke_key(
    State(st): State<Console>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Fields,
) -> Response {
    let s = match officer_posted(&st, &ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let done: Result<serde_json::Value, _> =
        st.as_staff(&ctx, &s, Method::DELETE, &format!("/v1/apikeys/{}", seg(&id)), None::<&()>).await;
    match done {
        Ok(_) => Redirect::to("/ui/keys").into_response(),
        Err(p) => keys_view(&st, &ctx, &s, None, Some(detail(&p)), StatusCode::OK).await,
    }
}

async fn approvals_view(st: &Console, ctx: &Ctx, s: &Session, error: Option<String>) -> Response {
    let list: Result<ap::ApprovalList, _> =
        st.as_staff(ctx, s, Method::GET, "/v1/approvals", None::<&()>).await;
    match list {
        Ok(l) => {
            let page = ApprovalsPage {
                chrome: chrome(ctx, Some(s), ctx.t().approvals_title),
                requests: l
                    .requests
                    .into_iter()
                    .filter(|r| r.status == "pending")
                    .map(|r| ApprovalRow {
                        id: r.id,
                        kind: r.kind,
                        target: r.target,
                        requested_by: r.requested_by,
                        expires: utc(r.expires_at),
                    })
                    .collect(),
                single: l.active_officers < 2,
                error,
            };
            html(StatusCode::OK, &page)
        }
        Err(p) => error_page(ctx, Some(s), &p),
    }
}

/// Pending dual-control requests, with approve and reject.
pub async fn approvals(State(st): State<Console>, ctx: Ctx) -> Response {
    match officer(&st, &ctx).await {
        Ok(s) => approvals_view(&st, &ctx, &s, None).await,
        Err(r) => r,
    }
}

pub async fn approval_action(
    State(st): State<Console>,
    ctx: Ctx,
    Path((id, action)): Path<(u64, String)>,
    form: Fields,
) -> Response {
    let s = match officer_posted(&st, &ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if action != "approve" && action != "reject" {
        return error_page(&ctx, Some(&s), &problem_of(StatusCode::NOT_FOUND, "not-found", "Not found"));
    }
    let path = format!("/v1/approvals/{id}/{action}");
    let done: Result<ap::ApprovalDecision, _> = st.as_staff(&ctx, &s, Method::POST, &path, None::<&()>).await;
    match done {
        // An approved key's token is shown once, on the keys page.
        Ok(ap::ApprovalDecision { api_key: Some(k), .. }) => {
            keys_view(&st, &ctx, &s, Some(k.token), None, StatusCode::OK).await
        }
        Ok(_) => Redirect::to("/ui/approvals").into_response(),
        Err(p) => approvals_view(&st, &ctx, &s, Some(detail(&p))).await,
    }
}
