//! Nothing personal and no key in the data files; groups isolated from each other.

use std::os::unix::fs::PermissionsExt;

use sekretess_core::{CustomerCode, VaultError};
use sqlx::Row;

use crate::common::{self, contains, ctx, fields, files, forms, lines, search};

/// (test-data list, field it goes into)
const STORED: [(&str, &str); 6] = [
    ("stdnum/se_personnummer_valid.txt", "national_id"),
    ("stdnum/us_ssn_valid.txt", "national_id"),
    ("stdnum/iban_valid.txt", "iban"),
    ("stdnum/luhn_valid.txt", "notes"),
    ("stdnum/se_orgnr_valid.txt", "org_number"),
    ("cards/test_pans_luhn_valid.txt", "card_number"),
];

#[tokio::test]
async fn no_plaintext_value_or_key_at_rest() {
    let tv = common::unsealed().await;
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

    let data = tv.dir.path();
    let names: Vec<String> = files(data).iter().map(|p| p.display().to_string()).collect();
    assert!(names.iter().any(|n| n.ends_with("-wal")), "WAL files expected before a checkpoint: {names:?}");
    let hits = search(data, &needles);
    assert!(
        hits.is_empty(),
        "found in files: {:?}",
        hits.iter().map(|(f, i)| (f, &labels[*i])).collect::<Vec<_>>()
    );

    tv.vault.checkpoint().await.unwrap();
    let hits = search(data, &needles);
    assert!(
        hits.is_empty(),
        "found after checkpoint: {:?}",
        hits.iter().map(|(f, i)| (f, &labels[*i])).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn files_are_private() {
    let tv = common::unsealed().await;
    tv.vault.create_group(&ctx(), "retail").await.unwrap();
    tv.vault.create_customer(&ctx(), "retail", &fields(&[("full_name", "Ada Lovelace")])).await.unwrap();
    let dir_mode = std::fs::metadata(tv.dir.path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(dir_mode, 0o700);
    let all = files(tv.dir.path());
    assert!(all.len() >= 4, "{all:?}");
    for f in all {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} has mode {mode:o}", f.display());
    }
}

async fn raw_rows(path: &std::path::Path, sql: &str) -> Vec<sqlx::sqlite::SqliteRow> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let rows = sqlx::query(sql).fetch_all(&pool).await.unwrap();
    pool.close().await;
    rows
}

#[tokio::test]
async fn groups_are_isolated() {
    let tv = common::unsealed().await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    tv.vault.create_group(&ctx(), "beta").await.unwrap();
    let same = fields(&[("national_id", "19811228-9874"), ("email", "same@example.com")]);
    let a = tv.vault.create_customer(&ctx(), "alpha", &same).await.unwrap();
    let b = tv.vault.create_customer(&ctx(), "beta", &same).await.unwrap();
    assert_ne!(a, b);
    tv.vault.checkpoint().await.unwrap();

    let alpha_db = tv.dir.path().join("groups/group-1.db");
    let beta_db = tv.dir.path().join("groups/group-2.db");
    let alpha_rows = raw_rows(&alpha_db, "SELECT code, wrapped_dek, fields FROM customers").await;
    let beta_rows = raw_rows(&beta_db, "SELECT code, wrapped_dek, fields FROM customers").await;
    assert_eq!((alpha_rows.len(), beta_rows.len()), (1, 1));

    // Nothing of alpha's customer is in beta's file: not its code, key or any ciphertext.
    let beta_bytes = std::fs::read(&beta_db).unwrap();
    let alpha_code: String = alpha_rows[0].get("code");
    assert_eq!(alpha_code, a.compact());
    assert!(!contains(&beta_bytes, alpha_code.as_bytes()));
    let alpha_dek: Vec<u8> = alpha_rows[0].get("wrapped_dek");
    assert!(!contains(&beta_bytes, &alpha_dek));
    let alpha_fields =
        sekretess_store::sqlite::decode_fields(&alpha_rows[0].get::<Vec<u8>, _>("fields")).unwrap();
    let beta_fields =
        sekretess_store::sqlite::decode_fields(&beta_rows[0].get::<Vec<u8>, _>("fields")).unwrap();
    for ((name_a, ct_a), (name_b, ct_b)) in alpha_fields.iter().zip(&beta_fields) {
        assert_eq!(name_a, name_b);
        assert_ne!(ct_a, ct_b, "same value, same ciphertext across groups in {name_a}");
        assert!(!contains(&beta_bytes, ct_a));
    }

    // The same value gives different blind indexes in the two groups.
    let sql = "SELECT hash FROM blind_index UNION ALL SELECT hash FROM unique_index";
    let alpha_index: Vec<Vec<u8>> = raw_rows(&alpha_db, sql).await.iter().map(|r| r.get("hash")).collect();
    let beta_index: Vec<Vec<u8>> = raw_rows(&beta_db, sql).await.iter().map(|r| r.get("hash")).collect();
    assert_eq!((alpha_index.len(), beta_index.len()), (2, 2));
    for hash in &alpha_index {
        assert!(!beta_index.contains(hash));
        assert!(!contains(&beta_bytes, hash));
    }

    // And each group finds only its own customer.
    assert_eq!(tv.vault.find(&ctx(), "alpha", "national_id", "811228-9874").await.unwrap(), vec![a]);
    assert_eq!(tv.vault.find(&ctx(), "beta", "email", "SAME@example.com").await.unwrap(), vec![b]);
}
