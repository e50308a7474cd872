//! `sekretess serve --dev` and the client commands, as the README runs them.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub(crate) struct Env {
    pub(crate) addr: String,
    pub(crate) ca: String,
    pub(crate) token: String,
}

pub(crate) fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sekretess"));
    for var in ["SEKRETESS_ADDR", "SEKRETESS_CACERT", "SEKRETESS_TOKEN", "SEKRETESS_CONFIG", "SEKRETESS_DATA"]
    {
        c.env_remove(var);
    }
    c
}

pub(crate) fn run(env: &Env, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = bin()
        .args(args)
        .env("SEKRETESS_ADDR", &env.addr)
        .env("SEKRETESS_CACERT", &env.ca)
        .env("SEKRETESS_TOKEN", &env.token)
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

pub(crate) fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// Starts a dev server and waits for its credentials file to name an address other
/// than `previous` (the wait is a guard against a hang, not a timed assertion).
pub(crate) fn start_dev(data: &Path, previous: Option<&str>) -> (Child, Env) {
    let mut child = bin()
        .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let creds = data.join("dev-credentials.json");
    for _ in 0..1200 {
        if let Ok(text) = std::fs::read_to_string(&creds)
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
            && Some(v["addr"].as_str().unwrap()) != previous
        {
            let mode = std::fs::metadata(&creds).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "dev-credentials.json must be private");
            assert!(v["share"].as_str().unwrap().starts_with("SEK1"));
            let env = Env {
                addr: v["addr"].as_str().unwrap().to_owned(),
                ca: v["ca_cert"].as_str().unwrap().to_owned(),
                token: v["token"].as_str().unwrap().to_owned(),
            };
            return (child, env);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the dev server did not write its credentials");
}

pub(crate) fn stop(mut child: Child) {
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    assert!(child.wait().unwrap().success(), "graceful shutdown exits 0");
}

#[test]
fn dev_quickstart_commands_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("dev");
    let (child, env) = start_dev(&data, None);

    let status = run(&env, &["status", "--json"], None);
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    let s: serde_json::Value = serde_json::from_str(&out(&status)).unwrap();
    assert_eq!((s["initialized"].as_bool(), s["sealed"].as_bool()), (Some(true), Some(false)));

    assert_eq!(run(&env, &["group", "create", "retail"], None).status.code(), Some(0));
    let add = run(
        &env,
        &["customer", "add", "--group", "retail"],
        Some(r#"{"full_name": "Ada Lovelace", "national_id": "670919-9530"}"#),
    );
    assert_eq!(add.status.code(), Some(0), "{add:?}");
    let code = out(&add);
    assert_eq!(code.len(), 14);

    let found = run(
        &env,
        &["customer", "find", "--group", "retail", "--field", "national_id"],
        Some("196709199530\n"),
    );
    assert_eq!(out(&found), code);
    let got = run(&env, &["customer", "get", &code, "--json"], None);
    let c: serde_json::Value = serde_json::from_str(&out(&got)).unwrap();
    // A key sees the masked view; plain values come with a reveal and a purpose.
    assert_ne!(c["fields"]["full_name"], "Ada Lovelace");
    assert!(c["masked"].as_array().unwrap().iter().any(|f| f == "full_name"));
    let shown = run(
        &env,
        &["customer", "get", &code, "--reveal", "full_name", "--purpose", "customer_request"],
        None,
    );
    assert!(out(&shown).contains("Ada Lovelace"), "{shown:?}");

    // redact --vault: the customer's mentions become the code, the file is written whole.
    let letter = "Brev till Ada Lovelace (pnr 19670919-9530), kopia Eva Lind.\n";
    let coded = run(&env, &["redact", "--vault"], Some(letter));
    assert_eq!(coded.status.code(), Some(0), "{coded:?}");
    let text = out(&coded);
    assert_eq!(text.matches(&format!("[{code}]")).count(), 2, "{text}");
    assert!(!text.contains("Lovelace") && !text.contains("9530") && !text.contains("Lind"), "{text}");
    let input = dir.path().join("letter.txt");
    std::fs::write(&input, letter).unwrap();
    let outdir = dir.path().join("coded");
    let to_file = run(
        &env,
        &[
            "redact",
            "--vault",
            "--group",
            "retail",
            input.to_str().unwrap(),
            "--out",
            outdir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(to_file.status.code(), Some(0), "{to_file:?}");
    assert_eq!(std::fs::read_to_string(outdir.join("letter.txt")).unwrap().trim(), text);
    let unknown = run(&env, &["redact", "--vault", "--group", "nope", input.to_str().unwrap()], None);
    assert_ne!(unknown.status.code(), Some(0));
    assert!(!outdir.join("nope").exists());

    // Documented exit codes: 3 refused, 6 unauthenticated, 2 input error.
    let bad_check = format!("{}{}", &code[..13], if code.ends_with('X') { 'Y' } else { 'X' });
    let refused = run(&env, &["customer", "get", &bad_check], None);
    assert_eq!(refused.status.code(), Some(3), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("code-check-failed"));
    let anon = Env { addr: env.addr.clone(), ca: env.ca.clone(), token: "sk_x".into() };
    assert_eq!(run(&anon, &["group", "list"], None).status.code(), Some(6));
    assert_eq!(run(&env, &["customer", "add", "--group", "retail"], Some("not json")).status.code(), Some(2));

    // The same through a config file, which must be private when it holds the token.
    let config = dir.path().join("sekretess.toml");
    std::fs::write(
        &config,
        format!("[client]\naddr = \"{}\"\nca_cert = \"{}\"\ntoken = \"{}\"\n", env.addr, env.ca, env.token),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let open = bin().arg("--config").arg(&config).arg("status").output().unwrap();
    assert_eq!(open.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&open.stderr).contains("chmod 600"));
    assert!(!String::from_utf8_lossy(&open.stderr).contains(&env.token));
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let private = bin().arg("--config").arg(&config).args(["group", "list", "--json"]).output().unwrap();
    assert_eq!(private.status.code(), Some(0), "{private:?}");
    assert!(out(&private).contains("retail"));

    stop(child);

    // A restart reuses the folder, unseals itself, and keeps the data.
    let (child, env2) = start_dev(&data, Some(&env.addr));
    assert_eq!(env2.token, env.token);
    let got = run(&env2, &["customer", "get", &code, "--json"], None);
    assert_eq!(got.status.code(), Some(0), "{got:?}");
    stop(child);
}

#[test]
fn import_reports_every_line_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let (child, env) = start_dev(&dir.path().join("dev"), None);
    assert_eq!(run(&env, &["group", "create", "retail"], None).status.code(), Some(0));
    // 20 customers, three to a request; line 1 is the header.
    // Line 6 repeats line 3's personnummer in another spelling; line 10 has a wrong
    // check digit (from the invalid fixtures).
    let mut csv = String::from("full_name,email,national_id\n");
    for i in 0..20 {
        let id = match i {
            1 => "670919-9530",
            4 => "196709199530",
            8 => "880320-0018",
            _ => "",
        };
        csv.push_str(&format!("Person Nummer{i},person{i}@example.com,{id}\n"));
    }
    let file = dir.path().join("people.csv");
    std::fs::write(&file, csv).unwrap();
    let import =
        run(&env, &["--json", "import", file.to_str().unwrap(), "--group", "retail", "--batch", "3"], None);
    assert_eq!(import.status.code(), Some(1), "some lines failed: {import:?}");
    let report: serde_json::Value = serde_json::from_str(&out(&import)).unwrap();
    assert_eq!((report["created"].as_u64(), report["failed"].as_u64()), (Some(18), Some(2)));
    let results = report["results"].as_array().unwrap();
    let lines: Vec<u64> = results.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, (2..=21).collect::<Vec<u64>>());
    for r in results {
        let kind = r["problem"]["type"].as_str().and_then(|t| t.strip_prefix("urn:sekretess:problem:"));
        match r["line"].as_u64().unwrap() {
            6 => assert_eq!(kind, Some("duplicate"), "{r}"),
            10 => assert_eq!(kind, Some("invalid-field"), "{r}"),
            _ => assert_eq!(r["code"].as_str().map(str::len), Some(14), "{r}"),
        }
    }
    // What the report says was created is there.
    let found = run(
        &env,
        &["customer", "find", "--group", "retail", "--field", "email"],
        Some("person19@example.com\n"),
    );
    assert_eq!(out(&found), results[19]["code"].as_str().unwrap());
    stop(child);
}

#[test]
fn dev_mode_refuses_a_non_loopback_address() {
    let dir = tempfile::tempdir().unwrap();
    let o =
        bin().args(["serve", "--dev", "--listen", "0.0.0.0:0", "--data"]).arg(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("loopback"));
}

/// Log settings are checked before anything starts; the environment beats the file.
#[test]
fn serve_refuses_unknown_log_settings() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sekretess.toml");
    let serve = |file: &str, env: &[(&str, &str)]| {
        std::fs::write(&config, file).unwrap();
        let mut cmd = bin();
        cmd.arg("--config").arg(&config).args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"]);
        cmd.arg(dir.path().join("data"));
        for var in ["SEKRETESS_LOG_LEVEL", "SEKRETESS_REQUEST_LOG_LEVEL", "SEKRETESS_LOG_FORMAT"] {
            cmd.env_remove(var);
        }
        let o = cmd.envs(env.iter().copied()).output().unwrap();
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let err = serve("[server]\nlog_level = \"loud\"\n", &[]);
    assert!(err.contains("server.log_level"), "{err}");
    let err = serve("[server]\nlog_level = \"info\"\n", &[("SEKRETESS_LOG_LEVEL", "loud")]);
    assert!(err.contains("SEKRETESS_LOG_LEVEL"), "{err}");
    // The request line is info or debug: never below warn, where it would pass as a warning.
    let err = serve("[server]\nrequest_log_level = \"warn\"\n", &[]);
    assert!(err.contains("request_log_level"), "{err}");
    let err = serve("[server]\n", &[("SEKRETESS_LOG_FORMAT", "xml")]);
    assert!(err.contains("log_format"), "{err}");
    assert!(!dir.path().join("data").exists(), "nothing started");
}

#[test]
fn production_serve_init_unseal_seal() {
    use sekretess_core::Clock;
    let dir = tempfile::tempdir().unwrap();
    let certs = sekretess_server::tls::generate_dev_certificate(
        &dir.path().join("tls"),
        sekretess_core::SystemClock.now(),
    )
    .unwrap();
    // A free port (bound and released; a clash with another process is unlikely).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = dir.path().join("sekretess.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\nlog_format = \"json\"\n",
            dir.path().join("data").display(),
            certs.cert.display(),
            certs.key.display()
        ),
    )
    .unwrap();
    let mut child = bin()
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut env = Env {
        addr: format!("https://127.0.0.1:{port}"),
        ca: certs.ca_cert.display().to_string(),
        token: String::new(),
    };
    let mut up = false;
    for _ in 0..1200 {
        if run(&env, &["status"], None).status.code() == Some(1) {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if !up {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not come up");
    }

    let init = run(&env, &["init", "--threshold", "2", "--shares", "3", "--json"], None);
    assert_eq!(init.status.code(), Some(0), "{init:?}");
    let init: serde_json::Value = serde_json::from_str(&out(&init)).unwrap();
    let shares: Vec<String> =
        init["shares"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect();
    env.token = init["bootstrap_token"].as_str().unwrap().to_owned();

    // Sealed: status says so (1), data commands get exit code 5.
    assert_eq!(run(&env, &["group", "list"], None).status.code(), Some(5));
    // One share per invocation is kept as progress; the second unseals.
    let first = run(&env, &["unseal"], Some(&format!("{}\n", shares[2])));
    assert_eq!(first.status.code(), Some(1), "{first:?}");
    assert!(out(&first).contains("1 of 2"));
    let s = run(&env, &["status", "--json"], None);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out(&s)).unwrap()["progress"], 1);
    let second = run(&env, &["unseal"], Some(&format!("{}\n", shares[0])));
    assert_eq!(second.status.code(), Some(0), "{second:?}");
    assert_eq!(run(&env, &["status"], None).status.code(), Some(0));
    assert_eq!(run(&env, &["group", "create", "retail"], None).status.code(), Some(0));
    assert_eq!(run(&env, &["seal"], None).status.code(), Some(0));
    assert_eq!(run(&env, &["status"], None).status.code(), Some(1));
    stop(child);
}

/// The soft and hard "Max core file size" of a process, from /proc/<pid>/limits.
fn core_limits(pid: &str) -> Vec<String> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits.lines().find(|l| l.starts_with("Max core file size")).unwrap().to_owned();
    line.split_whitespace().skip(4).take(2).map(str::to_owned).collect()
}

