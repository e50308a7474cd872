//! Bad input: each a 4xx problem document that names the problem and holds no submitted
//! value, and the server keeps serving.

use reqwest::Method;
use sekretess_api::{PROBLEM_JSON, Problem};

use crate::common::{Ready, TestServer, fields};

/// A marker that must never come back in an answer.
const SECRET: &str = "Zebulon-8412-Quixotic";

async fn send(
    r: &Ready,
    method: Method,
    path: &str,
    ct: Option<&str>,
    body: Vec<u8>,
) -> (u16, Problem, String) {
    let resp = r.admin().raw(method, path, ct, Some(body)).await.unwrap();
    assert!((400..500).contains(&resp.status), "status {} for {path}", resp.status);
    assert_eq!(resp.headers["content-type"], PROBLEM_JSON);
    let text = String::from_utf8(resp.body).unwrap();
    let problem: Problem = serde_json::from_str(&text).unwrap();
    assert_eq!(problem.status, resp.status);
    assert!(problem.problem_type.starts_with("urn:sekretess:problem:"));
    assert!(!text.contains(SECRET), "a submitted value came back: {text}");
    (resp.status, problem, text)
}

async fn json(r: &Ready, method: Method, path: &str, body: &str) -> (u16, Problem) {
    let (s, p, _) = send(r, method, path, Some("application/json"), body.as_bytes().to_vec()).await;
    (s, p)
}

#[tokio::test]
async fn bad_input_is_named_without_echoing_values() {
    let r = TestServer::ready().await;
    let post = Method::POST;

    // Malformed JSON.
    let (s, p) = json(
        &r,
        post.clone(),
        "/v1/customers",
        &format!(r#"{{"group": "retail", "fields": {{"full_name": "{SECRET}"#),
    )
    .await;
    assert_eq!((s, p.kind()), (400, "malformed-json"));
    let (s, p) = json(&r, post.clone(), "/v1/customers", SECRET).await;
    assert_eq!((s, p.kind()), (400, "malformed-json"));

    // Wrong types.
    let (s, p) =
        json(&r, post.clone(), "/v1/customers", &format!(r#"{{"group": ["{SECRET}"], "fields": {{}}}}"#))
            .await;
    assert_eq!((s, p.kind()), (422, "wrong-type"));
    assert!(p.detail.unwrap().contains("expected a string"));
    let (_, p) =
        json(&r, post.clone(), "/v1/customers", r#"{"group": "retail", "fields": {"full_name": 8412}}"#)
            .await;
    assert_eq!(p.kind(), "wrong-type");
    let (_, p) = json(&r, post.clone(), "/v1/sys/init", r#"{"threshold": "two", "shares": 3}"#).await;
    assert_eq!(p.kind(), "wrong-type");

    // Unknown members, and missing ones.
    let (_, p) = json(
        &r,
        post.clone(),
        "/v1/customers",
        &format!(r#"{{"group": "retail", "fields": {{}}, "{SECRET}": 1}}"#),
    )
    .await;
    assert_eq!(p.kind(), "unknown-body-field");
    let (_, p) = json(&r, post.clone(), "/v1/customers", r#"{"fields": {}}"#).await;
    assert_eq!(p.kind(), "missing-member");
    assert!(p.detail.unwrap().contains("group"));

    // An unknown schema field, and an invalid value.
    let (_, p) = json(
        &r,
        post.clone(),
        "/v1/customers",
        &format!(r#"{{"group": "retail", "fields": {{"{SECRET}": "x"}}}}"#),
    )
    .await;
    assert_eq!(p.kind(), "unknown-field");
    let (s, p) = json(
        &r,
        post.clone(),
        "/v1/customers",
        &format!(r#"{{"group": "retail", "fields": {{"email": "{SECRET}"}}}}"#),
    )
    .await;
    assert_eq!((s, p.kind()), (422, "invalid-field"));
    assert!(p.detail.unwrap().contains("email"));

    // Oversized body.
    let big = format!(r#"{{"group": "retail", "fields": {{"notes": "{}"}}}}"#, SECRET.repeat(5000));
    let (s, p) = json(&r, post.clone(), "/v1/customers", &big).await;
    assert_eq!((s, p.kind()), (413, "body-too-large"));

    // Not JSON at all.
    let (s, p, _) =
        send(&r, post.clone(), "/v1/customers", Some("text/plain"), SECRET.as_bytes().to_vec()).await;
    assert_eq!((s, p.kind()), (415, "unsupported-media-type"));

    // A customer code with a wrong check symbol, and a malformed one.
    let good =
        r.admin().create_customer("retail", fields(&[("full_name", "Ada Lovelace")])).await.unwrap().code;
    let last = good.chars().last().unwrap();
    let wrong = format!("{}{}", &good[..good.len() - 1], if last == 'X' { 'Y' } else { 'X' });
    let (s, p, _) = send(&r, Method::GET, &format!("/v1/customers/{wrong}"), None, vec![]).await;
    assert_eq!((s, p.kind()), (400, "code-check-failed"));
    let (s, p, _) = send(&r, Method::GET, "/v1/customers/Zebulon", None, vec![]).await;
    assert_eq!((s, p.kind()), (400, "malformed-code"));

    // An unknown group.
    let (s, p) = json(
        &r,
        post.clone(),
        "/v1/customers",
        r#"{"group": "zebulon-8412", "fields": {"full_name": "A B"}}"#,
    )
    .await;
    assert_eq!((s, p.kind()), (404, "unknown-group"));
    assert!(!p.detail.unwrap_or_default().contains("zebulon"));
    let (_, p) = json(
        &r,
        post.clone(),
        "/v1/customers/search",
        &format!(r#"{{"group": "retail", "field": "national_id", "value": "{SECRET}"}}"#),
    )
    .await;
    assert_eq!(p.kind(), "invalid-field");

    // Unknown routes and methods.
    let (s, p, _) = send(&r, Method::GET, "/v1/zebulon", None, vec![]).await;
    assert_eq!((s, p.kind()), (404, "route-not-found"));
    let (s, p, _) = send(&r, Method::PUT, "/v1/groups", Some("application/json"), b"{}".to_vec()).await;
    assert_eq!((s, p.kind()), (405, "method-not-allowed"));

    // Still serving.
    assert!(r.admin().health().await.unwrap().status == "ok");
    r.admin().get_customer(&good).await.unwrap();
}
