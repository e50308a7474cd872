//! The vault's seal: `status`, `init`, `unseal` and `seal`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Result;
use clap::Args;
use sekretess_api as api;
use sekretess_client::Client;
use serde::Serialize;
use zeroize::Zeroizing;

use super::{Out, table};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Shares needed to unseal.
    #[arg(long, default_value_t = 3)]
    pub threshold: u8,
    /// Shares to hand out (one per custodian).
    #[arg(long, default_value_t = 5)]
    pub shares: u8,
}

#[derive(Debug, Args)]
pub struct UnsealArgs {
    /// Forget the shares given so far instead.
    #[arg(long)]
    pub reset: bool,
}

/// The answering process's seal state and, with a key that may seal (`sys:seal`), every
/// server process registered in the control database and whether it is unsealed.
pub async fn status(c: &Client, out: &Out) -> Result<bool> {
    let s = c.seal_status().await?;
    // Without a token, or with one that lacks the scope, only this process is shown.
    let processes = if c.has_token() { c.processes().await.ok().map(|p| p.processes) } else { None };
    if out.json {
        #[derive(Serialize)]
        struct Status<'a> {
            #[serde(flatten)]
            seal: &'a api::SealStatus,
            #[serde(skip_serializing_if = "Option::is_none")]
            processes: Option<&'a Vec<api::Process>>,
        }
        out.json(&Status { seal: &s, processes: processes.as_ref() })?;
    } else {
        say!("initialized  {}", s.initialized);
        say!("sealed       {}", s.sealed);
        say!("threshold    {} of {}", s.threshold, s.share_count);
        say!("progress     {}", s.progress);
        say!("key id       {}", s.key_id.as_deref().unwrap_or("-"));
        if s.bootstrap_key_live {
            say!(
                "bootstrap    LIVE: init's bootstrap API key (every scope, every group) still works;
                              enrol a security officer (it then retires) or revoke it with `sekretess apikey revoke`"
            );
        }
        if s.single_officer {
            say!(
                "officers     SINGLE: one active security officer; dual control cannot be met (no unlock,
                              policy change, reveal key, agreement or employee approval) until a second one is active"
            );
        }
        // Rewraps under way (needs a token that may list groups).
        if c.has_token()
            && !s.sealed
            && let Ok(groups) = c.list_groups().await
        {
            for g in groups.iter().filter(|g| g.rewrap.is_some()) {
                say!(
                    "key rewrap   group {}: to version {}, {}",
                    g.name,
                    g.kek_version,
                    super::groups::rewrap_cell(g)
                );
            }
        }
        if let Some(list) = &processes {
            say!("\nprocesses ({} registered; * answered this request)", list.len());
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    vec![
                        format!("{}{}", p.id, if p.this_process { " *" } else { "" }),
                        p.host.clone(),
                        p.pid.to_string(),
                        p.listen.clone(),
                        if p.sealed { "sealed".into() } else { "unsealed".into() },
                        if p.stale { format!("stale since {}", p.last_seen) } else { "alive".into() },
                    ]
                })
                .collect();
            table(&["PROCESS", "HOST", "PID", "LISTEN", "SEAL", "HEARTBEAT"], &rows);
        }
    }
    Ok(!s.sealed)
}

pub async fn init(c: &Client, args: InitArgs, out: &Out) -> Result<()> {
    let r = c.init(args.threshold, args.shares).await?;
    if out.json {
        return out.json(&r);
    }
    say!("Vault initialized (key id {}). This is shown ONCE.\n", r.key_id);
    say!(
        "Unseal shares: give each to a different custodian; any {} of {} unseal.",
        args.threshold,
        args.shares
    );
    for (i, s) in r.shares.iter().enumerate() {
        say!("  share {}: {s}", i + 1);
    }
    say!(
        "\nBootstrap API key (security-officer, every group; id {}):\n  {}",
        r.bootstrap_key_id,
        r.bootstrap_token
    );
    if let Some(code) = &r.officer_enrolment_code {
        say!(
            "\nFirst security officer (login \"officer\"), one-time enrolment code:\n  {code}\n             After unsealing: `sekretess employee enrol`, paste the code, set a password and scan the\n             QR code. This officer is the only one approved without a second person."
        );
    }
    say!("\nThe vault is sealed: run `sekretess unseal` with {} shares.", args.threshold);
    Ok(())
}

/// Gives shares until the vault opens or the input ends (an empty answer on a terminal).
/// Returns whether the vault is unsealed.
pub async fn unseal(c: &Client, args: UnsealArgs, out: &Out) -> Result<bool> {
    if args.reset {
        let s = c.unseal_reset().await?;
        if out.json {
            out.json(&s)?;
        } else {
            say!("unseal progress reset (0 of {})", s.threshold);
        }
        return Ok(true);
    }
    let mut status = c.seal_status().await?;
    if !status.sealed {
        if out.json {
            out.json(&status)?;
        } else {
            say!("the vault is already unsealed");
        }
        return Ok(true);
    }
    let terminal = std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    while status.sealed {
        let share = if terminal {
            let prompt =
                format!("Unseal share ({} of {} given; empty to stop): ", status.progress, status.threshold);
            Zeroizing::new(rpassword::prompt_password(prompt)?)
        } else {
            match lines.next() {
                Some(line) => Zeroizing::new(line?),
                None => break,
            }
        };
        if share.trim().is_empty() {
            if terminal {
                break;
            }
            continue;
        }
        status = c.unseal(share.trim()).await?;
        if !out.json {
            eprintln!(
                "accepted: {} of {} shares",
                status.progress.max(if status.sealed { 0 } else { status.threshold }),
                status.threshold
            );
        }
    }
    if out.json {
        out.json(&status)?;
    } else if status.sealed {
        say!(
            "still sealed: {} of {} shares given; the next custodian runs `sekretess unseal`",
            status.progress,
            status.threshold
        );
    } else {
        say!("the vault is unsealed");
    }
    Ok(!status.sealed)
}

pub async fn seal(c: &Client, out: &Out) -> Result<()> {
    c.seal().await?;
    if out.json {
        out.json(&serde_json::json!({"sealed": true}))
    } else {
        {
            say!("the vault is sealed");
            Ok(())
        }
    }
}
