//! A batch written part by part (`GroupStore::insert_customer_parts`): one transaction
//! that commits only when told to, and leaves nothing behind when it is not.

use std::sync::Arc;

use sekretess_core::error::StoreError;
use sekretess_core::store::{CustomerWrite, GroupStore, IndexEntry, Store};
use sekretess_crypto::mac::hmac_sha256;
use tokio::sync::{mpsc, oneshot};

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

/// Sends `parts` (then ends them), commits if `commit`, and returns the store's answer.
async fn insert<G: GroupStore>(
    group: &G,
    parts: Vec<Vec<CustomerWrite>>,
    commit: bool,
) -> Result<(), StoreError> {
    let (part_tx, part_rx) = mpsc::unbounded_channel();
    let (commit_tx, commit_rx) = oneshot::channel();
    for part in parts {
        part_tx.send(Arc::<[CustomerWrite]>::from(part)).unwrap();
    }
    drop(part_tx);
    if commit {
        commit_tx.send(()).unwrap();
    } else {
        drop(commit_tx);
    }
    group.insert_customer_parts(part_rx, commit_rx).await
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

async fn a_batch_in_parts_commits_only_when_told<B: Backend>(b: B) {
    let store = b.open_store().await;
    let row = store.create_group(1, "retail", NOW, &[]).await.unwrap();
    let group = store.open_group(&row).await.unwrap();
    let parts = |from: u32| {
        (0..3).map(|p| (0..4).map(|i| write(from + p * 4 + i, from + p * 4 + i)).collect()).collect()
    };

    // Given up before its commit (the audit entry could not be written): nothing stays.
    let given_up = insert(&group, parts(0), false).await;
    assert!(matches!(given_up, Err(StoreError::Unavailable(_))), "{given_up:?}");
    assert_eq!(stored(&group, 0..12).await, (0, 0), "a batch without its commit left rows or index entries");

    // A duplicate of a unique value in the last part undoes the earlier parts too.
    let mut clash: Vec<Vec<CustomerWrite>> = parts(100);
    clash[2][3] = write(111, 100);
    let refused = insert(&group, clash, true).await;
    assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
    assert_eq!(stored(&group, 100..112).await, (0, 0), "a refused batch left part of itself");

    // Committed: every part is there, and the codes and values refused above are free again.
    insert(&group, parts(0), true).await.unwrap();
    insert(&group, parts(100), true).await.unwrap();
    assert_eq!(stored(&group, 0..12).await, (12, 12));
    assert_eq!(stored(&group, 100..112).await, (12, 12));
}

crate::conformance!(a_batch_in_parts_commits_only_when_told);
