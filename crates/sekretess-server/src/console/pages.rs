//! Login, enrolment, logout, the start page, the agreement, and customers (find, reveal
//! with a purpose; the customer page itself is in `customers.rs`).

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sekretess_api as api;
use sekretess_api::people as ap;
use sekretess_core::policy::Role;
use zeroize::Zeroizing;

use super::view::*;
use super::{
    Console, Ctx, Fields, PRE_COOKIE, SESSION_COOKIE, chrome, clear_cookie, csrf_of, csrf_ok, error_page,
    html, kind, seg, set_cookie,
};

/// The pre-login secret of this browser, or a new one (then the answer sets its cookie).
#[allow(clippy::result_large_err)] // the error is the answer itself
fn pre_secret(ctx: &Ctx) -> Result<(Zeroizing<String>, bool), Response> {
    if let Some(p) = &ctx.pre
        && p.len() == 64
        && p.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Ok((p.clone(), false));
    }
    let mut bytes = [0u8; 32];
    if sekretess_crypto::fill_random(&mut bytes).is_err() {
        return Err((StatusCode::INTERNAL_SERVER_ERROR, "no randomness").into_response());
    }
    Ok((Zeroizing::new(super::hex(&bytes)), true))
}

fn with_pre(mut resp: Response, pre: &str, fresh: bool) -> Response {
    if fresh {
        set_cookie(&mut resp, PRE_COOKIE, pre);
    }
    resp
}

fn login_form(ctx: &Ctx, login: &str, error: Option<String>, status: StatusCode) -> Response {
    let (pre, fresh) = match pre_secret(ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let page = LoginPage {
        chrome: chrome(ctx, None, ctx.t().login_title),
        form_csrf: csrf_of(&pre),
        login: login.to_owned(),
        error,
    };
    with_pre(html(status, &page), &pre, fresh)
}

pub async fn login_page(ctx: Ctx) -> Response {
    login_form(&ctx, "", None, StatusCode::OK)
}

/// Checks a pre-login form's CSRF token.
#[allow(clippy::result_large_err)] // the error is the answer itself
fn pre_checked(ctx: &Ctx, form: &Fields) -> Result<(), Response> {
    match &ctx.pre {
        Some(p) if csrf_ok(p, form.get("csrf")) => Ok(()),
        _ => Err(super::csrf_refused(ctx)),
    }
}

pub async fn login(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    if let Err(r) = pre_checked(&ctx, &form) {
        return r;
    }
    let req = ap::LoginRequest {
        login: form.get("login").trim().to_owned(),
        password: form.get("password").to_owned(),
        totp: form.get("totp").trim().to_owned(),
    };
    let answer: Result<ap::Session, _> =
        st.json(&ctx, None, Method::POST, "/v1/auth/login", Some(&req)).await;
    drop(Zeroizing::new(req.password));
    match answer {
        Ok(s) => {
            let token = Zeroizing::new(s.token);
            let mut resp = Redirect::to("/ui/home").into_response();
            set_cookie(&mut resp, SESSION_COOKIE, &token);
            clear_cookie(&mut resp, PRE_COOKIE);
            resp
        }
        Err(p) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNAUTHORIZED);
            let message = match kind(&p) {
                "login-failed" => ctx.t().err_login.to_owned(),
                "rate-limited" => ctx.t().err_rate.to_owned(),
                _ => p.detail.clone().unwrap_or(p.title.clone()),
            };
            login_form(&ctx, form.get("login").trim(), Some(message), status)
        }
    }
}

