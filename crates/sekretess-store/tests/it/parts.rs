//! A batch written part by part (`GroupStore::begin_batch`, `PendingBatch`): one
//! transaction that stores the batch only when committed, and leaves nothing behind when it
//! is aborted or dropped instead.

use sekretess_core::error::StoreError;
use sekretess_core::store::{CustomerWrite, GroupStore, IndexEntry, PendingBatch, Store};
use sekretess_crypto::mac::hmac_sha256;

use crate::common::{Backend, NOW, placeholder_record};

fn write(i: u32, national_id: u32) -> CustomerWrite {
    CustomerWrite {
        record: placeholder_record(format!("P{i:011}")),
        index: vec![
            IndexEntry {
                field: "email".into(),
                hash: hmac_sha256(b"email", &i.to_be_bytes()),
                unique: false,
            },
            IndexEntry {
                field: "national_id".into(),
                hash: hmac_sha256(b"national_id", &national_id.to_be_bytes()),
                unique: true,
            },
        ],
    }
}

/// What becomes of a batch once its parts are written.
#[derive(Clone, Copy)]
enum End {
    Commit,
    Abort,
    Drop,
}

/// Writes `parts` in turn as one batch, ends it as `end` says, and returns the store's
/// answer (the first error, from a write or the commit).
async fn insert<G: GroupStore>(
    group: &G,
    parts: Vec<Vec<CustomerWrite>>,
    end: End,
) -> Result<(), StoreError> {
    let mut batch = group.begin_batch().await?;
    for part in parts {
        batch.write(&part).await?;
    }
    match end {
        End::Commit => batch.commit().await,
        End::Abort => batch.abort().await,
        End::Drop => {
            drop(batch);
            Ok(())
        }
    }
}

/// How many of customers `range` are stored, and how many are found by e-mail.
async fn stored<G: GroupStore>(group: &G, range: std::ops::Range<u32>) -> (usize, usize) {
    let codes: Vec<String> = range.clone().map(|i| format!("P{i:011}")).collect();
    let records = group.get_customers(&codes).await.unwrap().len();
    let mut found = 0;
    for i in range {
        found += group.find("email", &hmac_sha256(b"email", &i.to_be_bytes()), false).await.unwrap().len();
    }
    (records, found)
}

fn parts(from: u32) -> Vec<Vec<CustomerWrite>> {
    (0..3).map(|p| (0..4).map(|i| write(from + p * 4 + i, from + p * 4 + i)).collect()).collect()
}

async fn a_batch_in_parts_commits_only_when_told<B: Backend>(b: B) {
    let store = b.open_store().await;
    let row = store.create_group(1, "retail", NOW, &[]).await.unwrap();
    let group = store.open_group(&row).await.unwrap();

    // Given up before its commit (the audit entry could not be written): nothing stays.
    insert(&group, parts(0), End::Abort).await.unwrap();
    assert_eq!(stored(&group, 0..12).await, (0, 0), "an aborted batch left rows or index entries");

    // A duplicate of a unique value in the last part undoes the earlier parts too.
    let mut clash: Vec<Vec<CustomerWrite>> = parts(100);
    clash[2][3] = write(111, 100);
    let refused = insert(&group, clash, End::Commit).await;
    assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
    assert_eq!(stored(&group, 100..112).await, (0, 0), "a refused batch left part of itself");

    // Committed: every part is there, and the codes and values refused above are free again.
    insert(&group, parts(0), End::Commit).await.unwrap();
    insert(&group, parts(100), End::Commit).await.unwrap();
    assert_eq!(stored(&group, 0..12).await, (12, 12));
    assert_eq!(stored(&group, 100..112).await, (12, 12));
}

/// A batch dropped without a commit (its writer gave up or was cancelled) is rolled back,
/// holds no lock afterwards, and leaves its codes and unique values free.
async fn a_dropped_batch_leaves_nothing<B: Backend>(b: B) {
    let store = b.open_store().await;
    let row = store.create_group(1, "retail", NOW, &[]).await.unwrap();
    let group = store.open_group(&row).await.unwrap();

    insert(&group, parts(0), End::Drop).await.unwrap();
    assert_eq!(stored(&group, 0..12).await, (0, 0), "a dropped batch left rows or index entries");

    // The same customers again, one by one and as a batch: nothing of the dropped one is in
    // the way.
    group.insert_customers(&parts(0).concat()[..4]).await.unwrap();
    insert(&group, vec![parts(0).concat()[4..].to_vec()], End::Commit).await.unwrap();
    assert_eq!(stored(&group, 0..12).await, (12, 12));
}

crate::conformance!(a_batch_in_parts_commits_only_when_told, a_dropped_batch_leaves_nothing);
