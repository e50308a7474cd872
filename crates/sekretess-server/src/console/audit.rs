//! Auditors' (and security officers') pages: the audit log filtered and paged, chain
//! verification, export as JSON lines.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sekretess_api::audit as aa;
use sekretess_core::policy::Role;
use serde::Deserialize;

use super::view::*;
use super::{Console, Ctx, Fields, Session, chrome, error_page, html, problem_of};

/// Entries per page.
const PAGE: usize = 50;
/// Entries in one export at most.
const EXPORT_MAX: usize = 100_000;

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    customer: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: Option<u64>,
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl Filter {
    fn from_form(f: &Fields) -> Filter {
        Filter {
            actor: f.get("actor").trim().to_owned(),
            customer: f.get("customer").trim().to_owned(),
            action: f.get("action").trim().to_owned(),
            from: f.get("from").parse().ok(),
        }
    }

    /// The filters as a query string (`a=…&b=…`), empty ones left out.
    fn query(&self) -> String {
        [("actor", &self.actor), ("customer", &self.customer), ("action", &self.action)]
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn api_path(&self, from: u64, limit: usize) -> String {
        let q = self.query();
        let sep = if q.is_empty() { "" } else { "&" };
        format!("/v1/audit?from_seq={from}&limit={limit}{sep}{q}")
    }
}

async fn reader(st: &Console, ctx: &Ctx) -> Result<Session, Response> {
    let s = st.session(ctx).await?;
    if !s.is(Role::Auditor) && !s.is(Role::SecurityOfficer) {
        return Err(error_page(
            ctx,
            Some(&s),
            &problem_of(StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
        ));
    }
    Ok(s)
}

fn row(e: aa::AuditEntry) -> AuditRow {
    let target = match (&e.group, &e.customer) {
        (Some(g), Some(c)) => format!("{g} / {c}"),
        (Some(g), None) => g.clone(),
        (None, Some(c)) => c.clone(),
        (None, None) => String::new(),
    };
    AuditRow { time: utc(e.time), fields: e.fields.join(", "), target, e }
}

pub async fn audit(
    State(st): State<Console>,
    ctx: Ctx,
    q: Result<Query<Filter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let s = match reader(&st, &ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let f = q.map(|Query(f)| f).unwrap_or_default();
    let page: Result<aa::AuditPage, _> =
        st.as_staff(&ctx, &s, Method::GET, &f.api_path(f.from.unwrap_or(1), PAGE), None::<&()>).await;
    let (rows, next, error) = match page {
        Ok(p) => {
            let full = p.entries.len() == PAGE;
            let rows: Vec<AuditRow> = p.entries.into_iter().map(row).collect();
            let next = match p.next_seq {
                Some(n) if full => {
                    let q = f.query();
                    Some(if q.is_empty() {
                        format!("/ui/audit?from={n}")
                    } else {
                        format!("/ui/audit?{q}&from={n}")
                    })
                }
                _ => None,
            };
            (rows, next, None)
        }
        Err(p) if p.status == 400 || p.status == 422 => (Vec::new(), None, Some(p.detail.unwrap_or(p.title))),
        Err(p) => return error_page(&ctx, Some(&s), &p),
    };
    let page = AuditLogPage {
        chrome: chrome(&ctx, Some(&s), ctx.t().audit_title),
        rows,
        actor: f.actor,
        customer: f.customer,
        action: f.action,
        next,
        error,
    };
    html(StatusCode::OK, &page)
}

pub async fn verify(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    if let Err(r) = st.posted(&ctx, &form).await {
        return r;
    }
    let s = match reader(&st, &ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let v: Result<aa::AuditVerification, _> =
        st.as_staff(&ctx, &s, Method::GET, "/v1/audit/verify", None::<&()>).await;
    match v {
        Ok(v) => {
            let page = VerifiedPage {
                chrome: chrome(&ctx, Some(&s), ctx.t().verify_title),
                intact: v.status == "intact",
                status: v.status,
                detail: v.detail,
            };
            html(StatusCode::OK, &page)
        }
        Err(p) => error_page(&ctx, Some(&s), &p),
    }
}

/// The filtered log as JSON lines (one entry per line, as `GET /v1/audit` gives them).
pub async fn export(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    if let Err(r) = st.posted(&ctx, &form).await {
        return r;
    }
    let s = match reader(&st, &ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let f = Filter::from_form(&form);
    let mut out = String::new();
    let mut from = f.from.unwrap_or(1);
    let mut count = 0;
    loop {
        let page: Result<aa::AuditPage, _> =
            st.as_staff(&ctx, &s, Method::GET, &f.api_path(from, 1000), None::<&()>).await;
        let page = match page {
            Ok(p) => p,
            Err(p) => return error_page(&ctx, Some(&s), &p),
        };
        for e in page.entries {
            if let Ok(line) = serde_json::to_string(&e) {
                out.push_str(&line);
                out.push('\n');
                count += 1;
            }
        }
        match page.next_seq {
            Some(n) if n > from && count < EXPORT_MAX => from = n,
            _ => break,
        }
    }
    let mut resp = (StatusCode::OK, out).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"audit.jsonl\""));
    resp
}
