//! `sekretess token create|reveal|revoke`: tokens through the server (docs/tokens.md).
//!
//! Values and tokens are read one per line from a file or standard input, never from the
//! command line (argv is visible to other users of the machine). Answers come one line per
//! input line, in order; a refused line prints as empty and its problem goes to standard
//! error with its line number. Exit code 1 if any line was refused.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use sekretess_api::Problem;
use sekretess_api::tokens as at;
use sekretess_client::Client;
use zeroize::Zeroizing;

/// Lines per request (the server's batch limit).
const BATCH: usize = 10_000;

#[derive(Subcommand)]
pub enum TokenCmd {
    /// Issue tokens for values read one per line (from FILE or standard input); prints one
    /// token per line. Needs the tokens:create scope.
    ///
    /// Formats: `opaque` (tok_…, random, a stored mapping), `deterministic` (dtk_…, the
    /// same value gives the same token in a group: a join key for other systems), `fpe`
    /// (format-preserving FF1: a card keeps its first 6 and last 4 digits and fails Luhn, a
    /// personnummer keeps its year and fails its check digit, other digit strings keep
    /// their length).
    Create(CreateArgs),
    /// Turn tokens read one per line back into values, for a purpose (recorded in the audit
    /// log with the token ids, never the values). Needs the tokens:reveal scope.
    Reveal(RevealArgs),
    /// Revoke tokens read one per line: they no longer turn back into values.
    Revoke(RevokeArgs),
}

#[derive(Args)]
pub struct CreateArgs {
    /// The customer group the tokens belong to.
    #[arg(long)]
    pub group: String,
    /// opaque, deterministic or fpe.
    #[arg(long, default_value = "opaque")]
    pub format: String,
    /// card_number, se_personnummer, digits or text (text: not with fpe).
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: String,
    /// Seconds until the tokens expire (default: never).
    #[arg(long, value_name = "SECONDS")]
    pub ttl: Option<u64>,
    /// Opaque tokens: give a value the token it already has.
    #[arg(long)]
    pub reuse: bool,
    /// The customer the values belong to (erasing them ends the tokens).
    #[arg(long, value_name = "CODE")]
    pub customer: Option<String>,
    /// File with one value per line (default: standard input).
    pub file: Option<PathBuf>,
}

#[derive(Args)]
pub struct RevealArgs {
    #[arg(long)]
    pub group: String,
    /// Why: customer_request, identity_verification, payment, fraud_investigation,
    /// legal_obligation, data_correction, or `other: <description>`.
    #[arg(long)]
    pub purpose: String,
    /// File with one token per line (default: standard input).
    pub file: Option<PathBuf>,
}

#[derive(Args)]
pub struct RevokeArgs {
    #[arg(long)]
    pub group: String,
    /// File with one token per line (default: standard input).
    pub file: Option<PathBuf>,
}

fn read_lines(file: Option<&PathBuf>) -> Result<Vec<Zeroizing<String>>> {
    let reader: Box<dyn BufRead> = match file {
        Some(p) => Box::new(std::io::BufReader::new(
            std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?,
        )),
        None => Box::new(std::io::stdin().lock()),
    };
    let mut out = Vec::new();
    for line in reader.lines() {
        let line = Zeroizing::new(line.context("cannot read input")?);
        let t = line.trim();
        if !t.is_empty() {
            out.push(Zeroizing::new(t.to_owned()));
        }
    }
    Ok(out)
}

fn refused(line: usize, p: &Problem) {
    eprintln!("line {line}: refused ({}): {}", p.kind(), p.detail.as_deref().unwrap_or(&p.title));
}

/// Runs a token command; `Ok(false)` when some line was refused.
pub async fn token(client: &Client, cmd: TokenCmd, json: bool) -> Result<bool> {
    let mut stdout = std::io::stdout().lock();
    let mut all_ok = true;
    let mut line = 0usize;
    match cmd {
        TokenCmd::Create(a) => {
            let values = read_lines(a.file.as_ref())?;
            for chunk in values.chunks(BATCH) {
                let req = at::TokenizeRequest {
                    group: a.group.clone(),
                    format: a.format.clone(),
                    kind: a.kind.clone(),
                    ttl_seconds: a.ttl,
                    reuse: a.reuse,
                    items: chunk
                        .iter()
                        .map(|v| at::TokenizeItem { value: v.to_string(), customer: a.customer.clone() })
                        .collect(),
                };
                let resp = client.tokenize(&req).await?;
                for r in resp.results {
                    line += 1;
                    if json {
                        writeln!(stdout, "{}", serde_json::to_string(&r)?)?;
                    } else {
                        writeln!(stdout, "{}", r.token.as_deref().unwrap_or(""))?;
                    }
                    if let Some(p) = &r.problem {
                        refused(line, p);
                        all_ok = false;
                    }
                }
            }
        }
        TokenCmd::Reveal(a) => {
            let tokens = read_lines(a.file.as_ref())?;
            for chunk in tokens.chunks(BATCH) {
                let req = at::DetokenizeRequest {
                    group: a.group.clone(),
                    tokens: chunk.iter().map(|t| t.to_string()).collect(),
                    purpose: Some(a.purpose.clone()),
                };
                let resp = client.detokenize(&req).await?;
                for r in resp.results {
                    line += 1;
                    if json {
                        writeln!(stdout, "{}", serde_json::to_string(&r)?)?;
                    } else {
                        writeln!(stdout, "{}", r.value.as_deref().unwrap_or(""))?;
                    }
                    if let Some(p) = &r.problem {
                        refused(line, p);
                        all_ok = false;
                    }
                }
            }
        }
        TokenCmd::Revoke(a) => {
            let tokens = read_lines(a.file.as_ref())?;
            for chunk in tokens.chunks(BATCH) {
                let req = at::RevokeTokensRequest {
                    group: a.group.clone(),
                    tokens: chunk.iter().map(|t| t.to_string()).collect(),
                };
                let resp = client.revoke_tokens(&req).await?;
                for r in resp.results {
                    line += 1;
                    if json {
                        writeln!(stdout, "{}", serde_json::to_string(&r)?)?;
                    } else {
                        writeln!(stdout, "{}", r.id.as_deref().unwrap_or(""))?;
                    }
                    if let Some(p) = &r.problem {
                        refused(line, p);
                        all_ok = false;
                    }
                }
            }
        }
    }
    Ok(all_ok)
}
