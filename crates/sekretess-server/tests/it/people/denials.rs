//! Fault 5 of the security review (issue 15): every denied or failed customer-data
//! request is on record, over the route table and every kind of caller.

use super::*;

/// Every audit entry, oldest first.
async fn audit_entries(c: &Client) -> Vec<sekretess_api::audit::AuditEntry> {
    let mut all = vec![];
    let mut from = Some(1);
    while let Some(from_seq) = from {
        let q = sekretess_api::audit::AuditQuery {
            from_seq: Some(from_seq),
            limit: Some(1000),
            ..Default::default()
        };
        let page = c.audit(&q).await.unwrap();
        all.extend(page.entries);
        from = page.next_seq;
    }
    all
}

/// The audit action of a customer-data route.
fn customer_action(method: &str, path: &str) -> Option<&'static str> {
    Some(match (method, path) {
        ("post", "/v1/customers") | ("post", "/v1/customers/batch") => "customer.create",
        ("post", "/v1/customers/search") => "customer.find",
        ("get", "/v1/customers/{code}") => "customer.read",
        ("patch", "/v1/customers/{code}") => "customer.update",
        ("delete", "/v1/customers/{code}") => "customer.erase",
        ("post", "/v1/customers/{code}/reveal") => "customer.reveal",
        ("get", "/v1/customers/{code}/export") => "customer.export",
        ("put", "/v1/customers/{code}/retention") => "customer.retention",
        ("put", "/v1/customers/{code}/legal-hold") => "customer.legal_hold",
        _ => return Option::None,
    })
}

