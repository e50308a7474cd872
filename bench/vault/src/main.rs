//! Vault core benchmark. Run it in release mode:
//!
//! ```text
//! cargo run --release -p sekretess-bench-vault -- --customers 1000000
//! ```
//!
//! Measures, in one run: a bare SQLite insert of rows the size of a customer record (same
//! pragmas, same batching, same driver) and batched creation through the vault (default
//! schema, every field filled) from one caller and from two, taking turns; single
//! creation, and filling to the full size; get by code, find by identifier and index
//! probes at the full size; what the audit entry adds to a get. Prints a Markdown table
//! for docs/benchmarks.md.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Parser;
use sekretess_core::audit::AuditContext;
use sekretess_core::{CustomerCode, Schema, SystemClock, Vault};
use sekretess_store::SqliteStore;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Sqlite};

use sekretess_bench_vault::{data, process_cpu_seconds, unaudited};

// The allocator of the `sekretess` binary, so the figures are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "Benchmark the vault core on SQLite")]
struct Args {
    /// Customers in the group when get and find are measured.
    #[arg(long, default_value_t = 1_000_000)]
    customers: u64,
    /// Customers per batch (one transaction each).
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// Rows written in the bare-SQLite and the vault comparison.
    #[arg(long, default_value_t = 200_000)]
    compare: u64,
    /// Concurrent callers (clients) in the second batched-create measurement.
    #[arg(long, default_value_t = 2)]
    callers: u64,
    /// Customers created one by one.
    #[arg(long, default_value_t = 2000)]
    single: u64,
    /// Gets and finds measured.
    #[arg(long, default_value_t = 20_000)]
    samples: u64,
    /// Scratch folder (emptied first). Use a real disk: fsync cost is part of the result.
    #[arg(long, default_value = "/var/tmp/sekretess-bench")]
    data: PathBuf,
}

fn ctx() -> AuditContext {
    AuditContext { actor: "apikey:bench".into(), request_id: None, origin: None }
}

struct Latencies(Vec<Duration>);

impl Latencies {
    fn pct(&mut self, p: f64) -> f64 {
        self.0.sort_unstable();
        let i = ((self.0.len() as f64 * p).ceil() as usize).saturating_sub(1).min(self.0.len() - 1);
        self.0[i].as_secs_f64() * 1e3
    }
}

