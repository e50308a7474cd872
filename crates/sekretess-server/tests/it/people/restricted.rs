//! Restricted fields (issue 24) are write-only online: no route answers the value to any
//! kind of caller (every role, every API-key scope), while an exact-value search still
//! finds the customer and the masked view says where the value is.

use super::*;

#[tokio::test]
async fn a_restricted_value_reaches_no_caller_yet_is_found_by_exact_value() {
    let w = World::build().await;
    // The officer signs the current agreement (an export reaches customer data).
    let off = w.token(Kind::Officer).unwrap();
    let r = send(
        &w.client(Some(&off)),
        Method::POST,
        "/v1/agreements/sign",
        Some(json!({"version": 1, "password": PW})),
    )
    .await;
    assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    let mut kinds = vec![
        Kind::None,
        Kind::Pending,
        Kind::Suspended,
        Kind::Unsigned,
        Kind::NoGroup,
        Kind::Agent,
        Kind::Auditor,
    ];
    kinds.push(Kind::Officer);
    kinds.extend(SCOPES.map(Kind::Svc));
    let code = w.code.clone();
    let reveal = |fields: &[&str]| Some(json!({"fields": fields, "purpose": "customer_request"}));
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/v1/customers/{code}"), None),
        (Method::POST, format!("/v1/customers/{code}/reveal"), reveal(&["tax_id"])),
        (Method::POST, format!("/v1/customers/{code}/reveal"), reveal(&["email", "tax_id"])),
        (
            Method::POST,
            "/v1/customers/search".into(),
            Some(json!({"group": "retail", "field": "tax_id", "value": "198112289874"})),
        ),
        (Method::GET, "/v1/audit?limit=1000".into(), None),
        (Method::GET, "/v1/groups/retail/schema".into(), None),
        (
            Method::POST,
            "/v1/offline/export".into(),
            Some(json!({"group": "retail", "customers": [code], "purpose": "court order"})),
        ),
        (Method::GET, format!("/v1/documents?customer={code}"), None),
    ];
    let mut found_by = vec![];
    let mut exported_by = vec![];
    let mut masked_for = vec![];
    for k in &kinds {
        for (method, path, body) in &calls {
            let resp = send(&w.as_kind(*k), method.clone(), path, body.clone()).await;
            assert!(!holds_tax_id(&resp.body), "{method} {path} as {k:?} answered the restricted value");
            let text = String::from_utf8_lossy(&resp.body);
            if resp.status == 200 && path == "/v1/customers/search" && text.contains(&code) {
                found_by.push(*k);
            }
            if resp.status == 200 && path == "/v1/offline/export" {
                let v: Value = json_of(&resp);
                assert_eq!((v["customers"].as_u64(), v["values"].as_u64()), (Some(1), Some(1)), "{v}");
                exported_by.push(*k);
            }
            if resp.status == 200 && *method == Method::GET && path.starts_with("/v1/customers/") {
                let v: Value = json_of(&resp);
                let shown = v["fields"]["tax_id"].to_string();
                assert!(shown.contains("held offline"), "{k:?}: {v}");
                masked_for.push(*k);
            }
        }
    }
    // Found by its exact value, in another written form, by those who may search.
    assert!(
        found_by.contains(&Kind::Agent) && found_by.contains(&Kind::Svc("customers:find")),
        "{found_by:?}"
    );
    assert!(exported_by.contains(&Kind::Officer) && exported_by.contains(&Kind::Svc("offline:export")));
    assert!(!exported_by.contains(&Kind::Agent));
    assert!(
        masked_for.contains(&Kind::Agent) && masked_for.contains(&Kind::Svc("customers:read")),
        "{masked_for:?}"
    );
}

#[tokio::test]
async fn schema_changes_go_through_the_api_with_their_rules() {
    let w = World::build().await;
    let officer = w.as_kind(Kind::Officer);
    let s = officer.group_schema("retail").await.unwrap();
    assert_eq!(s.version, 2, "the default schema, then tax_id");
    let tax = s.fields.iter().find(|f| f.name == "tax_id").unwrap();
    assert_eq!((tax.sensitivity.as_str(), tax.searchable), ("restricted", true));
    // tax_id has a value: its type and its restricted sensitivity stay.
    let to_text =
        sekretess_api::offline::FieldChange { field_type: Some("text".into()), ..Default::default() };
    assert_eq!(crate::common::kind(officer.change_field("retail", "tax_id", &to_text).await), "field-in-use");
    let down = sekretess_api::offline::FieldChange {
        sensitivity: Some("confidential".into()),
        ..Default::default()
    };
    assert_eq!(crate::common::kind(officer.change_field("retail", "tax_id", &down).await), "field-in-use");
    // notes (internal, has a value) may become confidential: nothing stored changes.
    let up = sekretess_api::offline::FieldChange {
        sensitivity: Some("confidential".into()),
        ..Default::default()
    };
    let s = officer.change_field("retail", "notes", &up).await.unwrap();
    assert_eq!(s.version, 3);
    let bad =
        sekretess_api::offline::FieldChange { sensitivity: Some("secret".into()), ..Default::default() };
    assert_eq!(crate::common::kind(officer.change_field("retail", "notes", &bad).await), "invalid-field");
    // An agent may read the schema of its group but not change it.
    let agent = w.as_kind(Kind::Agent);
    assert_eq!(agent.group_schema("retail").await.unwrap().version, 3);
    assert!(agent.change_field("retail", "notes", &up).await.is_err());
}
