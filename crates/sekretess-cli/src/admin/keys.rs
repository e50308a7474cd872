//! `rekey` and `rotate-audit-key`: a new root key with new unseal shares, and a new audit
//! MAC key. (`group rotate-key` is in `groups.rs`.)

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use sekretess_api as api;
use sekretess_client::Client;
use zeroize::Zeroizing;

use super::Out;

#[derive(Debug, Args)]
pub struct RekeyArgs {
    /// New shares needed to unseal (with --confirm: how many new shares to read).
    #[arg(long, required_unless_present = "confirm")]
    pub threshold: Option<u8>,
    /// New shares to hand out (one per custodian).
    #[arg(long, required_unless_present = "confirm")]
    pub shares: Option<u8>,
    /// Read shares from these files (one share per file) instead of asking for them
    /// (without echo on a terminal; one per line on stdin otherwise). Never on argv.
    #[arg(long = "share-file", value_name = "FILE")]
    pub share_files: Vec<PathBuf>,
    /// Print the new shares and leave the rekey pending: the custodians confirm it later
    /// with `sekretess rekey --confirm`, giving a threshold of the NEW shares. Without it,
    /// the rekey is confirmed as soon as the new shares are printed.
    #[arg(long, conflicts_with = "confirm")]
    pub no_confirm: bool,
    /// Confirm a pending rekey with a threshold of the new shares (read like the current
    /// ones). The server process that started the rekey must answer (it keeps the pending
    /// rekey in memory for an hour).
    #[arg(long)]
    pub confirm: bool,
}

/// Reads `needed` shares: from files, else asked for (terminal) or one per line (stdin).
fn read_shares(files: &[PathBuf], needed: usize, which: &str) -> Result<Zeroizing<Vec<String>>> {
    let mut shares = Zeroizing::new(Vec::new());
    if !files.is_empty() {
        for f in files {
            let text = Zeroizing::new(
                std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?,
            );
            shares.push(text.trim().to_owned());
        }
        return Ok(shares);
    }
    let terminal = std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    while shares.len() < needed {
        let line = if terminal {
            let prompt = format!("{which} share ({} of {needed} given): ", shares.len());
            Zeroizing::new(rpassword::prompt_password(prompt)?)
        } else {
            match lines.next() {
                Some(line) => Zeroizing::new(line?),
                None => break,
            }
        };
        if !line.trim().is_empty() {
            shares.push(line.trim().to_owned());
        }
    }
    if shares.len() < needed {
        bail!("{} {which} shares given, {needed} needed", shares.len());
    }
    Ok(shares)
}

/// Writes the new shares to stdout and makes sure they went out: only then is the rekey
/// confirmed (a closed pipe or a full disk leaves the old shares in force).
fn print_shares(started: &api::keys::RekeyStarted, threshold: u8) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "New root key {}. This is shown ONCE.\n", started.key_id)?;
    writeln!(
        out,
        "New unseal shares: give each to a different custodian; any {threshold} of {} unseal.",
        started.shares.len()
    )?;
    for (i, s) in started.shares.iter().enumerate() {
        writeln!(out, "  share {}: {s}", i + 1)?;
    }
    out.flush().context("the new shares could not be written out; the rekey was not confirmed")?;
    Ok(())
}

pub async fn rekey(c: &Client, args: RekeyArgs, out: &Out) -> Result<()> {
    let status = c.seal_status().await?;
    if args.confirm {
        // The new threshold (as given to the rekey); the server combines what it is given.
        let needed = args.threshold.unwrap_or(status.threshold).max(1);
        let new = read_shares(&args.share_files, usize::from(needed), "new")?;
        let s = c.rekey_confirm(&api::keys::RekeyConfirm { new_shares: new.to_vec() }).await?;
        return report_done(&s, out);
    }
    let (Some(threshold), Some(shares)) = (args.threshold, args.shares) else {
        bail!("give --threshold and --shares (or --confirm)");
    };
    let current = read_shares(&args.share_files, usize::from(status.threshold), "current")?;
    let req = api::keys::RekeyRequest { threshold, shares, current_shares: current.to_vec() };
    let started = c.rekey(&req).await?;
    drop(req);
    if out.json {
        let text = serde_json::to_string_pretty(
            &serde_json::json!({"key_id": started.key_id, "shares": started.shares}),
        )?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{text}")?;
        stdout.flush().context("the new shares could not be written out; the rekey was not confirmed")?;
    } else {
        print_shares(&started, threshold)?;
    }
    if args.no_confirm {
        eprintln!(
            "The rekey is PENDING: the current shares still unseal the vault. Confirm with \
             `sekretess rekey --confirm` and {threshold} of the new shares within the hour."
        );
        return Ok(());
    }
    let back =
        Zeroizing::new(started.shares.iter().take(usize::from(threshold)).cloned().collect::<Vec<_>>());
    let s = c.rekey_confirm(&api::keys::RekeyConfirm { new_shares: back.to_vec() }).await?;
    report_done(&s, out)
}

/// On stderr, also with --json (stdout then holds only the JSON).
fn report_done(s: &api::SealStatus, _out: &Out) -> Result<()> {
    eprintln!(
        "Rekey complete: the vault's root key is {}; {} of {} new shares unseal it. The old shares no longer do.",
        s.key_id.as_deref().unwrap_or("-"),
        s.threshold,
        s.share_count
    );
    Ok(())
}

pub async fn rotate_audit_key(c: &Client, out: &Out) -> Result<()> {
    let r = c.rotate_audit_key().await?;
    if out.json {
        return out.json(&r);
    }
    say!(
        "audit key rotated: entries are MAC'd under epoch {} from now on; give the auditors the new key file",
        r.epoch
    );
    Ok(())
}
