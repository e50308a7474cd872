//! Issue 21, item 2: dual control. One security officer alone cannot bring a new employee
//! to active, unlock a group, change the field policy, publish an agreement or mint a
//! reveal key; with a second officer each succeeds; requests expire; all is audited.

use super::*;

async fn status_single(w: &World) -> bool {
    let r = send(&w.client(None), Method::GET, "/v1/sys/seal-status", None).await;
    json_of(&r)["single_officer"].as_bool().unwrap_or(false)
}

#[tokio::test]
async fn one_officer_alone_cannot_a_second_one_can() {
    let mut w = World::build().await;
    let off = w.token(Kind::Officer).unwrap();
    let agent = w.as_kind(Kind::Agent);
    let read = format!("/v1/customers/{}", w.code);
    assert!(!status_single(&w).await, "two officers are active");

    // Leave the first officer alone: the second is suspended.
    let list = send(&w.client(Some(&off)), Method::GET, "/v1/employees", None).await;
    let otto = w.otto.id;
    assert!(json_of(&list)["employees"].as_array().unwrap().iter().any(|e| e["id"] == otto));
    assert_eq!(w.officer_call(&off, &format!("/v1/employees/{otto}/suspend"), None).await.status, 204);
    assert!(status_single(&w).await, "seal-status says the vault has a single officer");
    let approvals = send(&w.client(Some(&off)), Method::GET, "/v1/approvals", None).await;
    assert_eq!(json_of(&approvals)["active_officers"], 1);

    // 1. A new employee: the inviter cannot approve them.
    let newbie = w.invite(&off, "nora", &["agent"]).await;
    let r = w.officer_call(&off, &format!("/v1/employees/{}/approve", newbie.id), None).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (403, "inviter-approval"));
    let r = w.login(&newbie, PW).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (403, "account-not-active"));

    // 2. Unlocking a group: a pending request that its requester cannot approve.
    assert_eq!(w.officer_call(&off, "/v1/groups/retail/lock", None).await.status, 200);
    let unlock = w.officer_call(&off, "/v1/groups/retail/unlock", None).await;
    assert_eq!(unlock.status, 202, "{}", String::from_utf8_lossy(&unlock.body));
    let unlock_id = json_of(&unlock)["id"].as_u64().unwrap();
    assert_eq!(json_of(&unlock)["status"], "pending");
    let r = w.officer_call(&off, &format!("/v1/approvals/{unlock_id}/approve"), None).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (403, "self-approval"));
    let r = send(&agent, Method::GET, &read, None).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (423, "group-locked"), "the group stayed locked");
    let groups = send(&w.client(Some(&off)), Method::GET, "/v1/groups", None).await;
    assert!(json_of(&groups)["groups"].as_array().unwrap().iter().any(|g| g["state"] == "locked"));

    // 3. The field policy: asked for, not changed.
    let before = send(&w.client(Some(&off)), Method::GET, "/v1/policy", None).await;
    let policy = send(
        &w.client(Some(&off)),
        Method::PUT,
        "/v1/policy",
        Some(json!({"role": "agent", "sensitivity": "internal", "decision": "deny"})),
    )
    .await;
    assert_eq!(policy.status, 202);
    let policy_id = json_of(&policy)["id"].as_u64().unwrap();
    let r = w.officer_call(&off, &format!("/v1/approvals/{policy_id}/approve"), None).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (403, "self-approval"));
    let after = send(&w.client(Some(&off)), Method::GET, "/v1/policy", None).await;
    assert_eq!(json_of(&before), json_of(&after));

    // 4. A reveal key (asked for by a key administrator): no key is made until an officer
    // approves.
    let key = send(
        &w.client(Some(&w.keymaker)),
        Method::POST,
        "/v1/apikeys",
        Some(json!({"name": "crm", "scopes": ["customers:read", "customers:reveal"], "groups": ["retail"]})),
    )
    .await;
    assert_eq!(key.status, 202, "{}", String::from_utf8_lossy(&key.body));
    let key_id = json_of(&key)["id"].as_u64().unwrap();
    let keys = send(&w.client(Some(&off)), Method::GET, "/v1/apikeys", None).await;
    assert!(!json_of(&keys)["keys"].as_array().unwrap().iter().any(|k| k["name"] == "crm"));
    // An officer's session never mints an administrative key, approved or not.
    let r = send(
        &w.client(Some(&off)),
        Method::POST,
        "/v1/apikeys",
        Some(json!({"name": "ops", "scopes": ["groups:admin"], "groups": ["retail"]})),
    )
    .await;
    assert_eq!(r.status, 403);

    // A request expires (clock injected): even a second officer cannot approve it then.
    let stale = w.officer_call(&off, "/v1/agreements", Some(json!({"text": "# Stale"}))).await;
    assert_eq!(stale.status, 202);
    let stale_id = json_of(&stale)["id"].as_u64().unwrap();

    // A second officer comes back: each change now succeeds.
    assert_eq!(w.officer_call(&off, &format!("/v1/employees/{otto}/reinstate"), None).await.status, 204);
    assert!(!status_single(&w).await);
    w.second = w.session(&w.otto).await; // suspension ended the old session
    let r = w.officer_call(&w.second, &format!("/v1/employees/{}/approve", newbie.id), None).await;
    assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(w.login(&newbie, PW).await.status, 200);

    let r = w.officer_call(&w.second, &format!("/v1/approvals/{unlock_id}/approve"), None).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(json_of(&r)["request"]["status"], "approved");
    assert_eq!(send(&agent, Method::GET, &read, None).await.status, 200, "unlocked");
    // Decided once: a second approval is refused.
    let r = w.officer_call(&w.second, &format!("/v1/approvals/{unlock_id}/approve"), None).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (409, "request-closed"));

    let r = w.officer_call(&w.second, &format!("/v1/approvals/{policy_id}/approve"), None).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let after = send(&w.client(Some(&off)), Method::GET, "/v1/policy", None).await;
    assert!(
        json_of(&after)["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["role"] == "agent" && c["sensitivity"] == "internal" && c["decision"] == "deny"),
        "{}",
        json_of(&after)
    );

    let r = w.officer_call(&w.second, &format!("/v1/approvals/{key_id}/approve"), None).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let token = json_of(&r)["api_key"]["token"].as_str().unwrap().to_owned();
    let crm = w.client(Some(&token));
    let revealed = send(
        &crm,
        Method::POST,
        &format!("/v1/customers/{}/reveal", w.code),
        Some(json!({"fields": ["email"], "purpose": "customer_request"})),
    )
    .await;
    assert_eq!(revealed.status, 200, "{}", String::from_utf8_lossy(&revealed.body));

    w.r.ts.clock.advance(25 * 3600);
    // The sessions ended meanwhile too.
    w.second = w.session(&w.otto).await;
    let off = w.session(&w.officer).await;
    let r = w.officer_call(&w.second, &format!("/v1/approvals/{stale_id}/approve"), None).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (409, "request-closed"));
    let list = send(&w.client(Some(&off)), Method::GET, "/v1/approvals", None).await;
    let stale_row = json_of(&list)["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_u64() == Some(stale_id))
        .cloned()
        .unwrap();
    assert_eq!(stale_row["status"], "expired");

    // A rejected request changes nothing.
    let second_off = w.second.clone();
    let again = w.officer_call(&off, "/v1/groups/retail/lock", None).await;
    assert_eq!(again.status, 200);
    let unlock = w.officer_call(&off, "/v1/groups/retail/unlock", None).await;
    let id = json_of(&unlock)["id"].as_u64().unwrap();
    let r = w.officer_call(&second_off, &format!("/v1/approvals/{id}/reject"), None).await;
    assert_eq!((r.status, json_of(&r)["request"]["status"].as_str()), (200, Some("rejected")));
    let r = send(&crm, Method::GET, &read, None).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (423, "group-locked"), "still locked");

    // All on record: requests, approvals (with the request's kind), the refusals.
    let audit = send(&w.client(Some(&off)), Method::GET, "/v1/audit?limit=1000", None).await;
    let entries = json_of(&audit)["entries"].as_array().unwrap().clone();
    let count = |action: &str, outcome: &str| {
        entries.iter().filter(|e| e["action"] == action && e["outcome"] == outcome).count()
    };
    assert_eq!(count("approval.request", "attempted"), 6);
    assert!(count("approval.approve", "attempted") >= 3, "{entries:?}");
    assert!(count("approval.approve", "denied") >= 4);
    assert_eq!(count("approval.reject", "attempted"), 1);
    assert!(entries.iter().any(|e| e["action"] == "employee.approve"
        && e["outcome"] == "denied"
        && e["fields"].as_array().unwrap().iter().any(|f| f == &json!(format!("employee:{}", newbie.id)))));
}