/// (request id, action, outcome, group, customer) of a refused or failed request.
type Expected = (String, &'static str, &'static str, Option<&'static str>, Option<String>);

/// Fault 5: over the route table, every denied or failed customer-data request (a scope
/// missing, a group forbidden, the agreement unsigned, a code out of reach or unknown, an
/// erased customer, a tampered row, a malformed code) leaves exactly one entry with its
/// outcome, actor, action, and group and code where known; requests without valid
/// credentials (401) leave one entry per source and interval, carrying their count.
#[tokio::test]
async fn fault5_every_denied_or_failed_customer_request_leaves_one_entry() {
    let w = World::build().await;
    let officer = w.as_kind(Kind::Officer);
    let svc = |s: &'static str| w.as_kind(Kind::Svc(s));
    // Another group with a customer, a customer to erase, two to tamper with.
    assert_eq!(
        send(&officer, Method::POST, "/v1/groups", Some(json!({"name": "private"}))).await.status,
        201
    );
    let writer = svc("customers:write");
    let private =
        writer.create_customer("private", fields(&[("full_name", "Greta Garbo")])).await.unwrap().code;
    let tampered =
        writer.create_customer("retail", fields(&[("full_name", "Tam Pered")])).await.unwrap().code;
    let donor = writer.create_customer("retail", fields(&[("full_name", "Don Or")])).await.unwrap().code;
    assert_eq!(svc("customers:erase").erase_customer(&w.erase_code).await.map(|_| ()).unwrap(), ());
    let absent = sekretess_core::CustomerCode::generate().unwrap().to_string();
    {
        let path = w.r.ts.data_dir().join("groups").join("group-1.db");
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
        sqlx::query(
            "UPDATE customers SET wrapped_dek = (SELECT wrapped_dek FROM customers WHERE code = ?) WHERE code = ?",
        )
        .bind(donor.replace('-', ""))
        .bind(tampered.replace('-', ""))
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
    // An interval of authentication failures still open from the setup ends here.
    w.r.ts.clock.advance(61);
    assert_eq!(send(&officer, Method::GET, "/v1/groups", Option::None).await.status, 200);
    let mark = audit_entries(&officer).await.last().unwrap().seq;

    // (request id, action, outcome, group, customer) of every refusal and failure.
    let mut expected: Vec<Expected> = vec![];
    let mut unauthenticated = 0u64;
    let doc: Value = serde_json::from_str(&sekretess_server::openapi::document()).unwrap();
    let mut kinds = vec![
        Kind::None,
        Kind::Pending,
        Kind::Suspended,
        Kind::Unsigned,
        Kind::NoGroup,
        Kind::Agent,
        Kind::Auditor,
        Kind::Officer,
    ];
    kinds.extend(SCOPES.map(Kind::Svc));
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let Some(action) = customer_action(method, path) else { continue };
            let (allowed, _) = row(method, path).unwrap();
            let code = if method == "delete" { &donor } else { &w.code };
            let concrete = path.replace("{code}", code);
            let body = match path.as_str() {
                "/v1/customers/search" => {
                    Some(json!({"group": "retail", "field": "email", "value": "ada@example.com"}))
                }
                "/v1/customers/{code}/reveal" => {
                    Some(json!({"fields": ["email"], "purpose": "customer_request"}))
                }
                // A well-formed body, so that a refusal comes from the caller, not the body.
                "/v1/customers" => Some(json!({"group": "retail", "fields": {"email": "table@example.com"}})),
                "/v1/customers/batch" => Some(
                    json!({"group": "retail", "customers": [{"fields": {"email": "table@example.com"}}]}),
                ),
                "/v1/customers/{code}" if method == "patch" => Some(json!({"fields": {}})),
                _ => Option::None,
            };
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for k in kinds.iter().filter(|k| !allowed.contains(k)) {
                let resp = send(&w.as_kind(*k), m.clone(), &concrete, body.clone()).await;
                if resp.status == 401 {
                    unauthenticated += 1;
                    continue;
                }
                assert!(
                    resp.status == 403 || resp.status == 404,
                    "{method} {path} as {k:?}: {}",
                    resp.status
                );
                let rid = resp.headers["x-request-id"].to_str().unwrap().to_owned();
                // The group is known once the handler has read it: from the body (a search
                // refused for its group) or from the code's directory entry (out of reach).
                let group = (kind_of(&resp) == "group-forbidden" || resp.status == 404).then_some("retail");
                let customer = path.contains("{code}").then(|| code.clone());
                expected.push((rid, action, "denied", group, customer));
            }
        }
    }
    assert!(unauthenticated >= 3 * 7, "{unauthenticated}");
    let reader = svc("customers:read");
    let agent = w.as_kind(Kind::Agent);
    for (c, code, status, outcome, group) in [
        // Another group's customer: as good as absent to the caller, on record with its group.
        (&agent, private.clone(), 404, "denied", Some("private")),
        (&reader, absent.clone(), 404, "denied", Option::None),
        (&reader, w.erase_code.clone(), 410, "denied", Some("retail")),
        (&reader, tampered.clone(), 500, "failed", Some("retail")),
        (&reader, "K7Q4-M92D-J3X9".to_owned(), 400, "failed", Option::None),
        (&reader, "forged%0Aline%1B".to_owned(), 400, "failed", Option::None),
    ] {
        let resp = send(c, Method::GET, &format!("/v1/customers/{code}"), Option::None).await;
        assert_eq!(resp.status, status, "{code}: {}", String::from_utf8_lossy(&resp.body));
        let rid = resp.headers["x-request-id"].to_str().unwrap().to_owned();
        let customer = sekretess_core::CustomerCode::parse(&code).ok().map(|c| c.to_string());
        expected.push((rid, "customer.read", outcome, group, customer));
    }
    let resp = send(
        &agent,
        Method::POST,
        "/v1/customers/search",
        Some(json!({"group": "private", "field": "email", "value": "a@b.se"})),
    )
    .await;
    assert_eq!((resp.status, kind_of(&resp).as_str()), (403, "group-forbidden"));
    expected.push((
        resp.headers["x-request-id"].to_str().unwrap().to_owned(),
        "customer.find",
        "denied",
        Some("private"),
        Option::None,
    ));
    let mut bad = 0;
    for token in [Option::None, Some("sk_nope"), Some(STRANGER)] {
        for path in [format!("/v1/customers/{}", w.code), "/v1/groups".to_owned()] {
            assert_eq!(send(&w.client(token), Method::GET, &path, Option::None).await.status, 401);
            bad += 1;
        }
    }
    unauthenticated += bad;

    // The interval ends: its count is written with the next request.
    w.r.ts.clock.advance(61);
    assert_eq!(send(&officer, Method::GET, "/v1/groups", Option::None).await.status, 200);
    let entries: Vec<_> = audit_entries(&officer).await.into_iter().filter(|e| e.seq > mark).collect();
    for (rid, action, outcome, group, customer) in &expected {
        let mine: Vec<_> = entries.iter().filter(|e| e.request_id.as_deref() == Some(rid)).collect();
        assert_eq!(mine.len(), 1, "{action} {outcome} {customer:?}: {mine:?}");
        let e = mine[0];
        assert_eq!((e.action.as_str(), e.outcome.as_str()), (*action, *outcome), "{e:?}");
        assert!(e.actor.starts_with("apikey:") || e.actor.starts_with("employee:"), "{e:?}");
        assert_eq!(e.origin.as_deref(), Some("127.0.0.1"));
        assert_eq!(e.group.as_deref(), *group, "{e:?}");
        assert_eq!(&e.customer, customer, "{e:?}");
        assert!(e.fields.iter().all(|f| f.starts_with("problem:")), "{e:?}");
    }
    assert!(expected.len() > 100, "only {} refusals", expected.len());
    let tallies: Vec<_> = entries.iter().filter(|e| e.action == "auth.failed").collect();
    assert_eq!(tallies.len(), 1, "{tallies:?}");
    assert_eq!(tallies[0].outcome, "denied");
    assert_eq!(tallies[0].origin.as_deref(), Some("127.0.0.1"));
    assert_eq!(tallies[0].fields[0], format!("count:{unauthenticated}"));
    // Nothing of a malformed code reaches the log.
    assert!(!serde_json::to_string(&entries).unwrap().contains("forged"), "a raw path reached the log");
}
