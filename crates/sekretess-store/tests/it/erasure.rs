//! Erasure by crypto-shredding.

use sekretess_core::VaultError;
use sekretess_core::store::Store;

use crate::common::{self, Backend, ctx, fields, search};

crate::conformance!(erased_customer_is_gone_from_the_store);

async fn erased_customer_is_gone_from_the_store<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "retail").await.unwrap();
    let item = fields(&[
        ("full_name", "Erik Eriksson"),
        ("national_id", "670919-9530"),
        ("email", "erik@example.com"),
    ]);
    let code = tv.vault.create_customer(&ctx(), "retail", &item).await.unwrap();
    let keep =
        tv.vault.create_customer(&ctx(), "retail", &fields(&[("full_name", "Kim Kvar")])).await.unwrap();
    tv.vault.purge_erased().await.unwrap();

    let (wrapped_dek, field_cts) = tv.backend.read_customer(1, code.compact()).await;
    let index_hashes: Vec<Vec<u8>> = tv
        .backend
        .index_rows(1)
        .await
        .into_iter()
        .filter(|(_, c)| c == code.compact())
        .map(|(hash, _)| hash)
        .collect();
    assert_eq!(index_hashes.len(), 3);
    let mut needles = vec![wrapped_dek, sekretess_store::sqlite::encode_fields(&field_cts)];
    needles.extend(index_hashes);
    // Before erasure the search finds them (so the search itself works).
    let mut found: Vec<usize> =
        search(&tv.backend.at_rest().await, &needles).into_iter().map(|(_, i)| i).collect();
    found.sort_unstable();
    found.dedup();
    assert_eq!(found, (0..needles.len()).collect::<Vec<_>>());

    tv.vault.erase_customer(&ctx(), &code).await.unwrap();
    assert_eq!(tv.vault.get_customer(&ctx(), &code, None).await.unwrap_err(), VaultError::Erased);
    assert_eq!(tv.vault.erase_customer(&ctx(), &code).await.unwrap_err(), VaultError::Erased);
    assert!(tv.vault.find(&ctx(), "retail", "national_id", "6709199530").await.unwrap().is_empty());
    assert!(tv.vault.find(&ctx(), "retail", "email", "erik@example.com").await.unwrap().is_empty());
    // The identifier is free again; the erased code is not reused.
    let again = tv.vault.create_customer(&ctx(), "retail", &item).await.unwrap();
    assert_ne!(again, code);

    tv.vault.purge_erased().await.unwrap();
    let hits = search(&tv.backend.at_rest().await, &needles[..2]);
    assert!(hits.is_empty(), "erased key material still on disk: {hits:?}");
    // The journal remembers the erasure (code and time only), and others are untouched.
    assert!(tv.vault.store().is_erased(code.compact()).await.unwrap());
    assert_eq!(
        tv.vault.get_customer(&ctx(), &keep, None).await.unwrap().fields["full_name"].expose(),
        "Kim Kvar"
    );
}
