//! Known customers (issue 18): `Vault::identify` looks many values up at once, through
//! `GroupStore::find_many`, and answers as one `find` per value would, in one audit entry.

use sekretess_core::audit::AuditStore;
use sekretess_core::{FieldType, Probe};
use zeroize::Zeroizing;

use crate::common::{self, Backend, ctx, fields};

crate::conformance!(identify_answers_as_find_does_in_one_entry);

fn probe(field_type: FieldType, value: &str) -> Probe {
    Probe { field_type, value: Zeroizing::new(value.to_owned()) }
}

async fn identify_answers_as_find_does_in_one_entry<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    let v = &tv.vault;
    v.create_group(&ctx(), "retail").await.unwrap();
    v.create_group(&ctx(), "other").await.unwrap();
    let people = [
        ("Ada Lovelace", "ada@example.com", "+46701234567", "19670919-9530"),
        ("Ada Lovelace", "ada2@example.com", "+46701234568", "811218-9876"),
        ("Bo Ek", "bo@example.com", "+14155550132", "536-90-4399"),
    ];
    // Batch creates (so SQLite's staged index runs are read too), and one single create.
    let batch: Vec<_> = people
        .iter()
        .map(|(n, e, p, id)| fields(&[("full_name", n), ("email", e), ("phone", p), ("national_id", id)]))
        .collect();
    let codes: Vec<_> =
        v.create_customers(&ctx(), "retail", &batch).await.unwrap().into_iter().map(Result::unwrap).collect();
    let single = v
        .create_customer(
            &ctx(),
            "retail",
            &fields(&[("full_name", "Cy Berg"), ("card_number", "4111111111111111")]),
        )
        .await
        .unwrap();
    let elsewhere = v.create_customer(&ctx(), "other", &fields(&[("full_name", "Bo Ek")])).await.unwrap();

    let probes = [
        probe(FieldType::Name, "ada  LOVELACE"),
        probe(FieldType::Email, "Ada@Example.com"),
        probe(FieldType::Phone, "+46 70-123 45 68"),
        probe(FieldType::SePersonnummer, "670919-9530"),
        probe(FieldType::UsSsn, "536 90 4399"),
        probe(FieldType::Name, "Bo Ek"),
        probe(FieldType::CardNumber, "4111 1111 1111 1111"),
        probe(FieldType::Name, "Nobody Here"),
        probe(FieldType::Email, "not an address"),
        probe(FieldType::SePersonnummer, "811218-9876"),
    ];
    let groups = v.list_groups().unwrap();
    let retail = groups.iter().find(|g| g.name == "retail").unwrap().id;
    let other = groups.iter().find(|g| g.name == "other").unwrap().id;
    v.audit_flush().await.unwrap(); // the batch's commit marker is written in the background
    let before = v.store().audit_head().await.unwrap().unwrap().0;
    let found = v.identify(&ctx(), &[retail], &probes, Some("doc-1")).await.unwrap();
    let after = v.store().audit_head().await.unwrap().unwrap().0;
    assert_eq!(after, before + 1, "one audit entry per document");

    // The oracle: one find per probe, in the field the probe's type belongs to.
    let field = |t: FieldType| match t {
        FieldType::Name => "full_name",
        FieldType::Email => "email",
        FieldType::Phone => "phone",
        FieldType::CardNumber => "card_number",
        _ => "national_id",
    };
    for (p, got) in probes.iter().zip(&found) {
        let mut want = v.find(&ctx(), "retail", field(p.field_type), &p.value).await.unwrap_or_default();
        want.sort();
        assert_eq!(got, &want, "{p:?}");
    }
    let mut adas = vec![codes[0].clone(), codes[1].clone()];
    adas.sort();
    assert_eq!(found[0], adas);
    assert_eq!(found[1], [codes[0].clone()]);
    assert_eq!(found[2], [codes[1].clone()]);
    assert_eq!(found[3], [codes[0].clone()]);
    assert_eq!(found[4], [codes[2].clone()]);
    assert_eq!(found[5], [codes[2].clone()], "a group not asked for is never consulted");
    assert_eq!(found[6], [single]);
    assert!(found[7].is_empty() && found[8].is_empty());
    assert_eq!(found[9], [codes[1].clone()]);

    let both = v.identify(&ctx(), &[retail, other], &probes[5..6], None).await.unwrap();
    let mut bo = vec![codes[2].clone(), elsewhere];
    bo.sort();
    assert_eq!(both[0], bo);

    // The entry names groups, fields and codes, never a value.
    let entry = v.store().audit_read(before + 1, 1).await.unwrap().remove(0);
    assert_eq!(entry.action, "customer.identify");
    assert_eq!(entry.group.as_deref(), Some("retail"));
    assert!(entry.fields.contains(&"document:doc-1".to_owned()));
    assert!(entry.fields.contains(&format!("code:{}", codes[0].compact())));
    let text = format!("{entry:?}").to_lowercase();
    for value in ["lovelace", "example.com", "9530", "4399", "4111", "4567"] {
        assert!(!text.contains(value), "{value} in {text}");
    }
}
