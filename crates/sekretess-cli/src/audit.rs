//! `sekretess audit`: verify the audit chain, export a checkpoint, export entries.
//!
//! These read the store directly: a SQLite data folder (`--data`; safe while a server runs,
//! WAL readers do not block it) or a PostgreSQL control database (`--store`, or
//! SEKRETESS_STORE; no password in argv: use PGPASSWORD or ~/.pgpass). Verification needs
//! the audit verification key, from a file (never argv): a security officer exports it
//! from the unsealed vault for the auditors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use sekretess_core::audit::{AuditKeyring, AuditStore, Checkpoint, Verdict, verify_epochs};
use sekretess_store::{PgStore, SqliteStore};

/// Where the audit log is: a SQLite data folder or a PostgreSQL control database.
#[derive(Args)]
struct Source {
    /// The vault's SQLite data folder.
    #[arg(long, env = "SEKRETESS_DATA", conflicts_with = "store")]
    data: Option<PathBuf>,
    /// The PostgreSQL control database URL (`postgres://user@host/db`, without a password).
    #[arg(long, env = "SEKRETESS_STORE")]
    store: Option<String>,
}

enum Opened {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

#[derive(Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the whole HMAC chain; with --checkpoint, also that no newer entries were cut off.
    ///
    /// Exit codes: 0 intact; 1 tampered or truncated (the first bad sequence number is
    /// named); 2 usage or input error.
    Verify {
        #[command(flatten)]
        source: Source,
        /// File holding the audit verification keys (`sekretess-audit-key-v1:…`, one line per
        /// audit key epoch, as the vault exports them).
        #[arg(long)]
        key_file: PathBuf,
        /// A checkpoint written earlier by `audit checkpoint`.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Print a signed checkpoint (head sequence number and MAC) to keep outside the vault.
    Checkpoint {
        #[command(flatten)]
        source: Source,
        #[arg(long)]
        key_file: PathBuf,
    },
    /// Stream entries as JSON lines (for a SIEM). Entries hold codes and field names,
    /// never values.
    Export {
        #[command(flatten)]
        source: Source,
        /// First sequence number to export.
        #[arg(long, default_value_t = 1)]
        since: u64,
        /// Output format (only jsonl).
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl"])]
        format: String,
    },
}

async fn open(source: &Source) -> Result<Opened> {
    match (&source.data, &source.store) {
        (Some(data), None) => {
            if !data.join("control.db").is_file() {
                bail!("{} is not a Sekretess data folder (no control.db)", data.display());
            }
            Ok(Opened::Sqlite(
                SqliteStore::open(data).await.with_context(|| format!("opening {}", data.display()))?,
            ))
        }
        (None, Some(url)) => {
            if crate::config::url_has_password(url) {
                bail!("a password on the command line is visible to every user: use PGPASSWORD or ~/.pgpass");
            }
            Ok(Opened::Postgres(PgStore::open(url).await.context("opening the PostgreSQL control database")?))
        }
        _ => bail!("name the store: --data DIR (SQLite) or --store postgres://… (PostgreSQL)"),
    }
}

/// Runs `f` on whichever store was opened.
macro_rules! with_store {
    ($opened:expr, |$s:ident| $body:expr) => {
        match $opened {
            Opened::Sqlite($s) => $body,
            Opened::Postgres($s) => $body,
        }
    };
}

/// The key file: one audit key per epoch (`sekretess-audit-key-v1:<hex>`, later epochs with
/// ` epoch=N`), as the vault exports it.
fn read_key(path: &Path) -> Result<AuditKeyring> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path).with_context(|| format!("reading the key file {}", path.display()))?,
    );
    AuditKeyring::parse_text(&text).with_context(|| {
        format!("{} does not hold an audit verification key (one line per epoch)", path.display())
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn run(args: AuditArgs) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        match args.command {
            AuditCommand::Verify { source, key_file, checkpoint } => {
                let key = read_key(&key_file)?;
                let checkpoint = match checkpoint {
                    None => None,
                    Some(path) => {
                        let text = std::fs::read_to_string(&path)
                            .with_context(|| format!("reading the checkpoint {}", path.display()))?;
                        Some(Checkpoint::parse_text(&text).with_context(|| format!("{} is not a checkpoint", path.display()))?)
                    }
                };
                let opened = open(&source).await?;
                let verdict = with_store!(&opened, |s| verify_epochs(s, &key, checkpoint.as_ref()).await?);
                Ok(match verdict {
                    Verdict::Intact { head } => {
                        println!("audit chain intact: entries 1 to {head} verify");
                        ExitCode::SUCCESS
                    }
                    Verdict::BrokenAt { seq, reason } => {
                        println!("audit chain BROKEN at entry {seq}: {reason}");
                        ExitCode::from(1)
                    }
                    Verdict::Truncated { head, checkpoint } => {
                        println!("audit chain TRUNCATED: it ends at entry {head}, the checkpoint names entry {checkpoint}");
                        ExitCode::from(1)
                    }
                    Verdict::ForeignCheckpoint => {
                        println!("the checkpoint was not made with this vault's audit key (or was edited)");
                        ExitCode::from(1)
                    }
                })
            }
            AuditCommand::Checkpoint { source, key_file } => {
                let key = read_key(&key_file)?;
                let opened = open(&source).await?;
                let head = with_store!(&opened, |s| s.audit_head().await?);
                let (seq, mac) = head.unwrap_or((0, sekretess_core::audit::GENESIS_MAC));
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
                println!("{}", Checkpoint::new(&key.current(), seq, mac, now).to_text());
                Ok(ExitCode::SUCCESS)
            }
            AuditCommand::Export { source, since, format: _ } => {
                let opened = open(&source).await?;
                let mut from = since.max(1);
                loop {
                    let page = with_store!(&opened, |s| s.audit_read(from, 1000).await?);
                    let Some(last) = page.last() else { break };
                    from = last.seq + 1;
                    for e in &page {
                        // serde_json escapes every control character: one entry, one line.
                        let line = serde_json::json!({
                            "seq": e.seq, "time": e.time, "actor": e.actor, "action": e.action,
                            "group": e.group, "customer": e.customer, "fields": e.fields,
                            "purpose": e.purpose, "outcome": e.outcome.as_str(),
                            "request_id": e.request_id, "origin": e.origin, "mac": hex(&e.mac),
                        });
                        println!("{line}");
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}
