//! `sekretess audit verify|checkpoint|export` on a real data folder.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use sekretess_core::audit::AuditContext;
use sekretess_core::{Schema, SystemClock, Vault};
use sekretess_store::SqliteStore;

fn sekretess(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sekretess")).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn sql(dir: &Path, statement: &str) {
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("control.db").display())).await.unwrap();
    sqlx::query(statement).execute(&pool).await.unwrap();
    pool.close().await;
}

#[tokio::test]
async fn verify_checkpoint_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let ctx = AuditContext { actor: "apikey:cli-test".into(), ..Default::default() };
    let vault =
        Vault::open(SqliteStore::open(&data).await.unwrap(), Arc::new(SystemClock), Schema::default_schema())
            .await
            .unwrap();
    let init = vault.init(&ctx, 1, 1).await.unwrap();
    vault.submit_share(&ctx, &init.shares[0].to_text()).await.unwrap();
    vault.create_group(&ctx, "retail").await.unwrap();
    let fields = vec![("full_name".to_owned(), "Ada Lovelace".to_owned())];
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(vault.create_customer(&ctx, "retail", &fields).await.unwrap().to_string());
    }
    let key_file = dir.path().join("audit.key");
    std::fs::write(&key_file, vault.audit_verification_key(&ctx).await.unwrap().to_text().as_bytes())
        .unwrap();
    let d = data.to_str().unwrap();
    let k = key_file.to_str().unwrap();

    // 1 init + 1 unseal + 1 group + 5 customers (each an attempt and its commit marker)
    // + 1 key export
    let ok = sekretess(&["audit", "verify", "--data", d, "--key-file", k]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("entries 1 to 15 verify"), "{}", stdout(&ok));

    let cp = sekretess(&["audit", "checkpoint", "--data", d, "--key-file", k]);
    assert!(cp.status.success());
    let cp_file = dir.path().join("checkpoint.txt");
    std::fs::write(&cp_file, &cp.stdout).unwrap();
    let c = cp_file.to_str().unwrap();

    let export = sekretess(&["audit", "export", "--data", d, "--since", "3"]);
    assert!(export.status.success());
    let lines: Vec<serde_json::Value> =
        stdout(&export).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 13);
    assert_eq!(lines[0]["seq"], 3);
    assert_eq!((&lines[0]["action"], &lines[0]["outcome"]), (&"group.create".into(), &"attempted".into()));
    assert_eq!(
        (&lines[1]["action"], &lines[1]["outcome"]),
        (&"group.create.commit".into(), &"success".into())
    );
    assert!(!stdout(&export).contains("Ada"), "a value reached the export");
    // Customer codes are written with dashes, as everywhere else.
    let exported: Vec<&str> = lines.iter().filter_map(|l| l["customer"].as_str()).collect();
    assert!(!exported.is_empty());
    assert!(exported.iter().all(|c| codes.iter().any(|k| k == c)), "{exported:?} vs {codes:?}");

    // Cut off the newest entries: the chain alone looks whole, the checkpoint says no.
    sql(&data, "DELETE FROM audit_log WHERE seq > 7").await;
    let plain = sekretess(&["audit", "verify", "--data", d, "--key-file", k]);
    assert!(plain.status.success());
    let cut = sekretess(&["audit", "verify", "--data", d, "--key-file", k, "--checkpoint", c]);
    assert_eq!(cut.status.code(), Some(1));
    assert!(stdout(&cut).contains("TRUNCATED"), "{}", stdout(&cut));

    // Edit an entry: verify names it.
    sql(&data, "UPDATE audit_log SET actor = 'apikey:someone-else' WHERE seq = 4").await;
    let broken = sekretess(&["audit", "verify", "--data", d, "--key-file", k]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stdout(&broken).contains("BROKEN at entry 4"), "{}", stdout(&broken));

    // Bad input: a wrong key file, a folder that is no vault.
    std::fs::write(&key_file, "not a key").unwrap();
    let bad = sekretess(&["audit", "verify", "--data", d, "--key-file", k]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("does not hold an audit verification key"));
    let nowhere = sekretess(&["audit", "export", "--data", dir.path().join("nope").to_str().unwrap()]);
    assert_eq!(nowhere.status.code(), Some(2));
    assert!(!dir.path().join("nope").exists(), "export created a data folder");
}
