use reqwest::Method;
use sekretess_api::PROBLEM_JSON;

use crate::common::{TestServer, fields, kind};

/// Every data route, with a body where it takes one.
fn data_routes() -> Vec<(Method, &'static str, Option<&'static str>)> {
    vec![
        (Method::GET, "/v1/groups", None),
        (Method::POST, "/v1/groups", Some(r#"{"name":"retail"}"#)),
        (Method::POST, "/v1/groups/retail/lock", None),
        (Method::POST, "/v1/groups/retail/unlock", None),
        (Method::GET, "/v1/schema", None),
        (Method::POST, "/v1/customers", Some(r#"{"group":"retail","fields":{"full_name":"Ada"}}"#)),
        (Method::POST, "/v1/customers/batch", Some(r#"{"group":"retail","customers":[]}"#)),
        (
            Method::POST,
            "/v1/customers/search",
            Some(r#"{"group":"retail","field":"email","value":"a@b.se"}"#),
        ),
        (Method::GET, "/v1/customers/K7Q4-M92D-J3X8", None),
        (Method::PATCH, "/v1/customers/K7Q4-M92D-J3X8", Some(r#"{"fields":{}}"#)),
        (Method::DELETE, "/v1/customers/K7Q4-M92D-J3X8", None),
        (Method::GET, "/v1/apikeys", None),
        (Method::POST, "/v1/apikeys", Some(r#"{"name":"x","scopes":["customers:read"],"groups":["*"]}"#)),
        (Method::DELETE, "/v1/apikeys/abc", None),
    ]
}

async fn assert_all_sealed(client: &sekretess_client::Client) {
    for (method, path, body) in data_routes() {
        let resp = client
            .raw(method.clone(), path, body.map(|_| "application/json"), body.map(|b| b.as_bytes().to_vec()))
            .await
            .unwrap();
        assert_eq!(resp.status, 503, "{method} {path}");
        assert_eq!(resp.headers["content-type"], PROBLEM_JSON, "{method} {path}");
        let p: sekretess_api::Problem = serde_json::from_slice(&resp.body).unwrap();
        assert_eq!(p.kind(), "sealed", "{method} {path}");
        assert_eq!(p.status, 503);
    }
}

#[tokio::test]
async fn uninitialized_and_sealed_vaults_answer_503_on_every_data_route() {
    let ts = TestServer::start().await;
    let anon = ts.client(None);
    let h = anon.health().await.unwrap();
    assert!(!h.initialized && h.sealed);
    assert_all_sealed(&anon).await;

    let init = anon.init(2, 3).await.unwrap();
    assert_eq!(kind(anon.init(2, 3).await), "already-initialized");
    // Sealed after init, with or without a valid key.
    assert_all_sealed(&anon).await;
    assert_all_sealed(&ts.client(Some(&init.bootstrap_token))).await;
    let s = anon.seal_status().await.unwrap();
    assert!(s.initialized && s.sealed);
    assert_eq!((s.threshold, s.share_count, s.progress), (2, 3, 0));
}

#[tokio::test]
async fn unseal_one_share_per_call_with_progress_and_reset() {
    let r = TestServer::initialized().await;
    let anon = r.ts.client(None);

    let s = anon.unseal(&r.shares[1]).await.unwrap();
    assert!(s.sealed);
    assert_eq!(s.progress, 1);
    // The same share again is refused and progress is kept.
    assert_eq!(kind(anon.unseal(&r.shares[1]).await), "duplicate-share");
    assert_eq!(anon.seal_status().await.unwrap().progress, 1);

    let s = anon.unseal_reset().await.unwrap();
    assert_eq!((s.sealed, s.progress), (true, 0));

    // A damaged share is named as such and its text never comes back.
    let mut damaged = r.shares[0].clone().into_bytes();
    let last = damaged.len() - 1;
    damaged[last] = if damaged[last] == b'A' { b'B' } else { b'A' };
    let damaged = String::from_utf8(damaged).unwrap();
    let resp = anon
        .raw(
            Method::POST,
            "/v1/sys/unseal",
            Some("application/json"),
            Some(serde_json::to_vec(&serde_json::json!({ "share": damaged })).unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(resp.status, 400);
    let body = String::from_utf8(resp.body).unwrap();
    assert!(body.contains("invalid-share"), "{body}");
    assert!(!body.contains(&damaged[..20]));
    assert_eq!(anon.seal_status().await.unwrap().progress, 0);

    anon.unseal(&r.shares[2]).await.unwrap();
    let s = anon.unseal(&r.shares[0]).await.unwrap();
    assert!(!s.sealed);
    assert_eq!(kind(anon.unseal(&r.shares[1]).await), "already-unsealed");

    // Data routes answer; sealing needs a key with sys:seal, and brings 503 back.
    let admin = r.admin();
    admin.create_group("retail").await.unwrap();
    assert_eq!(kind(anon.seal().await), "unauthenticated");
    admin.seal().await.unwrap();
    assert_eq!(
        kind(admin.create_customer("retail", fields(&[("full_name", "Ada Lovelace")])).await),
        "sealed"
    );
    assert_eq!(kind(admin.list_groups().await), "sealed");
}
