//! `sekretess redact` (issue 4).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct RedactArgs {}

pub fn run(_args: RedactArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("redaction is not built yet")
}
