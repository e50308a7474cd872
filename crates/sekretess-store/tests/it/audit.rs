//! The audit chain over the SQLite control database: tamper detection on the file,
//! fail-closed writes, group commit.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use sekretess_core::ManualClock;
use sekretess_core::audit::{
    AuditKey, AuditLog, AuditStore, Checkpoint, Entry, Event, Outcome, Verdict, verify,
};
use sekretess_core::error::StoreError;
use sekretess_crypto::Key32;
use sekretess_store::SqliteStore;

use crate::common::NOW;

/// The real store, with an injected write failure and a count of append transactions.
#[derive(Clone)]
struct Flaky {
    inner: SqliteStore,
    fail: Arc<AtomicBool>,
    appends: Arc<AtomicUsize>,
}

impl AuditStore for Flaky {
    async fn audit_head(&self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        self.inner.audit_head().await
    }
    async fn audit_append(&self, prev_seq: u64, entries: &[Entry]) -> Result<(), StoreError> {
        if self.fail.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable("disk full (injected)".into()));
        }
        self.appends.fetch_add(1, Ordering::SeqCst);
        self.inner.audit_append(prev_seq, entries).await
    }
    async fn audit_read(&self, from: u64, limit: usize) -> Result<Vec<Entry>, StoreError> {
        self.inner.audit_read(from, limit).await
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    log: AuditLog<Flaky>,
    failures: Arc<std::sync::atomic::AtomicU64>,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let inner = SqliteStore::open(dir.path()).await.unwrap();
    let store = Flaky { inner, fail: Arc::default(), appends: Arc::default() };
    let key = AuditKey::from_key(Key32::generate().unwrap());
    let failures = Arc::default();
    let log = AuditLog::new(store, key, Arc::new(ManualClock::new(NOW)), Arc::clone(&failures));
    Fixture { dir, log, failures }
}

fn event(i: usize) -> Event {
    Event {
        actor: format!("apikey:{i}"),
        action: "customer.read".into(),
        group: Some("retail".into()),
        customer: Some("K7Q4M92DJ3X8".into()),
        fields: vec!["email".into(), "full_name".into()],
        purpose: Some("support case".into()),
        request_id: Some(format!("req-{i}")),
        origin: Some("127.0.0.1".into()),
    }
}

async fn ten_entries() -> Fixture {
    let f = fixture().await;
    for i in 1..=10 {
        assert_eq!(f.log.record(event(i), Outcome::Success).await.unwrap(), i as u64);
    }
    assert_eq!(f.log.verify(None).await.unwrap(), Verdict::Intact { head: 10 });
    f
}

