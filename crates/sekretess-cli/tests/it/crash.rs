//! Crash safety, proven by killing (issue 21 item 8): `sekretess serve` runs a concurrent
//! create, update and erase load and is killed with SIGKILL at a random moment, round after
//! round. After each restart every write the client saw acknowledged is there with the
//! right value (an update in flight at the kill may have landed or not, nothing else), every
//! acknowledged erasure stays erased, `PRAGMA integrity_check` is ok on every SQLite file,
//! and the audit chain verifies. The same on PostgreSQL (the server process is killed, not
//! PostgreSQL; runs when SEKRETESS_TEST_POSTGRES_URL is set).
//!
//! Rounds: `SEKRETESS_CRASH_ROUNDS` (default 5, as in `.ci/run`; the figure in
//! docs/benchmarks.md is from 50). Loopback only; each round is bounded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sekretess_api::UpdateCustomer;
use sekretess_api::people::RevealRequest;
use sekretess_client::{Client, ClientError};
use sqlx::Connection;

use super::scale::{POSTGRES_URL_VAR, Server, client, url_of, wait_up};

/// What the client knows of one customer.
#[derive(Debug, Clone, Default)]
struct Known {
    /// The e-mail of the last acknowledged create or update.
    email: String,
    /// An update sent but not answered when the server died: it may have landed.
    pending: Option<String>,
    erased: bool,
    /// An erasure sent but not answered.
    erasing: bool,
}

type Ledger = Arc<Mutex<BTreeMap<String, Known>>>;

/// A small deterministic generator (xorshift), seeded per run and printed, so a failing
/// round can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn rounds() -> usize {
    std::env::var("SEKRETESS_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5)
}

fn port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One worker: creates, updates and erases until the server stops answering.
async fn worker(c: Client, ledger: Ledger, seed: u64, tag: String) {
    let mut rng = Rng(seed | 1);
    for i in 0.. {
        // Choose an operation and claim its customer under one lock, so no two writes of
        // one customer are ever in flight together (their answers could cross).
        let roll = rng.below(10);
        let email = format!("{tag}u{i}@example.com");
        let pick = {
            let mut l = ledger.lock().unwrap();
            let idle: Vec<String> = l
                .iter()
                .filter(|(_, k)| !k.erased && !k.erasing && k.pending.is_none())
                .map(|(c, _)| c.clone())
                .collect();
            let code =
                (!idle.is_empty() && roll < 4).then(|| idle[rng.below(idle.len() as u64) as usize].clone());
            if let Some(code) = &code {
                let k = l.get_mut(code).unwrap();
                if roll < 3 { k.pending = Some(email.clone()) } else { k.erasing = true }
            }
            code
        };
        match pick {
            Some(code) if roll < 3 => {
                let change = BTreeMap::from([("email".to_owned(), Some(email.clone()))]);
                match c.update_customer(&code, &UpdateCustomer { fields: change }).await {
                    Ok(()) => {
                        let mut l = ledger.lock().unwrap();
                        let k = l.get_mut(&code).unwrap();
                        k.email = email;
                        k.pending = None;
                    }
                    Err(ClientError::Api(p)) if p.status < 500 => {
                        ledger.lock().unwrap().get_mut(&code).unwrap().pending = None;
                    }
                    Err(_) => return,
                }
            }
            Some(code) => match c.erase_customer(&code).await {
                Ok(()) => {
                    let mut l = ledger.lock().unwrap();
                    let k = l.get_mut(&code).unwrap();
                    k.erased = true;
                    k.erasing = false;
                }
                Err(ClientError::Api(p)) if p.status < 500 => {
                    ledger.lock().unwrap().get_mut(&code).unwrap().erasing = false;
                }
                Err(_) => return,
            },
            _ => {
                let email = format!("{tag}c{i}@example.com");
                let fields = BTreeMap::from([
                    ("full_name".to_owned(), "Anna Crash".to_owned()),
                    ("email".to_owned(), email.clone()),
                ]);
                match c.create_customer("retail", fields).await {
                    Ok(created) => {
                        ledger.lock().unwrap().insert(created.code, Known { email, ..Known::default() });
                    }
                    Err(ClientError::Api(p)) if p.status < 500 => {}
                    Err(_) => return,
                }
            }
        }
    }
}

