//! The field policy as a table of role x sensitivity, for security officers: one select per
//! cell. Submitting files one pending request per changed cell (`PUT /v1/policy`, dual
//! control); the page shows which cells wait for another officer and links the approvals.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sekretess_api as api;
use sekretess_api::people as ap;
use sekretess_core::policy::{Decision, Role};

use super::admin::{detail, officer, officer_posted};
use super::i18n::Texts;
use super::view::Chrome;
use super::{Console, Ctx, Fields, Session, chrome, error_page, html};

/// The sensitivities, in the order of the table's columns.
const SENSITIVITIES: [&str; 3] = ["internal", "confidential", "restricted"];
/// The approval kind of a policy change.
const KIND: &str = "policy.set";

/// One select of the table.
pub struct Cell {
    /// The form name: `role/sensitivity`.
    pub name: String,
    /// The element id: `cell-role-sensitivity`.
    pub id: String,
    pub current: String,
    /// The decisions this cell may take (restricted: deny and masked only).
    pub options: Vec<(&'static str, &'static str)>,
    /// The decision a pending request asks for, if any.
    pub pending: Option<String>,
}

pub struct Row {
    pub role: &'static str,
    pub label: &'static str,
    pub cells: Vec<Cell>,
}

pub struct Column {
    pub sensitivity: &'static str,
    pub label: &'static str,
    /// The schema's fields of this sensitivity.
    pub fields: String,
}

#[derive(Template)]
#[template(path = "console/policy.html")]
pub struct PolicyPage {
    pub chrome: Chrome,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Cells with a pending request.
    pub pending: usize,
    pub error: Option<String>,
}

