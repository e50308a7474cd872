//! Concurrent reads by code share store queries; each caller still gets its own answer.

use std::sync::Arc;

use sekretess_core::{CustomerCode, VaultError};

use crate::common::{self, Backend, ctx, fields};

crate::conformance!(concurrent_reads_each_get_their_own_answer);

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
