//! Restricted fields (issue 24): sealed to the offline key on arrival, never readable
//! online, never in plain at rest (SQLite files with their WAL, or a pg_dump), still found
//! by exact value; per-group schemas, versioned, audited, and kept from changing a field's
//! type while values exist.

use sekretess_core::audit::AuditStore;
use sekretess_core::{CustomerCode, FieldChange, FieldDef, FieldType, HELD_OFFLINE, Sensitivity, VaultError};
use sekretess_crypto::offline::OfflineRecipient;
use sekretess_offline::{OfflineIdentity, open_bundle};

use crate::common::{self, Backend, ctx, fields, forms, lines, search};

crate::conformance!(
    restricted_values_are_sealed_offline_and_found_by_exact_value,
    schemas_are_per_group_versioned_audited_and_kept_while_values_exist,
);

fn tax_id(sensitivity: Sensitivity) -> FieldDef {
    FieldDef {
        name: "tax_id".into(),
        field_type: FieldType::SePersonnummer,
        sensitivity,
        searchable: true,
        unique: false,
    }
}

/// The 12-digit form the personnummer rules normalize to (century from the test data's
/// own dates: all of them are 19xx), computed here independently of the vault.
fn twelve_digits(value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 12 { digits } else { format!("19{digits}") }
}

async fn restricted_values_are_sealed_offline_and_found_by_exact_value<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "retail").await.unwrap();
    tv.vault.add_field(&ctx(), "retail", tax_id(Sensitivity::Restricted)).await.unwrap();
    // Without the offline key's public half, a restricted value is refused, not kept.
    let one = fields(&[("tax_id", "811228-9874")]);
    assert_eq!(
        tv.vault.create_customer(&ctx(), "retail", &one).await.unwrap_err(),
        VaultError::OfflineKeyMissing
    );

    let (identity, _) = OfflineIdentity::generate();
    tv.vault.set_offline_recipient(Some(OfflineRecipient::parse(&identity.recipient()).unwrap())).unwrap();
    // Validated before it is sealed: a wrong check digit is refused, naming the field.
    let bad = tv.vault.create_customer(&ctx(), "retail", &fields(&[("tax_id", "811228-9875")])).await;
    assert!(matches!(bad, Err(VaultError::Invalid { ref field, .. }) if field == "tax_id"), "{bad:?}");

    let values: Vec<String> = lines("stdnum/se_personnummer_valid.txt");
    let mut stored: Vec<(CustomerCode, String)> = Vec::new();
    for v in &values {
        let item = fields(&[("tax_id", v), ("full_name", "Testa Testsson")]);
        stored.push((tv.vault.create_customer(&ctx(), "retail", &item).await.unwrap(), v.clone()));
    }
    for (code, value) in &stored {
        let c = tv.vault.get_customer(&ctx(), code, None).await.unwrap();
        assert_eq!(c.fields["tax_id"].expose(), HELD_OFFLINE);
        assert_eq!(c.fields["full_name"].expose(), "Testa Testsson");
        let revealed = tv.vault.reveal_customer(&ctx(), code, "test", &["tax_id".to_owned()]).await.unwrap();
        assert_eq!(revealed.fields["tax_id"].expose(), HELD_OFFLINE);
        // Found by the exact value, written in another form than it was stored in.
        let found = tv.vault.find(&ctx(), "retail", "tax_id", &twelve_digits(value)).await.unwrap();
        assert!(found.contains(code), "{value}");
    }
    // An update of another field keeps the sealed value and its index entry.
    let (code, value) = &stored[2];
    tv.vault.update_customer(&ctx(), code, &[("full_name".into(), Some("Other Name".into()))]).await.unwrap();
    assert!(tv.vault.find(&ctx(), "retail", "tax_id", value).await.unwrap().contains(code));
    // A value sent in the sealed form itself is refused, never stored as given.
    let forged = [("notes".to_owned(), Some("sekretess-offline/1::x".to_owned()))];
    assert!(matches!(tv.vault.update_customer(&ctx(), code, &forged).await, Err(VaultError::Invalid { .. })));

    // The export holds the values still sealed; the offline identity opens them.
    let codes: Vec<CustomerCode> = stored.iter().map(|(c, _)| c.clone()).collect();
    let export = tv.vault.offline_export(&ctx(), "retail", &codes, "court order 12/2026").await.unwrap();
    assert_eq!(export.values, stored.len());
    let opened = open_bundle(&identity, &export.bundle).unwrap();
    assert_eq!(opened.purpose, "court order 12/2026");
    for ((code, value), c) in stored.iter().zip(&opened.customers) {
        assert_eq!(c.code, code.compact());
        assert_eq!(c.fields.len(), 1);
        assert_eq!(c.fields[0].0, "tax_id");
        assert_eq!(twelve_digits(c.fields[0].1.as_str()), twelve_digits(value), "the same number");
    }
    // The export of a code of another group reads as not found.
    tv.vault.create_group(&ctx(), "other").await.unwrap();
    let elsewhere = tv.vault.offline_export(&ctx(), "other", &codes[..1], "x").await;
    assert_eq!(elsewhere.err(), Some(VaultError::NotFound));

    // Nowhere in plain: every written form of every value, in every file (the WAL too) or
    // pg_dump of every database, nor in the bundle.
    let mut needles = Vec::new();
    for (_, value) in &stored {
        needles.extend(forms(value));
        needles.push(twelve_digits(value).into_bytes());
    }
    let at_rest = tv.backend.at_rest().await;
    if let Some(files) = tv.backend.files() {
        assert!(files.iter().any(|f| f.display().to_string().ends_with("-wal")), "{files:?}");
    }
    let hits = search(&at_rest, &needles);
    assert!(hits.is_empty(), "in plain at rest: {hits:?}");
    assert!(search(&[("bundle".into(), export.bundle.clone())], &needles).is_empty());
    // The search does see what is in plain (customer codes are stored in plain).
    let code_needle = vec![stored[0].0.compact().as_bytes().to_vec()];
    assert!(!search(&at_rest, &code_needle).is_empty());

    // Each exported customer is on record with the purpose, the field named, no value.
    let entries = tv.vault.store().audit_read(1, 10_000).await.unwrap();
    let exports: Vec<_> = entries.iter().filter(|e| e.action == "offline.export").collect();
    assert_eq!(exports.len(), stored.len());
    assert!(
        exports.iter().all(|e| e.purpose.as_deref() == Some("court order 12/2026") && e.fields == ["tax_id"])
    );
}

