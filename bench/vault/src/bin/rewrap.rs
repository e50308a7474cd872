//! Group key rotation on SQLite: the background rewrap of every data key of a group to its
//! new key version, while readers and a writer keep using the vault. Run it in release mode:
//!
//! ```text
//! cargo run --release -p sekretess-bench-vault --bin rewrap -- --customers 1000000
//! ```
//!
//! The first run fills a group with `--customers` customers (default schema, every field
//! filled) and keeps the data folder with a bench-only share file (threshold 1, like dev
//! mode; never in production); later runs reuse it. Each run measures `--callers` concurrent
//! gets (and one caller updating) for `--seconds` without a rotation, then rotates the
//! group key and runs the rewrap as the server's background work does ([`Vault::rewrap_step`]
//! until nothing is pending: every data key rewrapped and the old version retired), with the
//! same load, and prints a Markdown table.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use sekretess_core::audit::AuditContext;
use sekretess_core::store::{GroupStore, Store};
use sekretess_core::{CustomerCode, KeyPolicy, Schema, SystemClock, Vault};
use sekretess_store::SqliteStore;

use sekretess_bench_vault::data::Generator;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "Rewrap of a group's data keys after a key rotation, online")]
struct Args {
    /// Customers in the group (made by the first run; a folder with another count is refused).
    #[arg(long, default_value_t = 1_000_000)]
    customers: u64,
    /// Data folder, kept between runs. Use a real disk.
    #[arg(long, default_value = "/var/tmp/sekretess-bench-rewrap")]
    data: PathBuf,
    /// Concurrent readers during both measurements.
    #[arg(long, default_value_t = 4)]
    callers: u64,
    /// Data keys rewrapped per batch (the vault's default is 2,000).
    #[arg(long, default_value_t = 2_000)]
    batch: usize,
    /// Length of the measurement without a rotation.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
}

fn ctx() -> AuditContext {
    AuditContext { actor: "apikey:bench".into(), request_id: None, origin: None }
}

const GROUP: &str = "rewrap";
const SHARE_FILE: &str = "bench-share.txt";

struct Load {
    stop: Arc<AtomicBool>,
    gets: Arc<AtomicU64>,
    updates: Arc<AtomicU64>,
    tasks: Vec<tokio::task::JoinHandle<Result<()>>>,
}

/// Readers getting random customers and one writer updating them, until stopped.
fn start_load(vault: &Arc<Vault<SqliteStore>>, codes: &Arc<Vec<CustomerCode>>, callers: u64) -> Load {
    let (stop, gets, updates) = (Arc::new(AtomicBool::new(false)), Arc::default(), Arc::default());
    let mut tasks = Vec::new();
    for c in 0..=callers {
        let (vault, codes, stop) = (Arc::clone(vault), Arc::clone(codes), Arc::clone(&stop));
        let count: Arc<AtomicU64> = if c == callers { Arc::clone(&updates) } else { Arc::clone(&gets) };
        tasks.push(tokio::spawn(async move {
            let mut x = 0x9e37_79b9_7f4a_7c15_u64 ^ c;
            while !stop.load(Ordering::Relaxed) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let code = &codes[(x % codes.len() as u64) as usize];
                if c == callers {
                    let note = Some(format!("Updated during the rewrap, {x}"));
                    vault.update_customer(&ctx(), code, &[("notes".into(), note)]).await?;
                } else {
                    let got = vault.get_customer(&ctx(), code, None).await?;
                    if got.fields.is_empty() {
                        bail!("a customer read with no fields");
                    }
                }
                count.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }));
    }
    Load { stop, gets, updates, tasks }
}