fn rate(n: u64, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64()
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    if args.data.exists() {
        std::fs::remove_dir_all(&args.data).context("emptying the scratch folder")?;
    }
    let store = SqliteStore::open(&args.data).await?;
    let vault = Vault::open(store, Arc::new(SystemClock), Schema::default_schema()).await?;
    let outcome = vault.init(&ctx(), 1, 1).await?;
    vault.submit_share(&ctx(), &outcome.shares[0].to_text()).await?;
    vault.create_group(&ctx(), "bench").await?;
    let mut people = data::Generator::new(42);

    // Size of one stored customer, for the bare baseline.
    let probe = vault.create_customer(&ctx(), "bench", &people.batch(1)[0]).await?;
    let record_bytes = record_size(&args.data, probe.compact()).await?;

    // 1. Bare SQLite (rows of the same size, same pragmas, same batching), 2. batched
    // creates through the vault from one caller and 2b. from several (`--callers`, clients
    // with a batch in flight each, into a fresh group), the same count each, taking turns
    // in rounds: this machine's speed drifts within a run, and the turns expose all three
    // to it alike. Each turn ends with a full checkpoint, timed, so that none leaves log
    // pages for the next turn to copy.
    let vault = Arc::new(vault);
    vault.create_group(&ctx(), "pair").await?;
    let mut kept: Vec<CustomerCode> = Vec::new();
    let mut bare_db = BareSqlite::open(&args.data, record_bytes).await?;
    let control =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", args.data.join("control.db").display())).await?;
    // On SQLite `purge_erased` is a full checkpoint of each group's log.
    let checkpoint = || async {
        vault.purge_erased().await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&control).await?;
        anyhow::Ok(())
    };
    let mut pair_people: Vec<_> = (0..args.callers)
        .map(|caller| data::Generator::starting_at(1_000 + caller, 20_000_000 + 5_000_000 * caller))
        .collect();
    let (mut bare_time, mut one_time, mut many_time) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut one_cpu = 0.0;
    let per_round = args.compare / ROUNDS;
    for _ in 0..ROUNDS {
        bare_time += bare_db.insert(per_round, args.batch).await?;

        let (start, cpu_start) = (Instant::now(), process_cpu_seconds()?);
        create_batches(&vault, "bench", &mut people, per_round, args.batch, &mut kept).await?;
        checkpoint().await?;
        one_time += start.elapsed();
        one_cpu += process_cpu_seconds()? - cpu_start;

        let start = Instant::now();
        pair_people = create_concurrently(&vault, "pair", pair_people, per_round, args.batch).await?;
        checkpoint().await?;
        many_time += start.elapsed();
    }
    control.close().await;
    bare_db.pool.close().await;
    let compared = per_round * ROUNDS;
    let bare = rate(compared, bare_time);
    let batched = rate(compared, one_time);
    let batched_cores = one_cpu / one_time.as_secs_f64();
    let batched_many = rate(per_round / args.callers * args.callers * ROUNDS, many_time);

    // 3. Single creates (two durable commits each: directory, then group).
    let mut single_lat = Latencies(Vec::new());
    let start = Instant::now();
    for _ in 0..args.single {
        let item = &people.batch(1)[0];
        let t = Instant::now();
        vault.create_customer(&ctx(), "bench", item).await?;
        single_lat.0.push(t.elapsed());
    }
    let single = rate(args.single, start.elapsed());

    // 4. Fill up to the full size.
    let fill_start = Instant::now();
    let mut filled = 0u64;
    let mut slowest = (Duration::ZERO, 0u64);
    while people.created() < args.customers {
        let n = args.batch.min((args.customers - people.created()) as usize);
        let batch = people.batch(n);
        let t = Instant::now();
        let answers = vault.create_customers(&ctx(), "bench", &batch).await?;
        slowest = slowest.max((t.elapsed(), people.created()));
        for r in answers {
            let code = r?;
            if filled.is_multiple_of(50) {
                kept.push(code);
            }
            filled += 1;
        }
        if filled % 100_000 < args.batch as u64 {
            eprintln!("… {} customers", people.created());
        }
    }
    let fill_rate = rate(filled, fill_start.elapsed());

    // 5. Get by code and 6. find by identifier at full size: one caller at a time, then
    // 64 concurrent callers (their audit entries share commits). Every call writes a
    // durable audit entry before it answers.
    let kept = Arc::new(kept);
    let get_one = |v: Arc<Vault<SqliteStore>>, kept: Arc<Vec<CustomerCode>>, seed: u64| async move {
        let code = &kept[(seed % kept.len() as u64) as usize];
        v.get_customer(&ctx(), code, None).await.map(drop)
    };
    let find_one = move |v: Arc<Vault<SqliteStore>>, _: Arc<Vec<CustomerCode>>, seed: u64| async move {
        // Customer ids 1..=compared were created first; look them up in another spelling.
        let value = data::personnummer(2 + seed % (compared - 1)).replace('-', "");
        let found = v.find(&ctx(), "bench", "national_id", &value).await?;
        if found.len() != 1 {
            return Err(sekretess_core::VaultError::NotFound);
        }
        Ok(())
    };
    let (gets, mut get_lat) = run_load(&vault, &kept, 1, args.samples, get_one).await?;
    let (gets64, mut get64_lat) = run_load(&vault, &kept, 64, args.samples, get_one).await?;
    let (finds, mut find_lat) = run_load(&vault, &kept, 1, args.samples, find_one).await?;
    let (finds64, mut find64_lat) = run_load(&vault, &kept, 64, args.samples, find_one).await?;
    let mut probe_lat = index_probe(&vault, args.samples, Probe::Unique).await?;
    let mut runs_probe_lat = index_probe(&vault, args.samples, Probe::Runs).await?;

    // 7. What auditing costs: the same gets through a second vault over the same files
    // whose audit log writes nothing, alternating rounds with the audited one.
    let bare_store = unaudited::Unaudited(SqliteStore::open(&args.data).await?);
    let unaudited = Arc::new(Vault::open(bare_store, Arc::new(SystemClock), Schema::default_schema()).await?);
    unaudited.submit_share(&ctx(), &outcome.shares[0].to_text()).await?;
    let get_any = |v: Arc<Vault<unaudited::Unaudited>>, kept: Arc<Vec<CustomerCode>>, seed: u64| async move {
        let code = &kept[(seed % kept.len() as u64) as usize];
        v.get_customer(&ctx(), code, None).await.map(drop)
    };
    let (mut with_audit, mut without_audit) = (Latencies(Vec::new()), Latencies(Vec::new()));
    for _round in 0..3 {
        with_audit.0.extend(run_load(&vault, &kept, 64, args.samples, get_one).await?.1.0);
        without_audit.0.extend(run_load(&unaudited, &kept, 64, args.samples, get_any).await?.1.0);
    }
    let (p50_with, p50_without) = (with_audit.pct(0.50), without_audit.pct(0.50));

    println!("| measurement | result |");
    println!("|---|---|");
    println!(
        "| stored customer row (code, wrapped key, field envelopes, index list, times) | {record_bytes} bytes |"
    );
    println!(
        "| bare SQLite insert, {compared} rows in batches of {} ({ROUNDS} turns with the vault's) | {bare:.0} rows/s |",
        args.batch
    );
    println!(
        "| vault batched create, {compared} customers in batches of {} ({ROUNDS} turns) | {batched:.0} customers/s |",
        args.batch
    );
    println!("| vault / bare SQLite | {:.0} % |", batched / bare * 100.0);
    println!("| CPU of this process during the batched create | {batched_cores:.2} cores busy of 2 |");
    println!(
        "| vault batched create, {} customers in batches of {}, {} callers, fresh group ({ROUNDS} turns) | {batched_many:.0} customers/s |",
        per_round / args.callers * args.callers * ROUNDS,
        args.batch,
        args.callers
    );
    println!("| vault ({} callers) / bare SQLite | {:.0} % |", args.callers, batched_many / bare * 100.0);
    println!(
        "| vault single create, {} customers | {single:.0} customers/s, p50 {:.2} ms, p99 {:.2} ms |",
        args.single,
        single_lat.pct(0.50),
        single_lat.pct(0.99)
    );
    println!("| vault batched create while filling to {} | {fill_rate:.0} customers/s |", args.customers);
    println!(
        "| slowest batch while filling (index runs merged in it) | {:.2} s, at {} customers |",
        slowest.0.as_secs_f64(),
        slowest.1
    );
    let n = args.customers;
    let row = |what: &str, ops: f64, lat: &mut Latencies| {
        println!(
            "| {what} at {n} customers | {ops:.0} ops/s, p50 {:.3} ms, p99 {:.3} ms |",
            lat.pct(0.50),
            lat.pct(0.99)
        );
    };
    row("get by code, 1 caller", gets, &mut get_lat);
    row("get by code, 64 callers", gets64, &mut get64_lat);
    row("find by national_id, 1 caller", finds, &mut find_lat);
    row("find by national_id, 64 callers", finds64, &mut find64_lat);
    println!(
        "| get by code, 64 callers, p50 with / without the audit entry | {p50_with:.3} ms / {p50_without:.3} ms = {:+.0} % |",
        (p50_with / p50_without - 1.0) * 100.0
    );
    println!(
        "| blind-index probe in the group store (no audit) at {n} customers | p50 {:.3} ms, p99 {:.3} ms |",
        probe_lat.pct(0.50),
        probe_lat.pct(0.99)
    );
    println!(
        "| same, a non-unique field's value held by one customer (a block of every run read) | p50 {:.3} ms, p99 {:.3} ms |",
        runs_probe_lat.pct(0.50),
        runs_probe_lat.pct(0.99)
    );
    Ok(())
}

