//! `sekretess restore`: a backup into an empty data folder or an empty PostgreSQL database.
//!
//! Two passes over the file. The first decrypts and checks all of it (a wrong identity, a
//! changed byte or a cut-off tail stops the restore here, before anything is written); the
//! erasure journals are checked against the key the backup carries. The second writes: into
//! a new folder beside the target that is renamed into place at the end (SQLite), or into
//! the empty database (PostgreSQL). Erased customers are left out. The restored vault
//! starts sealed and opens with the original unseal shares.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use sekretess_core::backup::journal::{Erasure, Journal};
use sekretess_core::backup::restore;
use sekretess_core::backup::{Header, RestoreTarget};
use sekretess_store::{PgOptions, PgStore, SqliteStore};

use super::{check_file, items, print_summary, read_identity};

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file.
    #[arg(long)]
    from: PathBuf,
    /// The backup identity file (AGE-SECRET-KEY-1…), from the locked room.
    #[arg(long)]
    identity: PathBuf,
    /// Erasure journals (`sekretess backup erasures`, or the .erasures.json beside a
    /// scheduled backup). Every customer listed is left out of the restored vault. Give the
    /// newest journal you have.
    #[arg(long = "erasures")]
    erasures: Vec<PathBuf>,
    /// Acknowledge that no customer was erased after the backup was taken: restore without
    /// a journal newer than the backup.
    #[arg(long = "no-erasures-since")]
    no_erasures_since: bool,
    /// Restore into this data folder (SQLite): it must not exist or be empty.
    #[arg(long, conflicts_with = "store")]
    data: Option<PathBuf>,
    /// Restore into this empty PostgreSQL database (postgres://user@host:port/db; the
    /// password from PGPASSWORD or ~/.pgpass). Groups are placed in it.
    #[arg(long)]
    store: Option<String>,
}

/// Checks the journals against the backup and decides which customers stay erased.
fn erasures(header: &Header, backup_erasures: &[Erasure], args: &RestoreArgs) -> Result<Vec<Erasure>> {
    let mut newest: Option<i64> = None;
    let mut all: Vec<Erasure> = backup_erasures.to_vec();
    for path in &args.erasures {
        let text = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let journal = Journal::parse(&text).with_context(|| format!("{}", path.display()))?;
        journal
            .verify(&header.journal_key, &header.key_id)
            .with_context(|| format!("{} is refused", path.display()))?;
        newest = newest.max(Some(journal.created_at));
        all.extend(journal.entries);
    }
    all.sort_by(|a, b| a.code.cmp(&b.code).then(a.erased_at.cmp(&b.erased_at)));
    all.dedup_by(|a, b| a.code == b.code);
    match newest {
        Some(t) if t >= header.created_at => {}
        Some(t) if !args.no_erasures_since => bail!(
            "the newest erasure journal given was made at {t}, before the backup ({}): erasures made after the \
             backup are missing. Give a journal made after the backup (sekretess backup erasures), or \
             acknowledge with --no-erasures-since that no customer was erased since; nothing was written",
            header.created_at
        ),
        None if !args.no_erasures_since => bail!(
            "missing: the erasures made after this backup was taken (at {}). The backup itself holds {} \
             erasures; customers erased later would come back. Give the newest erasure journal with \
             --erasures FILE (sekretess backup erasures, or the .erasures.json beside the newest scheduled \
             backup), or acknowledge with --no-erasures-since that no customer was erased since; nothing \
             was written",
            header.created_at,
            backup_erasures.len()
        ),
        _ => {}
    }
    Ok(all)
}

pub async fn run(args: RestoreArgs) -> Result<()> {
    let identity = read_identity(&args.identity)?;
    let summary = check_file(&args.from, &identity)?;
    print_summary(&summary);
    let journal = erasures(&summary.header, &summary.erasures, &args)?;
    let total: u64 = summary.manifest.groups.values().map(|g| g.customers).sum();
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} customers {per_sec} eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let progress = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    match (&args.data, &args.store) {
        (Some(dir), None) => restore_sqlite(&args, &identity, dir, &journal, &progress).await?,
        (None, Some(url)) => {
            if crate::config::url_has_password(url) {
                bail!("a password on the command line is visible to every user: use PGPASSWORD or ~/.pgpass");
            }
            let store = PgStore::open_with(PgOptions::new(url))
                .await
                .context("cannot open the PostgreSQL database")?;
            if !store.is_empty().await? {
                bail!(
                    "the PostgreSQL database is not empty; restore only into an empty one (nothing was written)"
                );
            }
            let result = import(&store, &args, &identity, &journal, &progress).await;
            store.close().await;
            result.context(
                "the restore failed part way: the database holds a partial restore; drop it (and its group \
                 databases) before trying again",
            )?;
        }
        _ => bail!("name the target: --data DIR (SQLite) or --store postgres://… (PostgreSQL)"),
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    println!(
        "restored; {} erasures on record, their customers left out. The vault starts sealed: start the \
         server on it and unseal it with the original shares",
        journal.len()
    );
    Ok(())
}

async fn import<T: RestoreTarget>(
    store: &T,
    args: &RestoreArgs,
    identity: &sekretess_crypto::backup::BackupIdentity,
    journal: &[Erasure],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<()> {
    restore::import(store, items(&args.from, identity)?, journal, progress)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn restore_sqlite(
    args: &RestoreArgs,
    identity: &sekretess_crypto::backup::BackupIdentity,
    dir: &Path,
    journal: &[Erasure],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty; restore only into an empty data folder (nothing was written)",
                dir.display()
            );
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = dir.file_name().context("the data folder needs a name")?.to_string_lossy().into_owned();
    let tmp = parent.join(format!(".{name}.restoring-{}", std::process::id()));
    let result = async {
        let store = SqliteStore::open(&tmp).await?;
        let done = import(&store, args, identity, journal, progress).await;
        store.close().await;
        done
    }
    .await;
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e.context("the restore failed; nothing was written"));
    }
    // Replaces the empty folder (rename(2) takes an empty directory's place).
    if let Err(e) = std::fs::rename(&tmp, dir) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(
            anyhow::Error::from(e).context(format!("cannot move the restored vault to {}", dir.display()))
        );
    }
    Ok(())
}
