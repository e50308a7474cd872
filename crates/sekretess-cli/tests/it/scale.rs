//! Several `sekretess serve` processes on one PostgreSQL control database, with two group
//! databases: concurrent writes readable from both, `kill -9` under write load loses
//! nothing acknowledged, the audit chain verifies, and a group whose database server is
//! stopped answers 503 while the other keeps serving. The second group's server is reached
//! through a loopback TCP proxy that the test stops.
//!
//! Skipped (with a printed line) when SEKRETESS_TEST_POSTGRES_URL is unset; `.ci/run` sets it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use sekretess_client::{Client, ClientConfig, ClientError};
use sekretess_core::audit::{AuditContext, Verdict};
use sekretess_core::{Schema, SystemClock, Vault};
use sekretess_store::PgStore;
use sqlx::Connection;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use zeroize::Zeroizing;

pub(crate) const POSTGRES_URL_VAR: &str = "SEKRETESS_TEST_POSTGRES_URL";

/// A loopback TCP proxy to `target`; stopping it closes the listener and every connection.
struct Proxy {
    port: u16,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut on_stop = stopped.clone();
            let mut conns = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    _ = on_stop.changed() => break,
                    accepted = listener.accept() => {
                        let Ok((mut client, _)) = accepted else { continue };
                        let target = target.clone();
                        let mut on_stop = stopped.clone();
                        conns.spawn(async move {
                            let Ok(mut server) = TcpStream::connect(&target).await else { return };
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                                _ = on_stop.changed() => {}
                            }
                        });
                    }
                }
            }
            while conns.join_next().await.is_some() {}
        });
        Proxy { port, stop, task }
    }

    async fn stop(self) {
        self.stop.send(true).unwrap();
        self.task.await.unwrap();
    }
}

/// The URL of `database` on the server of `admin` (optionally through `port` on loopback).
pub(crate) fn url_of(admin: &str, database: &str, port: Option<u16>) -> String {
    let mut url = url::Url::parse(admin).unwrap();
    url.set_path(&format!("/{database}"));
    url.set_query(None);
    if let Some(p) = port {
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(p)).unwrap();
    }
    url.to_string()
}

pub(crate) struct Server {
    child: Option<Child>,
    pub(crate) config: PathBuf,
    pub(crate) addr: String,
}

impl Server {
    pub(crate) fn spawn(config: &Path, port: u16) -> Server {
        let child = Command::new(env!("CARGO_BIN_EXE_sekretess"))
            .env_remove("SEKRETESS_STORE")
            .env_remove("SEKRETESS_DATA")
            .arg("--config")
            .arg(config)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Server { child: Some(child), config: config.to_owned(), addr: format!("https://127.0.0.1:{port}") }
    }

