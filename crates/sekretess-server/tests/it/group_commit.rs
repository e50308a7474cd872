//! Group commit of single creates (issue 22): concurrent creates share rounds of commits,
//! and each still gets its own answer.

use std::collections::BTreeMap;

use sekretess_api::audit::{AuditEntry, AuditQuery};

use crate::common::{TestServer, fields, kind};

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
