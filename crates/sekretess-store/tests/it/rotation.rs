//! Key rotation and rekey (issue 20) on each backend: the store's rewrap writes only rows
//! still at the version it read; rotation under concurrent reads and updates loses
//! nothing and ends with no data key under the old version; a used-up KEK version is
//! rotated automatically; rekey from 3-of-5 to 2-of-3; the audit chain goes on across
//! audit key rotations.

use std::collections::HashMap;
use std::sync::Arc;

use sekretess_core::audit::{AuditKeyring, Verdict, verify_epochs};
use sekretess_core::store::{GroupKeyKind, GroupStore, Rewrap, Store};
use sekretess_core::{CustomerCode, KeyPolicy, VaultError};

use crate::common::{self, Backend, ctx, fields};

crate::conformance!(
    rewrap_writes_only_rows_still_at_the_version_read,
    kek_uses_are_reserved_up_to_the_limit,
    rotation_under_concurrent_reads_and_updates_loses_nothing_and_retires_the_old_key,
    used_up_key_version_is_rotated_automatically,
    rekey_from_3_of_5_to_2_of_3,
    rekey_not_confirmed_leaves_the_old_shares_working,
    audit_chain_continues_across_audit_key_rotations,
);

const GROUP: u32 = 1;

fn person(i: usize) -> Vec<(String, String)> {
    fields(&[("full_name", &format!("Person {i}")), ("email", &format!("p{i}@example.com"))])
}

async fn email<B: Backend>(tv: &common::TestVault<B>, code: &CustomerCode) -> Result<String, VaultError> {
    Ok(tv.vault.get_customer(&ctx(), code, None).await?.fields["email"].expose().to_owned())
}

/// The group's own store, opened beside the vault's.
async fn group_store<B: Backend>(tv: &common::TestVault<B>) -> <B::S as Store>::Group {
    let store = tv.backend.open_store().await;
    let row = store.list_groups().await.unwrap().into_iter().find(|r| r.id == GROUP).unwrap();
    store.open_group(&row).await.unwrap()
}

/// Runs the background key work until nothing is left (a bounded number of steps).
async fn finish_rewrap<B: Backend>(tv: &common::TestVault<B>) {
    for _ in 0..10_000 {
        let report = tv.vault.rewrap_step().await.unwrap();
        if !report.pending {
            return;
        }
    }
    panic!("the rewrap did not finish");
}

async fn rewrap_writes_only_rows_still_at_the_version_read<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let mut codes = Vec::new();
    for i in 0..3 {
        codes.push(tv.vault.create_customer(&ctx(), "alpha", &person(i)).await.unwrap());
    }
    tv.vault.rotate_group_key(&ctx(), "alpha").await.unwrap();
    let g = group_store(&tv).await;

    let mut old = g.wrapped_deks(2, "", 10).await.unwrap();
    assert_eq!(old.len(), 3);
    assert!(old.windows(2).all(|w| w[0].code < w[1].code), "in code order");
    assert!(old.iter().all(|r| r.kek_version == 1 && r.version == 1));
    // Paging: after the first code, the other two.
    assert_eq!(g.wrapped_deks(2, &old[0].code, 10).await.unwrap().len(), 2);
    assert_eq!(g.wrapped_deks(2, "", 1).await.unwrap().len(), 1);

    // One row updated since it was read: its rewrap must not be written.
    let updated = CustomerCode::parse(&old[1].code).unwrap();
    tv.vault
        .update_customer(&ctx(), &updated, &[("email".into(), Some("new@example.com".into()))])
        .await
        .unwrap();
    let item = |r: &sekretess_core::store::WrappedDek, from_kek| Rewrap {
        code: r.code.clone(),
        version: r.version,
        from_kek,
        to_kek: 2,
        wrapped_dek: vec![7; 40],
    };
    let items = vec![
        item(&old[0], 1), // still as read: written
        item(&old[1], 1), // updated meanwhile (record version 2): not written
        item(&old[2], 3), // read at another KEK version than stored: not written
    ];
    assert_eq!(g.rewrap(&items).await.unwrap(), 1);
    let rows: HashMap<String, _> = g
        .get_customers(&old.iter().map(|r| r.code.clone()).collect::<Vec<_>>())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect();
    let first = &rows[&old[0].code];
    assert_eq!((first.kek_version, first.wrapped_dek.clone()), (2, vec![7; 40]));
    // The update's own write stands (it wrapped its new data key under version 2).
    let second = &rows[&old[1].code];
    assert_eq!((second.version, second.kek_version), (2, 2));
    assert_ne!(second.wrapped_dek, vec![7; 40]);
    let third = &rows[&old[2].code];
    assert_eq!((third.kek_version, &third.wrapped_dek), (1, &old[2].wrapped_dek));
    assert_eq!(email(&tv, &updated).await.unwrap(), "new@example.com");

    let mut counts = g.kek_counts().await.unwrap();
    counts.sort_unstable();
    assert_eq!(counts, vec![(1, 1), (2, 2)]);
    old = g.wrapped_deks(2, "", 10).await.unwrap();
    assert_eq!(old.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), vec![third.code.as_str()]);
}

