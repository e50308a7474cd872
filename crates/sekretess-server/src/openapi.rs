//! The OpenAPI 3.1 document, generated from the code.

use sekretess_api as api;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::routes;

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
    for item in doc.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete]
            .into_iter()
            .flatten()
        {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let r = &mut op.responses.responses;
            if secured {
                r.entry("401".into())
                    .or_insert_with(|| problem_response("missing, unknown or revoked API key"));
                r.entry("403".into())
                    .or_insert_with(|| problem_response("the key lacks the scope or the group"));
                r.entry("503".into()).or_insert_with(|| problem_response("the vault is sealed"));
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
                        .description(Some("API key: sk_<id>_<secret>"))
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
        routes::health, routes::get_seal_status, routes::init, routes::unseal, routes::seal,
        crate::processes::list_processes,
        routes::create_group, routes::list_groups, routes::lock_group, routes::unlock_group,
        routes::schema,
        routes::create_customer, routes::create_customers, routes::get_customer, routes::update_customer,
        routes::erase_customer, routes::search,
        routes::create_api_key, routes::list_api_keys, routes::revoke_api_key,
    ),
    components(schemas(api::Problem)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// The document as pretty JSON with a final newline (the form committed as `openapi.json`).
pub fn document() -> String {
    let mut s = ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}
