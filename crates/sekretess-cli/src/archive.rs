//! `sekretess archive`: file documents in the vault's archive (redacted by the server, known
//! customers replaced by their codes), list them by customer code, fetch and delete them.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use sekretess_api::documents::Document;
use sekretess_client::Client;
use sekretess_core::clock::civil_date;

#[derive(Subcommand)]
pub enum ArchiveCmd {
    /// File documents: each is redacted by the server (known customers become their codes,
    /// other personal data is blacked out) and only the redacted copy is kept, encrypted, in
    /// the group's own store.
    ///
    /// Folders are walked (hidden files and folders are skipped). Several uploads run at
    /// once (--jobs). A progress bar shows on a terminal; otherwise one line per file. The
    /// summary lists the customer codes found and the files refused (e.g. a scanned image,
    /// which cannot be inspected, is never filed). Exit code 1 if any file was refused.
    Add(AddArgs),
    /// List the documents linked to a customer code (in the groups you reach). The
    /// documents of an erased customer are still listed by their code.
    List(ListArgs),
    /// Download a document's redacted copy to a file (written whole or not at all).
    Get(GetArgs),
    /// Delete a document (its encrypted copy and its links).
    Delete(DeleteArgs),
}

#[derive(Args)]
pub struct AddArgs {
    /// Files and folders to file.
    #[arg(required = true, value_name = "FILES|DIRS")]
    pub paths: Vec<PathBuf>,
    /// The customer group to file them in.
    #[arg(long)]
    pub group: String,
    /// A customer code to link to every file, besides the customers found in it
    /// (repeatable; each must be a customer of the group).
    #[arg(long = "customer", value_name = "CODE")]
    pub customers: Vec<String>,
    /// Uploads in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
}

#[derive(Args)]
pub struct ListArgs {
    /// The customer code, e.g. K7Q4-M92D-J3X8.
    #[arg(long = "customer", value_name = "CODE")]
    pub customer: String,
}

#[derive(Args)]
pub struct GetArgs {
    /// The document id (doc_…), as `archive add` and `archive list` print it.
    pub id: String,
    /// Where to write the redacted copy (replaced only once the download is complete).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct DeleteArgs {
    /// The document id (doc_…).
    pub id: String,
}

pub async fn archive(client: &Client, cmd: ArchiveCmd, json: bool) -> Result<bool> {
    match cmd {
        ArchiveCmd::Add(a) => add(client, a, json).await,
        ArchiveCmd::List(a) => list(client, a, json).await.map(|()| true),
        ArchiveCmd::Get(a) => get(client, a, json).await.map(|()| true),
        ArchiveCmd::Delete(a) => {
            client.delete_document(&a.id).await?;
            if json {
                println!("{}", serde_json::json!({"deleted": a.id}));
            } else {
                println!("deleted {}", a.id);
            }
            Ok(true)
        }
    }
}

/// Files under `root` (itself if a file), sorted, hidden entries skipped.
fn collect(root: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::metadata(root).with_context(|| format!("cannot read {}", root.display()))?;
    if meta.is_file() {
        out.push(root.to_owned());
        return Ok(());
    }
    if !meta.is_dir() {
        bail!("{} is neither a file nor a folder", root.display());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root)
        .with_context(|| format!("cannot list {}", root.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')) {
            continue;
        }
        collect(&p, out)?;
    }
    Ok(())
}

/// A content type from the file's extension (the server reads the content itself).
fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "log" | "md" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "ndjson" | "jsonl" => "application/x-ndjson",
        "html" | "htm" => "text/html",
        "eml" => "message/rfc822",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        _ => "application/octet-stream",
    }
}

/// What became of one file.
type Outcome = (PathBuf, Result<Document, String>);

