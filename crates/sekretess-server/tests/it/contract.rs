//! The OpenAPI document as a contract generated clients can trust: every route of the
//! server's route table is documented with every status its handler can answer, and the
//! document names its closed sets of values, its public operations, its headers and its
//! examples truthfully.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use reqwest::Method;
use serde_json::Value;

use crate::common::{TestServer, repo_root};

/// Statuses of the authentication layers (`auth::authenticate`, `unsealed_only`, the
/// extractors that check scope, role, group and agreement).
const AUTH: u8 = 1;
/// Statuses of a JSON body (`ApiJson` and the body limits).
const JSON: u8 = 2;
const AUTH_STATUSES: &[u16] = &[401, 403, 429, 503];
const JSON_STATUSES: &[u16] = &[400, 413, 415, 422];

/// What each route's handler can answer, besides the layers' statuses (`AUTH`, `JSON`).
/// Written from the handlers and the problem mapping (`problem/`); a new route gets a
/// line here (the test's message says which).
#[rustfmt::skip]
const OUTCOMES: &[(&str, &str, u8, &[u16])] = &[
    ("GET", "/v1/sys/health", 0, &[200]),
    ("GET", "/v1/sys/seal-status", 0, &[200]),
    ("POST", "/v1/sys/init", JSON, &[200, 400, 409]),
    ("POST", "/v1/sys/unseal", JSON, &[200, 400, 409]),
    ("POST", "/v1/sys/seal", AUTH, &[204]),
    ("POST", "/v1/sys/rekey", AUTH | JSON, &[200, 400, 409]),
    ("POST", "/v1/sys/rekey/confirm", AUTH | JSON, &[200, 400, 409]),
    ("GET", "/v1/sys/processes", AUTH, &[200]),
    ("GET", "/v1/sys/metrics", AUTH, &[200]),
    ("POST", "/v1/sys/backup", AUTH, &[200, 422]),
    ("POST", "/v1/sys/backup/erasures", AUTH, &[200]),
    ("POST", "/v1/groups", AUTH | JSON, &[201, 400, 409]),
    ("GET", "/v1/groups", AUTH, &[200]),
    ("POST", "/v1/groups/{name}/lock", AUTH, &[200, 404]),
    ("POST", "/v1/groups/{name}/unlock", AUTH, &[200, 202, 404]),
    ("POST", "/v1/groups/{name}/rotate-key", AUTH, &[200, 404, 423]),
    ("GET", "/v1/schema", AUTH, &[200]),
    ("POST", "/v1/customers", AUTH | JSON, &[201, 404, 409, 422, 423]),
    ("POST", "/v1/customers/batch", AUTH | JSON, &[200, 404, 413, 423]),
    ("POST", "/v1/customers/search", AUTH | JSON, &[200, 404, 422, 423]),
    ("GET", "/v1/customers/{code}", AUTH, &[200, 400, 404, 410, 422, 423]),
    ("PATCH", "/v1/customers/{code}", AUTH | JSON, &[204, 400, 404, 409, 410, 412, 422, 423]),
    ("DELETE", "/v1/customers/{code}", AUTH, &[204, 400, 404, 410, 423]),
    ("POST", "/v1/customers/{code}/reveal", AUTH | JSON, &[200, 400, 403, 404, 410, 422, 423, 429]),
    ("POST", "/v1/apikeys", AUTH | JSON, &[201, 202, 400, 403]),
    ("GET", "/v1/apikeys", AUTH, &[200]),
    ("DELETE", "/v1/apikeys/{id}", AUTH, &[204, 404]),
    ("GET", "/v1/audit", AUTH, &[200, 400, 422]),
    ("GET", "/v1/audit/verify", AUTH, &[200]),
    ("POST", "/v1/audit/verify", AUTH | JSON, &[200, 400]),
    ("POST", "/v1/audit/key", AUTH, &[200, 403]),
    ("GET", "/v1/audit/checkpoint", AUTH, &[200]),
    ("POST", "/v1/audit/rotate-key", AUTH, &[200]),
    ("POST", "/v1/redact", AUTH | JSON, &[200, 403, 404, 413, 422]),
    ("POST", "/v1/documents", AUTH, &[201, 400, 403, 404, 413, 422, 423]),
    ("GET", "/v1/documents", AUTH, &[200, 400, 422]),
    ("GET", "/v1/documents/{id}", AUTH, &[200, 404]),
    ("DELETE", "/v1/documents/{id}", AUTH, &[204, 404]),
    ("POST", "/v1/auth/login", JSON, &[200, 401, 403, 503]),
    ("POST", "/v1/employees/enrol", JSON, &[200, 400, 422, 503]),
    ("POST", "/v1/auth/logout", AUTH, &[204]),
    ("POST", "/v1/auth/password", AUTH | JSON, &[204, 403, 422]),
    ("POST", "/v1/employees", AUTH | JSON, &[201, 409, 422]),
    ("GET", "/v1/employees", AUTH, &[200]),
    ("POST", "/v1/employees/bootstrap", AUTH | JSON, &[201, 409, 422]),
    ("POST", "/v1/employees/{id}/approve", AUTH, &[204, 403, 404, 409]),
    ("POST", "/v1/employees/{id}/suspend", AUTH, &[204, 403, 404, 409]),
    ("POST", "/v1/employees/{id}/reinstate", AUTH, &[204, 403, 404, 409]),
    ("POST", "/v1/employees/{id}/offboard", AUTH, &[204, 403, 404, 409]),
    ("POST", "/v1/employees/{id}/enrolment", AUTH, &[201, 404, 409]),
    ("POST", "/v1/employees/{id}/grants", AUTH | JSON, &[204, 404, 409]),
    ("DELETE", "/v1/employees/{id}/grants/{group}", AUTH, &[204, 404]),
    ("GET", "/v1/policy", AUTH, &[200]),
    ("PUT", "/v1/policy", AUTH | JSON, &[202, 422]),
    ("POST", "/v1/agreements", AUTH | JSON, &[202, 422]),
    ("GET", "/v1/agreements/current", AUTH, &[200, 404]),
    ("POST", "/v1/agreements/sign", AUTH | JSON, &[204, 403, 404, 409]),
    ("GET", "/v1/agreements/status", AUTH, &[200]),
    ("GET", "/v1/approvals", AUTH, &[200]),
    ("POST", "/v1/approvals/{id}/approve", AUTH, &[200, 403, 404, 409]),
    ("POST", "/v1/approvals/{id}/reject", AUTH, &[200, 404, 409]),
    ("POST", "/v1/apikeys/{id}/bind", AUTH | JSON, &[204, 400, 404]),
    ("GET", "/v1/customers/{code}/retention", AUTH, &[200, 400, 404, 410]),
    ("PUT", "/v1/customers/{code}/retention", AUTH | JSON, &[204, 400, 404, 410]),
    ("PUT", "/v1/customers/{code}/legal-hold", AUTH | JSON, &[204, 400, 404, 410]),
    ("GET", "/v1/groups/{name}/retention/due", AUTH, &[200, 404, 423]),
    ("GET", "/v1/customers/{code}/export", AUTH, &[200, 400, 404, 410]),
    ("GET", "/v1/groups/{name}/schema", AUTH, &[200, 404]),
    ("POST", "/v1/groups/{name}/schema/fields", AUTH | JSON, &[200, 404, 422, 423]),
    ("PATCH", "/v1/groups/{name}/schema/fields/{field}", AUTH | JSON, &[200, 404, 409, 422, 423]),
    ("POST", "/v1/offline/export", AUTH | JSON, &[200, 404, 422]),
    ("POST", "/v1/tokenize", AUTH | JSON, &[200, 404, 422, 423]),
    ("POST", "/v1/detokenize", AUTH | JSON, &[200, 400, 403, 404, 422, 423, 429]),
    ("POST", "/v1/tokens/revoke", AUTH | JSON, &[200, 404, 422, 423]),
];

