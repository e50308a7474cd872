//! Gets and single creates over HTTPS, loaded by `wrk` (issue 22 measured this way: a load
//! generator written in C costs the shared two cores far less than our Rust client, so the
//! server's own rate shows). One real `sekretess serve` process (production mode, SQLite,
//! default log level, log on stderr to a file) with a service API key allowed
//! `customers:read` and `customers:write` in group `bench`; at 16 and 64 connections, in
//! alternating rounds: masked gets by code and single creates (`POST /v1/customers`, one
//! customer each, unique values). For each round: requests/s, p50/p99 (wrk's), non-2xx
//! answers, and the server process's CPU time and context switches per request (`/proc`)
//! and fsyncs per request (`perf stat` on the server's syscalls, when perf is allowed), and the
//! kilobytes per request it had written to storage (`write_bytes` of `/proc/PID/io`).
//!
//! ```sh
//! apt-get install wrk linux-perf    # Debian's packages
//! cargo build --release -p sekretess-cli -p sekretess-bench-server
//! target/release/wrkload --bin target/release/sekretess [--seconds 5] [--rounds 3] \
//!   [--customers 2000] [--threads 2]
//! SEKRETESS_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench target/release/wrkload …
//! ```
//!
//! With `SEKRETESS_BENCH_POSTGRES_URL` the server keeps its control database and its groups
//! in that PostgreSQL database (use a throwaway one); CPU and fsyncs are the server
//! process's, not PostgreSQL's.
//!
//! With `--profile DIR` each round also runs `perf record --call-graph dwarf -p` on the server into
//! `DIR/<operation>-<connections>-<round>.data`, for `perf report -i`.
//!
//! The API key is written into the Lua scripts in a private temporary folder, never on a
//! command line.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use sekretess_bench_server::served::{Server, counters, start, written_bytes};
use sekretess_bench_server::{count_fsyncs, runtime};
use sekretess_core::{Clock, SystemClock};
use sekretess_server::tls;

/// What every script prints at the end: requests, microseconds, p50 and p99 in µs, non-2xx
/// answers, socket errors.
const DONE: &str = r#"
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"#;

/// Each wrk thread gets its own number (`id`), so the values it creates are its own.
const THREADS: &str = r#"
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
"#;

