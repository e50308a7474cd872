//! Validation against the invalid fixtures, and bad input that must change nothing.

use sekretess_core::audit::{AuditStore, Outcome};
use sekretess_core::{CustomerCode, VaultError};

use crate::common::{self, Backend, ctx, fields, lines};

crate::conformance!(
    invalid_fixtures_are_refused_naming_field_and_rule_not_value,
    bad_input_is_typed_and_changes_nothing,
    single_writes_see_what_batches_committed_between_their_rounds,
);

/// (invalid list, field it is offered to)
const INVALID: [(&str, &str); 13] = [
    ("stdnum/se_personnummer_invalid.txt", "national_id"),
    ("stdnum/se_personnummer_invalid_generated.txt", "national_id"),
    ("stdnum/us_ssn_invalid.txt", "national_id"),
    ("stdnum/iban_invalid.txt", "iban"),
    ("stdnum/iban_invalid_generated.txt", "iban"),
    ("stdnum/iban_invalid_country_rules.txt", "iban"),
    ("stdnum/luhn_invalid.txt", "card_number"),
    ("stdnum/luhn_invalid_generated.txt", "card_number"),
    ("cards/test_pans_luhn_invalid_generated.txt", "card_number"),
    ("stdnum/se_orgnr_invalid.txt", "org_number"),
    ("stdnum/se_orgnr_invalid_generated.txt", "org_number"),
    // Luhn-valid numbers that no card brand issues are not card numbers either.
    ("stdnum/luhn_valid.txt", "card_number"),
    // A personnummer is not an organisationsnummer's shape only by luck: orgnr keeps its own field.
    ("stdnum/iban_valid.txt", "national_id"),
];

async fn invalid_fixtures_are_refused_naming_field_and_rule_not_value<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "retail").await.unwrap();
    let mut refused = 0;
    for (list, field) in INVALID {
        for value in lines(list) {
            let err =
                tv.vault.create_customer(&ctx(), "retail", &fields(&[(field, &value)])).await.unwrap_err();
            let VaultError::Invalid { field: named, rule } = &err else {
                panic!("{list}: {value:?} gave {err:?}, expected an invalid-field error");
            };
            assert_eq!(named, field);
            assert!(!rule.is_empty());
            let message = err.to_string();
            let compact: String = value.chars().filter(char::is_ascii_alphanumeric).collect();
            assert!(!message.contains(&value) && !message.contains(&compact), "{message}");
            refused += 1;
        }
    }
    assert_eq!(refused, 3 + 14 + 14 + 22 + 256 + 2 + 2 + 5 + 15 + 1 + 22 + 5 + 307);
    // Nothing was written.
    assert!(
        tv.vault
            .find(&ctx(), "retail", "national_id", "880320-0018")
            .await
            .unwrap_err()
            .to_string()
            .contains("national_id")
    );
}