/// Creates `count` customers in `group` from one caller per generator, at once; returns
/// the generators.
async fn create_concurrently(
    vault: &Arc<Vault<SqliteStore>>,
    group: &'static str,
    people: Vec<data::Generator>,
    count: u64,
    batch: usize,
) -> Result<Vec<data::Generator>> {
    let each = count / people.len() as u64;
    let callers: Vec<_> = people
        .into_iter()
        .map(|mut people| {
            let vault = Arc::clone(vault);
            tokio::spawn(async move {
                create_batches(&vault, group, &mut people, each, batch, &mut Vec::new()).await?;
                anyhow::Ok(people)
            })
        })
        .collect();
    let mut people = Vec::new();
    for caller in callers {
        people.push(caller.await??);
    }
    Ok(people)
}

/// Creates `count` customers in `group` in batches of `batch`; keeps every 50th code.
async fn create_batches(
    vault: &Vault<SqliteStore>,
    group: &str,
    people: &mut data::Generator,
    count: u64,
    batch: usize,
    kept: &mut Vec<CustomerCode>,
) -> Result<()> {
    let mut created = 0u64;
    while created < count {
        let n = batch.min((count - created) as usize);
        let items = people.batch(n);
        for r in vault.create_customers(&ctx(), group, &items).await? {
            let code = r?;
            if created.is_multiple_of(50) {
                kept.push(code);
            }
            created += 1;
        }
    }
    Ok(())
}

async fn record_size(dir: &std::path::Path, code: &str) -> Result<usize> {
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("groups/group-1.db").display())).await?;
    let (size,): (i64,) = sqlx::query_as(
        "SELECT length(code) + length(wrapped_dek) + length(fields) + length(index_entries) + 24 FROM customers WHERE code = ?",
    )
    .bind(code)
    .fetch_one(&pool)
    .await?;
    pool.close().await;
    Ok(size as usize)
}

/// Rounds in which the bare insert and the vault take turns.
const ROUNDS: u64 = 4;

/// A table of rows of `size` bytes with the vault's pragmas and layout.
struct BareSqlite {
    pool: sqlx::SqlitePool,
    rng: data::Rng,
    size: usize,
}

