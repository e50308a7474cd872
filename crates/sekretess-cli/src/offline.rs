//! `sekretess offline …`: the offline key pair and the restricted values held offline.
//!
//! `keygen` and `reveal` run on the air-gapped machine: they never build a client, open a
//! socket or start the async runtime (`main` runs them first), so they work with no network
//! at all. `export` asks the server for a bundle, which stays sealed to the offline key.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use base64::Engine;
use clap::Subcommand;
use sekretess_client::Client;
use sekretess_offline::{OfflineIdentity, Revealed, open_bundle};

use crate::backup::write_new_private;

#[derive(Subcommand, Debug)]
pub enum OfflineCmd {
    /// Make the offline key pair (on the air-gapped machine). Writes the identity (private
    /// key) to --out (a new file, mode 0600) and prints the public key (`age1…`) to put in
    /// the server's config: `[server.offline] recipient = "age1…"`.
    Keygen {
        /// Where to write the identity; a new file (e.g. on the offline machine's disk).
        #[arg(long)]
        out: PathBuf,
    },
    /// Export customers' restricted values through the server (an officer; scope
    /// offline:export; audited with the purpose). The bundle written to --out is sealed to
    /// the offline key: only `offline reveal` with the identity opens it.
    Export {
        #[arg(long)]
        group: String,
        /// Customer codes (one or more).
        #[arg(long = "customer", required = true, num_args = 1..)]
        customers: Vec<String>,
        /// Why the values are exported (recorded in the audit log).
        #[arg(long)]
        purpose: String,
        /// The bundle file to write (a new file, mode 0600).
        #[arg(long)]
        out: PathBuf,
    },
    /// Open a bundle with the offline identity, with no network and no server. The whole
    /// bundle must authenticate (one changed byte and nothing is shown), and every value
    /// must belong to the customer and field it is filed under. Each reveal is first
    /// appended to a local log (--log; what was revealed: bundle hash, export id, codes,
    /// field names, never a value); then the values are printed, or written to --out.
    Reveal {
        /// The bundle from `offline export`.
        bundle: PathBuf,
        /// The identity file from `offline keygen`.
        #[arg(long)]
        identity: PathBuf,
        /// Write the values as JSON to this new file (mode 0600) instead of printing them.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The local reveal log (appended; created mode 0600).
        #[arg(long, default_value = "sekretess-offline-reveal.log")]
        log: PathBuf,
    },
}

/// Whether the command runs without the server (and so without the network).
pub fn is_local(cmd: &OfflineCmd) -> bool {
    matches!(cmd, OfflineCmd::Keygen { .. } | OfflineCmd::Reveal { .. })
}

/// `keygen` and `reveal`: no client, no runtime, no network.
pub fn run_local(cmd: OfflineCmd) -> Result<()> {
    match cmd {
        OfflineCmd::Keygen { out } => {
            let (identity, text) = OfflineIdentity::generate();
            write_new_private(&out, text.as_bytes())?;
            eprintln!("offline identity written to {} (mode 0600); it never goes online", out.display());
            println!("{}", identity.recipient());
            Ok(())
        }
        OfflineCmd::Reveal { bundle, identity, out, log } => reveal(&bundle, &identity, out.as_deref(), &log),
        OfflineCmd::Export { .. } => bail!("offline export needs the server"),
    }
}

pub async fn run(client: &Client, cmd: OfflineCmd) -> Result<()> {
    let OfflineCmd::Export { group, customers, purpose, out } = cmd else {
        return run_local(cmd);
    };
    if out.exists() {
        bail!("{} exists; name a new file", out.display());
    }
    let req = sekretess_api::offline::OfflineExportRequest { group, customers, purpose };
    let answer = client.offline_export(&req).await?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&answer.bundle)
        .context("the server's bundle is not base64")?;
    write_new_private(&out, &bytes)?;
    println!(
        "bundle {} written to {}: {} customers, {} restricted values, sealed to the offline key",
        answer.export_id,
        out.display(),
        answer.customers,
        answer.values
    );
    Ok(())
}

fn reveal(bundle: &Path, identity: &Path, out: Option<&Path>, log: &Path) -> Result<()> {
    let key = zeroize::Zeroizing::new(
        std::fs::read_to_string(identity).with_context(|| format!("cannot read {}", identity.display()))?,
    );
    let identity = OfflineIdentity::parse(&key).context("the identity file")?;
    let bytes = std::fs::read(bundle).with_context(|| format!("cannot read {}", bundle.display()))?;
    let revealed = open_bundle(&identity, &bytes).with_context(|| format!("refused {}", bundle.display()))?;
    if let Some(path) = out
        && path.exists()
    {
        bail!("{} exists; name a new file", path.display());
    }
    // On the local record before any value is shown or written.
    append_log(log, &revealed, out)?;
    match out {
        Some(path) => {
            let json = zeroize::Zeroizing::new(serde_json::to_vec_pretty(&values_json(&revealed))?);
            write_new_private(path, &json)?;
            eprintln!("values written to {} (mode 0600); reveal logged in {}", path.display(), log.display());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            for c in &revealed.customers {
                for (field, value) in &c.fields {
                    writeln!(stdout, "{}\t{}\t{}", c.code, field, value.as_str())?;
                }
            }
            eprintln!("reveal logged in {}", log.display());
        }
    }
    Ok(())
}

fn values_json(r: &Revealed) -> serde_json::Value {
    let customers: Vec<serde_json::Value> = r
        .customers
        .iter()
        .map(|c| {
            let fields: serde_json::Map<String, serde_json::Value> =
                c.fields.iter().map(|(n, v)| (n.clone(), serde_json::Value::String(v.to_string()))).collect();
            serde_json::json!({ "code": c.code, "fields": fields })
        })
        .collect();
    serde_json::json!({ "export_id": r.export_id, "group": r.group, "customers": customers })
}

/// Appends one JSON line to the local reveal log: when, which bundle (SHA-256 and export
/// id), its group, exporter and purpose, the codes and field names revealed, and where they
/// went. Never a value.
fn append_log(log: &Path, r: &Revealed, out: Option<&Path>) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let customers: Vec<serde_json::Value> = r
        .customers
        .iter()
        .map(|c| {
            let names: Vec<&str> = c.fields.iter().map(|(n, _)| n.as_str()).collect();
            serde_json::json!({ "code": c.code, "fields": names })
        })
        .collect();
    let line = serde_json::json!({
        "revealed_at": now,
        "bundle_sha256": r.bundle_sha256,
        "export_id": r.export_id,
        "group": r.group,
        "exported_by": r.exported_by,
        "exported_at": r.created_at,
        "purpose": r.purpose,
        "customers": customers,
        "output": out.map_or_else(|| "stdout".to_owned(), |p| p.display().to_string()),
    });
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(log)
        .with_context(|| format!("cannot write the reveal log {}", log.display()))?;
    writeln!(f, "{line}")
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", log.display()))
}