async fn bad_input_is_typed_and_changes_nothing<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "retail").await.unwrap();
    let v = &tv.vault;
    let ok = fields(&[("full_name", "Ada Lovelace"), ("national_id", "19881231-0004")]);

    assert_eq!(
        v.create_customer(&ctx(), "nope", &ok).await.unwrap_err(),
        VaultError::UnknownGroup("nope".into())
    );
    assert_eq!(v.create_group(&ctx(), "retail").await.unwrap_err(), VaultError::GroupExists("retail".into()));
    assert!(matches!(v.create_group(&ctx(), "Bad Name!").await, Err(VaultError::InvalidGroupName(_))));

    let code = v.create_customer(&ctx(), "retail", &ok).await.unwrap();
    let dup = fields(&[("full_name", "Someone Else"), ("national_id", "881231-0004")]);
    assert_eq!(
        v.create_customer(&ctx(), "retail", &dup).await.unwrap_err(),
        VaultError::Duplicate { field: "national_id".into() }
    );

    let cases: Vec<(Vec<(String, String)>, VaultError)> = vec![
        (
            fields(&[("email", "not-an-email")]),
            VaultError::Invalid { field: "email".into(), rule: "not an e-mail address (local@domain.tld)" },
        ),
        (
            fields(&[("phone", "070-123 45 67")]),
            VaultError::Invalid {
                field: "phone".into(),
                rule: "not an international (E.164) phone number: + and 8-15 digits",
            },
        ),
        (
            fields(&[("birth_date", "1990-02-30")]),
            VaultError::Invalid { field: "birth_date".into(), rule: "not a real calendar date" },
        ),
        (
            fields(&[("notes", &"x".repeat(10_001))]),
            VaultError::TooLong { field: "notes".into(), max: 10_000 },
        ),
        (
            fields(&[("full_name", &"a".repeat(255))]),
            VaultError::TooLong { field: "full_name".into(), max: 254 },
        ),
        (fields(&[("cvv", "123")]), VaultError::ForbiddenField { field: "cvv".into() }),
        (fields(&[("card_cvc2", "123")]), VaultError::ForbiddenField { field: "card_cvc2".into() }),
        (fields(&[("shoe_size", "44")]), VaultError::UnknownField { field: "shoe_size".into() }),
        (
            fields(&[("full_name", "A"), ("full_name", "B")]),
            VaultError::Invalid { field: "full_name".into(), rule: "given more than once" },
        ),
        (vec![], VaultError::NoFields),
    ];
    for (item, expected) in cases {
        assert_eq!(v.create_customer(&ctx(), "retail", &item).await.unwrap_err(), expected);
    }

    // Per-item answers in a batch: good items are written, bad ones say why.
    let batch = vec![
        fields(&[("full_name", "Bea Batch"), ("national_id", "19900101-0017")]),
        fields(&[("email", "broken")]),
        fields(&[("full_name", "Dup Licate"), ("national_id", "19881231-0004")]),
        fields(&[("full_name", "Cee Batch"), ("national_id", "19900101-0017")]),
        fields(&[("full_name", "Dee Batch")]),
    ];
    let results = v.create_customers(&ctx(), "retail", &batch).await.unwrap();
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(VaultError::Invalid { .. })));
    assert_eq!(results[2], Err(VaultError::Duplicate { field: "national_id".into() }));
    assert_eq!(results[3], Err(VaultError::Duplicate { field: "national_id".into() }));
    assert!(results[4].is_ok());
    // Each valid item went on record as an attempt before the write; written one by one
    // after the conflict, each is resolved by its own marker: committed, or failed (the two
    // refused ones, under their own codes).
    v.audit_flush().await.unwrap(); // markers written in the background
    let head = v.store().audit_head().await.unwrap().unwrap().0;
    let recent = v.store().audit_read(head - 7, 10).await.unwrap();
    let outcomes: Vec<_> = recent.iter().map(|e| (e.action.as_str(), e.outcome)).collect();
    let attempted = ("customer.create", Outcome::Attempted);
    let (committed, failed) =
        (("customer.create.commit", Outcome::Success), ("customer.create.commit", Outcome::Failed));
    assert_eq!(outcomes, [attempted, attempted, attempted, attempted, committed, failed, failed, committed]);
    for (marker, attempt) in recent[4..].iter().zip(&recent[..4]) {
        assert_eq!(marker.customer, attempt.customer);
        assert_eq!(marker.fields, [format!("attempt-seq:{}-{}", attempt.seq, attempt.seq)]);
    }
    for e in &recent[1..3] {
        assert_eq!(e.fields, ["full_name", "national_id"]);
        assert!(!results.iter().flatten().any(|code| Some(code.compact()) == e.customer.as_deref()));
    }
    for r in results.iter().flatten() {
        v.get_customer(&ctx(), r, None).await.unwrap();
    }
    // Nothing half-written: the duplicates have no directory entry or record.
    assert_eq!(v.find(&ctx(), "retail", "national_id", "199001010017").await.unwrap().len(), 1);
    assert_eq!(v.find(&ctx(), "retail", "full_name", "dup licate").await.unwrap().len(), 0);

    // The same in a batch big enough to reach the store in parts (1,024 items each) while
    // it is encrypted: the bad items sit in different parts.
    let mut batch: Vec<_> = (0..2100).map(|i| fields(&[("full_name", &format!("Filler {i}"))])).collect();
    batch[10] = fields(&[("full_name", "Eve Parts"), ("national_id", "811228-9874")]);
    batch[700] = fields(&[("email", "broken")]);
    batch[1500] = fields(&[("full_name", "Dup Parts"), ("national_id", "19881231-0004")]);
    batch[2050] = fields(&[("full_name", "Fay Parts"), ("national_id", "198112289874")]);
    v.audit_flush().await.unwrap(); // markers written in the background
    let head = v.store().audit_head().await.unwrap().unwrap().0;
    let results = v.create_customers(&ctx(), "retail", &batch).await.unwrap();
    // 2099 attempts; the markers: three runs of written items, two refused ones.
    let entries = v.store().audit_read(head + 1, 3000).await.unwrap();
    let markers: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "customer.create.commit")
        .map(|e| (e.outcome, sekretess_core::audit::marker_range(&e.fields).unwrap()))
        .collect();
    let (s, f, at) = (Outcome::Success, Outcome::Failed, |i: u64| head + 1 + i);
    assert_eq!(
        markers,
        [
            (s, (at(0), at(1498))),
            (f, (at(1499), at(1499))),
            (s, (at(1500), at(2048))),
            (f, (at(2049), at(2049))),
            (s, (at(2050), at(2098)))
        ]
    );
    assert_eq!(entries.len(), 2099 + 5);
    assert!(matches!(results[700], Err(VaultError::Invalid { .. })));
    assert_eq!(results[1500], Err(VaultError::Duplicate { field: "national_id".into() }));
    assert_eq!(results[2050], Err(VaultError::Duplicate { field: "national_id".into() }));
    let written: Vec<&CustomerCode> = results.iter().flatten().collect();
    assert_eq!(written.len(), 2097);
    for code in [written[0], written[10], written[1499], written[2096]] {
        v.get_customer(&ctx(), code, None).await.unwrap();
    }
    assert_eq!(
        v.find(&ctx(), "retail", "national_id", "8112289874").await.unwrap(),
        vec![written[10].clone()]
    );
    assert_eq!(v.find(&ctx(), "retail", "full_name", "filler 2099").await.unwrap().len(), 1);
    for name in ["dup parts", "fay parts"] {
        assert!(v.find(&ctx(), "retail", "full_name", name).await.unwrap().is_empty(), "{name}");
    }

    // Updates validate too, and keep the old value on failure.
    assert!(matches!(
        v.update_customer(&ctx(), &code, &[("email".into(), Some("nope".into()))]).await,
        Err(VaultError::Invalid { .. })
    ));
    v.update_customer(
        &ctx(),
        &code,
        &[("email".into(), Some("ada@example.com".into())), ("national_id".into(), None)],
    )
    .await
    .unwrap();
    let ada = v.get_customer(&ctx(), &code, None).await.unwrap();
    assert_eq!(ada.fields["email"].expose(), "ada@example.com");
    assert!(!ada.fields.contains_key("national_id"));
    assert_eq!(v.find(&ctx(), "retail", "email", "ADA@example.com").await.unwrap(), vec![code.clone()]);
    assert!(v.find(&ctx(), "retail", "national_id", "19881231-0004").await.unwrap().is_empty());
    assert_eq!(
        v.find(&ctx(), "retail", "notes", "x").await.unwrap_err(),
        VaultError::NotSearchable { field: "notes".into() }
    );

    // Codes: malformed, wrong check symbol, unknown.
    assert_eq!(CustomerCode::parse("K7Q4-M92D").unwrap_err(), VaultError::MalformedCode);
    let mut wrong: Vec<char> = code.to_string().chars().collect();
    wrong[13] = if wrong[13] == '0' { '1' } else { '0' };
    assert_eq!(
        CustomerCode::parse(&wrong.into_iter().collect::<String>()).unwrap_err(),
        VaultError::CodeCheckFailed
    );
    let unknown = CustomerCode::generate().unwrap();
    assert_eq!(v.get_customer(&ctx(), &unknown, None).await.unwrap_err(), VaultError::NotFound);

    // A locked group refuses every customer operation, then works again.
    v.set_group_locked(&ctx(), "retail", true).await.unwrap();
    assert_eq!(
        v.get_customer(&ctx(), &code, None).await.unwrap_err(),
        VaultError::GroupLocked("retail".into())
    );
    assert_eq!(
        v.create_customer(&ctx(), "retail", &ok).await.unwrap_err(),
        VaultError::GroupLocked("retail".into())
    );
    v.set_group_locked(&ctx(), "retail", false).await.unwrap();
    v.get_customer(&ctx(), &code, None).await.unwrap();

    // Debug output of a customer never shows a value.
    let shown = format!("{ada:?}");
    assert!(!shown.contains("ada@example.com") && shown.contains("redacted"), "{shown}");
}