fn role_label(t: &'static Texts, r: Role) -> &'static str {
    match r {
        Role::SecurityOfficer => t.role_officer,
        Role::Agent => t.role_agent,
        Role::Auditor => t.role_auditor,
        _ => t.role_service,
    }
}

fn decision_label(t: &'static Texts, d: Decision) -> &'static str {
    match d {
        Decision::Deny => t.decision_deny,
        Decision::Masked => t.decision_masked,
        Decision::RevealWithPurpose => t.decision_reveal,
        _ => t.decision_plain,
    }
}

/// The decisions a cell of `sensitivity` may take: restricted is never plain online, nor
/// revealed (a reveal returns the plain value).
fn allowed(sensitivity: &str) -> impl Iterator<Item = Decision> {
    let restricted = sensitivity == "restricted";
    Decision::ALL.into_iter().filter(move |d| !restricted || *d <= Decision::Masked)
}

fn cell_name(role: Role, sensitivity: &str) -> String {
    format!("{}/{sensitivity}", role.as_str())
}

/// The pending policy requests, by (role, sensitivity): the decision each asks for (the
/// latest request wins when there are several).
fn pending_cells(list: &ap::ApprovalList) -> BTreeMap<(String, String), String> {
    // Newest first in the list: walked backwards, so the newest request of a cell wins.
    list.requests
        .iter()
        .rev()
        .filter(|r| r.kind == KIND && r.status == "pending")
        .filter_map(|r| serde_json::from_str::<ap::PolicyRule>(&r.payload).ok())
        .map(|p| ((p.role, p.sensitivity), p.decision))
        .collect()
}

/// The rows of the table from the policy in force and the pending requests.
fn table(t: &'static Texts, doc: &ap::PolicyDoc, pending: &BTreeMap<(String, String), String>) -> Vec<Row> {
    Role::ALL
        .into_iter()
        .map(|role| Row {
            role: role.as_str(),
            label: role_label(t, role),
            cells: SENSITIVITIES
                .iter()
                .map(|s| {
                    let current = doc
                        .rules
                        .iter()
                        .find(|r| r.role == role.as_str() && r.sensitivity == *s)
                        .map_or_else(|| Decision::Deny.as_str().to_owned(), |r| r.decision.clone());
                    Cell {
                        name: cell_name(role, s),
                        id: format!("cell-{}-{s}", role.as_str()),
                        current,
                        options: allowed(s).map(|d| (d.as_str(), decision_label(t, d))).collect(),
                        pending: pending.get(&(role.as_str().to_owned(), (*s).to_owned())).cloned(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// The cells the form changes against the policy in force, checked before anything is
/// filed: an unknown decision or a plain/revealed restricted cell refuses the whole form.
fn changes(form: &Fields, doc: &ap::PolicyDoc) -> Result<Vec<ap::PolicyRule>, String> {
    let mut out = Vec::new();
    for role in Role::ALL {
        for s in SENSITIVITIES {
            let sent = form.get(&cell_name(role, s));
            if sent.is_empty() {
                continue;
            }
            let Some(d) = Decision::parse(sent) else {
                return Err(format!("{}/{s}: unknown decision", role.as_str()));
            };
            if !allowed(s).any(|a| a == d) {
                return Err(format!("{}/{s}: restricted fields take only deny or masked", role.as_str()));
            }
            let current = doc.rules.iter().find(|r| r.role == role.as_str() && r.sensitivity == s);
            if current.is_none_or(|r| r.decision != d.as_str()) {
                out.push(ap::PolicyRule {
                    role: role.as_str().to_owned(),
                    sensitivity: s.to_owned(),
                    decision: d.as_str().to_owned(),
                });
            }
        }
    }
    Ok(out)
}

async fn policy_view(
    st: &Console,
    ctx: &Ctx,
    s: &Session,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let doc: ap::PolicyDoc = match st.as_staff(ctx, s, Method::GET, "/v1/policy", None::<&()>).await {
        Ok(d) => d,
        Err(p) => return error_page(ctx, Some(s), &p),
    };
    let approvals: ap::ApprovalList =
        match st.as_staff(ctx, s, Method::GET, "/v1/approvals", None::<&()>).await {
            Ok(l) => l,
            Err(p) => return error_page(ctx, Some(s), &p),
        };
    let schema: api::SchemaDoc = match st.as_staff(ctx, s, Method::GET, "/v1/schema", None::<&()>).await {
        Ok(d) => d,
        Err(p) => return error_page(ctx, Some(s), &p),
    };
    let columns = SENSITIVITIES
        .iter()
        .map(|sens| Column {
            sensitivity: sens,
            label: match *sens {
                "internal" => ctx.t().sens_internal,
                "confidential" => ctx.t().sens_confidential,
                _ => ctx.t().sens_restricted,
            },
            fields: schema
                .fields
                .iter()
                .filter(|f| f.sensitivity == *sens)
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let pending = pending_cells(&approvals);
    let page = PolicyPage {
        chrome: chrome(ctx, Some(s), ctx.t().policy_title),
        columns,
        rows: table(ctx.t(), &doc, &pending),
        pending: pending.len(),
        error,
    };
    html(status, &page)
}

/// The table.
pub async fn policy(State(st): State<Console>, ctx: Ctx) -> Response {
    match officer(&st, &ctx).await {
        Ok(s) => policy_view(&st, &ctx, &s, None, StatusCode::OK).await,
        Err(r) => r,
    }
}

/// Files one pending request per changed cell, then shows the table again.
pub async fn change(State(st): State<Console>, ctx: Ctx, form: Fields) -> Response {
    let s = match officer_posted(&st, &ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let doc: ap::PolicyDoc = match st.as_staff(&ctx, &s, Method::GET, "/v1/policy", None::<&()>).await {
        Ok(d) => d,
        Err(p) => return error_page(&ctx, Some(&s), &p),
    };
    let rules = match changes(&form, &doc) {
        Ok(r) => r,
        Err(e) => return policy_view(&st, &ctx, &s, Some(e), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    for rule in &rules {
        let filed: Result<ap::ApprovalRequest, _> =
            st.as_staff(&ctx, &s, Method::PUT, "/v1/policy", Some(rule)).await;
        if let Err(p) = filed {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST);
            let e = format!("{}/{}: {}", rule.role, rule.sensitivity, detail(&p));
            return policy_view(&st, &ctx, &s, Some(e), status).await;
        }
    }
    Redirect::to("/ui/policy").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> ap::PolicyDoc {
        let policy = sekretess_core::policy::FieldPolicy::default();
        ap::PolicyDoc {
            rules: policy
                .rules()
                .map(|(r, s, d)| ap::PolicyRule {
                    role: r.as_str().into(),
                    sensitivity: s.as_str().into(),
                    decision: d.as_str().into(),
                })
                .collect(),
            purposes: vec![],
        }
    }

    fn form(cells: &[(&str, &str)]) -> Fields {
        Fields(cells.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn restricted_cells_never_offer_plain_or_reveal() {
        let rows = table(super::super::Lang::En.texts(), &doc(), &BTreeMap::new());
        assert_eq!(rows.len(), 4);
        for row in &rows {
            let restricted = row.cells.iter().find(|c| c.name.ends_with("/restricted")).unwrap();
            let offered: Vec<_> = restricted.options.iter().map(|(d, _)| *d).collect();
            assert_eq!(offered, ["deny", "masked"], "{}", row.role);
            let internal = row.cells.iter().find(|c| c.name.ends_with("/internal")).unwrap();
            assert_eq!(internal.options.len(), 4);
        }
        // The default policy as DESIGN.md section 5 and policy.rs say it.
        let agent = rows.iter().find(|r| r.role == "agent").unwrap();
        let cur: Vec<_> = agent.cells.iter().map(|c| c.current.as_str()).collect();
        assert_eq!(cur, ["plain", "reveal_with_purpose", "masked"]);
    }

    #[test]
    fn only_changed_cells_are_filed() {
        let f = form(&[
            ("agent/internal", "plain"),
            ("agent/confidential", "masked"),
            ("auditor/internal", "masked"),
            ("csrf", "x"),
        ]);
        let got = changes(&f, &doc()).unwrap();
        let got: Vec<_> =
            got.iter().map(|r| (r.role.as_str(), r.sensitivity.as_str(), r.decision.as_str())).collect();
        assert_eq!(got, [("agent", "confidential", "masked"), ("auditor", "internal", "masked")]);
    }

    #[test]
    fn a_plain_restricted_cell_or_an_unknown_decision_refuses_the_form() {
        assert!(changes(&form(&[("agent/restricted", "plain")]), &doc()).is_err());
        assert!(changes(&form(&[("service/restricted", "reveal_with_purpose")]), &doc()).is_err());
        assert!(changes(&form(&[("agent/internal", "everything")]), &doc()).is_err());
        // Refused as a whole: a valid change beside a bad one is not filed either.
        assert!(
            changes(&form(&[("auditor/internal", "masked"), ("agent/restricted", "plain")]), &doc()).is_err()
        );
    }

    #[test]
    fn pending_requests_mark_their_cells() {
        let req = |id, kind: &str, status: &str, payload: &str| ap::ApprovalRequest {
            id,
            kind: kind.into(),
            target: String::new(),
            payload: payload.into(),
            requested_by: "employee:1".into(),
            requested_at: 0,
            expires_at: 0,
            status: status.into(),
            decided_by: None,
            decided_at: None,
        };
        let list = ap::ApprovalList {
            requests: vec![
                req(
                    1,
                    "policy.set",
                    "pending",
                    r#"{"role":"agent","sensitivity":"internal","decision":"masked"}"#,
                ),
                req(
                    2,
                    "policy.set",
                    "approved",
                    r#"{"role":"agent","sensitivity":"confidential","decision":"plain"}"#,
                ),
                req(3, "group.unlock", "pending", r#"{"group":"retail"}"#),
            ],
            active_officers: 2,
        };
        let p = pending_cells(&list);
        assert_eq!(p.len(), 1);
        assert_eq!(p.get(&("agent".to_owned(), "internal".to_owned())).map(String::as_str), Some("masked"));
    }
}
