//! Nothing personal and no key in the data files; groups isolated from each other.

use std::os::unix::fs::PermissionsExt;

use sekretess_core::{CustomerCode, VaultError};

use crate::common::{self, Backend, contains, ctx, fields, forms, lines, search};

crate::conformance!(no_plaintext_value_or_key_at_rest, files_are_private, groups_are_isolated);

/// (test-data list, field it goes into)
const STORED: [(&str, &str); 6] = [
    ("stdnum/se_personnummer_valid.txt", "national_id"),
    ("stdnum/us_ssn_valid.txt", "national_id"),
    ("stdnum/iban_valid.txt", "iban"),
    ("stdnum/luhn_valid.txt", "notes"),
    ("stdnum/se_orgnr_valid.txt", "org_number"),
    ("cards/test_pans_luhn_valid.txt", "card_number"),
];

async fn no_plaintext_value_or_key_at_rest<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    let groups = ["alpha", "beta"];
    for g in groups {
        tv.vault.create_group(&ctx(), g).await.unwrap();
    }
    let mut stored: Vec<(CustomerCode, String, String)> = Vec::new();
    let mut i = 0usize;
    for (list, field) in STORED {
        for value in lines(list) {
            let group = groups[i % 2];
            i += 1;
            let item = fields(&[(field, &value), ("full_name", "Testa Testsson")]);
            let (code, field) = match tv.vault.create_customer(&ctx(), group, &item).await {
                Ok(code) => (code, field),
                // The same personnummer written another way is the same person: the
                // schema keeps national_id unique, so keep this spelling in notes.
                Err(VaultError::Duplicate { field: f }) if f == "national_id" => {
                    let item = fields(&[("notes", &value)]);
                    (tv.vault.create_customer(&ctx(), group, &item).await.unwrap(), "notes")
                }
                Err(e) => panic!("{list}: {value}: {e}"),
            };
            stored.push((code, field.to_owned(), value));
        }
    }
    assert_eq!(stored.len(), 14 + 6 + 307 + 5 + 22 + 15);

    // Everything reads back, so it really is stored (encrypted) in the files.
    let mut needles: Vec<Vec<u8>> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    for (code, field, value) in &stored {
        let customer = tv.vault.get_customer(&ctx(), code, None).await.unwrap();
        assert_eq!(customer.fields[field].expose(), value);
        for form in forms(value) {
            needles.push(form);
            labels.push(format!("value {value:?}"));
        }
    }
    for (code, _, _) in stored.iter().step_by(7) {
        let (root, dek) = tv.vault.test_hook_key_material(code).await.unwrap();
        needles.push(root.expose().to_vec());
        labels.push("root key".into());
        needles.push(dek.expose().to_vec());
        labels.push(format!("data key of {code}"));
    }
    for share in &tv.shares {
        needles.push(share.as_bytes().to_vec());
        labels.push("an unseal share".into());
    }

    if let Some(files) = tv.backend.files() {
        let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        assert!(
            names.iter().any(|n| n.ends_with("-wal")),
            "WAL files expected before a checkpoint: {names:?}"
        );
    }
    let stored = tv.backend.at_rest().await;
    assert!(stored.iter().map(|(_, bytes)| bytes.len()).sum::<usize>() > 0);
    let hits = search(&stored, &needles);
    assert!(
        hits.is_empty(),
        "found in files: {:?}",
        hits.iter().map(|(f, i)| (f, &labels[*i])).collect::<Vec<_>>()
    );

    tv.vault.purge_erased().await.unwrap();
    let hits = search(&tv.backend.at_rest().await, &needles);
    assert!(
        hits.is_empty(),
        "found after purge_erased: {:?}",
        hits.iter().map(|(f, i)| (f, &labels[*i])).collect::<Vec<_>>()
    );
}

/// Where the backend has data files of its own (SQLite), only their owner may read them.
/// (A PostgreSQL server keeps its files private itself: initdb makes its folder 0700.)
async fn files_are_private<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "retail").await.unwrap();
    tv.vault.create_customer(&ctx(), "retail", &fields(&[("full_name", "Ada Lovelace")])).await.unwrap();
    let Some(all) = tv.backend.files() else { return };
    let dir = all[0].ancestors().find(|p| p.join("control.db").exists()).unwrap();
    let dir_mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(dir_mode, 0o700);
    assert!(all.len() >= 4, "{all:?}");
    for f in all {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} has mode {mode:o}", f.display());
    }
}

async fn groups_are_isolated<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    tv.vault.create_group(&ctx(), "beta").await.unwrap();
    let same = fields(&[("national_id", "19811228-9874"), ("email", "same@example.com")]);
    let a = tv.vault.create_customer(&ctx(), "alpha", &same).await.unwrap();
    let b = tv.vault.create_customer(&ctx(), "beta", &same).await.unwrap();
    assert_ne!(a, b);
    tv.vault.purge_erased().await.unwrap();

    let (alpha_dek, alpha_fields) = tv.backend.read_customer(1, a.compact()).await;
    let (_, beta_fields) = tv.backend.read_customer(2, b.compact()).await;

    // Nothing of alpha's customer is in beta's store: not its code, key or any ciphertext.
    let beta_bytes = tv.backend.group_at_rest(2).await;
    assert!(contains(&beta_bytes, b.compact().as_bytes()), "the search sees beta's own data");
    assert!(!contains(&beta_bytes, a.compact().as_bytes()));
    assert!(!contains(&beta_bytes, &alpha_dek));
    assert_eq!(alpha_fields.len(), 2);
    for ((name_a, ct_a), (name_b, ct_b)) in alpha_fields.iter().zip(&beta_fields) {
        assert_eq!(name_a, name_b);
        assert_ne!(ct_a, ct_b, "same value, same ciphertext across groups in {name_a}");
        assert!(!contains(&beta_bytes, ct_a));
    }

    // The same value gives different blind indexes in the two groups.
    let alpha_index: Vec<Vec<u8>> = tv.backend.index_rows(1).await.into_iter().map(|(h, _)| h).collect();
    let beta_index: Vec<Vec<u8>> = tv.backend.index_rows(2).await.into_iter().map(|(h, _)| h).collect();
    assert_eq!((alpha_index.len(), beta_index.len()), (2, 2));
    for hash in &alpha_index {
        assert!(!beta_index.contains(hash));
        assert!(!contains(&beta_bytes, hash));
    }

    // And each group finds only its own customer.
    assert_eq!(tv.vault.find(&ctx(), "alpha", "national_id", "811228-9874").await.unwrap(), vec![a]);
    assert_eq!(tv.vault.find(&ctx(), "beta", "email", "SAME@example.com").await.unwrap(), vec![b]);
}