/// Routes served but not part of the API document (no line in `OUTCOMES` either).
const UNDOCUMENTED: &[(&str, &str)] = &[("GET", "/v1/openapi.json"), ("GET", "/favicon.ico")];

/// The web console's pages (HTML, not the JSON API) are under this prefix.
const CONSOLE: &str = "/ui";

/// Every `.route("<path>", <method>(…)…)` of the server's source (tests excluded): the
/// route table as the routers build it.
fn route_table() -> BTreeSet<(String, String)> {
    let mut files = Vec::new();
    collect_rs(&repo_root().join("crates/sekretess-server/src"), &mut files);
    let mut routes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        let mut at = 0;
        while let Some(i) = text[at..].find(".route(") {
            let open = at + i + ".route".len();
            let close = matching_paren(text, open);
            let args = &text[open + 1..close];
            let path = args
                .split('"')
                .nth(1)
                .unwrap_or_else(|| panic!("{}: .route( without a path", file.display()));
            let methods = methods_in(args);
            assert!(!methods.is_empty(), "{}: no method found for {path}", file.display());
            for m in methods {
                routes.insert((m.to_owned(), path.to_owned()));
            }
            at = close;
        }
    }
    routes
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_rs(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn matching_paren(text: &str, open: usize) -> usize {
    let (mut depth, mut in_str) = (0usize, false);
    let bytes = text.as_bytes();
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'(' if !in_str => depth += 1,
            b')' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    panic!("unbalanced parentheses")
}

/// The axum method routers named in a `.route(...)`'s arguments: `get(`, `.post(` ...
fn methods_in(args: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for (name, method) in
        [("get", "GET"), ("post", "POST"), ("put", "PUT"), ("patch", "PATCH"), ("delete", "DELETE")]
    {
        let needle = format!("{name}(");
        let hit = args.match_indices(&needle).any(|(i, _)| {
            i == 0 || !args.as_bytes()[i - 1].is_ascii_alphanumeric() && args.as_bytes()[i - 1] != b'_'
        });
        if hit {
            found.push(method);
        }
    }
    found
}

fn document() -> Value {
    serde_json::from_str(&sekretess_server::openapi::document()).unwrap()
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((method.to_uppercase(), path.clone(), op));
        }
    }
    ops
}

