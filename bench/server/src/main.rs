//! Load run over HTTPS on loopback: customer get and create at 1, 16 and 64 connections,
//! and batched create, with the in-process core figures from the same run beside them.
//!
//! The server runs in this process on its own 2-thread runtime; the load generator on
//! another. Both share the machine's cores, as the issue's targets assume.
//!
//! ```sh
//! cargo run --release -p sekretess-bench-server -- [SECONDS_PER_STEP] [CUSTOMERS] [audit]
//! ```
//!
//! With `audit`, only the audit-cost comparison runs, with more rounds. With `limits`,
//! only the rate-limit and reveal-audit comparison (issue 21): reveals of two fields with a
//! purpose (per-field reveal audit) on a server with rate limits on, against masked gets
//! on a server with rate limits off, at 64 connections, alternating rounds.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use sekretess_api::{BatchItem, CreateCustomers};
use sekretess_bench_server::{Counters, Stats, bench_vault, drive, name, runtime};
use sekretess_bench_vault::process_cpu_seconds;
use sekretess_bench_vault::unaudited::Unaudited;
use sekretess_client::{Client, ClientConfig};
use sekretess_core::audit::AuditContext;
use sekretess_core::{Clock, CustomerCode, Schema, SystemClock, Vault};
use sekretess_server::{AppState, Limits, PeopleOptions, RunningServer, tls};
use sekretess_store::SqliteStore;
use zeroize::Zeroizing;

// The allocator of the `sekretess` binary, so the figures are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BATCH: usize = 500;

fn fields(i: usize) -> Vec<(String, String)> {
    vec![("full_name".into(), name(i)), ("email".into(), format!("user{i}@example.com"))]
}

