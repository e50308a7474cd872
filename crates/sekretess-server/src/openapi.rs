//! The OpenAPI 3.1 document, generated from the code.

use sekretess_api as api;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::routes::{apikeys, customers, groups, people, sys};

struct BearerAuth;

fn problem_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                sekretess_api::PROBLEM_JSON,
                ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
            )
            .build(),
    )
}

/// Statuses every secured route can answer (authentication, scope or role, the source's
/// rate limit, the sealed vault) and every route with a JSON body (the body checks of
/// `ApiJson` and the body limits). Added here once, unless the handler's annotation
/// already says something more precise for that status.
const SECURED: &[(&str, &str)] = &[
    (
        "401",
        "Missing, unknown, expired or revoked API key or session (`unauthenticated`, `session-invalid`, `session-expired`, `bootstrap-key-retired`)",
    ),
    (
        "403",
        "The caller lacks the scope, role, group or signed agreement this needs (`forbidden`, `group-forbidden`, `agreement-required`, `employees-only`)",
    ),
    ("429", "Too many failed authentications from this source (`rate-limited`; see `Retry-After`)"),
    (
        "503",
        "The vault is sealed, or the store or audit log is unavailable (`sealed`, `store-unavailable`, `audit-unavailable`)",
    ),
];
const JSON_BODY: &[(&str, &str)] = &[
    ("400", "The body is not JSON (`malformed-json`)"),
    ("413", "The body is larger than the limit (`body-too-large`)"),
    ("415", "The body is not `application/json` (`unsupported-media-type`)"),
    (
        "422",
        "The body has wrong types, unknown or missing members or invalid values (`wrong-type`, `unknown-body-field`, `missing-member`, `invalid-value`)",
    ),
];

/// Public operations: no credentials (`security: []`).
fn is_public(op: &utoipa::openapi::path::Operation) -> bool {
    op.security.as_ref().is_none_or(|s| s.is_empty())
}

/// Unix-seconds members, described as such wherever they appear.
fn is_timestamp(name: &str) -> bool {
    name.ends_with("_at")
        || name.ends_with("_until")
        || matches!(name, "time" | "last_seen" | "since" | "until")
}

fn describe_time(description: &mut Option<String>) {
    let d = description.get_or_insert_with(String::new);
    if d.contains("UTC") {
        return;
    }
    if d.contains("Unix seconds") {
        *d = d.replacen("Unix seconds", "Unix seconds, UTC", 1);
    } else if d.is_empty() {
        d.push_str("Unix seconds, UTC.");
    } else {
        d.push_str(" (Unix seconds, UTC.)");
    }
}

fn describe_times_in(schema: &mut RefOr<utoipa::openapi::schema::Schema>) {
    use utoipa::openapi::schema::Schema;
    if let RefOr::T(Schema::Object(obj)) = schema {
        for (name, prop) in obj.properties.iter_mut() {
            if is_timestamp(name)
                && let RefOr::T(Schema::Object(p)) = prop
            {
                describe_time(&mut p.description);
            }
        }
    }
}

fn request_id_header() -> utoipa::openapi::header::Header {
    utoipa::openapi::header::HeaderBuilder::new()
        .schema(utoipa::openapi::schema::ObjectBuilder::new().schema_type(utoipa::openapi::Type::String))
        .description(Some(
            "The request's id, also in a problem's `instance` (`urn:sekretess:request:<id>`) and in the audit log.",
        ))
        .build()
}