async fn kek_uses_are_reserved_up_to_the_limit<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let store = tv.backend.open_store().await;
    // Fresh store rows: nothing reserved yet for version 2, which does not exist.
    assert!(!store.reserve_kek_uses(GROUP, 2, 1, 100).await.unwrap());
    let base = 1_000_000_000; // above what the vault's own lease took for version 1
    assert!(store.reserve_kek_uses(GROUP, 1, base, 2 * base).await.unwrap());
    assert!(!store.reserve_kek_uses(GROUP, 1, base, 2 * base - 1).await.unwrap(), "over the limit");
    assert!(store.reserve_kek_uses(GROUP, 1, 10, 2 * base + 65_536 + 10).await.unwrap());
}

async fn rotation_under_concurrent_reads_and_updates_loses_nothing_and_retires_the_old_key<B: Backend>(b: B) {
    let tv = Arc::new(common::unsealed(b).await);
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let batch: Vec<_> = (0..300).map(person).collect();
    let codes: Vec<CustomerCode> = tv
        .vault
        .create_customers(&ctx(), "alpha", &batch)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    tv.vault
        .set_key_policy(KeyPolicy { rewrap_batch: 40, retire_grace_seconds: 0, ..KeyPolicy::default() })
        .unwrap();

    // Writers own customers 0..40 (each updates its own and reads it back); readers read
    // the others, which keep the value they were created with.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (mut writers, mut tasks) = (Vec::new(), Vec::new());
    for w in 0..4 {
        let (tv, codes, stop) = (Arc::clone(&tv), codes.clone(), Arc::clone(&stop));
        writers.push(tokio::spawn(async move {
            let mut n = 0u64;
            let mut last = HashMap::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || n < 5 {
                let i = w * 10 + (n as usize % 10);
                let value = format!("w{w}-{n}@example.com");
                tv.vault
                    .update_customer(&ctx(), &codes[i], &[("email".into(), Some(value.clone()))])
                    .await
                    .unwrap();
                assert_eq!(
                    email(&tv, &codes[i]).await.unwrap(),
                    value,
                    "a read after an acknowledged update"
                );
                last.insert(i, value);
                n += 1;
            }
            last
        }));
    }
    for r in 0..4 {
        let (tv, codes, stop) = (Arc::clone(&tv), codes.clone(), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || n < 20 {
                let i = 40 + (r * 65 + n as usize * 7) % 260;
                assert_eq!(email(&tv, &codes[i]).await.unwrap(), format!("p{i}@example.com"));
                n += 1;
            }
            n
        }));
    }
    // Two rotations while the load runs, the rewrap in between and after.
    let info = tv.vault.rotate_group_key(&ctx(), "alpha").await.unwrap();
    assert_eq!((info.kek_version, info.kek_versions.clone()), (2, vec![1, 2]));
    for _ in 0..3 {
        tv.vault.rewrap_step().await.unwrap();
        tokio::task::yield_now().await;
    }
    tv.vault.rotate_group_key(&ctx(), "alpha").await.unwrap();
    let during = tv.vault.group("alpha").await.unwrap();
    assert_eq!(during.kek_versions.last(), Some(&3));
    assert!(during.rewrap.is_some(), "progress is shown while old versions remain");
    finish_rewrap(&tv).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tasks {
        assert!(t.await.unwrap() > 0);
    }
    let mut last = HashMap::new();
    for t in writers {
        last.extend(t.await.unwrap());
    }
    finish_rewrap(&tv).await;

    // No data key is wrapped by an old version, and the old versions left the keyring.
    let g = group_store(&tv).await;
    assert_eq!(g.kek_counts().await.unwrap(), vec![(3, 300)]);
    assert!(g.wrapped_deks(3, "", 1).await.unwrap().is_empty());
    let store = tv.backend.open_store().await;
    let keks: Vec<u32> = store
        .group_keys(GROUP)
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.kind == GroupKeyKind::Kek)
        .map(|k| k.version)
        .collect();
    assert_eq!(keks, vec![3]);
    let info = tv.vault.group("alpha").await.unwrap();
    assert_eq!((info.kek_version, info.kek_versions, info.rewrap), (3, vec![3], None));
    // Every customer reads, after a seal and unseal too (the keyring as stored).
    tv.vault.seal(&ctx()).await.unwrap();
    for s in &tv.shares[..3] {
        tv.vault.submit_share(&ctx(), s).await.unwrap();
    }
    for (i, code) in codes.iter().enumerate().skip(40) {
        assert_eq!(email(&tv, code).await.unwrap(), format!("p{i}@example.com"));
    }
    for (i, code) in codes.iter().enumerate().take(40) {
        let expected = last.get(&i).cloned().unwrap_or_else(|| format!("p{i}@example.com"));
        assert_eq!(email(&tv, code).await.unwrap(), expected);
    }
    assert!(matches!(tv.vault.audit_verify(None).await.unwrap(), Verdict::Intact { .. }));
}

