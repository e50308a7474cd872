//! `apikey`: create, list and revoke service-account API keys.

use std::io::Write;

use anyhow::Result;
use clap::Subcommand;
use sekretess_api as api;
use sekretess_client::Client;

use super::{Out, table};

#[derive(Debug, Subcommand)]
pub enum ApiKeyCmd {
    /// Create a service-account API key; its token is shown once.
    Create {
        #[arg(long)]
        name: String,
        /// Scope (repeat): customers:read (the masked view the field policy's `service` row
        /// gives), customers:reveal (plain values for a purpose, where the policy allows),
        /// customers:write, customers:erase, customers:find,
        /// groups:read, groups:admin, apikeys:admin, audit:read, redact, sys:seal,
        /// sys:metrics (read /v1/sys/metrics), or security-officer for all.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Group (repeat), or * for every group.
        #[arg(long = "group", required = true)]
        groups: Vec<String>,
    },
    /// List API keys (never their tokens).
    List,
    /// Revoke an API key at once.
    Revoke { id: String },
}

pub async fn apikey(c: &Client, cmd: ApiKeyCmd, out: &Out) -> Result<()> {
    let rows = |keys: &[api::ApiKey]| -> Vec<Vec<String>> {
        keys.iter()
            .map(|k| {
                vec![
                    k.id.clone(),
                    k.name.clone(),
                    k.scopes.join(","),
                    k.groups.join(","),
                    if k.revoked_at.is_some() { "revoked".into() } else { "active".into() },
                ]
            })
            .collect()
    };
    match cmd {
        ApiKeyCmd::Create { name, scopes, groups } => {
            let made = match c.create_api_key_applied(&api::CreateApiKey { name, scopes, groups }).await? {
                sekretess_client::Applied::Done(made) => made,
                sekretess_client::Applied::Pending(r) => {
                    if out.json {
                        return out.json(&r);
                    }
                    say!("{}", crate::approvals::pending_line(&r));
                    return Ok(());
                }
            };
            if out.json {
                return out.json(&made);
            }
            table(&["id", "name", "scopes", "groups", "state"], &rows(std::slice::from_ref(&made.key)));
            say!("\nToken (shown once; store it as SEKRETESS_TOKEN in a secret store):\n  {}", made.token);
            Ok(())
        }
        ApiKeyCmd::List => {
            let keys = c.list_api_keys().await?;
            if out.json {
                return out.json(&keys);
            }
            table(&["id", "name", "scopes", "groups", "state"], &rows(&keys));
            Ok(())
        }
        ApiKeyCmd::Revoke { id } => {
            c.revoke_api_key(&id).await?;
            if out.json {
                out.json(&serde_json::json!({"id": id, "revoked": true}))
            } else {
                {
                    say!("revoked {id}");
                    Ok(())
                }
            }
        }
    }
}
