//! Faults found by the security review (issue 15) that live in the API layer: group
//! addressing, key administration, the sealed state, the bootstrap key, schema drift.

use reqwest::Method;
use sekretess_api::CreateApiKey;
use sekretess_client::Client;
use serde_json::json;

use crate::common::{Ready, TestServer, fields, kind};

fn key(name: &str, scopes: &[&str], groups: &[&str]) -> CreateApiKey {
    CreateApiKey {
        name: name.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        groups: groups.iter().map(|s| s.to_string()).collect(),
    }
}

async fn call(c: &Client, method: Method, path: &str, body: Option<serde_json::Value>) -> u16 {
    let bytes = body.map(|b| serde_json::to_vec(&b).unwrap());
    let ct = bytes.as_ref().map(|_| "application/json");
    c.raw(method, path, ct, bytes).await.unwrap().status
}

/// Group names drawn from a fixed-seed generator over `[a-z0-9_-]`, ids among them.
fn candidate_names() -> Vec<String> {
    let alphabet: Vec<char> = "0123456789abcz-_".chars().collect();
    let mut state: u64 = 0x5eed_1234_abcd_0042;
    let mut next = || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let mut names: Vec<String> =
        ["1", "2", "3", "01", "1e3", "-1", "_2"].iter().map(|s| s.to_string()).collect();
    while names.len() < 40 {
        let len = 1 + next() % 4;
        names.push((0..len).map(|_| alphabet[next() % alphabet.len()]).collect());
    }
    names
}

/// Every operation a key limited to one group might try on another group `other`
/// (addressed by `target`, a name or an id), with a customer `code` of that group.
async fn try_reach(c: &Client, target: &str, code: &str) -> Vec<(String, u16)> {
    let mut out = vec![];
    let mut note = |what: &str, s: u16| out.push((what.to_owned(), s));
    note(
        "search",
        call(
            c,
            Method::POST,
            "/v1/customers/search",
            Some(json!({"group": target, "field": "email", "value": "x@example.com"})),
        )
        .await,
    );
    note(
        "create",
        call(
            c,
            Method::POST,
            "/v1/customers",
            Some(json!({"group": target, "fields": {"full_name": "Eve Evil"}})),
        )
        .await,
    );
    note(
        "batch",
        call(
            c,
            Method::POST,
            "/v1/customers/batch",
            Some(json!({"group": target, "customers": [{"fields": {"full_name": "Eve Evil"}}]})),
        )
        .await,
    );
    note("lock", call(c, Method::POST, &format!("/v1/groups/{target}/lock"), None).await);
    note("unlock", call(c, Method::POST, &format!("/v1/groups/{target}/unlock"), None).await);
    note("read", call(c, Method::GET, &format!("/v1/customers/{code}"), None).await);
    note(
        "update",
        call(c, Method::PATCH, &format!("/v1/customers/{code}"), Some(json!({"fields": {"notes": "x"}})))
            .await,
    );
    note("erase", call(c, Method::DELETE, &format!("/v1/customers/{code}"), None).await);
    out
}

