//! `sekretess`: the one binary. Each subcommand lives in its own module.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod audit;
mod redact;

/// Sekretess: a self-hosted vault for customers' personal and financial data.
///
/// Exit codes: 0 success; 1 the command ran and found something to report (e.g.
/// `redact --check` found personal data); 2 usage or input error.
#[derive(Parser)]
#[command(name = "sekretess", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find and black out personal data (cards, ID numbers, IBANs, names …) in documents.
    Redact(redact::RedactArgs),
    /// Verify the tamper-evident audit log, export checkpoints and entries.
    Audit(audit::AuditArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Redact(args) => redact::run(args),
        Command::Audit(args) => audit::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
