//! Record-level integrity (issue 15, faults 7 and 8): a customer's row put back after an
//! update, or missing a field's envelope, reads as the integrity error; an erasure, once
//! acknowledged, leaves no read that returns the customer's data.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sekretess_core::VaultError;

use crate::common::{self, Backend, ctx, fields};

crate::conformance!(
    fault7_rolled_back_record_reads_as_integrity_failure,
    fault7_removed_field_envelope_reads_as_integrity_failure,
    fault7_update_whose_directory_write_was_lost_reads_and_is_repaired,
    fault7_legacy_record_reads_and_is_upgraded_by_its_next_update,
    fault8_no_read_returns_data_after_an_acknowledged_erase,
);

const GROUP: u32 = 1;

fn person() -> Vec<(String, String)> {
    fields(&[("full_name", "Alva Ahl"), ("email", "alva@example.com"), ("phone", "+46701234567")])
}

async fn email<B: Backend>(
    tv: &common::TestVault<B>,
    code: &sekretess_core::CustomerCode,
) -> Result<String, VaultError> {
    let c = tv.vault.get_customer(&ctx(), code, None).await?;
    Ok(c.fields["email"].expose().to_owned())
}

async fn set_email<B: Backend>(tv: &common::TestVault<B>, code: &sekretess_core::CustomerCode, to: &str) {
    tv.vault.update_customer(&ctx(), code, &[("email".into(), Some(to.into()))]).await.unwrap();
}

async fn fault7_rolled_back_record_reads_as_integrity_failure<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let code = tv.vault.create_customer(&ctx(), "alpha", &person()).await.unwrap();
    let other = tv.vault.create_customer(&ctx(), "alpha", &person()).await.unwrap();
    tv.backend.save_row(GROUP, code.compact()).await;

    set_email(&tv, &code, "new@example.com").await;
    assert_eq!(email(&tv, &code).await.unwrap(), "new@example.com");

    // The whole row as it was before the update (same data key, its own version), put back.
    tv.backend.restore_row(GROUP, code.compact()).await;
    assert_eq!(email(&tv, &code).await.unwrap_err(), VaultError::Integrity);
    // An update does not take the old row as its base either.
    let refused = tv.vault.update_customer(&ctx(), &code, &[("phone".into(), None)]).await;
    assert_eq!(refused.unwrap_err(), VaultError::Integrity);

    // Two updates on: the row of the one in between is no better.
    set_email(&tv, &other, "two@example.com").await;
    tv.backend.save_row(GROUP, other.compact()).await;
    set_email(&tv, &other, "three@example.com").await;
    tv.backend.restore_row(GROUP, other.compact()).await;
    assert_eq!(email(&tv, &other).await.unwrap_err(), VaultError::Integrity);
    // Nor is the old row relabelled with the current version: the version is authenticated.
    let current = tv.backend.directory_version(other.compact()).await;
    tv.backend.set_record_version(GROUP, other.compact(), current).await;
    assert_eq!(email(&tv, &other).await.unwrap_err(), VaultError::Integrity);
}

async fn fault7_removed_field_envelope_reads_as_integrity_failure<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let one = tv.vault.create_customer(&ctx(), "alpha", &person()).await.unwrap();
    let all = tv.vault.create_customer(&ctx(), "alpha", &person()).await.unwrap();
    let moved = tv.vault.create_customer(&ctx(), "alpha", &person()).await.unwrap();
    let s = &tv.backend;

    // One field's envelope deleted from the row.
    let (dek, mut f) = s.read_customer(GROUP, one.compact()).await;
    f.retain(|(name, _)| name != "phone");
    assert_eq!(f.len(), 2);
    s.write_customer(GROUP, one.compact(), &dek, &f).await;
    assert_eq!(tv.vault.get_customer(&ctx(), &one, None).await.unwrap_err(), VaultError::Integrity);

    // Every envelope deleted.
    let (dek, _) = s.read_customer(GROUP, all.compact()).await;
    s.write_customer(GROUP, all.compact(), &dek, &[]).await;
    assert_eq!(tv.vault.get_customer(&ctx(), &all, None).await.unwrap_err(), VaultError::Integrity);

    // A field's envelope from the row before an update added to the row after an update
    // that removed the field.
    let (_, before) = s.read_customer(GROUP, moved.compact()).await;
    tv.vault.update_customer(&ctx(), &moved, &[("phone".into(), None)]).await.unwrap();
    let (dek, mut after) = s.read_customer(GROUP, moved.compact()).await;
    after.push(before.into_iter().find(|(name, _)| name == "phone").unwrap());
    after.sort();
    s.write_customer(GROUP, moved.compact(), &dek, &after).await;
    assert_eq!(tv.vault.get_customer(&ctx(), &moved, None).await.unwrap_err(), VaultError::Integrity);
}