async fn used_up_key_version_is_rotated_automatically<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault
        .set_key_policy(KeyPolicy {
            kek_use_limit: 5,
            lease_block: 2,
            rewrap_batch: 100,
            retire_grace_seconds: 0,
        })
        .unwrap();
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let mut codes = Vec::new();
    for i in 0..12 {
        codes.push(tv.vault.create_customer(&ctx(), "alpha", &person(i)).await.unwrap());
    }
    // 12 wraps at 5 per version: versions 1, 2 and 3 (no version wrapped more than 5).
    let info = tv.vault.group("alpha").await.unwrap();
    assert_eq!(info.kek_version, 3);
    let mut counts = group_store(&tv).await.kek_counts().await.unwrap();
    counts.sort_unstable();
    assert!(counts.iter().all(|&(_, n)| n <= 5), "{counts:?}");
    assert_eq!(counts.iter().map(|&(_, n)| n).sum::<u64>(), 12);
    // A batch larger than the limit can never be wrapped under one version: refused.
    let big: Vec<_> = (0..6).map(person).collect();
    assert_eq!(tv.vault.create_customers(&ctx(), "alpha", &big).await.unwrap_err(), VaultError::KeyUsedUp);
    for (i, code) in codes.iter().enumerate() {
        assert_eq!(email(&tv, code).await.unwrap(), format!("p{i}@example.com"));
    }
    // The rotations are on record as the system's.
    tv.vault.audit_flush().await.unwrap();
    let store = tv.backend.open_store().await;
    let entries = sekretess_core::audit::AuditStore::audit_read(&store, 1, 10_000).await.unwrap();
    let automatic = entries
        .iter()
        .filter(|e| {
            e.action == "group.key_rotate"
                && e.actor == "system"
                && e.outcome == sekretess_core::audit::Outcome::Attempted
        })
        .count();
    assert!(automatic >= 2, "{automatic}");
    finish_rewrap(&tv).await;
    assert_eq!(group_store(&tv).await.kek_counts().await.unwrap().len(), 1);
}

async fn rekey_from_3_of_5_to_2_of_3<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    tv.vault.rotate_group_key(&ctx(), "alpha").await.unwrap();
    let code = tv.vault.create_customer(&ctx(), "alpha", &person(1)).await.unwrap();
    let sealed_secret = tv.vault.seal_people_secret(b"totp", b"a totp secret").unwrap();
    let old = tv.shares.clone();

    // Too few current shares, or a share of the wrong threshold: refused.
    let err = tv.vault.rekey_start(&ctx(), &old[..2], 2, 3).await.unwrap_err();
    assert_eq!(err, VaultError::Rekey("fewer shares than the threshold"));
    let other = common::sealed(B::fresh().await.unwrap(), 3, 5).await;
    let foreign = vec![old[0].clone(), old[1].clone(), other.shares[2].clone()];
    assert!(matches!(
        tv.vault.rekey_start(&ctx(), &foreign, 2, 3).await.unwrap_err(),
        VaultError::WrongVault { .. }
    ));

    let started = tv.vault.rekey_start(&ctx(), &old[1..4], 2, 3).await.unwrap();
    let new: Vec<String> = started.shares.iter().map(|s| s.to_text().to_string()).collect();
    assert_eq!(new.len(), 3);
    // Confirming needs the new shares: the old ones are refused.
    assert!(tv.vault.rekey_confirm(&ctx(), &old[..3]).await.is_err());
    tv.vault.rekey_confirm(&ctx(), &new[1..3]).await.unwrap();
    let status = tv.vault.seal_status().unwrap();
    assert_eq!((status.threshold, status.share_count), (2, 3));
    assert_eq!(status.key_id.as_deref(), Some(started.key_id.as_str()));
    assert_eq!(email(&tv, &code).await.unwrap(), "p1@example.com");

    // A new process over the same store: the old shares fail, two new ones unseal.
    tv.vault.seal(&ctx()).await.unwrap();
    let reopened = common::open(&tv.backend).await;
    assert!(matches!(
        reopened.submit_share(&ctx(), &old[0]).await.unwrap_err(),
        VaultError::WrongVault { .. }
    ));
    reopened.submit_share(&ctx(), &new[0]).await.unwrap();
    assert!(!reopened.submit_share(&ctx(), &new[2]).await.unwrap().sealed);
    let c = reopened.get_customer(&ctx(), &code, None).await.unwrap();
    assert_eq!(c.fields["email"].expose(), "p1@example.com");
    assert_eq!(&**reopened.open_people_secret(b"totp", &sealed_secret).unwrap(), b"a totp secret");
    // Both group key versions were resealed; the chain verifies across the rekey.
    let info = reopened.group("alpha").await.unwrap();
    assert_eq!(info.kek_versions, vec![1, 2]);
    assert!(matches!(reopened.audit_verify(None).await.unwrap(), Verdict::Intact { .. }));
    let ring = reopened.audit_verification_key(&ctx()).await.unwrap();
    assert_eq!(ring.current_epoch(), 1, "the rekey moved the chain to a new audit key");
}

