//! Agents' customer pages: the customer (masked view, documents on file), a new customer,
//! an edit, an erasure with confirmation, and the download of a filed document.
//!
//! Like every console page these call the JSON API in process as the employee, so the
//! scopes, group grants, field policy, agreement rule and audit entries are the API's own.
//!
//! - No customer value in a URL, a title or the history: forms are POSTs whose success is a
//!   redirect (POST-redirect-GET) to `/ui/customers/{code}`, carrying the code only; every
//!   input for a value has `autocomplete="off"`.
//! - A refused form comes back with the error beside its field (the field name and the rule
//!   that failed, from the API; never a value) and with no submitted value in it: the
//!   employee types them again. An edit form is filled only with values the field policy
//!   shows the employee in plain; a masked field's input stays empty, and an empty input
//!   leaves the field as it is.
//! - An edit carries the record version it was made from (`If-Match`): when someone else
//!   changed the customer in between, nothing is written and the form says so.
//! - An erasure asks the employee to type the customer code again.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sekretess_api as api;
use sekretess_api::Problem;
use sekretess_api::documents as ad;
use sekretess_api::people as ap;
use sekretess_core::CustomerCode;
use sekretess_core::policy::Role;
use zeroize::Zeroize;

use super::i18n::Texts;
use super::view::{Chrome, FieldRow, utc};
use super::{Console, Ctx, Fields, Session, chrome, error_page, html, kind, problem_of, seg};

/// What RFC 8187 leaves unencoded in a `filename*` value (its `attr-char`, less the rarer
/// signs).
const ATTR_CHAR: &percent_encoding::AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// One document on file, for the customer page.
pub struct DocRow {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub filed: String,
    pub group: String,
}

#[derive(askama::Template)]
#[template(path = "console/customer.html")]
pub struct CustomerPage {
    pub chrome: Chrome,
    pub code: String,
    pub group: String,
    pub created: String,
    pub updated: String,
    pub rows: Vec<FieldRow>,
    pub purposes: Vec<String>,
    /// The employee may create, edit and erase (an agent).
    pub agent: bool,
    pub docs: Vec<DocRow>,
    /// Why the documents could not be listed (never a value).
    pub docs_error: Option<String>,
}

/// One input of the new and edit forms.
pub struct FormField {
    pub name: String,
    pub field_type: String,
    pub sensitivity: String,
    /// Multi-line (address, text).
    pub long: bool,
    /// The value to fill in: only a value the policy shows in plain, on an edit.
    pub value: String,
    /// What the employee sees of the current value when it is not shown in plain (the
    /// masked form), on an edit.
    pub now: Option<String>,
    /// The customer has a value (an edit offers to remove it).
    pub has_value: bool,
    pub error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "console/customer_form.html")]
pub struct CustomerFormPage {
    pub chrome: Chrome,
    /// `None`: a new customer.
    pub code: Option<String>,
    pub group: String,
    /// The employee's groups, to choose from when no group is chosen yet (new customers).
    pub groups: Vec<String>,
    pub version: u64,
    pub fields: Vec<FormField>,
    pub error: Option<String>,
    /// The customer changed since the form was read: nothing was written.
    pub changed: bool,
}

#[derive(askama::Template)]
#[template(path = "console/erase.html")]
pub struct ErasePage {
    pub chrome: Chrome,
    pub code: String,
    pub error: Option<String>,
    pub done: bool,
}

/// The group a new customer goes into (`?group=`; a group name is not customer data).
#[derive(serde::Deserialize)]
pub struct GroupQuery {
    pub group: Option<String>,
}

/// The answer of an in-process API call, whole.
async fn raw(
    st: &Console,
    ctx: &Ctx,
    s: &Session,
    method: Method,
    path: &str,
    if_match: Option<u64>,
    body: Option<Vec<u8>>,
) -> Response {
    st.send(ctx, Some(s.token.as_str()), method, path, if_match, body).await
}

/// The problem of a refused call (or a generic one when the answer is not a problem).
async fn problem_in(resp: Response) -> Problem {
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1024 * 1024).await.unwrap_or_default();
    serde_json::from_slice::<Problem>(&bytes)
        .unwrap_or_else(|_| problem_of(status, "internal", "Request failed"))
}

