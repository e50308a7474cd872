use reqwest::Method;
use sekretess_api::CreateApiKey;

use crate::common::{TestServer, fields, kind};

fn key(name: &str, scopes: &[&str], groups: &[&str]) -> CreateApiKey {
    CreateApiKey {
        name: name.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        groups: groups.iter().map(|s| s.to_string()).collect(),
    }
}

#[tokio::test]
async fn missing_or_wrong_credentials_are_refused() {
    let r = TestServer::ready().await;
    assert_eq!(kind(r.ts.client(None).list_groups().await), "unauthenticated");
    let forged = format!("{}x", &r.token[..r.token.len() - 1]);
    assert_eq!(kind(r.ts.client(Some(&forged)).list_groups().await), "unauthenticated");
    assert_eq!(kind(r.ts.client(Some("sk_nope")).list_groups().await), "unauthenticated");
    let resp = r.ts.client(None).raw(Method::GET, "/v1/groups", None, None).await.unwrap();
    assert_eq!(resp.status, 401);
    assert_eq!(resp.headers["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn revoked_api_key_is_refused() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let made =
        admin.create_api_key(&key("etl", &["customers:read", "customers:write"], &["retail"])).await.unwrap();
    assert!(made.token.starts_with("sk_"));
    let etl = r.ts.client(Some(&made.token));
    let created = etl.create_customer("retail", fields(&[("full_name", "Ada Lovelace")])).await.unwrap();
    etl.get_customer(&created.code).await.unwrap();

    let listed = admin.list_api_keys().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(!serde_json::to_string(&listed).unwrap().contains(&made.token[20..]));

    admin.revoke_api_key(&made.key.id).await.unwrap();
    assert_eq!(kind(etl.get_customer(&created.code).await), "unauthenticated");
    assert_eq!(kind(admin.revoke_api_key(&made.key.id).await), "unknown-api-key");
    let listed = admin.list_api_keys().await.unwrap();
    assert!(listed.iter().any(|k| k.id == made.key.id && k.revoked_at.is_some()));
}

#[tokio::test]
async fn scopes_and_groups_limit_a_key() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    admin.create_group("private").await.unwrap();
    let secret = admin.create_customer("private", fields(&[("full_name", "Greta Garbo")])).await.unwrap();

    let reader = admin.create_api_key(&key("reader", &["customers:read"], &["retail"])).await.unwrap();
    let reader = r.ts.client(Some(&reader.token));
    assert_eq!(kind(reader.create_customer("retail", fields(&[("full_name", "X Y")])).await), "forbidden");
    assert_eq!(kind(reader.list_api_keys().await), "forbidden");
    assert_eq!(kind(reader.seal().await), "forbidden");
    // Another group's customer is as good as absent.
    assert_eq!(kind(reader.get_customer(&secret.code).await), "customer-not-found");

    let writer =
        admin.create_api_key(&key("w", &["customers:write", "apikeys:admin"], &["retail"])).await.unwrap();
    let writer = r.ts.client(Some(&writer.token));
    assert_eq!(
        kind(writer.create_customer("private", fields(&[("full_name", "X Y")])).await),
        "group-forbidden"
    );
    // A key cannot mint a key with more than it has.
    assert_eq!(kind(writer.create_api_key(&key("x", &["customers:erase"], &["retail"])).await), "forbidden");
    assert_eq!(kind(writer.create_api_key(&key("x", &["customers:write"], &["*"])).await), "group-forbidden");
    assert_eq!(kind(admin.create_api_key(&key("x", &["nope"], &["*"])).await), "invalid-access-request");
}

/// Rate limits (issue 21 item 5): a source past its authentication failures gets 429 with
/// Retry-After, valid credentials included, until its bucket refills; reveals are limited
/// per caller; refusals are counted in the metrics. Time is the test clock's.
#[tokio::test]
async fn rate_limits_answer_429_with_retry_after_then_refill() {
    use sekretess_api::people::RevealRequest;
    use sekretess_server::Limits;
    use sekretess_server::ratelimit::{Rate, RateLimitConfig};
    let rate = RateLimitConfig {
        auth_failures: Rate { per_minute: 6, burst: 3 },
        reveals: Rate { per_minute: 60, burst: 2 },
    };
    let r = TestServer::ready_with(Limits { rate, ..Limits::default() }).await;
    let admin = r.admin();
    let code = admin.create_customer("retail", fields(&[("email", "ada@example.com")])).await.unwrap().code;

    let guesser = r.ts.client(Some("sk_0000000000000_wrong"));
    for _ in 0..3 {
        assert_eq!(guesser.raw(Method::GET, "/v1/groups", None, None).await.unwrap().status, 401);
    }
    let limited = guesser.raw(Method::GET, "/v1/groups", None, None).await.unwrap();
    assert_eq!(limited.status, 429);
    assert_eq!(limited.headers["retry-after"], "10", "6 a minute: one every 10 s");
    assert!(String::from_utf8_lossy(&limited.body).contains("rate-limited"));
    // The source is not heard at all, a valid key included, until the bucket refills.
    assert_eq!(kind(admin.list_groups().await), "rate-limited");
    r.ts.clock.advance(10);
    assert!(admin.list_groups().await.is_ok());

    let ask = RevealRequest { fields: vec!["email".into()], purpose: Some("customer_request".into()) };
    for _ in 0..2 {
        assert_eq!(admin.reveal(&code, &ask).await.map(|v| v.fields.len()).unwrap(), 1);
    }
    let refused = admin.reveal(&code, &ask).await.map(drop);
    assert_eq!(kind(refused), "rate-limited");
    r.ts.clock.advance(1);
    assert!(admin.reveal(&code, &ask).await.is_ok());

    let metrics = admin.raw(Method::GET, "/v1/sys/metrics", None, None).await.unwrap();
    let text = String::from_utf8_lossy(&metrics.body);
    assert!(text.contains("sekretess_rate_limited_total{kind=\"auth\"} 2"), "{text}");
    assert!(text.contains("sekretess_rate_limited_total{kind=\"reveal\"} 1"), "{text}");
}
