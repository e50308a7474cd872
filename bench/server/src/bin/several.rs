//! Several servers: customer create and get over HTTPS against real `sekretess serve`
//! processes, on SQLite (one process) and on PostgreSQL (one and two processes on one
//! control database), in one run. The load is spread round-robin over the processes.
//!
//! ```sh
//! cargo build --release -p sekretess-cli -p sekretess-bench-server
//! SEKRETESS_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   /path/to/target/release/several [SECONDS_PER_STEP] [CUSTOMERS]
//! ```
//!
//! The `sekretess` binary is taken from beside this one (or `SEKRETESS_BIN`). Without a
//! PostgreSQL URL (`SEKRETESS_BENCH_POSTGRES_URL`, else `SEKRETESS_TEST_POSTGRES_URL`) only
//! the SQLite row runs.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use sekretess_api::{BatchItem, CreateCustomers};
use sekretess_bench_server::{drive, name};
use sekretess_client::{Client, ClientConfig};
use sekretess_core::{Clock, SystemClock};
use sekretess_server::tls;
use sqlx::Connection;
use zeroize::Zeroizing;

const BATCH: usize = 500;

fn fields(i: usize) -> BTreeMap<String, String> {
    [("full_name".to_owned(), name(i)), ("email".to_owned(), format!("user{i}@example.com"))].into()
}

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

