//! `group`: create, list, lock and unlock customer groups.

use anyhow::Result;
use clap::Subcommand;
use sekretess_api as api;
use sekretess_client::Client;

use super::{Out, table};

#[derive(Debug, Subcommand)]
pub enum GroupCmd {
    /// Create a customer group (its own database and keys).
    Create { name: String },
    /// List customer groups.
    List,
    /// Lock a group: it refuses every customer operation.
    Lock { name: String },
    /// Unlock a group (once a security officer is active, this files a request that a
    /// second officer approves with `sekretess approval approve ID`).
    Unlock { name: String },
    /// Make a new key version for the group. New writes use it at once; every customer's
    /// data key is rewrapped to it in the background (the vault stays online; progress in
    /// `group list` and `status`), and the old version is retired once no data key uses it.
    /// Needs groups:admin; no second officer (a rotation reveals nothing).
    RotateKey { name: String },
}

/// The rewrap column: what is left of a rewrap to the current key version.
pub(super) fn rewrap_cell(g: &api::Group) -> String {
    match &g.rewrap {
        None => "-".into(),
        Some(r) => {
            let left = r.remaining.map_or_else(|| "counting".to_owned(), |n| format!("{n} left"));
            let bad = if r.unreadable > 0 { format!(", {} unreadable", r.unreadable) } else { String::new() };
            format!("rewrapping: {} done, {left}{bad}", r.rewrapped)
        }
    }
}

fn group_rows(groups: &[api::Group]) -> Vec<Vec<String>> {
    groups
        .iter()
        .map(|g| {
            let versions: Vec<String> = g.kek_versions.iter().map(u32::to_string).collect();
            vec![
                g.id.to_string(),
                g.name.clone(),
                g.state.clone(),
                g.kek_version.to_string(),
                versions.join(","),
                rewrap_cell(g),
            ]
        })
        .collect()
}

const HEADERS: [&str; 6] = ["id", "name", "state", "key version", "versions", "rewrap"];

pub async fn group(c: &Client, cmd: GroupCmd, out: &Out) -> Result<()> {
    let g = match cmd {
        GroupCmd::Create { name } => c.create_group(&name).await?,
        GroupCmd::Lock { name } => c.set_group_locked(&name, true).await?,
        GroupCmd::Unlock { name } => match c.set_group_locked_applied(&name, false).await? {
            sekretess_client::Applied::Done(g) => g,
            sekretess_client::Applied::Pending(r) => {
                if out.json {
                    return out.json(&r);
                }
                println!("{}", crate::approvals::pending_line(&r));
                return Ok(());
            }
        },
        GroupCmd::RotateKey { name } => c.rotate_group_key(&name).await?,
        GroupCmd::List => {
            let groups = c.list_groups().await?;
            if out.json {
                return out.json(&groups);
            }
            table(&HEADERS, &group_rows(&groups));
            return Ok(());
        }
    };
    if out.json {
        out.json(&g)
    } else {
        table(&HEADERS, &group_rows(&[g]));
        Ok(())
    }
}
