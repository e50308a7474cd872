//! `customer`: add, show, change, erase and find one customer.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Subcommand;
use sekretess_api as api;
use sekretess_client::Client;
use zeroize::Zeroizing;

use super::{Out, ask, parse_json, read_input, table};

#[derive(Debug, Subcommand)]
pub enum CustomerCmd {
    /// Add a customer. Fields come as a JSON object on stdin (or --file), or are asked
    /// for one by one on a terminal; never on the command line.
    Add {
        #[arg(long)]
        group: String,
        /// A file holding the JSON object of fields.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Show a customer by code.
    Get {
        code: String,
        /// Why you read it (kept in the audit log).
        #[arg(long)]
        purpose: Option<String>,
        /// Reveal this field in plain (repeat); needs --purpose (kind or "kind: description").
        #[arg(long)]
        reveal: Vec<String>,
    },
    /// Change fields: a JSON object on stdin (or --file); `null` removes a field.
    Update {
        code: String,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Erase a customer for good (crypto-shredding).
    Erase {
        code: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Write a customer's subject access export (GDPR articles 15 and 20) to a file: every
    /// field, created/updated times, retention, documents on file and the access history
    /// (who, as role and pseudonymous id, when, why). The file is made mode 0600.
    Export {
        code: String,
        /// Where to write it (replaced whole, or left as it was on failure).
        #[arg(long)]
        out: PathBuf,
        /// Why (required; kept in the audit log): kind or "kind: description", e.g.
        /// "customer_request: GDPR art. 15".
        #[arg(long)]
        purpose: String,
        /// json (machine-readable) or text (readable).
        #[arg(long, value_enum, default_value = "json")]
        format: crate::retention::ExportFormat,
    },
    /// Find customers by the exact value of a searchable field; the value is read from
    /// stdin (or asked for on a terminal), never from the command line.
    Find {
        #[arg(long)]
        group: String,
        #[arg(long)]
        field: String,
    },
}

pub async fn customer(c: &Client, cmd: CustomerCmd, out: &Out) -> Result<()> {
    match cmd {
        CustomerCmd::Add { group, file } => {
            let fields: BTreeMap<String, String> = if file.is_none() && std::io::stdin().is_terminal() {
                let schema = c.schema().await?;
                eprintln!("Enter each field (empty to skip):");
                let mut f = BTreeMap::new();
                for def in schema.fields {
                    let v = ask(&format!("  {} ({}): ", def.name, def.field_type))?;
                    if !v.is_empty() {
                        f.insert(def.name, v);
                    }
                }
                f
            } else {
                parse_json(&read_input(&file)?, "the fields")?
            };
            let created = c.create_customer(&group, fields).await?;
            if out.json {
                out.json(&created)
            } else {
                {
                    say!("{}", created.code);
                    Ok(())
                }
            }
        }
        CustomerCmd::Get { code, purpose, reveal } if !reveal.is_empty() => {
            crate::people::reveal(c, &code, reveal, purpose).await
        }
        CustomerCmd::Get { code, purpose, .. } => {
            let cust = c.get_customer_for(&code, purpose.as_deref()).await?;
            if out.json {
                return out.json(&serde_json::json!({
                    "code": cust.code, "group": cust.group, "fields": cust.fields,
                    "masked": cust.masked, "created_at": cust.created_at, "updated_at": cust.updated_at,
                    "retain_until": cust.retain_until, "due_at": cust.due_at,
                }));
            }
            say!("code   {}\ngroup  {}", cust.code, cust.group);
            say!(
                "retain until {} (due {})",
                crate::retention::date(cust.retain_until),
                crate::retention::date(cust.due_at)
            );
            let rows: Vec<Vec<String>> = cust
                .fields
                .iter()
                .map(|(k, v)| {
                    let how = if cust.masked.contains(k) { "masked" } else { "" };
                    vec![k.clone(), v.clone(), how.to_owned()]
                })
                .collect();
            table(&["field", "value", ""], &rows);
            if !cust.masked.is_empty() {
                say!("(masked fields: --reveal FIELD --purpose PURPOSE shows them, where the policy allows)");
            }
            Ok(())
        }
        CustomerCmd::Update { code, file } => {
            let fields: BTreeMap<String, Option<String>> = parse_json(&read_input(&file)?, "the changes")?;
            c.update_customer(&code, &api::UpdateCustomer { fields }).await?;
            if out.json {
                out.json(&serde_json::json!({"code": code, "updated": true}))
            } else {
                {
                    say!("updated");
                    Ok(())
                }
            }
        }
        CustomerCmd::Erase { code, yes } => {
            if !yes {
                if !std::io::stdin().is_terminal() {
                    bail!("erasing cannot be undone: add --yes when not on a terminal");
                }
                if ask(&format!("Erase customer {code} for good? Type yes: "))? != "yes" {
                    bail!("not erased");
                }
            }
            c.erase_customer(&code).await?;
            if out.json {
                out.json(&serde_json::json!({"code": code, "erased": true}))
            } else {
                {
                    say!("erased");
                    Ok(())
                }
            }
        }
        CustomerCmd::Export { code, out: path, purpose, format } => {
            crate::retention::export(c, &code, &path, &purpose, format).await?;
            if out.json {
                return out.json(&serde_json::json!({"code": code, "out": path.display().to_string()}));
            }
            say!("written to {}", path.display());
            Ok(())
        }
        CustomerCmd::Find { group, field } => {
            let value = if std::io::stdin().is_terminal() {
                Zeroizing::new(ask(&format!("{field}: "))?)
            } else {
                let v = read_input(&None)?;
                Zeroizing::new(v.trim_end_matches(['\n', '\r']).to_owned())
            };
            let codes = c.find(&group, &field, &value).await?;
            if out.json {
                return out.json(&serde_json::json!({ "matches": codes }));
            }
            for code in &codes {
                say!("{code}");
            }
            if codes.is_empty() {
                eprintln!("no match");
            }
            Ok(())
        }
    }
}