impl Load {
    async fn stop(self) -> Result<(u64, u64)> {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.tasks {
            t.await??;
        }
        Ok((self.gets.load(Ordering::Relaxed), self.updates.load(Ordering::Relaxed)))
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.data)?;
    let store = SqliteStore::open(&args.data).await?;
    let vault = Arc::new(Vault::open(store.clone(), Arc::new(SystemClock), Schema::default_schema()).await?);
    let share_path = args.data.join(SHARE_FILE);
    if !vault.seal_status()?.initialized {
        let done = vault.init(&ctx(), 1, 1).await?;
        let share = done.shares.first().context("no share")?.to_text();
        std::fs::write(&share_path, share.as_bytes())?;
        vault.submit_share(&ctx(), &share).await?;
        vault.create_group(&ctx(), GROUP).await?;
        let started = Instant::now();
        let mut people = Generator::new(20);
        let mut made = 0;
        while made < args.customers {
            let n = (args.customers - made).min(10_000) as usize;
            let batch = people.batch(n);
            for r in vault.create_customers(&ctx(), GROUP, &batch).await? {
                r?;
            }
            made += n as u64;
        }
        eprintln!("filled {made} customers in {:.1} s", started.elapsed().as_secs_f64());
    } else {
        let share =
            std::fs::read_to_string(&share_path).context("the data folder has no bench share file")?;
        vault.submit_share(&ctx(), share.trim()).await?;
    }
    let row = store.list_groups().await?.into_iter().find(|g| g.name == GROUP).context("no bench group")?;
    let group_store = store.open_group(&row).await?;
    let total: u64 = group_store.kek_counts().await?.iter().map(|(_, n)| n).sum();
    if total != args.customers {
        bail!("{} holds {total} customers, not {}: use another --data", args.data.display(), args.customers);
    }
    // Codes to read, through the store (a sample of the group).
    let mut codes = Vec::new();
    let mut after = String::new();
    while codes.len() < 100_000 {
        let page = group_store.wrapped_deks(u32::MAX, &after, 10_000).await?;
        let Some(last) = page.last() else { break };
        after = last.code.clone();
        codes.extend(
            page.iter().step_by(7).map(|r| CustomerCode::parse(&r.code)).collect::<Result<Vec<_>, _>>()?,
        );
    }
    let codes = Arc::new(codes);

    let load = start_load(&vault, &codes, args.callers);
    let quiet = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    let (gets_before, updates_before) = load.stop().await?;
    let quiet = quiet.elapsed().as_secs_f64();

    // One process: no other process needs time to see the new version before the old one
    // is retired.
    vault.set_key_policy(KeyPolicy {
        retire_grace_seconds: 0,
        rewrap_batch: args.batch,
        ..KeyPolicy::default()
    })?;
    let before = vault.group(GROUP).await?;
    let load = start_load(&vault, &codes, args.callers);
    let started = Instant::now();
    let info = vault.rotate_group_key(&ctx(), GROUP).await?;
    let (mut rewrapped, mut steps, mut all_done) = (0u64, 0u64, None);
    loop {
        let r = vault.rewrap_step().await?;
        rewrapped += r.rewrapped;
        steps += 1;
        if all_done.is_none() && vault.group(GROUP).await?.rewrap.is_some_and(|p| p.remaining == Some(0)) {
            all_done = Some(started.elapsed().as_secs_f64());
        }
        if !r.pending {
            break;
        }
    }
    let rewrap = started.elapsed().as_secs_f64();
    let (gets_during, updates_during) = load.stop().await?;
    let after = vault.group(GROUP).await?;
    let counts = group_store.kek_counts().await?;
    if counts != vec![(info.kek_version, args.customers)] || after.kek_versions != vec![info.kek_version] {
        bail!("the rewrap left {counts:?}, versions {:?}", after.kek_versions);
    }
    eprintln!("{steps} steps; key version {} -> {}", before.kek_version, info.kek_version);
    println!("| measure | value |");
    println!("|---|---|");
    println!("| customers (data keys) | {} |", args.customers);
    let all_done = all_done.unwrap_or(rewrap);
    println!(
        "| rewrap, rotation to the pass that finds no old data key | **{all_done:.1} s** ({:.0} keys/s) |",
        rewrapped as f64 / all_done
    );
    println!("| rotation to retirement of the old version | {rewrap:.1} s |");
    println!("| data keys rewrapped (the rest changed under the load first) | {rewrapped} |");
    println!(
        "| gets/s, {} callers, without / during the rewrap | {:.0} / {:.0} ({:.0} %) |",
        args.callers,
        gets_before as f64 / quiet,
        gets_during as f64 / rewrap,
        100.0 * (gets_during as f64 / rewrap) / (gets_before as f64 / quiet)
    );
    println!(
        "| updates/s, 1 caller, without / during the rewrap | {:.0} / {:.0} |",
        updates_before as f64 / quiet,
        updates_during as f64 / rewrap
    );
    Ok(())
}
