//! The audit routes and the audit trail of API calls, over TLS through the client.

use sekretess_api::audit::AuditQuery;

use crate::common::{TestServer, fields};

#[tokio::test]
async fn api_calls_leave_entries_that_auditors_can_filter() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let ada = fields(&[("full_name", "Ada Lovelace"), ("national_id", "19811228-9874")]);
    let code = admin.create_customer("retail", ada).await.unwrap().code;
    admin.get_customer(&code).await.unwrap();
    admin.find("retail", "national_id", "811228-9874").await.unwrap();

    let all = admin.audit(&AuditQuery::default()).await.unwrap();
    let actions: Vec<&str> = all.entries.iter().map(|e| e.action.as_str()).collect();
    for expected in
        ["vault.init", "vault.unseal", "group.create", "customer.create", "customer.read", "customer.find"]
    {
        assert!(actions.contains(&expected), "{expected} missing from {actions:?}");
    }
    // Every entry carries the request id the server answered with; never a value.
    let read = all.entries.iter().find(|e| e.action == "customer.read").unwrap();
    assert!(read.request_id.as_deref().is_some_and(|id| !id.is_empty()));
    assert!(read.actor.starts_with("apikey:"));
    assert_eq!(read.fields, ["full_name", "national_id"]);
    let body = serde_json::to_string(&all).unwrap();
    // Whole values only: a bare "9874" turns up by chance in hex MACs and request ids.
    for value in ["Ada Lovelace", "19811228-9874", "811228-9874", "198112289874", "8112289874"] {
        assert!(!body.contains(value), "a value reached the audit log");
    }

    // Filters: by customer code (any spelling), by action, by time, paging.
    let q = AuditQuery { customer: Some(code.to_lowercase()), ..Default::default() };
    let by_code = admin.audit(&q).await.unwrap();
    assert!(by_code.entries.iter().all(|e| e.customer.as_deref() == Some(code.as_str())));
    // create (an attempt and its commit marker), read, find, and this very audit read,
    // which names the code it asked about
    assert_eq!(by_code.entries.len(), 5);
    let (attempt, marker) = (&by_code.entries[0], &by_code.entries[1]);
    assert_eq!((attempt.action.as_str(), attempt.outcome.as_str()), ("customer.create", "attempted"));
    assert_eq!((marker.action.as_str(), marker.outcome.as_str()), ("customer.create.commit", "success"));
    assert_eq!(marker.fields, [format!("attempt-seq:{}-{}", attempt.seq, attempt.seq)]);
    assert_eq!(by_code.entries[4].action, "audit.read");
    // Paged by customer: each page goes on where the last one ended.
    let q = AuditQuery { customer: Some(code.clone()), limit: Some(2), ..Default::default() };
    let first = admin.audit(&q).await.unwrap();
    let seqs = |p: &sekretess_api::audit::AuditPage| p.entries.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(&first), [by_code.entries[0].seq, by_code.entries[1].seq]);
    let q = AuditQuery { from_seq: first.next_seq, ..q };
    assert_eq!(seqs(&admin.audit(&q).await.unwrap()), [by_code.entries[2].seq, by_code.entries[3].seq]);
    let q = AuditQuery { action: Some("customer.read".into()), ..Default::default() };
    assert_eq!(admin.audit(&q).await.unwrap().entries.len(), 1);
    let q = AuditQuery { limit: Some(2), ..Default::default() };
    let page = admin.audit(&q).await.unwrap();
    assert_eq!(page.entries.len(), 2);
    let next = AuditQuery { from_seq: page.next_seq, limit: Some(2), ..Default::default() };
    assert_eq!(admin.audit(&next).await.unwrap().entries[0].seq, 3);
    let q = AuditQuery { since: Some(crate::common::NOW + 1), ..Default::default() };
    assert!(admin.audit(&q).await.unwrap().entries.is_empty());

    // Reading the log is itself on record.
    let q = AuditQuery { action: Some("audit.read".into()), ..Default::default() };
    assert!(admin.audit(&q).await.unwrap().entries.len() >= 7);

    let v = admin.audit_verify().await.unwrap();
    assert_eq!(v.status, "intact", "{v:?}");
    let cp = admin.audit_checkpoint().await.unwrap();
    assert!(cp.checkpoint.starts_with("sekretess-audit-checkpoint-v1 seq="));
    assert!(cp.seq > v.seq);

    // A bad filter is a problem document; a key without audit:read is refused.
    let bad = admin.raw(reqwest::Method::GET, "/v1/audit?shoe_size=44", None, None).await.unwrap();
    assert_eq!(bad.status, 422);
    let q = AuditQuery { customer: Some("K7Q4-M92D".into()), ..Default::default() };
    assert_eq!(admin.audit(&q).await.unwrap_err().status(), Some(400));
    let reader = admin
        .create_api_key(&sekretess_api::CreateApiKey {
            name: "reader".into(),
            scopes: vec!["customers:read".into()],
            groups: vec!["retail".into()],
        })
        .await
        .unwrap();
    let q = AuditQuery { action: Some("apikey.create".into()), ..Default::default() };
    let created = admin.audit(&q).await.unwrap();
    assert_eq!(created.entries.len(), 1);
    assert_eq!(created.entries[0].fields, ["scope:customers:read", "group:retail"]);
    let reader = r.ts.client(Some(&reader.token));
    assert_eq!(reader.audit(&AuditQuery::default()).await.unwrap_err().status(), Some(403));
}