#[tokio::test]
async fn fault1_group_names_never_stand_for_ids_and_no_key_reaches_another_group() {
    let r = TestServer::ready().await; // group `retail`, id 1
    let admin = r.admin();
    let mut groups = vec![("retail".to_owned(), 1u32)];
    for name in candidate_names() {
        let made = admin.create_group(&name).await;
        let starts_with_letter = name.as_bytes()[0].is_ascii_lowercase();
        match made {
            Ok(g) => {
                assert!(starts_with_letter, "{name:?} was accepted as a group name");
                groups.push((g.name, g.id));
            }
            Err(e) => {
                let k = kind::<()>(Err(e));
                assert!(!starts_with_letter || k == "group-exists", "{name:?} refused as {k}");
            }
        }
    }
    // Ids never address a group, even for a key that reaches every group.
    assert_eq!(kind(admin.set_group_locked("1", true).await), "unknown-group");
    assert_eq!(kind(admin.find("1", "email", "x@example.com").await), "unknown-group");
    // A key cannot be limited to something that is not a group name.
    for bad in ["1", "01", "-1"] {
        assert_eq!(
            kind(admin.create_api_key(&key("k", &["customers:read"], &[bad])).await),
            "invalid-group-name",
            "{bad}"
        );
    }

    // One customer and one fully scoped key per group (a handful, to stay quick).
    groups.truncate(5);
    assert!(groups.len() >= 3, "too few groups: {groups:?}");
    let scopes = ["customers:read", "customers:write", "customers:erase", "customers:find", "groups:admin"];
    let mut world = vec![];
    for (name, id) in &groups {
        let code = admin
            .create_customer(name, fields(&[("full_name", "Ada Lovelace"), ("email", "ada@example.com")]))
            .await
            .unwrap()
            .code;
        let k = admin.create_api_key(&key(&format!("k-{name}"), &scopes, &[name])).await.unwrap();
        world.push((name.clone(), *id, code, r.ts.client(Some(&k.token))));
    }
    for (mine, _, _, client) in &world {
        for (other, other_id, other_code, _) in &world {
            if other == mine {
                continue;
            }
            for target in [other.clone(), other_id.to_string()] {
                for (what, status) in try_reach(client, &target, other_code).await {
                    assert!(
                        status == 403 || status == 404,
                        "key of {mine} reached {other} by {target:?} ({what}): {status}"
                    );
                }
            }
        }
    }
    // Nothing happened to any group: unlocked, one customer each, each still readable.
    for (name, _, code, _) in &world {
        let g = admin.list_groups().await.unwrap().into_iter().find(|g| &g.name == name).unwrap();
        assert_eq!(g.state, "open", "{name}");
        assert_eq!(admin.find(name, "email", "ada@example.com").await.unwrap(), vec![code.clone()], "{name}");
        let c = admin.get_customer(code).await.unwrap();
        assert!(!c.fields.contains_key("notes"), "{name}");
    }
}

