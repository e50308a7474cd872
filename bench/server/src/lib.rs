//! Shared pieces of the HTTPS load generators: customer names and a timed driver.
#![forbid(unsafe_code)]

pub mod served;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sekretess_core::access::AccessStore;
use sekretess_core::audit::AuditContext;
use sekretess_core::store::Store;
use sekretess_core::{Clock, Schema, Vault};

/// A new vault on `store`: initialized with one 1-of-1 share, unsealed, with the group
/// `bench`; the vault, its bootstrap API token and its share.
pub async fn bench_vault<S: Store + AccessStore>(
    store: S,
    clock: Arc<dyn Clock>,
) -> Result<(Arc<Vault<S>>, String, String)> {
    let vault = Arc::new(Vault::open(store, clock.clone(), Schema::default_schema()).await?);
    let ctx = AuditContext::system();
    let done = sekretess_server::initialize(&vault, &ctx, clock.as_ref(), 1, 1).await?;
    let share = done.shares.first().context("no share")?.to_string();
    vault.submit_share(&ctx, &share).await?;
    vault.create_group(&ctx, "bench").await?;
    Ok((vault, done.bootstrap_token.expose().to_owned(), share))
}

/// A two-thread tokio runtime whose threads carry `name` (the benches tell the server's
/// CPU and context switches from the load generator's by thread name).
pub fn runtime(name: &str) -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()?)
}

/// A name made of letters only (names refuse digits), unique per `i`.
pub fn name(i: usize) -> String {
    let mut s = String::new();
    let mut n = i;
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    format!("Anna {}{}", s[..1].to_uppercase(), &s[1..])
}

pub struct Stats {
    pub ops: usize,
    pub seconds: f64,
    pub lat_us: Vec<u64>,
}

impl Stats {
    pub fn rate(&self, per_op: usize) -> f64 {
        (self.ops * per_op) as f64 / self.seconds
    }
    pub fn pct(&self, p: f64) -> f64 {
        if self.lat_us.is_empty() {
            return 0.0;
        }
        let i = ((self.lat_us.len() as f64 - 1.0) * p).round() as usize;
        self.lat_us[i] as f64 / 1000.0
    }
}

/// Runs `op` in `workers` concurrent loops for `seconds`; `op(worker, i)`.
pub async fn drive<F, Fut>(workers: usize, seconds: f64, op: F) -> Result<Stats>
where
    F: Fn(usize, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<()>> + Send,
{
    let op = Arc::new(op);
    let counter = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for w in 0..workers {
        let op = Arc::clone(&op);
        let counter = Arc::clone(&counter);
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let i = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                op(w, i).await?;
                lat.push(t.elapsed().as_micros() as u64);
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut lat_us = Vec::new();
    for t in tasks {
        lat_us.extend(t.await??);
    }
    let seconds = start.elapsed().as_secs_f64();
    lat_us.sort_unstable();
    Ok(Stats { ops: lat_us.len(), seconds, lat_us })
}

/// Counters of the server's side of this process (every thread not named `load…`, the
/// load generator's runtime): CPU time, context switches and write syscalls from
/// `/proc/self/task/*/{stat,status,io}`, and fsyncs from an strace log when one is given
/// (`SEKRETESS_BENCH_FSYNC_LOG`, see docs/benchmarks.md). Threads that exit between two
/// snapshots take their counts with them (tokio's blocking threads live 10 s idle, the
/// SQLite workers as long as their connection), so the figures are, if anything, low.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counters {
    pub cpu_seconds: f64,
    pub context_switches: u64,
    pub write_syscalls: u64,
    pub fsyncs: Option<u64>,
}

impl Counters {
    pub fn now() -> Counters {
        let mut c = Counters { fsyncs: fsyncs(), ..Counters::default() };
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return c };
        // Clock ticks per second: 100 on Linux, as the kernel's USER_HZ.
        const TICKS: f64 = 100.0;
        for task in tasks.flatten() {
            let dir = task.path();
            let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
            if comm.starts_with("load") {
                continue;
            }
            if let Ok(stat) = std::fs::read_to_string(dir.join("stat")) {
                // Fields after the command name (which is in parentheses): utime, stime
                // are the 14th and 15th fields of the line.
                let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
                let f: Vec<&str> = rest.split_whitespace().collect();
                let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
                c.cpu_seconds += (ticks(11) + ticks(12)) as f64 / TICKS;
            }
            let status = std::fs::read_to_string(dir.join("status")).unwrap_or_default();
            for line in status.lines() {
                if let Some(v) = line
                    .strip_prefix("voluntary_ctxt_switches:")
                    .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))
                {
                    c.context_switches += v.trim().parse::<u64>().unwrap_or(0);
                }
            }
            let io = std::fs::read_to_string(dir.join("io")).unwrap_or_default();
            if let Some(v) = io.lines().find_map(|l| l.strip_prefix("syscw:")) {
                c.write_syscalls += v.trim().parse::<u64>().unwrap_or(0);
            }
        }
        c
    }

    /// Per operation since `before`: CPU µs, context switches, write syscalls, fsyncs.
    pub fn per_op(&self, before: &Counters, ops: usize) -> String {
        let n = ops.max(1) as f64;
        let d = |a: u64, b: u64| a.saturating_sub(b) as f64 / n;
        let fsyncs = match (self.fsyncs, before.fsyncs) {
            (Some(a), Some(b)) => format!("{:.2}", d(a, b)),
            _ => "-".into(),
        };
        format!(
            "{:.0} | {:.1} | {:.1} | {fsyncs}",
            (self.cpu_seconds - before.cpu_seconds) / n * 1e6,
            d(self.context_switches, before.context_switches),
            d(self.write_syscalls, before.write_syscalls),
        )
    }
}

