//! `import`: customers from a CSV or NDJSON file, in batches.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use sekretess_api as api;
use sekretess_client::Client;
use zeroize::Zeroizing;

use super::{Out, parse_json};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    Csv,
    Ndjson,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV (header row = field names) or NDJSON (one JSON object of fields per line).
    pub file: PathBuf,
    #[arg(long)]
    pub group: String,
    /// [default: from the file name's extension]
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,
    /// Customers per request.
    #[arg(long, default_value_t = 500)]
    pub batch: usize,
}

/// Reads customers and sends them in batches, one request at a time so that the first of
/// two lines with the same unique value is the one created; returns whether all were.
pub async fn import(c: &Client, args: ImportArgs, out: &Out) -> Result<bool> {
    let format = match args.format {
        Some(f) => f,
        None => match args.file.extension().and_then(|e| e.to_str()) {
            Some("csv") => ImportFormat::Csv,
            Some("ndjson" | "jsonl") => ImportFormat::Ndjson,
            _ => bail!("cannot tell the format of {}: add --format csv|ndjson", args.file.display()),
        },
    };
    let batch_size = args.batch.clamp(1, 1000);
    let mut records: Vec<(usize, BTreeMap<String, String>)> = Vec::new();
    match format {
        ImportFormat::Csv => {
            let mut rdr = csv::Reader::from_path(&args.file)
                .with_context(|| format!("cannot read {}", args.file.display()))?;
            let headers = rdr.headers().context("the CSV has no header row")?.clone();
            for (i, rec) in rdr.records().enumerate() {
                let rec = rec.map_err(|_| anyhow::anyhow!("CSV record {} is malformed", i + 1))?;
                let fields = headers
                    .iter()
                    .zip(rec.iter())
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(h, v)| (h.to_owned(), v.to_owned()))
                    .collect();
                records.push((i + 2, fields));
            }
        }
        ImportFormat::Ndjson => {
            let text = Zeroizing::new(
                std::fs::read_to_string(&args.file)
                    .with_context(|| format!("cannot read {}", args.file.display()))?,
            );
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                records.push((i + 1, parse_json(line, &format!("line {}", i + 1))?));
            }
        }
    }
    let bar = if std::io::stderr().is_terminal() && !out.json {
        let b = indicatif::ProgressBar::new(records.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} customers {per_sec} eta {eta}")
        {
            b.set_style(style);
        }
        Some(b)
    } else {
        None
    };
    let (mut created, mut failed) = (0usize, 0usize);
    let mut results = Vec::new();
    for chunk in records.chunks(batch_size) {
        let req = api::CreateCustomers {
            group: args.group.clone(),
            customers: chunk.iter().map(|(_, f)| api::BatchItem { fields: f.clone() }).collect(),
        };
        let resp = c.create_customers(&req).await?;
        for ((line, _), r) in chunk.iter().zip(resp.results) {
            match (&r.code, &r.problem) {
                (Some(code), _) => {
                    created += 1;
                    results.push(serde_json::json!({"line": line, "code": code}));
                }
                (None, p) => {
                    failed += 1;
                    let kind = p.as_ref().map(|p| p.kind().to_owned()).unwrap_or_default();
                    let detail = p.as_ref().and_then(|p| p.detail.clone()).unwrap_or_default();
                    if !out.json {
                        let msg = format!("line {line}: {kind}: {detail}");
                        match &bar {
                            Some(b) => b.println(msg),
                            None => eprintln!("{msg}"),
                        }
                    }
                    results.push(serde_json::json!({"line": line, "problem": p}));
                }
            }
        }
        if let Some(b) = &bar {
            b.inc(chunk.len() as u64);
        } else if !out.json {
            eprintln!("{} of {} sent", created + failed, records.len());
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if out.json {
        out.json(&serde_json::json!({"created": created, "failed": failed, "results": results}))?;
    } else {
        say!("imported {created} customers into {}; {failed} failed", args.group);
    }
    Ok(failed == 0)
}