impl BareSqlite {
    async fn open(dir: &std::path::Path, size: usize) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(dir.join("bare.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
        sqlx::query(
            "CREATE TABLE rows (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, body BLOB NOT NULL)",
        )
        .execute(&pool)
        .await?;
        Ok(BareSqlite { pool, rng: data::Rng::new(7), size })
    }

    /// Inserts `rows` more rows in transactions of `batch`, with the vault's statement
    /// shape, then checkpoints; returns the time taken.
    async fn insert(&mut self, rows: u64, batch: usize) -> Result<Duration> {
        let start = Instant::now();
        let mut written = 0u64;
        while written < rows {
            let n = batch.min((rows - written) as usize);
            let items: Vec<(String, Vec<u8>)> = (0..n)
                .map(|_| {
                    let code = format!("{:012X}", self.rng.next_u64() >> 16);
                    let body: Vec<u8> = (0..self.size - 12).map(|_| self.rng.next_u64() as u8).collect();
                    (code, body)
                })
                .collect();
            let mut tx = self.pool.begin().await?;
            for chunk in items.chunks(500) {
                let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("INSERT INTO rows (code, body) ");
                q.push_values(chunk, |mut b, (code, body)| {
                    b.push_bind(code.as_str()).push_bind(body.as_slice());
                });
                q.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            written += n as u64;
        }
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await?;
        Ok(start.elapsed())
    }
}

/// Runs `total` calls of `op` from `callers` concurrent tasks; returns ops/s and latencies.
async fn run_load<S, F, Fut>(
    vault: &Arc<Vault<S>>,
    kept: &Arc<Vec<CustomerCode>>,
    callers: u64,
    total: u64,
    op: F,
) -> Result<(f64, Latencies)>
where
    S: sekretess_core::store::Store,
    F: Fn(Arc<Vault<S>>, Arc<Vec<CustomerCode>>, u64) -> Fut + Copy + Send + 'static,
    Fut: std::future::Future<Output = Result<(), sekretess_core::VaultError>> + Send,
{
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..callers {
        let (v, k) = (Arc::clone(vault), Arc::clone(kept));
        tasks.push(tokio::spawn(async move {
            let mut rng = data::Rng::new(1000 + c);
            let mut lat = Vec::new();
            for _ in 0..total / callers {
                let t = Instant::now();
                op(Arc::clone(&v), Arc::clone(&k), rng.next_u64()).await?;
                lat.push(t.elapsed());
            }
            Ok::<_, sekretess_core::VaultError>(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok((rate(all.len() as u64, start.elapsed()), Latencies(all)))
}

/// Which index entries `index_probe` looks up.
#[derive(Clone, Copy, PartialEq)]
enum Probe {
    /// `national_id` (unique): the runs whose hash filter may hold the value.
    Unique,
    /// Other searchable fields: the old index, and in each run its rows and the block
    /// that would hold the value.
    Runs,
}

/// The index lookup alone: real blind-index hashes probed through the group store.
async fn index_probe(vault: &Vault<SqliteStore>, samples: u64, probe: Probe) -> Result<Latencies> {
    use sekretess_core::store::{GroupStore, Store};
    let row = vault.store().list_groups().await?.remove(0);
    let group = vault.store().open_group(&row).await?;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", group.path().display())).await?;
    let hashes: Vec<Vec<u8>> = match probe {
        Probe::Unique => {
            let sql = "SELECT hash FROM (SELECT hash FROM unique_index UNION ALL SELECT hash FROM unique_runs) \
                       ORDER BY random() LIMIT ?";
            sqlx::query_scalar(sql).bind(samples as i64).fetch_all(&pool).await?
        }
        Probe::Runs => {
            // The first entry of random blocks.
            let sql = "SELECT entries FROM blind_blocks ORDER BY random() LIMIT ?";
            let blocks: Vec<Vec<u8>> = sqlx::query_scalar(sql).bind(samples as i64).fetch_all(&pool).await?;
            let mut hashes = Vec::new();
            for block in &blocks {
                hashes.extend(sekretess_store::decode_block(block)?.first().map(|(hash, _)| hash.to_vec()));
            }
            hashes
        }
    };
    pool.close().await;
    let mut lat = Latencies(Vec::new());
    for h in hashes {
        let hash: [u8; 32] = h.try_into().map_err(|_| anyhow::anyhow!("hash length"))?;
        let t = Instant::now();
        let found = group.find("any", &hash, probe == Probe::Unique).await?;
        let elapsed = t.elapsed();
        anyhow::ensure!(!found.is_empty(), "a probe found nothing");
        // Full names repeat (the generator has few of them): a common one is thousands
        // of rows to return, not an index probe.
        if found.len() == 1 {
            lat.0.push(elapsed);
        }
    }
    anyhow::ensure!(!lat.0.is_empty(), "no probe found a single customer");
    Ok(lat)
}