pub async fn logout(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    let s = match st.posted(&ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let ended: Result<(), _> = st.as_staff(&ctx, &s, Method::POST, "/v1/auth/logout", None::<&()>).await;
    if let Err(p) = ended {
        return error_page(&ctx, None, &p);
    }
    let mut resp = Redirect::to("/ui/login").into_response();
    clear_cookie(&mut resp, SESSION_COOKIE);
    resp
}

fn enrol_form(ctx: &Ctx, error: Option<String>, status: StatusCode) -> Response {
    let (pre, fresh) = match pre_secret(ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let page = EnrolPage { chrome: chrome(ctx, None, ctx.t().enrol_title), form_csrf: csrf_of(&pre), error };
    with_pre(html(status, &page), &pre, fresh)
}

pub async fn enrol_page(ctx: Ctx) -> Response {
    enrol_form(&ctx, None, StatusCode::OK)
}

/// The otpauth URI as an SVG QR code (inline in the page; no image request).
fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#000"))
        .light_color(qrcode::render::svg::Color("#fff"))
        .build();
    // Inline in HTML: without the XML declaration, with an accessible name.
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen("<svg", "<svg role=\"img\" aria-labelledby=\"qr-label\"", 1))
}

pub async fn enrol(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    if let Err(r) = pre_checked(&ctx, &form) {
        return r;
    }
    if form.get("password") != form.get("password2") {
        return enrol_form(&ctx, Some(ctx.t().passwords_differ.to_owned()), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let req = ap::EnrolRequest {
        code: form.get("code").trim().to_owned(),
        password: form.get("password").to_owned(),
    };
    let answer: Result<ap::Enrolled, _> =
        st.json(&ctx, None, Method::POST, "/v1/employees/enrol", Some(&req)).await;
    drop(Zeroizing::new(req.password));
    match answer {
        Ok(e) => {
            let uri = Zeroizing::new(e.otpauth_uri);
            let secret = Zeroizing::new(e.totp_secret);
            let Some(qr) = qr_svg(&uri) else {
                return (StatusCode::INTERNAL_SERVER_ERROR, "QR code failed").into_response();
            };
            let page = EnrolledPage {
                chrome: chrome(&ctx, None, ctx.t().enrolled_title),
                login: e.login,
                active: e.state == "active",
                secret: secret.to_string(),
                qr_svg: qr,
            };
            let mut resp = html(StatusCode::OK, &page);
            clear_cookie(&mut resp, PRE_COOKIE);
            resp
        }
        Err(p) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST);
            enrol_form(&ctx, Some(p.detail.clone().unwrap_or(p.title.clone())), status)
        }
    }
}