/// For every route of the route table, every status its handler can answer is in the
/// document. The failure lists each missing thing with what to add, so that routes added
/// on other branches can be filled in after a merge.
#[tokio::test]
async fn every_route_documents_every_status_its_handler_answers() {
    let routes = route_table();
    assert!(routes.len() >= 50, "only {} routes found in the source: the parser is broken", routes.len());
    let doc = document();
    let table: BTreeMap<(&str, &str), (u8, &[u16])> =
        OUTCOMES.iter().map(|&(m, p, f, s)| ((m, p), (f, s))).collect();
    assert_eq!(table.len(), OUTCOMES.len(), "a route is twice in OUTCOMES");
    let mut missing = Vec::new();
    for (method, path) in &routes {
        if UNDOCUMENTED.contains(&(method.as_str(), path.as_str())) || path.starts_with(CONSOLE) {
            continue;
        }
        let Some(&(flags, statuses)) = table.get(&(method.as_str(), path.as_str())) else {
            missing.push(format!(
                "route {method} {path} is not in OUTCOMES (crates/sekretess-server/tests/it/contract.rs): add \
                 (\"{method}\", \"{path}\", AUTH | JSON, &[<every status its handler answers>]), keeping AUTH \
                 for a route behind auth::authenticate and JSON for one with a JSON body (or, for a route \
                 that is not part of the JSON API, such as a console page, add it to UNDOCUMENTED)"
            ));
            continue;
        };
        let op = &doc["paths"][path][method.to_lowercase()];
        if op.is_null() {
            missing.push(format!(
                "route {method} {path} is not in the OpenAPI document: give its handler a #[utoipa::path] and \
                 add it to paths(...) in crates/sekretess-server/src/openapi.rs"
            ));
            continue;
        }
        let mut all: Vec<u16> = statuses.to_vec();
        if flags & AUTH != 0 {
            all.extend(AUTH_STATUSES);
            assert!(
                op["security"].as_array().is_some_and(|s| !s.is_empty()),
                "{method} {path} names no scope"
            );
        }
        if flags & JSON != 0 {
            all.extend(JSON_STATUSES);
        }
        for status in all {
            if op["responses"][status.to_string()].is_null() {
                missing.push(format!(
                    "{method} {path} can answer {status} but the document does not say so: add (status = \
                     {status}, description = \"…\", body = sekretess_api::Problem, content_type = \
                     \"application/problem+json\") to its handler's #[utoipa::path] responses"
                ));
            }
        }
    }
    for &(m, p, _, _) in OUTCOMES {
        if !routes.contains(&(m.to_owned(), p.to_owned())) {
            missing
                .push(format!("OUTCOMES names {m} {p}, which the router does not serve: remove that line"));
        }
    }
    for (m, p, _) in operations(&doc) {
        if !routes.contains(&(m.clone(), p.clone())) {
            missing.push(format!("the document has {m} {p}, which no .route(...) in the source serves"));
        }
    }
    assert!(missing.is_empty(), "{} problems:\n{}", missing.len(), missing.join("\n"));

    // The route table read from the source is the one the server serves: no route of it
    // answers "no such route" or "method not allowed" (a refusal of credentials, or a
    // problem of the request, are fine).
    let r = TestServer::ready().await;
    let anon = r.ts.client(None);
    for (method, path) in &routes {
        let concrete =
            path.replace("{name}", "retail").replace("{code}", "K7Q4-M92D-J3XP").replace("{group}", "retail");
        let concrete = concrete.replace("{id}", "1");
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let resp = anon.raw(m, &concrete, Some("application/json"), Some(b"{}".to_vec())).await.unwrap();
        let kind = serde_json::from_slice::<Value>(&resp.body)
            .ok()
            .and_then(|b| b["type"].as_str().map(str::to_owned));
        assert!(
            resp.status != 405 && kind.as_deref() != Some("urn:sekretess:problem:route-not-found"),
            "{method} {path}: {} {kind:?}",
            resp.status
        );
    }
}

