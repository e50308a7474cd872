use crate::common::{TestServer, repo_root};

/// The committed `openapi.json` must equal what the code generates and what the server
/// serves. To regenerate: `SEKRETESS_UPDATE_OPENAPI=1 cargo test -p sekretess-server openapi`.
#[tokio::test]
async fn committed_openapi_matches_the_code() {
    let generated = sekretess_server::openapi::document();
    let path = repo_root().join("openapi.json");
    if std::env::var_os("SEKRETESS_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.json differs from the code; run SEKRETESS_UPDATE_OPENAPI=1 cargo test -p sekretess-server openapi"
    );
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));

    let ts = TestServer::start().await;
    let served = ts.client(None).raw(reqwest::Method::GET, "/v1/openapi.json", None, None).await.unwrap();
    assert_eq!(served.status, 200);
    assert_eq!(String::from_utf8(served.body).unwrap(), generated);
}

/// Deny by default: every documented route but the public ones refuses a call without
/// credentials (or answers 503 while sealed).
#[tokio::test]
async fn every_non_public_route_needs_credentials() {
    let r = TestServer::ready().await;
    let anon = r.ts.client(None);
    let doc: serde_json::Value = serde_json::from_str(&sekretess_server::openapi::document()).unwrap();
    let public = [
        "/v1/sys/health",
        "/v1/sys/seal-status",
        "/v1/sys/init",
        "/v1/sys/unseal",
        "/v1/auth/login",
        "/v1/employees/enrol",
    ];
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            if public.contains(&path.as_str()) {
                continue;
            }
            let concrete =
                path.replace("{name}", "retail").replace("{code}", "K7Q4-M92D-J3X8").replace("{id}", "x");
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let resp = anon.raw(m, &concrete, Some("application/json"), Some(b"{}".to_vec())).await.unwrap();
            assert_eq!(resp.status, 401, "{method} {path}");
            assert!(doc["paths"][path][method]["security"].is_array(), "{method} {path} documents no scope");
            checked += 1;
        }
    }
    assert!(checked >= 14, "only {checked} routes checked");
}
