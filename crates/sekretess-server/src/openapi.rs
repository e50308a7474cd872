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

/// Every secured route can answer 401, 403 and 503 (sealed); every route 4xx for a bad
/// body. Added here once instead of on each handler.
fn common_responses(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let customers = path.starts_with("/v1/customers");
        for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete]
            .into_iter()
            .flatten()
        {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let r = &mut op.responses.responses;
            if secured {
                r.entry("401".into())
                    .or_insert_with(|| problem_response("missing, unknown or revoked API key or session"));
                r.entry("403".into())
                    .or_insert_with(|| problem_response("the key lacks the scope or the group"));
                r.entry("503".into()).or_insert_with(|| problem_response("the vault is sealed"));
            }
            if customers {
                r.entry("400".into())
                    .or_insert_with(|| problem_response("malformed customer code or wrong check symbol"));
                r.entry("404".into()).or_insert_with(|| problem_response("no such customer or group"));
                r.entry("422".into())
                    .or_insert_with(|| problem_response("a field value fails its type's rules"));
                r.entry("423".into()).or_insert_with(|| problem_response("the customer group is locked"));
            }
            if secured && op.request_body.is_some() {
                r.entry("404".into()).or_insert_with(|| problem_response("unknown customer group"));
            }
            if op.request_body.is_some() {
                r.entry("400".into()).or_insert_with(|| problem_response("malformed JSON"));
                r.entry("413".into()).or_insert_with(|| problem_response("body too large"));
                r.entry("415".into()).or_insert_with(|| problem_response("not application/json"));
                r.entry("422".into()).or_insert_with(|| {
                    problem_response("wrong types, unknown or missing members, invalid values")
                });
            }
        }
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
    info(title = "Sekretess API", version = "1", description = "Self-hosted customer-confidentiality vault. Errors are RFC 9457 problem documents (application/problem+json) whose `type` is urn:sekretess:problem:<kind>."),
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
    components(schemas(api::Problem, api::redact::DocumentReport)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// The document as pretty JSON with a final newline (the form committed as `openapi.json`).
pub fn document() -> String {
    let mut s = ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}
