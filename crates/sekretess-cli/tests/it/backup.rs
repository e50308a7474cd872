//! Backups and restores, end to end: `sekretess serve` (production mode, SQLite or
//! PostgreSQL), `sekretess backup …` and `sekretess restore`, driven as an operator would.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sekretess_client::{Client, ClientConfig};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sekretess"));
    for var in [
        "SEKRETESS_ADDR",
        "SEKRETESS_CACERT",
        "SEKRETESS_TOKEN",
        "SEKRETESS_CONFIG",
        "SEKRETESS_DATA",
        "SEKRETESS_STORE",
        "SEKRETESS_BACKUP_RECIPIENTS",
    ] {
        c.env_remove(var);
    }
    c
}

/// A `sekretess serve` process on a config file of its own.
struct Server {
    child: Child,
    addr: String,
    ca: PathBuf,
    token: String,
}

impl Server {
    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        use std::io::Write;
        let mut child = bin()
            .args(args)
            .env("SEKRETESS_ADDR", &self.addr)
            .env("SEKRETESS_CACERT", &self.ca)
            .env("SEKRETESS_TOKEN", &self.token)
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(text) = stdin {
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        }
        child.wait_with_output().unwrap()
    }

    fn client(&self) -> Client {
        Client::new(&ClientConfig {
            addr: self.addr.clone(),
            ca_cert: Some(self.ca.clone()),
            token: Some(zeroize::Zeroizing::new(self.token.clone())),
        })
        .unwrap()
    }

    fn stop(mut self) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        assert!(self.child.wait().unwrap().success(), "graceful shutdown exits 0");
    }
}

/// Starts a server on `store` (`sqlite` with `data`, or a postgres:// URL) with backups
/// encrypted to `recipient`; waits (a guard against a hang) until it answers.
fn start(dir: &Path, name: &str, data: &Path, store: &str, recipient: &str, token: &str) -> Server {
    use sekretess_core::Clock;
    let certs = sekretess_server::tls::generate_dev_certificate(
        &dir.join(format!("tls-{name}")),
        sekretess_core::SystemClock.now(),
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = dir.join(format!("{name}.toml"));
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\nstore = \"{store}\"\ntls_cert = \"{}\"\n\
             tls_key = \"{}\"\nlog_format = \"json\"\n\n[server.backup]\nrecipients = [\"{recipient}\"]\n\
             [server.rate_limits]\nreveals_per_minute = 0\n",
            data.display(),
            certs.cert.display(),
            certs.key.display()
        ),
    )
    .unwrap();
    let child = bin()
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        addr: format!("https://127.0.0.1:{port}"),
        ca: certs.ca_cert.clone(),
        token: token.into(),
    };
    for _ in 0..1200 {
        if matches!(server.run(&["status"], None).status.code(), Some(0 | 1)) {
            return server;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut child = server.child;
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not come up");
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// `sekretess backup keygen --out-file`: (identity file, recipient).
fn keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    let o = bin().args(["backup", "keygen", "--out-file"]).arg(&path).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let recipient = String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("recipient: ").map(str::to_owned))
        .unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    (path, recipient)
}

