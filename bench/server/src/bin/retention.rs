//! Retention sweep: how long `Vault::sweep_retention` takes to erase the customers past
//! retention in a large group, and what gets of the other customers see meanwhile. Run it in
//! release mode:
//!
//! ```text
//! cargo run --release -p sekretess-bench-server --bin retention -- --customers 1000000 --due 100000
//! ```
//!
//! The group is filled fresh in `--data` (removed first) by batched creates through the
//! vault, under a manual clock: the first `--due` customers a year before the rest, so a
//! default period of 180 days after the last change makes exactly them due. Then 4 callers
//! get random customers that are not due, for 5 s alone and then during the sweep; prints
//! the sweep's time and the gets' rate and latency (p50, p99, max) before and during it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sekretess_bench_vault::data::{Rng, personnummer};
use sekretess_core::audit::AuditContext;
use sekretess_core::{Clock, CustomerCode, ManualClock, RetentionRules, Schema, Vault};
use sekretess_store::SqliteStore;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DAY: i64 = 86_400;
const T0: i64 = 1_780_000_000;
const CALLERS: usize = 4;

fn customer(i: u64) -> Vec<(String, String)> {
    let f = |k: &str, v: String| (k.to_owned(), v);
    vec![
        f("full_name", format!("Kund Nummer{i}")),
        f("email", format!("c{i}@example.com")),
        f("phone", format!("+46 70 {:03} {:02} {:02}", i / 10_000 % 1000, i / 100 % 100, i % 100)),
        f("national_id", personnummer(i)),
        f("notes", "customer since the spring".to_owned()),
    ]
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// Runs `CALLERS` getters until `stop`; each latency in ms.
async fn getters(
    vault: Arc<Vault<SqliteStore>>,
    codes: Arc<Vec<CustomerCode>>,
    stop: Arc<AtomicBool>,
) -> Result<Vec<f64>> {
    let mut tasks = Vec::new();
    for w in 0..CALLERS {
        let (vault, codes, stop) = (Arc::clone(&vault), Arc::clone(&codes), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            let ctx = AuditContext { actor: "apikey:bench".into(), ..Default::default() };
            let mut rng = Rng::new(w as u64 + 7);
            let mut lat = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let code = &codes[rng.below(codes.len() as u64) as usize];
                let t = Instant::now();
                vault.get_customer(&ctx, code, Some("bench")).await?;
                lat.push(t.elapsed().as_secs_f64() * 1e3);
            }
            anyhow::Ok(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok(all)
}

fn line(what: &str, lat: &mut [f64], secs: f64) {
    let n = lat.len();
    let max = lat.iter().copied().fold(0.0, f64::max);
    println!(
        "| {what} | {:.0} | {:.2} | {:.2} | {:.1} |",
        n as f64 / secs,
        pct(lat, 0.5),
        pct(lat, 0.99),
        max
    );
}

#[tokio::main]
async fn main() -> Result<()> {
    let (mut size, mut due): (u64, u64) = (1_000_000, 100_000);
    let mut data = PathBuf::from("/var/tmp/sekretess-bench-retention");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().context("a flag without its value");
        match a.as_str() {
            "--customers" => size = value()?.parse()?,
            "--due" => due = value()?.parse()?,
            "--data" => data = value()?.into(),
            _ => anyhow::bail!("flags: --customers N --due N --data DIR"),
        }
    }
    anyhow::ensure!(due < size, "--due must be less than --customers");
    let _ = std::fs::remove_dir_all(&data);
    let clock = Arc::new(ManualClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let store = SqliteStore::open(&data.join("store")).await?;
    let vault = Arc::new(Vault::open(store, dyn_clock.clone(), Schema::default_schema()).await?);
    let ctx = AuditContext { actor: "apikey:bench".into(), ..Default::default() };
    let done = sekretess_server::initialize(&vault, &ctx, dyn_clock.as_ref(), 1, 1).await?;
    vault.submit_share(&ctx, done.shares.first().context("no share")?).await?;
    vault.create_group(&ctx, "bench").await?;

    let t = Instant::now();
    let mut kept: Vec<CustomerCode> = Vec::new();
    let mut filled = 0u64;
    while filled < size {
        if filled == due {
            clock.set(T0 + 365 * DAY); // the rest changed a year later
        }
        let end = if filled < due { due } else { size };
        let n = (end - filled).min(10_000);
        let batch: Vec<_> = (filled + 1..=filled + n).map(customer).collect();
        let made = vault.create_customers(&ctx, "bench", &batch).await?;
        for (i, r) in made.into_iter().enumerate() {
            let code = r.map_err(|_| anyhow::anyhow!("a create failed"))?;
            if filled >= due && i % 10 == 0 {
                kept.push(code);
            }
        }
        filled += n;
        if filled.is_multiple_of(100_000) {
            eprintln!("{filled} customers ({:.0} s)", t.elapsed().as_secs_f64());
        }
    }
    let fill = t.elapsed().as_secs_f64();
    clock.set(T0 + 365 * DAY + 10);
    let rules =
        RetentionRules { default_after_change: None, groups: [("bench".to_owned(), 180 * DAY)].into() };
    let (listed, _) = vault.retention_due(&ctx, "bench", &rules).await?;
    anyhow::ensure!(listed.len() as u64 == due, "{} due, expected {due}", listed.len());
    let codes = Arc::new(kept);

    // Gets alone.
    let stop = Arc::new(AtomicBool::new(false));
    let before = tokio::spawn(getters(Arc::clone(&vault), Arc::clone(&codes), Arc::clone(&stop)));
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, Ordering::Relaxed);
    let mut alone = before.await??;

    // Gets during the sweep.
    let stop = Arc::new(AtomicBool::new(false));
    let during = tokio::spawn(getters(Arc::clone(&vault), Arc::clone(&codes), Arc::clone(&stop)));
    let t = Instant::now();
    let report = vault.sweep_retention(&AuditContext::system(), "bench", &rules).await?;
    let sweep = t.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut while_sweeping = during.await??;
    anyhow::ensure!(report.erased == due, "erased {} of {due}", report.erased);

    println!(
        "Customers in the group: {size}; due: {due}; filled in {fill:.0} s; {CALLERS} callers getting.\n"
    );
    println!(
        "Sweep: {} erased in **{sweep:.1} s** ({:.0} erasures/s).\n",
        report.erased,
        report.erased as f64 / sweep
    );
    println!("| gets (in-process, audited) | gets/s | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    line("alone (5 s)", &mut alone, 5.0);
    line("during the sweep", &mut while_sweeping, sweep);
    Ok(())
}