fn gets_script(token: &str, codes: &Path) -> String {
    format!(
        r#"{THREADS}
local codes = {{}}
for line in io.lines("{codes}") do codes[#codes + 1] = line end
local n = 0
local headers = {{ ["Authorization"] = "Bearer {token}" }}
function request()
  n = n + 1
  return wrk.format("GET", "/v1/customers/" .. codes[((n * 7 + id * 101) % #codes) + 1], headers)
end
{DONE}"#,
        codes = codes.display()
    )
}

fn creates_script(token: &str, round: usize) -> String {
    format!(
        r#"{THREADS}
local n = 0
local headers = {{ ["Authorization"] = "Bearer {token}", ["Content-Type"] = "application/json" }}
-- Names refuse digits: the request's number in letters.
local function letters(i)
  local s = ""
  repeat
    s = s .. string.char(97 + i % 26)
    i = math.floor(i / 26)
  until i == 0
  return s
end
function request()
  n = n + 1
  local body = string.format('{{"group":"bench","fields":{{"full_name":"Anna W%s","email":"w{round}.%d.%d@example.com"}}}}',
    letters(n * 64 + id), id, n)
  return wrk.format("POST", "/v1/customers", headers, body)
end
{DONE}"#
    )
}

/// One wrk run: (requests/s, p50 ms, p99 ms, non-2xx, socket errors).
fn wrk(script: &Path, url: &str, threads: usize, conns: usize, seconds: u64) -> Result<[f64; 5]> {
    let out = Command::new("wrk")
        .args(["-t", &threads.to_string(), "-c", &conns.to_string(), "-d", &format!("{seconds}s")])
        .arg("-s")
        .arg(script)
        .arg(url)
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run wrk (Debian's package `wrk`)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find_map(|l| l.strip_prefix("RESULT ")).context("wrk printed no result")?;
    let v: Vec<f64> = line.split_whitespace().map(str::parse).collect::<Result<_, _>>()?;
    let [requests, micros, p50, p99, status, socket] = v[..] else { bail!("unexpected wrk result {line}") };
    Ok([requests / (micros / 1e6), p50 / 1e3, p99 / 1e3, status, socket])
}

/// Counts the server's fsync and fdatasync calls while `f` runs (`perf stat -p`), if perf
/// may trace it; `None` otherwise.
fn with_fsyncs<T>(pid: u32, log: &Path, f: impl FnOnce() -> Result<T>) -> Result<(T, Option<u64>)> {
    let perf = Command::new("perf")
        .args(["stat", "-x", ",", "-e", "syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync", "-p"])
        .arg(pid.to_string())
        .arg("-o")
        .arg(log)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    // perf needs a moment to attach to the server's threads.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let result = f();
    let fsyncs = match perf {
        Ok(mut p) => {
            // perf writes its counts on SIGINT and then exits 130.
            let _ = Command::new("kill").args(["-INT", &p.id().to_string()]).status();
            let _ = p.wait();
            let log = std::fs::read(log).unwrap_or_default();
            String::from_utf8_lossy(&log).contains("sys_enter_fsync").then(|| count_fsyncs(&log))
        }
        Err(_) => None,
    };
    Ok((result?, fsyncs))
}

/// Records the server's call stacks while `f` runs (`perf record -p`) into `out`, when
/// given; perf's own failure only loses the profile.
fn with_profile<T>(pid: u32, out: Option<PathBuf>, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let Some(out) = out else { return f() };
    let perf = Command::new("perf")
        // DWARF unwinding: release builds keep no frame pointers.
        .args(["record", "-F", "499", "--call-graph", "dwarf,16384", "-q", "-o"])
        .arg(&out)
        .arg("-p")
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let result = f();
    if let Ok(mut p) = perf {
        let _ = Command::new("kill").args(["-INT", &p.id().to_string()]).status();
        let _ = p.wait();
    }
    result
}

fn median(v: &[f64]) -> f64 {
    let mut x = v.to_vec();
    x.sort_by(f64::total_cmp);
    x.get(x.len() / 2).copied().unwrap_or(0.0)
}

const USAGE: &str =
    "usage: wrkload --bin SEKRETESS [--seconds 5] [--rounds 3] [--customers 2000] [--threads 2] [--profile DIR]
Loads a real `sekretess serve` with wrk (gets and single creates at 16 and 64 connections).
PostgreSQL instead of SQLite: SEKRETESS_BENCH_POSTGRES_URL=postgres://... in the environment.
fsyncs are counted when `perf` can trace this machine's syscalls.
--profile DIR: each round's `perf record` (DWARF call graphs) of the server in DIR/<operation>-<connections>-<round>.data.";

fn main() -> Result<()> {
    let (mut bin, mut profile) = (None, None::<PathBuf>);
    // The PostgreSQL URL comes from the environment (it may hold a password), as in `writes`.
    let store = std::env::var("SEKRETESS_BENCH_POSTGRES_URL").ok();
    let (mut seconds, mut rounds, mut customers, mut threads) = (5u64, 3usize, 2000usize, 2usize);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut v = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--bin" => bin = Some(PathBuf::from(v()?)),
            "--seconds" => seconds = v()?.parse()?,
            "--rounds" => rounds = v()?.parse()?,
            "--customers" => customers = v()?.parse()?,
            "--threads" => threads = v()?.parse()?,
            "--profile" => profile = Some(PathBuf::from(v()?)),
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    let Some(bin) = bin else { bail!("{USAGE}") };
    let rt = runtime("load")?;
    let dir = tempfile::tempdir()?;
    let certs = tls::generate_dev_certificate(&dir.path().join("tls"), SystemClock.now())?;
    let server: Server = rt.block_on(start(
        "wrk",
        &bin,
        dir.path(),
        &certs,
        customers,
        &["customers:read", "customers:write"],
        store.as_deref(),
    ))?;
    let pid = server.proc.0.id();
    let codes = dir.path().join("codes.txt");
    std::fs::write(&codes, server.codes.join("\n") + "\n")?;
    let gets = dir.path().join("gets.lua");
    std::fs::write(&gets, gets_script(&server.token, &codes))?;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "{}; wrk -t {threads}, {seconds} s per round, {rounds} alternating rounds, {customers} customers; load average {}.\n",
        if store.is_some() { "PostgreSQL (the server's own processes only are counted)" } else { "SQLite" },
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    println!(
        "| round | operation | connections | requests/s | p50 ms | p99 ms | server CPU us/req | ctx switches/req | fsyncs/req | KB written/req | non-2xx |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut summary = Vec::new();
    for conns in [16usize, 64] {
        let (mut get_rates, mut create_rates) = (Vec::new(), Vec::new());
        // Warm-up, not counted.
        wrk(&gets, &server.addr, threads, conns, 1)?;
        for r in 0..rounds {
            let creates = dir.path().join(format!("creates-{conns}-{r}.lua"));
            std::fs::write(&creates, creates_script(&server.token, conns * 1000 + r))?;
            let order = if r % 2 == 0 {
                [("get", &gets), ("create", &creates)]
            } else {
                [("create", &creates), ("get", &gets)]
            };
            for (what, script) in order {
                let ((cpu0, sw0), written0) = (counters(pid)?, written_bytes(pid));
                let record = profile.as_ref().map(|d| d.join(format!("{what}-{conns}-{}.data", r + 1)));
                let (x, fsyncs) = with_fsyncs(pid, &dir.path().join("perf.csv"), || {
                    with_profile(pid, record, || wrk(script, &server.addr, threads, conns, seconds))
                })?;
                let ((cpu1, sw1), written1) = (counters(pid)?, written_bytes(pid));
                let n = (x[0] * seconds as f64).max(1.0);
                let fsyncs = fsyncs.map_or("-".to_owned(), |f| format!("{:.3}", f as f64 / n));
                println!(
                    "| {} | {what} | {conns} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {fsyncs} | {:.1} | {} |",
                    r + 1,
                    x[0],
                    x[1],
                    x[2],
                    (cpu1 - cpu0) / n * 1e6,
                    (sw1 - sw0) as f64 / n,
                    written1.saturating_sub(written0) as f64 / n / 1024.0,
                    x[3] + x[4]
                );
                anyhow::ensure!(
                    x[3] + x[4] == 0.0,
                    "{what} at {conns} connections: {} failed requests",
                    x[3] + x[4]
                );
                if what == "get" { get_rates.push(x[0]) } else { create_rates.push(x[0]) }
            }
        }
        summary.push((conns, median(&get_rates), median(&create_rates)));
    }
    println!();
    for (conns, g, c) in summary {
        println!(
            "{conns} connections: median gets/s {g:.0}, single creates/s {c:.0}; creates per get {:.2}.",
            c / g.max(1.0)
        );
    }
    Ok(())
}