fn common_responses(doc: &mut utoipa::openapi::OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete]
            .into_iter()
            .flatten()
        {
            let public = is_public(op);
            if public {
                op.security = Some(Vec::new());
            }
            let json_body =
                op.request_body.as_ref().is_some_and(|b| b.content.contains_key("application/json"));
            let r = &mut op.responses.responses;
            if !public {
                for (status, description) in SECURED {
                    r.entry((*status).into()).or_insert_with(|| problem_response(description));
                }
            }
            if json_body {
                for (status, description) in JSON_BODY {
                    r.entry((*status).into()).or_insert_with(|| problem_response(description));
                }
            }
            r.entry("default".into()).or_insert_with(|| {
                problem_response(
                    "Any other problem: no such route (404 `route-not-found`), method not allowed (405 `method-not-allowed`), an internal error (500 `internal`, `integrity`)",
                )
            });
            for resp in r.values_mut() {
                if let RefOr::T(resp) = resp {
                    resp.headers
                        .entry(sekretess_api::REQUEST_ID_HEADER.into())
                        .or_insert_with(request_id_header);
                }
            }
        }
    }
    if let Some(components) = doc.components.as_mut() {
        components.schemas.values_mut().for_each(describe_times_in);
    }
}

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        common_responses(doc);
        if let Some(components) = doc.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some("API key (sk_<id>_<secret>) or employee session (sks_…)"))
                        .build(),
                ),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Sekretess API", version = "1", description = "Self-hosted customer-confidentiality vault. Errors are RFC 9457 problem documents (application/problem+json) whose `type` is urn:sekretess:problem:<kind>. Every response carries an `x-request-id` header. Times are Unix seconds, UTC. Customer codes are written like `K7Q4-M92D-J3XP` (dashes and case optional on input)."),
    servers((url = "https://127.0.0.1:8200", description = "`sekretess serve` on its default address (TLS only)")),
    paths(
        sys::health, sys::get_seal_status, sys::init, sys::unseal, sys::seal,
        crate::backup::create_backup, crate::backup::erasure_journal,
        crate::routes::keys::rekey, crate::routes::keys::rekey_confirm,
        crate::processes::list_processes, crate::metrics::metrics,
        groups::create_group, groups::list_groups, groups::lock_group, groups::unlock_group,
        crate::routes::keys::rotate_group_key, crate::routes::keys::rotate_audit_key,
        customers::schema,
        crate::routes::schema::group_schema, crate::routes::schema::add_field, crate::routes::schema::change_field,
        crate::routes::schema::offline_export,
        customers::create_customer, customers::create_customers, customers::get_customer, customers::update_customer,
        customers::erase_customer, customers::search,
        apikeys::create_api_key, apikeys::list_api_keys, apikeys::revoke_api_key, apikeys::bind_api_key,
        crate::routes::audit::list, crate::routes::audit::verify, crate::routes::audit::verify_checkpoint,
        crate::routes::audit::checkpoint, crate::routes::audit::export_key,
        crate::routes::redact::redact,
        crate::routes::documents::file_document, crate::routes::documents::list_documents,
        crate::routes::documents::get_document, crate::routes::documents::delete_document,
        people::login, people::logout, people::change_password,
        people::invite, people::bootstrap, people::enrol, people::list_employees,
        people::approve, people::suspend, people::reinstate, people::offboard,
        people::reissue_enrolment,
        people::grant, people::revoke_grant,
        people::get_policy, people::set_policy,
        people::publish_agreement, people::current_agreement, people::sign_agreement,
        people::agreement_status, people::reveal,
        crate::routes::approvals::list, crate::routes::approvals::approve, crate::routes::approvals::reject,
        crate::routes::tokens::tokenize, crate::routes::tokens::detokenize, crate::routes::tokens::revoke,
        crate::routes::retention::get_retention, crate::routes::retention::set_retention,
        crate::routes::retention::set_legal_hold, crate::routes::retention::due,
        crate::routes::retention::export,
    ),
    components(schemas(
        api::Problem, api::redact::DocumentReport, api::contract::ProblemType,
        // Schemas of query parameters (IntoParams does not collect them).
        api::contract::RedactOperator, api::contract::Uninspected, api::contract::ReportMode,
    )),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// The document as pretty JSON with a final newline (the form committed as `openapi.json`).
pub fn document() -> String {
    let mut s = ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}
