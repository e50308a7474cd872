//! Retention (issue 24): a sweep at a fixed clock erases exactly the customers past
//! retention and none on legal hold; each erasure is journaled and audited.

use std::collections::BTreeSet;
use std::sync::Arc;

use sekretess_core::audit::{AuditStore, Outcome};
use sekretess_core::store::Store;
use sekretess_core::{CustomerCode, ManualClock, RetentionRules, Vault, VaultError};

use crate::common::{self, Backend, NOW, ctx, fields};

crate::conformance!(a_sweep_erases_exactly_the_customers_past_retention, a_retention_date_survives_updates);

const DAY: i64 = 86_400;

async fn vault<B: Backend>(b: &B) -> (Vault<B::S>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(NOW));
    let vault = Vault::open(b.open_store().await, clock.clone(), common::schema()).await.unwrap();
    let outcome = vault.init(&ctx(), 1, 1).await.unwrap();
    vault.submit_share(&ctx(), &outcome.shares[0].to_text()).await.unwrap();
    (vault, clock)
}

async fn customer<B: Backend>(v: &Vault<B::S>, group: &str, name: &str) -> CustomerCode {
    v.create_customer(
        &ctx(),
        group,
        &fields(&[("full_name", name), ("email", &format!("{name}@example.com"))]),
    )
    .await
    .unwrap()
}

async fn a_sweep_erases_exactly_the_customers_past_retention<B: Backend>(b: B) {
    let (v, clock) = vault(&b).await;
    v.create_group(&ctx(), "retail").await.unwrap();
    v.create_group(&ctx(), "other").await.unwrap();
    // retail keeps customers 7 years (2557 days) after their last change; other has no
    // default: only explicit dates count there.
    let rules =
        RetentionRules { default_after_change: None, groups: [("retail".to_owned(), 2557 * DAY)].into() };

    // Created at NOW.
    let old = customer::<B>(&v, "retail", "old").await; // default: due at NOW + 2557 d
    let old_held = customer::<B>(&v, "retail", "oldheld").await; // same, but on hold
    let dated = customer::<B>(&v, "retail", "dated").await; // own date: NOW + 10 d
    let dated_later = customer::<B>(&v, "retail", "later").await; // own date: NOW + 9000 d
    let dated_held = customer::<B>(&v, "retail", "datedheld").await; // own date NOW + 5 d, held
    let released = customer::<B>(&v, "retail", "released").await; // held, then released
    let elsewhere = customer::<B>(&v, "other", "elsewhere").await; // other group, own date
    let other_default = customer::<B>(&v, "other", "otherdefault").await; // no default there
    v.set_retain_until(&ctx(), &dated, Some(NOW + 10 * DAY), Some("contract ended")).await.unwrap();
    v.set_retain_until(&ctx(), &dated_later, Some(NOW + 9000 * DAY), None).await.unwrap();
    v.set_retain_until(&ctx(), &dated_held, Some(NOW + 5 * DAY), None).await.unwrap();
    v.set_retain_until(&ctx(), &elsewhere, Some(NOW + 10 * DAY), None).await.unwrap();
    for c in [&old_held, &dated_held, &released] {
        v.set_legal_hold(&ctx(), c, true, "case 2026-17").await.unwrap();
    }
    v.set_legal_hold(&ctx(), &released, false, "case closed").await.unwrap();

    // A change a year later moves the default date of `fresh` on by that year.
    clock.set(NOW + 365 * DAY);
    let fresh = customer::<B>(&v, "retail", "fresh").await; // due at NOW + 365 + 2557 d
    v.update_customer(&ctx(), &dated, &[("notes".into(), Some("still a customer".into()))]).await.unwrap();

    // Before anything is due at NOW + 365 d: the explicit dates of `dated` and
    // `dated_held` are past (NOW + 10 d, NOW + 5 d), the update kept `dated`'s date.
    let (due, held) = v.retention_due(&ctx(), "retail", &rules).await.unwrap();
    assert_eq!(due, vec![dated.clone()]);
    assert_eq!(held, 1);

    // The sweep, at NOW + 2557 d + 1 s: past the default for everything last changed at NOW.
    clock.set(NOW + 2557 * DAY + 1);
    let expected: BTreeSet<CustomerCode> = [old.clone(), dated.clone(), released.clone()].into();
    let (listed, _) = v.retention_due(&ctx(), "retail", &rules).await.unwrap();
    assert_eq!(listed.iter().cloned().collect::<BTreeSet<_>>(), expected);
    // Listing erased nothing.
    assert_eq!(v.get_customer(&ctx(), &old, None).await.unwrap().code, old);

    let report = v.sweep_retention(&ctx(), "retail", &rules).await.unwrap();
    assert_eq!((report.due, report.held, report.erased), (5, 2, 3));
    let other = v.sweep_retention(&ctx(), "other", &rules).await.unwrap();
    assert_eq!((other.due, other.erased), (1, 1));

    let erased: BTreeSet<CustomerCode> =
        [old.clone(), dated.clone(), released.clone(), elsewhere.clone()].into();
    let kept =
        [old_held.clone(), dated_held.clone(), dated_later.clone(), fresh.clone(), other_default.clone()];
    for c in &erased {
        assert_eq!(v.get_customer(&ctx(), c, None).await.unwrap_err(), VaultError::Erased, "{c}");
        // In the erasure journal (the store's erasures table, which every journal and
        // backup carry).
        assert!(v.store().is_erased(c.compact()).await.unwrap(), "{c} not journaled");
    }
    for c in &kept {
        assert_eq!(&v.get_customer(&ctx(), c, None).await.unwrap().code, c);
        assert!(!v.store().is_erased(c.compact()).await.unwrap(), "{c} journaled");
    }
    // The blind index no longer finds an erased customer; a held one still is.
    assert!(v.find(&ctx(), "retail", "email", "old@example.com").await.unwrap().is_empty());
    assert_eq!(
        v.find(&ctx(), "retail", "email", "oldheld@example.com").await.unwrap(),
        vec![old_held.clone()]
    );

    // Each erasure is its own audit entry, with the sweep's purpose, resolved as committed.
    v.audit_flush().await.unwrap();
    let log = v.store().audit_read(0, 100_000).await.unwrap();
    let erase_entries: Vec<_> = log.iter().filter(|e| e.action == "customer.erase").collect();
    let audited: BTreeSet<String> = erase_entries.iter().filter_map(|e| e.customer.clone()).collect();
    assert_eq!(audited, erased.iter().map(|c| c.compact().to_owned()).collect());
    assert!(erase_entries.iter().all(|e| e.purpose.as_deref() == Some("retention")));
    let markers: Vec<_> = log.iter().filter(|e| e.action == "customer.erase.commit").collect();
    assert_eq!(markers.len(), 2);
    assert!(markers.iter().all(|m| m.outcome == Outcome::Success));
    // The holds and their release are on record too, with their reasons.
    let holds = log.iter().filter(|e| e.action == "customer.legal_hold").count();
    let clears: Vec<_> = log.iter().filter(|e| e.action == "customer.legal_hold.clear").collect();
    assert_eq!((holds, clears.len()), (3, 1)); // the attempts (their markers are `….commit`)
    assert_eq!(clears[0].purpose.as_deref(), Some("case closed"));
    assert_eq!(clears[0].customer.as_deref(), Some(released.compact()));

    // A second sweep finds nothing more to do.
    let again = v.sweep_retention(&ctx(), "retail", &rules).await.unwrap();
    assert_eq!((again.due, again.held, again.erased), (2, 2, 0));
    // Clearing a hold makes the customer due at the next sweep.
    v.set_legal_hold(&ctx(), &old_held, false, "case closed").await.unwrap();
    assert_eq!(v.retention_due(&ctx(), "retail", &rules).await.unwrap().0, vec![old_held.clone()]);
}

