//! The OpenAPI 3.1 document, generated from the code.

use sekretess_api as api;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
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
