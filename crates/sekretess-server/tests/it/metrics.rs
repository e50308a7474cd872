//! `GET /v1/sys/metrics` over TLS, and the fail-closed audit log as an operator sees it:
//! a read that cannot be recorded answers 503 with no data, the failure counter goes up,
//! and service resumes once the audit log can be written again.

use reqwest::Method;
use sekretess_api::{CreateApiKey, PROBLEM_JSON, Problem};
use sekretess_client::{Client, RawResponse};

use crate::common::{TestServer, fields};

/// A trigger that makes every audit write fail, as a full or read-only disk would.
const BLOCK_AUDIT: &str = "CREATE TRIGGER block_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'injected write error'); END";

async fn scrape(c: &Client) -> RawResponse {
    c.raw(Method::GET, "/v1/sys/metrics", None, None).await.unwrap()
}

/// The metrics text of an authorized scrape.
async fn metrics(c: &Client) -> String {
    let r = scrape(c).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let ct = r.headers["content-type"].to_str().unwrap();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    String::from_utf8(r.body).unwrap()
}

/// The value of one series (name with labels, exactly as exposed).
fn sample(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|v| v.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
        .parse()
        .unwrap()
}

const FAILURES: &str = "sekretess_audit_write_failures_total";
const SERVER_ERRORS: &str = "sekretess_http_requests_total{class=\"5xx\"}";

async fn key(admin: &Client, name: &str, scope: &str) -> String {
    admin
        .create_api_key(&CreateApiKey {
            name: name.into(),
            scopes: vec![scope.into()],
            groups: vec!["retail".into()],
        })
        .await
        .unwrap()
        .token
}

#[tokio::test]
async fn audit_failures_are_counted_while_reads_fail_closed() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let prom = r.ts.client(Some(&key(&admin, "prometheus", "sys:metrics").await));
    let reader = r.ts.client(Some(&key(&admin, "reader", "customers:read").await));
    let ada = fields(&[("full_name", "Ada Lovelace"), ("email", "ada@example.com")]);
    let code = admin.create_customer("retail", ada).await.unwrap().code;
    assert_eq!(reader.get_customer(&code).await.unwrap().code, code);

    let text = metrics(&prom).await;
    assert_eq!(sample(&text, FAILURES), 0);
    assert_eq!(sample(&text, "sekretess_sealed"), 0);
    assert_eq!(sample(&text, "sekretess_initialized"), 1);
    assert!(sample(&text, "sekretess_http_requests_total{class=\"2xx\"}") >= 5, "{text}");
    assert_eq!(sample(&text, SERVER_ERRORS), 0);
    assert!(sample(&text, "sekretess_http_request_duration_seconds_count") >= 5, "{text}");
    // The log queue's waits are reported (the test server logs through no queue: none).
    assert_eq!(sample(&text, "sekretess_log_queue_full_total"), 0);
    // Counts and states only: no value, code, group, principal or route in the text.
    for secret in ["Ada", "ada@example.com", code.as_str(), &code.replace('-', ""), "retail", "apikey"] {
        assert!(!text.contains(secret), "{secret} in the metrics");
    }

    // The audit log cannot be written: the read fails closed, 503 with no customer data.
    r.ts.control_sql(BLOCK_AUDIT).await;
    let resp = reader.raw(Method::GET, &format!("/v1/customers/{code}"), None, None).await.unwrap();
    assert_eq!(resp.status, 503);
    assert_eq!(resp.headers["content-type"], PROBLEM_JSON);
    let body = String::from_utf8(resp.body.clone()).unwrap();
    let problem: Problem = serde_json::from_slice(&resp.body).unwrap();
    assert_eq!(problem.kind(), "audit-unavailable");
    // Neither the customer's data nor the internal cause reaches the caller.
    for leak in ["Ada", "ada@example.com", "injected", "audit_log", "database"] {
        assert!(!body.contains(leak), "{leak} in {body}");
    }

    // The metrics still answer (a scrape writes no audit entry) and say why.
    let text = metrics(&prom).await;
    let failures = sample(&text, FAILURES);
    assert!(failures >= 1, "{text}");
    assert!(sample(&text, SERVER_ERRORS) >= 1, "{text}");

    // Once the audit log can be written again, service resumes; the refused read left no
    // entry and the chain is intact.
    r.ts.control_sql("DROP TRIGGER block_audit").await;
    assert_eq!(reader.get_customer(&code).await.unwrap().code, code);
    assert_eq!(sample(&metrics(&prom).await, FAILURES), failures);
    assert_eq!(admin.audit_verify().await.unwrap().status, "intact");
    let reads = admin
        .audit(&sekretess_api::audit::AuditQuery {
            action: Some("customer.read".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(reads.entries.len(), 2, "{:?}", reads.entries);
}

#[tokio::test]
async fn metrics_need_the_metrics_scope_and_are_closed_while_sealed() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let prom = r.ts.client(Some(&key(&admin, "prometheus", "sys:metrics").await));

    // Deny by default: no credentials, a bad token, and keys with other scopes (even
    // audit:read) are refused.
    assert_eq!(scrape(&r.ts.client(None)).await.status, 401);
    assert_eq!(scrape(&r.ts.client(Some("sk_nope_nope"))).await.status, 401);
    for scope in ["customers:read", "audit:read", "sys:seal"] {
        let other = r.ts.client(Some(&key(&admin, &format!("svc-{}", scope.replace(':', "-")), scope).await));
        let resp = scrape(&other).await;
        assert_eq!(resp.status, 403, "{scope}");
        assert_eq!(resp.headers["content-type"], PROBLEM_JSON);
    }
    // The security-officer key holds every scope.
    metrics(&admin).await;

    let text = metrics(&prom).await;
    assert_eq!(sample(&text, "sekretess_sealed"), 0);
    assert_eq!(sample(&text, FAILURES), 0);

    // Sealed means sealed: only health, seal-status, init and unseal answer (a monitor
    // reads the seal state from the public seal-status).
    admin.seal().await.unwrap();
    assert_eq!(scrape(&prom).await.status, 503);
    assert_eq!(scrape(&r.ts.client(None)).await.status, 503);
    assert!(r.ts.client(None).seal_status().await.unwrap().sealed);
}