async fn a_retention_date_survives_updates<B: Backend>(b: B) {
    let (v, clock) = vault(&b).await;
    v.create_group(&ctx(), "retail").await.unwrap();
    let c = customer::<B>(&v, "retail", "kim").await;
    let rules = RetentionRules { default_after_change: Some(30 * DAY), groups: Default::default() };
    let r = v.retention(&c, &rules).await.unwrap();
    assert_eq!((r.retain_until, r.due_at, r.legal_hold_since), (None, Some(NOW + 30 * DAY), None));
    v.set_retain_until(&ctx(), &c, Some(NOW + 400 * DAY), None).await.unwrap();
    clock.set(NOW + 10);
    v.update_customer(&ctx(), &c, &[("notes".into(), Some("x".into()))]).await.unwrap();
    v.set_legal_hold(&ctx(), &c, true, "audit").await.unwrap();
    let r = v.retention(&c, &rules).await.unwrap();
    assert_eq!(
        (r.retain_until, r.due_at, r.legal_hold_since),
        (Some(NOW + 400 * DAY), Some(NOW + 400 * DAY), Some(NOW + 10))
    );
    // Cleared: the group default counts again, from the last change.
    v.set_retain_until(&ctx(), &c, None, None).await.unwrap();
    let r = v.retention(&c, &rules).await.unwrap();
    assert_eq!((r.retain_until, r.due_at), (None, Some(NOW + 10 + 30 * DAY)));
    // An unknown code is not found.
    let unknown = CustomerCode::generate().unwrap();
    assert_eq!(v.set_retain_until(&ctx(), &unknown, None, None).await.unwrap_err(), VaultError::NotFound);
}