    pub(crate) fn kill9(&mut self) {
        let mut child = self.child.take().unwrap();
        assert!(Command::new("kill").args(["-KILL", &child.id().to_string()]).status().unwrap().success());
        let _ = child.wait();
    }

    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub(crate) fn client(addr: &str, ca: &Path, token: Option<&str>) -> Client {
    Client::new(&ClientConfig {
        addr: addr.to_owned(),
        ca_cert: Some(ca.to_owned()),
        token: token.map(|t| Zeroizing::new(t.to_owned())),
    })
    .unwrap()
}

/// Waits until the server answers (a guard against a hang, not a timed assertion).
pub(crate) async fn wait_up(c: &Client) {
    for _ in 0..600 {
        if c.seal_status().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up");
}

fn person(tag: &str, i: usize) -> Vec<(String, String)> {
    // Names take letters only.
    let letters: String = format!("{i:04}").bytes().map(|b| (b'a' + (b - b'0')) as char).collect();
    vec![
        ("full_name".to_owned(), format!("Anna {tag}{letters}")),
        ("email".to_owned(), format!("{tag}{i}@example.com")),
    ]
}

async fn create(c: &Client, group: &str, fields: &[(String, String)]) -> Result<String, ClientError> {
    c.create_customer(group, fields.iter().cloned().collect::<BTreeMap<_, _>>()).await.map(|r| r.code)
}

async fn check_readable(c: &Client, acked: &[(String, Vec<(String, String)>)]) {
    for (code, fields) in acked {
        let ask = sekretess_api::people::RevealRequest {
            fields: fields.iter().map(|(k, _)| k.clone()).collect(),
            purpose: Some("customer_request".to_owned()),
        };
        let got = match c.reveal(code, &ask).await {
            Ok(got) => got.fields,
            Err(e) => panic!("acknowledged {code} unreadable: {e}"),
        };
        for (k, v) in fields {
            assert_eq!(got.get(k).map(String::as_str), Some(v.as_str()), "{code} field {k}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_postgres() {
    let Ok(admin) = std::env::var(POSTGRES_URL_VAR) else {
        // Straight to stderr, so the harness does not capture it.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "scale::two_servers_on_postgres skipped: set {POSTGRES_URL_VAR} to run it (see README)"
        );
        return;
    };
    let base = format!("sek_cli_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {base}")).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let server = url::Url::parse(&admin).unwrap();
    let target = format!("{}:{}", server.host_str().unwrap(), server.port().unwrap_or(5432));
    let proxy = Proxy::start(target).await;

    let dir = tempfile::tempdir().unwrap();
    let certs = sekretess_server::tls::generate_dev_certificate(&dir.path().join("tls"), {
        use sekretess_core::Clock;
        SystemClock.now()
    })
    .unwrap();
    let ca = certs.ca_cert.clone();
    let control = url_of(&admin, &base, None);
    let mut servers = Vec::new();
    for n in 0..2 {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let config = dir.path().join(format!("server{n}.toml"));
        std::fs::write(
            &config,
            format!(
                "[server]\nlisten = \"127.0.0.1:{port}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\n\
                 store = \"{control}\"\npg_max_connections = 4\npg_acquire_timeout_seconds = 2\n\
                 [server.rate_limits]\nreveals_per_minute = 0\n\
                 [server.group_placement]\nalpha = \"{}\"\nbeta = \"{}\"\n",
                certs.cert.display(),
                certs.key.display(),
                url_of(&admin, &format!("{base}_alpha"), None),
                url_of(&admin, &format!("{base}_beta"), Some(proxy.port)),
            ),
        )
        .unwrap();
        servers.push(Server::spawn(&config, port));
    }
    let anon: Vec<Client> = servers.iter().map(|s| client(&s.addr, &ca, None)).collect();
    for c in &anon {
        wait_up(c).await;
    }

    // Initialized once; each process is unsealed on its own.
    let init = anon[0].init(2, 3).await.unwrap();
    let token = init.bootstrap_token.clone();
    let shares = init.shares.clone();
    let c: Vec<Client> = servers.iter().map(|s| client(&s.addr, &ca, Some(&token))).collect();
    assert!(anon[1].seal_status().await.unwrap().sealed, "the second process is still sealed");
    for s in &shares[..2] {
        anon[0].unseal(s).await.unwrap();
    }
    // Process list: one unsealed, one sealed (the list reads the control database).
    let mut seen = false;
    for _ in 0..200 {
        let p = c[0].processes().await.unwrap().processes;
        if p.len() == 2 && p.iter().filter(|p| !p.sealed).count() == 1 {
            assert!(p.iter().any(|p| p.this_process && !p.sealed));
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(seen, "the process list never showed one sealed and one unsealed process");
    for s in &shares[1..] {
        anon[1].unseal(s).await.unwrap();
    }
    let mut both = false;
    for _ in 0..200 {
        let p = c[1].processes().await.unwrap().processes;
        if p.len() == 2 && p.iter().all(|p| !p.sealed && !p.stale) {
            both = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(both, "the process list never showed both processes unsealed");
    // `sekretess status` shows them too.
    let status = Command::new(env!("CARGO_BIN_EXE_sekretess"))
        .args(["status", "--json"])
        .env("SEKRETESS_ADDR", &servers[0].addr)
        .env("SEKRETESS_CACERT", &ca)
        .env("SEKRETESS_TOKEN", &token)
        .env_remove("SEKRETESS_CONFIG")
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["processes"].as_array().unwrap().len(), 2);

    c[0].create_group("alpha").await.unwrap();
    c[1].create_group("beta").await.unwrap();

    // Concurrent writes through both processes into both groups.
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..4usize {
        let c = c[w % 2].clone();
        tasks.spawn(async move {
            let mut acked = Vec::new();
            for i in 0..15 {
                let group = if (w + i) % 2 == 0 { "alpha" } else { "beta" };
                let fields = person(&format!("w{}", ["a", "b", "c", "d"][w]), i);
                let code = create(&c, group, &fields).await.unwrap();
                acked.push((code, fields));
            }
            acked
        });
    }
    let mut acked = Vec::new();
    while let Some(done) = tasks.join_next().await {
        acked.extend(done.unwrap());
    }
    assert_eq!(acked.len(), 60);
    check_readable(&c[0], &acked).await;
    check_readable(&c[1], &acked).await;

    // kill -9 the second process under write load; nothing acknowledged is lost.
    let (count_tx, mut count_rx) = watch::channel(0usize);
    let writer = {
        let c = c[1].clone();
        tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..10_000usize {
                let group = if i % 2 == 0 { "alpha" } else { "beta" };
                let fields = person("kill", i);
                match create(&c, group, &fields).await {
                    Ok(code) => {
                        acked.push((code, fields));
                        let _ = count_tx.send(acked.len());
                    }
                    Err(_) => break,
                }
            }
            acked
        })
    };
    let also = {
        let c = c[0].clone();
        tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..20usize {
                let fields = person("other", i);
                acked.push((create(&c, "alpha", &fields).await.unwrap(), fields));
            }
            acked
        })
    };
    while *count_rx.borrow() < 10 {
        count_rx.changed().await.unwrap();
    }
    servers[1].kill9();
    let killed = writer.await.unwrap();
    assert!(killed.len() >= 10);
    acked.extend(killed);
    acked.extend(also.await.unwrap());
    let port = servers[1].addr.rsplit(':').next().unwrap().parse().unwrap();
    let config = servers[1].config.clone();
    servers[1] = Server::spawn(&config, port);
    wait_up(&anon[1]).await;
    for s in &shares[..2] {
        anon[1].unseal(s).await.unwrap();
    }
    check_readable(&c[1], &acked).await;
    check_readable(&c[0], &acked).await;

    // The beta group's database server goes away: 503 for its customers, alpha serves on.
    let beta = acked.iter().find(|(_, f)| f[1].1.starts_with("wb")).unwrap().0.clone();
    let alpha = acked.iter().find(|(_, f)| f[1].1.starts_with("wa")).unwrap().0.clone();
    proxy.stop().await;
    for cl in &c {
        match cl.get_customer(&beta).await {
            Err(ClientError::Api(p)) => {
                assert_eq!(p.status, 503, "{p:?}");
                assert_eq!(p.kind(), "store-unavailable");
            }
            other => panic!("expected 503 for a customer of the stopped group, got {other:?}"),
        }
        cl.get_customer(&alpha).await.unwrap();
        create(cl, "alpha", &person("after", 1)).await.unwrap();
    }
    match create(&c[0], "beta", &person("after", 2)).await {
        Err(ClientError::Api(p)) => assert_eq!(p.status, 503),
        other => panic!("expected 503 for a write to the stopped group, got {other:?}"),
    }

    // The audit chain, written by both processes, is one chain that verifies.
    for s in servers.iter_mut() {
        s.stop();
    }
    let store = PgStore::open(&control).await.unwrap();
    let vault = Vault::open(store.clone(), Arc::new(SystemClock), Schema::default_schema()).await.unwrap();
    for s in &shares[..2] {
        vault.submit_share(&AuditContext::system(), s).await.unwrap();
    }
    match vault.audit_verify(None).await.unwrap() {
        Verdict::Intact { .. } => {}
        other => panic!("the audit chain does not verify: {other:?}"),
    }
    // The auditors' command verifies the same chain from the PostgreSQL control database.
    let key = vault.audit_verification_key(&AuditContext::system()).await.unwrap();
    let key_file = dir.path().join("audit.key");
    std::fs::write(&key_file, key.to_text().as_bytes()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sekretess"))
        .args(["audit", "verify", "--store", &control, "--key-file", key_file.to_str().unwrap()])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("audit chain intact"), "{said}");
    drop(vault);
    store.close().await;

    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    for db in [format!("{base}_alpha"), format!("{base}_beta"), base.clone()] {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).execute(&mut conn).await;
    }
    conn.close().await.unwrap();
}

/// SQLite: the one process registers itself and `sekretess status` lists it
/// once unsealed; without a token only the seal status is shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_process_registry() {
    let dir = tempfile::tempdir().unwrap();
    let certs = sekretess_server::tls::generate_dev_certificate(&dir.path().join("tls"), {
        use sekretess_core::Clock;
        SystemClock.now()
    })
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = dir.path().join("server.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\n",
            dir.path().join("data").display(),
            certs.cert.display(),
            certs.key.display()
        ),
    )
    .unwrap();
    let mut server = Server::spawn(&config, port);
    let anon = client(&server.addr, &certs.ca_cert, None);
    wait_up(&anon).await;
    let init = anon.init(1, 1).await.unwrap();
    let c = client(&server.addr, &certs.ca_cert, Some(&init.bootstrap_token));
    // Sealed means sealed: the list is closed until this process is unsealed.
    match c.processes().await {
        Err(ClientError::Api(p)) => assert_eq!(p.kind(), "sealed"),
        other => panic!("expected 503 sealed, got {other:?}"),
    }
    anon.unseal(&init.shares[0]).await.unwrap();
    let p = c.processes().await.unwrap().processes;
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(!p[0].sealed && p[0].this_process && p[0].pid > 0);

    let status = |token: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sekretess"));
        cmd.args(["status", "--json"])
            .env("SEKRETESS_ADDR", &server.addr)
            .env("SEKRETESS_CACERT", &certs.ca_cert)
            .env_remove("SEKRETESS_CONFIG")
            .env_remove("SEKRETESS_TOKEN");
        if let Some(t) = token {
            cmd.env("SEKRETESS_TOKEN", t);
        }
        let o = cmd.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let with = status(Some(&init.bootstrap_token));
    assert_eq!(with["processes"][0]["sealed"], false);
    assert_eq!(with["processes"].as_array().unwrap().len(), 1);
    let without = status(None);
    assert!(without.get("processes").is_none());
    assert_eq!(without["sealed"], false);
    // The route needs a key.
    match anon.processes().await {
        Err(ClientError::Api(p)) => assert_eq!(p.status, 401),
        other => panic!("expected 401, got {other:?}"),
    }
    server.stop();
}

