//! Erasure by crypto-shredding.

use sekretess_core::VaultError;
use sekretess_core::store::Store;
use sqlx::Row;

use crate::common::{self, ctx, fields, search};

#[tokio::test]
async fn erased_customer_is_gone_from_the_files() {
    let tv = common::unsealed().await;
    tv.vault.create_group(&ctx(), "retail").await.unwrap();
    let item = fields(&[
        ("full_name", "Erik Eriksson"),
        ("national_id", "670919-9530"),
        ("email", "erik@example.com"),
    ]);
    let code = tv.vault.create_customer(&ctx(), "retail", &item).await.unwrap();
    let keep =
        tv.vault.create_customer(&ctx(), "retail", &fields(&[("full_name", "Kim Kvar")])).await.unwrap();
    tv.vault.checkpoint().await.unwrap();

    let db = tv.dir.path().join("groups/group-1.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let row = sqlx::query("SELECT wrapped_dek, fields FROM customers WHERE code = ?")
        .bind(code.compact())
        .fetch_one(&pool)
        .await
        .unwrap();
    let index_hashes: Vec<Vec<u8>> = sqlx::query("SELECT hash FROM blind_index WHERE code = ?1 UNION ALL SELECT hash FROM unique_index WHERE code = ?1")
        .bind(code.compact())
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("hash"))
        .collect();
    pool.close().await;
    assert_eq!(index_hashes.len(), 3);
    let mut needles = vec![row.get::<Vec<u8>, _>("wrapped_dek"), row.get::<Vec<u8>, _>("fields")];
    needles.extend(index_hashes);
    // Before erasure the search finds them (so the search itself works).
    assert_eq!(search(tv.dir.path(), &needles).len(), needles.len());

    tv.vault.erase_customer(&ctx(), &code).await.unwrap();
    assert_eq!(tv.vault.get_customer(&ctx(), &code, None).await.unwrap_err(), VaultError::Erased);
    assert_eq!(tv.vault.erase_customer(&ctx(), &code).await.unwrap_err(), VaultError::Erased);
    assert!(tv.vault.find(&ctx(), "retail", "national_id", "6709199530").await.unwrap().is_empty());
    assert!(tv.vault.find(&ctx(), "retail", "email", "erik@example.com").await.unwrap().is_empty());
    // The identifier is free again; the erased code is not reused.
    let again = tv.vault.create_customer(&ctx(), "retail", &item).await.unwrap();
    assert_ne!(again, code);

    tv.vault.checkpoint().await.unwrap();
    let hits = search(tv.dir.path(), &needles[..2]);
    assert!(hits.is_empty(), "erased key material still on disk: {hits:?}");
    // The journal remembers the erasure (code and time only), and others are untouched.
    assert!(tv.vault.store().is_erased(code.compact()).await.unwrap());
    assert_eq!(
        tv.vault.get_customer(&ctx(), &keep, None).await.unwrap().fields["full_name"].expose(),
        "Kim Kvar"
    );
}
