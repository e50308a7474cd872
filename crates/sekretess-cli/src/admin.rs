//! The commands that talk to a server through `sekretess-client`.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use sekretess_api as api;
use sekretess_client::Client;
use serde::Serialize;
use zeroize::Zeroizing;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Shares needed to unseal.
    #[arg(long, default_value_t = 3)]
    pub threshold: u8,
    /// Shares to hand out (one per custodian).
    #[arg(long, default_value_t = 5)]
    pub shares: u8,
}

#[derive(Debug, Args)]
pub struct UnsealArgs {
    /// Forget the shares given so far instead.
    #[arg(long)]
    pub reset: bool,
}

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
    /// Find customers by the exact value of a searchable field; the value is read from
    /// stdin (or asked for on a terminal), never from the command line.
    Find {
        #[arg(long)]
        group: String,
        #[arg(long)]
        field: String,
    },
}

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

#[derive(Debug, Subcommand)]
pub enum ApiKeyCmd {
    /// Create a service-account API key; its token is shown once.
    Create {
        #[arg(long)]
        name: String,
        /// Scope (repeat): customers:read, customers:write, customers:erase, customers:find,
        /// groups:read, groups:admin, apikeys:admin, audit:read, redact, sys:seal,
        /// sys:metrics (read /v1/sys/metrics), or security-officer for all.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Group (repeat), or * for every group.
        #[arg(long = "group", required = true)]
        groups: Vec<String>,
    },
    /// List API keys (never their tokens).
    List,
    /// Revoke an API key at once.
    Revoke { id: String },
}

/// Prints a line to stdout; a closed pipe (`| head`) ends the output quietly.
macro_rules! say {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

pub struct Out {
    pub json: bool,
}

impl Out {
    fn json<T: Serialize>(&self, v: &T) -> Result<()> {
        say!("{}", serde_json::to_string_pretty(v)?);
        Ok(())
    }
}

fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let s: Vec<String> =
            cells.iter().enumerate().map(|(i, c)| format!("{c:<w$}", w = widths[i])).collect();
        say!("{}", s.join("  ").trim_end());
    };
    line(headers.iter().map(|h| h.to_uppercase()).collect());
    for r in rows {
        line(r.clone());
    }
}

fn ask(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let mut s = String::new();
    std::io::stdin().lock().read_line(&mut s)?;
    Ok(s.trim_end_matches(['\n', '\r']).to_owned())
}

fn read_input(file: &Option<PathBuf>) -> Result<Zeroizing<String>> {
    let mut s = Zeroizing::new(String::new());
    match file {
        Some(p) => {
            s.push_str(&std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?);
        }
        None => {
            std::io::stdin().read_to_string(&mut s)?;
        }
    }
    Ok(s)
}

/// Parses JSON without ever quoting the input in an error.
fn parse_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        anyhow::anyhow!("{what} is not the expected JSON (line {}, column {})", e.line(), e.column())
    })
}

/// The answering process's seal state and, with a key that may seal (`sys:seal`), every
/// server process registered in the control database and whether it is unsealed.
pub async fn status(c: &Client, out: &Out) -> Result<bool> {
    let s = c.seal_status().await?;
    // Without a token, or with one that lacks the scope, only this process is shown.
    let processes = if c.has_token() { c.processes().await.ok().map(|p| p.processes) } else { None };
    if out.json {
        #[derive(Serialize)]
        struct Status<'a> {
            #[serde(flatten)]
            seal: &'a api::SealStatus,
            #[serde(skip_serializing_if = "Option::is_none")]
            processes: Option<&'a Vec<api::Process>>,
        }
        out.json(&Status { seal: &s, processes: processes.as_ref() })?;
    } else {
        say!("initialized  {}", s.initialized);
        say!("sealed       {}", s.sealed);
        say!("threshold    {} of {}", s.threshold, s.share_count);
        say!("progress     {}", s.progress);
        say!("key id       {}", s.key_id.as_deref().unwrap_or("-"));
        if s.bootstrap_key_live {
            say!(
                "bootstrap    LIVE: init's bootstrap API key (every scope, every group) still works;
                              enrol a security officer (it then retires) or revoke it with `sekretess apikey revoke`"
            );
        }
        if let Some(list) = &processes {
            say!("\nprocesses ({} registered; * answered this request)", list.len());
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    vec![
                        format!("{}{}", p.id, if p.this_process { " *" } else { "" }),
                        p.host.clone(),
                        p.pid.to_string(),
                        p.listen.clone(),
                        if p.sealed { "sealed".into() } else { "unsealed".into() },
                        if p.stale { format!("stale since {}", p.last_seen) } else { "alive".into() },
                    ]
                })
                .collect();
            table(&["PROCESS", "HOST", "PID", "LISTEN", "SEAL", "HEARTBEAT"], &rows);
        }
    }
    Ok(!s.sealed)
}