/// A database password on the command line is refused before anything starts.
#[test]
fn store_password_in_argv_is_refused() {
    let o = Command::new(env!("CARGO_BIN_EXE_sekretess"))
        .env_remove("SEKRETESS_CONFIG")
        .env_remove("SEKRETESS_STORE")
        .args(["serve", "--store", "postgres://sek:hunter2@127.0.0.1:1/sek"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("PGPASSWORD"), "{err}");
    assert!(!err.contains("hunter2"));
}

/// RFC 4648 base32 without padding (the TOTP secret `employee enrol` prints).
fn base32(text: &str) -> Vec<u8> {
    let (mut bits, mut acc, mut out) = (0u32, 0u64, Vec::new());
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => continue,
        };
        acc = (acc << 5) | u64::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Runs the `sekretess` binary against `addr` with `stdin` as its input, as an employee
/// whose session lives under `home`.
fn cli(addr: &str, ca: &Path, home: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sekretess"))
        .args(args)
        .env("SEKRETESS_ADDR", addr)
        .env("SEKRETESS_CACERT", ca)
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("SEKRETESS_TOKEN")
        .env_remove("SEKRETESS_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// Employees on PostgreSQL, end to end through the CLI: init hands out the first officer's
/// enrolment, the officer enrols and logs in through one process, and the session works
/// on the other process sharing the control database; the bootstrap key then retires.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn employee_login_flow_on_postgres() {
    let Ok(admin) = std::env::var(POSTGRES_URL_VAR) else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "scale::employee_login_flow_on_postgres skipped: set {POSTGRES_URL_VAR} to run it (see README)"
        );
        return;
    };
    let base = format!("sek_cli_people_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {base}")).execute(&mut conn).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let certs = sekretess_server::tls::generate_dev_certificate(&dir.path().join("tls"), {
        use sekretess_core::Clock;
        SystemClock.now()
    })
    .unwrap();
    let ca = certs.ca_cert.clone();
    let mut servers = Vec::new();
    for n in 0..2 {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let config = dir.path().join(format!("people{n}.toml"));
        std::fs::write(
            &config,
            format!(
                "[server]\nlisten = \"127.0.0.1:{port}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\nstore = \"{}\"\n",
                certs.cert.display(),
                certs.key.display(),
                url_of(&admin, &base, None),
            ),
        )
        .unwrap();
        servers.push(Server::spawn(&config, port));
    }
    let anon: Vec<Client> = servers.iter().map(|s| client(&s.addr, &ca, None)).collect();
    for c in &anon {
        wait_up(c).await;
    }
    let init = anon[0].init(2, 3).await.unwrap();
    let code = init.officer_enrolment_code.clone().expect("init on PostgreSQL enrols the first officer");
    for c in &anon {
        for s in &init.shares[..2] {
            c.unseal(s).await.unwrap();
        }
    }
    assert!(anon[0].seal_status().await.unwrap().bootstrap_key_live);

    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let password = "violet kettle drums at dawn";
    let enrolled =
        cli(&servers[0].addr, &ca, &home, &["employee", "enrol"], &format!("{code}\n{password}\n"));
    assert!(enrolled.status.success(), "{}", String::from_utf8_lossy(&enrolled.stderr));
    let out = String::from_utf8(enrolled.stdout).unwrap();
    let secret = out.lines().find_map(|l| l.strip_prefix("secret: ")).expect("the TOTP secret is printed");
    let now = {
        use sekretess_core::Clock;
        SystemClock.now() as u64
    };
    let totp = sekretess_crypto::totp::code_at(&base32(secret), "SHA1", 6, now).unwrap();
    let login =
        cli(&servers[0].addr, &ca, &home, &["login", "--login", "officer"], &format!("{password}\n{totp}\n"));
    assert!(login.status.success(), "{}", String::from_utf8_lossy(&login.stderr));

    // The session, kept under HOME, works on the other process too.
    let listed = cli(&servers[1].addr, &ca, &home, &["employee", "list"], "");
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(listed.lines().any(|l| l.contains("officer") && l.contains("active")), "{listed}");
    // With an officer enrolled, init's bootstrap key is retired on every process.
    for s in &servers {
        let c = client(&s.addr, &ca, Some(&init.bootstrap_token));
        match c.list_groups().await {
            Err(ClientError::Api(p)) => assert_eq!(p.kind(), "bootstrap-key-retired"),
            other => panic!("the bootstrap key still works: {other:?}"),
        }
    }
    assert!(!anon[1].seal_status().await.unwrap().bootstrap_key_live);
    let logout = cli(&servers[1].addr, &ca, &home, &["logout"], "");
    assert!(logout.status.success(), "{}", String::from_utf8_lossy(&logout.stderr));

    for mut s in servers {
        s.stop();
    }
    sqlx::query(&format!("DROP DATABASE {base} WITH (FORCE)")).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}