/// The document's promises to generated clients, checked one by one.
#[test]
fn document_is_a_contract_generated_clients_can_trust() {
    let doc = document();
    let mut problems = Vec::new();

    // `servers`, and `security: []` on exactly the public operations.
    assert!(doc["servers"].as_array().is_some_and(|s| !s.is_empty()), "no servers");
    let public = [
        "/v1/sys/health",
        "/v1/sys/seal-status",
        "/v1/sys/init",
        "/v1/sys/unseal",
        "/v1/auth/login",
        "/v1/employees/enrol",
    ];
    let mut ids = BTreeSet::new();
    for (method, path, op) in operations(&doc) {
        let security = op["security"].as_array();
        if public.contains(&path.as_str()) {
            if security.is_none_or(|s| !s.is_empty()) {
                problems.push(format!("{method} {path} is public but lacks security: []"));
            }
        } else if security.is_none_or(|s| s.is_empty()) {
            problems.push(format!("{method} {path} names no security requirement"));
        }
        // operationIds: unique, snake_case, verb and object (no bare `list`, `verify`).
        let id = op["operationId"].as_str().unwrap_or_default();
        if !id.contains('_') || !id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            problems.push(format!("{method} {path}: operationId {id:?} is not verb_object snake_case"));
        }
        if !ids.insert(id.to_owned()) {
            problems.push(format!("operationId {id} is used twice"));
        }
        // Every response is described, carries x-request-id, and every error is a problem.
        for (status, resp) in op["responses"].as_object().unwrap() {
            if resp["description"].as_str().is_none_or(|d| d.trim().is_empty()) {
                problems.push(format!("{method} {path} {status}: empty description"));
            }
            if resp["headers"]["x-request-id"].is_null() {
                problems.push(format!("{method} {path} {status}: x-request-id not documented"));
            }
            let is_error = status == "default" || status.starts_with('4') || status.starts_with('5');
            if is_error && resp["content"]["application/problem+json"].is_null() {
                problems.push(format!("{method} {path} {status}: not a problem document"));
            }
        }
        if op["responses"]["default"].is_null() {
            problems.push(format!("{method} {path}: no default problem response (404/405/500)"));
        }
    }

    // Closed sets of values are enums, with the values the core knows.
    let schemas = &doc["components"]["schemas"];
    let enum_of = |name: &str| -> Vec<String> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not an enum"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    use sekretess_core::audit::Outcome;
    use sekretess_core::people::EmployeeState;
    use sekretess_core::policy::{Decision, Role};
    use sekretess_core::schema::{FieldType, Sensitivity};
    let names = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(enum_of("PolicyRole"), names(Role::ALL.iter().map(|r| r.as_str()).collect()));
    assert_eq!(enum_of("EmployeeRole"), names(Role::EMPLOYEE.iter().map(|r| r.as_str()).collect()));
    assert_eq!(enum_of("PolicyDecision"), names(Decision::ALL.iter().map(|d| d.as_str()).collect()));
    let sensitivities = [Sensitivity::Internal, Sensitivity::Confidential, Sensitivity::Restricted];
    assert_eq!(enum_of("Sensitivity"), names(sensitivities.iter().map(|s| s.as_str()).collect()));
    assert_eq!(enum_of("FieldType"), names(FieldType::ALL.iter().map(|t| t.as_str()).collect()));
    assert_eq!(enum_of("EmployeeState"), names(EmployeeState::ALL.iter().map(|s| s.as_str()).collect()));
    let outcomes = [Outcome::Success, Outcome::Denied, Outcome::Failed, Outcome::Attempted];
    assert_eq!(enum_of("AuditOutcome"), names(outcomes.iter().map(|o| o.as_str()).collect()));
    assert!(!enum_of("RedactOperator").contains(&"hash".to_owned()), "the server refuses operator hash");
    for (schema, member, target) in [
        ("Problem", "type", "ProblemType"),
        ("Group", "state", "GroupState"),
        ("SchemaField", "sensitivity", "Sensitivity"),
        ("SchemaField", "type", "FieldType"),
        ("AuditEntry", "outcome", "AuditOutcome"),
        ("AuditVerification", "status", "VerificationStatus"),
        ("PolicyRule", "role", "PolicyRole"),
        ("PolicyRule", "decision", "PolicyDecision"),
        ("Employee", "state", "EmployeeState"),
    ] {
        let text = schemas[schema]["properties"][member].to_string();
        if !text.contains(&format!("#/components/schemas/{target}")) {
            problems.push(format!("{schema}.{member} is not a {target}: {text}"));
        }
    }
    for (schema, member, target) in
        [("RedactRequest", "operator", "RedactOperator"), ("RedactRequest", "format", "RedactFormat")]
    {
        let text = schemas[schema]["properties"][member].to_string();
        if !text.contains(&format!("#/components/schemas/{target}")) {
            problems.push(format!("{schema}.{member} is not a {target}: {text}"));
        }
    }

    // Batch results: one of two shapes, each with its one required member.
    let results = schemas["BatchResponse"]["properties"]["results"]["items"].to_string();
    assert!(results.contains("BatchOutcome"), "{results}");
    let one_of = schemas["BatchOutcome"]["oneOf"].as_array().expect("BatchOutcome is a oneOf");
    assert_eq!(one_of.len(), 2);
    assert_eq!(schemas["BatchCreated"]["required"], serde_json::json!(["code"]));
    assert_eq!(schemas["BatchFailed"]["required"], serde_json::json!(["problem"]));

    // A reveal needs a purpose: required, not nullable.
    let reveal = &schemas["RevealRequest"];
    assert!(reveal["required"].as_array().unwrap().contains(&serde_json::json!("purpose")), "{reveal}");
    assert_eq!(reveal["properties"]["purpose"]["type"], "string", "{reveal}");
    let get = &doc["paths"]["/v1/customers/{code}"]["get"]["parameters"];
    let purpose = get.as_array().unwrap().iter().find(|p| p["name"] == "x-sekretess-purpose").unwrap();
    assert_eq!(purpose["schema"]["type"], "string", "{purpose}");

    // `json` of a redaction is any JSON value (no `type`), not an object.
    for schema in ["RedactRequest", "RedactResponse"] {
        let json = &schemas[schema]["properties"]["json"];
        assert!(json.get("type").is_none() && json.get("$ref").is_none(), "{schema}.json: {json}");
    }

    // Defaults and maximums.
    let audit = doc["paths"]["/v1/audit"]["get"]["parameters"].as_array().unwrap();
    let limit = audit.iter().find(|p| p["name"] == "limit").unwrap();
    assert_eq!(
        (limit["schema"]["default"].as_u64(), limit["schema"]["maximum"].as_u64()),
        (Some(100), Some(1000))
    );
    assert_eq!(schemas["CreateCustomers"]["properties"]["customers"]["maxItems"], 1000);
    let mc = &schemas["RedactRequest"]["properties"]["min_confidence"];
    assert_eq!((mc["default"].as_f64(), mc["maximum"].as_f64()), (Some(0.5), Some(1.0)), "{mc}");

    // Every member holding a time says it is Unix seconds, UTC.
    for (name, schema) in schemas.as_object().unwrap() {
        for (member, prop) in schema["properties"].as_object().into_iter().flatten() {
            let integer = prop["type"] == "integer" || prop["type"].to_string().contains("integer");
            let timeish = member.ends_with("_at")
                || member.ends_with("_until")
                || member == "time"
                || member == "last_seen";
            if integer
                && timeish
                && !prop["description"].as_str().is_some_and(|d| d.contains("Unix seconds, UTC"))
            {
                problems.push(format!("{name}.{member} is not described as Unix seconds, UTC"));
            }
        }
    }

    // Every customer code the document shows passes its own check character.
    let text = doc.to_string();
    let bytes = text.as_bytes();
    let mut codes = 0;
    for i in 0..bytes.len().saturating_sub(14) {
        let w = &bytes[i..i + 14];
        let shaped = w.iter().enumerate().all(|(j, b)| {
            if j == 4 || j == 9 { *b == b'-' } else { b.is_ascii_uppercase() || b.is_ascii_digit() }
        });
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && !bytes.get(i + 14).is_some_and(u8::is_ascii_alphanumeric);
        if shaped && bounded {
            codes += 1;
            let code = std::str::from_utf8(w).unwrap();
            if sekretess_core::CustomerCode::parse(code).is_err() {
                problems.push(format!("example customer code {code} fails its check character"));
            }
        }
    }
    assert!(codes >= 3, "only {codes} example codes found");

    // Every reference resolves (query parameters' schemas are not collected by themselves).
    for piece in text.split("\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().unwrap();
        if schemas[name].is_null() {
            problems.push(format!("#/components/schemas/{name} is referenced but not in components"));
        }
    }

    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// Every problem kind the server's source can answer is in the `ProblemType` enum.
