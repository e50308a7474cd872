//! Gets, two builds side by side: masked customer gets by code over HTTPS against two real
//! `sekretess serve` processes (a baseline binary and a new one), each on its own SQLite
//! data folder with the same customers, in alternating rounds of the same load, in one run.
//!
//! ```sh
//! cargo build --release -p sekretess-cli -p sekretess-bench-server
//! target/release/gets --base /path/to/base/sekretess --new target/release/sekretess \
//!   [--seconds 5] [--rounds 5] [--connections 64] [--customers 5000]
//! ```
//!
//! Both servers run with the same config file (production mode, the default log level
//! `info`, the log on stderr written to a file, as a service manager would keep it), and
//! the load uses a service's own API key (`customers:read`, group `bench`). For each round
//! and server: gets/s, p50/p99, and the server process's CPU time and context switches per
//! get (from `/proc/PID/stat` and `/proc/PID/task/*/status`); the end prints the medians
//! and the ratio new/base.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use sekretess_bench_server::served::{Server, counters, start};
use sekretess_bench_server::{drive, runtime};
use sekretess_core::{Clock, SystemClock};
use sekretess_server::tls;

/// One round of gets against `s`: (gets/s, p50 ms, p99 ms, CPU µs/get, switches/get).
async fn round(s: &Server, conns: usize, seconds: f64) -> Result<[f64; 5]> {
    let pid = s.proc.0.id();
    let (cpu0, sw0) = counters(pid)?;
    let (cl, cs) = (s.client.clone(), Arc::clone(&s.codes));
    let st = drive(conns, seconds, move |_, i| {
        let (cl, cs) = (cl.clone(), Arc::clone(&cs));
        async move {
            let c = cl.get_customer(&cs[i % cs.len()]).await?;
            anyhow::ensure!(!c.fields.is_empty(), "a get answered no fields");
            Ok(())
        }
    })
    .await?;
    let (cpu1, sw1) = counters(pid)?;
    let n = st.ops.max(1) as f64;
    Ok([st.rate(1), st.pct(0.5), st.pct(0.99), (cpu1 - cpu0) / n * 1e6, (sw1 - sw0) as f64 / n])
}

fn median(v: &[[f64; 5]], k: usize) -> f64 {
    let mut x: Vec<f64> = v.iter().map(|r| r[k]).collect();
    x.sort_by(f64::total_cmp);
    x[x.len() / 2]
}

fn main() -> Result<()> {
    let (mut base, mut new) = (None, None);
    let (mut seconds, mut rounds, mut conns, mut customers) = (5.0f64, 5usize, 64usize, 5000usize);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut v = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--base" => base = Some(PathBuf::from(v()?)),
            "--new" => new = Some(PathBuf::from(v()?)),
            "--seconds" => seconds = v()?.parse()?,
            "--rounds" => rounds = v()?.parse()?,
            "--connections" => conns = v()?.parse()?,
            "--customers" => customers = v()?.parse()?,
            other => bail!("unknown argument {other}"),
        }
    }
    let (Some(base), Some(new)) = (base, new) else {
        bail!("usage: gets --base BIN --new BIN [--seconds S] [--rounds N] [--connections C] [--customers N]")
    };
    let rt = runtime("load")?;
    let dir = tempfile::tempdir()?;
    let certs = tls::generate_dev_certificate(&dir.path().join("tls"), SystemClock.now())?;
    rt.block_on(async {
        let servers = [
            start("base", &base, dir.path(), &certs, customers, &["customers:read"], None).await?,
            start("new", &new, dir.path(), &certs, customers, &["customers:read"], None).await?,
        ];
        println!(
            "Masked customer gets by code, {conns} connections, {seconds} s per round, {rounds} alternating rounds, {customers} customers per server.\n"
        );
        println!("| round | build | gets/s | p50 ms | p99 ms | server CPU us/get | ctx switches/get |");
        println!("|---|---|---|---|---|---|---|");
        let mut results: [Vec<[f64; 5]>; 2] = [Vec::new(), Vec::new()];
        // Warm-up: one short round each, not counted.
        for s in &servers {
            round(s, conns, seconds.min(2.0)).await?;
        }
        for r in 0..rounds {
            // Alternate which build goes first.
            let order = if r % 2 == 0 { [0, 1] } else { [1, 0] };
            for k in order {
                let s = &servers[k];
                let x = round(s, conns, seconds).await?;
                println!(
                    "| {} | {} | {:.0} | {:.2} | {:.2} | {:.1} | {:.2} |",
                    r + 1,
                    s.label,
                    x[0],
                    x[1],
                    x[2],
                    x[3],
                    x[4]
                );
                results[k].push(x);
            }
        }
        println!();
        for (k, s) in servers.iter().enumerate() {
            let v = &results[k];
            println!(
                "| median | {} | {:.0} | {:.2} | {:.2} | {:.1} | {:.2} |",
                s.label,
                median(v, 0),
                median(v, 1),
                median(v, 2),
                median(v, 3),
                median(v, 4)
            );
        }
        let ratios: Vec<f64> = results[1].iter().zip(&results[0]).map(|(n, b)| n[0] / b[0]).collect();
        let mut sorted = ratios.clone();
        sorted.sort_by(f64::total_cmp);
        println!(
            "\nGets/s new / base: median of the per-round ratios {:.2} (rounds: {}); CPU per get new / base {:.2}.",
            sorted[sorted.len() / 2],
            ratios.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>().join(", "),
            median(&results[1], 3) / median(&results[0], 3)
        );
        Ok::<_, anyhow::Error>(())
    })
}