async fn sql(f: &Fixture, statement: &str) {
    let path = f.dir.path().join("control.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let done = sqlx::query(statement).execute(&pool).await.unwrap();
    assert!(done.rows_affected() >= 1, "{statement} changed nothing");
    pool.close().await;
}

#[tokio::test]
async fn editing_any_field_is_caught_at_its_sequence_number() {
    let edits = [
        "UPDATE audit_log SET time = time + 1 WHERE seq = 5",
        "UPDATE audit_log SET actor = 'apikey:99' WHERE seq = 5",
        "UPDATE audit_log SET action = 'customer.update' WHERE seq = 5",
        "UPDATE audit_log SET group_name = 'vip' WHERE seq = 5",
        "UPDATE audit_log SET customer = 'AAAAAAAAAAAA' WHERE seq = 5",
        "UPDATE audit_log SET fields = 'email' WHERE seq = 5",
        "UPDATE audit_log SET purpose = NULL WHERE seq = 5",
        "UPDATE audit_log SET outcome = 'denied' WHERE seq = 5",
        "UPDATE audit_log SET request_id = 'req-x' WHERE seq = 5",
        "UPDATE audit_log SET origin = '10.0.0.1' WHERE seq = 5",
        "UPDATE audit_log SET mac = zeroblob(32) WHERE seq = 5",
    ];
    for edit in edits {
        let f = ten_entries().await;
        sql(&f, edit).await;
        assert!(
            matches!(f.log.verify(None).await.unwrap(), Verdict::BrokenAt { seq: 5, .. }),
            "{edit}: not caught at 5"
        );
    }
}

#[tokio::test]
async fn recomputing_later_macs_with_a_wrong_key_is_caught() {
    let f = ten_entries().await;
    sql(&f, "UPDATE audit_log SET purpose = 'nothing to see' WHERE seq = 5").await;
    // The attacker re-chains entries 5..10 with a key of their own.
    let forger = AuditKey::from_key(Key32::generate().unwrap());
    let entries = f.log.store().audit_read(1, 100).await.unwrap();
    let mut prev = entries[3].mac;
    let path = f.dir.path().join("control.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    for e in &entries[4..] {
        let mut msg = prev.to_vec();
        msg.extend_from_slice(&e.canonical());
        let mac = sekretess_crypto::mac::hmac_sha256(forger.expose().expose(), &msg);
        sqlx::query("UPDATE audit_log SET mac = ? WHERE seq = ?")
            .bind(&mac[..])
            .bind(e.seq as i64)
            .execute(&pool)
            .await
            .unwrap();
        prev = mac;
    }
    pool.close().await;
    assert!(matches!(f.log.verify(None).await.unwrap(), Verdict::BrokenAt { seq: 5, .. }));
    // The forger's own key would accept the forgery: the key is what makes it fail.
    assert!(matches!(verify(f.log.store(), &forger, None).await.unwrap(), Verdict::BrokenAt { seq: 1, .. }));
}

#[tokio::test]
async fn deleting_or_swapping_entries_is_caught() {
    let f = ten_entries().await;
    sql(&f, "DELETE FROM audit_log WHERE seq = 5").await;
    assert!(matches!(f.log.verify(None).await.unwrap(), Verdict::BrokenAt { seq: 5, .. }));

    let f = ten_entries().await;
    sql(&f, "UPDATE audit_log SET seq = -4 WHERE seq = 4").await;
    sql(&f, "UPDATE audit_log SET seq = 4 WHERE seq = 6").await;
    sql(&f, "UPDATE audit_log SET seq = 6 WHERE seq = -4").await;
    assert!(matches!(f.log.verify(None).await.unwrap(), Verdict::BrokenAt { seq: 4, .. }));
}

#[tokio::test]
async fn a_cut_off_tail_is_caught_against_a_checkpoint() {
    let f = ten_entries().await;
    let checkpoint = f.log.checkpoint().await.unwrap();
    assert_eq!(checkpoint.seq, 10);
    assert_eq!(f.log.verify(Some(&checkpoint)).await.unwrap(), Verdict::Intact { head: 10 });
    sql(&f, "DELETE FROM audit_log WHERE seq > 7").await;
    // Without the checkpoint the shorter chain looks whole; with it, the cut shows.
    assert_eq!(f.log.verify(None).await.unwrap(), Verdict::Intact { head: 7 });
    assert_eq!(
        f.log.verify(Some(&checkpoint)).await.unwrap(),
        Verdict::Truncated { head: 7, checkpoint: 10 }
    );

    // A checkpoint made under another key, or edited, is refused.
    let other = AuditKey::from_key(Key32::generate().unwrap());
    let foreign = Checkpoint::new(&other, 7, checkpoint.mac, NOW);
    assert_eq!(f.log.verify(Some(&foreign)).await.unwrap(), Verdict::ForeignCheckpoint);
    let mut edited = checkpoint.clone();
    edited.seq = 7;
    assert_eq!(f.log.verify(Some(&edited)).await.unwrap(), Verdict::ForeignCheckpoint);
}

#[tokio::test]
async fn a_failed_write_acknowledges_nothing_and_service_recovers() {
    let f = ten_entries().await;
    f.log.store().fail.store(true, Ordering::SeqCst);
    for i in 0..3 {
        assert!(f.log.record(event(100 + i), Outcome::Success).await.is_err());
    }
    assert_eq!(f.failures.load(Ordering::SeqCst), 3);
    assert_eq!(f.log.store().audit_head().await.unwrap().unwrap().0, 10);
    f.log.store().fail.store(false, Ordering::SeqCst);
    assert_eq!(f.log.record(event(11), Outcome::Success).await.unwrap(), 11);
    assert_eq!(f.log.verify(None).await.unwrap(), Verdict::Intact { head: 11 });
}

#[tokio::test]
async fn concurrent_records_share_commits_and_stay_one_chain() {
    let f = Arc::new(fixture().await);
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let f = Arc::clone(&f);
            tokio::spawn(async move { f.log.record(event(i), Outcome::Success).await.unwrap() })
        })
        .collect();
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=200).collect::<Vec<u64>>());
    assert_eq!(f.log.verify(None).await.unwrap(), Verdict::Intact { head: 200 });
    let appends = f.log.store().appends.load(Ordering::SeqCst);
    assert!(appends < 200, "no group commit: {appends} transactions for 200 entries");
}

