//! Tokens over HTTPS (issue 23): FF1 card tokens in batches of 1,000 through
//! `POST /v1/tokenize` and back through `POST /v1/detokenize`, against an in-process server
//! on loopback, beside the same batches through `Vault::tokenize` in process and the Python
//! reference libraries from PyPI (`ff3`, `pyffx`) in the same run.
//!
//! ```text
//! cargo run --release -p sekretess-bench-server --bin tokens -- [--seconds 10] [--conns 1,4,16] \
//!     [--python /path/to/python3]
//! ```
//!
//! The server runs on its own 2-thread runtime, the load generator on another (both share
//! the machine's cores). Each call carries 1,000 distinct Luhn-valid 16-digit cards; every
//! token call writes its 1,000 mappings and one audit entry (the 1,000 token ids) before it
//! answers. The Python reference (bench/tokens/reference/ff_reference.py) times one call
//! per 6-digit middle; `--python` names the interpreter with `ff3` and `pyffx` installed
//! (default `python3`).
#![forbid(unsafe_code)]

use std::sync::Arc;

use anyhow::{Context, Result};
use sekretess_api::tokens::{DetokenizeRequest, TokenizeItem, TokenizeRequest};
use sekretess_bench_server::{bench_vault, drive};
use sekretess_client::{Client, ClientConfig};
use sekretess_core::audit::AuditContext;
use sekretess_core::vault::{TokenFormat, TokenInput, TokenKind, TokenSpec};
use sekretess_core::{Clock, SystemClock};
use sekretess_server::ratelimit::{Rate, RateLimitConfig};
use sekretess_server::{AppState, Limits, PeopleOptions, RunningServer, tls};
use sekretess_store::SqliteStore;
use zeroize::Zeroizing;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BATCH: usize = 1000;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

/// The `i`-th batch of 1,000 distinct Luhn-valid 16-digit cards (prefix 411111; batches
/// do not repeat for the first 10^9 / 1,000 of them).
fn batch(i: usize) -> Vec<String> {
    (0..BATCH)
        .map(|j| {
            let body = ((i * BATCH + j) as u64 * 7_919) % 1_000_000_000;
            let mut pan = format!("411111{body:09}0").into_bytes();
            for c in b'0'..=b'9' {
                pan[15] = c;
                if sekretess_ident_luhn(&pan) {
                    break;
                }
            }
            String::from_utf8(pan).unwrap_or_default()
        })
        .collect()
}