/// A field the API named in a refusal (`field NAME is invalid: …`, `… too long …`,
/// `another customer … already has this NAME`), among `names`.
fn field_of<'a>(p: &Problem, names: impl Iterator<Item = &'a str>) -> Option<String> {
    let detail = p.detail.as_deref()?;
    let names: Vec<&str> = names.collect();
    let found = match kind(p) {
        "invalid-field" | "field-too-long" => detail.strip_prefix("field ").and_then(|rest| {
            names.iter().find(|n| rest.strip_prefix(**n).is_some_and(|r| r.starts_with(' ')))
        }),
        "duplicate" => names.iter().find(|n| detail.ends_with(&format!(" {n}"))),
        _ => None,
    };
    found.map(|n| (*n).to_owned())
}

/// The message beside a field: what failed, in the console's language, and the API's rule
/// (which names the field and the rule, never the value).
fn field_message(t: &Texts, p: &Problem) -> String {
    let lead = match kind(p) {
        "duplicate" => t.err_field_duplicate,
        "field-too-long" => t.err_field_long,
        _ => t.err_field_invalid,
    };
    match &p.detail {
        Some(d) => format!("{lead} ({d})"),
        None => lead.to_owned(),
    }
}

/// The most open decision of `roles` for a sensitivity, by the policy in force.
fn decision(policy: &ap::PolicyDoc, roles: &[Role], sensitivity: &str) -> &'static str {
    const ORDER: [&str; 4] = ["deny", "masked", "reveal_with_purpose", "plain"];
    let mut best = 0;
    for r in &policy.rules {
        if r.sensitivity == sensitivity && roles.iter().any(|role| role.as_str() == r.role) {
            best = best.max(ORDER.iter().position(|d| *d == r.decision).unwrap_or(0));
        }
    }
    ORDER[best]
}

/// The group's fields the employee may see at all (the policy does not deny them), in
/// schema order.
async fn form_fields(
    st: &Console,
    ctx: &Ctx,
    s: &Session,
    group: &str,
) -> Result<Vec<(api::SchemaField, &'static str)>, Problem> {
    let schema: api::offline::GroupSchema =
        st.as_staff(ctx, s, Method::GET, &format!("/v1/groups/{}/schema", seg(group)), None::<&()>).await?;
    let policy: ap::PolicyDoc = st.as_staff(ctx, s, Method::GET, "/v1/policy", None::<&()>).await?;
    Ok(schema
        .fields
        .into_iter()
        .map(|f| {
            let d = decision(&policy, &s.principal.roles, &f.sensitivity);
            (f, d)
        })
        .filter(|(_, d)| *d != "deny")
        .collect())
}

fn input(f: &api::SchemaField) -> FormField {
    FormField {
        name: f.name.clone(),
        field_type: f.field_type.clone(),
        sensitivity: f.sensitivity.clone(),
        long: matches!(f.field_type.as_str(), "address" | "text"),
        value: String::new(),
        now: None,
        has_value: false,
        error: None,
    }
}

fn refused(ctx: &Ctx, s: &Session) -> Response {
    error_page(ctx, Some(s), &problem_of(StatusCode::FORBIDDEN, "forbidden", "Not allowed"))
}

/// The session of an agent, or the answer that refuses it.
async fn agent(st: &Console, ctx: &Ctx, form: Option<&Fields>) -> Result<Session, Response> {
    let s = match form {
        Some(f) => st.posted(ctx, f).await?,
        None => st.session(ctx).await?,
    };
    if !s.is(Role::Agent) {
        return Err(refused(ctx, &s));
    }
    Ok(s)
}

fn purposes() -> Vec<String> {
    sekretess_core::policy::PurposeKind::ALL.iter().map(|k| k.as_str().to_owned()).collect()
}

