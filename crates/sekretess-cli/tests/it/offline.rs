//! Restricted values held offline (issue 24), end to end through the binary: the offline
//! key made by `offline keygen`, a restricted field added by `schema add-field`, a value
//! that never appears in plain in the data folder (WAL included), the server's log, a
//! backup or any answer, yet is found by its exact value; `offline export` and
//! `offline reveal` inside a network namespace with no interfaces (`unshare -n`), which
//! refuses a bundle changed by one byte.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::serve::{Env, bin, out, run, stop};

const TAX_ID: &str = "811228-9874";
/// Every form the value could be written in.
const FORMS: [&str; 4] = ["811228-9874", "8112289874", "19811228-9874", "198112289874"];

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn holds_value(bytes: &[u8]) -> bool {
    FORMS.iter().any(|f| memchr::memmem::find(bytes, f.as_bytes()).is_some())
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut all = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { all.extend(files(&p)) } else { all.push(p) }
    }
    all
}

/// A dev server with the offline key's and a backup key's public halves, its log to `log`.
fn start(data: &Path, log: &Path, offline: &str, backup: &str) -> (Child, Env) {
    let mut child = bin()
        .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .env("SEKRETESS_OFFLINE_RECIPIENT", offline)
        .env("SEKRETESS_BACKUP_RECIPIENTS", backup)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let creds = data.join("dev-credentials.json");
    for _ in 0..1200 {
        if let Ok(text) = std::fs::read_to_string(&creds)
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
        {
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

/// Whether `unshare -n` works here (root, or user namespaces); without it the reveal part
/// is skipped with a printed line, unless CI is set.
fn unshare_works() -> bool {
    let ok = Command::new("unshare").args(["-n", "true"]).status().is_ok_and(|s| s.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "unshare -n is needed in CI (util-linux, root)");
        println!("skipped: unshare -n is not available here (needs root or user namespaces)");
    }
    ok
}

fn reveal_cmd(netns: bool, bundle: &Path, key: &Path, log: &Path) -> std::process::Output {
    let exe = env!("CARGO_BIN_EXE_sekretess");
    let mut c = if netns {
        let mut c = Command::new("unshare");
        c.args(["-n", exe]);
        c
    } else {
        Command::new(exe)
    };
    c.args(["offline", "reveal"]).arg(bundle).arg("--identity").arg(key).arg("--log").arg(log);
    for var in ["SEKRETESS_ADDR", "SEKRETESS_CACERT", "SEKRETESS_TOKEN", "SEKRETESS_CONFIG"] {
        c.env_remove(var);
    }
    c.output().unwrap()
}

#[test]
fn restricted_values_stay_offline_and_reveal_works_without_a_network() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = d.join("offline.key");
    let kg = bin().args(["offline", "keygen", "--out"]).arg(&key).output().unwrap();
    assert!(kg.status.success(), "{kg:?}");
    let recipient = out(&kg);
    assert!(recipient.starts_with("age1"), "{recipient}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    let backup_key = d.join("backup.key");
    let bk = bin().args(["backup", "keygen", "--out-file"]).arg(&backup_key).output().unwrap();
    let backup_recipient =
        out(&bk).lines().find_map(|l| l.strip_prefix("recipient: ").map(str::to_owned)).unwrap();

    let data = d.join("dev");
    let server_log = d.join("server.log");
    let (child, env) = start(&data, &server_log, &recipient, &backup_recipient);
    assert_eq!(run(&env, &["group", "create", "retail"], None).status.code(), Some(0));
    let add_field = run(
        &env,
        &[
            "schema",
            "add-field",
            "--group",
            "retail",
            "--name",
            "tax_id",
            "--type",
            "se_personnummer",
            "--sensitivity",
            "restricted",
            "--searchable",
        ],
        None,
    );
    assert_eq!(add_field.status.code(), Some(0), "{add_field:?}");
    let shown = run(&env, &["schema", "show", "--group", "retail", "--json"], None);
    let s: serde_json::Value = serde_json::from_str(&out(&shown)).unwrap();
    assert_eq!(s["version"], 2);
    let add = run(
        &env,
        &["customer", "add", "--group", "retail"],
        Some(&format!(r#"{{"full_name": "Ada Lovelace", "tax_id": "{TAX_ID}"}}"#)),
    );
    assert_eq!(add.status.code(), Some(0), "{add:?}");
    let code = out(&add);
    // Found by the exact value, in another form.
    let found =
        run(&env, &["customer", "find", "--group", "retail", "--field", "tax_id"], Some("198112289874\n"));
    assert_eq!(out(&found), code);
    let mut answers = vec![found.stdout.clone()];
    let got = run(&env, &["customer", "get", &code, "--json"], None);
    assert!(out(&got).contains("held offline"), "{got:?}");
    answers.push(got.stdout.clone());
    let rev =
        run(&env, &["customer", "get", &code, "--reveal", "tax_id", "--purpose", "customer_request"], None);
    answers.extend([rev.stdout.clone(), rev.stderr.clone()]);

    let bundle = d.join("bundle.age");
    let export = run(
        &env,
        &[
            "offline",
            "export",
            "--group",
            "retail",
            "--customer",
            &code,
            "--purpose",
            "court order 7/2026",
            "--out",
            bundle.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(export.status.code(), Some(0), "{export:?}");
    answers.extend([export.stdout.clone(), export.stderr.clone()]);
    let backup = d.join("backup.age");
    let b = run(&env, &["backup", "create", "--out", backup.to_str().unwrap()], None);
    assert_eq!(b.status.code(), Some(0), "{b:?}");

    // Not in plain anywhere online: every file of the data folder (the WAL is there while
    // the server runs), the server's log, the backup (file and decrypted payload), the
    // bundle, and any answer.
    let live = files(&data);
    assert!(live.iter().any(|f| f.to_string_lossy().ends_with("-wal")), "{live:?}");
    let scan = |label: &str| {
        for f in files(&data) {
            assert!(!holds_value(&std::fs::read(&f).unwrap()), "{label}: value in {}", f.display());
        }
    };
    scan("running");
    assert!(answers.iter().all(|a| !holds_value(a)), "a value in an answer");
    let backup_bytes = std::fs::read(&backup).unwrap();
    let id = sekretess_crypto::backup::BackupIdentity::parse(&std::fs::read_to_string(&backup_key).unwrap())
        .unwrap();
    let mut inner = Vec::new();
    sekretess_crypto::backup::open(&id, &backup_bytes[..]).unwrap().read_to_end(&mut inner).unwrap();
    assert!(memchr::memmem::find(&inner, code.replace('-', "").as_bytes()).is_some(), "the payload opened");
    assert!(!holds_value(&backup_bytes) && !holds_value(&inner), "a value in the backup");
    let bundle_bytes = std::fs::read(&bundle).unwrap();
    assert!(!holds_value(&bundle_bytes));
    stop(child);
    scan("stopped");
    let log_text = std::fs::read(&server_log).unwrap();
    assert!(!log_text.is_empty(), "the server logged");
    assert!(!holds_value(&log_text), "a value in the server log");

    // Reveal: no network (a namespace with no interfaces), no server.
    let netns = unshare_works();
    let reveal_log = d.join("reveal.log");
    let shown = reveal_cmd(netns, &bundle, &key, &reveal_log);
    assert!(shown.status.success(), "{shown:?}");
    let line = out(&shown);
    let cols: Vec<&str> = line.split('\t').collect();
    assert_eq!(cols.len(), 3, "{line}");
    assert_eq!(cols[0].replace('-', ""), code.replace('-', ""));
    assert_eq!(cols[1], "tax_id");
    assert!(
        digits(TAX_ID).ends_with(&digits(cols[2])) || digits(cols[2]).ends_with(&digits(TAX_ID)),
        "{line}"
    );
    let logged = std::fs::read_to_string(&reveal_log).unwrap();
    assert_eq!(logged.lines().count(), 1);
    let entry: serde_json::Value = serde_json::from_str(logged.trim()).unwrap();
    assert_eq!(entry["purpose"], "court order 7/2026");
    assert_eq!(entry["customers"][0]["fields"][0], "tax_id");
    assert!(!holds_value(logged.as_bytes()), "the reveal log names, never shows");

    // One changed byte anywhere (here: the header, the middle, the last byte) is refused:
    // nothing shown, nothing logged.
    for at in [30, bundle_bytes.len() / 2, bundle_bytes.len() - 1] {
        let mut bad = bundle_bytes.clone();
        bad[at] ^= 0x01;
        let bad_path = d.join(format!("bad-{at}.age"));
        std::fs::write(&bad_path, &bad).unwrap();
        let refused = reveal_cmd(netns, &bad_path, &key, &reveal_log);
        assert!(!refused.status.success(), "flip at {at}");
        assert!(refused.stdout.is_empty() && !holds_value(&refused.stderr), "flip at {at}");
        assert!(String::from_utf8_lossy(&refused.stderr).contains("refused"), "{refused:?}");
    }
    assert_eq!(std::fs::read_to_string(&reveal_log).unwrap().lines().count(), 1);
}
