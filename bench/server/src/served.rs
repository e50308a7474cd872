//! A real `sekretess serve` process for the benchmarks that load a built binary: started on
//! its own data folder with a generated TLS certificate, initialized, unsealed, one group
//! filled, and a service API key; and the process's counters.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use sekretess_api::{BatchItem, CreateApiKey, CreateCustomers};
use sekretess_client::{Client, ClientConfig};
use sekretess_server::tls;
use zeroize::Zeroizing;

use crate::name;

const BATCH: usize = 500;

/// A child process, stopped (SIGTERM) and reaped when dropped.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

/// CPU seconds (all threads, exited ones included) and context switches (summed over the
/// live threads) of process `pid`.
pub fn counters(pid: u32) -> Result<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let rest = stat.rsplit_once(')').context("unexpected stat")?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let cpu = (ticks(11) + ticks(12)) as f64 / 100.0;
    let mut switches = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))?.flatten() {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        for line in status.lines() {
            if let Some(v) = line
                .strip_prefix("voluntary_ctxt_switches:")
                .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))
            {
                switches += v.trim().parse::<u64>().unwrap_or(0);
            }
        }
    }
    Ok((cpu, switches))
}

/// Bytes the process `pid` has had written to storage (`write_bytes` of `/proc/PID/io`: its
/// log, its commits and its checkpoints), or 0 where the kernel does not count them.
pub fn written_bytes(pid: u32) -> u64 {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap_or_default();
    io.lines().find_map(|l| l.strip_prefix("write_bytes:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}

/// A running server: its process, a client with the service key, the service key itself
/// (for load generators of their own), its address and the codes of the group's customers.
pub struct Server {
    pub label: &'static str,
    pub proc: Proc,
    pub client: Client,
    pub token: Zeroizing<String>,
    pub addr: String,
    pub codes: Arc<Vec<String>>,
}

/// The fields of the `i`-th benchmark customer (a name and a unique e-mail address).
pub fn fields(i: usize) -> BTreeMap<String, String> {
    BTreeMap::from([("full_name".to_owned(), name(i)), ("email".to_owned(), format!("user{i}@example.com"))])
}

/// Starts `bin` on its own data folder under `dir` (production mode, the default log level,
/// stderr to `server.log`; on SQLite, or on the PostgreSQL database `store` names),
/// initializes and unseals it, creates group `bench` with `customers` customers and an API
/// key for a service allowed `scopes` in that group.
pub async fn start(
    label: &'static str,
    bin: &Path,
    dir: &Path,
    certs: &tls::DevCertificate,
    customers: usize,
    scopes: &[&str],
    store: Option<&str>,
) -> Result<Server> {
    let data = dir.join(label);
    std::fs::create_dir_all(&data)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let config = data.join("server.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\n{}",
            data.join("vault").display(),
            certs.cert.display(),
            certs.key.display(),
            store.map_or_else(String::new, |url| format!("store = \"{url}\"\n"))
        ),
    )?;
    let log = std::fs::File::create(data.join("server.log"))?;
    let child = Command::new(bin)
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .env_remove("SEKRETESS_STORE")
        .env_remove("SEKRETESS_LOG_LEVEL")
        .env_remove("SEKRETESS_LOG_FORMAT")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let proc = Proc(child);
    let addr = format!("https://127.0.0.1:{port}");
    let anon =
        Client::new(&ClientConfig { addr: addr.clone(), ca_cert: Some(certs.ca_cert.clone()), token: None })?;
    let mut up = false;
    for _ in 0..600 {
        if anon.seal_status().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::ensure!(up, "the {label} server did not come up (see {})", data.join("server.log").display());
    let init = anon.init(1, 1).await?;
    anon.unseal(&init.shares[0]).await?;
    let connect = |token: &str| {
        Client::new(&ClientConfig {
            addr: addr.clone(),
            ca_cert: Some(certs.ca_cert.clone()),
            token: Some(Zeroizing::new(token.to_owned())),
        })
    };
    let admin = connect(&init.bootstrap_token)?;
    admin.create_group("bench").await?;
    let mut codes = Vec::with_capacity(customers);
    for s in (0..customers).step_by(BATCH) {
        let items = (s..(s + BATCH).min(customers)).map(|i| BatchItem { fields: fields(i) }).collect();
        let r = admin.create_customers(&CreateCustomers { group: "bench".into(), customers: items }).await?;
        codes.extend(r.results.into_iter().filter_map(|r| r.code));
    }
    anyhow::ensure!(codes.len() == customers, "populating the {label} server failed");
    // The load runs as a service would: its own key, allowed `scopes` in one group.
    let key = admin
        .create_api_key(&CreateApiKey {
            name: format!("bench-{label}"),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            groups: vec!["bench".into()],
        })
        .await?;
    let client = connect(&key.token)?;
    Ok(Server { label, proc, client, token: Zeroizing::new(key.token.clone()), addr, codes: Arc::new(codes) })
}