#[test]
fn every_problem_kind_is_in_the_problem_type_enum() {
    let mut files = Vec::new();
    collect_rs(&repo_root().join("crates/sekretess-server/src"), &mut files);
    // The console answers HTML pages, not problem documents.
    files.retain(|f| !f.components().any(|c| c.as_os_str() == "console"));
    let known: BTreeSet<&str> = sekretess_api::contract::PROBLEM_KINDS.iter().copied().collect();
    let mut found = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        // `(S::STATUS, "kind", ...`, `kind: "kind"`, `const KIND: &str = "kind"`, `("kind", format!`
        let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(");
        for marker in ["StatusCode::", "S::"] {
            for piece in squeezed.split(marker).skip(1) {
                if let Some((status, rest)) = piece.split_once(", \"")
                    && status.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
                {
                    found.insert(rest.split('"').next().unwrap().to_owned());
                }
            }
        }
        for marker in ["kind: \"", "KIND: &str = \"", "(\""] {
            for piece in squeezed.split(marker).skip(1) {
                let kind = piece.split('"').next().unwrap();
                let after = &piece[kind.len()..];
                let is_kind = kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                    && kind.contains('-')
                    && (marker != "(\""
                        || after.starts_with("\", format!")
                        || after.starts_with("\", \"the body"));
                if is_kind {
                    found.insert(kind.to_owned());
                }
            }
        }
    }
    assert!(found.len() >= 70, "only {} kinds found in the source: the scan is broken", found.len());
    let missing: Vec<_> = found.iter().filter(|k| !known.contains(k.as_str())).collect();
    assert!(
        missing.is_empty(),
        "problem kinds the server answers but sekretess_api::contract::PROBLEM_KINDS lacks (append them): {missing:?}"
    );
    let doc = document();
    let values = doc["components"]["schemas"]["ProblemType"]["enum"].as_array().unwrap();
    assert_eq!(values.len(), known.len());
    assert!(values.iter().all(|v| v.as_str().unwrap().starts_with(sekretess_api::PROBLEM_TYPE_PREFIX)));
}