#[tokio::test]
async fn user_text_cannot_forge_lines() {
    let f = fixture().await;
    let mut e = event(1);
    e.purpose = Some("ok\n2026-11-29 apikey:1 vault.seal success".into());
    e.group = Some("retail\r\u{1b}[2K".into());
    f.log.record(e, Outcome::Success).await.unwrap();
    let stored = &f.log.store().audit_read(1, 1).await.unwrap()[0];
    assert!(!stored.purpose.as_ref().unwrap().contains('\n'));
    assert!(!stored.group.as_ref().unwrap().chars().any(char::is_control));
    assert_eq!(f.log.verify(None).await.unwrap(), Verdict::Intact { head: 1 });
}

async fn control_sql(dir: &std::path::Path, statement: &str) {
    let path = dir.join("control.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    sqlx::query(statement).execute(&pool).await.unwrap();
    pool.close().await;
}

const BLOCK_AUDIT: &str = "CREATE TRIGGER block_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'injected write error'); END";

/// Every vault operation leaves exactly its entry, in order, with who, what and which
/// fields; sealed-time events are written first at unseal.
#[tokio::test]
async fn a_session_leaves_exactly_its_entries() {
    use sekretess_core::CustomerCode;

    let tv = crate::common::sealed(crate::common::sqlite().await, 2, 3).await;
    let v = &tv.vault;
    let ctx = crate::common::ctx();
    v.submit_share(&ctx, "SEK1-2-1-XXXXXXXX-broken").await.unwrap_err();
    v.submit_share(&ctx, &tv.shares[0]).await.unwrap();
    v.reset_unseal(&ctx).unwrap();
    v.submit_share(&ctx, &tv.shares[1]).await.unwrap();
    v.submit_share(&ctx, &tv.shares[2]).await.unwrap();
    v.create_group(&ctx, "retail").await.unwrap();
    v.set_group_locked(&ctx, "retail", true).await.unwrap();
    v.set_group_locked(&ctx, "retail", false).await.unwrap();
    let fields = crate::common::fields(&[("full_name", "Ada Lovelace"), ("email", "ada@example.com")]);
    let code = v.create_customer(&ctx, "retail", &fields).await.unwrap();
    let batch =
        vec![crate::common::fields(&[("full_name", "Bo")]), crate::common::fields(&[("email", "bad")])];
    v.create_customers(&ctx, "retail", &batch).await.unwrap();
    v.get_customer(&ctx, &code, Some("support case 42")).await.unwrap();
    v.update_customer(&ctx, &code, &[("phone".into(), Some("+46701234567".into()))]).await.unwrap();
    v.find(&ctx, "retail", "email", "ada@example.com").await.unwrap();
    v.erase_customer(&ctx, &code).await.unwrap();
    v.seal(&ctx).await.unwrap();
    for s in &tv.shares[..2] {
        v.submit_share(&ctx, s).await.unwrap();
    }

    let entries = v.store().audit_read(1, 100).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "vault.init",
            "vault.unseal.share", // the broken share (failed)
            "vault.unseal.share",
            "vault.unseal.reset",
            "vault.unseal.share",
            "vault.unseal",
            "group.create",
            "group.create.commit",
            "group.lock",
            "group.lock.commit",
            "group.unlock",
            "group.unlock.commit",
            "customer.create",
            "customer.create.commit",
            "customer.create", // the valid batch item; the invalid one wrote nothing
            "customer.create.commit",
            "customer.read",
            "customer.update",
            "customer.update.commit",
            "customer.find",
            "customer.erase",
            "customer.erase.commit",
            "vault.seal",
            "vault.unseal.share",
            "vault.unseal",
        ]
    );
    assert_eq!(entries[1].outcome, Outcome::Failed);
    assert!(entries.iter().all(|e| e.actor == "apikey:test" && e.request_id.as_deref() == Some("req-test")));
    // Writes on record before they are made are attempts, each resolved by its marker.
    for (i, e) in entries.iter().enumerate() {
        let marker = e.action.ends_with(".commit");
        let attempt = !marker && entries.get(i + 1).is_some_and(|n| n.action.ends_with(".commit"));
        let expected = if attempt { Outcome::Attempted } else { Outcome::Success };
        assert_eq!(e.outcome, if i == 1 { Outcome::Failed } else { expected }, "{e:?}");
        if marker {
            assert_eq!(e.fields, [format!("attempt-seq:{}-{}", e.seq - 1, e.seq - 1)]);
            assert_eq!(e.action, format!("{}.commit", entries[i - 1].action));
        }
    }
    let read = &entries[16];
    assert_eq!(read.action, "customer.read");
    assert_eq!(read.customer.as_deref(), Some(code.compact()));
    assert_eq!(read.group.as_deref(), Some("retail"));
    assert_eq!(read.fields, ["email", "full_name"]);
    assert_eq!(read.purpose.as_deref(), Some("support case 42"));
    assert_eq!(entries[17].fields, ["phone"]);
    assert_eq!(entries[19].customer.as_deref(), Some(code.compact()));
    assert_eq!(v.audit_verify(None).await.unwrap(), Verdict::Intact { head: 25 });
    // No value in the log: only codes, names of fields, actions.
    let log = format!("{entries:?}");
    assert!(!log.contains("Ada") && !log.contains("ada@example.com") && !log.contains("701234567"));
    let _ = CustomerCode::parse(code.compact()).unwrap();
}