#[tokio::test]
async fn fault2_key_administrators_see_and_revoke_only_keys_within_their_reach() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    admin.create_group("wholesale").await.unwrap();
    let limited = admin
        .create_api_key(&key("wholesale-admin", &["apikeys:admin", "customers:read"], &["wholesale"]))
        .await
        .unwrap();
    let everywhere = admin.create_api_key(&key("everywhere", &["customers:read"], &["*"])).await.unwrap();
    let retail = admin.create_api_key(&key("retail-reader", &["customers:read"], &["retail"])).await.unwrap();
    let more = admin.create_api_key(&key("finder", &["customers:find"], &["wholesale"])).await.unwrap();
    let mine = admin.create_api_key(&key("wh-reader", &["customers:read"], &["wholesale"])).await.unwrap();
    let bootstrap_id =
        admin.list_api_keys().await.unwrap().into_iter().find(|k| k.name == "bootstrap").unwrap().id;

    let lim = r.ts.client(Some(&limited.token));
    let mut seen: Vec<String> = lim.list_api_keys().await.unwrap().into_iter().map(|k| k.name).collect();
    seen.sort();
    assert_eq!(seen, vec!["wh-reader".to_owned(), "wholesale-admin".to_owned()]);

    for other in [&everywhere.key.id, &retail.key.id, &more.key.id, &bootstrap_id] {
        assert_eq!(kind(lim.revoke_api_key(other).await), "unknown-api-key", "{other}");
    }
    // Those keys still work; the one within reach can be revoked.
    assert_eq!(kind(r.ts.client(Some(&everywhere.token)).list_groups().await), "forbidden");
    assert_eq!(admin.list_api_keys().await.unwrap().iter().filter(|k| k.revoked_at.is_some()).count(), 0);
    lim.revoke_api_key(&mine.key.id).await.unwrap();
    assert_eq!(kind(r.ts.client(Some(&mine.token)).list_groups().await), "unauthenticated");
    // The refusals are on record as denied.
    let denied = admin
        .audit(&sekretess_api::audit::AuditQuery {
            action: Some("apikey.revoke".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .entries
        .into_iter()
        .filter(|e| e.outcome == "denied")
        .count();
    assert_eq!(denied, 4);
}

#[tokio::test]
async fn fault9_a_sealed_vault_answers_503_on_metrics_processes_and_seal() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    assert_eq!(call(&admin, Method::GET, "/v1/sys/metrics", None).await, 200);
    admin.seal().await.unwrap();
    for (method, path) in
        [(Method::GET, "/v1/sys/metrics"), (Method::GET, "/v1/sys/processes"), (Method::POST, "/v1/sys/seal")]
    {
        for c in [&admin, &r.ts.client(None)] {
            let resp = c.raw(method.clone(), path, None, None).await.unwrap();
            assert_eq!(resp.status, 503, "{method} {path}");
            let p: sekretess_api::Problem = serde_json::from_slice(&resp.body).unwrap();
            assert_eq!(p.kind(), "sealed");
        }
    }
    // What stays open while sealed.
    let anon = r.ts.client(None);
    assert!(anon.health().await.unwrap().sealed);
    assert!(anon.seal_status().await.unwrap().sealed);
}

async fn bootstrap_live(r: &Ready) -> bool {
    r.ts.client(None).seal_status().await.unwrap().bootstrap_key_live
}

#[tokio::test]
async fn fault10_status_reports_the_bootstrap_key_while_it_lives() {
    let r = TestServer::ready().await;
    assert!(bootstrap_live(&r).await);
    let admin = r.admin();
    let bootstrap_id =
        admin.list_api_keys().await.unwrap().into_iter().find(|k| k.name == "bootstrap").unwrap().id;
    admin.revoke_api_key(&bootstrap_id).await.unwrap();
    assert!(!bootstrap_live(&r).await);
}

#[tokio::test]
async fn fault11_redact_answers_match_their_schema_for_any_json_value() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let doc: serde_json::Value = serde_json::from_str(&sekretess_server::openapi::document()).unwrap();
    let schemas = &doc["components"]["schemas"];
    // The `json` member takes and gives any JSON value, not only objects.
    for which in ["RedactRequest", "RedactResponse"] {
        let t = &schemas[which]["properties"]["json"];
        assert!(t.get("type").is_none_or(|t| t != "object"), "{which}.json is declared an object: {t}");
    }
    for value in [json!([null, null]), json!("Kortnr 4111 1111 1111 1111"), json!(42), json!({"a": [1]})] {
        let resp = admin
            .raw(
                Method::POST,
                "/v1/redact",
                Some("application/json"),
                Some(serde_json::to_vec(&json!({ "json": value })).unwrap()),
            )
            .await
            .unwrap();
        assert_eq!(resp.status, 200, "{value}");
        let body: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
        assert!(body["findings"].is_array());
        assert!(!String::from_utf8_lossy(&resp.body).contains("4111 1111 1111 1111"));
    }
    // Every status /v1/audit answers is documented.
    let documented = doc["paths"]["/v1/audit"]["get"]["responses"].as_object().unwrap();
    // (A from_seq past i64 made the handler panic: found by Schemathesis.)
    for (query, status) in
        [("?limit=abc", 422u16), ("?customer=nonsense", 400), ("?from_seq=9223372036854775808", 422)]
    {
        let got = call(&admin, Method::GET, &format!("/v1/audit{query}"), None).await;
        assert_eq!(got, status, "{query}");
        assert!(documented.contains_key(&status.to_string()), "{status} undocumented");
    }
}

#[test]
fn fault11_a_private_key_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let certs = sekretess_server::tls::generate_dev_certificate(dir.path(), 1_795_000_000).unwrap();
    sekretess_server::tls::server_config(&certs.cert, &certs.key).unwrap();
    std::fs::set_permissions(&certs.key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = sekretess_server::tls::server_config(&certs.cert, &certs.key).err().unwrap().to_string();
    assert!(err.contains("readable by others") && err.contains("chmod 600"), "{err}");
    assert!(!err.contains("PRIVATE KEY"), "{err}");
    // Readable by the group only: a warning, not a refusal.
    std::fs::set_permissions(&certs.key, std::fs::Permissions::from_mode(0o640)).unwrap();
    sekretess_server::tls::server_config(&certs.cert, &certs.key).unwrap();
}