/// The redaction enums are what the server takes: every documented operator and format is
/// accepted, and `hash` (the CLI's keyed operator) is refused, as the document says.
#[tokio::test]
async fn redaction_enums_match_what_the_server_takes() {
    let doc = document();
    let values = |name: &str| -> Vec<String> {
        doc["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let r = TestServer::ready().await;
    let admin = r.admin();
    let post = |body: Value| {
        let admin = admin.clone();
        async move {
            let resp = admin
                .raw(
                    Method::POST,
                    "/v1/redact",
                    Some("application/json"),
                    Some(body.to_string().into_bytes()),
                )
                .await
                .unwrap();
            (resp.status, String::from_utf8_lossy(&resp.body).into_owned())
        }
    };
    for op in values("RedactOperator") {
        // `token` puts tokens of one group in the document: it needs the group.
        let group = if op == "token" { Some("retail") } else { None };
        let (status, body) =
            post(serde_json::json!({"content": "mail ada@example.com", "operator": op, "group": group}))
                .await;
        assert_eq!(status, 200, "operator {op}: {body}");
    }
    for format in values("RedactFormat") {
        let (status, body) = post(serde_json::json!({"content": "{\"a\": 1}", "format": format})).await;
        assert_eq!(status, 200, "format {format}: {body}");
    }
    let (status, body) =
        post(serde_json::json!({"content": "mail ada@example.com", "operator": "hash"})).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("urn:sekretess:problem:invalid-redact-request"), "{body}");
    // `json` takes any JSON value, and answers one of the same kind.
    for json in [
        serde_json::json!(["ada@example.com", 1]),
        serde_json::json!("ada@example.com"),
        serde_json::json!(7),
    ] {
        let (status, body) = post(serde_json::json!({ "json": json })).await;
        assert_eq!(status, 200, "{json}: {body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            std::mem::discriminant(&answer["json"]),
            std::mem::discriminant(&json),
            "{json} answered as {}",
            answer["json"]
        );
    }
}
