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
