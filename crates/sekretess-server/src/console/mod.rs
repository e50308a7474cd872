//! The web console under `/ui/`: server-rendered pages (askama), no script at all.
//!
//! The console is a thin layer over the JSON API: each page authenticates the session
//! cookie, then calls the API's own router in process with the session token as a bearer
//! token, and renders what it answers. So the console can do nothing the API would refuse
//! the same employee (scopes, groups, field policy, agreement, dual control, rate limits
//! and audit all stay in one place).
//!
//! - Session: the employee session token from `POST /v1/auth/login` in the cookie
//!   [`SESSION_COOKIE`] (`__Host-`, `Secure`, `HttpOnly`, `SameSite=Strict`, `Path=/`, no
//!   `Max-Age`: the server's idle and absolute timeouts decide). Logout ends the session on
//!   the server (`POST /v1/auth/logout`).
//! - CSRF: every form carries a token, HMAC-SHA256 of a fixed label under the session token
//!   (before login: under a random pre-login cookie, [`PRE_COOKIE`]); a POST without the
//!   right one is refused (403) before anything else happens.
//! - Every answer: `Cache-Control: no-store` and the strict [`CSP`] (no script, styles and
//!   images from the server only, forms post to the server only). No customer value ever
//!   goes into a URL or a page title: reveals and searches are POSTs.
//! - Swedish or English, from the language cookie (the switch) else `Accept-Language`.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use sekretess_api::Problem;
use sekretess_core::people::Principal;
use sekretess_core::policy::Role;
use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::auth::Peer;
use crate::auth::session::Directory;

mod admin;
mod audit;
mod customers;
mod i18n;
mod pages;
mod view;
// Officers' policy table and vault status (issue 25, point 4).
mod policy;
mod status;

pub use i18n::Lang;
use i18n::Texts;
use view::{Chrome, ErrorPage, UserNav};

/// The session cookie.
pub const SESSION_COOKIE: &str = "__Host-sekretess";
/// The pre-login cookie that keys the CSRF token of the login and enrolment forms.
pub const PRE_COOKIE: &str = "__Host-sekretess-pre";
/// The language the switch chose.
pub const LANG_COOKIE: &str = "__Host-sekretess-lang";
/// The Content-Security-Policy of every console page: no script, nothing from elsewhere.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                       frame-ancestors 'none'; base-uri 'none'";
const CSRF_LABEL: &[u8] = b"sekretess/v1/console-csrf";
const CSS: &str = include_str!("../../static/console.css");
const FAVICON: &str = include_str!("../../static/favicon.svg");

/// What the console handlers share: the API router they call, and the session directory.
#[derive(Clone)]
pub struct Console {
    api: Router,
    people: Arc<dyn Directory>,
    clock: Arc<dyn sekretess_core::Clock>,
}