/// Single writes go through rounds; batches write in transactions of their own. What a
/// batch committed between two rounds is seen by the next: its values are taken, its
/// customers can be updated and erased.
async fn single_writes_see_what_batches_committed_between_their_rounds<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    let v = &tv.vault;
    v.create_group(&ctx(), "retail").await.unwrap();
    let first = fields(&[("full_name", "Ada Round"), ("national_id", "19881231-0004")]);
    v.create_customer(&ctx(), "retail", &first).await.unwrap();

    let batch = vec![fields(&[("full_name", "Bo Batch"), ("national_id", "19900101-0017")])];
    let from_batch = v.create_customers(&ctx(), "retail", &batch).await.unwrap().remove(0).unwrap();

    let taken = fields(&[("full_name", "Cy Single"), ("national_id", "900101-0017")]);
    assert_eq!(
        v.create_customer(&ctx(), "retail", &taken).await.unwrap_err(),
        VaultError::Duplicate { field: "national_id".into() }
    );
    v.update_customer(&ctx(), &from_batch, &[("email".into(), Some("bo@example.com".into()))]).await.unwrap();
    let read = v.get_customer(&ctx(), &from_batch, None).await.unwrap();
    assert_eq!(read.fields["email"].expose(), "bo@example.com");

    // A second batch after the update: the round's connection sees the batch's row too.
    let later = v.create_customers(&ctx(), "retail", &[fields(&[("full_name", "Di Later")])]).await.unwrap();
    let later = later.into_iter().next().unwrap().unwrap();
    v.erase_customer(&ctx(), &later).await.unwrap();
    assert!(v.get_customer(&ctx(), &later, None).await.is_err());
    assert_eq!(v.find(&ctx(), "retail", "national_id", "199001010017").await.unwrap(), [from_batch]);
}
