//! Single writes over HTTPS (issue 22): customer gets, single creates and single updates at
//! 16 and 64 connections against one in-process server, with the server's costs per request
//! (CPU, context switches, write syscalls, fsyncs: [`Counters`]) and the ratio of single
//! creates/s to gets/s at each connection count.
//!
//! Each write step runs twice, alternating, in the same run: with the single-write rounds
//! on the audit writer's thread (the vault's default) and on the server's runtime, where
//! they ran before (`Vault::set_write_rounds_here`), so the hand-offs it saves show side by
//! side.
//!
//! ```sh
//! cargo run --release -p sekretess-bench-server --bin writes -- [SECONDS] [CUSTOMERS]
//! SEKRETESS_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo run --release -p sekretess-bench-server --bin writes -- 3 2000
//! ```
//!
//! With `SEKRETESS_BENCH_POSTGRES_URL` the vault's control database and its group live in
//! that PostgreSQL database (its `sekretess` and group schemas are dropped first: use a
//! throwaway cluster); otherwise in a temporary SQLite store.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use sekretess_api::{BatchItem, CreateCustomers, UpdateCustomer};
use sekretess_bench_server::{Counters, Stats, bench_vault, drive, name, runtime};
use sekretess_client::{Client, ClientConfig};
use sekretess_core::access::AccessStore;
use sekretess_core::audit::audit_rounds;
use sekretess_core::people::PeopleStore;
use sekretess_core::store::Store;
use sekretess_core::vault::single_write_rounds;
use sekretess_core::{Clock, SystemClock};
use sekretess_server::{AppState, Limits, PeopleOptions, RunningServer, tls};
use sekretess_store::{PgOptions, PgStore, SqliteStore};
use sqlx::Connection;
use zeroize::Zeroizing;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BATCH: usize = 500;

fn fields(i: usize) -> BTreeMap<String, String> {
    BTreeMap::from([("full_name".into(), name(i)), ("email".into(), format!("user{i}@example.com"))])
}

fn row(what: &str, conns: usize, s: &Stats, costs: &str, rounds: &Rounds) -> f64 {
    let rate = s.rate(1);
    println!(
        "| {what} | {conns} | {rate:.0} | {:.2} | {:.2} | {costs} | {} |",
        s.pct(0.5),
        s.pct(0.99),
        rounds.since()
    );
    rate
}

/// The machine's load average over 1, 5 and 15 minutes (`/proc/loadavg`).
fn load_average() -> String {
    let line = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    line.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// Mean sizes of the rounds since a snapshot: single writes per write round, and audit
/// entries per audit round (group commit), from the vault's process-wide counters.
struct Rounds {
    writes: (u64, u64),
    audit: (u64, u64),
}

impl Rounds {
    fn now() -> Self {
        Rounds { writes: single_write_rounds(), audit: audit_rounds() }
    }

    fn since(&self) -> String {
        let now = Rounds::now();
        let mean = |(r0, n0): (u64, u64), (r1, n1): (u64, u64)| match r1.saturating_sub(r0) {
            0 => "-".to_owned(),
            r => format!("{:.1}", n1.saturating_sub(n0) as f64 / r as f64),
        };
        format!("{} | {}", mean(self.writes, now.writes), mean(self.audit, now.audit))
    }
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3.0);
    let customers: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2000);
    // Thread names tell the server's counters from the load generator's ([`Counters`]).
    let server_rt = runtime("server")?;
    let load_rt = runtime("load")?;
    let dir = tempfile::tempdir()?;
    match std::env::var("SEKRETESS_BENCH_POSTGRES_URL") {
        Ok(url) => {
            let store = server_rt.block_on(async {
                let mut c = sqlx::PgConnection::connect(&url).await?;
                let schemas: Vec<(String,)> = sqlx::query_as(
                    "SELECT nspname FROM pg_namespace WHERE nspname = 'sekretess' OR nspname LIKE 'sekretess_g%'",
                )
                .fetch_all(&mut c)
                .await?;
                for (s,) in schemas {
                    sqlx::query(&format!("DROP SCHEMA \"{s}\" CASCADE")).execute(&mut c).await?;
                }
                Ok::<_, anyhow::Error>(PgStore::open_with(PgOptions::new(&url)).await?)
            })?;
            println!("Store: PostgreSQL (control and group in one database, 8 connections per pool).");
            run(store, &server_rt, &load_rt, dir.path(), seconds, customers)
        }
        Err(_) => {
            let store = server_rt.block_on(SqliteStore::open(&dir.path().join("data")))?;
            println!("Store: SQLite (temporary folder).");
            run(store, &server_rt, &load_rt, dir.path(), seconds, customers)
        }
    }
}