/// The console's routes; `api` is the whole JSON API (with its own layers).
pub fn router(api: Router, people: Arc<dyn Directory>, clock: Arc<dyn sekretess_core::Clock>) -> Router {
    let st = Console { api, people, clock };
    Router::new()
        .route("/ui", get(root))
        .route("/ui/", get(root))
        .route("/ui/static/console.css", get(css))
        .route("/ui/static/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
        .route("/ui/lang/{lang}", get(set_lang))
        .route("/ui/login", get(pages::login_page).post(pages::login))
        .route("/ui/logout", post(pages::logout))
        .route("/ui/enrol", get(pages::enrol_page).post(pages::enrol))
        .route("/ui/home", get(pages::home))
        .route("/ui/agreement", get(pages::agreement_page).post(pages::sign))
        .route("/ui/customers", get(pages::search_page))
        .route("/ui/customers/find", post(pages::find))
        .route("/ui/customers/{code}", get(customers::customer))
        .route("/ui/customers/{code}/reveal", post(pages::reveal))
        .route("/ui/employees", get(admin::employees))
        .route("/ui/employees/invite", post(admin::invite))
        .route("/ui/employees/{id}/{action}", post(admin::employee_action))
        .route("/ui/groups", get(admin::groups).post(admin::create_group))
        .route("/ui/groups/{name}/{action}", post(admin::group_action))
        .route("/ui/agreements", get(admin::agreements).post(admin::publish))
        .route("/ui/keys", get(admin::keys).post(admin::create_key))
        .route("/ui/keys/{id}/revoke", post(admin::revoke_key))
        .route("/ui/approvals", get(admin::approvals))
        .route("/ui/approvals/{id}/{action}", post(admin::approval_action))
        .route("/ui/audit", get(audit::audit))
        .route("/ui/audit/verify", post(audit::verify))
        .route("/ui/audit/export", post(audit::export))
        .route("/ui/policy", get(policy::policy).post(policy::change))
        .route("/ui/status", get(status::status))
        .route("/ui/customers/new", get(customers::new_page).post(customers::create))
        .route("/ui/customers/{code}/edit", get(customers::edit_page).post(customers::update))
        .route("/ui/customers/{code}/erase", get(customers::erase_page).post(customers::erase))
        .route("/ui/documents/{id}", get(customers::download))
        .route("/ui/{*rest}", get(not_found))
        .with_state(st)
        .layer(middleware::from_fn(console_headers))
}

/// CSP and `no-store` on every console answer.
async fn console_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn root() -> Redirect {
    Redirect::to("/ui/home")
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

async fn favicon() -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml")], FAVICON).into_response()
}

async fn set_lang(axum::extract::Path(lang): axum::extract::Path<String>) -> Response {
    let lang = Lang::parse(&lang).unwrap_or(Lang::En);
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Secure; HttpOnly; SameSite=Strict", lang.code());
    let mut resp = Redirect::to("/ui/home").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

async fn not_found(ctx: Ctx) -> Response {
    let p = Problem {
        problem_type: format!("{}route-not-found", sekretess_api::PROBLEM_TYPE_PREFIX),
        title: "No such page".into(),
        status: 404,
        detail: None,
        instance: None,
    };
    error_page(&ctx, None, &p)
}

/// The request as the console sees it: language, cookies, the peer.
pub struct Ctx {
    pub lang: Lang,
    session: Option<Zeroizing<String>>,
    pre: Option<Zeroizing<String>>,
    peer: Option<Peer>,
}

impl Ctx {
    pub fn t(&self) -> &'static Texts {
        self.lang.texts()
    }
}

fn cookie<'a>(header_value: &'a str, name: &str) -> Option<&'a str> {
    header_value
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut session = None;
        let mut pre = None;
        let mut chosen = None;
        for v in parts.headers.get_all(header::COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            if let Some(s) = cookie(v, SESSION_COOKIE) {
                session = Some(Zeroizing::new(s.to_owned()));
            }
            if let Some(s) = cookie(v, PRE_COOKIE) {
                pre = Some(Zeroizing::new(s.to_owned()));
            }
            if let Some(s) = cookie(v, LANG_COOKIE) {
                chosen = Lang::parse(s);
            }
        }
        let lang = chosen.unwrap_or_else(|| {
            Lang::from_accept_language(
                parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""),
            )
        });
        Ok(Ctx { lang, session, pre, peer: parts.extensions.get::<Peer>().copied() })
    }
}

/// A logged-in employee on this request.
pub struct Session {
    token: Zeroizing<String>,
    pub principal: Principal,
    pub csrf: String,
}

