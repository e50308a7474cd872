//! Key rotation and rekey through the API (issue 20): a group key rotated while clients
//! read and write, rewrapped by the server's background work until no data key is wrapped
//! by the old version; rekey from 3-of-5 to 2-of-3; audit key rotation with the chain
//! verifying across it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use sekretess_api as api;
use sekretess_client::Client;

use crate::common::{TestServer, fields, kind};

const CUSTOMERS: usize = 200;
const OWNED: usize = 40;

fn email_of(i: usize) -> String {
    format!("c{i}@example.com")
}

async fn email(c: &Client, code: &str) -> String {
    crate::common::plain(c, code, &["email"]).await["email"].clone()
}

/// Rows of the group's database per KEK version, read from the file itself.
async fn kek_versions_at_rest(ts: &TestServer) -> Vec<(i64, i64)> {
    let path = ts.data_dir().join("groups/group-1.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT kek_version, COUNT(*) FROM customers GROUP BY kek_version ORDER BY kek_version",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

/// The KEK versions in the control database's keyring.
async fn keyring_at_rest(ts: &TestServer) -> Vec<i64> {
    let path = ts.data_dir().join("control.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM group_keys WHERE group_id = 1 AND kind = 'kek' ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    rows.into_iter().map(|(v,)| v).collect()
}

/// Polls the group list until the first group satisfies `done`. The bound is for liveness
/// only (three minutes): on a loaded CI machine, with the writers of this test changing rows
/// under the rewrap's feet, a pass has taken over a minute.
async fn wait_for(c: &Client, done: impl Fn(&api::Group) -> bool) -> api::Group {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    while std::time::Instant::now() < deadline {
        let g = c.list_groups().await.unwrap().remove(0);
        if done(&g) {
            return g;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the background rewrap did not get there in three minutes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_rotation_under_load_then_rekey_from_3_of_5_to_2_of_3() {
    let ts = TestServer::start().await;
    let anon = ts.client(None);
    let init = anon.init(3, 5).await.unwrap();
    for s in &init.shares[..3] {
        anon.unseal(s).await.unwrap();
    }
    let admin = ts.client(Some(&init.bootstrap_token));
    admin.create_group("retail").await.unwrap();
    let batch = api::CreateCustomers {
        group: "retail".into(),
        customers: (0..CUSTOMERS)
            .map(|i| api::BatchItem { fields: fields(&[("full_name", "Kim Berg"), ("email", &email_of(i))]) })
            .collect(),
    };
    let created = admin.create_customers(&batch).await.unwrap();
    assert_eq!(created.created, CUSTOMERS);
    let codes: Vec<String> = created.results.into_iter().map(|r| r.code.unwrap()).collect();

    // The load: writers update the customers they own and read each write back; readers
    // read the others, whose value never changes.
    let stop = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(AtomicUsize::new(0));
    let (mut writers, mut readers) = (Vec::new(), Vec::new());
    for w in 0..4 {
        let (c, codes, stop, ops) =
            (ts.client(Some(&init.bootstrap_token)), codes.clone(), Arc::clone(&stop), Arc::clone(&ops));
        writers.push(tokio::spawn(async move {
            let (mut n, mut last) = (0usize, HashMap::new());
            while !stop.load(Ordering::Relaxed) || n < 10 {
                let i = w * (OWNED / 4) + n % (OWNED / 4);
                let value = format!("w{w}-{n}@example.com");
                let change =
                    api::UpdateCustomer { fields: BTreeMap::from([("email".into(), Some(value.clone()))]) };
                c.update_customer(&codes[i], &change).await.unwrap();
                assert_eq!(email(&c, &codes[i]).await, value);
                last.insert(i, value);
                ops.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
            last
        }));
    }
    for r in 0..4 {
        let (c, codes, stop, ops) =
            (ts.client(Some(&init.bootstrap_token)), codes.clone(), Arc::clone(&stop), Arc::clone(&ops));
        readers.push(tokio::spawn(async move {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) || n < 20 {
                let i = OWNED + (r * 37 + n * 11) % (CUSTOMERS - OWNED);
                assert_eq!(email(&c, &codes[i]).await, email_of(i), "read during the rotation");
                ops.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
            n
        }));
    }

    // Rotate once the load runs.
    while ops.load(Ordering::Relaxed) < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let g = admin.rotate_group_key("retail").await.unwrap();
    assert_eq!((g.kek_version, g.kek_versions.clone()), (2, vec![1, 2]));
    // The background work rewraps while the load goes on (bounded waits), ...
    let rewrapped = wait_for(&admin, |g| g.rewrap.as_ref().is_some_and(|r| r.remaining == Some(0))).await;
    // ... and keeps the old version for the retirement grace (the clock stands still) ...
    assert_eq!(rewrapped.kek_versions, vec![1, 2]);
    assert_eq!(keyring_at_rest(&ts).await, vec![1, 2]);
    // ... then retires it.
    ts.clock.advance(60);
    let retired = wait_for(&admin, |g| g.kek_versions == vec![2]).await;
    assert!(retired.rewrap.is_none());
    let at_retirement = ops.load(Ordering::Relaxed);
    // The load goes on a little after the retirement too.
    while ops.load(Ordering::Relaxed) < at_retirement + 40 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut last = HashMap::new();
    for t in writers {
        last.extend(t.await.unwrap());
    }
    for t in readers {
        assert!(t.await.unwrap() >= 20);
    }
    // After the rewrap no data key is wrapped by the old version, and its key is gone.
    assert_eq!(kek_versions_at_rest(&ts).await, vec![(2, CUSTOMERS as i64)]);
    assert_eq!(keyring_at_rest(&ts).await, vec![2]);

    // Rekey from 3-of-5 to 2-of-3: two current shares are not enough.
    let two = api::keys::RekeyRequest { threshold: 2, shares: 3, current_shares: init.shares[..2].to_vec() };
    assert_eq!(kind(admin.rekey(&two).await), "rekey-refused");
    // Without the scope: refused before the shares are looked at.
    assert_eq!(kind(anon.rekey(&two).await), "unauthenticated");
    let req = api::keys::RekeyRequest { threshold: 2, shares: 3, current_shares: init.shares[2..5].to_vec() };
    let started = admin.rekey(&req).await.unwrap();
    assert_eq!(started.shares.len(), 3);
    let confirm = api::keys::RekeyConfirm { new_shares: started.shares[..2].to_vec() };
    let s = admin.rekey_confirm(&confirm).await.unwrap();
    assert_eq!((s.threshold, s.share_count, s.key_id.as_deref()), (2, 3, Some(started.key_id.as_str())));
    // The audit key can be rotated too; the chain verifies across both changes.
    let epoch = admin.rotate_audit_key().await.unwrap().epoch;
    assert_eq!(epoch, 2, "the rekey moved the chain to epoch 1, this rotation to 2");

    admin.seal().await.unwrap();
    assert_eq!(kind(anon.unseal(&init.shares[0]).await), "wrong-vault");
    anon.unseal(&started.shares[2]).await.unwrap();
    assert!(!anon.unseal(&started.shares[0]).await.unwrap().sealed);
    for (i, code) in codes.iter().enumerate() {
        let expected =
            if i < OWNED { last.get(&i).cloned().unwrap_or_else(|| email_of(i)) } else { email_of(i) };
        assert_eq!(email(&admin, code).await, expected);
    }
    let v = admin.audit_verify().await.unwrap();
    assert_eq!(v.status, "intact", "{}", v.detail);
}
