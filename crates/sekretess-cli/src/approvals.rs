//! `sekretess approval …`: dual control. The changes that need a second security officer
//! (unlocking a group, a field-policy change, an API key with `customers:reveal`, a new
//! agreement) wait as pending requests; another officer lists, approves or rejects them.

use anyhow::Result;
use clap::Subcommand;
use sekretess_api::people as ap;
use sekretess_client::Client;

#[derive(Debug, Subcommand)]
pub enum ApprovalCmd {
    /// List the requests (newest first) and how many security officers could decide them.
    List,
    /// Approve another officer's pending request: the change is made at once (an API key's
    /// token is then printed, once, for you to hand over).
    Approve { id: u64 },
    /// Reject another officer's pending request.
    Reject { id: u64 },
}

/// One line for a pending request, as the commands that filed it print it.
pub fn pending_line(r: &ap::ApprovalRequest) -> String {
    format!(
        "pending approval: request {} ({} {}) waits for another security officer until {}; \
         they run `sekretess approval approve {}`",
        r.id, r.kind, r.target, r.expires_at, r.id
    )
}

pub async fn run(c: &Client, cmd: ApprovalCmd, json: bool) -> Result<()> {
    match cmd {
        ApprovalCmd::List => {
            let l = c.approvals().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&l)?);
                return Ok(());
            }
            if l.active_officers < 2 {
                println!(
                    "single officer: {} active security officer(s); nothing can be approved",
                    l.active_officers
                );
            }
            for r in &l.requests {
                println!(
                    "{:>5}  {:<9} {:<18} {:<28} by {:<14} expires {}",
                    r.id, r.status, r.kind, r.target, r.requested_by, r.expires_at
                );
            }
        }
        ApprovalCmd::Approve { id } | ApprovalCmd::Reject { id } => {
            let approve = matches!(cmd, ApprovalCmd::Approve { .. });
            let d = c.decide_approval(id, approve).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&d)?);
                return Ok(());
            }
            eprintln!(
                "request {} ({} {}) is {}",
                d.request.id, d.request.kind, d.request.target, d.request.status
            );
            if let Some(k) = d.api_key {
                println!(
                    "API key {} created. Token (shown once; hand it over through a secret store):\n  {}",
                    k.key.id, k.token
                );
            }
        }
    }
    Ok(())
}
