//! Shared pieces of the benchmarks: seeded synthetic customers, and a store without an
//! audit log for measuring what auditing costs.
#![forbid(unsafe_code)]

pub mod data;
pub mod unaudited;

/// User + system CPU seconds of this process so far (Linux, from `/proc/self/stat`).
pub fn process_cpu_seconds() -> anyhow::Result<f64> {
    use anyhow::Context;
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name (which is in parentheses): utime and stime are the
    // 12th and 13th, in clock ticks of 1/100 s.
    let rest = stat.rsplit_once(')').context("unexpected /proc/self/stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields
        .get(11..13)
        .context("short /proc/self/stat")?
        .iter()
        .map(|f| f.parse::<u64>())
        .sum::<Result<_, _>>()?;
    Ok(ticks as f64 / 100.0)
}