impl Session {
    pub fn is(&self, role: Role) -> bool {
        self.principal.has_role(role)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The CSRF token of forms keyed by `secret` (the session token, or the pre-login cookie).
fn csrf_of(secret: &str) -> String {
    hex(&sekretess_crypto::mac::hmac_sha256(secret.as_bytes(), CSRF_LABEL))
}

fn csrf_ok(secret: &str, sent: &str) -> bool {
    let Some(tag) = unhex(sent) else { return false };
    sekretess_crypto::mac::hmac_sha256_verify(secret.as_bytes(), CSRF_LABEL, &tag).is_ok()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// A posted form, in order (a name may repeat).
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

impl Drop for Fields {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for (_, v) in &mut self.0 {
            v.zeroize();
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for Fields {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Fields(v)),
            Err(_) => Err((StatusCode::BAD_REQUEST, "malformed form").into_response()),
        }
    }
}

/// `segment` made safe for a URL path.
pub fn seg(segment: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    utf8_percent_encode(segment, SEGMENT).to_string()
}

fn problem(status: StatusCode, kind: &str, title: &str) -> Problem {
    Problem {
        problem_type: format!("{}{kind}", sekretess_api::PROBLEM_TYPE_PREFIX),
        title: title.to_owned(),
        status: status.as_u16(),
        detail: None,
        instance: None,
    }
}

/// The short kind of a problem (`agreement-required`, …).
pub fn kind(p: &Problem) -> &str {
    p.problem_type.strip_prefix(sekretess_api::PROBLEM_TYPE_PREFIX).unwrap_or(&p.problem_type)
}

impl Console {
    /// Calls the API in process as the session's employee (or anonymously), with an
    /// `If-Match` version when given; the answer whole.
    pub(crate) async fn send(
        &self,
        ctx: &Ctx,
        token: Option<&str>,
        method: Method,
        path: &str,
        if_match: Option<u64>,
        body: Option<Vec<u8>>,
    ) -> Response {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(v) = if_match {
            b = b.header(header::IF_MATCH, format!("\"{v}\""));
        }
        let body = match body {
            Some(bytes) => {
                b = b
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::CONTENT_LENGTH, bytes.len());
                Body::from(bytes)
            }
            None => Body::empty(),
        };
        let Ok(mut req) = b.body(body) else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        if let Some(p) = ctx.peer {
            req.extensions_mut().insert(p);
        }
        match tower::ServiceExt::oneshot(self.api.clone(), req).await {
            Ok(r) => r,
            Err(never) => match never {},
        }
    }

    /// Calls the API in process as the session's employee (or anonymously); the status and
    /// the body.
    async fn call(
        &self,
        ctx: &Ctx,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, Bytes) {
        let resp = self.send(ctx, token, method, path, None, body).await;
        let status = resp.status();
        match axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024).await {
            Ok(bytes) => (status, bytes),
            Err(_) => (StatusCode::BAD_GATEWAY, Bytes::new()),
        }
    }