/// Every acknowledged write is there, with the right value.
async fn check(c: &Client, ledger: &Ledger) -> usize {
    let known: Vec<(String, Known)> =
        ledger.lock().unwrap().iter().map(|(c, k)| (c.clone(), k.clone())).collect();
    let ask = RevealRequest { fields: vec!["email".into()], purpose: Some("customer_request".into()) };
    for (code, k) in &known {
        match c.reveal(code, &ask).await {
            Ok(got) => {
                assert!(!k.erased, "{code}: erased (acknowledged) but readable after the kill");
                let email = got.fields.get("email").cloned().unwrap_or_default();
                let ok = email == k.email || k.pending.as_deref() == Some(email.as_str());
                assert!(ok, "{code}: e-mail is neither the acknowledged one nor the one in flight");
            }
            Err(ClientError::Api(p)) if p.status == 410 => {
                assert!(k.erased || k.erasing, "{code}: acknowledged and never erased, but reads as erased");
            }
            Err(e) => panic!("{code}: acknowledged but unreadable after the kill: {e}"),
        }
    }
    // Writes in flight at the kill have landed or not, for good: read which, so the next
    // round expects exactly that.
    for (code, _) in known.iter().filter(|(_, k)| k.erasing || k.pending.is_some()) {
        let got = c.reveal(code, &ask).await;
        let mut l = ledger.lock().unwrap();
        let entry = l.get_mut(code).unwrap();
        match got {
            Ok(got) => {
                if let Some(email) = got.fields.get("email") {
                    entry.email = email.clone();
                }
            }
            Err(ClientError::Api(p)) if p.status == 410 => entry.erased = true,
            Err(e) => panic!("{code}: unreadable after the kill: {e}"),
        }
        entry.erasing = false;
        entry.pending = None;
    }
    known.len()
}

async fn integrity_ok(data: &Path) {
    let mut files = vec![];
    for e in std::fs::read_dir(data).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "db") {
            files.push(p);
        }
    }
    assert!(!files.is_empty());
    for f in files {
        let url = format!("sqlite://{}", f.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let (verdict,): (String,) =
            sqlx::query_as("PRAGMA integrity_check").fetch_one(&mut conn).await.unwrap();
        assert_eq!(verdict, "ok", "{}", f.display());
        conn.close().await.unwrap();
    }
}

/// The harness reads every customer back after each kill: reveals unlimited.
const NO_REVEAL_LIMIT: &str = "[server.rate_limits]\nreveals_per_minute = 0\n";

/// Runs the rounds against the server `config` describes (`data`: its SQLite folder).
async fn kill_rounds(config: &Path, port: u16, ca: &Path, data: Option<&Path>) {
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64;
    eprintln!("crash rounds: seed {seed}");
    let mut rng = Rng(seed | 1);
    let mut server = Server::spawn(config, port);
    let anon = client(&server.addr, ca, None);
    wait_up(&anon).await;
    let init = anon.init(1, 1).await.unwrap();
    let share = init.shares[0].clone();
    anon.unseal(&share).await.unwrap();
    let c = client(&server.addr, ca, Some(&init.bootstrap_token));
    c.create_group("retail").await.unwrap();
    let ledger: Ledger = Arc::default();
    let mut checked = 0;
    for round in 0..rounds() {
        let mut tasks = tokio::task::JoinSet::new();
        for w in 0..4u64 {
            tasks.spawn(worker(c.clone(), ledger.clone(), rng.next() ^ w, format!("r{round}w{w}")));
        }
        // Kill at a random moment of the load.
        tokio::time::sleep(Duration::from_millis(100 + rng.below(400))).await;
        server.kill9();
        while tasks.join_next().await.is_some() {}
        if let Some(d) = data {
            integrity_ok(d).await;
        }
        server = Server::spawn(config, port);
        wait_up(&anon).await;
        anon.unseal(&share).await.unwrap();
        checked = check(&c, &ledger).await;
        let v = c.audit_verify().await.unwrap();
        assert_eq!(v.status, "intact", "round {round}: {}", v.detail);
    }
    let erased = ledger.lock().unwrap().values().filter(|k| k.erased).count();
    eprintln!("crash rounds: {} rounds, {checked} customers checked ({erased} erased), 0 lost", rounds());
    assert!(checked > 0);
    server.stop();
}

