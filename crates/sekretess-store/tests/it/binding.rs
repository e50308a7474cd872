//! Ciphertexts moved between customers, fields or groups directly in the SQLite files
//! fail with the one uniform integrity error, and never yield the other value.

use std::path::Path;

use sekretess_core::VaultError;
use sekretess_store::sqlite::{decode_fields, encode_fields};
use sqlx::Row;

use crate::common::{self, ctx, fields};

async fn pool(path: &Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap()
}

async fn read(pool: &sqlx::SqlitePool, code: &str) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
    let row = sqlx::query("SELECT wrapped_dek, fields FROM customers WHERE code = ?")
        .bind(code)
        .fetch_one(pool)
        .await
        .unwrap();
    (row.get("wrapped_dek"), decode_fields(&row.get::<Vec<u8>, _>("fields")).unwrap())
}

async fn write(pool: &sqlx::SqlitePool, code: &str, dek: &[u8], f: &[(String, Vec<u8>)]) {
    let done = sqlx::query("UPDATE customers SET wrapped_dek = ?, fields = ? WHERE code = ?")
        .bind(dek)
        .bind(encode_fields(f))
        .bind(code)
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
}

fn set(f: &mut [(String, Vec<u8>)], name: &str, ct: Vec<u8>) {
    f.iter_mut().find(|(n, _)| n == name).unwrap().1 = ct;
}

fn get<'a>(f: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &f.iter().find(|(n, _)| n == name).unwrap().1
}

#[tokio::test]
async fn swapped_ciphertexts_fail_uniformly() {
    let tv = common::unsealed().await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    tv.vault.create_group(&ctx(), "beta").await.unwrap();
    let person = |name: &str, mail: &str| fields(&[("full_name", name), ("email", mail)]);
    let a = tv.vault.create_customer(&ctx(), "alpha", &person("Anna A", "anna@example.com")).await.unwrap();
    let b = tv.vault.create_customer(&ctx(), "alpha", &person("Bo B", "bo@example.com")).await.unwrap();
    let c = tv.vault.create_customer(&ctx(), "alpha", &person("Cay C", "cay@example.com")).await.unwrap();
    let d = tv.vault.create_customer(&ctx(), "beta", &person("Dan D", "dan@example.com")).await.unwrap();
    let e = tv.vault.create_customer(&ctx(), "alpha", &person("Eva E", "eva@example.com")).await.unwrap();
    let f = tv.vault.create_customer(&ctx(), "alpha", &person("Fia F", "fia@example.com")).await.unwrap();

    let alpha = pool(&tv.dir.path().join("groups/group-1.db")).await;
    let beta = pool(&tv.dir.path().join("groups/group-2.db")).await;
    let (dek_a, mut fa) = read(&alpha, a.compact()).await;
    let (dek_b, mut fb) = read(&alpha, b.compact()).await;
    let (dek_c, mut fc) = read(&alpha, c.compact()).await;
    let (dek_d, mut fd) = read(&beta, d.compact()).await;

    // Between customers of one group: A's and B's e-mail ciphertexts trade places.
    let (ea, eb) = (get(&fa, "email").to_vec(), get(&fb, "email").to_vec());
    set(&mut fa, "email", eb);
    set(&mut fb, "email", ea);
    write(&alpha, a.compact(), &dek_a, &fa).await;
    write(&alpha, b.compact(), &dek_b, &fb).await;

    // Whole records (wrapped key and fields) trade places between E and F: every key
    // unwraps, and only the binding to the customer code stops the read.
    let (dek_e, fe) = read(&alpha, e.compact()).await;
    let (dek_f, ff) = read(&alpha, f.compact()).await;
    write(&alpha, e.compact(), &dek_f, &ff).await;
    write(&alpha, f.compact(), &dek_e, &fe).await;

    // Between fields of one customer (same key, only the field binding differs): C's name and e-mail trade places.
    let (nc, ec) = (get(&fc, "full_name").to_vec(), get(&fc, "email").to_vec());
    set(&mut fc, "full_name", ec);
    set(&mut fc, "email", nc);
    write(&alpha, c.compact(), &dek_c, &fc).await;

    // Between groups: D (beta) gets C's whole record, wrapped key included, and the other
    // way round: each is unwrapped with the other group's key and bound to the other group.
    let (dek_c2, fc2) = read(&alpha, c.compact()).await;
    write(&alpha, c.compact(), &dek_d, &fd).await;
    write(&beta, d.compact(), &dek_c2, &fc2).await;
    // and a single field from alpha into beta under D's own (restored) key
    let (_, fa_now) = read(&alpha, a.compact()).await;
    set(&mut fd, "full_name", get(&fa_now, "full_name").to_vec());
    alpha.close().await;

    for code in [&a, &b, &c, &d, &e, &f] {
        assert_eq!(
            tv.vault.get_customer(&ctx(), code, None).await.unwrap_err(),
            VaultError::Integrity,
            "{code}"
        );
    }
    write(&beta, d.compact(), &dek_d, &fd).await;
    assert_eq!(tv.vault.get_customer(&ctx(), &d, None).await.unwrap_err(), VaultError::Integrity);
    beta.close().await;
    // The error says nothing about the values.
    assert_eq!(VaultError::Integrity.to_string(), "stored data failed its integrity check");
}
