//! PostgreSQL: several server processes (here: two stores with their own pools, two vaults
//! unsealed on their own) on one control database and two group databases.

use std::sync::Arc;

use sekretess_core::audit::{AuditStore, Verdict};
use sekretess_core::{CustomerCode, ManualClock, Vault};
use sekretess_store::PgStore;

use crate::common::{self, Backend, NOW, Postgres, ctx, fields};

async fn process(b: &Postgres) -> Arc<Vault<PgStore>> {
    let store = b.open_store().await;
    Arc::new(Vault::open(store, Arc::new(ManualClock::new(NOW)), common::schema()).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_write_concurrently_and_the_audit_chain_holds() {
    let Some(b) = Postgres::fresh().await else { return };
    let one = process(&b).await;
    let shares: Vec<String> =
        one.init(&ctx(), 2, 3).await.unwrap().shares.iter().map(|s| s.to_text().to_string()).collect();
    for s in &shares[..2] {
        one.submit_share(&ctx(), s).await.unwrap();
    }
    // "retail" and "beta" get databases of their own (see common::Postgres).
    one.create_group(&ctx(), "retail").await.unwrap();
    one.create_group(&ctx(), "beta").await.unwrap();
    let two = process(&b).await;
    for s in &shares[1..] {
        two.submit_share(&ctx(), s).await.unwrap();
    }

    const PER_PROCESS: usize = 60;
    let mut tasks = Vec::new();
    for (p, vault) in [&one, &two].into_iter().enumerate() {
        for i in 0..PER_PROCESS {
            let vault = Arc::clone(vault);
            tasks.push(tokio::spawn(async move {
                let group = if i % 2 == 0 { "retail" } else { "beta" };
                let name = format!("Person {p}-{i}");
                let code =
                    vault.create_customer(&ctx(), group, &fields(&[("full_name", &name)])).await.unwrap();
                (code, name)
            }));
        }
    }
    let mut written: Vec<(CustomerCode, String)> = Vec::new();
    for t in tasks {
        written.push(t.await.unwrap());
    }
    assert_eq!(written.len(), 2 * PER_PROCESS);

    // Every acknowledged write reads back from both processes.
    for (code, name) in &written {
        for vault in [&one, &two] {
            assert_eq!(
                vault.get_customer(&ctx(), code, None).await.unwrap().fields["full_name"].expose(),
                name
            );
        }
    }
    // One linear chain, whichever process verifies it: init, per process one share and the
    // unseal (the last share), 2 group creations, the writes (each an attempt; concurrent
    // creates share commit markers, one per run of attempts), and the reads.
    one.audit_flush().await.unwrap();
    two.audit_flush().await.unwrap();
    let (mut markers, mut covered) = (0, 0);
    let mut from = 1;
    loop {
        let page = one.store().audit_read(from, 1000).await.unwrap();
        let Some(last) = page.last() else { break };
        from = last.seq + 1;
        for e in &page {
            if e.action == "customer.create.commit" {
                let (a, b) = sekretess_core::audit::marker_range(&e.fields).unwrap();
                assert_eq!(e.outcome, sekretess_core::audit::Outcome::Success);
                markers += 1;
                covered += b - a + 1;
            }
        }
    }
    assert_eq!(covered, 2 * PER_PROCESS as u64, "every attempt resolved once");
    let expected = 1 + 2 * 2 + 2 * 2 + 2 * PER_PROCESS as u64 + markers + 4 * PER_PROCESS as u64;
    assert_eq!(one.audit_verify(None).await.unwrap(), Verdict::Intact { head: expected });
    assert_eq!(two.audit_verify(None).await.unwrap(), Verdict::Intact { head: expected });
}

/// A group created by one process after another one unsealed is found by the other on
/// first use (it reads the group list again on a miss).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_created_elsewhere_is_found_on_first_use() {
    let Some(b) = Postgres::fresh().await else { return };
    let one = process(&b).await;
    let share = one.init(&ctx(), 1, 1).await.unwrap().shares[0].to_text().to_string();
    one.submit_share(&ctx(), &share).await.unwrap();
    let two = process(&b).await;
    two.submit_share(&ctx(), &share).await.unwrap();

    one.create_group(&ctx(), "later").await.unwrap();
    let code = two.create_customer(&ctx(), "later", &fields(&[("full_name", "Lena Later")])).await.unwrap();
    assert_eq!(
        one.get_customer(&ctx(), &code, None).await.unwrap().fields["full_name"].expose(),
        "Lena Later"
    );
    assert!(two.list_groups().unwrap().iter().any(|g| g.name == "later"));
    assert!(matches!(
        two.create_customer(&ctx(), "never-made", &fields(&[("full_name", "X Y")])).await,
        Err(sekretess_core::VaultError::UnknownGroup(_))
    ));
}