fn run<S: Store + AccessStore + PeopleStore>(
    store: S,
    server_rt: &tokio::runtime::Runtime,
    load_rt: &tokio::runtime::Runtime,
    dir: &std::path::Path,
    seconds: f64,
    customers: usize,
) -> Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (vault, token) = server_rt.block_on(async {
        let (vault, token, _) = bench_vault(store, clock.clone()).await?;
        Ok::<_, anyhow::Error>((vault, token))
    })?;
    let certs = tls::generate_dev_certificate(&dir.join("tls"), SystemClock.now())?;
    let tls_config = tls::server_config(&certs.cert, &certs.key)?;
    let people = PeopleOptions { retire_bootstrap_key: false, ..PeopleOptions::default() };
    let state = AppState::new(Arc::clone(&vault), clock.clone(), Limits::default(), people);
    let server = server_rt.block_on(RunningServer::start("127.0.0.1:0".parse()?, tls_config, state))?;
    let client = Client::new(&ClientConfig {
        addr: format!("https://{}", server.addr),
        ca_cert: Some(certs.ca_cert.clone()),
        token: Some(Zeroizing::new(token)),
    })?;
    load_rt.block_on(async move {
        let mut codes = Vec::with_capacity(customers);
        for start in (0..customers).step_by(BATCH) {
            let items = (start..(start + BATCH).min(customers)).map(|i| BatchItem { fields: fields(i) }).collect();
            let resp =
                client.create_customers(&CreateCustomers { group: "bench".into(), customers: items }).await?;
            codes.extend(resp.results.into_iter().filter_map(|r| r.code));
        }
        anyhow::ensure!(codes.len() == customers, "populating failed");
        let codes = Arc::new(codes);
        let next = Arc::new(AtomicUsize::new(customers + 1_000_000));
        println!("Customers in the group: {customers}; {seconds} s per step; load average {}.\n", load_average());
        println!(
            "| operation | connections | ops/s | p50 ms | p99 ms | server CPU us/req | ctx switches/req | write syscalls/req | fsyncs/req | writes/round | audit entries/round |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|");
        let mut ratios = Vec::new();
        for conns in [16usize, 64] {
            let (cl, cs) = (client.clone(), Arc::clone(&codes));
            let (before, rounds) = (Counters::now(), Rounds::now());
            let s = drive(conns, seconds, move |_, i| {
                let (cl, cs) = (cl.clone(), Arc::clone(&cs));
                async move {
                    cl.get_customer(&cs[i % cs.len()]).await?;
                    Ok(())
                }
            })
            .await?;
            let gets = row("customer get", conns, &s, &Counters::now().per_op(&before, s.ops), &rounds);
            let mut creates = [0.0; 2];
            for (k, here) in [(0, false), (1, true), (0, false), (1, true)] {
                vault.set_write_rounds_here(here);
                let (cl, n) = (client.clone(), Arc::clone(&next));
                let (before, rounds) = (Counters::now(), Rounds::now());
                let s = drive(conns, seconds, move |_, _| {
                    let (cl, n) = (cl.clone(), Arc::clone(&n));
                    async move {
                        cl.create_customer("bench", fields(n.fetch_add(1, Ordering::Relaxed))).await?;
                        Ok(())
                    }
                })
                .await?;
                let what = if here { "single create, rounds on the server runtime (before)" } else { "single create, rounds on the writer thread" };
                let rate = row(what, conns, &s, &Counters::now().per_op(&before, s.ops), &rounds);
                creates[k] = f64::max(creates[k], rate);
            }
            for here in [false, true] {
                vault.set_write_rounds_here(here);
                let (cl, cs) = (client.clone(), Arc::clone(&codes));
                let (before, rounds) = (Counters::now(), Rounds::now());
                // Each worker updates its own customers, so no two updates wait on one lock.
                let s = drive(conns, seconds, move |w, i| {
                    let (cl, cs) = (cl.clone(), Arc::clone(&cs));
                    async move {
                        let code = &cs[(w + conns * (i / conns)) % cs.len()];
                        let change = BTreeMap::from([("email".to_owned(), Some(format!("up{i}@example.com")))]);
                        cl.update_customer(code, &UpdateCustomer { fields: change }).await?;
                        Ok(())
                    }
                })
                .await?;
                let what = if here { "single update, rounds on the server runtime (before)" } else { "single update, rounds on the writer thread" };
                row(what, conns, &s, &Counters::now().per_op(&before, s.ops), &rounds);
            }
            vault.set_write_rounds_here(false);
            ratios.push((conns, gets, creates));
        }
        println!("\nLoad average at the end: {}.", load_average());
        for (conns, gets, [after, before]) in ratios {
            println!(
                "{conns} connections: single creates/s per gets/s {:.3} ({after:.0} / {gets:.0}); rounds on the server runtime (before) {:.3} ({before:.0}).",
                after / gets.max(1.0),
                before / gets.max(1.0)
            );
        }
        Ok::<_, anyhow::Error>(())
    })?;
    server_rt.block_on(server.shutdown());
    Ok(())
}