/// fsync and fdatasync calls so far, counted in the log named by `SEKRETESS_BENCH_FSYNC_LOG`:
/// either `perf stat`'s interval counts (cheap: the kernel counts, no thread stops; see
/// docs/benchmarks.md) or an strace log (every call stops its thread).
fn fsyncs() -> Option<u64> {
    let path = std::env::var_os("SEKRETESS_BENCH_FSYNC_LOG")?;
    let log = std::fs::read(path).ok()?;
    Some(count_fsyncs(&log))
}

/// Counts fsync and fdatasync calls in a `perf stat -x, -I MS -e
/// syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync` log (a sum over its intervals) or
/// in an `strace -e trace=fsync,fdatasync` log.
pub fn count_fsyncs(log: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(log);
    // perf's CSV rows are `[time,]count,unit,event,…`: the count is two fields before the event.
    let perf: Vec<u64> = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let event = f.iter().position(|x| {
                x.trim() == "syscalls:sys_enter_fsync" || x.trim() == "syscalls:sys_enter_fdatasync"
            })?;
            f.get(event.checked_sub(2)?)?.trim().parse().ok()
        })
        .collect();
    if !perf.is_empty() {
        return perf.iter().sum();
    }
    let count = |needle: &[u8]| log.windows(needle.len()).filter(|w| *w == needle).count() as u64;
    // A call cut by a thread switch is logged as `fsync(… <unfinished ...>` and then
    // `<... fsync resumed>`: counted once.
    count(b"fsync(") + count(b"fdatasync(")
}

#[cfg(test)]
mod tests {
    use super::count_fsyncs;

    #[test]
    fn counts_perf_intervals_and_strace_calls() {
        // As `perf stat -x, -I 100` prints them (time, count, unit, event, ...).
        let perf = b"# started on Mon Dec  7\n\n     0.100213,3,,syscalls:sys_enter_fsync,100197340,100.00,,\n     0.100213,0,,syscalls:sys_enter_fdatasync,100197340,100.00,,\n     0.200511,12,,syscalls:sys_enter_fsync,100287653,100.00,,\n     0.200511,2,,syscalls:sys_enter_fdatasync,100287653,100.00,,\n";
        assert_eq!(count_fsyncs(perf), 17);
        // Without intervals (`perf stat -x, -p PID`); `<not counted>` rows count nothing.
        let total = b"9,,syscalls:sys_enter_fsync,2000,100.00,,\n<not counted>,,syscalls:sys_enter_fdatasync,0,0.00,,\n";
        assert_eq!(count_fsyncs(total), 9);
        let strace = b"123 fsync(7)        = 0\n124 fdatasync(9 <unfinished ...>\n125 fsync(7) = 0\n124 <... fdatasync resumed>) = 0\n";
        assert_eq!(count_fsyncs(strace), 3);
        assert_eq!(count_fsyncs(b""), 0);
    }
}
