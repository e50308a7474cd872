use reqwest::Method;
use sekretess_api::{BatchItem, CreateCustomers, UpdateCustomer};

use crate::common::{TestServer, fields, kind, plain};

#[tokio::test]
async fn create_get_update_find_erase() {
    let r = TestServer::ready().await;
    let c = r.admin();

    let created = c
        .create_customer(
            "retail",
            fields(&[
                ("full_name", "Erik Svensson"),
                ("national_id", "670919-9530"),
                ("email", "erik@example.com"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(created.group, "retail");
    assert_eq!(created.code.len(), 14, "grouped like K7Q4-M92D-J3X8");

    let got = c.get_customer(&created.code).await.unwrap();
    assert_eq!(got.code, created.code);
    assert_eq!(got.group, "retail");
    let got = plain(&c, &created.code, &["full_name", "email"]).await;
    assert_eq!(got["full_name"], "Erik Svensson");
    assert_eq!(got["email"], "erik@example.com");
    // A read can carry its purpose (for the audit log); a malformed purpose is refused.
    assert_eq!(
        c.get_customer_for(&created.code, Some("support ticket 42")).await.unwrap().code,
        created.code
    );
    assert_eq!(kind(c.get_customer_for(&created.code, Some(&"x".repeat(201))).await), "invalid-purpose");
    // Codes are case-insensitive on input.
    assert_eq!(c.get_customer(&created.code.to_lowercase()).await.unwrap().code, created.code);

    // Find by identifier, in another written form.
    assert_eq!(c.find("retail", "national_id", "196709199530").await.unwrap(), vec![created.code.clone()]);
    assert!(c.find("retail", "email", "nobody@example.com").await.unwrap().is_empty());
    assert_eq!(kind(c.find("retail", "notes", "x").await), "not-searchable");

    // Update: set one field, remove another.
    let mut change = std::collections::BTreeMap::new();
    change.insert("email".to_owned(), Some("erik@example.se".to_owned()));
    change.insert("full_name".to_owned(), None);
    c.update_customer(&created.code, &UpdateCustomer { fields: change }).await.unwrap();
    let got = plain(&c, &created.code, &["full_name", "email"]).await;
    assert_eq!(got["email"], "erik@example.se");
    assert!(!got.contains_key("full_name"));
    assert!(c.find("retail", "email", "erik@example.com").await.unwrap().is_empty());

    // Erase: gone for good, and no longer found.
    c.erase_customer(&created.code).await.unwrap();
    assert_eq!(kind(c.get_customer(&created.code).await), "customer-erased");
    assert!(c.find("retail", "national_id", "670919-9530").await.unwrap().is_empty());
    assert_eq!(kind(c.erase_customer(&created.code).await), "customer-erased");
}

#[tokio::test]
async fn batch_create_answers_per_item() {
    let r = TestServer::ready().await;
    let c = r.admin();
    let item = |pairs: &[(&str, &str)]| BatchItem { fields: fields(pairs) };
    let req = CreateCustomers {
        group: "retail".into(),
        customers: vec![
            item(&[("full_name", "Anna Berg"), ("national_id", "670919-9530")]),
            item(&[("full_name", "Bo Ek"), ("email", "zz-bad-mail")]),
            item(&[("full_name", "Cecilia Dahl"), ("national_id", "811218-9876")]),
            item(&[("full_name", "Dup Licate"), ("national_id", "19670919-9530")]),
            item(&[("cvv", "ninetynine")]),
        ],
    };
    let resp = c.create_customers(&req).await.unwrap();
    assert_eq!(resp.results.len(), 5);
    assert_eq!((resp.created, resp.failed), (2, 3));
    let kinds: Vec<Option<&str>> =
        resp.results.iter().map(|r| r.problem.as_ref().map(sekretess_api::Problem::kind)).collect();
    assert_eq!(kinds, vec![None, Some("invalid-field"), None, Some("duplicate"), Some("forbidden-field")]);
    let body = serde_json::to_string(&resp).unwrap();
    assert!(
        !body.contains("zz-bad-mail") && !body.contains("ninetynine") && !body.contains("670919"),
        "{body}"
    );
    for (i, res) in resp.results.iter().enumerate() {
        if let Some(code) = &res.code {
            let got = plain(&c, code, &["full_name"]).await;
            assert_eq!(got["full_name"], req.customers[i].fields["full_name"]);
        }
    }
    assert_eq!(c.find("retail", "national_id", "811218-9876").await.unwrap().len(), 1);
}

#[tokio::test]
async fn responses_carry_security_headers_and_no_banner() {
    let r = TestServer::ready().await;
    let c = r.admin();
    let created = c.create_customer("retail", fields(&[("full_name", "Ada Lovelace")])).await.unwrap();
    for path in [format!("/v1/customers/{}", created.code), "/v1/sys/health".into(), "/v1/nope".into()] {
        let resp = c.raw(Method::GET, &path, None, None).await.unwrap();
        let h = &resp.headers;
        assert_eq!(h["cache-control"], "no-store", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h["strict-transport-security"].to_str().unwrap().starts_with("max-age="), "{path}");
        assert_eq!(h["x-request-id"].len(), 16, "{path}");
        assert!(h.get("server").is_none(), "{path}");
    }
    let a = c.raw(Method::GET, "/v1/sys/health", None, None).await.unwrap();
    let b = c.raw(Method::GET, "/v1/sys/health", None, None).await.unwrap();
    assert_ne!(a.headers["x-request-id"], b.headers["x-request-id"]);
}

#[tokio::test]
async fn groups_lock_and_unlock() {
    let r = TestServer::ready().await;
    let c = r.admin();
    let created = c.create_customer("retail", fields(&[("full_name", "Ada Lovelace")])).await.unwrap();
    assert_eq!(kind(c.create_group("retail").await), "group-exists");
    assert_eq!(kind(c.create_group("Bad Name").await), "invalid-group-name");
    let g = c.set_group_locked("retail", true).await.unwrap();
    assert_eq!(g.state, "locked");
    assert_eq!(kind(c.get_customer(&created.code).await), "group-locked");
    c.set_group_locked("retail", false).await.unwrap();
    c.get_customer(&created.code).await.unwrap();
    let names: Vec<String> = c.list_groups().await.unwrap().into_iter().map(|g| g.name).collect();
    assert_eq!(names, vec!["retail"]);
    let schema = c.schema().await.unwrap();
    assert!(schema.fields.iter().any(|f| f.name == "national_id" && f.searchable && f.unique));
}

/// API keys face the field policy as role `service` (issue 21): `customers:read` gives the
/// masked view; plain values need `customers:reveal` and a purpose, and the reveal is on
/// record naming only the fields actually revealed.
#[tokio::test]
async fn api_keys_see_masked_values_and_reveal_only_with_scope_and_purpose() {
    use sekretess_api::audit::AuditQuery;
    use sekretess_api::people::RevealRequest;
    let r = TestServer::ready().await;
    let admin = r.admin();
    let key = |name: &str, scopes: &[&str]| {
        let admin = admin.clone();
        let req = sekretess_api::CreateApiKey {
            name: name.into(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            groups: vec!["retail".into()],
        };
        async move { admin.create_api_key(&req).await.unwrap().token }
    };
    let ada = fields(&[("full_name", "Ada Lovelace"), ("email", "ada@example.com"), ("notes", "vip")]);
    let code = admin.create_customer("retail", ada).await.unwrap().code;

    let crm = r.ts.client(Some(&key("crm", &["customers:read"]).await));
    let got = crm.get_customer(&code).await.unwrap();
    assert_eq!(got.fields["notes"], "vip", "internal fields stay plain");
    for f in ["full_name", "email"] {
        assert!(got.masked.contains(&f.to_owned()), "{f} is masked");
        assert_ne!(got.fields[f], if f == "email" { "ada@example.com" } else { "Ada Lovelace" });
    }
    assert!(!serde_json::to_string(&got).unwrap().contains("Lovelace"));
    let ask = |fields: &[&str], purpose: Option<&str>| RevealRequest {
        fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        purpose: purpose.map(str::to_owned),
    };
    // customers:read alone cannot reveal.
    assert_eq!(
        crm.reveal(&code, &ask(&["email"], Some("customer_request"))).await.map(drop).unwrap_err().status(),
        Some(403)
    );

    let revealer = r.ts.client(Some(&key("billing", &["customers:read", "customers:reveal"]).await));
    assert_eq!(kind(revealer.reveal(&code, &ask(&["email"], None)).await.map(drop)), "purpose-required");
    assert_eq!(
        revealer.reveal(&code, &ask(&["email"], None)).await.map(drop).unwrap_err().status(),
        Some(400)
    );
    // Two fields asked for, one of them absent from the record: one revealed, one on record.
    let shown = revealer.reveal(&code, &ask(&["email", "phone"], Some("customer_request"))).await.unwrap();
    assert_eq!(shown.fields.len(), 1);
    assert_eq!(shown.fields["email"], "ada@example.com");
    let q = AuditQuery { action: Some("customer.reveal".into()), ..Default::default() };
    let entries = admin.audit(&q).await.unwrap().entries;
    let reveals: Vec<_> = entries.iter().filter(|e| e.outcome == "success").collect();
    assert_eq!(reveals.len(), 1, "{entries:?}");
    assert_eq!(reveals[0].fields, vec!["email".to_owned()]);
    assert!(reveals[0].purpose.as_deref().is_some_and(|p| p.contains("customer_request")));
    assert!(reveals[0].actor.starts_with("apikey:"));
}
