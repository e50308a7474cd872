//! Every error the API answers, mapped once to an RFC 9457 problem document.
//!
//! The body names the problem and never holds a submitted value; the logged cause (for
//! 5xx answers) is the error's own text, which names rules, tables and fields only.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sekretess_api::{PROBLEM_JSON, PROBLEM_TYPE_PREFIX, Problem};
use sekretess_core::VaultError;
use sekretess_core::error::StoreError;

mod people;

tokio::task_local! {
    /// The id of the request being served (set by the request middleware).
    pub static REQUEST_ID: String;
}

/// Everything a handler can fail with.
#[derive(Debug)]
pub enum ApiError {
    Vault(VaultError),
    /// The body is not JSON at all.
    MalformedJson(String),
    /// JSON of the wrong shape; the detail is built from our own types' names only.
    InvalidBody {
        kind: &'static str,
        detail: String,
    },
    BodyTooLarge,
    UnsupportedMediaType,
    BatchTooLarge(usize),
    RouteNotFound,
    MethodNotAllowed,
    UnknownApiKey,
    /// Employees, sessions, policy and agreements (mapped in `problem::people`).
    People(sekretess_core::people::PeopleError),
    /// An employee has not signed the current confidentiality agreement.
    AgreementRequired,
    /// A route for employees was called with an API key.
    EmployeesOnly,
    /// The employee lacks the role a route needs.
    RoleRequired(&'static str),
    /// The bootstrap API key after the first security officer enrolled.
    BootstrapRetired,
    /// An employee asked for an API key with administrative scopes: those need a second
    /// security officer's approval, which does not exist yet, so they are refused.
    AdminKeyNeedsApproval,
    /// The server caught a panic in a handler.
    Panic,
    /// A document exceeds a redaction limit (the limit's name).
    DocumentLimit(&'static str),
    /// A document is damaged (its format, and what is wrong in fixed words).
    DamagedDocument(&'static str, &'static str),
    /// Parts of a document could not be inspected; the detail lists reasons and places.
    NotInspected(String),
    /// A rate limit refused the request; try again after this many seconds.
    RateLimited(u64),
    /// The code operator was asked for, and the caller may reach no customer group.
    NoGroupReachable,
}

impl From<sekretess_core::people::PeopleError> for ApiError {
    fn from(e: sekretess_core::people::PeopleError) -> Self {
        ApiError::People(e)
    }
}

impl From<VaultError> for ApiError {
    fn from(e: VaultError) -> Self {
        ApiError::Vault(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Vault(e.into())
    }
}

/// (status, kind, title, detail)
pub(crate) type Mapped = (StatusCode, &'static str, &'static str, Option<String>);

pub(crate) fn map_vault(e: &VaultError) -> Mapped {
    use StatusCode as S;
    use VaultError as V;
    let d = |s: &str| Some(s.to_owned());
    match e {
        V::Sealed => (
            S::SERVICE_UNAVAILABLE,
            "sealed",
            "The vault is sealed",
            d("unseal it with the unseal shares first"),
        ),
        V::NotInitialized => {
            (S::CONFLICT, "not-initialized", "The vault is not initialized", d("run init first"))
        }
        V::AlreadyInitialized => {
            (S::CONFLICT, "already-initialized", "The vault is already initialized", None)
        }
        V::InitParameters(why) => {
            (S::BAD_REQUEST, "invalid-init-parameters", "Invalid init parameters", d(why))
        }
        V::AlreadyUnsealed => (S::CONFLICT, "already-unsealed", "The vault is already unsealed", None),
        V::Share(_) => (S::BAD_REQUEST, "invalid-share", "Invalid unseal share", Some(e.to_string())),
        V::WrongVault { .. } => {
            (S::BAD_REQUEST, "wrong-vault", "The share belongs to another vault", Some(e.to_string()))
        }
        V::DuplicateShare { .. } => {
            (S::CONFLICT, "duplicate-share", "This share was already given", Some(e.to_string()))
        }
        V::ThresholdMismatch { .. } => (
            S::BAD_REQUEST,
            "threshold-mismatch",
            "The share's threshold does not match",
            Some(e.to_string()),
        ),
        V::UnsealFailed => {
            (S::BAD_REQUEST, "unseal-failed", "The shares do not unseal this vault", Some(e.to_string()))
        }
        V::KeyUsedUp => (
            S::SERVICE_UNAVAILABLE,
            "key-used-up",
            "The group's key reached its use limit",
            Some(e.to_string()),
        ),
        V::Rekey(why) => (S::CONFLICT, "rekey-refused", "Rekey refused", d(why)),
        V::UnknownGroup(_) => {
            (S::NOT_FOUND, "unknown-group", "Unknown customer group", d("no customer group has this name"))
        }
        V::GroupExists(_) => (
            S::CONFLICT,
            "group-exists",
            "The customer group exists",
            d("a customer group with this name already exists"),
        ),
        V::InvalidGroupName(why) => (S::BAD_REQUEST, "invalid-group-name", "Invalid group name", d(why)),
        V::GroupLocked(_) => (
            S::LOCKED,
            "group-locked",
            "The customer group is locked",
            d("a locked group refuses every customer operation"),
        ),
        V::UnknownField { .. } => (
            S::UNPROCESSABLE_ENTITY,
            "unknown-field",
            "Unknown field",
            d("a field name is not in the customer schema (see GET /v1/schema)"),
        ),
        V::ForbiddenField { .. } => (
            S::UNPROCESSABLE_ENTITY,
            "forbidden-field",
            "Forbidden field",
            d("a field looks like a card security code (CVV/CVC); those are never stored"),
        ),
        V::Invalid { field, rule } => (
            S::UNPROCESSABLE_ENTITY,
            "invalid-field",
            "Invalid field value",
            Some(format!("field {field} is invalid: {rule}")),
        ),
        V::TooLong { field, max } => (
            S::UNPROCESSABLE_ENTITY,
            "field-too-long",
            "Field value too long",
            Some(format!("field {field} is too long (at most {max} characters)")),
        ),
        V::Duplicate { field } => (
            S::CONFLICT,
            "duplicate",
            "Duplicate value",
            Some(format!("another customer in this group already has this {field}")),
        ),
        V::NoFields => {
            (S::UNPROCESSABLE_ENTITY, "no-fields", "No fields", d("a customer needs at least one field"))
        }
        V::FieldInUse { field } => (
            S::CONFLICT,
            "field-in-use",
            "The field has values",
            Some(format!(
                "field {field} has values in this group: its type, a move to or from restricted and its index cannot change while values exist"
            )),
        ),
        V::OfflineKeyMissing => {
            (S::UNPROCESSABLE_ENTITY, "offline-key-missing", "No offline key configured", Some(e.to_string()))
        }
        V::NotSearchable { field } => (
            S::UNPROCESSABLE_ENTITY,
            "not-searchable",
            "Field not searchable",
            Some(format!("field {field} is not searchable")),
        ),
        V::MalformedCode => (
            S::BAD_REQUEST,
            "malformed-code",
            "Malformed customer code",
            d("expected 12 symbols like K7Q4-M92D-J3XP"),
        ),
        V::CodeCheckFailed => (
            S::BAD_REQUEST,
            "code-check-failed",
            "Customer code check failed",
            d("the code's check symbol does not match (a typo?)"),
        ),
        V::NotFound => {
            (S::NOT_FOUND, "customer-not-found", "No such customer", d("no customer with this code"))
        }
        V::Erased => (S::GONE, "customer-erased", "Customer erased", d("this customer was erased")),
        V::DocumentNotFound => {
            (S::NOT_FOUND, "document-not-found", "No such document", d("no document with this id"))
        }
        V::Unauthenticated => (
            S::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required",
            d("send a valid API key as Authorization: Bearer <token>"),
        ),
        V::Forbidden(scope) => (
            S::FORBIDDEN,
            "forbidden",
            "Not allowed",
            Some(format!("this operation needs the {scope} scope")),
        ),
        V::GroupForbidden => (
            S::FORBIDDEN,
            "group-forbidden",
            "Not allowed",
            d("the caller has no access to this customer group"),
        ),
        V::InvalidAccess(why) => (S::BAD_REQUEST, "invalid-access-request", "Invalid access request", d(why)),
        // The store's cause goes to the log (see `ApiError::problem`), never to the caller.
        V::AuditUnavailable { .. } => (
            S::SERVICE_UNAVAILABLE,
            "audit-unavailable",
            "The audit log cannot be written",
            d("the operation was refused because it could not be recorded"),
        ),
        V::Integrity => {
            (S::INTERNAL_SERVER_ERROR, "integrity", "Stored data failed its integrity check", None)
        }
        V::Store(StoreError::Unavailable(_)) => {
            (S::SERVICE_UNAVAILABLE, "store-unavailable", "Storage unavailable", None)
        }
        V::Store(StoreError::Conflict { .. }) => (S::CONFLICT, "conflict", "Conflict", None),
        V::Token(f) => map_token(f),
        V::Changed => (
            S::PRECONDITION_FAILED,
            "customer-changed",
            "The customer changed",
            d("the customer changed since it was read (If-Match names an older version); read it again"),
        ),
        _ => (S::INTERNAL_SERVER_ERROR, "internal", "Internal error", None),
    }
}

fn map_token(f: &sekretess_core::TokenFault) -> Mapped {
    use StatusCode as S;
    use sekretess_core::TokenFault as T;
    let d = Some(f.to_string());
    match f {
        T::Unknown => (S::NOT_FOUND, "token-unknown", "Unknown token", d),
        T::Revoked => (S::GONE, "token-revoked", "Token revoked", d),
        T::Expired => (S::GONE, "token-expired", "Token expired", d),
        T::Erased => (S::GONE, "token-erased", "Token of an erased customer", d),
        T::InvalidValue(_) => (S::UNPROCESSABLE_ENTITY, "invalid-token-value", "Value refused", d),
        _ => (S::INTERNAL_SERVER_ERROR, "internal", "Internal error", None),
    }
}

impl ApiError {
    fn mapped(&self) -> Mapped {
        use StatusCode as S;
        match self {
            ApiError::Vault(e) => map_vault(e),
            ApiError::MalformedJson(detail) => {
                (S::BAD_REQUEST, "malformed-json", "Malformed JSON", Some(detail.clone()))
            }
            ApiError::InvalidBody { kind, detail } => {
                (S::UNPROCESSABLE_ENTITY, kind, "Invalid request body", Some(detail.clone()))
            }
            ApiError::DocumentLimit(limit) => (
                S::PAYLOAD_TOO_LARGE,
                "document-limit",
                "Document refused by a limit",
                Some(format!("the document exceeds the redaction limit {limit}")),
            ),
            ApiError::DamagedDocument(format, what) => (
                S::UNPROCESSABLE_ENTITY,
                "damaged-document",
                "Damaged document",
                Some(format!("damaged {format} document: {what}")),
            ),
            ApiError::RateLimited(wait) => (
                S::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
                Some(format!("try again in {wait} s")),
            ),
            ApiError::NoGroupReachable => (
                S::FORBIDDEN,
                "no-group-reachable",
                "No customer group to look customers up in",
                Some(
                    "operator code looks customers up in the groups the caller may reach; it may reach none"
                        .to_owned(),
                ),
            ),
            ApiError::NotInspected(detail) => (
                S::UNPROCESSABLE_ENTITY,
                "not-inspected",
                "Not everything could be inspected",
                Some(detail.clone()),
            ),
            ApiError::BodyTooLarge => {
                (S::PAYLOAD_TOO_LARGE, "body-too-large", "Request body too large", None)
            }
            ApiError::UnsupportedMediaType => (
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                Some("send Content-Type: application/json".into()),
            ),
            ApiError::BatchTooLarge(max) => (
                S::PAYLOAD_TOO_LARGE,
                "batch-too-large",
                "Batch too large",
                Some(format!("at most {max} customers per batch")),
            ),
            ApiError::RouteNotFound => (S::NOT_FOUND, "route-not-found", "No such route", None),
            ApiError::MethodNotAllowed => {
                (S::METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed", None)
            }
            ApiError::People(e) => crate::problem::people::map_people(e),
            ApiError::AgreementRequired => (
                S::FORBIDDEN,
                "agreement-required",
                "Confidentiality agreement not signed",
                Some("sign the current confidentiality agreement first (POST /v1/agreements/sign)".into()),
            ),
            ApiError::EmployeesOnly => (
                S::FORBIDDEN,
                "employees-only",
                "Employees only",
                Some("this route needs an employee session, not an API key".into()),
            ),
            ApiError::RoleRequired(role) => {
                (S::FORBIDDEN, "forbidden", "Not allowed", Some(format!("this needs the {role} role")))
            }
            ApiError::BootstrapRetired => (
                S::UNAUTHORIZED,
                "bootstrap-key-retired",
                "The bootstrap key is retired",
                Some("a security officer has enrolled; log in as an employee instead".into()),
            ),
            ApiError::UnknownApiKey => (
                S::NOT_FOUND,
                "unknown-api-key",
                "No such API key",
                Some("no active API key has this id".into()),
            ),
            ApiError::AdminKeyNeedsApproval => (
                S::FORBIDDEN,
                "admin-key-needs-approval",
                "Administrative API keys need dual approval",
                Some(format!(
                    "employees cannot create API keys with the scopes {}; ask for a key without them",
                    sekretess_core::access::ADMIN_SCOPES.map(|s| s.as_str()).join(", ")
                )),
            ),
            ApiError::Panic => (
                S::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                Some("the request failed; quote the request id to the operator".into()),
            ),
        }
    }

    /// The problem document (also used per item in batch answers).
    pub fn problem(&self) -> Problem {
        let (status, kind, title, detail) = self.mapped();
        let request_id = REQUEST_ID.try_with(Clone::clone).ok();
        if status.is_server_error() {
            // The cause goes to the log, never to the caller. It names rules, tables,
            // constraints and conditions only (e.g. why the audit log cannot be written).
            let rid = request_id.as_deref().unwrap_or("-");
            match self {
                ApiError::Vault(e) => tracing::error!(kind, request_id = rid, cause = %e, "request failed"),
                ApiError::People(e) => tracing::error!(kind, request_id = rid, cause = %e, "request failed"),
                ApiError::Panic => tracing::error!(kind, request_id = rid, "request handler panicked"),
                _ => {}
            }
        }
        Problem {
            problem_type: format!("{PROBLEM_TYPE_PREFIX}{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            instance: request_id.map(|id| format!("urn:sekretess:request:{id}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut resp = (status, body).into_response();
        resp.extensions_mut().insert(crate::audit_trail::ProblemKind(self.mapped().1));
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let ApiError::RateLimited(wait) = self {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
        }
        resp
    }
}

/// Turns a serde_json error into a problem without quoting the input: serde's messages
/// quote submitted values and keys, so only the parts naming our own types are kept.
pub fn json_error(e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let at = format!("at line {} column {}", e.line(), e.column());
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            ApiError::MalformedJson(format!("the body is not valid JSON ({at})"))
        }
        Category::Data => {
            let msg = e.to_string();
            let msg = msg.rsplit_once(" at line ").map_or(msg.as_str(), |(m, _)| m);
            let expected = msg.rsplit_once(", expected ").map(|(_, x)| x);
            let (kind, detail) = if msg.starts_with("unknown field") {
                (
                    "unknown-body-field",
                    format!(
                        "the body has a member this request does not take; expected {}",
                        expected.unwrap_or("other members")
                    ),
                )
            } else if msg.starts_with("invalid type") {
                (
                    "wrong-type",
                    format!("a member has the wrong type; expected {}", expected.unwrap_or("another type")),
                )
            } else if let Some(field) = msg.strip_prefix("missing field ") {
                ("missing-member", format!("the body lacks the member {field}"))
            } else if msg.starts_with("invalid value") || msg.starts_with("invalid length") {
                (
                    "invalid-value",
                    format!(
                        "a member has an invalid value; expected {}",
                        expected.unwrap_or("another value")
                    ),
                )
            } else {
                ("invalid-body", "the body does not have the shape this request takes".to_owned())
            };
            ApiError::InvalidBody { kind, detail: format!("{detail} ({at})") }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A log writer the test can read back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Why the audit log cannot be written goes to the error log with the request id;
    /// the caller's problem document stays generic.
    #[test]
    fn audit_failure_cause_is_logged_not_answered() {
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber =
            tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
        let cause =
            StoreError::Unavailable("error returned from database: (code: 1811) injected write error".into());
        let err = ApiError::Vault(VaultError::AuditUnavailable { cause });
        let problem = tracing::subscriber::with_default(subscriber, || {
            REQUEST_ID.sync_scope("req-42".to_owned(), || err.problem())
        });

        assert_eq!((problem.status, problem.kind()), (503, "audit-unavailable"));
        assert_eq!(problem.instance.as_deref(), Some("urn:sekretess:request:req-42"));
        let body = serde_json::to_string(&problem).unwrap();
        assert!(!body.contains("injected") && !body.contains("database"), "{body}");

        let log = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("ERROR"), "{log}");
        assert!(log.contains("req-42"), "{log}");
        assert!(log.contains("audit-unavailable"), "{log}");
        assert!(log.contains("injected write error"), "{log}");
    }
}