/// Concurrent creators in a burst: each has one create in flight at a time.
const BURST_WORKERS: u64 = 64;

/// One creator of a burst: single creates until the server stops answering.
async fn creator(c: Client, acked: Ledger, tag: String) {
    for i in 0.. {
        let email = format!("{tag}n{i}@example.com");
        let fields = BTreeMap::from([
            ("full_name".to_owned(), "Bea Burst".to_owned()),
            ("email".to_owned(), email.clone()),
        ]);
        match c.create_customer("retail", fields).await {
            Ok(created) => {
                acked.lock().unwrap().insert(created.code, Known { email, ..Known::default() });
            }
            Err(ClientError::Api(p)) if p.status < 500 => panic!("a valid create was refused: {}", p.kind()),
            Err(_) => return,
        }
    }
}

/// Every entry of the audit log with this action.
async fn entries(c: &Client, action: &str) -> Vec<sekretess_api::audit::AuditEntry> {
    let mut all = Vec::new();
    let mut from = Some(1);
    while let Some(seq) = from {
        let q = sekretess_api::audit::AuditQuery {
            from_seq: Some(seq),
            limit: Some(1000),
            action: Some(action.into()),
            ..Default::default()
        };
        let page = c.audit(&q).await.unwrap();
        all.extend(page.entries);
        from = page.next_seq;
    }
    all
}

/// Every creation attempt on record is a customer that is there, or a recorded failure,
/// or a create in flight at a kill (never answered 201); every acknowledged create is on
/// record. Returns how many attempts were in flight at the kills, unresolved as yet.
async fn audit_matches(c: &Client, acked: &Ledger) -> usize {
    let mut failed = Vec::new();
    let mut succeeded = Vec::new();
    for m in entries(c, "customer.create.commit").await {
        let r = m.fields.iter().find_map(|f| f.strip_prefix("attempt-seq:")).unwrap();
        let (a, b) = r.split_once('-').unwrap();
        let range = (a.parse::<u64>().unwrap(), b.parse::<u64>().unwrap());
        if m.outcome == "failed" { failed.push(range) } else { succeeded.push(range) }
    }
    let covered = |ranges: &[(u64, u64)], seq: u64| ranges.iter().any(|&(a, b)| a <= seq && seq <= b);
    // The log carries codes as every answer does (with their dashes).
    let acked: BTreeMap<String, Known> = acked.lock().unwrap().clone();
    let mut on_record = std::collections::BTreeSet::new();
    let mut in_flight = 0;
    let ask = RevealRequest { fields: vec!["email".into()], purpose: Some("customer_request".into()) };
    for e in entries(c, "customer.create").await {
        assert_eq!(e.outcome, "attempted", "seq {}: a creation is recorded as an attempt", e.seq);
        let code = e.customer.clone().unwrap();
        on_record.insert(code.clone());
        if acked.contains_key(&code) {
            continue; // readable: `check` read it
        }
        match c.reveal(&code, &ask).await {
            Ok(_) => assert!(!covered(&failed, e.seq), "{code}: written, but its attempt is marked failed"),
            Err(ClientError::Api(p)) if p.status == 404 => {
                assert!(!covered(&succeeded, e.seq), "{code}: marked written, but not there");
                if !covered(&failed, e.seq) {
                    in_flight += 1;
                }
            }
            Err(e) => panic!("{code}: {e}"),
        }
    }
    for code in acked.keys() {
        assert!(on_record.contains(code), "{code}: answered 201 without its creation on record");
    }
    in_flight
}

