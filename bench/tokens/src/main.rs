//! FF1 token benchmark (issue 23): in-process card tokens per second on one core.
//!
//! ```text
//! cargo run --release -p sekretess-bench-tokens -- [--cards 1000000] [--rounds 3]
//! ```
//!
//! Makes `--cards` distinct Luhn-valid 16-digit card numbers (fixed seed), then on one
//! thread tokenizes all of them with one `Ff1Tokens` (the AES-256 key schedule built once),
//! detokenizes all the tokens and checks they come back, for `--rounds` rounds; prints the
//! best round's tokens per wall second and per CPU second of the thread. For comparison it
//! also times one plain FF1 call per 6-digit middle with a new AES key schedule per call,
//! with `fpe`'s BigUint numeral strings (`ff1_encrypt`) and with the crate's u64 ones
//! (`ff1_decimal`).
#![forbid(unsafe_code)]

use std::fs;
use std::time::Instant;

use anyhow::{Context, bail};
use sekretess_crypto::Key32;
use sekretess_crypto::tokens::{Ff1Tokens, ff1_decimal, ff1_encrypt};

// The allocator of the `sekretess` binary, so the figures are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn arg(args: &[String], name: &str, default: usize) -> anyhow::Result<usize> {
    match args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)) {
        Some(v) => v.parse().with_context(|| format!("{name} takes a number")),
        None => Ok(default),
    }
}

/// CPU time of this thread in seconds (Linux `/proc/thread-self/schedstat`, nanoseconds).
fn thread_cpu() -> f64 {
    fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse::<f64>().ok()))
        .map_or(0.0, |ns| ns / 1e9)
}

/// `n` distinct Luhn-valid 16-digit numbers: a few issuer prefixes, pseudo-random bodies
/// (xorshift, fixed seed), the check digit computed.
fn cards(n: usize) -> Vec<String> {
    let prefixes = ["411111", "555555", "601100", "353011", "510510", "400000"];
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::with_capacity(n);
    while out.len() < n {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let body = s % 1_000_000_000;
        let prefix = prefixes[(s >> 40) as usize % prefixes.len()];
        let mut pan = format!("{prefix}{body:09}0").into_bytes();
        for c in b'0'..=b'9' {
            pan[15] = c;
            if sekretess_ident::luhn(&pan) {
                break;
            }
        }
        let pan = String::from_utf8(pan).unwrap_or_default();
        if seen.insert(pan.clone()) {
            out.push(pan);
        }
    }
    out
}

struct Round {
    wall: f64,
    cpu: f64,
}

fn timed(mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Round> {
    let (t0, c0) = (Instant::now(), thread_cpu());
    f()?;
    Ok(Round { wall: t0.elapsed().as_secs_f64(), cpu: thread_cpu() - c0 })
}

fn report(what: &str, n: usize, rounds: &[Round]) {
    let best = rounds.iter().map(|r| r.wall).fold(f64::INFINITY, f64::min);
    let cpu = rounds.iter().map(|r| r.cpu).fold(f64::INFINITY, f64::min);
    println!(
        "{what:<44} {:>10.0} /s wall   {:>10.0} /s per CPU second   ({n} values, best of {})",
        n as f64 / best,
        if cpu > 0.0 { n as f64 / cpu } else { f64::NAN },
        rounds.len()
    );
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = arg(&args, "--cards", 1_000_000)?;
    let rounds = arg(&args, "--rounds", 3)?.max(1);
    let key = Key32::generate()?;
    let t = Ff1Tokens::new(&key)?;
    let input = cards(n);
    println!("{n} distinct Luhn-valid 16-digit cards, 1 thread, {rounds} rounds");

    let mut tokens: Vec<String> = Vec::with_capacity(n);
    let mut enc = Vec::new();
    for _ in 0..rounds {
        tokens.clear();
        enc.push(timed(|| {
            for pan in &input {
                tokens.push(t.tokenize_card(pan)?);
            }
            Ok(())
        })?);
    }
    report("tokenize_card (FF1 + Luhn walk, cached key)", n, &enc);

    let mut dec = Vec::new();
    for _ in 0..rounds {
        dec.push(timed(|| {
            for (token, pan) in tokens.iter().zip(&input) {
                if t.detokenize_card(token)? != *pan {
                    bail!("a token did not come back");
                }
            }
            Ok(())
        })?);
    }
    report("detokenize_card", n, &dec);

    // Plain FF1 on the middles, key schedule per call (the uncached path).
    let m = n.min(200_000);
    let middles: Vec<Vec<u16>> = input[..m]
        .iter()
        .map(|p| p.as_bytes()[6..12].iter().map(|&b| u16::from(b - b'0')).collect())
        .collect();
    let mut raw = Vec::new();
    for _ in 0..rounds {
        raw.push(timed(|| {
            for x in &middles {
                ff1_encrypt(key.expose(), 10, b"C4111111111", x)?;
            }
            Ok(())
        })?);
    }
    report("ff1_encrypt (BigUint numerals, new key per call)", m, &raw);
    let digits: Vec<Vec<u8>> = middles.iter().map(|x| x.iter().map(|&d| d as u8).collect()).collect();
    let mut dec_raw = Vec::new();
    for _ in 0..rounds {
        dec_raw.push(timed(|| {
            for x in &digits {
                ff1_decimal(true, key.expose(), b"C4111111111", x)?;
            }
            Ok(())
        })?);
    }
    report("ff1_decimal (u64 numerals, new key per call)", m, &dec_raw);
    Ok(())
}