async fn rekey_not_confirmed_leaves_the_old_shares_working<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let code = tv.vault.create_customer(&ctx(), "alpha", &person(2)).await.unwrap();
    let started = tv.vault.rekey_start(&ctx(), &tv.shares[..3], 2, 3).await.unwrap();
    let new: Vec<String> = started.shares.iter().map(|s| s.to_text().to_string()).collect();
    // The process dies before the confirmation: a new process over the same store.
    let reopened = common::open(&tv.backend).await;
    assert!(matches!(
        reopened.submit_share(&ctx(), &new[0]).await.unwrap_err(),
        VaultError::WrongVault { .. }
    ));
    for s in &tv.shares[2..5] {
        reopened.submit_share(&ctx(), s).await.unwrap();
    }
    let c = reopened.get_customer(&ctx(), &code, None).await.unwrap();
    assert_eq!(c.fields["email"].expose(), "p2@example.com");
    assert_eq!(reopened.seal_status().unwrap().threshold, 3);
    // Nothing is pending in the new process.
    assert_eq!(
        reopened.rekey_confirm(&ctx(), &new[..2]).await.unwrap_err(),
        VaultError::Rekey("no rekey is pending")
    );
}

async fn audit_chain_continues_across_audit_key_rotations<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let first = tv.vault.audit_verification_key(&ctx()).await.unwrap();
    let code = tv.vault.create_customer(&ctx(), "alpha", &person(3)).await.unwrap();
    assert_eq!(tv.vault.rotate_audit_key(&ctx()).await.unwrap(), 1);
    email(&tv, &code).await.unwrap();
    assert_eq!(tv.vault.rotate_audit_key(&ctx()).await.unwrap(), 2);
    email(&tv, &code).await.unwrap();
    tv.vault.audit_flush().await.unwrap();
    assert!(matches!(tv.vault.audit_verify(None).await.unwrap(), Verdict::Intact { .. }));

    let store = tv.backend.open_store().await;
    let ring = tv.vault.audit_verification_key(&ctx()).await.unwrap();
    assert_eq!(ring.current_epoch(), 2);
    let head = match verify_epochs(&store, &ring, None).await.unwrap() {
        Verdict::Intact { head } => head,
        other => panic!("{other:?}"),
    };
    // The key file of epoch 0 alone verifies up to the first rotation entry, then says
    // the chain went on under a key it does not hold.
    let entries = sekretess_core::audit::AuditStore::audit_read(&store, 1, 10_000).await.unwrap();
    let rotation = entries.iter().find(|e| e.action == "audit.key_rotate").unwrap().seq;
    match verify_epochs(&store, &first, None).await.unwrap() {
        Verdict::BrokenAt { seq, reason } => {
            assert_eq!(seq, rotation + 1);
            assert!(reason.contains("epoch"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // Entries after the rotation are not MAC'd under the old key (a forger who kept it
    // cannot extend the chain): the epoch-0 key with a wrong epoch-1 key fails there.
    let wrong = AuditKeyring::parse_text(&format!(
        "{}{} epoch=1\n",
        &*first.to_text(),
        &*ring.get(0).unwrap().to_text()
    ))
    .unwrap();
    assert!(
        matches!(verify_epochs(&store, &wrong, None).await.unwrap(), Verdict::BrokenAt { seq, .. } if seq == rotation + 1)
    );
    // After a seal and unseal the keyring comes from the store and the chain goes on.
    tv.vault.seal(&ctx()).await.unwrap();
    for s in &tv.shares[..3] {
        tv.vault.submit_share(&ctx(), s).await.unwrap();
    }
    email(&tv, &code).await.unwrap();
    tv.vault.audit_flush().await.unwrap();
    match tv.vault.audit_verify(None).await.unwrap() {
        Verdict::Intact { head: after } => assert!(after > head),
        other => panic!("{other:?}"),
    }
    // A checkpoint signed under the newest key is accepted.
    let cp = tv.vault.audit_checkpoint().await.unwrap();
    assert!(matches!(verify_epochs(&store, &ring, Some(&cp)).await.unwrap(), Verdict::Intact { .. }));
}
