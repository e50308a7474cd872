//! Group commit of single writes (issue 22): concurrent creates, updates and erasures share
//! rounds of commits, and each still gets its own answer.

use std::collections::BTreeMap;

use sekretess_api::UpdateCustomer;
use sekretess_api::audit::{AuditEntry, AuditQuery};
use sekretess_client::Client;

use crate::common::{TestServer, fields, kind, plain};

const BURST: usize = 32;
const CONFLICTING: usize = BURST / 2;
const INVALID: usize = BURST / 2 + 1;
/// Unique in the default schema, and a valid personnummer.
const NATIONAL_ID: &str = "19811228-9874";

/// Every entry of the audit log, in order.
async fn audit_log(c: &sekretess_client::Client) -> Vec<AuditEntry> {
    let mut all = Vec::new();
    let mut from = Some(1);
    while let Some(seq) = from {
        let page = c
            .audit(&AuditQuery { from_seq: Some(seq), limit: Some(1000), ..Default::default() })
            .await
            .unwrap();
        all.extend(page.entries);
        from = page.next_seq;
    }
    all
}

/// The attempt range (`first`, `last`) a commit marker resolves.
fn range(marker: &AuditEntry) -> (u64, u64) {
    let r = marker.fields[0].strip_prefix("attempt-seq:").unwrap();
    let (a, b) = r.split_once('-').unwrap();
    (a.parse().unwrap(), b.parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_inside_a_shared_round_answers_its_own_409_and_the_others_succeed() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let first = fields(&[("full_name", "Ada Lovelace"), ("national_id", NATIONAL_ID)]);
    admin.create_customer("retail", first).await.unwrap();
    // Whether the conflicting create lands in a round with others depends on timing: the
    // burst is sent again until the audit log shows it did (it nearly always does at once).
    for burst in 0..20 {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..BURST {
            let c = admin.clone();
            let mut f = BTreeMap::from([("full_name".to_owned(), "Bo Ek".to_owned())]);
            match i {
                CONFLICTING => f.insert("national_id".into(), NATIONAL_ID.into()),
                INVALID => f.insert("email".into(), "not an e-mail".into()),
                _ => f.insert("email".into(), format!("b{burst}i{i}@example.com")),
            };
            tasks.spawn(async move { (i, c.create_customer("retail", f).await) });
        }
        let mut answers: Vec<_> = tasks.join_all().await;
        answers.sort_by_key(|(i, _)| *i);
        let mut created = Vec::new();
        for (i, answer) in answers {
            match i {
                CONFLICTING => assert_eq!(kind(answer), "duplicate", "burst {burst}"),
                INVALID => assert_eq!(kind(answer), "invalid-field", "burst {burst}"),
                _ => created.push(answer.unwrap_or_else(|e| panic!("burst {burst}, create {i}: {e}")).code),
            }
        }
        for code in &created {
            admin.get_customer(code).await.unwrap();
        }
        // The refused create's attempt is resolved as failed, and the round it was in also
        // resolved other attempts, as successes, in the same audit write: markers on both
        // sides of it in the log whose attempts are on both sides of its attempt.
        let log = audit_log(&admin).await;
        let failed: Vec<&AuditEntry> =
            log.iter().filter(|e| e.action == "customer.create.commit" && e.outcome == "failed").collect();
        assert_eq!(failed.len(), burst + 1, "one failed marker per refused create");
        let marker = failed[burst];
        let (s, s_last) = range(marker);
        assert_eq!(s, s_last);
        let attempt = log.iter().find(|e| e.seq == s).unwrap();
        assert_eq!((attempt.action.as_str(), attempt.outcome.as_str()), ("customer.create", "attempted"));
        assert_eq!(attempt.customer, marker.customer);
        let success_beside = |seq: u64, fits: &dyn Fn((u64, u64)) -> bool| {
            log.iter().find(|e| e.seq == seq).is_some_and(|e| {
                e.action == "customer.create.commit" && e.outcome == "success" && fits(range(e))
            })
        };
        let before = success_beside(marker.seq - 1, &|(_, b)| b + 1 == s);
        let after = success_beside(marker.seq + 1, &|(a, _)| a == s + 1);
        if before || after {
            return;
        }
        eprintln!("burst {burst}: the conflicting create ran in a round of its own; again");
    }
    panic!("in 20 bursts the conflicting create never shared a round");
}

/// Creates `n` customers one after the other (no rounds shared), with e-mails `{tag}{i}@…`.
async fn customers(c: &Client, tag: &str, n: usize) -> Vec<String> {
    let mut codes = Vec::new();
    for i in 0..n {
        let f = fields(&[("full_name", "Cy Berg"), ("email", &format!("{tag}{i}@example.com"))]);
        codes.push(c.create_customer("retail", f).await.unwrap().code);
    }
    codes
}

/// An update setting `email` (and, if given, `national_id`).
fn change(email: &str, national_id: Option<&str>) -> UpdateCustomer {
    let mut fields = BTreeMap::from([("email".to_owned(), Some(email.to_owned()))]);
    if let Some(id) = national_id {
        fields.insert("national_id".into(), Some(id.to_owned()));
    }
    UpdateCustomer { fields }
}

/// Commit markers of `action` in `log`, in order.
fn markers_of<'a>(log: &'a [AuditEntry], action: &str) -> Vec<&'a AuditEntry> {
    let commit = format!("{action}.commit");
    log.iter().filter(|e| e.action == commit).collect()
}