fn sekretess_bin() -> Result<PathBuf> {
    if let Ok(p) = std::env::var("SEKRETESS_BIN") {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe()?;
    let p = exe.parent().context("no folder")?.join("sekretess");
    if !p.is_file() {
        bail!("{} is missing: cargo build --release -p sekretess-cli (or set SEKRETESS_BIN)", p.display());
    }
    Ok(p)
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts `n` servers on `store_line` (a `[server]` TOML line) and returns their clients.
async fn start(
    dir: &Path,
    certs: &tls::DevCertificate,
    store_line: &str,
    n: usize,
) -> Result<(Vec<Proc>, Vec<Client>, String)> {
    let bin = sekretess_bin()?;
    let mut procs = Vec::new();
    let mut addrs = Vec::new();
    for k in 0..n {
        let port = free_port()?;
        let config = dir.join(format!("server{k}.toml"));
        std::fs::write(
            &config,
            format!(
                "[server]\nlisten = \"127.0.0.1:{port}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\nlog_level = \"warn\"\n{store_line}\n",
                certs.cert.display(),
                certs.key.display()
            ),
        )?;
        let child = Command::new(&bin)
            .arg("--config")
            .arg(&config)
            .arg("serve")
            .env_remove("SEKRETESS_STORE")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        procs.push(Proc(child));
        addrs.push(format!("https://127.0.0.1:{port}"));
    }
    let anon = |a: &String| {
        Client::new(&ClientConfig { addr: a.clone(), ca_cert: Some(certs.ca_cert.clone()), token: None })
    };
    for a in &addrs {
        let c = anon(a)?;
        let mut up = false;
        for _ in 0..600 {
            if c.seal_status().await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::ensure!(up, "a server did not come up");
    }
    let init = anon(&addrs[0])?.init(1, 1).await?;
    for a in &addrs {
        anon(a)?.unseal(&init.shares[0]).await?;
    }
    let clients = addrs
        .iter()
        .map(|a| {
            Client::new(&ClientConfig {
                addr: a.clone(),
                ca_cert: Some(certs.ca_cert.clone()),
                token: Some(Zeroizing::new(init.bootstrap_token.clone())),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    clients[0].create_group("bench").await?;
    Ok((procs, clients, init.bootstrap_token.clone()))
}

async fn measure(label: &str, n: usize, clients: Vec<Client>, customers: usize, seconds: f64) -> Result<()> {
    let clients = Arc::new(clients);
    let mut codes = Vec::with_capacity(customers);
    for s in (0..customers).step_by(BATCH) {
        let items = (s..(s + BATCH).min(customers)).map(|i| BatchItem { fields: fields(i) }).collect();
        let r =
            clients[0].create_customers(&CreateCustomers { group: "bench".into(), customers: items }).await?;
        codes.extend(r.results.into_iter().filter_map(|r| r.code));
    }
    anyhow::ensure!(codes.len() == customers, "populating failed");
    let codes = Arc::new(codes);
    let next = Arc::new(AtomicUsize::new(customers + 1_000_000));
    for conns in [16usize, 64] {
        let (cl, cs) = (Arc::clone(&clients), Arc::clone(&codes));
        let s = drive(conns, seconds, move |w, i| {
            let (cl, cs) = (Arc::clone(&cl), Arc::clone(&cs));
            async move {
                cl[w % cl.len()].get_customer(&cs[i % cs.len()]).await?;
                Ok(())
            }
        })
        .await?;
        println!(
            "| {label} | {n} | customer get | {conns} | {:.0} | {:.2} | {:.2} |",
            s.ops as f64 / s.seconds,
            s.pct(0.5),
            s.pct(0.99)
        );
    }
    for conns in [16usize, 64] {
        let (cl, nx) = (Arc::clone(&clients), Arc::clone(&next));
        let s = drive(conns, seconds, move |w, _| {
            let (cl, nx) = (Arc::clone(&cl), Arc::clone(&nx));
            async move {
                cl[w % cl.len()].create_customer("bench", fields(nx.fetch_add(1, Ordering::Relaxed))).await?;
                Ok(())
            }
        })
        .await?;
        println!(
            "| {label} | {n} | customer create | {conns} | {:.0} | {:.2} | {:.2} |",
            s.ops as f64 / s.seconds,
            s.pct(0.5),
            s.pct(0.99)
        );
    }
    Ok(())
}

/// `admin` with its database replaced by `database`.
fn url_of(admin: &str, database: &str) -> String {
    let (server, _) = admin.split_once('?').unwrap_or((admin, ""));
    let server = server.rsplit_once('/').map_or(server, |(s, _)| s);
    format!("{server}/{database}")
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5.0);
    let customers: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2000);
    let pg = std::env::var("SEKRETESS_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("SEKRETESS_TEST_POSTGRES_URL"))
        .ok();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let dir = tempfile::tempdir()?;
    let certs = tls::generate_dev_certificate(&dir.path().join("tls"), SystemClock.now())?;

    println!("Customers populated per run: {customers}; {seconds} s per step.\n");
    println!("| store | processes | operation | connections | ops/s | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|---|---|");
    rt.block_on(async {
        let run = dir.path().join("sqlite");
        std::fs::create_dir_all(&run)?;
        let line = format!("data_dir = \"{}\"", run.join("data").display());
        let (procs, clients, _) = start(&run, &certs, &line, 1).await?;
        measure("SQLite", 1, clients, customers, seconds).await?;
        drop(procs);

        let Some(admin) = pg else {
            println!("\n(PostgreSQL rows skipped: SEKRETESS_BENCH_POSTGRES_URL is not set)");
            return Ok(());
        };
        for n in [1usize, 2] {
            let db = format!("sek_bench_{}_{n}", std::process::id());
            let mut conn = sqlx::PgConnection::connect(&admin).await?;
            sqlx::query(&format!("CREATE DATABASE {db}")).execute(&mut conn).await?;
            let run = dir.path().join(&db);
            std::fs::create_dir_all(&run)?;
            let line = format!("store = \"{}\"\npg_max_connections = 16", url_of(&admin, &db));
            let (procs, clients, _) = start(&run, &certs, &line, n).await?;
            let result = measure("PostgreSQL", n, clients, customers, seconds).await;
            drop(procs);
            sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).execute(&mut conn).await?;
            conn.close().await?;
            result?;
        }
        Ok::<_, anyhow::Error>(())
    })
}
