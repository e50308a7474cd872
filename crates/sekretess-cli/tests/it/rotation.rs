//! `sekretess group rotate-key`, `rekey` and `rotate-audit-key` against a real server, and
//! `audit verify` with a key file of several audit key epochs.

use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use sekretess_core::audit::AuditContext;
use sekretess_core::{Clock, Schema, SystemClock, Vault};
use sekretess_store::SqliteStore;

use super::serve::{Env, bin, out, run};

fn json(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    serde_json::from_str(&out(o)).unwrap()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

/// A production server on a free port, with the vault initialized 3 of 5 and unsealed.
fn start(dir: &std::path::Path) -> (Child, Env, Vec<String>) {
    let certs = sekretess_server::tls::generate_dev_certificate(&dir.join("tls"), SystemClock.now()).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = dir.join("sekretess.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\n",
            dir.join("data").display(),
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
    let mut env = Env {
        addr: format!("https://127.0.0.1:{port}"),
        ca: certs.ca_cert.display().to_string(),
        token: String::new(),
    };
    // A guard against a hang, not a timed assertion.
    for _ in 0..1200 {
        if run(&env, &["status"], None).status.code() == Some(1) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let init = json(&run(&env, &["init", "--threshold", "3", "--shares", "5", "--json"], None));
    let shares = strings(&init["shares"]);
    env.token = init["bootstrap_token"].as_str().unwrap().to_owned();
    let unsealed = run(&env, &["unseal"], Some(&format!("{}\n{}\n{}\n", shares[0], shares[1], shares[2])));
    assert_eq!(unsealed.status.code(), Some(0), "{unsealed:?}");
    (child, env, shares)
}

#[test]
fn rotate_key_rekey_and_rotate_audit_key_commands() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, env, old) = start(dir.path());
    assert_eq!(run(&env, &["group", "create", "retail"], None).status.code(), Some(0));
    let added =
        run(&env, &["customer", "add", "--group", "retail"], Some(r#"{"full_name": "Ada Lovelace"}"#));
    assert_eq!(added.status.code(), Some(0), "{added:?}");
    let code = out(&added);

    let g = json(&run(&env, &["group", "rotate-key", "retail", "--json"], None));
    assert_eq!(g["kek_version"], 2);
    assert_eq!(g["kek_versions"], serde_json::json!([1, 2]));

    // Rekey from 3-of-5 to 2-of-3, the current shares from files (never argv).
    let files: Vec<String> = old[1..4]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = dir.path().join(format!("share{i}"));
            std::fs::write(&p, s).unwrap();
            p.display().to_string()
        })
        .collect();
    let mut args = vec!["rekey", "--threshold", "2", "--shares", "3", "--json"];
    for f in &files {
        args.extend(["--share-file", f.as_str()]);
    }
    let rekeyed = run(&env, &args, None);
    let new = strings(&json(&rekeyed)["shares"]);
    assert_eq!(new.len(), 3);
    assert!(String::from_utf8_lossy(&rekeyed.stderr).contains("Rekey complete"), "{rekeyed:?}");
    let s = json(&run(&env, &["status", "--json"], None));
    assert_eq!((s["threshold"].as_u64(), s["share_count"].as_u64()), (Some(2), Some(3)));

    let audit = run(&env, &["rotate-audit-key"], None);
    assert!(out(&audit).contains("epoch 2"), "{audit:?}");

    assert_eq!(run(&env, &["seal"], None).status.code(), Some(0));
    // An old share is refused (exit 3: a problem document), two new ones unseal.
    assert_eq!(run(&env, &["unseal"], Some(&format!("{}\n", old[0]))).status.code(), Some(3));
    assert_eq!(run(&env, &["unseal"], Some(&format!("{}\n{}\n", new[2], new[0]))).status.code(), Some(0));
    let shown = run(
        &env,
        &["customer", "get", &code, "--reveal", "full_name", "--purpose", "customer_request"],
        None,
    );
    assert!(out(&shown).contains("Ada Lovelace"), "{shown:?}");

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    child.wait().unwrap();
}

#[tokio::test]
async fn audit_verify_reads_a_key_file_of_several_epochs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let ctx = AuditContext { actor: "apikey:cli-test".into(), ..Default::default() };
    let vault =
        Vault::open(SqliteStore::open(&data).await.unwrap(), Arc::new(SystemClock), Schema::default_schema())
            .await
            .unwrap();
    let init = vault.init(&ctx, 1, 1).await.unwrap();
    vault.submit_share(&ctx, &init.shares[0].to_text()).await.unwrap();
    let first = vault.audit_verification_key(&ctx).await.unwrap();
    vault.create_group(&ctx, "retail").await.unwrap();
    assert_eq!(vault.rotate_audit_key(&ctx).await.unwrap(), 1);
    vault.create_group(&ctx, "other").await.unwrap();
    let all = vault.audit_verification_key(&ctx).await.unwrap();
    let (d, full, old) = (data.to_str().unwrap(), dir.path().join("all.key"), dir.path().join("first.key"));
    std::fs::write(&full, all.to_text().as_bytes()).unwrap();
    std::fs::write(&old, first.to_text().as_bytes()).unwrap();

    let ok =
        bin().args(["audit", "verify", "--data", d, "--key-file", full.to_str().unwrap()]).output().unwrap();
    assert!(ok.status.success() && out(&ok).contains("audit chain intact"), "{ok:?}");
    let partial =
        bin().args(["audit", "verify", "--data", d, "--key-file", old.to_str().unwrap()]).output().unwrap();
    assert_eq!(partial.status.code(), Some(1), "{partial:?}");
    assert!(out(&partial).contains("epoch"), "{partial:?}");
}