async fn add(client: &Client, a: AddArgs, json: bool) -> Result<bool> {
    let mut files = Vec::new();
    for p in &a.paths {
        collect(p, &mut files)?;
    }
    let terminal = std::io::stderr().is_terminal() && !json;
    let bar = terminal.then(|| {
        let b = indicatif::ProgressBar::new(files.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files {per_sec} {msg}",
        ) {
            b.set_style(style);
        }
        b
    });
    let started = std::time::Instant::now();
    let slots = Arc::new(tokio::sync::Semaphore::new(usize::from(a.jobs)));
    let customers = Arc::new(a.customers);
    let mut tasks = tokio::task::JoinSet::new();
    let total = files.len();
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(total);
    for path in files {
        let permit = Arc::clone(&slots).acquire_owned().await?;
        let (client, group, customers) = (client.clone(), a.group.clone(), Arc::clone(&customers));
        tasks.spawn(async move {
            let _permit = permit;
            let result = match tokio::fs::read(&path).await {
                Err(e) => Err(format!("cannot read: {e}")),
                Ok(body) => {
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                    client
                        .file_document(&group, name.as_deref(), Some(content_type(&path)), body, &customers)
                        .await
                        .map_err(|e| e.to_string())
                }
            };
            (path, result)
        });
        // Report what finished meanwhile.
        while let Some(done) = tasks.try_join_next() {
            let done = done?;
            report_line(&done, bar.as_ref(), json);
            outcomes.push(done);
        }
    }
    while let Some(done) = tasks.join_next().await {
        let done = done?;
        report_line(&done, bar.as_ref(), json);
        outcomes.push(done);
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    Ok(summary(outcomes, total, started.elapsed(), json))
}

fn report_line((path, result): &Outcome, bar: Option<&indicatif::ProgressBar>, json: bool) {
    match (bar, json) {
        (Some(b), _) => {
            b.inc(1);
            if let Err(e) = result {
                b.println(format!("refused {}: {e}", path.display()));
            }
        }
        (None, true) => {}
        (None, false) => match result {
            Ok(d) => println!("filed {} {} codes: {}", path.display(), d.id, list_or_none(&d.codes)),
            Err(e) => eprintln!("refused {}: {e}", path.display()),
        },
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() { "-".to_owned() } else { items.join(", ") }
}

fn summary(mut outcomes: Vec<Outcome>, total: usize, elapsed: std::time::Duration, json: bool) -> bool {
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    let codes: BTreeSet<&String> =
        outcomes.iter().filter_map(|(_, r)| r.as_ref().ok()).flat_map(|d| &d.codes).collect();
    let refused: Vec<(&PathBuf, &String)> =
        outcomes.iter().filter_map(|(p, r)| r.as_ref().err().map(|e| (p, e))).collect();
    let filed = outcomes.len() - refused.len();
    let secs = elapsed.as_secs_f64().max(1e-9);
    if json {
        let docs: Vec<serde_json::Value> = outcomes
            .iter()
            .filter_map(|(p, r)| {
                r.as_ref().ok().map(|d| serde_json::json!({"file": p.display().to_string(), "document": d}))
            })
            .collect();
        let refused_json: Vec<serde_json::Value> = refused
            .iter()
            .map(|(p, e)| serde_json::json!({"file": p.display().to_string(), "reason": e}))
            .collect();
        let v = serde_json::json!({
            "files": total, "filed": filed, "refused": refused_json, "codes": codes,
            "documents": docs, "seconds": secs,
        });
        println!("{v}");
    } else {
        println!(
            "filed {filed} of {total} files in {:.2} s ({:.1} documents/s); {} refused",
            secs,
            filed as f64 / secs,
            refused.len()
        );
        let codes: Vec<String> = codes.into_iter().cloned().collect();
        println!("customer codes: {}", list_or_none(&codes));
        for (p, e) in &refused {
            println!("refused {}: {e}", p.display());
        }
    }
    refused.is_empty()
}

async fn list(client: &Client, a: ListArgs, json: bool) -> Result<()> {
    let docs = client.list_documents(&a.customer).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&docs)?);
        return Ok(());
    }
    if docs.is_empty() {
        println!("no documents");
        return Ok(());
    }
    let date = |t: i64| {
        let (y, m, d) = civil_date(t);
        format!("{y:04}-{m:02}-{d:02}")
    };
    let rows: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            vec![
                d.id.clone(),
                d.group.clone(),
                date(d.filed_at),
                d.size.to_string(),
                d.retain_until.map(date).unwrap_or_else(|| "-".into()),
                d.name.clone(),
                d.codes.join(","),
            ]
        })
        .collect();
    crate::admin::table(&["id", "group", "filed", "bytes", "keep until", "name", "codes"], &rows);
    Ok(())
}

async fn get(client: &Client, a: GetArgs, json: bool) -> Result<()> {
    let dir = match a.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    let got = client.download_document(&a.id, tmp.as_file_mut()).await?;
    tmp.as_file_mut().flush()?;
    tmp.as_file().sync_all().context("cannot write the download to disk")?;
    tmp.persist(&a.out).with_context(|| format!("cannot write {}", a.out.display()))?;
    if json {
        println!(
            "{}",
            serde_json::json!({"id": a.id, "out": a.out.display().to_string(), "bytes": got.size})
        );
    } else {
        println!("wrote {} ({} bytes) to {}", a.id, got.size, a.out.display());
    }
    Ok(())
}
