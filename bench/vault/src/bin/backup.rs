//! Backup and restore of a SQLite vault of N customers (issue 20's targets): the time of a
//! backup (`sekretess_server::backup::write_backup`, age-encrypted to a file), of a restore
//! (both passes of `sekretess restore`: check, then import into a new data folder), and the
//! throughput of audited gets by code during the backup against the same load without it.
//!
//! cargo run --release -p sekretess-bench-vault --bin backup -- --customers 1000000

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use sekretess_bench_vault::data::Generator;
use sekretess_core::audit::AuditContext;
use sekretess_core::backup::{Item, restore};
use sekretess_core::{CustomerCode, Schema, StoreError, SystemClock, Vault};
use sekretess_crypto::backup::{BackupIdentity, BackupRecipient, generate_identity, open};
use sekretess_store::SqliteStore;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 1_000_000)]
    customers: u64,
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
    /// Concurrent get callers.
    #[arg(long, default_value_t = 16)]
    callers: u64,
    /// Seconds of gets measured without a backup.
    #[arg(long, default_value_t = 10)]
    baseline_seconds: u64,
    /// Scratch folder (default: a temporary one).
    #[arg(long)]
    dir: Option<PathBuf>,
}

fn ctx() -> AuditContext {
    AuditContext { actor: "apikey:bench".into(), request_id: None, origin: None }
}

fn items(path: &std::path::Path, id: &BackupIdentity) -> impl Iterator<Item = Result<Item, StoreError>> {
    let reader: Box<dyn Read> =
        match std::fs::File::open(path).ok().and_then(|f| open(id, BufReader::new(f)).ok()) {
            Some(r) => Box::new(r),
            None => Box::new(std::io::empty()),
        };
    BufReader::with_capacity(1 << 20, reader)
        .split(b'\n')
        .map(|l| l.map_err(|_| StoreError::Corrupt("read".into())).and_then(|l| Item::from_line(&l)))
}

/// Runs `callers` get loops until `stop`; counts answers.
fn gets(
    vault: &Arc<Vault<SqliteStore>>,
    codes: &Arc<Vec<CustomerCode>>,
    callers: u64,
    stop: &Arc<AtomicBool>,
) -> (Arc<AtomicU64>, Vec<tokio::task::JoinHandle<()>>) {
    let count = Arc::new(AtomicU64::new(0));
    let tasks = (0..callers)
        .map(|c| {
            let (vault, codes, stop, count) =
                (Arc::clone(vault), Arc::clone(codes), Arc::clone(stop), Arc::clone(&count));
            tokio::spawn(async move {
                let mut i = c * 7919;
                while !stop.load(Ordering::Relaxed) {
                    i = i.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let code = &codes[(i >> 33) as usize % codes.len()];
                    if vault.get_customer(&ctx(), code, None).await.is_ok() {
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    (count, tasks)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let scratch = tempfile::tempdir()?;
    let dir = args.dir.clone().unwrap_or_else(|| scratch.path().to_owned());
    let store = SqliteStore::open(&dir.join("vault")).await?;
    let vault = Arc::new(Vault::open(store, Arc::new(SystemClock), Schema::default_schema()).await?);
    let outcome = vault.init(&ctx(), 1, 1).await?;
    vault.submit_share(&ctx(), &outcome.shares[0].to_text()).await?;
    vault.create_group(&ctx(), "bench").await?;
    let mut people = Generator::new(20);
    let mut kept = Vec::new();
    let fill = Instant::now();
    while people.created() < args.customers {
        let n = args.batch.min((args.customers - people.created()) as usize);
        for (i, r) in vault.create_customers(&ctx(), "bench", &people.batch(n)).await?.into_iter().enumerate()
        {
            let code = r?;
            if i % 50 == 0 {
                kept.push(code);
            }
        }
    }
    eprintln!("filled {} customers in {:.1} s", args.customers, fill.elapsed().as_secs_f64());
    let codes = Arc::new(kept);

    // Gets without a backup.
    let stop = Arc::new(AtomicBool::new(false));
    let (count, tasks) = gets(&vault, &codes, args.callers, &stop);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (c0, t0) = (count.load(Ordering::Relaxed), Instant::now());
    tokio::time::sleep(Duration::from_secs(args.baseline_seconds)).await;
    let base = (count.load(Ordering::Relaxed) - c0) as f64 / t0.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await?;
    }

    // The backup, with the same gets running.
    let (identity, recipient) = generate_identity();
    let identity = BackupIdentity::parse(&identity)?;
    let recipients = [BackupRecipient::parse(&recipient)?];
    let file = dir.join("vault.age");
    let stop = Arc::new(AtomicBool::new(false));
    let (count, tasks) = gets(&vault, &codes, args.callers, &stop);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (c0, t0) = (count.load(Ordering::Relaxed), Instant::now());
    let (_, manifest) =
        sekretess_server::backup::write_backup(&vault, &recipients, std::fs::File::create(&file)?).await?;
    let backup_time = t0.elapsed();
    let during = (count.load(Ordering::Relaxed) - c0) as f64 / backup_time.as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await?;
    }
    let size = std::fs::metadata(&file)?.len();
    let customers: u64 = manifest.groups.values().map(|g| g.customers).sum();

    // The restore: check the whole file, then import it into a new data folder.
    let t = Instant::now();
    let summary = restore::check(items(&file, &identity))?;
    let checked = t.elapsed();
    let target = SqliteStore::open(&dir.join("restored")).await?;
    restore::import(&target, items(&file, &identity), &summary.erasures, &|_| {}).await?;
    target.close().await;
    let restore_time = t.elapsed();

    println!("customers                 {customers}");
    println!("backup file               {:.0} MiB", size as f64 / 1048576.0);
    println!("backup                    {:.1} s", backup_time.as_secs_f64());
    println!(
        "restore (check + import)  {:.1} s (check {:.1} s)",
        restore_time.as_secs_f64(),
        checked.as_secs_f64()
    );
    println!("gets/s without backup     {base:.0} ({} callers)", args.callers);
    println!("gets/s during backup      {during:.0} ({:.0} %)", 100.0 * during / base);
    Ok(())
}
