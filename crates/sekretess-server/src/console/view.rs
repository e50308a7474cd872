//! The console's pages: one askama template each (`templates/console/`), all in the frame
//! of `base.html`.

use askama::Template;
use sekretess_api::audit::AuditEntry;
use sekretess_api::people as ap;

use super::i18n::Texts;

/// What the frame of every page shows.
pub struct Chrome {
    pub t: &'static Texts,
    pub lang: &'static str,
    pub title: String,
    pub csrf: String,
    pub user: Option<UserNav>,
}

/// The logged-in employee, for the menu.
pub struct UserNav {
    pub login: String,
    pub officer: bool,
    pub agent: bool,
    pub auditor: bool,
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) of a Unix time.
pub fn utc(t: i64) -> String {
    let (y, m, d) = sekretess_core::clock::civil_date(t);
    let s = t.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[derive(Template)]
#[template(path = "console/error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub kind: String,
    pub message: String,
    pub agreement: bool,
}

#[derive(Template)]
#[template(path = "console/login.html")]
pub struct LoginPage {
    pub chrome: Chrome,
    pub form_csrf: String,
    pub login: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/enrol.html")]
pub struct EnrolPage {
    pub chrome: Chrome,
    pub form_csrf: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/enrolled.html")]
pub struct EnrolledPage {
    pub chrome: Chrome,
    pub login: String,
    pub active: bool,
    pub secret: String,
    pub qr_svg: String,
}

#[derive(Template)]
#[template(path = "console/home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub roles: String,
    pub groups: String,
    pub signed: bool,
}

#[derive(Template)]
#[template(path = "console/agreement.html")]
pub struct AgreementPage {
    pub chrome: Chrome,
    pub agreement: Option<ap::Agreement>,
    pub signed: bool,
    pub error: Option<String>,
}

pub struct SearchField {
    pub name: String,
}

#[derive(Template)]
#[template(path = "console/search.html")]
pub struct SearchPage {
    pub chrome: Chrome,
    pub groups: Vec<String>,
    pub fields: Vec<SearchField>,
    pub matches: Option<Vec<String>>,
    pub error: Option<String>,
}

pub struct FieldRow {
    pub name: String,
    pub value: String,
    pub masked: bool,
}

#[derive(Template)]
#[template(path = "console/revealed.html")]
pub struct RevealedPage {
    pub chrome: Chrome,
    pub code: String,
    pub rows: Vec<FieldRow>,
}

pub struct EmployeeRow {
    pub e: ap::Employee,
    pub roles: String,
    pub pending: bool,
    pub active: bool,
    pub suspended: bool,
}

#[derive(Template)]
#[template(path = "console/employees.html")]
pub struct EmployeesPage {
    pub chrome: Chrome,
    pub rows: Vec<EmployeeRow>,
    pub groups: Vec<String>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/invited.html")]
pub struct InvitedPage {
    pub chrome: Chrome,
    pub login: String,
    pub code: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "console/groups.html")]
pub struct GroupsPage {
    pub chrome: Chrome,
    pub groups: Vec<sekretess_api::Group>,
    pub error: Option<String>,
}

pub struct SignatureRow {
    pub login: String,
    pub signed: Option<String>,
}

#[derive(Template)]
#[template(path = "console/agreements.html")]
pub struct AgreementsPage {
    pub chrome: Chrome,
    pub current: Option<ap::Agreement>,
    pub signatures: Vec<SignatureRow>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/keys.html")]
pub struct KeysPage {
    pub chrome: Chrome,
    pub keys: Vec<sekretess_api::ApiKey>,
    pub scopes: Vec<String>,
    pub token: Option<String>,
    pub error: Option<String>,
}

pub struct AuditRow {
    pub e: AuditEntry,
    pub time: String,
    pub fields: String,
    pub target: String,
}

#[derive(Template)]
#[template(path = "console/audit.html")]
pub struct AuditLogPage {
    pub chrome: Chrome,
    pub rows: Vec<AuditRow>,
    pub actor: String,
    pub customer: String,
    pub action: String,
    pub next: Option<String>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/verified.html")]
pub struct VerifiedPage {
    pub chrome: Chrome,
    pub status: String,
    pub detail: String,
    pub intact: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_text_of_known_times() {
        // 2000-03-01T00:00:00Z = 951868800; 2026-12-07T01:02:03Z = 1796605323.
        assert_eq!(utc(951_868_800), "2000-03-01 00:00:00");
        assert_eq!(utc(0), "1970-01-01 00:00:00");
        assert_eq!(utc(1_796_605_323), "2026-12-07 01:02:03");
    }
}

/// One pending dual-control request (its payload is not shown: a policy or key change is
/// named by its kind and target).
pub struct ApprovalRow {
    pub id: u64,
    pub kind: String,
    pub target: String,
    pub requested_by: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "console/approvals.html")]
pub struct ApprovalsPage {
    pub chrome: Chrome,
    pub requests: Vec<ApprovalRow>,
    /// Fewer than two active security officers: nothing can be approved.
    pub single: bool,
    pub error: Option<String>,
}
