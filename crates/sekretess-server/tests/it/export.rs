//! The subject access export (`GET /v1/customers/{code}/export`, issue 24): all of the
//! customer's fields and every audited access of them, nothing of any other customer; a
//! purpose and the `customers:export` scope are required; retention routes.

use std::collections::{BTreeMap, BTreeSet};

use sekretess_api::CreateApiKey;
use sekretess_api::audit::AuditQuery;
use sekretess_api::retention::{LegalHold, SetRetention};
use sekretess_client::Client;

use crate::common::{Ready, TestServer, fields, kind, plain};

async fn key(r: &Ready, name: &str, scopes: &[&str]) -> Client {
    let created = r
        .admin()
        .create_api_key(&CreateApiKey {
            name: name.to_owned(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            groups: vec!["*".to_owned()],
        })
        .await
        .unwrap();
    r.ts.client(Some(&created.token))
}

const ADA: &[(&str, &str)] = &[
    ("full_name", "Ada Lovelace"),
    ("email", "ada@example.com"),
    ("national_id", "19121212-1212"),
    ("notes", "prefers letters"),
];
const BO: &[(&str, &str)] =
    &[("full_name", "Bo Ek"), ("email", "bo.ek@example.org"), ("notes", "calls on Fridays")];

#[tokio::test]
async fn an_export_holds_every_field_and_every_access_and_nothing_of_others() {
    let r = TestServer::ready().await;
    let svc = key(&r, "svc", &["customers:read", "customers:write", "customers:reveal"]).await;
    let exporter = key(&r, "exporter", &["customers:export"]).await;
    let ada = svc.create_customer("retail", fields(ADA)).await.unwrap().code;
    let bo = svc.create_customer("retail", fields(BO)).await.unwrap().code;

    // Accesses of both: reads with a purpose, reveals, a change.
    for code in [&ada, &bo] {
        svc.get_customer_for(code, Some("support ticket 41")).await.unwrap();
        plain(&svc, code, &["email"]).await;
        let change = sekretess_api::UpdateCustomer {
            fields: [("notes".to_owned(), Some("moved in 2026".to_owned()))].into(),
        };
        svc.update_customer(code, &change).await.unwrap();
    }
    svc.set_retention(&ada, &SetRetention { retain_until: Some(2_019_600_000), purpose: None })
        .await
        .unwrap_err(); // svc lacks customers:retention
    r.admin()
        .set_retention(
            &ada,
            &SetRetention { retain_until: Some(2_019_600_000), purpose: Some("contract".into()) },
        )
        .await
        .unwrap();
    r.admin().set_legal_hold(&ada, &LegalHold { hold: true, reason: "case 17".into() }).await.unwrap();

    // Without the scope, or without a purpose: refused.
    assert_eq!(kind(svc.export_customer(&ada, "customer_request").await), "forbidden");
    assert_eq!(kind(exporter.export_customer(&ada, "").await), "purpose-required");

    let x = exporter.export_customer(&ada, "customer_request: GDPR art. 15").await.unwrap();
    assert_eq!(x.code, ada);
    assert_eq!(x.retain_until, Some(2_019_600_000));
    assert!(x.legal_hold_since.is_some());
    assert!(x.created_at > 0 && x.updated_at >= x.created_at);

    // Every field Ada has, with its value (an API key's role `service` reveals
    // confidential fields for a purpose; notes are internal, plain).
    let mut expected: BTreeMap<String, String> =
        ADA.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    expected.insert("notes".into(), "moved in 2026".into());
    let got: BTreeMap<String, String> =
        x.fields.iter().map(|f| (f.name.clone(), f.value.clone().unwrap_or_default())).collect();
    assert_eq!(got.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    assert!(x.fields.iter().all(|f| f.shown == "plain"), "{:?}", x.fields);
    // Values as stored (normalized by type): the same as a reveal gives.
    let revealed = plain(&svc, &ada, &["full_name", "email", "national_id"]).await;
    for (name, value) in &revealed {
        assert_eq!(&got[name], value);
    }
    assert_eq!(got["notes"], "moved in 2026");

    // Every audited access of Ada up to the export, as the audit log itself lists them.
    let export_seq = x.history.last().unwrap().seq;
    let mut logged = Vec::new();
    let mut from = 1;
    loop {
        let q = AuditQuery {
            customer: Some(ada.clone()),
            from_seq: Some(from),
            limit: Some(1000),
            ..Default::default()
        };
        let page = r.admin().audit(&q).await.unwrap();
        logged.extend(page.entries.into_iter().filter(|e| e.seq <= export_seq));
        match page.next_seq {
            Some(n) => from = n,
            None => break,
        }
    }
    let seqs = |v: &mut dyn Iterator<Item = u64>| v.collect::<Vec<_>>();
    assert_eq!(seqs(&mut x.history.iter().map(|e| e.seq)), seqs(&mut logged.iter().map(|e| e.seq)));
    let actions: BTreeSet<&str> = x.history.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "customer.create",
        "customer.read",
        "customer.reveal",
        "customer.update",
        "customer.retention",
        "customer.legal_hold",
        "customer.export",
    ] {
        assert!(actions.contains(a), "{a} missing from {actions:?}");
    }
    let read = x.history.iter().find(|e| e.action == "customer.read").unwrap();
    assert_eq!(read.purpose.as_deref(), Some("support ticket 41"));
    assert_eq!(read.role, "service");
    assert!(read.actor.starts_with("apikey:"), "{}", read.actor);
    let last = x.history.last().unwrap();
    assert_eq!(last.action, "customer.export");
    assert_eq!(last.purpose.as_deref(), Some("customer_request: GDPR art. 15"));

    // Nothing of Bo: not his code, not a value of his, not an entry about him.
    let json = serde_json::to_string(&x).unwrap();
    for needle in [bo.as_str(), &bo.replace('-', ""), "Bo Ek", "bo.ek@example.org", "calls on Fridays"] {
        assert!(!json.contains(needle), "the export holds {needle:?}");
    }

    // The readable form holds the same, and a second export is one more access.
    let text = exporter.export_customer_text(&ada, "customer_request").await.unwrap();
    assert!(
        text.contains(&ada) && text.contains("Ada Lovelace") && text.contains("support ticket 41"),
        "{text}"
    );
    assert!(!text.contains("Bo Ek") && !text.contains(&bo));
    let again = exporter.export_customer(&ada, "customer_request").await.unwrap();
    // Three exports, and the two refused (no scope, no purpose) are on record too.
    let exports: Vec<_> = again.history.iter().filter(|e| e.action == "customer.export").collect();
    assert_eq!(exports.iter().filter(|e| e.outcome == "success").count(), 3);
    assert_eq!(exports.iter().filter(|e| e.outcome == "denied").count(), 1);
    assert_eq!(exports.len(), 5);
}

#[tokio::test]
async fn retention_dates_show_in_the_customer_view_and_due_lists_codes_only() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let past = admin.create_customer("retail", fields(&[("full_name", "Past Due")])).await.unwrap().code;
    let future = admin.create_customer("retail", fields(&[("full_name", "Not Yet")])).await.unwrap().code;
    admin.set_retention(&past, &SetRetention { retain_until: Some(1), purpose: None }).await.unwrap();
    admin
        .set_retention(&future, &SetRetention { retain_until: Some(4_000_000_000), purpose: None })
        .await
        .unwrap();
    let view = admin.get_customer(&future).await.unwrap();
    assert_eq!((view.retain_until, view.due_at), (Some(4_000_000_000), Some(4_000_000_000)));
    let due = admin.retention_due("retail").await.unwrap();
    assert_eq!((due.codes, due.held), (vec![past.clone()], 0));
    // Listing erased nothing.
    assert_eq!(admin.get_customer(&past).await.unwrap().code, past);
    admin.set_legal_hold(&past, &LegalHold { hold: true, reason: "case 9".into() }).await.unwrap();
    let due = admin.retention_due("retail").await.unwrap();
    assert_eq!((due.codes.len(), due.held), (0, 1));
    assert!(admin.retention(&past).await.unwrap().legal_hold_since.is_some());
    // A reason is required.
    assert_eq!(
        kind(admin.set_legal_hold(&past, &LegalHold { hold: false, reason: " ".into() }).await),
        "invalid-reason"
    );
}