/// When the audit log cannot be written, a read returns no data and a write changes
/// nothing; once it can be written again, service resumes.
#[tokio::test]
async fn vault_operations_fail_closed() {
    use sekretess_core::VaultError;

    let tv = crate::common::unsealed(crate::common::sqlite().await).await;
    let v = &tv.vault;
    let ctx = crate::common::ctx();
    v.create_group(&ctx, "retail").await.unwrap();
    let ada = crate::common::fields(&[("full_name", "Ada Lovelace"), ("national_id", "19811228-9874")]);
    let code = v.create_customer(&ctx, "retail", &ada).await.unwrap();
    v.audit_flush().await.unwrap(); // markers written in the background
    let head = v.store().audit_head().await.unwrap().unwrap().0;

    control_sql(tv.backend.dir.path(), BLOCK_AUDIT).await;
    // The store's cause travels with the error (for the operator's log): here the trigger's
    // message, which names the failure and holds no value.
    let refused = |e: VaultError| match e {
        VaultError::AuditUnavailable { cause } => cause,
        other => panic!("expected AuditUnavailable, got {other:?}"),
    };
    let cause = refused(v.get_customer(&ctx, &code, None).await.unwrap_err());
    assert!(
        matches!(cause, StoreError::Unavailable(ref m) if m.contains("injected write error")),
        "{cause:?}"
    );
    let shown = VaultError::AuditUnavailable { cause: cause.clone() }.to_string();
    assert!(shown.contains("injected write error") && !shown.contains("Ada"), "{shown}");
    let bo = crate::common::fields(&[("full_name", "Bo"), ("national_id", "670919-9530")]);
    let e = v.create_customer(&ctx, "retail", &bo).await.unwrap_err();
    assert!(matches!(e, VaultError::AuditUnavailable { .. }), "{e:?}");
    // A batch big enough to be encrypted on several threads, in parts that are written into
    // the group's open transaction while its entries are (not) written.
    let batch: Vec<_> = (0..2500)
        .map(|i| {
            crate::common::fields(&[("full_name", "Batch Person"), ("email", &format!("p{i}@example.com"))])
        })
        .collect();
    let e = v.create_customers(&ctx, "retail", &batch).await.unwrap_err();
    assert!(matches!(e, VaultError::AuditUnavailable { .. }), "{e:?}");
    let change = [("full_name".to_owned(), Some("Changed".to_owned()))];
    let e = v.update_customer(&ctx, &code, &change).await.unwrap_err();
    assert!(matches!(e, VaultError::AuditUnavailable { .. }), "{e:?}");
    let e = v.erase_customer(&ctx, &code).await.unwrap_err();
    assert!(matches!(e, VaultError::AuditUnavailable { .. }), "{e:?}");
    let e = v.find(&ctx, "retail", "national_id", "670919-9530").await.unwrap_err();
    // No value of the query or of the customers in the cause.
    assert!(!format!("{e:?}").contains("670919") && !format!("{e}").contains("Bo"), "{e}");
    assert_eq!(refused(e), cause);
    assert!(v.audit_failures() >= 5);

    control_sql(tv.backend.dir.path(), "DROP TRIGGER block_audit").await;
    // Nothing was written while the log was down, and service resumes.
    assert!(v.find(&ctx, "retail", "national_id", "670919-9530").await.unwrap().is_empty());
    for email in ["p0@example.com", "p1500@example.com", "p2499@example.com"] {
        assert!(v.find(&ctx, "retail", "email", email).await.unwrap().is_empty(), "{email}");
    }
    let read = v.get_customer(&ctx, &code, None).await.unwrap();
    assert_eq!(read.fields["full_name"].expose(), "Ada Lovelace");
    assert_eq!(v.store().audit_head().await.unwrap().unwrap().0, head + 5);
    assert_eq!(v.audit_verify(None).await.unwrap(), Verdict::Intact { head: head + 5 });

    // The failure count is the process's: sealing and unsealing does not reset it.
    let failures = v.audit_failures();
    v.seal(&ctx).await.unwrap();
    assert_eq!(v.audit_failures(), failures);
    for s in &tv.shares[..3] {
        v.submit_share(&ctx, s).await.unwrap();
    }
    assert_eq!(v.audit_failures(), failures);
}