fn row(what: &str, conns: &str, s: &Stats, per_op: usize, core: Option<f64>, costs: &str) -> f64 {
    let rate = s.rate(per_op);
    let ratio = core.map(|c| format!("{:.2}", rate / c)).unwrap_or_else(|| "-".into());
    println!(
        "| {what} | {conns} | {rate:.0} | {:.2} | {:.2} | {costs} | {} | {ratio} |",
        s.pct(0.5),
        s.pct(0.99),
        core.map(|c| format!("{c:.0}")).unwrap_or_else(|| "-".into())
    );
    rate
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5.0);
    let customers: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5000);
    let mode = args.next();
    let only_audit = matches!(mode.as_deref(), Some("audit" | "limits"));
    let only_limits = mode.as_deref() == Some("limits");
    let audit_rounds = if only_audit { 7 } else { 3 };

    // Thread names tell the server's counters from the load generator's ([`Counters`]).
    let server_rt = runtime("server")?;
    let load_rt = runtime("load")?;
    let dir = tempfile::tempdir()?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);

    // A vault, initialized and unsealed, with one group.
    let (vault, token, share) = server_rt.block_on(async {
        let store = SqliteStore::open(&dir.path().join("data")).await?;
        bench_vault(store, clock.clone()).await
    })?;
    let certs = tls::generate_dev_certificate(&dir.path().join("tls"), SystemClock.now())?;
    let tls_config = tls::server_config(&certs.cert, &certs.key)?;
    // The bench token is the bootstrap key: keep it (as dev mode does), so no request
    // checks for an enrolled officer.
    let people = PeopleOptions { retire_bootstrap_key: false, ..PeopleOptions::default() };
    let state = AppState::new(Arc::clone(&vault), clock.clone(), Limits::default(), people.clone());
    let server = server_rt.block_on(RunningServer::start("127.0.0.1:0".parse()?, tls_config, state))?;
    // A second server over the same files whose audit log writes nothing: only to show
    // what the audit entry of each request costs, side by side in this run.
    let unaudited_server = server_rt.block_on(async {
        let store = Unaudited(SqliteStore::open(&dir.path().join("data")).await?);
        let vault = Arc::new(Vault::open(store, clock.clone(), Schema::default_schema()).await?);
        vault.submit_share(&AuditContext::system(), &share).await?;
        let state = AppState::new(vault, clock.clone(), Limits::default(), people.clone());
        let tls_config = tls::server_config(&certs.cert, &certs.key)?;
        Ok::<_, anyhow::Error>(RunningServer::start("127.0.0.1:0".parse()?, tls_config, state).await?)
    })?;
    let client_for = |addr: std::net::SocketAddr| {
        Client::new(&ClientConfig {
            addr: format!("https://{addr}"),
            ca_cert: Some(certs.ca_cert.clone()),
            token: Some(Zeroizing::new(token.clone())),
        })
    };
    // For the limits comparison: a server with rate limits on (every reveal and request
    // source counted in the token buckets, at rates high enough that the load is never
    // refused) and one with them off, on the same vault.
    let start_with = |rate: sekretess_server::ratelimit::RateLimitConfig| {
        server_rt.block_on(async {
            let state = AppState::new(
                Arc::clone(&vault),
                clock.clone(),
                Limits { rate, ..Limits::default() },
                people.clone(),
            );
            let tls_config = tls::server_config(&certs.cert, &certs.key)?;
            Ok::<_, anyhow::Error>(RunningServer::start("127.0.0.1:0".parse()?, tls_config, state).await?)
        })
    };
    use sekretess_server::ratelimit::{Rate, RateLimitConfig};
    let limited_server = start_with(RateLimitConfig {
        auth_failures: Limits::default().rate.auth_failures,
        reveals: Rate { per_minute: 60_000_000, burst: 1_000_000 },
    })?;
    let unlimited_server = start_with(RateLimitConfig { auth_failures: Rate::OFF, reveals: Rate::OFF })?;
    let client = client_for(server.addr)?;
    let unaudited_client = client_for(unaudited_server.addr)?;
    let limited_client = client_for(limited_server.addr)?;
    let unlimited_client = client_for(unlimited_server.addr)?;

    let data_dir = dir.path().join("data");
    load_rt.block_on(async move {
        let ctx = Arc::new(AuditContext { actor: "bench".into(), ..Default::default() });
        // Populate through the API, in batches.
        let mut codes = Vec::with_capacity(customers);
        for start in (0..customers).step_by(BATCH) {
            let items = (start..(start + BATCH).min(customers))
                .map(|i| BatchItem { fields: fields(i).into_iter().collect::<BTreeMap<_, _>>() })
                .collect();
            let resp =
                client.create_customers(&CreateCustomers { group: "bench".into(), customers: items }).await?;
            codes.extend(resp.results.into_iter().filter_map(|r| r.code));
        }
        anyhow::ensure!(codes.len() == customers, "populating failed");
        let codes = Arc::new(codes);
        let parsed: Arc<Vec<CustomerCode>> =
            Arc::new(codes.iter().map(|c| CustomerCode::parse(c)).collect::<Result<_, _>>()?);
        let next = Arc::new(AtomicUsize::new(customers + 1_000_000));

        println!("Customers in the group: {customers}; {seconds} s per step.\n");
        if !only_audit {
        println!(
            "| operation | connections | ops/s | p50 ms | p99 ms | server CPU us/req | ctx switches/req | write syscalls/req | fsyncs/req | in-process core ops/s | HTTPS / core |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|");
        let (mut gets64, mut creates64) = (0.0, 0.0);

        // In-process core figures first, then the same operation over HTTPS.
        for conns in [1usize, 16, 64] {
            let (v, p, c) = (Arc::clone(&vault), Arc::clone(&parsed), Arc::clone(&ctx));
            let core = drive(conns, seconds, move |_, i| {
                let (v, p, c) = (Arc::clone(&v), Arc::clone(&p), Arc::clone(&c));
                async move {
                    v.get_customer(&c, &p[i % p.len()], None).await?;
                    Ok(())
                }
            })
            .await?;
            let (cl, cs) = (client.clone(), Arc::clone(&codes));
            let before = Counters::now();
            let http = drive(conns, seconds, move |_, i| {
                let (cl, cs) = (cl.clone(), Arc::clone(&cs));
                async move {
                    cl.get_customer(&cs[i % cs.len()]).await?;
                    Ok(())
                }
            })
            .await?;
            let costs = Counters::now().per_op(&before, http.ops);
            gets64 = row("customer get", &conns.to_string(), &http, 1, Some(core.rate(1)), &costs);
        }
        for conns in [1usize, 16, 64] {
            let (v, c, n) = (Arc::clone(&vault), Arc::clone(&ctx), Arc::clone(&next));
            let core = drive(conns, seconds, move |_, _| {
                let (v, c, n) = (Arc::clone(&v), Arc::clone(&c), Arc::clone(&n));
                async move {
                    v.create_customer(&c, "bench", &fields(n.fetch_add(1, Ordering::Relaxed))).await?;
                    Ok(())
                }
            })
            .await?;
            let (cl, n) = (client.clone(), Arc::clone(&next));
            let before = Counters::now();
            let http = drive(conns, seconds, move |_, _| {
                let (cl, n) = (cl.clone(), Arc::clone(&n));
                async move {
                    let f = fields(n.fetch_add(1, Ordering::Relaxed)).into_iter().collect();
                    cl.create_customer("bench", f).await?;
                    Ok(())
                }
            })
            .await?;
            let costs = Counters::now().per_op(&before, http.ops);
            let what = "customer create (1 per request)";
            creates64 = row(what, &conns.to_string(), &http, 1, Some(core.rate(1)), &costs);
        }
        for conns in [1usize, 4] {
            let (v, c, n) = (Arc::clone(&vault), Arc::clone(&ctx), Arc::clone(&next));
            let core = drive(conns, seconds, move |_, _| {
                let (v, c, n) = (Arc::clone(&v), Arc::clone(&c), Arc::clone(&n));
                async move {
                    let base = n.fetch_add(BATCH, Ordering::Relaxed);
                    let batch: Vec<_> = (base..base + BATCH).map(fields).collect();
                    v.create_customers(&c, "bench", &batch).await?;
                    Ok(())
                }
            })
            .await?;
            let (cl, n) = (client.clone(), Arc::clone(&next));
            let before = Counters::now();
            let http = drive(conns, seconds, move |_, _| {
                let (cl, n) = (cl.clone(), Arc::clone(&n));
                async move {
                    let base = n.fetch_add(BATCH, Ordering::Relaxed);
                    let customers = (base..base + BATCH)
                        .map(|i| BatchItem { fields: fields(i).into_iter().collect() })
                        .collect();
                    let r =
                        cl.create_customers(&CreateCustomers { group: "bench".into(), customers }).await?;
                    anyhow::ensure!(r.failed == 0, "batch items failed");
                    Ok(())
                }
            })
            .await?;
            let costs = Counters::now().per_op(&before, http.ops);
            row(
                &format!("batched create ({BATCH}/request), customers/s"),
                &conns.to_string(),
                &http,
                BATCH,
                Some(core.rate(BATCH)),
                &costs,
            );
        }
        println!(
            "\nSingle creates/s per gets/s at 64 connections, this run: {:.3} ({creates64:.0} / {gets64:.0}).",
            creates64 / gets64.max(1.0)
        );
        }
        // SQLite's logs must stay bounded under sustained writes.
        let mib = |f: &str| std::fs::metadata(data_dir.join(f)).map_or(0.0, |m| m.len() as f64 / 1048576.0);
        println!(
            "\nWrite-ahead logs after the load: control {:.0} MiB, group {:.0} MiB.",
            mib("control.db-wal"),
            mib("groups/group-1.db-wal")
        );
        if only_limits {
            // Reveals (limits on, one audit entry naming the revealed fields) against masked
            // gets (limits off), 64 connections, alternating rounds.
            let (mut on, mut off) = (Vec::new(), Vec::new());
            for _ in 0..audit_rounds {
                let (cl, cs) = (limited_client.clone(), Arc::clone(&codes));
                let s = drive(64, seconds, move |_, i| {
                    let (cl, cs) = (cl.clone(), Arc::clone(&cs));
                    async move {
                        let req = sekretess_api::people::RevealRequest {
                            fields: vec!["full_name".into(), "email".into()],
                            purpose: Some("customer_request".into()),
                        };
                        let r = cl.reveal(&cs[i % cs.len()], &req).await?;
                        anyhow::ensure!(r.fields.len() == 2, "reveal answered {} fields", r.fields.len());
                        Ok(())
                    }
                })
                .await?;
                on.push(s.rate(1));
                let (cl, cs) = (unlimited_client.clone(), Arc::clone(&codes));
                let s = drive(64, seconds, move |_, i| {
                    let (cl, cs) = (cl.clone(), Arc::clone(&cs));
                    async move {
                        cl.get_customer(&cs[i % cs.len()]).await?;
                        Ok(())
                    }
                })
                .await?;
                off.push(s.rate(1));
            }
            let median = |v: &mut Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            let (r_on, r_off) = (median(&mut on), median(&mut off));
            println!(
                "Customer at 64 connections, median of {audit_rounds} alternating rounds: reveal with limits and per-field reveal audit {r_on:.0}/s, masked get with limits off {r_off:.0}/s: ratio {:.3} ({:+.1} %).",
                r_on / r_off,
                (r_on / r_off - 1.0) * 100.0
            );
            return Ok(());
        }
        // What the audit entry costs: gets at 64 connections, alternating rounds.
        let (mut with, mut without) = (Vec::new(), Vec::new());
        for _ in 0..audit_rounds {
            for (cl, out) in [(&client, &mut with), (&unaudited_client, &mut without)] {
                let (cl, cs) = (cl.clone(), Arc::clone(&codes));
                let cpu_before = process_cpu_seconds()?;
                let s = drive(64, seconds, move |_, i| {
                    let (cl, cs) = (cl.clone(), Arc::clone(&cs));
                    async move {
                        cl.get_customer(&cs[i % cs.len()]).await?;
                        Ok(())
                    }
                })
                .await?;
                out.push((s.pct(0.5), (process_cpu_seconds()? - cpu_before) / s.ops as f64 * 1e6));
            }
        }
        let median = |v: &[(f64, f64)], pick: fn(&(f64, f64)) -> f64| {
            let mut v: Vec<f64> = v.iter().map(pick).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (w, wo) = (median(&with, |r| r.0), median(&without, |r| r.0));
        let (cpu_w, cpu_wo) = (median(&with, |r| r.1), median(&without, |r| r.1));
        println!(
            "CPU time of this process (server and load generator) per get: with the audit entry {cpu_w:.0} us, without {cpu_wo:.0} us ({:+.0} %).",
            (cpu_w / cpu_wo - 1.0) * 100.0
        );
        println!(
            "\nCustomer get at 64 connections, p50 (median of {audit_rounds} alternating rounds): with the audit entry {w:.2} ms, without {wo:.2} ms: audit adds {:+.0} %.",
            (w / wo - 1.0) * 100.0
        );
        Ok::<_, anyhow::Error>(())
    })?;
    server_rt.block_on(limited_server.shutdown());
    server_rt.block_on(unlimited_server.shutdown());
    server_rt.block_on(unaudited_server.shutdown());
    server_rt.block_on(server.shutdown());
    Ok(())
}
