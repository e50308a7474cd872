//! Cost of one audit append (a group-commit round) on the SQLite store, alone:
//! `cargo run --release -p sekretess-bench-vault --bin audit_append -- [ENTRIES] [ROUNDS]`.
#![forbid(unsafe_code)]

use std::time::Instant;

use anyhow::Result;
use sekretess_bench_vault::process_cpu_seconds;
use sekretess_core::audit::{AuditStore, Entry, Outcome};
use sekretess_store::SqliteStore;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let per_round: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(28);
    let rounds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3000);
    let dir = std::path::Path::new("/var/tmp/sekretess-audit-append");
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let store = SqliteStore::open(dir).await?;
    let entry = |seq| Entry {
        seq,
        time: 1_795_000_000,
        actor: "apikey:bench-0123456789".into(),
        action: "customer.read".into(),
        group: Some("bench".into()),
        customer: Some("K7Q4M92DJ3X8".into()),
        fields: vec!["full_name".into(), "email".into(), "phone".into(), "national_id".into()],
        purpose: None,
        outcome: Outcome::Success,
        request_id: Some("01JD0Q8V6Z3N4XK2W5R7T9M1B3".into()),
        origin: Some("127.0.0.1".into()),
        mac: [7; 32],
    };
    let mut seq = 0;
    let (t, cpu) = (Instant::now(), process_cpu_seconds()?);
    for _ in 0..rounds {
        let entries: Vec<Entry> = (seq + 1..=seq + per_round).map(entry).collect();
        store.audit_append(seq, &entries).await?;
        seq += per_round;
    }
    let (wall, cpu) = (t.elapsed().as_secs_f64(), process_cpu_seconds()? - cpu);
    println!(
        "{rounds} appends of {per_round} entries: wall {:.0} us, CPU {:.0} us per append ({:.1} us CPU per entry)",
        wall / rounds as f64 * 1e6,
        cpu / rounds as f64 * 1e6,
        cpu / (rounds * per_round) as f64 * 1e6
    );
    Ok(())
}