/// Two writers on one control database (as two server processes would be) keep one
/// linear chain: a writer whose cached head is stale gets a conflict and chains again.
#[tokio::test]
async fn two_writers_keep_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let key = AuditKey::from_key(Key32::generate().unwrap());
    let clock = Arc::new(ManualClock::new(NOW));
    let a = AuditLog::new(store.clone(), key.clone(), clock.clone(), Arc::default());
    let b = AuditLog::new(store.clone(), key.clone(), clock, Arc::default());
    let mut seqs = Vec::new();
    for i in 0..10 {
        seqs.push(a.record(event(i), Outcome::Success).await.unwrap());
        seqs.push(b.record(event(100 + i), Outcome::Success).await.unwrap());
    }
    assert_eq!(seqs, (1..=20).collect::<Vec<u64>>());
    assert_eq!(verify(&store, &key, None).await.unwrap(), Verdict::Intact { head: 20 });
}

async fn group_sql(dir: &std::path::Path, statement: &str) {
    let path = dir.join("groups").join("group-1.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    sqlx::query(statement).execute(&pool).await.unwrap();
    pool.close().await;
}

/// The commit markers among `entries` that resolve the attempt at `seq`, with their outcomes.
fn resolutions(entries: &[Entry], seq: u64) -> Vec<Outcome> {
    entries
        .iter()
        .filter(|e| e.action.ends_with(".commit"))
        .filter(|e| sekretess_core::audit::marker_range(&e.fields).is_some_and(|(a, b)| a <= seq && seq <= b))
        .map(|e| e.outcome)
        .collect()
}

/// Fault 6: a write on record before it is made is an attempt, never a success; a commit
/// marker (one per batch) says what became of it. A create whose group write fails is
/// resolved as failed; one that never commits (the process stops between its entry and
/// its write, as under kill -9) claims nothing until the next unseal resolves it from the
/// store; a committed one has its marker (or, if that was lost, gets one at unseal).
#[tokio::test]
async fn fault6_attempted_writes_claim_no_success_without_a_commit_marker() {
    use crate::common::Backend as _;
    use sekretess_core::VaultError;

    let backend = crate::common::sqlite().await;
    let clock = Arc::new(ManualClock::new(NOW));
    let vault =
        sekretess_core::Vault::open(backend.open_store().await, clock.clone(), crate::common::schema())
            .await
            .unwrap();
    let ctx = crate::common::ctx();
    let init = vault.init(&ctx, 3, 5).await.unwrap();
    let shares: Vec<String> = init.shares.iter().map(|s| s.to_text().to_string()).collect();
    for s in &shares[..3] {
        vault.submit_share(&ctx, s).await.unwrap();
    }
    let v = Arc::new(vault);
    v.create_group(&ctx, "retail").await.unwrap();
    let all = |v: Arc<sekretess_core::Vault<SqliteStore>>| async move {
        v.audit_flush().await.unwrap(); // markers written in the background
        v.store().audit_read(1, 1_000_000).await.unwrap()
    };

    // Committed: a single create and a batch (written in parts), one marker each.
    let ada = crate::common::fields(&[("full_name", "Ada Lovelace")]);
    let code = v.create_customer(&ctx, "retail", &ada).await.unwrap();
    let batch: Vec<_> = (0..2500)
        .map(|i| {
            crate::common::fields(&[("full_name", "Batch Person"), ("email", &format!("p{i}@example.com"))])
        })
        .collect();
    v.audit_flush().await.unwrap(); // markers written in the background
    let before = v.store().audit_head().await.unwrap().unwrap().0;
    let made = v.create_customers(&ctx, "retail", &batch).await.unwrap();
    assert!(made.iter().all(Result::is_ok));
    let entries = all(Arc::clone(&v)).await;
    assert_eq!(entries.len() as u64, before + 2501, "2500 attempts and one marker");
    let single = entries.iter().find(|e| e.customer.as_deref() == Some(code.compact())).unwrap();
    assert_eq!((single.action.as_str(), single.outcome), ("customer.create", Outcome::Attempted));
    assert_eq!(resolutions(&entries, single.seq), [Outcome::Success]);
    let marker = entries.last().unwrap();
    assert_eq!((marker.action.as_str(), marker.outcome), ("customer.create.commit", Outcome::Success));
    assert_eq!(sekretess_core::audit::marker_range(&marker.fields), Some((before + 1, before + 2500)));
    assert!(entries[before as usize..before as usize + 2500].iter().all(|e| e.outcome == Outcome::Attempted));

    // The group write fails: the attempts are resolved as failed, nothing claims success.
    group_sql(
        backend.dir.path(),
        "CREATE TRIGGER block_insert BEFORE INSERT ON customers BEGIN SELECT RAISE(ABORT, 'injected'); END",
    )
    .await;
    v.audit_flush().await.unwrap(); // markers written in the background
    let head = v.store().audit_head().await.unwrap().unwrap().0;
    v.create_customer(&ctx, "retail", &crate::common::fields(&[("full_name", "Bo Ek")])).await.unwrap_err();
    v.create_customers(&ctx, "retail", &batch).await.unwrap_err();
    let entries = all(Arc::clone(&v)).await;
    let failed = &entries[head as usize..];
    assert_eq!(failed.len(), 1 + 1 + 2500 + 1);
    assert_eq!(failed[0].outcome, Outcome::Attempted);
    assert_eq!((failed[1].action.as_str(), failed[1].outcome), ("customer.create.commit", Outcome::Failed));
    assert_eq!(failed[1].customer, failed[0].customer);
    assert_eq!(resolutions(&entries, failed[0].seq), [Outcome::Failed]);
    assert_eq!(resolutions(&entries, failed[2].seq), [Outcome::Failed]);
    assert_eq!(resolutions(&entries, failed[2501].seq), [Outcome::Failed]);
    assert!(!failed.iter().any(|e| e.outcome == Outcome::Success));
    let lost = sekretess_core::CustomerCode::parse(failed[0].customer.as_deref().unwrap()).unwrap();
    assert!(matches!(v.get_customer(&ctx, &lost, None).await, Err(VaultError::NotFound)));
    group_sql(backend.dir.path(), "DROP TRIGGER block_insert").await;

    // An update whose write fails, and an erasure that is made.
    group_sql(
        backend.dir.path(),
        "CREATE TRIGGER block_update BEFORE UPDATE ON customers BEGIN SELECT RAISE(ABORT, 'injected'); END",
    )
    .await;
    let change = [("full_name".to_owned(), Some("Changed".to_owned()))];
    v.update_customer(&ctx, &code, &change).await.unwrap_err();
    group_sql(backend.dir.path(), "DROP TRIGGER block_update").await;
    let entries = all(Arc::clone(&v)).await;
    let update = &entries[entries.len() - 2];
    assert_eq!((update.action.as_str(), update.outcome), ("customer.update", Outcome::Attempted));
    assert_eq!(resolutions(&entries, update.seq), [Outcome::Failed]);

    // The write never commits: the process stops after the attempt is on record, while
    // the group's write waits (another writer holds the database). A one-item batch: its
    // write runs on the caller's task, so cancelling the caller stands for the stop (a
    // single create's round runs on a task of its own; the CLI's crash tests kill the
    // process for those).
    let path = backend.dir.path().join("groups").join("group-1.db");
    let mut holder = {
        use sqlx::Connection;
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap()
    };
    sqlx::query("BEGIN IMMEDIATE").execute(&mut holder).await.unwrap();
    v.audit_flush().await.unwrap(); // markers written in the background
    let head = v.store().audit_head().await.unwrap().unwrap().0;
    let creating = {
        let (v, ctx) = (Arc::clone(&v), ctx.clone());
        tokio::spawn(async move {
            let cid = crate::common::fields(&[("full_name", "Cid")]);
            v.create_customers(&ctx, "retail", &[cid]).await
        })
    };
    while v.store().audit_head().await.unwrap().unwrap().0 == head {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    creating.abort();
    assert!(creating.await.unwrap_err().is_cancelled());
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    drop(holder);
    let entries = all(Arc::clone(&v)).await;
    let attempt = entries.last().unwrap();
    assert_eq!((attempt.seq, attempt.action.as_str()), (head + 1, "customer.create"));
    assert_eq!(attempt.outcome, Outcome::Attempted, "an attempt, not a success");
    assert!(resolutions(&entries, attempt.seq).is_empty());
    let cid = sekretess_core::CustomerCode::parse(attempt.customer.as_deref().unwrap()).unwrap();
    assert!(matches!(v.get_customer(&ctx, &cid, None).await, Err(VaultError::NotFound)));

    // Committed, but its marker is lost (here: refused by the log).
    control_sql(
        backend.dir.path(),
        "CREATE TRIGGER block_marker BEFORE INSERT ON audit_log WHEN NEW.action = 'customer.create.commit' \
         BEGIN SELECT RAISE(ABORT, 'injected'); END",
    )
    .await;
    let dee =
        v.create_customer(&ctx, "retail", &crate::common::fields(&[("full_name", "Dee")])).await.unwrap();
    let _ = v.audit_flush().await; // the marker's round fails (or failed already): it is lost
    control_sql(backend.dir.path(), "DROP TRIGGER block_marker").await;
    let entries = all(Arc::clone(&v)).await;
    let committed = entries.last().unwrap();
    assert_eq!((committed.customer.as_deref(), committed.outcome), (Some(dee.compact()), Outcome::Attempted));
    assert!(resolutions(&entries, committed.seq).is_empty());

    // The next unseal resolves both from the store (once they are old enough that no
    // other process can still be writing them).
    v.seal(&ctx).await.unwrap();
    for s in &shares[..3] {
        v.submit_share(&ctx, s).await.unwrap();
    }
    let entries = all(Arc::clone(&v)).await;
    assert!(entries.iter().all(|e| e.purpose.as_deref() != Some("resolved at unseal")), "too early");
    clock.advance(61);
    v.seal(&ctx).await.unwrap();
    for s in &shares[..3] {
        v.submit_share(&ctx, s).await.unwrap();
    }
    let entries = all(Arc::clone(&v)).await;
    let recovered: Vec<_> =
        entries.iter().filter(|e| e.purpose.as_deref() == Some("resolved at unseal")).collect();
    assert_eq!(recovered.len(), 2, "{recovered:?}");
    for (marker, (attempt, outcome)) in
        recovered.iter().zip([(attempt.seq, Outcome::Failed), (committed.seq, Outcome::Success)])
    {
        assert_eq!((marker.actor.as_str(), marker.action.as_str()), ("system", "customer.create.commit"));
        assert_eq!(marker.outcome, outcome);
        assert_eq!(sekretess_core::audit::marker_range(&marker.fields), Some((attempt, attempt)));
    }
    assert_eq!(resolutions(&entries, attempt.seq), [Outcome::Failed]);
    // Resolved once: the unseal after finds nothing left.
    v.seal(&ctx).await.unwrap();
    for s in &shares[..3] {
        v.submit_share(&ctx, s).await.unwrap();
    }
    let again = all(Arc::clone(&v)).await;
    assert_eq!(again.iter().filter(|e| e.purpose.as_deref() == Some("resolved at unseal")).count(), 2);

    v.erase_customer(&ctx, &code).await.unwrap();
    let entries = all(Arc::clone(&v)).await;
    let erase = &entries[entries.len() - 2];
    assert_eq!((erase.action.as_str(), erase.outcome), ("customer.erase", Outcome::Attempted));
    assert_eq!(resolutions(&entries, erase.seq), [Outcome::Success]);
    assert!(matches!(v.audit_verify(None).await.unwrap(), Verdict::Intact { .. }));
    drop(v);
    drop(backend);
}

/// Entries `from..=to` as a writer would append them (the MACs do not matter to the store):
/// every sixth has no customer, the others belong to one of five codes, or all to `only`.
fn raw_entries(from: u64, to: u64, only: Option<&str>) -> Vec<Entry> {
    (from..=to)
        .map(|seq| Entry {
            seq,
            time: NOW,
            actor: "apikey:1".into(),
            action: "customer.read".into(),
            group: Some("retail".into()),
            customer: match (only, seq % 6) {
                (Some(code), _) => Some(code.to_owned()),
                (None, 0) => None,
                (None, k) => Some(format!("CODE{k}")),
            },
            fields: vec!["email".into()],
            purpose: None,
            outcome: Outcome::Success,
            request_id: None,
            origin: None,
            mac: [0; 32],
        })
        .collect()
}

async fn append_rounds(store: &SqliteStore, from: u64, to: u64, only: Option<&str>) {
    for start in (from..=to).step_by(200) {
        store.audit_append(start - 1, &raw_entries(start, (start + 199).min(to), only)).await.unwrap();
    }
}

async fn indexed_to(dir: &std::path::Path) -> i64 {
    let path = dir.join("control.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let (n,): (i64,) =
        sqlx::query_as("SELECT indexed_to FROM audit_index_state").fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

fn seqs(entries: &[Entry]) -> Vec<u64> {
    entries.iter().map(|e| e.seq).collect()
}

/// The by-customer index is written in batches: a customer's entries come back whole and in
/// order from the batches and from the log after the last one, also in pages that cross it.
#[tokio::test]
async fn a_customers_entries_are_found_before_and_after_the_last_index_batch() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    append_rounds(&store, 1, 5000, None).await;
    let indexed = indexed_to(dir.path()).await;
    assert!((1..5000).contains(&indexed), "no batch, or no entry after it: indexed to {indexed}");
    let expected: Vec<u64> = (1..=5000).filter(|s| s % 6 == 3).collect();
    assert_eq!(seqs(&store.audit_of_customer("CODE3", 0, 10_000).await.unwrap()), expected);
    // Pages of seven, the next from after the last: the same entries, none twice.
    let mut paged = Vec::new();
    loop {
        let page = store.audit_of_customer("CODE3", paged.last().map_or(0, |s| s + 1), 7).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 7);
        paged.extend(seqs(&page));
    }
    assert_eq!(paged, expected);
    let across = store.audit_of_customer("CODE3", indexed as u64 - 20, 8).await.unwrap();
    let want: Vec<u64> = expected.iter().copied().filter(|&s| s >= indexed as u64 - 20).take(8).collect();
    assert_eq!(seqs(&across), want);
    assert!(want.first() < Some(&(indexed as u64)) && want.last() > Some(&(indexed as u64)), "{want:?}");
    assert!(store.audit_of_customer("CODE9", 0, 10).await.unwrap().is_empty());
    store.close().await;
}

/// A log cut back below the index's extent (a tampered file, restored as found) does not
/// hide the entries written after it: the writer cuts the index back too.
#[tokio::test]
async fn entries_after_a_cut_back_log_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    append_rounds(&store, 1, 5000, None).await;
    let indexed = indexed_to(dir.path()).await as u64;
    store.close().await;
    let cut = indexed - 100;
    control_sql(dir.path(), &format!("DELETE FROM audit_log WHERE seq > {cut}")).await;
    let store = SqliteStore::open(dir.path()).await.unwrap();
    append_rounds(&store, cut + 1, cut + 300, Some("NEWCODE")).await;
    let found = store.audit_of_customer("NEWCODE", 0, 1000).await.unwrap();
    assert_eq!(seqs(&found), (cut + 1..=cut + 300).collect::<Vec<_>>());
    let old: Vec<u64> = (1..=cut).filter(|s| s % 6 == 1).collect();
    assert_eq!(seqs(&store.audit_of_customer("CODE1", 0, 10_000).await.unwrap()), old);
    store.close().await;
}