    /// Calls the API and reads its JSON answer, or the problem it answered.
    pub async fn json<T: DeserializeOwned>(
        &self,
        ctx: &Ctx,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, Problem> {
        let bytes = match body.map(serde_json::to_vec).transpose() {
            Ok(b) => b,
            Err(_) => return Err(problem(StatusCode::BAD_REQUEST, "invalid-body", "Invalid input")),
        };
        let (status, answer) = self.call(ctx, token, method, path, bytes).await;
        if status.is_success() {
            let text = if answer.is_empty() { &b"null"[..] } else { &answer[..] };
            serde_json::from_slice(text)
                .map_err(|_| problem(StatusCode::BAD_GATEWAY, "internal", "Unexpected answer"))
        } else {
            Err(serde_json::from_slice::<Problem>(&answer)
                .unwrap_or_else(|_| problem(status, "internal", "Request failed")))
        }
    }

    /// Calls the API as the session's employee.
    pub async fn as_staff<T: DeserializeOwned>(
        &self,
        ctx: &Ctx,
        s: &Session,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, Problem> {
        self.json(ctx, Some(s.token.as_str()), method, path, body).await
    }

    /// The logged-in employee, or a redirect to the login page.
    pub async fn session(&self, ctx: &Ctx) -> Result<Session, Response> {
        let Some(token) = ctx.session.clone() else {
            return Err(Redirect::to("/ui/login").into_response());
        };
        match self.people.authenticate(&token).await {
            Ok(principal) => {
                let csrf = csrf_of(&token);
                Ok(Session { token, principal, csrf })
            }
            Err(_) => {
                let mut resp = Redirect::to("/ui/login").into_response();
                clear_cookie(&mut resp, SESSION_COOKIE);
                Err(resp)
            }
        }
    }

    /// The session, and the form's CSRF token checked against it.
    pub async fn posted(&self, ctx: &Ctx, form: &Fields) -> Result<Session, Response> {
        let s = self.session(ctx).await?;
        if !csrf_ok(&s.token, form.get("csrf")) {
            return Err(csrf_refused(ctx));
        }
        Ok(s)
    }
}

fn csrf_refused(ctx: &Ctx) -> Response {
    let mut p = problem(StatusCode::FORBIDDEN, "csrf", "Form refused");
    p.detail = Some(ctx.t().err_csrf.to_owned());
    error_page(ctx, None, &p)
}

pub fn set_cookie(resp: &mut Response, name: &str, value: &str) {
    let c = format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Strict");
    if let Ok(v) = HeaderValue::from_str(&c) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

pub fn clear_cookie(resp: &mut Response, name: &str) {
    let c = format!("{name}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&c) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The page frame for `title`.
pub fn chrome(ctx: &Ctx, s: Option<&Session>, title: &str) -> Chrome {
    Chrome {
        t: ctx.t(),
        lang: ctx.lang.code(),
        title: title.to_owned(),
        csrf: s.map(|s| s.csrf.clone()).unwrap_or_default(),
        user: s.map(|s| UserNav {
            login: s.principal.login.clone(),
            officer: s.is(Role::SecurityOfficer),
            agent: s.is(Role::Agent),
            auditor: s.is(Role::Auditor),
        }),
    }
}

/// An askama page as an HTML answer.
pub fn html(status: StatusCode, page: &impl askama::Template) -> Response {
    match page.render() {
        Ok(body) => (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "console template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// A problem the API answered, as a page (messages of its own for the usual kinds; the
/// API's title and detail otherwise, which never hold a value).
pub fn error_page(ctx: &Ctx, s: Option<&Session>, p: &Problem) -> Response {
    let t = ctx.t();
    let k = kind(p).to_owned();
    let message = match k.as_str() {
        "agreement-required" => t.err_agreement.to_owned(),
        "customer-not-found" | "not-found" | "route-not-found" => t.err_not_found.to_owned(),
        "login-failed" => t.err_login.to_owned(),
        "rate-limited" => t.err_rate.to_owned(),
        _ => match &p.detail {
            Some(d) => format!("{}: {d}", p.title),
            None => p.title.clone(),
        },
    };
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let page = ErrorPage {
        chrome: chrome(ctx, s, t.error),
        kind: k.clone(),
        message,
        agreement: k == "agreement-required",
    };
    html(status, &page)
}

/// A problem during a form post.
pub fn problem_of(status: StatusCode, kind: &str, title: &str) -> Problem {
    problem(status, kind, title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_are_bound_to_their_secret() {
        let a = csrf_of("sks_aaaa");
        assert_eq!(a.len(), 64);
        assert!(csrf_ok("sks_aaaa", &a));
        assert!(!csrf_ok("sks_bbbb", &a));
        assert!(!csrf_ok("sks_aaaa", ""));
        assert!(!csrf_ok("sks_aaaa", &a[..62]));
        assert!(!csrf_ok("sks_aaaa", &"zz".repeat(32)));
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let h = "__Host-sekretess-pre=p1; __Host-sekretess=s1; other=x";
        assert_eq!(cookie(h, SESSION_COOKIE), Some("s1"));
        assert_eq!(cookie(h, PRE_COOKIE), Some("p1"));
        assert_eq!(cookie(h, "missing"), None);
    }
}
