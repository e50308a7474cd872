//! `sekretess audit`: verify the audit chain, export a checkpoint, the verification key, or
//! entries.
//!
//! `verify` and `checkpoint` ask the server by default (scope `audit:read`). With
//! `--key-file` they work offline instead, reading the store directly: a SQLite data folder
//! (`--data`; safe while a server runs, WAL readers do not block it) or a PostgreSQL control
//! database (`--store`, or SEKRETESS_STORE; no password in argv: use PGPASSWORD or
//! ~/.pgpass). The key file comes from `audit export-key`, which a security officer runs on
//! purpose (the export is on record). `export` always reads the store.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use sekretess_client::Client;
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
    /// Asks the server (scope audit:read), or, with --key-file, reads the store itself
    /// (--data or --store) and verifies offline.
    ///
    /// Exit codes: 0 intact; 1 tampered or truncated (the first bad sequence number is
    /// named); 2 usage or input error; 3-7 as for other commands talking to the server.
    Verify {
        #[command(flatten)]
        source: Source,
        /// Verify offline with this file of audit verification keys (`sekretess-audit-key-v1:…`,
        /// one line per audit key epoch, from `audit export-key`); needs --data or --store.
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// A checkpoint written earlier by `audit checkpoint`: a chain cut off before the
        /// entry it names is reported as truncated.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Print a signed checkpoint (head sequence number and MAC) to keep outside the vault.
    ///
    /// Asks the server (scope audit:read), or, with --key-file, reads the store itself.
    Checkpoint {
        #[command(flatten)]
        source: Source,
        /// Make the checkpoint offline with this audit verification key; needs --data or
        /// --store.
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// Export the audit verification key for offline verification, into a new file of mode
    /// 0600 (a security officer; the export is on record). Whoever holds the key can also
    /// make entries that verify: keep it as carefully as an unseal share.
    ExportKey {
        /// The file to create (refused if it exists).
        #[arg(long)]
        out: PathBuf,
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

fn read_checkpoint(path: &Path) -> Result<(String, Checkpoint)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the checkpoint {}", path.display()))?;
    let parsed =
        Checkpoint::parse_text(&text).with_context(|| format!("{} is not a checkpoint", path.display()))?;
    Ok((text, parsed))
}

/// Writes `text` into a new file of mode 0600, whole or not at all.
fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    if path.exists() {
        bail!("{} exists; name a new file", path.display());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o600))?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// The server's answer to a verification, as the offline verdict prints it.
fn report(v: &sekretess_api::audit::AuditVerification) -> ExitCode {
    match v.status.as_str() {
        "intact" => {
            println!("audit chain intact: {}", v.detail);
            ExitCode::SUCCESS
        }
        "truncated" => {
            println!("audit chain TRUNCATED: {}", v.detail);
            ExitCode::from(1)
        }
        _ if v.seq == 0 => {
            println!("audit chain BROKEN: {}", v.detail);
            ExitCode::from(1)
        }
        _ => {
            println!("audit chain BROKEN at entry {}: {}", v.seq, v.detail);
            ExitCode::from(1)
        }
    }
}

pub fn run(args: AuditArgs, client: impl FnOnce() -> Result<Client>) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        match args.command {
            AuditCommand::Verify { source: _, key_file: None, checkpoint } => {
                let c = client()?;
                let verdict = match checkpoint {
                    None => c.audit_verify().await?,
                    Some(path) => c.audit_verify_checkpoint(&read_checkpoint(&path)?.0).await?,
                };
                Ok(report(&verdict))
            }
            AuditCommand::Checkpoint { source: _, key_file: None } => {
                let cp = client()?.audit_checkpoint().await?;
                println!("{}", cp.checkpoint);
                Ok(ExitCode::SUCCESS)
            }
            AuditCommand::ExportKey { out } => {
                if out.exists() {
                    bail!("{} exists; name a new file", out.display());
                }
                let key = client()?.audit_export_key().await?;
                write_private(&out, &zeroize::Zeroizing::new(key.key))?;
                println!("wrote the audit verification key to {} (mode 0600)", out.display());
                Ok(ExitCode::SUCCESS)
            }
            AuditCommand::Verify { source, key_file: Some(key_file), checkpoint } => {
                let key = read_key(&key_file)?;
                let checkpoint = match checkpoint {
                    None => None,
                    Some(path) => Some(read_checkpoint(&path)?.1),
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
            AuditCommand::Checkpoint { source, key_file: Some(key_file) } => {
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
                            "group": e.group, "fields": e.fields,
                            // Written with dashes, as the API and every other output write codes.
                            "customer": e.customer.as_deref().map(|c| {
                                sekretess_core::CustomerCode::parse(c).map_or_else(|_| c.to_owned(), |c| c.to_string())
                            }),
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