/// The customer as the field policy shows it, with the documents filed under the code.
pub async fn customer(State(st): State<Console>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let s = match st.session(&ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let got: Result<api::Customer, _> =
        st.as_staff(&ctx, &s, Method::GET, &format!("/v1/customers/{}", seg(&code)), None::<&()>).await;
    let c = match got {
        Ok(c) => c,
        Err(p) => return error_page(&ctx, Some(&s), &p),
    };
    let rows = c
        .fields
        .iter()
        .map(|(k, v)| FieldRow { name: k.clone(), value: v.clone(), masked: c.masked.contains(k) })
        .collect();
    let listed: Result<ad::DocumentList, _> = st
        .as_staff(&ctx, &s, Method::GET, &format!("/v1/documents?customer={}", seg(&c.code)), None::<&()>)
        .await;
    let (docs, docs_error) = match listed {
        Ok(l) => (
            l.documents
                .into_iter()
                .map(|d| DocRow {
                    id: d.id,
                    name: d.name,
                    size: d.size,
                    filed: utc(d.filed_at),
                    group: d.group,
                })
                .collect(),
            None,
        ),
        Err(p) => (Vec::new(), Some(p.title)),
    };
    let page = CustomerPage {
        chrome: chrome(&ctx, Some(&s), ctx.t().customer_title),
        code: c.code.clone(),
        group: c.group.clone(),
        created: utc(c.created_at),
        updated: utc(c.updated_at),
        rows,
        purposes: purposes(),
        agent: s.is(Role::Agent),
        docs,
        docs_error,
    };
    html(StatusCode::OK, &page)
}

async fn new_form(
    st: &Console,
    ctx: &Ctx,
    s: &Session,
    group: Option<String>,
    errors: &BTreeMap<String, String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let groups: Vec<String> = s.principal.groups.values().cloned().collect();
    // One group: no need to choose.
    let group = group
        .filter(|g| !g.is_empty())
        .or_else(|| if groups.len() == 1 { groups.first().cloned() } else { None });
    let fields = match &group {
        Some(g) => match form_fields(st, ctx, s, g).await {
            Ok(f) => {
                f.iter().map(|(f, _)| FormField { error: errors.get(&f.name).cloned(), ..input(f) }).collect()
            }
            Err(p) => return error_page(ctx, Some(s), &p),
        },
        None => Vec::new(),
    };
    let page = CustomerFormPage {
        chrome: chrome(ctx, Some(s), ctx.t().new_customer_title),
        code: None,
        group: group.unwrap_or_default(),
        groups,
        version: 0,
        fields,
        error,
        changed: false,
    };
    html(status, &page)
}

pub async fn new_page(
    State(st): State<Console>,
    ctx: Ctx,
    q: Result<Query<GroupQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let s = match agent(&st, &ctx, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let group = q.ok().and_then(|Query(q)| q.group);
    new_form(&st, &ctx, &s, group, &BTreeMap::new(), None, StatusCode::OK).await
}

/// The values typed into the form (`f-NAME`), empty ones left out.
fn typed(form: &Fields) -> BTreeMap<String, String> {
    form.0
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("f-")?.to_owned(), v.clone())))
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
}

fn wipe(map: &mut BTreeMap<String, String>) {
    for v in map.values_mut() {
        v.zeroize();
    }
}

/// A refusal beside its field when it names one of `names`, else above the form.
fn place(ctx: &Ctx, p: &Problem, names: &[String]) -> (BTreeMap<String, String>, Option<String>) {
    let mut errors = BTreeMap::new();
    match field_of(p, names.iter().map(String::as_str)) {
        Some(f) => {
            errors.insert(f, field_message(ctx.t(), p));
            (errors, Some(ctx.t().err_form.to_owned()))
        }
        None => (errors, Some(p.detail.clone().unwrap_or_else(|| p.title.clone()))),
    }
}