/// Initializes 2-of-3 and unseals; returns the shares and the bootstrap token.
fn init(server: &mut Server) -> Vec<String> {
    let init = server.run(&["init", "--threshold", "2", "--shares", "3", "--json"], None);
    assert_eq!(init.status.code(), Some(0), "{}", text(&init));
    let init: serde_json::Value = serde_json::from_slice(&init.stdout).unwrap();
    server.token = init["bootstrap_token"].as_str().unwrap().to_owned();
    let shares: Vec<String> =
        init["shares"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect();
    unseal(server, &shares);
    shares
}

fn unseal(server: &Server, shares: &[String]) {
    server.run(&["unseal"], Some(&format!("{}\n", shares[0])));
    let o = server.run(&["unseal"], Some(&format!("{}\n", shares[2])));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

/// Fixture customers whose values appear nowhere else (made up, valid by the schema).
fn fixture(i: usize) -> BTreeMap<String, String> {
    let names =
        ["Ingrid Vesterlund", "Torbjörn Kallqvist", "Maja Östberg", "Henrik Fahlgren", "Saga Lindqvarn"];
    BTreeMap::from([
        ("full_name".to_owned(), format!("{} {i}", names[i % names.len()])),
        ("email".to_owned(), format!("fixture.person{i}@kundexempel.se")),
        ("notes".to_owned(), format!("Fixture note number {i} about the loan")),
    ])
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn restore(args: &[&str]) -> Output {
    bin().arg("restore").args(args).output().unwrap()
}

/// Nothing of a refused restore is left: neither the target nor a temporary folder.
fn assert_nothing_written(parent: &Path, target: &str) {
    let left: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(target))
        .collect();
    assert!(left.is_empty(), "a refused restore left {left:?}");
}

fn contains(hay: &[u8], needle: &str) -> bool {
    memchr::memmem::find(hay, needle.as_bytes()).is_some()
}

/// A customer whose creation was acknowledged: code and fields.
type Acked = (String, BTreeMap<String, String>);

#[test]
fn backup_under_write_load_then_restore_keeps_every_acknowledged_write_and_every_erasure() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (identity, recipient) = keygen(dir, "locked-room.key");
    let (wrong_identity, _) = keygen(dir, "other.key");
    let mut a = start(dir, "a", &dir.join("data-a"), "sqlite", &recipient, "");
    let shares = init(&mut a);
    let token = a.token.clone();
    let rt = rt();
    let client = Arc::new(a.client());
    rt.block_on(client.create_group("retail")).unwrap();
    let mut fixtures = BTreeMap::new();
    for i in 0..30 {
        let code = rt.block_on(client.create_customer("retail", fixture(i))).unwrap().code;
        fixtures.insert(code, fixture(i));
    }

    // A write load runs while the backup is taken.
    let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let (client, acked, stop) = (Arc::clone(&client), Arc::clone(&acked), Arc::clone(&stop));
        rt.spawn(async move {
            let mut i = 1000;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let fields = fixture(i);
                if let Ok(c) = client.create_customer("retail", fields.clone()).await {
                    acked.lock().unwrap().push((c.code, fields));
                }
                i += 1;
            }
        })
    };
    while acked.lock().unwrap().len() < 20 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let before_backup: Vec<Acked> = acked.lock().unwrap().clone();
    let file = dir.join("vault.age");
    let o = a.run(&["backup", "create", "--out", file.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    rt.block_on(load).unwrap();

    // Erased after the backup: the journal carries it.
    let (erased, _) = fixtures.iter().next().map(|(c, f)| (c.clone(), f.clone())).unwrap();
    rt.block_on(client.erase_customer(&erased)).unwrap();
    let journal = dir.join("erasures.json");
    let o = a.run(&["backup", "erasures", "--out", journal.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    a.stop();

    let o = bin().args(["backup", "verify"]).arg(&file).arg("--identity").arg(&identity).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let customers_in_manifest: u64 = String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.trim().strip_prefix("customers: ").map(|n| n.parse().unwrap()))
        .unwrap();

    // Neither the file nor its decrypted payload holds a value or a share.
    let bytes = std::fs::read(&file).unwrap();
    let id = sekretess_crypto::backup::BackupIdentity::parse(&std::fs::read_to_string(&identity).unwrap())
        .unwrap();
    let mut inner = Vec::new();
    sekretess_crypto::backup::open(&id, &bytes[..]).unwrap().read_to_end(&mut inner).unwrap();
    assert!(contains(&inner, "{\"manifest\":"), "the payload decrypted");
    for (code, fields) in fixtures.iter().chain(before_backup.iter().map(|(c, f)| (c, f))) {
        assert!(contains(&inner, &code.replace('-', "")), "the payload holds every customer's code");
        for value in fields.values() {
            assert!(!contains(&bytes, value) && !contains(&inner, value), "a value in the backup");
        }
    }
    for share in &shares {
        assert!(!contains(&bytes, share) && !contains(&inner, share), "a share in the backup");
        let body = share.rsplit(':').next().unwrap();
        assert!(!contains(&inner, body), "a share's body in the backup");
    }

    // Refused without writing anything: a flipped byte anywhere, a cut-off file, a wrong
    // identity, a non-empty target, no journal.
    let id_arg = identity.to_str().unwrap();
    let journal_arg = journal.to_str().unwrap();
    for (n, at) in
        [20, 200, bytes.len() / 3, bytes.len() / 2, bytes.len() - 20, bytes.len() - 1].iter().enumerate()
    {
        let mut bad = bytes.clone();
        bad[*at] ^= 0x01;
        let path = dir.join(format!("flipped-{n}.age"));
        std::fs::write(&path, &bad).unwrap();
        let target = format!("restore-flip-{n}");
        let o = restore(&[
            "--from",
            path.to_str().unwrap(),
            "--identity",
            id_arg,
            "--erasures",
            journal_arg,
            "--data",
            dir.join(&target).to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "a flipped byte at {at} was accepted");
        assert_nothing_written(dir, &target);
    }
    let cut = dir.join("cut.age");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let o = restore(&[
        "--from",
        cut.to_str().unwrap(),
        "--identity",
        id_arg,
        "--erasures",
        journal_arg,
        "--data",
        dir.join("restore-cut").to_str().unwrap(),
    ]);
    assert!(!o.status.success() && text(&o).contains("cut short"), "{}", text(&o));
    assert_nothing_written(dir, "restore-cut");
    let o = restore(&[
        "--from",
        file.to_str().unwrap(),
        "--identity",
        wrong_identity.to_str().unwrap(),
        "--erasures",
        journal_arg,
        "--data",
        dir.join("restore-wrong").to_str().unwrap(),
    ]);
    assert!(!o.status.success() && text(&o).contains("wrong identity"), "{}", text(&o));
    assert_nothing_written(dir, "restore-wrong");
    std::fs::create_dir(dir.join("restore-busy")).unwrap();
    std::fs::write(dir.join("restore-busy/x"), b"x").unwrap();
    let o = restore(&[
        "--from",
        file.to_str().unwrap(),
        "--identity",
        id_arg,
        "--erasures",
        journal_arg,
        "--data",
        dir.join("restore-busy").to_str().unwrap(),
    ]);
    assert!(!o.status.success() && text(&o).contains("not empty"), "{}", text(&o));
    let o = restore(&[
        "--from",
        file.to_str().unwrap(),
        "--identity",
        id_arg,
        "--data",
        dir.join("restore-nojournal").to_str().unwrap(),
    ]);
    assert!(!o.status.success() && text(&o).contains("missing"), "{}", text(&o));
    assert_nothing_written(dir, "restore-nojournal");

    // The restore.
    let target = dir.join("data-b");
    let o = restore(&[
        "--from",
        file.to_str().unwrap(),
        "--identity",
        id_arg,
        "--erasures",
        journal_arg,
        "--data",
        target.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let (rows, erased_row) = rt.block_on(async {
        use sqlx::Connection;
        let mut files = vec![target.join("control.db")];
        for e in std::fs::read_dir(target.join("groups")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "db") {
                files.push(p);
            }
        }
        let mut rows = 0i64;
        let mut erased_row = 0i64;
        for f in files {
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", f.display())).await.unwrap();
            let (ok,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&mut c).await.unwrap();
            assert_eq!(ok, "ok", "{}", f.display());
            if f.ends_with("control.db") {
                continue;
            }
            let (n,): (i64,) =
                sqlx::query_as("SELECT count(*) FROM customers").fetch_one(&mut c).await.unwrap();
            rows += n;
            let (e,): (i64,) = sqlx::query_as("SELECT count(*) FROM customers WHERE code = ?")
                .bind(erased.replace('-', ""))
                .fetch_one(&mut c)
                .await
                .unwrap();
            erased_row += e;
        }
        (rows, erased_row)
    });
    assert_eq!(erased_row, 0, "the erased customer's record (and data key) was written back");
    assert_eq!(rows as u64, customers_in_manifest - 1, "every customer of the manifest but the erased one");

    // The restored vault starts sealed and opens with the original shares.
    let b = start(dir, "b", &target, "sqlite", &recipient, &token);
    assert_eq!(b.run(&["status"], None).status.code(), Some(1), "sealed");
    unseal(&b, &shares);
    let cb = b.client();
    for (code, fields) in fixtures.iter().chain(before_backup.iter().map(|(c, f)| (c, f))) {
        if *code == erased {
            assert!(rt.block_on(cb.get_customer(code)).is_err(), "the erased customer came back");
            continue;
        }
        assert_eq!(&rt.block_on(plain(&cb, code)), fields, "{code}");
    }
    let v = rt.block_on(cb.audit_verify()).unwrap();
    assert_eq!(v.status, "intact", "{v:?}");
    b.stop();
}

/// SQLite -> PostgreSQL -> SQLite: the same customers, field by field, through the API.
#[test]
fn sqlite_to_postgres_to_sqlite_round_trip_keeps_every_customer() {
    let Ok(admin) = std::env::var("SEKRETESS_TEST_POSTGRES_URL") else {
        if std::env::var_os("CI").is_some() {
            panic!("SEKRETESS_TEST_POSTGRES_URL is not set under CI");
        }
        println!("skipped: SEKRETESS_TEST_POSTGRES_URL is not set");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (identity, recipient) = keygen(dir, "locked-room.key");
    let id_arg = identity.to_str().unwrap().to_owned();
    let rt = rt();
    let database = format!("sek_backup_{}", std::process::id());
    let pg_url = {
        let mut u = url::Url::parse(&admin).unwrap();
        u.set_path(&format!("/{database}"));
        u.to_string()
    };
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            .execute(&mut c)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {database}")).execute(&mut c).await.unwrap();
    });

    let mut a = start(dir, "a", &dir.join("data-a"), "sqlite", &recipient, "");
    let shares = init(&mut a);
    let token = a.token.clone();
    let ca = a.client();
    let mut originals = BTreeMap::new();
    rt.block_on(async {
        for group in ["retail", "private"] {
            ca.create_group(group).await.unwrap();
            for i in 0..15 {
                let fields = fixture(i + if group == "retail" { 0 } else { 100 });
                let code = ca.create_customer(group, fields).await.unwrap().code;
                let view = ca.get_customer(&code).await.unwrap();
                originals.insert(code.clone(), (view, plain(&ca, &code).await));
            }
        }
    });
    let first = dir.join("first.age");
    let o = a.run(&["backup", "create", "--out", first.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    a.stop();

    let o = restore(&[
        "--from",
        first.to_str().unwrap(),
        "--identity",
        &id_arg,
        "--no-erasures-since",
        "--store",
        &pg_url,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let pg = start(dir, "pg", &dir.join("unused"), &pg_url, &recipient, &token);
    unseal(&pg, &shares);
    let second = dir.join("second.age");
    let o = pg.run(&["backup", "create", "--out", second.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    pg.stop();

    let target = dir.join("data-c");
    let o = restore(&[
        "--from",
        second.to_str().unwrap(),
        "--identity",
        &id_arg,
        "--no-erasures-since",
        "--data",
        target.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let c = start(dir, "c", &target, "sqlite", &recipient, &token);
    unseal(&c, &shares);
    let cc = c.client();
    rt.block_on(async {
        for (code, (want, want_plain)) in &originals {
            let got = cc.get_customer(code).await.unwrap();
            assert_eq!(got.fields, want.fields, "{code}");
            assert_eq!(&plain(&cc, code).await, want_plain, "{code}");
            assert_eq!(
                (&got.group, got.created_at, got.updated_at),
                (&want.group, want.created_at, want.updated_at)
            );
        }
        let v = cc.audit_verify().await.unwrap();
        assert_eq!(v.status, "intact", "{v:?}");
        // The restored vault takes writes (ids, codes and indexes continue).
        cc.create_customer("retail", fixture(500)).await.unwrap();
    });
    c.stop();
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
        let _ =
            sqlx::query(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")).execute(&mut c).await;
    });
}

/// Every field of a customer in plain, through a reveal (the bootstrap key may reveal).
async fn plain(c: &Client, code: &str) -> BTreeMap<String, String> {
    const FIELDS: [&str; 9] = [
        "full_name",
        "email",
        "phone",
        "postal_address",
        "birth_date",
        "national_id",
        "card_number",
        "iban",
        "notes",
    ];
    let ask = sekretess_api::people::RevealRequest {
        fields: FIELDS.iter().map(|f| (*f).to_owned()).collect(),
        purpose: Some("customer_request".to_owned()),
    };
    match c.reveal(code, &ask).await {
        Ok(r) => r.fields,
        Err(e) => panic!("{code} unreadable: {e}"),
    }
}
