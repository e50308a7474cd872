//! Control rows written with a round of audit entries (issue 22): the attempts of single
//! creates and erasures commit in one transaction with their directory rows and erasure
//! journal entries, all or nothing.

use sekretess_core::CustomerCode;
use sekretess_core::audit::{AuditStore, ControlRows, Entry, Outcome};
use sekretess_core::error::StoreError;
use sekretess_core::store::Store;

use crate::common::{self, Backend, NOW, ctx};

crate::conformance!(audit_entries_and_control_rows_commit_together_or_not_at_all);

fn entry(seq: u64, customer: &str) -> Entry {
    Entry {
        seq,
        time: NOW,
        actor: "apikey:test".into(),
        action: "customer.create".into(),
        group: Some("alpha".into()),
        customer: Some(customer.into()),
        fields: vec!["full_name".into()],
        purpose: None,
        outcome: Outcome::Attempted,
        request_id: None,
        origin: None,
        mac: [7; 32],
    }
}

fn code() -> String {
    CustomerCode::generate().unwrap().compact().to_owned()
}

async fn audit_entries_and_control_rows_commit_together_or_not_at_all<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    tv.vault.create_group(&ctx(), "alpha").await.unwrap();
    let group = tv.vault.list_groups().unwrap().into_iter().find(|g| g.name == "alpha").unwrap().id;
    let store = tv.vault.store();
    assert!(store.appends_control_rows());
    let head = store.audit_head().await.unwrap().unwrap().0;
    let (a, b, erased) = (code(), code(), code());

    let rows = ControlRows {
        directory: vec![(a.clone(), group), (b.clone(), group)],
        erasures: vec![(erased.clone(), group, NOW)],
    };
    store.audit_append_with(head, &[entry(head + 1, &a), entry(head + 2, &b)], &rows).await.unwrap();
    assert_eq!(store.audit_head().await.unwrap().unwrap().0, head + 2);
    assert_eq!(store.directory_lookup(&a).await.unwrap(), Some(group));
    assert_eq!(store.directory_lookup(&b).await.unwrap(), Some(group));
    assert!(store.is_erased(&erased).await.unwrap());

    // A code already in the directory fails the whole append: no entry, no other row. The
    // error is not `Conflict`, which the audit writer would take for a moved head and retry.
    let (fresh, also_erased) = (code(), code());
    let rows = ControlRows {
        directory: vec![(fresh.clone(), group), (a.clone(), group)],
        erasures: vec![(also_erased.clone(), group, NOW)],
    };
    let refused = store.audit_append_with(head + 2, &[entry(head + 3, &fresh)], &rows).await.unwrap_err();
    assert!(!matches!(refused, StoreError::Conflict { .. }), "{refused:?}");
    assert_eq!(store.audit_head().await.unwrap().unwrap().0, head + 2);
    assert_eq!(store.directory_lookup(&fresh).await.unwrap(), None);
    assert!(!store.is_erased(&also_erased).await.unwrap());
    // The writer goes on after the failure.
    let rows = ControlRows { directory: vec![(fresh.clone(), group)], erasures: Vec::new() };
    store.audit_append_with(head + 2, &[entry(head + 3, &fresh)], &rows).await.unwrap();
    assert_eq!(store.directory_lookup(&fresh).await.unwrap(), Some(group));
}