pub async fn home(State(st): State<Console>, ctx: Ctx) -> Response {
    let s = match st.session(&ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let page = HomePage {
        chrome: chrome(&ctx, Some(&s), ctx.t().home_title),
        roles: s.principal.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "),
        groups: s.principal.groups.values().cloned().collect::<Vec<_>>().join(", "),
        signed: s.principal.agreement_signed,
    };
    html(StatusCode::OK, &page)
}

async fn agreement_view(st: &Console, ctx: &Ctx, error: Option<String>, status: StatusCode) -> Response {
    let s = match st.session(ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let current: Result<ap::Agreement, _> =
        st.as_staff(ctx, &s, Method::GET, "/v1/agreements/current", None::<&()>).await;
    let agreement = match current {
        Ok(a) => Some(a),
        Err(p) if p.status == 404 => None,
        Err(p) => return error_page(ctx, Some(&s), &p),
    };
    let page = AgreementPage {
        chrome: chrome(ctx, Some(&s), ctx.t().agreement_title),
        agreement,
        signed: s.principal.agreement_signed,
        error,
    };
    html(status, &page)
}

pub async fn agreement_page(State(st): State<Console>, ctx: Ctx) -> Response {
    agreement_view(&st, &ctx, None, StatusCode::OK).await
}

pub async fn sign(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    let s = match st.posted(&ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(version) = form.get("version").parse::<u32>() else {
        return agreement_view(&st, &ctx, Some(ctx.t().err_not_found.to_owned()), StatusCode::BAD_REQUEST)
            .await;
    };
    let req = ap::SignAgreement { version, password: form.get("password").to_owned() };
    let done: Result<(), _> = st.as_staff(&ctx, &s, Method::POST, "/v1/agreements/sign", Some(&req)).await;
    drop(Zeroizing::new(req.password));
    match done {
        Ok(()) => Redirect::to("/ui/home").into_response(),
        Err(p) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST);
            agreement_view(&st, &ctx, Some(p.detail.clone().unwrap_or(p.title.clone())), status).await
        }
    }
}

async fn search_view(
    st: &Console,
    ctx: &Ctx,
    s: &super::Session,
    matches: Option<Vec<String>>,
    error: Option<String>,
) -> Response {
    let schema: Result<api::SchemaDoc, _> = st.as_staff(ctx, s, Method::GET, "/v1/schema", None::<&()>).await;
    let fields = match schema {
        Ok(d) => {
            d.fields.into_iter().filter(|f| f.searchable).map(|f| SearchField { name: f.name }).collect()
        }
        Err(p) => return error_page(ctx, Some(s), &p),
    };
    let page = SearchPage {
        chrome: chrome(ctx, Some(s), ctx.t().search_title),
        groups: s.principal.groups.values().cloned().collect(),
        fields,
        matches,
        error,
    };
    html(StatusCode::OK, &page)
}

pub async fn search_page(State(st): State<Console>, ctx: Ctx) -> Response {
    let s = match st.session(&ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    search_view(&st, &ctx, &s, None, None).await
}

/// By code: the customer's page. By identifier: an exact-value search in one group (the
/// value goes in the POST body only).
pub async fn find(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    let s = match st.posted(&ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let code = form.get("code").trim();
    if !code.is_empty() {
        return match sekretess_core::CustomerCode::parse(code) {
            Ok(c) => Redirect::to(&format!("/ui/customers/{}", seg(&c.to_string()))).into_response(),
            Err(_) => {
                let p = super::problem_of(StatusCode::BAD_REQUEST, "invalid-code", "Malformed customer code");
                error_page(&ctx, Some(&s), &p)
            }
        };
    }
    let req = api::SearchRequest {
        group: form.get("group").to_owned(),
        field: form.get("field").to_owned(),
        value: form.get("value").to_owned(),
    };
    let found: Result<api::SearchResponse, _> =
        st.as_staff(&ctx, &s, Method::POST, "/v1/customers/search", Some(&req)).await;
    drop(Zeroizing::new(req.value));
    match found {
        Ok(r) if r.matches.len() == 1 => {
            let code = r.matches.into_iter().next().map(|m| m.code).unwrap_or_default();
            Redirect::to(&format!("/ui/customers/{}", seg(&code))).into_response()
        }
        Ok(r) => {
            search_view(&st, &ctx, &s, Some(r.matches.into_iter().map(|m| m.code).collect()), None).await
        }
        Err(p) => error_page(&ctx, Some(&s), &p),
    }
}

pub async fn reveal(State(st): State<Console>, ctx: Ctx, Path(code): Path<String>, form: Fields) -> Response {
    let s = match st.posted(&ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !s.is(Role::Agent) {
        let p = super::problem_of(StatusCode::FORBIDDEN, "forbidden", "Not allowed");
        return error_page(&ctx, Some(&s), &p);
    }
    let note = form.get("note").trim();
    let purpose = if note.is_empty() {
        form.get("purpose").to_owned()
    } else {
        format!("{}: {note}", form.get("purpose"))
    };
    let req = ap::RevealRequest { fields: vec![form.get("field").to_owned()], purpose: Some(purpose) };
    let path = format!("/v1/customers/{}/reveal", seg(&code));
    let got: Result<ap::Revealed, _> = st.as_staff(&ctx, &s, Method::POST, &path, Some(&req)).await;
    match got {
        Ok(r) => {
            let rows = r
                .fields
                .iter()
                .map(|(k, v)| FieldRow { name: k.clone(), value: v.clone(), masked: false })
                .collect();
            let page =
                RevealedPage { chrome: chrome(&ctx, Some(&s), ctx.t().revealed_title), code: r.code, rows };
            html(StatusCode::OK, &page)
        }
        Err(p) => error_page(&ctx, Some(&s), &p),
    }
}