/// Issue 22: SIGKILL in the middle of a burst of concurrent single creates (which share
/// rounds of commits), round after round: every create answered 201 is readable after the
/// restart, and the audit log matches (see [`audit_matches`]).
async fn burst_kill_rounds(config: &Path, port: u16, ca: &Path, data: Option<&Path>) {
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64;
    eprintln!("burst kill rounds: seed {seed}");
    let mut rng = Rng(seed | 1);
    let mut server = Server::spawn(config, port);
    let anon = client(&server.addr, ca, None);
    wait_up(&anon).await;
    let init = anon.init(1, 1).await.unwrap();
    let share = init.shares[0].clone();
    anon.unseal(&share).await.unwrap();
    let c = client(&server.addr, ca, Some(&init.bootstrap_token));
    c.create_group("retail").await.unwrap();
    let acked: Ledger = Arc::default();
    let mut in_flight = 0;
    for round in 0..rounds() {
        let mut tasks = tokio::task::JoinSet::new();
        for w in 0..BURST_WORKERS {
            tasks.spawn(creator(c.clone(), acked.clone(), format!("r{round}w{w}")));
        }
        tokio::time::sleep(Duration::from_millis(100 + rng.below(400))).await;
        server.kill9();
        while let Some(done) = tasks.join_next().await {
            done.unwrap(); // a creator's panic is a failure
        }
        if let Some(d) = data {
            integrity_ok(d).await;
        }
        server = Server::spawn(config, port);
        wait_up(&anon).await;
        anon.unseal(&share).await.unwrap();
        check(&c, &acked).await;
        in_flight = audit_matches(&c, &acked).await;
        // At most one create per creator was in flight at each kill.
        assert!(
            in_flight as u64 <= BURST_WORKERS * (round as u64 + 1),
            "{in_flight} attempts unaccounted for"
        );
        let v = c.audit_verify().await.unwrap();
        assert_eq!(v.status, "intact", "round {round}: {}", v.detail);
    }
    let n = acked.lock().unwrap().len();
    eprintln!(
        "burst kill rounds: {} rounds, {n} acknowledged creates readable, {in_flight} in flight at the kills",
        rounds()
    );
    assert!(n > 0);
    server.stop();
}

/// A development CA and server certificate in `dir/tls`: (certificate, key, CA).
pub(crate) fn certs(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use sekretess_core::Clock;
    let c =
        sekretess_server::tls::generate_dev_certificate(&dir.join("tls"), sekretess_core::SystemClock.now())
            .unwrap();
    (c.cert, c.key, c.ca_cert)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_under_load_loses_nothing_acknowledged_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca) = certs(dir.path());
    let data = dir.path().join("data");
    let port = port();
    let config = dir.path().join("server.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\n{NO_REVEAL_LIMIT}",
            data.display(),
            cert.display(),
            key.display()
        ),
    )
    .unwrap();
    kill_rounds(&config, port, &ca, Some(&data)).await;
}

/// Which kill rounds to run.
#[derive(Clone, Copy)]
enum Load {
    /// Creates, updates and erases ([`kill_rounds`]).
    Mixed,
    /// Bursts of single creates ([`burst_kill_rounds`]).
    Burst,
}

/// Runs `load`'s kill rounds on a fresh PostgreSQL database (dropped afterwards), or says
/// why not.
async fn on_postgres(load: Load, name: &str) {
    let Ok(admin) = std::env::var(POSTGRES_URL_VAR) else {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "crash::{name} skipped: set {POSTGRES_URL_VAR} to run it");
        return;
    };
    let base = format!("sek_{name}_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {base}")).execute(&mut conn).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca) = certs(dir.path());
    let port = port();
    let config = dir.path().join("server.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:{port}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\nstore = \"{}\"\n{NO_REVEAL_LIMIT}",
            cert.display(),
            key.display(),
            url_of(&admin, &base, None)
        ),
    )
    .unwrap();
    match load {
        Load::Mixed => kill_rounds(&config, port, &ca, None).await,
        Load::Burst => burst_kill_rounds(&config, port, &ca, None).await,
    }
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {base} WITH (FORCE)")).execute(&mut conn).await;
    conn.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_under_load_loses_nothing_acknowledged_postgres() {
    on_postgres(Load::Mixed, "crash").await;
}

fn sqlite_config(dir: &Path, port: u16) -> (PathBuf, PathBuf, PathBuf) {
    let (cert, key, ca) = certs(dir);
    let data = dir.join("data");
    let config = dir.join("server.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\n{NO_REVEAL_LIMIT}",
            data.display(),
            cert.display(),
            key.display()
        ),
    )
    .unwrap();
    (config, ca, data)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_during_a_burst_of_single_creates_loses_nothing_acknowledged_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let port = port();
    let (config, ca, data) = sqlite_config(dir.path(), port);
    burst_kill_rounds(&config, port, &ca, Some(&data)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_during_a_burst_of_single_creates_loses_nothing_acknowledged_postgres() {
    on_postgres(Load::Burst, "burst").await;
}
