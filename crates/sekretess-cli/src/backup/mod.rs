//! `sekretess backup …` and `sekretess restore`: the locked room.
//!
//! keygen makes an age identity (kept offline) and prints its recipient (configured on the
//! server); create and erasures go through the server's API; verify and restore work on
//! the file alone, with the identity read from a file (never from argv).

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use sekretess_client::Client;
use sekretess_core::StoreError;
use sekretess_core::backup::Item;
use sekretess_core::backup::restore::{self, Summary};
use sekretess_crypto::backup::{self as age_backup, BackupIdentity};

mod restore_cmd;

pub use restore_cmd::{RestoreArgs, run as restore};

#[derive(Debug, Subcommand)]
pub enum BackupCmd {
    /// Make a backup identity (age X25519) for the locked room and print its recipient.
    /// The identity is written to --out-file (created with mode 0600, never overwritten),
    /// or printed once to standard output. Put the recipient in the server's
    /// [server.backup] recipients; keep the identity offline.
    Keygen {
        /// Where to write the identity (e.g. on removable media); a new file.
        #[arg(long = "out-file")]
        out_file: Option<PathBuf>,
    },
    /// Take a backup through the server (POST /v1/sys/backup) while it keeps serving, and
    /// write the encrypted file to --out (through a temporary file: a failed backup leaves
    /// nothing behind). Needs the sys:backup scope.
    Create {
        #[arg(long)]
        out: PathBuf,
    },
    /// Decrypt a backup with the identity and check it without restoring: every table's
    /// count against the manifest, the audit log's sequence and head. Exit 0 when good.
    Verify {
        /// The backup file.
        file: PathBuf,
        /// The backup identity file (AGE-SECRET-KEY-1…).
        #[arg(long)]
        identity: PathBuf,
    },
    /// Export the erasure journal (codes and times of erased customers, authenticated; no
    /// values) to --out. Give the newest one to `sekretess restore --erasures`.
    Erasures {
        #[arg(long)]
        out: PathBuf,
    },
}

/// The commands that need no server: keygen and verify.
pub fn run_offline(cmd: BackupCmd) -> Result<()> {
    match cmd {
        BackupCmd::Keygen { out_file } => keygen(out_file.as_deref()),
        BackupCmd::Verify { file, identity } => {
            let identity = read_identity(&identity)?;
            let summary = check_file(&file, &identity)?;
            print_summary(&summary);
            println!("backup verified: it decrypts, authenticates and matches its manifest");
            Ok(())
        }
        other => bail!("{other:?} needs the server"),
    }
}

pub async fn run(client: &Client, cmd: BackupCmd) -> Result<()> {
    match cmd {
        BackupCmd::Create { out } => create(client, &out).await,
        BackupCmd::Erasures { out } => {
            let json = client.erasure_journal().await?;
            let journal = sekretess_core::backup::journal::Journal::parse(&json)
                .context("the server's answer is not an erasure journal")?;
            write_new_private(&out, &json)?;
            println!(
                "erasure journal written to {}: {} erasures, made at {} (keep it with the backups)",
                out.display(),
                journal.entries.len(),
                journal.created_at
            );
            Ok(())
        }
        other => run_offline(other),
    }
}

fn keygen(out: Option<&Path>) -> Result<()> {
    let (identity, recipient) = age_backup::generate_identity();
    let text = zeroize::Zeroizing::new(format!(
        "# sekretess backup identity: keep offline, in the locked room\n# recipient: {recipient}\n{}\n",
        identity.as_str()
    ));
    match out {
        Some(path) => {
            write_new_private(path, text.as_bytes())?;
            eprintln!("identity written to {} (mode 0600)", path.display());
        }
        None => {
            println!("{}", text.as_str().trim_end());
            eprintln!("this identity is shown once: store it offline now");
        }
    }
    println!("recipient: {recipient}");
    Ok(())
}

async fn create(client: &Client, out: &Path) -> Result<()> {
    let tmp = partial_path(out);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {bytes} written ({bytes_per_sec})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b
    });
    let result = client
        .backup_to(&mut file, &mut |n| {
            if let Some(b) = &bar {
                b.set_position(n);
            }
        })
        .await;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let written = match result.map_err(anyhow::Error::from).and_then(|n| {
        file.sync_all()?;
        Ok(n)
    }) {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.context("the backup failed; nothing was kept"));
        }
    };
    if out.exists() {
        let _ = std::fs::remove_file(&tmp);
        bail!("{} exists; not overwritten", out.display());
    }
    std::fs::rename(&tmp, out)?;
    println!("backup written to {} ({written} bytes, age-encrypted)", out.display());
    Ok(())
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

/// Writes a new file of mode 0600 (refusing to overwrite), through a temporary file.
pub(crate) fn write_new_private(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.exists() {
        bail!("{} exists; not overwritten", path.display());
    }
    let tmp = partial_path(path);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    if let Err(e) = f.write_all(bytes).and_then(|()| f.sync_all()) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Reads an identity file (warning when others may read it).
pub(crate) fn read_identity(path: &Path) -> Result<BackupIdentity> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.permissions().mode() & 0o077 != 0 {
        eprintln!("warning: {} can be read by other users; keep identities mode 0600", path.display());
    }
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?,
    );
    Ok(BackupIdentity::parse(&text)?)
}

/// The items of an encrypted backup, decrypted and parsed as they are read. A chunk that
/// does not authenticate, or a missing last chunk, is an error item.
pub(crate) fn items(
    path: &Path,
    identity: &BackupIdentity,
) -> Result<impl Iterator<Item = Result<Item, StoreError>>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader = age_backup::open(identity, BufReader::with_capacity(1 << 20, file)).map_err(|e| {
        anyhow::anyhow!("{e}: the wrong identity, or not a sekretess backup (nothing was written)")
    })?;
    let lines = BufReader::with_capacity(1 << 20, reader).split(b'\n');
    Ok(lines.map(|line| match line {
        Ok(l) => Item::from_line(&l),
        Err(_) => {
            Err(StoreError::Corrupt("the file does not authenticate: it was changed or cut short".into()))
        }
    }))
}

/// Decrypts and checks a whole backup file (writes nothing).
pub(crate) fn check_file(path: &Path, identity: &BackupIdentity) -> Result<Summary> {
    let summary = restore::check(items(path, identity)?)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("{} is not a good backup", path.display()))?;
    Ok(summary)
}

pub(crate) fn print_summary(s: &Summary) {
    println!(
        "backup of vault {} taken at {} (from {})",
        s.header.key_id, s.header.created_at, s.header.source
    );
    for (what, n) in restore::describe(&s.manifest) {
        println!("  {what}: {n}");
    }
    match &s.manifest.audit_head {
        Some((seq, mac)) => println!("  audit head: {seq} {mac}"),
        None => println!("  audit head: none"),
    }
}
