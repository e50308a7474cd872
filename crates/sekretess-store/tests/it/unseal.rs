use sekretess_core::VaultError;
use sekretess_crypto::shamir::ShareError;

use crate::common::{self, Backend, ctx, fields};

crate::conformance!(
    every_k_subset_unseals_and_k_minus_1_never_does,
    damaged_duplicate_and_foreign_shares_are_named,
    sealed_vault_refuses_everything_and_survives_restart,
    init_parameters_are_checked,
);

/// Every k-subset of the shares unseals, for every k <= n <= 7 with k >= 2; k-1 shares
/// leave the vault sealed.
async fn every_k_subset_unseals_and_k_minus_1_never_does<B: Backend>(b: B) {
    let mut first = Some(b);
    let mut unsealed_count = 0;
    for (k, n) in [(2u8, 3u8), (3, 5), (4, 7)] {
        let backend = match first.take() {
            Some(b) => b,
            None => B::fresh().await.unwrap(),
        };
        let tv = common::sealed(backend, k, n).await;
        for mask in 0u32..(1 << n) {
            if mask.count_ones() != u32::from(k) {
                continue;
            }
            let chosen: Vec<&String> =
                (0..n as usize).filter(|i| mask & (1 << i) != 0).map(|i| &tv.shares[i]).collect();
            for (given, share) in chosen.iter().enumerate() {
                let status = tv.vault.submit_share(&ctx(), share).await.unwrap();
                if given + 1 < chosen.len() {
                    assert!(status.sealed, "{k} of {n}: unsealed after {} shares", given + 1);
                    assert_eq!(status.progress as usize, given + 1);
                } else {
                    assert!(!status.sealed, "{k} of {n}, mask {mask:b}: did not unseal");
                }
            }
            tv.vault.create_group(&ctx(), &format!("g{mask}")).await.unwrap();
            tv.vault.seal(&ctx()).await.unwrap();
            assert_eq!(tv.vault.list_groups(), Err(VaultError::Sealed));
            unsealed_count += 1;
        }
    }
    assert_eq!(unsealed_count, 3 + 10 + 35);
}

async fn damaged_duplicate_and_foreign_shares_are_named<B: Backend>(b: B) {
    let tv = common::sealed(b, 3, 5).await;
    let other = common::sealed(B::fresh().await.unwrap(), 3, 5).await;

    tv.vault.submit_share(&ctx(), &tv.shares[0]).await.unwrap();
    assert_eq!(
        tv.vault.submit_share(&ctx(), &tv.shares[0]).await,
        Err(VaultError::DuplicateShare { index: 1 })
    );
    assert!(matches!(
        tv.vault.submit_share(&ctx(), &other.shares[1]).await,
        Err(VaultError::WrongVault { .. })
    ));

    // One symbol changed in the value part.
    let mut damaged: Vec<char> = tv.shares[1].chars().collect();
    let pos = damaged.len() - 7;
    damaged[pos] = if damaged[pos] == 'A' { 'B' } else { 'A' };
    let damaged: String = damaged.into_iter().collect();
    assert_eq!(tv.vault.submit_share(&ctx(), &damaged).await, Err(VaultError::Share(ShareError::Damaged)));
    assert_eq!(
        tv.vault.submit_share(&ctx(), "not a share").await,
        Err(VaultError::Share(ShareError::NotAShare))
    );

    // The refused shares did not count; progress is kept, and a reset clears it.
    assert_eq!(tv.vault.seal_status().unwrap().progress, 1);
    assert_eq!(tv.vault.reset_unseal(&ctx()).unwrap().progress, 0);
    for s in &tv.shares[2..5] {
        tv.vault.submit_share(&ctx(), s).await.unwrap();
    }
    assert!(!tv.vault.seal_status().unwrap().sealed);
    assert_eq!(tv.vault.submit_share(&ctx(), &tv.shares[0]).await, Err(VaultError::AlreadyUnsealed));
}

async fn sealed_vault_refuses_everything_and_survives_restart<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "retail").await.unwrap();
    let code =
        tv.vault.create_customer(&ctx(), "retail", &fields(&[("full_name", "Ada Lovelace")])).await.unwrap();
    tv.vault.seal(&ctx()).await.unwrap();
    assert_eq!(tv.vault.get_customer(&ctx(), &code, None).await.unwrap_err(), VaultError::Sealed);
    assert_eq!(tv.vault.create_group(&ctx(), "x").await.unwrap_err(), VaultError::Sealed);
    assert_eq!(
        tv.vault.find(&ctx(), "retail", "full_name", "Ada Lovelace").await.unwrap_err(),
        VaultError::Sealed
    );

    // A new process over the same folder: sealed, initialized, and the shares still work.
    drop(tv.vault);
    let vault = common::open(&tv.backend).await;
    let status = vault.seal_status().unwrap();
    assert!(status.initialized && status.sealed);
    assert_eq!(vault.init(&ctx(), 3, 5).await.unwrap_err(), VaultError::AlreadyInitialized);
    for s in &tv.shares[1..4] {
        vault.submit_share(&ctx(), s).await.unwrap();
    }
    assert_eq!(
        vault.get_customer(&ctx(), &code, None).await.unwrap().fields["full_name"].expose(),
        "Ada Lovelace"
    );
}

async fn init_parameters_are_checked<B: Backend>(b: B) {
    let vault = common::open(&b).await;
    assert!(matches!(vault.init(&ctx(), 0, 5).await, Err(VaultError::InitParameters(_))));
    assert!(matches!(vault.init(&ctx(), 4, 3).await, Err(VaultError::InitParameters(_))));
    assert!(matches!(vault.init(&ctx(), 1, 3).await, Err(VaultError::InitParameters(_))));
    assert_eq!(vault.submit_share(&ctx(), "SEK1-1-1").await.unwrap_err(), VaultError::NotInitialized);
    // Dev mode: a single share of threshold 1.
    let outcome = vault.init(&ctx(), 1, 1).await.unwrap();
    vault.submit_share(&ctx(), &outcome.shares[0].to_text()).await.unwrap();
    assert!(!vault.seal_status().unwrap().sealed);
}
