//! `sekretess`: the one binary. Each subcommand lives in its own module.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sekretess_client::{Client, ClientError};

// Faster than glibc's malloc under the server's many threads (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod admin;
mod approvals;
mod archive;
mod audit;
mod backup;
mod config;
mod offline;
mod people;
mod redact;
mod redact_vault;
mod retention;
mod schema;
mod serve;
mod token;

/// Sekretess: a self-hosted vault for customers' personal and financial data.
///
/// Exit codes: 0 success; 1 the command ran and found something to report (`redact
/// --check` found personal data, `status` or `unseal` left the vault sealed, `import` had
/// failed items, `archive add` refused a file); 2 usage or input error; 3 the server refused the request (a 4xx problem);
/// 4 the server could not be reached or its certificate was not trusted; 5 the vault is
/// sealed (503); 6 authentication or authorization failed (401/403); 7 server error (5xx).
///
/// The client commands take the server address from --addr, SEKRETESS_ADDR or the config
/// file; the CA file from --cacert, SEKRETESS_CACERT or the config file; the API key from
/// SEKRETESS_TOKEN or the config file only (never the command line).
#[derive(Parser)]
#[command(name = "sekretess", version, about, long_about)]
struct Cli {
    /// TOML config file (`[server]` and `[client]` sections; see docs/operations.md).
    #[arg(long, global = true, env = "SEKRETESS_CONFIG")]
    config: Option<PathBuf>,
    /// Server address, e.g. https://127.0.0.1:8200
    #[arg(long, global = true, env = "SEKRETESS_ADDR")]
    addr: Option<String>,
    /// PEM file of the CA (or certificate) to trust.
    #[arg(long, global = true, env = "SEKRETESS_CACERT")]
    cacert: Option<PathBuf>,
    /// PEM client certificate to present (mTLS; an API key bound to it works only so).
    /// Needs --client-key.
    #[arg(long, global = true, env = "SEKRETESS_CLIENT_CERT", requires = "client_key")]
    client_cert: Option<PathBuf>,
    /// PEM private key of --client-cert (a file path; the key itself never goes in argv).
    #[arg(long, global = true, env = "SEKRETESS_CLIENT_KEY", requires = "client_cert", value_hint = clap::ValueHint::FilePath)]
    client_key: Option<PathBuf>,
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find and black out personal data (cards, ID numbers, IBANs, names …) in documents.
    Redact(redact::RedactArgs),
    /// Verify the tamper-evident audit log, export checkpoints and entries.
    Audit(audit::AuditArgs),
    /// Run the HTTPS API server (`--dev` for a one-command local vault).
    Serve(serve::ServeArgs),
    /// Initialize a new vault: prints the unseal shares and the bootstrap API key, once.
    Init(admin::InitArgs),
    /// Give unseal shares (asked for without echo on a terminal; one per line on stdin otherwise).
    Unseal(admin::UnsealArgs),
    /// Seal the vault: every key leaves the server's memory.
    Seal,
    /// Show whether the vault is initialized and sealed.
    Status,
    /// Customer groups.
    #[command(subcommand)]
    Group(admin::GroupCmd),
    /// Make a new root key and new unseal shares from a threshold of the current shares
    /// (asked for without echo, or from --share-file). The new shares are printed once and
    /// take effect only when confirmed; until then the current shares stay valid.
    Rekey(admin::RekeyArgs),
    /// Rotate the audit MAC key; the chain continues under the new key (auditors then need
    /// the key file of every epoch).
    RotateAuditKey,
    /// Customers.
    #[command(subcommand)]
    Customer(admin::CustomerCmd),
    /// Retention: customers' retention dates and legal holds, and who is due for erasure.
    #[command(subcommand)]
    Retention(retention::RetentionCmd),
    /// The document archive: file redacted documents under customer codes, list, get, delete.
    #[command(subcommand)]
    Archive(archive::ArchiveCmd),
    /// Import customers from CSV or NDJSON, in batches.
    Import(admin::ImportArgs),
    /// Service-account API keys.
    #[command(subcommand)]
    Apikey(admin::ApiKeyCmd),
    /// Log in as an employee (password and TOTP code asked for); keeps the session.
    Login(people::LoginArgs),
    /// End the session.
    Logout,
    /// Employees: invite, enrol, approve, suspend, offboard, list.
    #[command(subcommand)]
    Employee(people::EmployeeCmd),
    /// Grant (or --revoke) an employee a customer group.
    Grant(people::GrantArgs),
    /// The field policy.
    #[command(subcommand)]
    Policy(people::PolicyCmd),
    /// Confidentiality agreements.
    #[command(subcommand)]
    Agreement(people::AgreementCmd),
    /// Dual control: list, approve or reject the requests that need a second security
    /// officer (group unlock, policy change, reveal API key, agreement).
    #[command(subcommand)]
    Approval(approvals::ApprovalCmd),
    /// Encrypted backups for the locked room: keygen, create, verify, erasures.
    #[command(subcommand)]
    Backup(backup::BackupCmd),
    /// Restore a backup into an empty data folder or PostgreSQL database (works offline;
    /// the restored vault starts sealed). Refuses a wrong identity, a changed or cut-off
    /// file and a non-empty target before writing anything.
    Restore(backup::RestoreArgs),
    /// Tokens for other systems: create (opaque, deterministic, format-preserving), reveal
    /// (for a purpose), revoke. Values and tokens are read one per line from a file or
    /// standard input, never from the command line.
    #[command(subcommand)]
    Token(token::TokenCmd),
    /// A group's customer schema: show, add-field, change-field (the security officer).
    #[command(subcommand)]
    Schema(schema::SchemaCmd),
    /// The offline key and restricted values: keygen and reveal (air-gapped, no network),
    /// export (through the server, still sealed).
    #[command(subcommand)]
    Offline(offline::OfflineCmd),
}