pub async fn init(c: &Client, args: InitArgs, out: &Out) -> Result<()> {
    let r = c.init(args.threshold, args.shares).await?;
    if out.json {
        return out.json(&r);
    }
    say!("Vault initialized (key id {}). This is shown ONCE.\n", r.key_id);
    say!(
        "Unseal shares: give each to a different custodian; any {} of {} unseal.",
        args.threshold,
        args.shares
    );
    for (i, s) in r.shares.iter().enumerate() {
        say!("  share {}: {s}", i + 1);
    }
    say!(
        "\nBootstrap API key (security-officer, every group; id {}):\n  {}",
        r.bootstrap_key_id,
        r.bootstrap_token
    );
    if let Some(code) = &r.officer_enrolment_code {
        say!(
            "\nFirst security officer (login \"officer\"), one-time enrolment code:\n  {code}\n             After unsealing: `sekretess employee enrol`, paste the code, set a password and scan the\n             QR code. This officer is the only one approved without a second person."
        );
    }
    say!("\nThe vault is sealed: run `sekretess unseal` with {} shares.", args.threshold);
    Ok(())
}

/// Gives shares until the vault opens or the input ends (an empty answer on a terminal).
/// Returns whether the vault is unsealed.
pub async fn unseal(c: &Client, args: UnsealArgs, out: &Out) -> Result<bool> {
    if args.reset {
        let s = c.unseal_reset().await?;
        if out.json {
            out.json(&s)?;
        } else {
            say!("unseal progress reset (0 of {})", s.threshold);
        }
        return Ok(true);
    }
    let mut status = c.seal_status().await?;
    if !status.sealed {
        if out.json {
            out.json(&status)?;
        } else {
            say!("the vault is already unsealed");
        }
        return Ok(true);
    }
    let terminal = std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    while status.sealed {
        let share = if terminal {
            let prompt =
                format!("Unseal share ({} of {} given; empty to stop): ", status.progress, status.threshold);
            Zeroizing::new(rpassword::prompt_password(prompt)?)
        } else {
            match lines.next() {
                Some(line) => Zeroizing::new(line?),
                None => break,
            }
        };
        if share.trim().is_empty() {
            if terminal {
                break;
            }
            continue;
        }
        status = c.unseal(share.trim()).await?;
        if !out.json {
            eprintln!(
                "accepted: {} of {} shares",
                status.progress.max(if status.sealed { 0 } else { status.threshold }),
                status.threshold
            );
        }
    }
    if out.json {
        out.json(&status)?;
    } else if status.sealed {
        say!(
            "still sealed: {} of {} shares given; the next custodian runs `sekretess unseal`",
            status.progress,
            status.threshold
        );
    } else {
        say!("the vault is unsealed");
    }
    Ok(!status.sealed)
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
                    "created_at": cust.created_at, "updated_at": cust.updated_at,
                }));
            }
            say!("code   {}\ngroup  {}", cust.code, cust.group);
            let rows: Vec<Vec<String>> =
                cust.fields.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
            table(&["field", "value"], &rows);
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

pub async fn apikey(c: &Client, cmd: ApiKeyCmd, out: &Out) -> Result<()> {
    let rows = |keys: &[api::ApiKey]| -> Vec<Vec<String>> {
        keys.iter()
            .map(|k| {
                vec![
                    k.id.clone(),
                    k.name.clone(),
                    k.scopes.join(","),
                    k.groups.join(","),
                    if k.revoked_at.is_some() { "revoked".into() } else { "active".into() },
                ]
            })
            .collect()
    };
    match cmd {
        ApiKeyCmd::Create { name, scopes, groups } => {
            let made = c.create_api_key(&api::CreateApiKey { name, scopes, groups }).await?;
            if out.json {
                return out.json(&made);
            }
            table(&["id", "name", "scopes", "groups", "state"], &rows(std::slice::from_ref(&made.key)));
            say!("\nToken (shown once; store it as SEKRETESS_TOKEN in a secret store):\n  {}", made.token);
            Ok(())
        }
        ApiKeyCmd::List => {
            let keys = c.list_api_keys().await?;
            if out.json {
                return out.json(&keys);
            }
            table(&["id", "name", "scopes", "groups", "state"], &rows(&keys));
            Ok(())
        }
        ApiKeyCmd::Revoke { id } => {
            c.revoke_api_key(&id).await?;
            if out.json {
                out.json(&serde_json::json!({"id": id, "revoked": true}))
            } else {
                {
                    say!("revoked {id}");
                    Ok(())
                }
            }
        }
    }
}

pub async fn seal(c: &Client, out: &Out) -> Result<()> {
    c.seal().await?;
    if out.json {
        out.json(&serde_json::json!({"sealed": true}))
    } else {
        {
            say!("the vault is sealed");
            Ok(())
        }
    }
}