pub async fn create(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    let s = match agent(&st, &ctx, Some(&form)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let group = form.get("group").to_owned();
    let mut req = api::CreateCustomer { group: group.clone(), fields: typed(&form) };
    let names: Vec<String> =
        form.0.iter().filter_map(|(k, _)| k.strip_prefix("f-").map(str::to_owned)).collect();
    let made: Result<api::Created, _> =
        st.as_staff(&ctx, &s, Method::POST, "/v1/customers", Some(&req)).await;
    wipe(&mut req.fields);
    match made {
        Ok(c) => Redirect::to(&format!("/ui/customers/{}", seg(&c.code))).into_response(),
        Err(p) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let (errors, error) = place(&ctx, &p, &names);
            new_form(&st, &ctx, &s, Some(group), &errors, error, status).await
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn edit_form(
    st: &Console,
    ctx: &Ctx,
    s: &Session,
    code: &str,
    errors: &BTreeMap<String, String>,
    error: Option<String>,
    changed: bool,
    status: StatusCode,
) -> Response {
    let got: Result<api::Customer, _> =
        st.as_staff(ctx, s, Method::GET, &format!("/v1/customers/{}", seg(code)), None::<&()>).await;
    let c = match got {
        Ok(c) => c,
        Err(p) => return error_page(ctx, Some(s), &p),
    };
    let fields = match form_fields(st, ctx, s, &c.group).await {
        Ok(f) => f,
        Err(p) => return error_page(ctx, Some(s), &p),
    };
    let fields = fields
        .iter()
        .map(|(f, d)| {
            let current = c.fields.get(&f.name);
            // Filled in only when the policy shows the value in plain and the view has it so.
            let plain = *d == "plain" && !c.masked.contains(&f.name);
            FormField {
                value: if plain { current.cloned().unwrap_or_default() } else { String::new() },
                now: if plain { None } else { current.cloned() },
                has_value: current.is_some(),
                error: errors.get(&f.name).cloned(),
                ..input(f)
            }
        })
        .collect();
    let page = CustomerFormPage {
        chrome: chrome(ctx, Some(s), ctx.t().edit_customer_title),
        code: Some(c.code.clone()),
        group: c.group.clone(),
        groups: Vec::new(),
        version: c.version,
        fields,
        error,
        changed,
    };
    html(status, &page)
}

pub async fn edit_page(State(st): State<Console>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let s = match agent(&st, &ctx, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    edit_form(&st, &ctx, &s, &code, &BTreeMap::new(), None, false, StatusCode::OK).await
}

/// The changes of an edit form: an input filled in sets its field (unless it is the plain
/// value the form was filled with, `was-NAME`); a ticked `clear` removes it; an empty
/// input leaves it as it is.
fn changes(form: &Fields) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    for (name, value) in typed(form) {
        if form.0.iter().any(|(k, v)| k.strip_prefix("was-") == Some(name.as_str()) && *v == value) {
            continue;
        }
        out.insert(name, Some(value));
    }
    for name in form.all("clear") {
        out.insert(name, None);
    }
    out
}

pub async fn update(State(st): State<Console>, ctx: Ctx, Path(code): Path<String>, form: Fields) -> Response {
    let s = match agent(&st, &ctx, Some(&form)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(version) = form.get("version").parse::<u64>() else {
        let p = problem_of(StatusCode::BAD_REQUEST, "invalid-body", "Invalid form");
        return error_page(&ctx, Some(&s), &p);
    };
    let mut req = api::UpdateCustomer { fields: changes(&form) };
    if req.fields.is_empty() {
        // Nothing to change: back to the customer.
        return Redirect::to(&format!("/ui/customers/{}", seg(&code))).into_response();
    }
    let names: Vec<String> = req.fields.keys().cloned().collect();
    let body = serde_json::to_vec(&req).unwrap_or_default();
    for v in req.fields.values_mut().flatten() {
        v.zeroize();
    }
    let path = format!("/v1/customers/{}", seg(&code));
    let resp = raw(&st, &ctx, &s, Method::PATCH, &path, Some(version), Some(body)).await;
    if resp.status().is_success() {
        return Redirect::to(&path.replacen("/v1/", "/ui/", 1)).into_response();
    }
    let p = problem_in(resp).await;
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    if kind(&p) == "customer-changed" {
        let msg = ctx.t().err_changed.to_owned();
        return edit_form(&st, &ctx, &s, &code, &BTreeMap::new(), Some(msg), true, status).await;
    }
    if matches!(p.status, 400 | 404 | 410 | 423) {
        return error_page(&ctx, Some(&s), &p);
    }
    let (errors, error) = place(&ctx, &p, &names);
    edit_form(&st, &ctx, &s, &code, &errors, error, false, status).await
}

fn erase_view(
    ctx: &Ctx,
    s: &Session,
    code: &str,
    error: Option<String>,
    done: bool,
    status: StatusCode,
) -> Response {
    let t = ctx.t();
    let page = ErasePage {
        chrome: chrome(ctx, Some(s), if done { t.erased_title } else { t.erase_title }),
        code: code.to_owned(),
        error,
        done,
    };
    html(status, &page)
}

pub async fn erase_page(State(st): State<Console>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let s = match agent(&st, &ctx, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match CustomerCode::parse(&code) {
        Ok(c) => erase_view(&ctx, &s, &c.to_string(), None, false, StatusCode::OK),
        Err(_) => error_page(
            &ctx,
            Some(&s),
            &problem_of(StatusCode::BAD_REQUEST, "malformed-code", "Malformed customer code"),
        ),
    }
}

/// Erases the customer once the code typed again is the code of the page.
pub async fn erase(State(st): State<Console>, ctx: Ctx, Path(code): Path<String>, form: Fields) -> Response {
    let s = match agent(&st, &ctx, Some(&form)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(target) = CustomerCode::parse(&code) else {
        let p = problem_of(StatusCode::BAD_REQUEST, "malformed-code", "Malformed customer code");
        return error_page(&ctx, Some(&s), &p);
    };
    let shown = target.to_string();
    if CustomerCode::parse(form.get("confirm").trim()).ok().as_ref() != Some(&target) {
        let msg = ctx.t().err_confirm_code.to_owned();
        return erase_view(&ctx, &s, &shown, Some(msg), false, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let path = format!("/v1/customers/{}", seg(&shown));
    let resp = raw(&st, &ctx, &s, Method::DELETE, &path, None, None).await;
    if resp.status().is_success() {
        erase_view(&ctx, &s, &shown, None, true, StatusCode::OK)
    } else {
        error_page(&ctx, Some(&s), &problem_in(resp).await)
    }
}

/// A filed document's redacted copy, as a download (never shown inline).
pub async fn download(State(st): State<Console>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let s = match st.session(&ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let resp = raw(&st, &ctx, &s, Method::GET, &format!("/v1/documents/{}", seg(&id)), None, None).await;
    if !resp.status().is_success() {
        return error_page(&ctx, Some(&s), &problem_in(resp).await);
    }
    // The stored (redacted) name, as the API sent it percent-encoded; re-encoded for RFC 6266.
    let name = resp
        .headers()
        .get(ad::FILE_NAME_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| percent_decode_str(v).decode_utf8().ok().map(|n| n.into_owned()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "document".to_owned());
    let length = resp.headers().get(header::CONTENT_LENGTH).cloned();
    let disposition = format!(
        "attachment; filename=\"document\"; filename*=UTF-8''{}",
        utf8_percent_encode(&name, ATTR_CHAR)
    );
    let mut out = Response::new(resp.into_body());
    let h = out.headers_mut();
    // Always a download: a filed HTML or SVG document never renders in the console's origin.
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(l) = length {
        h.insert(header::CONTENT_LENGTH, l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(kind: &str, detail: &str) -> Problem {
        Problem {
            problem_type: format!("{}{kind}", sekretess_api::PROBLEM_TYPE_PREFIX),
            title: "t".into(),
            status: 422,
            detail: Some(detail.into()),
            instance: None,
        }
    }

    #[test]
    fn refusals_are_placed_beside_the_field_they_name() {
        let names = ["email", "email_work", "national_id"];
        let at = |k, d| field_of(&p(k, d), names.iter().copied());
        assert_eq!(
            at("invalid-field", "field email is invalid: not an e-mail address").as_deref(),
            Some("email")
        );
        assert_eq!(at("invalid-field", "field email_work is invalid: x").as_deref(), Some("email_work"));
        assert_eq!(
            at("field-too-long", "field national_id is too long (at most 20 characters)").as_deref(),
            Some("national_id")
        );
        assert_eq!(
            at("duplicate", "another customer in this group already has this national_id").as_deref(),
            Some("national_id")
        );
        assert_eq!(at("invalid-field", "field phone is invalid: x"), None, "not a field of the form");
        assert_eq!(
            at("unknown-field", "field email is invalid: x"),
            None,
            "only the kinds that name a field"
        );
    }

    #[test]
    fn the_most_open_decision_of_the_roles_counts() {
        let rule = |role: &str, s: &str, d: &str| ap::PolicyRule {
            role: role.into(),
            sensitivity: s.into(),
            decision: d.into(),
        };
        let doc = ap::PolicyDoc {
            rules: vec![
                rule("agent", "internal", "plain"),
                rule("agent", "confidential", "reveal_with_purpose"),
                rule("auditor", "confidential", "deny"),
                rule("security_officer", "restricted", "masked"),
            ],
            purposes: vec![],
        };
        assert_eq!(decision(&doc, &[Role::Agent], "internal"), "plain");
        assert_eq!(decision(&doc, &[Role::Auditor, Role::Agent], "confidential"), "reveal_with_purpose");
        assert_eq!(decision(&doc, &[Role::Agent], "restricted"), "deny", "no rule: deny");
        assert_eq!(decision(&doc, &[], "internal"), "deny");
    }

    #[test]
    fn an_edit_sends_only_what_changed() {
        let form = Fields(vec![
            ("f-notes".into(), "same".into()),
            ("was-notes".into(), "same".into()),
            ("f-email".into(), "".into()),
            ("f-phone".into(), "+46701234567".into()),
            ("f-full_name".into(), "  ".into()),
            ("clear".into(), "iban".into()),
        ]);
        let c = changes(&form);
        assert_eq!(c.len(), 2, "unchanged and empty inputs are left out");
        assert_eq!(c["phone"].as_deref(), Some("+46701234567"));
        assert_eq!(c["iban"], None);
    }
}
