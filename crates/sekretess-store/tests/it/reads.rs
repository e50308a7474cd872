//! Concurrent reads by code share store queries, and big batches are encrypted on several
//! threads: each caller and each item still gets its own answer.

use std::sync::Arc;

use sekretess_core::{CustomerCode, VaultError};

use crate::common::{self, Backend, ctx, fields};

crate::conformance!(concurrent_reads_each_get_their_own_answer, a_big_batch_answers_each_item_in_order);

async fn concurrent_reads_each_get_their_own_answer<B: Backend>(b: B) {
    let common::TestVault { vault, backend, .. } = common::unsealed(b).await;
    let vault = Arc::new(vault);
    vault.create_group(&ctx(), "retail").await.unwrap();
    let mut people = Vec::new();
    for i in 0..20 {
        let name = format!("Person Nummer{i}");
        let code = vault.create_customer(&ctx(), "retail", &fields(&[("full_name", &name)])).await.unwrap();
        people.push((code, name));
    }
    let erased =
        vault.create_customer(&ctx(), "retail", &fields(&[("full_name", "Gone Away")])).await.unwrap();
    vault.erase_customer(&ctx(), &erased).await.unwrap();
    // A valid code that was never issued.
    let unknown = (0..)
        .map(|_| CustomerCode::generate().unwrap())
        .find(|c| c != &erased && people.iter().all(|(p, _)| p != c))
        .unwrap();

    // Many callers at once, the same code several times in a round, mixed with misses.
    let mut tasks = Vec::new();
    for round in 0..5 {
        for (i, (code, name)) in people.iter().enumerate() {
            let (vault, code, name) = (Arc::clone(&vault), code.clone(), name.clone());
            tasks.push(tokio::spawn(async move {
                let got = vault.get_customer(&ctx(), &code, None).await.unwrap();
                assert_eq!(got.fields["full_name"].expose(), name, "round {round}, customer {i}");
                assert_eq!(got.code, code);
            }));
        }
        for (missing, expected) in [(&unknown, VaultError::NotFound), (&erased, VaultError::Erased)] {
            let (vault, code) = (Arc::clone(&vault), missing.clone());
            tasks.push(tokio::spawn(async move {
                assert_eq!(vault.get_customer(&ctx(), &code, None).await.unwrap_err(), expected);
            }));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    drop(vault);
    drop(backend);
}

/// Big batches are encrypted on several threads; the answers must still line up with the
/// items, and a bad item or a duplicate fails alone.
async fn a_big_batch_answers_each_item_in_order<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "retail").await.unwrap();
    let batch: Vec<Vec<(String, String)>> = (0..1200)
        .map(|i| match i {
            10 | 1000 => {
                fields(&[("full_name", &format!("Person Nummer{i}")), ("national_id", "670919-9530")])
            }
            900 => fields(&[("full_name", "Bad Mail"), ("email", "not an e-mail")]),
            _ => fields(&[("full_name", &format!("Person Nummer{i}"))]),
        })
        .collect();
    let results = tv.vault.create_customers(&ctx(), "retail", &batch).await.unwrap();
    assert_eq!(results.len(), batch.len());
    for (i, r) in results.iter().enumerate() {
        match i {
            900 => assert!(
                matches!(r, Err(VaultError::Invalid { field, .. }) if field == "email"),
                "item 900: {r:?}"
            ),
            1000 => assert!(matches!(r, Err(VaultError::Duplicate { .. })), "item 1000: {r:?}"),
            _ => {
                let code = r.as_ref().unwrap_or_else(|e| panic!("item {i}: {e}"));
                if i % 97 == 0 || i == 10 {
                    let got = tv.vault.get_customer(&ctx(), code, None).await.unwrap();
                    assert_eq!(got.fields["full_name"].expose(), format!("Person Nummer{i}"));
                }
            }
        }
    }
}
