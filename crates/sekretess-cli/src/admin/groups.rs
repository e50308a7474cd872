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
    /// Unlock a group.
    Unlock { name: String },
}

fn group_rows(groups: &[api::Group]) -> Vec<Vec<String>> {
    groups
        .iter()
        .map(|g| vec![g.id.to_string(), g.name.clone(), g.state.clone(), g.kek_version.to_string()])
        .collect()
}

pub async fn group(c: &Client, cmd: GroupCmd, out: &Out) -> Result<()> {
    let g = match cmd {
        GroupCmd::Create { name } => c.create_group(&name).await?,
        GroupCmd::Lock { name } => c.set_group_locked(&name, true).await?,
        GroupCmd::Unlock { name } => c.set_group_locked(&name, false).await?,
        GroupCmd::List => {
            let groups = c.list_groups().await?;
            if out.json {
                return out.json(&groups);
            }
            table(&["id", "name", "state", "key version"], &group_rows(&groups));
            return Ok(());
        }
    };
    if out.json {
        out.json(&g)
    } else {
        table(&["id", "name", "state", "key version"], &group_rows(&[g]));
        Ok(())
    }
}
