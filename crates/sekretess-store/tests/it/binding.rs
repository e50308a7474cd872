//! Ciphertexts moved between customers, fields or groups directly in the store (SQL on
//! the SQLite files or the PostgreSQL databases) fail with the one uniform integrity error, and never yield the other value.

use sekretess_core::VaultError;

use crate::common::{self, Backend, ctx, fields};

crate::conformance!(swapped_ciphertexts_fail_uniformly);

fn set(f: &mut [(String, Vec<u8>)], name: &str, ct: Vec<u8>) {
    f.iter_mut().find(|(n, _)| n == name).unwrap().1 = ct;
}

fn get<'a>(f: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &f.iter().find(|(n, _)| n == name).unwrap().1
}

async fn swapped_ciphertexts_fail_uniformly<B: Backend>(backend: B) {
    let tv = common::unsealed(backend).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    tv.vault.create_group(&ctx(), "beta").await.unwrap();
    let person = |name: &str, mail: &str| fields(&[("full_name", name), ("email", mail)]);
    let a = tv.vault.create_customer(&ctx(), "alpha", &person("Anna A", "anna@example.com")).await.unwrap();
    let b = tv.vault.create_customer(&ctx(), "alpha", &person("Bo B", "bo@example.com")).await.unwrap();
    let c = tv.vault.create_customer(&ctx(), "alpha", &person("Cay C", "cay@example.com")).await.unwrap();
    let d = tv.vault.create_customer(&ctx(), "beta", &person("Dan D", "dan@example.com")).await.unwrap();
    let e = tv.vault.create_customer(&ctx(), "alpha", &person("Eva E", "eva@example.com")).await.unwrap();
    let f = tv.vault.create_customer(&ctx(), "alpha", &person("Fia F", "fia@example.com")).await.unwrap();

    let s = &tv.backend;
    let (alpha, beta) = (1, 2);
    let (dek_a, mut fa) = s.read_customer(alpha, a.compact()).await;
    let (dek_b, mut fb) = s.read_customer(alpha, b.compact()).await;
    let (dek_c, mut fc) = s.read_customer(alpha, c.compact()).await;
    let (dek_d, mut fd) = s.read_customer(beta, d.compact()).await;

    // Between customers of one group: A's and B's e-mail ciphertexts trade places.
    let (ea, eb) = (get(&fa, "email").to_vec(), get(&fb, "email").to_vec());
    set(&mut fa, "email", eb);
    set(&mut fb, "email", ea);
    s.write_customer(alpha, a.compact(), &dek_a, &fa).await;
    s.write_customer(alpha, b.compact(), &dek_b, &fb).await;

    // Whole records (wrapped key and fields) trade places between E and F: every key
    // unwraps, and only the binding to the customer code stops the read.
    let (dek_e, fe) = s.read_customer(alpha, e.compact()).await;
    let (dek_f, ff) = s.read_customer(alpha, f.compact()).await;
    s.write_customer(alpha, e.compact(), &dek_f, &ff).await;
    s.write_customer(alpha, f.compact(), &dek_e, &fe).await;

    // Between fields of one customer (same key, only the field binding differs): C's name and e-mail trade places.
    let (nc, ec) = (get(&fc, "full_name").to_vec(), get(&fc, "email").to_vec());
    set(&mut fc, "full_name", ec);
    set(&mut fc, "email", nc);
    s.write_customer(alpha, c.compact(), &dek_c, &fc).await;

    // Between groups: D (beta) gets C's whole record, wrapped key included, and the other
    // way round: each is unwrapped with the other group's key and bound to the other group.
    let (dek_c2, fc2) = s.read_customer(alpha, c.compact()).await;
    s.write_customer(alpha, c.compact(), &dek_d, &fd).await;
    s.write_customer(beta, d.compact(), &dek_c2, &fc2).await;
    // and a single field from alpha into beta under D's own (restored) key
    let (_, fa_now) = s.read_customer(alpha, a.compact()).await;
    set(&mut fd, "full_name", get(&fa_now, "full_name").to_vec());

    for code in [&a, &b, &c, &d, &e, &f] {
        assert_eq!(
            tv.vault.get_customer(&ctx(), code, None).await.unwrap_err(),
            VaultError::Integrity,
            "{code}"
        );
    }
    s.write_customer(beta, d.compact(), &dek_d, &fd).await;
    assert_eq!(tv.vault.get_customer(&ctx(), &d, None).await.unwrap_err(), VaultError::Integrity);
    // The error says nothing about the values.
    assert_eq!(VaultError::Integrity.to_string(), "stored data failed its integrity check");
}