/// Issue 15, fault 4: a server started with core files allowed (as far as the hard limit
/// goes) runs with RLIMIT_CORE 0, soft and hard, before it holds any key.
#[cfg(target_os = "linux")]
#[test]
fn fault4_serving_process_cannot_write_a_core_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("dev");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -S -c "$(ulimit -H -c)"; exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_sekretess"))
        .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .env_remove("SEKRETESS_DATA")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    // The credentials file is written once the server is up (and its vault unsealed).
    let creds = data.join("dev-credentials.json");
    for _ in 0..1200 {
        if creds.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if !creds.exists() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the dev server did not start");
    }
    let ours = core_limits("self");
    let theirs = core_limits(&pid);
    stop(child);
    assert_eq!(theirs, ["0", "0"], "the server's core file limits (this test runs with {ours:?})");
}

/// `audit verify` and `audit checkpoint` ask the server by default; `audit export-key`
/// gives the key for offline checks; a tail cut off the log (here while the server was
/// down) is seen against a checkpoint kept outside the vault (issue 21 item 6).
#[test]
fn audit_verify_through_the_api_detects_a_cut_off_tail() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("dev");
    let (child, env) = start_dev(&data, None);
    assert_eq!(run(&env, &["group", "create", "retail"], None).status.code(), Some(0));
    for name in ["Ada Lovelace", "Erik Svensson"] {
        let add = run(
            &env,
            &["customer", "add", "--group", "retail"],
            Some(&format!(r#"{{"full_name": "{name}"}}"#)),
        );
        assert_eq!(add.status.code(), Some(0), "{add:?}");
    }
    let cp = run(&env, &["audit", "checkpoint"], None);
    assert_eq!(cp.status.code(), Some(0), "{cp:?}");
    let cp_file = dir.path().join("checkpoint.txt");
    std::fs::write(&cp_file, &cp.stdout).unwrap();
    let c = cp_file.to_str().unwrap();
    let intact = run(&env, &["audit", "verify", "--checkpoint", c], None);
    assert_eq!(intact.status.code(), Some(0), "{intact:?}");
    assert!(out(&intact).contains("intact"));

    // The key for offline checks: a new private file, never overwritten.
    let key_file = dir.path().join("audit.key");
    let k = key_file.to_str().unwrap();
    let exported = run(&env, &["audit", "export-key", "--out", k], None);
    assert_eq!(exported.status.code(), Some(0), "{exported:?}");
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    let key_text = std::fs::read_to_string(&key_file).unwrap();
    assert!(key_text.starts_with("sekretess-audit-key-v1"));
    assert!(!out(&exported).contains(key_text.trim()), "the key is not printed");
    assert_eq!(run(&env, &["audit", "export-key", "--out", k], None).status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), key_text);
    // A dev server keeps its vault in the folder's `vault`.
    let vault = data.join("vault");
    let d = vault.to_str().unwrap();
    let offline = run(&env, &["audit", "verify", "--data", d, "--key-file", k, "--checkpoint", c], None);
    assert_eq!(offline.status.code(), Some(0), "{offline:?}");
    stop(child);

    // Cut the newest entries off while the server is down; it starts and keeps writing.
    let db = vault.join("control.db");
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq > 4").execute(&pool).await.unwrap();
        pool.close().await;
    });
    let (child, env) = start_dev(&data, Some(&env.addr));
    let cut = run(&env, &["audit", "verify", "--checkpoint", c], None);
    assert_eq!(cut.status.code(), Some(1), "{cut:?}");
    assert!(out(&cut).contains("TRUNCATED"), "{}", out(&cut));
    // Without the checkpoint the shorter chain looks whole: that is what checkpoints are for.
    assert_eq!(run(&env, &["audit", "verify"], None).status.code(), Some(0));
    stop(child);
}