async fn schemas_are_per_group_versioned_audited_and_kept_while_values_exist<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    tv.vault.create_group(&ctx(), "beta").await.unwrap();
    let (v, schema) = tv.vault.group_schema("alpha").await.unwrap();
    assert_eq!((v, &schema), (1, tv.vault.schema()));
    let def = tax_id(Sensitivity::Confidential);
    assert_eq!(tv.vault.add_field(&ctx(), "alpha", def.clone()).await.unwrap(), 2);
    assert!(tv.vault.add_field(&ctx(), "alpha", def.clone()).await.is_err(), "a second field of that name");
    // Per group: beta does not have the field.
    assert!(tv.vault.group_schema("beta").await.unwrap().1.field("tax_id").is_none());
    let item = fields(&[("tax_id", "811228-9874")]);
    assert!(matches!(
        tv.vault.create_customer(&ctx(), "beta", &item).await,
        Err(VaultError::UnknownField { .. })
    ));
    // No values yet: the type may change, and back.
    let to_text = FieldChange { field_type: Some(FieldType::Text), ..FieldChange::default() };
    assert_eq!(tv.vault.change_field(&ctx(), "alpha", "tax_id", to_text.clone()).await.unwrap(), 3);
    let back = FieldChange { field_type: Some(FieldType::SePersonnummer), ..FieldChange::default() };
    assert_eq!(tv.vault.change_field(&ctx(), "alpha", "tax_id", back).await.unwrap(), 4);
    let code = tv.vault.create_customer(&ctx(), "alpha", &item).await.unwrap();
    // Now values exist: the type, a move to restricted and the index stay.
    for change in [
        to_text,
        FieldChange { sensitivity: Some(Sensitivity::Restricted), ..FieldChange::default() },
        FieldChange { searchable: Some(false), ..FieldChange::default() },
    ] {
        assert_eq!(
            tv.vault.change_field(&ctx(), "alpha", "tax_id", change).await.unwrap_err(),
            VaultError::FieldInUse { field: "tax_id".into() }
        );
    }
    // Confidential -> internal changes nothing stored: allowed.
    let internal = FieldChange { sensitivity: Some(Sensitivity::Internal), ..FieldChange::default() };
    assert_eq!(tv.vault.change_field(&ctx(), "alpha", "tax_id", internal).await.unwrap(), 5);
    // Once the value is gone the type may change again.
    tv.vault
        .update_customer(&ctx(), &code, &[("tax_id".into(), None), ("notes".into(), Some("x".into()))])
        .await
        .unwrap();
    let to_restricted = FieldChange { sensitivity: Some(Sensitivity::Restricted), ..FieldChange::default() };
    assert_eq!(tv.vault.change_field(&ctx(), "alpha", "tax_id", to_restricted).await.unwrap(), 6);

    // Stored: another vault over the same store (another process, a restart) has it.
    let again = common::open(&tv.backend).await;
    for s in &tv.shares[..3] {
        again.submit_share(&ctx(), s).await.unwrap();
    }
    let (v, schema) = again.group_schema("alpha").await.unwrap();
    assert_eq!(v, 6);
    assert_eq!(schema.field("tax_id").unwrap().sensitivity, Sensitivity::Restricted);
    assert_eq!(again.group_schema("beta").await.unwrap().0, 1);

    // Every change is on record (refused ones as failed), naming group and field.
    let entries = tv.vault.store().audit_read(1, 10_000).await.unwrap();
    let changes: Vec<_> = entries.iter().filter(|e| e.action == "schema.change").collect();
    assert!(changes.len() >= 5, "{}", changes.len());
    assert!(changes.iter().all(|e| e.group.as_deref() == Some("alpha") && e.fields == ["tax_id"]));
}