fn sekretess_ident_luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &c)| {
            let v = u32::from(c - b'0');
            if i % 2 == 1 { if v * 2 > 9 { v * 2 - 9 } else { v * 2 } } else { v }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seconds: f64 = arg(&args, "--seconds").map(|s| s.parse()).transpose()?.unwrap_or(10.0);
    let conns: Vec<usize> = arg(&args, "--conns")
        .unwrap_or_else(|| "1,4,16".into())
        .split(',')
        .map(|s| s.parse().context("--conns takes numbers"))
        .collect::<Result<_>>()?;
    let python = arg(&args, "--python").unwrap_or_else(|| "python3".into());

    let server_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let load_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let dir = tempfile::tempdir()?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (vault, token) = server_rt.block_on(async {
        let store = SqliteStore::open(&dir.path().join("data")).await?;
        let (vault, token, _) = bench_vault(store, clock.clone()).await?;
        Ok::<_, anyhow::Error>((vault, token))
    })?;
    let certs = tls::generate_dev_certificate(&dir.path().join("tls"), SystemClock.now())?;
    let tls_config = tls::server_config(&certs.cert, &certs.key)?;
    let people = PeopleOptions { retire_bootstrap_key: false, ..PeopleOptions::default() };
    // Detokenizing takes one reveal of the key's rate limit per call: off for the run.
    let limits = Limits {
        rate: RateLimitConfig { auth_failures: Rate::OFF, reveals: Rate::OFF },
        ..Limits::default()
    };
    let state = AppState::new(Arc::clone(&vault), clock.clone(), limits, people);
    let server = server_rt.block_on(RunningServer::start("127.0.0.1:0".parse()?, tls_config, state))?;
    let client = Client::new(&ClientConfig {
        addr: format!("https://{}", server.addr),
        ca_cert: Some(certs.ca_cert.clone()),
        token: Some(Zeroizing::new(token)),
    })?;

    println!("Batches of {BATCH} FF1 card tokens (16 digits), {seconds} s per step.\n");
    println!("| operation | connections | tokens/s | p50 ms per batch | p99 ms per batch |");
    println!("|---|---|---|---|---|");
    load_rt.block_on(async {
        let ctx = Arc::new(AuditContext { actor: "bench".into(), ..Default::default() });
        let spec =
            TokenSpec { format: TokenFormat::Fpe, kind: TokenKind::Card, ttl_seconds: None, reuse: false };
        // In process: the vault alone (FF1, mappings, audit entry), same batches.
        let v = Arc::clone(&vault);
        let c = Arc::clone(&ctx);
        let core = drive(1, seconds, move |_, i| {
            let (v, c) = (Arc::clone(&v), Arc::clone(&c));
            async move {
                let items: Vec<TokenInput> = batch(i)
                    .into_iter()
                    .map(|p| TokenInput { value: Zeroizing::new(p), customer: None })
                    .collect();
                let out = v.tokenize(&c, "bench", spec, &items).await?;
                anyhow::ensure!(out.iter().all(Result::is_ok), "a token was refused");
                Ok(())
            }
        })
        .await?;
        println!(
            "| Vault::tokenize (in process) | 1 | {:.0} | {:.1} | {:.1} |",
            core.rate(BATCH),
            core.pct(0.5),
            core.pct(0.99)
        );
        let offset = Arc::new(core.ops + 1);
        for &n in &conns {
            let (cl, off) = (client.clone(), Arc::clone(&offset));
            let http = drive(n, seconds, move |_, i| {
                let cl = cl.clone();
                let start = *off + 10_000 + i;
                async move {
                    let req = TokenizeRequest {
                        group: "bench".into(),
                        format: "fpe".into(),
                        kind: "card_number".into(),
                        ttl_seconds: None,
                        reuse: false,
                        items: batch(start)
                            .into_iter()
                            .map(|value| TokenizeItem { value, customer: None })
                            .collect(),
                    };
                    let resp = cl.tokenize(&req).await?;
                    anyhow::ensure!(resp.issued == BATCH, "a token was refused");
                    Ok(())
                }
            })
            .await?;
            println!(
                "| POST /v1/tokenize | {n} | {:.0} | {:.1} | {:.1} |",
                http.rate(BATCH),
                http.pct(0.5),
                http.pct(0.99)
            );
        }
        // Detokenize: tokens of a few batches, turned back over and over.
        let mut pools = Vec::new();
        for k in 0..8 {
            let req = TokenizeRequest {
                group: "bench".into(),
                format: "fpe".into(),
                kind: "card_number".into(),
                ttl_seconds: None,
                reuse: false,
                items: batch(900_000 + k)
                    .into_iter()
                    .map(|value| TokenizeItem { value, customer: None })
                    .collect(),
            };
            pools.push(
                client.tokenize(&req).await?.results.into_iter().filter_map(|r| r.token).collect::<Vec<_>>(),
            );
        }
        let pools = Arc::new(pools);
        for &n in &conns {
            let (cl, pools) = (client.clone(), Arc::clone(&pools));
            let http = drive(n, seconds, move |_, i| {
                let (cl, pools) = (cl.clone(), Arc::clone(&pools));
                async move {
                    let req = DetokenizeRequest {
                        group: "bench".into(),
                        tokens: pools[i % pools.len()].clone(),
                        purpose: Some("payment".into()),
                    };
                    let resp = cl.detokenize(&req).await?;
                    anyhow::ensure!(resp.revealed == BATCH, "a token did not come back");
                    Ok(())
                }
            })
            .await?;
            println!(
                "| POST /v1/detokenize | {n} | {:.0} | {:.1} | {:.1} |",
                http.rate(BATCH),
                http.pct(0.5),
                http.pct(0.99)
            );
        }
        Ok::<_, anyhow::Error>(())
    })?;

    // The reference libraries, in the same run.
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tokens/reference/ff_reference.py");
    match std::process::Command::new(&python).arg(&script).arg("200000").output() {
        Ok(out) if out.status.success() => {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                let mut parts = line.split_whitespace();
                if let (Some(name), Some(rate)) = (parts.next(), parts.next()) {
                    println!("| Python `{name}` (one core, in process, no storage) | 1 | {rate} | - | - |");
                }
            }
        }
        Ok(out) => println!("reference failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => println!("reference not run ({python}: {e})"),
    }
    drop(server);
    Ok(())
}
