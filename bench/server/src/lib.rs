//! Shared pieces of the HTTPS load generators: customer names and a timed driver.
#![forbid(unsafe_code)]

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;

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