/// Whether the entry at `seq` is a successful marker of `action` whose range `fits`.
fn success_at(log: &[AuditEntry], seq: u64, action: &str, fits: &dyn Fn((u64, u64)) -> bool) -> bool {
    let commit = format!("{action}.commit");
    log.iter()
        .find(|e| e.seq == seq)
        .is_some_and(|e| e.action == commit && e.outcome == "success" && fits(range(e)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_inside_a_shared_round_of_updates_answers_its_own_409_and_the_others_succeed() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let holder = fields(&[("full_name", "Ada Lovelace"), ("national_id", NATIONAL_ID)]);
    let holder = admin.create_customer("retail", holder).await.unwrap().code;
    let codes = customers(&admin, "u", BURST).await;
    for burst in 0..20 {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, code) in codes.iter().enumerate() {
            let (c, code) = (admin.clone(), code.clone());
            let email = format!("b{burst}u{i}@example.com");
            // One update takes the national id another customer holds: unique, so refused.
            let id = (i == CONFLICTING).then_some(NATIONAL_ID);
            tasks.spawn(async move { (i, c.update_customer(&code, &change(&email, id)).await) });
        }
        let mut answers: Vec<_> = tasks.join_all().await;
        answers.sort_by_key(|(i, _)| *i);
        for (i, answer) in answers {
            match i {
                CONFLICTING => assert_eq!(kind(answer), "duplicate", "burst {burst}"),
                _ => answer.unwrap_or_else(|e| panic!("burst {burst}, update {i}: {e}")),
            }
        }
        // Each answer is true: the others carry their new e-mail, the refused one its old
        // one, and the national id stays with its holder.
        for (i, code) in codes.iter().enumerate() {
            let got = plain(&admin, code, &["email", "national_id"]).await;
            let want = match i {
                CONFLICTING => format!("u{i}@example.com"),
                _ => format!("b{burst}u{i}@example.com"),
            };
            assert_eq!(got.get("email"), Some(&want), "burst {burst}, customer {i}");
            assert_eq!(got.get("national_id"), None, "burst {burst}, customer {i}");
        }
        assert_eq!(plain(&admin, &holder, &["national_id"]).await["national_id"], NATIONAL_ID);
        // The refused update's attempt is resolved as failed, beside successful markers of
        // the same round (attempts on both sides of it), written in the same audit write.
        let log = audit_log(&admin).await;
        let failed: Vec<&AuditEntry> =
            markers_of(&log, "customer.update").into_iter().filter(|e| e.outcome == "failed").collect();
        assert_eq!(failed.len(), burst + 1, "one failed marker per refused update");
        let marker = failed[burst];
        let (s, s_last) = range(marker);
        assert_eq!(s, s_last);
        let attempt = log.iter().find(|e| e.seq == s).unwrap();
        assert_eq!((attempt.action.as_str(), attempt.outcome.as_str()), ("customer.update", "attempted"));
        assert_eq!(attempt.customer.as_deref(), Some(codes[CONFLICTING].as_str()));
        let before = success_at(&log, marker.seq - 1, "customer.update", &|(_, b)| b + 1 == s);
        let after = success_at(&log, marker.seq + 1, "customer.update", &|(a, _)| a == s + 1);
        if before || after {
            return;
        }
        eprintln!("burst {burst}: the conflicting update ran in a round of its own; again");
    }
    panic!("in 20 bursts the conflicting update never shared a round");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasures_share_a_round_and_each_is_answered() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    for burst in 0..20 {
        let codes = customers(&admin, &format!("e{burst}x"), BURST).await;
        let mut tasks = tokio::task::JoinSet::new();
        for code in &codes {
            let (c, code) = (admin.clone(), code.clone());
            tasks.spawn(async move { c.erase_customer(&code).await });
        }
        for answer in tasks.join_all().await {
            answer.unwrap();
        }
        for code in &codes {
            assert_eq!(kind(admin.get_customer(code).await), "customer-erased");
            assert_eq!(kind(admin.erase_customer(code).await), "customer-erased");
        }
        for i in [0, BURST - 1] {
            let email = format!("e{burst}x{i}@example.com");
            assert!(admin.find("retail", "email", &email).await.unwrap().is_empty(), "{email} still indexed");
        }
        // Shared: one successful marker resolves the attempts of several erasures.
        let log = audit_log(&admin).await;
        let shared = markers_of(&log, "customer.erase").iter().any(|m| {
            let (a, b) = range(m);
            m.outcome == "success" && b > a
        });
        if shared {
            return;
        }
        eprintln!("burst {burst}: no two erasures shared a round; again");
    }
    panic!("in 20 bursts no two erasures shared a round");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_burst_of_creates_updates_and_erasures_answers_each_on_its_own() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let holder = fields(&[("full_name", "Ada Lovelace"), ("national_id", NATIONAL_ID)]);
    admin.create_customer("retail", holder).await.unwrap();
    for burst in 0..20 {
        let codes = customers(&admin, &format!("m{burst}x"), BURST).await;
        let mut tasks = tokio::task::JoinSet::new();
        // Per customer: even ones updated (one of them with a taken national id), odd ones
        // erased; beside them as many creates, one of them invalid.
        for (i, code) in codes.iter().enumerate() {
            let (c, code) = (admin.clone(), code.clone());
            let email = format!("m{burst}u{i}@example.com");
            let id = (i == CONFLICTING).then_some(NATIONAL_ID);
            tasks.spawn(async move {
                let answer = match i % 2 {
                    0 => c.update_customer(&code, &change(&email, id)).await,
                    _ => c.erase_customer(&code).await,
                };
                (i, answer.map(|()| None))
            });
            let c = admin.clone();
            let email =
                if i == INVALID { "not an e-mail".to_owned() } else { format!("m{burst}c{i}@example.com") };
            tasks.spawn(async move {
                let f = fields(&[("full_name", "Di Nyberg"), ("email", &email)]);
                (BURST + i, c.create_customer("retail", f).await.map(|c| Some(c.code)))
            });
        }
        let mut answers: Vec<_> = tasks.join_all().await;
        answers.sort_by_key(|(i, _)| *i);
        for (i, answer) in answers {
            match i {
                CONFLICTING => assert_eq!(kind(answer), "duplicate", "burst {burst}"),
                i if i == BURST + INVALID => assert_eq!(kind(answer), "invalid-field", "burst {burst}"),
                i if i >= BURST => {
                    let code = answer.unwrap_or_else(|e| panic!("burst {burst}, create {i}: {e}")).unwrap();
                    let want = format!("m{burst}c{}@example.com", i - BURST);
                    assert_eq!(plain(&admin, &code, &["email"]).await["email"], want);
                }
                i if i % 2 == 0 => {
                    answer.unwrap_or_else(|e| panic!("burst {burst}, update {i}: {e}"));
                    let want = format!("m{burst}u{i}@example.com");
                    assert_eq!(plain(&admin, &codes[i], &["email"]).await["email"], want);
                }
                i => {
                    answer.unwrap_or_else(|e| panic!("burst {burst}, erasure {i}: {e}"));
                    assert_eq!(kind(admin.get_customer(&codes[i]).await), "customer-erased");
                }
            }
        }
        let want = format!("m{burst}x{CONFLICTING}@example.com");
        assert_eq!(plain(&admin, &codes[CONFLICTING], &["email"]).await["email"], want);
        // Shared: a round's markers are written together, one per run of one action, so a
        // marker followed by one of another action whose attempts follow on shows writes of
        // different kinds in one round.
        let log = audit_log(&admin).await;
        let mixed = log.windows(2).any(|w| {
            let is_marker =
                |e: &AuditEntry| e.action.ends_with(".commit") && e.fields[0].starts_with("attempt-seq:");
            is_marker(&w[0])
                && is_marker(&w[1])
                && w[0].action != w[1].action
                && w[0].seq + 1 == w[1].seq
                && range(&w[0]).1 + 1 == range(&w[1]).0
        });
        if mixed {
            return;
        }
        eprintln!("burst {burst}: no round held writes of two kinds; again");
    }
    panic!("in 20 bursts no round held writes of two kinds");
}