/// The exit code for an error (see the command's help).
fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<ClientError>() {
        Some(ClientError::Api(p)) if p.kind() == "sealed" => 5,
        Some(ClientError::Api(p)) if p.status == 401 || p.status == 403 => 6,
        Some(ClientError::Api(p)) if p.status >= 500 => 7,
        Some(ClientError::Api(_)) => 3,
        Some(ClientError::Unexpected { status }) if *status >= 500 => 7,
        Some(ClientError::Unexpected { .. }) => 3,
        Some(ClientError::Transport(_)) => 4,
        Some(ClientError::Config(_)) => 2,
        Some(_) => 2,
        None => 2,
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let file = config::load(cli.config.as_deref())?;
    let out = admin::Out { json: cli.json };
    if let Command::Serve(args) = cli.command {
        serve::run(args, &file).await?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Restore(args) = cli.command {
        backup::restore(args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Backup(backup::BackupCmd::Keygen { out_file }) = cli.command {
        backup::run_offline(backup::BackupCmd::Keygen { out_file })?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Backup(cmd @ backup::BackupCmd::Verify { .. }) = cli.command {
        backup::run_offline(cmd)?;
        return Ok(ExitCode::SUCCESS);
    }
    let identity = cli.client_cert.as_deref().zip(cli.client_key.as_deref());
    let client = Client::with_identity(&config::client_config(cli.addr, cli.cacert, &file)?, identity)?;
    let ok = match cli.command {
        Command::Redact(a) => return redact_vault::run(&client, a).await,
        Command::Init(a) => admin::init(&client, a, &out).await.map(|()| true)?,
        Command::Unseal(a) => admin::unseal(&client, a, &out).await?,
        Command::Seal => admin::seal(&client, &out).await.map(|()| true)?,
        Command::Status => admin::status(&client, &out).await?,
        Command::Group(c) => admin::group(&client, c, &out).await.map(|()| true)?,
        Command::Rekey(a) => admin::rekey(&client, a, &out).await.map(|()| true)?,
        Command::RotateAuditKey => admin::rotate_audit_key(&client, &out).await.map(|()| true)?,
        Command::Customer(c) => admin::customer(&client, c, &out).await.map(|()| true)?,
        Command::Retention(c) => retention::run(&client, c, &out).await.map(|()| true)?,
        Command::Import(a) => admin::import(&client, a, &out).await?,
        Command::Archive(c) => archive::archive(&client, c, cli.json).await?,
        Command::Apikey(c) => admin::apikey(&client, c, &out).await.map(|()| true)?,
        Command::Login(a) => people::login(&client, a).await.map(|()| true)?,
        Command::Logout => people::logout(&client).await.map(|()| true)?,
        Command::Employee(c) => people::employee(&client, c).await.map(|()| true)?,
        Command::Grant(a) => people::grant(&client, a).await.map(|()| true)?,
        Command::Policy(c) => people::policy(&client, c).await.map(|()| true)?,
        Command::Agreement(c) => people::agreement(&client, c).await.map(|()| true)?,
        Command::Approval(c) => approvals::run(&client, c, cli.json).await.map(|()| true)?,
        Command::Backup(c) => backup::run(&client, c).await.map(|()| true)?,
        Command::Token(c) => token::token(&client, c, cli.json).await?,
        Command::Schema(c) => schema::run(&client, c, &out).await.map(|()| true)?,
        Command::Offline(c) => offline::run(&client, c).await.map(|()| true)?,
        Command::Audit(_) | Command::Serve(_) | Command::Restore(_) => true,
    };
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Redact(args) if !args.vault => redact::run(args),
        // Air-gapped: no runtime, no client, no network.
        Command::Offline(cmd) if offline::is_local(&cmd) => {
            offline::run_local(cmd).map(|()| ExitCode::SUCCESS)
        }
        Command::Audit(args) => {
            let (config, addr, cacert) = (cli.config, cli.addr, cli.cacert);
            let (cert, key) = (cli.client_cert, cli.client_key);
            audit::run(args, move || {
                let file = config::load(config.as_deref())?;
                let identity = cert.as_deref().zip(key.as_deref());
                Ok(Client::with_identity(&config::client_config(addr, cacert, &file)?, identity)?)
            })
        }
        _ => match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
            Ok(rt) => rt.block_on(run(cli)),
            Err(e) => Err(e.into()),
        },
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code(&err))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use clap::CommandFactory;

    /// No flag of any command takes a secret as its value: keys, tokens, passwords, shares
    /// and codes come from files, the environment, a prompt or standard input, never argv
    /// (where `ps` and shell history show them). A flag whose name looks secret must name a
    /// file (`--key-file`) or take no value.
    #[test]
    fn no_flag_takes_a_secret_on_the_command_line() {
        const SECRET_WORDS: [&str; 9] =
            ["key", "secret", "token", "password", "passphrase", "share", "totp", "code", "pin"];
        fn walk(cmd: &clap::Command, path: &str, bad: &mut Vec<String>, seen: &mut usize) {
            for arg in cmd.get_arguments() {
                *seen += 1;
                let Some(long) = arg.get_long() else { continue };
                if !arg.get_action().takes_values() {
                    continue;
                }
                let words: Vec<&str> = long.split('-').collect();
                let secretish = words.iter().any(|w| SECRET_WORDS.contains(w));
                let names_a_file = matches!(words.last(), Some(&("file" | "dir" | "path")))
                    || arg.get_value_hint() == clap::ValueHint::FilePath;
                if secretish && !names_a_file {
                    bad.push(format!("{path} --{long}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), bad, seen);
            }
        }
        let mut bad = Vec::new();
        let mut seen = 0;
        walk(&super::Cli::command(), "sekretess", &mut bad, &mut seen);
        assert!(seen > 50, "the walk saw only {seen} flags");
        assert!(bad.is_empty(), "flags that take a secret on the command line: {bad:?}");
    }
}
