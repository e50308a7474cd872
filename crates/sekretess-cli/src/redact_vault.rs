//! `sekretess redact --vault`: redaction on the server with the vault's known customers
//! coded (`POST /v1/redact?operator=code`). Each file is sent whole and its answer written
//! whole (a temporary file renamed), or not at all. With `--operator token --group G`
//! every finding becomes a token of group G instead (`POST /v1/redact?operator=token`).

use std::fs;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use sekretess_client::Client;

use crate::redact::{Job, RedactArgs, walk, write_whole};

pub async fn run(client: &Client, args: RedactArgs) -> anyhow::Result<ExitCode> {
    let tokens = args.operators == ["token"];
    if args.check
        || args.report.is_some()
        || args.hash_key_file.is_some()
        || !(args.operators == ["mask"] || tokens)
    {
        bail!(
            "--vault takes --out, --group, --uninspected and --operator token; not --check, --report, other --operator values or --hash-key-file"
        );
    }
    if tokens && args.group.is_none() {
        bail!("--operator token needs --group: the group the tokens belong to");
    }
    if args.uninspected != "fail" {
        bail!("--vault refuses documents with parts it cannot inspect (--uninspected fail)");
    }
    let group = args.group.as_deref();
    if args.paths.is_empty() {
        let mut input = Vec::new();
        io::stdin().lock().read_to_end(&mut input).context("reading standard input")?;
        let (output, codes) = redact_one(client, input, group, tokens).await?;
        io::stdout().lock().write_all(&output)?;
        eprintln!("customers coded: {}", codes.len());
        return Ok(ExitCode::SUCCESS);
    }
    let mut jobs = Vec::new();
    for p in &args.paths {
        let meta = fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
        if meta.is_dir() {
            walk(p, p, &mut jobs)?;
        } else {
            let rel = PathBuf::from(p.file_name().unwrap_or(p.as_os_str()));
            jobs.push(Job { path: p.clone(), rel, len: meta.len() });
        }
    }
    if args.out.is_none() && (jobs.len() != 1 || args.paths.iter().any(|p| p.is_dir())) {
        bail!("give --out DIR to redact several files or a folder");
    }
    let mut all_codes = std::collections::BTreeSet::new();
    let mut errors = 0usize;
    for j in &jobs {
        let name = j.path.display().to_string();
        let result = async {
            let input = fs::read(&j.path).with_context(|| format!("cannot read {name}"))?;
            let (output, codes) =
                redact_one(client, input, group, tokens).await.with_context(|| name.clone())?;
            match &args.out {
                Some(out) => write_whole(&out.join(&j.rel), |w| w.write_all(&output))?,
                None => io::stdout().lock().write_all(&output)?,
            }
            all_codes.extend(codes);
            anyhow::Ok(())
        }
        .await;
        if let Err(e) = result {
            errors += 1;
            eprintln!("error: {e:#}");
        }
    }
    eprintln!("{} files, {} customers coded, {errors} failed", jobs.len(), all_codes.len());
    if errors > 0 {
        bail!("{errors} of {} files failed", jobs.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// One document through the server: known customers coded, or (`tokens`) every finding
/// tokenized in `group`.
async fn redact_one(
    client: &Client,
    input: Vec<u8>,
    group: Option<&str>,
    tokens: bool,
) -> Result<(Vec<u8>, Vec<String>), sekretess_client::ClientError> {
    match (tokens, group) {
        (true, Some(g)) => Ok((client.redact_with_tokens(input, g).await?, Vec::new())),
        _ => client.redact_with_codes(input, group).await,
    }
}
