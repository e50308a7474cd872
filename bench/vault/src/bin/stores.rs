//! Customer create/get through the vault on SQLite and on PostgreSQL, with one and with two
//! vault instances ("server processes": each with its own store, pools and unseal) sharing
//! the same data, in one run. Run it in release mode:
//!
//! ```text
//! cargo run --release -p sekretess-bench-vault --bin stores -- \
//!     --postgres postgres://postgres@127.0.0.1:5432/postgres
//! ```
//!
//! Each scenario starts empty: a fresh data folder, or fresh databases (created on the
//! server named by `--postgres`, dropped afterwards). Two groups: on PostgreSQL `alpha` is a
//! schema of the control database and `beta` a database of its own. `--callers` tasks (split
//! over the instances) first create `--customers` customers one by one (one transaction and
//! one audit entry each), then read as many at random. Prints a Markdown table.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Parser;
use sekretess_core::audit::AuditContext;
use sekretess_core::store::Store;
use sekretess_core::{CustomerCode, Schema, SystemClock, Vault};
use sekretess_store::{GroupPlacement, PgOptions, PgStore, SqliteStore};
use sqlx::Connection;

#[derive(Parser)]
#[command(about = "Customer create/get on SQLite and PostgreSQL, one and two vault instances")]
struct Args {
    /// Customers created (and then read) per scenario.
    #[arg(long, default_value_t = 4000)]
    customers: u64,
    /// Concurrent callers, split evenly over the instances.
    #[arg(long, default_value_t = 16)]
    callers: u64,
    /// A PostgreSQL server (a role that may create databases); without it only SQLite runs.
    #[arg(long, env = "SEKRETESS_BENCH_POSTGRES_URL")]
    postgres: Option<String>,
    /// Scratch folder for SQLite (emptied first). Use a real disk.
    #[arg(long, default_value = "/var/tmp/sekretess-bench-stores")]
    data: PathBuf,
}

fn ctx() -> AuditContext {
    AuditContext { actor: "apikey:bench".into(), request_id: None, origin: None }
}

struct Figures {
    rate: f64,
    p50: f64,
    p99: f64,
}

fn figures(mut lat: Vec<Duration>, elapsed: Duration) -> Figures {
    lat.sort_unstable();
    let pct = |p: f64| {
        let i = ((lat.len() as f64 * p).ceil() as usize).saturating_sub(1).min(lat.len().saturating_sub(1));
        lat.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    Figures { rate: lat.len() as f64 / elapsed.as_secs_f64(), p50: pct(0.5), p99: pct(0.99) }
}

/// Opens `instances` vaults over the same data; the first initializes, creates the groups
/// and unseals; the others unseal with the same share.
async fn vaults<S, F, Fut>(instances: usize, open: F) -> Result<Vec<Arc<Vault<S>>>>
where
    S: Store,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<S>>,
{
    let first = Vault::open(open().await?, Arc::new(SystemClock), Schema::default_schema()).await?;
    let share = first.init(&ctx(), 1, 1).await?.shares.remove(0).to_text().to_string();
    first.submit_share(&ctx(), &share).await?;
    first.create_group(&ctx(), "alpha").await?;
    first.create_group(&ctx(), "beta").await?;
    let mut all = vec![Arc::new(first)];
    for _ in 1..instances {
        let v = Vault::open(open().await?, Arc::new(SystemClock), Schema::default_schema()).await?;
        v.submit_share(&ctx(), &share).await?;
        all.push(Arc::new(v));
    }
    Ok(all)
}

async fn load<S: Store>(
    vaults: &[Arc<Vault<S>>],
    customers: u64,
    callers: u64,
) -> Result<(Figures, Figures)> {
    let per = customers / callers;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..callers {
        let v = Arc::clone(&vaults[c as usize % vaults.len()]);
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in 0..per {
                let group = if i % 2 == 0 { "alpha" } else { "beta" };
                let fields = vec![
                    ("full_name".to_owned(), format!("Person {c} {i}")),
                    ("email".to_owned(), format!("p{c}x{i}@example.com")),
                ];
                let t = Instant::now();
                let code = v.create_customer(&ctx(), group, &fields).await?;
                out.push((code, t.elapsed()));
            }
            Ok::<_, sekretess_core::VaultError>(out)
        }));
    }
    let mut codes: Vec<CustomerCode> = Vec::new();
    let mut lat = Vec::new();
    for t in tasks {
        for (code, d) in t.await?? {
            codes.push(code);
            lat.push(d);
        }
    }
    let create = figures(lat, start.elapsed());

    let codes = Arc::new(codes);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..callers {
        let v = Arc::clone(&vaults[c as usize % vaults.len()]);
        let codes = Arc::clone(&codes);
        tasks.push(tokio::spawn(async move {
            let mut rng = sekretess_bench_vault::data::Rng::new(0x9e37_79b9_7f4a_7c15 ^ (c + 1));
            let mut lat = Vec::new();
            for _ in 0..per {
                let code = &codes[(rng.next_u64() % codes.len() as u64) as usize];
                let t = Instant::now();
                v.get_customer(&ctx(), code, None).await?;
                lat.push(t.elapsed());
            }
            Ok::<_, sekretess_core::VaultError>(lat)
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    Ok((create, figures(lat, start.elapsed())))
}

fn row(backend: &str, instances: usize, (create, get): &(Figures, Figures)) {
    println!(
        "| {backend} | {instances} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} |",
        create.rate, create.p50, create.p99, get.rate, get.p50, get.p99
    );
}

async fn sqlite(dir: &Path, instances: usize, args: &Args) -> Result<(Figures, Figures)> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).context("emptying the scratch folder")?;
    }
    let vs = vaults(instances, || async { Ok(SqliteStore::open(dir).await?) }).await?;
    load(&vs, args.customers, args.callers).await
}

fn with_database(admin: &str, name: &str) -> String {
    let base = admin.split('?').next().unwrap_or(admin);
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    format!("{server}/{name}")
}

async fn postgres(admin: &str, instances: usize, args: &Args) -> Result<(Figures, Figures)> {
    let name = format!("sekbench_{}_{instances}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(admin).await.context("connecting to --postgres")?;
    for db in [name.clone(), format!("{name}_beta")] {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).execute(&mut conn).await?;
    }
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
    let control = with_database(admin, &name);
    let beta = with_database(admin, &format!("{name}_beta"));
    let result = async {
        let vs = vaults(instances, || async {
            let mut options = PgOptions::new(&control);
            options.max_connections = 16;
            let store = PgStore::open_with(options).await?;
            store.place_group("beta", GroupPlacement::Database(beta.clone()))?;
            Ok(store)
        })
        .await?;
        let figures = load(&vs, args.customers, args.callers).await;
        for v in &vs {
            v.store().close().await;
        }
        figures
    }
    .await;
    for db in [name.clone(), format!("{name}_beta")] {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).execute(&mut conn).await?;
    }
    result
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    println!(
        "{} customers created one by one, then {} random gets; {} concurrent callers over the instances\n",
        args.customers, args.customers, args.callers
    );
    println!(
        "| store | instances | create/s | create p50 ms | create p99 ms | get/s | get p50 ms | get p99 ms |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for instances in [1, 2] {
        row("SQLite", instances, &sqlite(&args.data, instances, &args).await?);
    }
    if let Some(admin) = &args.postgres {
        for instances in [1, 2] {
            row("PostgreSQL", instances, &postgres(admin, instances, &args).await?);
        }
    } else {
        println!("\n(PostgreSQL skipped: pass --postgres URL or set SEKRETESS_BENCH_POSTGRES_URL)");
    }
    Ok(())
}