/// An update writes the group's row, then the directory's version. A crash between the two
/// leaves the row one version ahead: it reads, and the read raises the directory, after
/// which the row before the update no longer reads.
async fn fault7_update_whose_directory_write_was_lost_reads_and_is_repaired<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let code = tv.vault.create_customer(&ctx(), "alpha", &person()).await.unwrap();
    let s = &tv.backend;
    assert_eq!(s.directory_version(code.compact()).await, 1);
    assert_eq!(s.record_version(GROUP, code.compact()).await, 1);
    s.save_row(GROUP, code.compact()).await;
    set_email(&tv, &code, "new@example.com").await;
    assert_eq!(s.record_version(GROUP, code.compact()).await, 2);
    assert_eq!(s.directory_version(code.compact()).await, 2);

    // As if the process had died before the directory write.
    s.set_directory_version(code.compact(), 1).await;
    assert_eq!(email(&tv, &code).await.unwrap(), "new@example.com");
    assert_eq!(s.directory_version(code.compact()).await, 2, "the read repairs the directory");
    s.restore_row(GROUP, code.compact()).await;
    assert_eq!(email(&tv, &code).await.unwrap_err(), VaultError::Integrity);

    // Nor does a row older than the directory by more than one version.
    s.set_directory_version(code.compact(), 3).await;
    assert_eq!(email(&tv, &code).await.unwrap_err(), VaultError::Integrity);
}

/// Rows from before record versions (version 0 in the row and in the directory, the older
/// AAD) still read; their next update writes them at version 1 with the new AAD, and the
/// legacy row put back then fails.
async fn fault7_legacy_record_reads_and_is_upgraded_by_its_next_update<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let code = tv.vault.create_customer(&ctx(), "alpha", &person()).await.unwrap();
    let s = &tv.backend;
    let legacy = tv.vault.test_hook_legacy_fields(&code).await.unwrap();
    let (dek, _) = s.read_customer(GROUP, code.compact()).await;
    s.write_customer(GROUP, code.compact(), &dek, &legacy).await;
    // Still at version 1, the legacy envelopes do not open.
    assert_eq!(email(&tv, &code).await.unwrap_err(), VaultError::Integrity);
    s.set_record_version(GROUP, code.compact(), 0).await;
    s.set_directory_version(code.compact(), 0).await;
    assert_eq!(email(&tv, &code).await.unwrap(), "alva@example.com");
    s.save_row(GROUP, code.compact()).await;

    set_email(&tv, &code, "new@example.com").await;
    assert_eq!(s.record_version(GROUP, code.compact()).await, 1);
    assert_eq!(s.directory_version(code.compact()).await, 1);
    assert_eq!(email(&tv, &code).await.unwrap(), "new@example.com");
    let (_, upgraded) = s.read_customer(GROUP, code.compact()).await;
    assert_ne!(upgraded, legacy);

    s.restore_row(GROUP, code.compact()).await;
    assert_eq!(email(&tv, &code).await.unwrap_err(), VaultError::Integrity);
}

/// Many reads of one customer race its erasure. Every read stamps a shared counter when it
/// gets its answer, and the erasure when it is acknowledged; all run on one thread (a
/// `LocalSet`), so a stamp is taken in the same poll as the answer it follows, and the
/// stamps order the answers exactly: no read may return data with a stamp after the
/// erasure's.
async fn fault8_no_read_returns_data_after_an_acknowledged_erase<B: Backend>(b: B) {
    const READERS: usize = 48;
    let tv = Arc::new(common::unsealed(b).await);
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let code = tv.vault.create_customer(&ctx(), "alpha", &person()).await.unwrap();
    let clock = Arc::new(AtomicU64::new(0));
    let local = tokio::task::LocalSet::new();
    let (readers, erased_at) = local
        .run_until(async {
            let mut readers = Vec::new();
            for _ in 0..READERS {
                let (tv, code, clock) = (Arc::clone(&tv), code.clone(), Arc::clone(&clock));
                readers.push(tokio::task::spawn_local(async move {
                    // (stamp, whether data came back) of every answer, until one is an error.
                    let mut answers = Vec::new();
                    loop {
                        let answer = tv.vault.get_customer(&ctx(), &code, None).await;
                        let stamp = clock.fetch_add(1, Ordering::SeqCst);
                        match answer {
                            Ok(c) => {
                                assert_eq!(c.fields["email"].expose(), "alva@example.com");
                                answers.push((stamp, true));
                            }
                            Err(e) => {
                                assert_eq!(e, VaultError::Erased);
                                answers.push((stamp, false));
                                return answers;
                            }
                        }
                    }
                }));
            }
            // Erase in the thick of it: once the readers have had some answers.
            while clock.load(Ordering::SeqCst) < 2 * READERS as u64 {
                tokio::task::yield_now().await;
            }
            tv.vault.erase_customer(&ctx(), &code).await.unwrap();
            let erased_at = clock.fetch_add(1, Ordering::SeqCst);
            let mut answers = Vec::new();
            for r in readers {
                answers.push(r.await.unwrap());
            }
            (answers, erased_at)
        })
        .await;

    let late: Vec<u64> = readers
        .iter()
        .flatten()
        .filter(|&&(stamp, data)| data && stamp > erased_at)
        .map(|&(s, _)| s)
        .collect();
    let served = readers.iter().flatten().filter(|&&(_, data)| data).count();
    assert!(served >= 2 * READERS, "the erasure came before the reads: {served} served");
    assert!(late.is_empty(), "{} reads returned data after the erasure was acknowledged", late.len());
    assert_eq!(tv.vault.get_customer(&ctx(), &code, None).await.unwrap_err(), VaultError::Erased);
}
