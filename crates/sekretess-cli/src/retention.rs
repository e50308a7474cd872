//! `retention`: customers' retention dates and legal holds, and who is due; and
//! `customer export`, a customer's subject access export written to a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use sekretess_api::retention as ar;
use sekretess_client::Client;
use sekretess_core::clock::civil_date;

use crate::admin::Out;

#[derive(Debug, Subcommand)]
pub enum RetentionCmd {
    /// List the codes of a group's customers past retention and not on legal hold: what
    /// the next sweep would erase. Erases nothing.
    Due {
        #[arg(long)]
        group: String,
    },
    /// Show a customer's retention date, when it is due and its legal hold.
    Show { code: String },
    /// Set a customer's own retention date (YYYY-MM-DD, UTC midnight, or Unix seconds),
    /// or clear it with --clear (the group's default period then applies).
    Set {
        code: String,
        #[arg(long, conflicts_with = "clear", required_unless_present = "clear")]
        until: Option<String>,
        #[arg(long)]
        clear: bool,
        /// Why (kept in the audit log).
        #[arg(long)]
        purpose: Option<String>,
    },
    /// Put a customer on legal hold: no retention sweep erases it until it is released.
    Hold {
        code: String,
        /// Why (required; kept in the audit log), e.g. a case number.
        #[arg(long)]
        reason: String,
    },
    /// Take a customer off legal hold.
    Release {
        code: String,
        #[arg(long)]
        reason: String,
    },
}

/// `YYYY-MM-DD` (midnight UTC) or Unix seconds.
pub fn parse_when(s: &str) -> Result<i64> {
    if let Ok(t) = s.parse::<i64>() {
        return Ok(t);
    }
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else { bail!("a date is YYYY-MM-DD or Unix seconds") };
    let (y, m, d): (i64, i64, i64) = (
        y.parse().context("a date is YYYY-MM-DD")?,
        m.parse().context("a date is YYYY-MM-DD")?,
        d.parse().context("a date is YYYY-MM-DD")?,
    );
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        bail!("a date is YYYY-MM-DD, year 1970 to 9999");
    }
    // Days from 1970-01-01 (H. Hinnant's days_from_civil), checked by going back.
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let t = (era * 146_097 + doe - 719_468) * 86_400;
    if civil_date(t) != (y as i32, m as u32, d as u32) {
        bail!("no such date");
    }
    Ok(t)
}

pub fn date(t: Option<i64>) -> String {
    match t {
        Some(t) => {
            let (y, m, d) = civil_date(t);
            format!("{y:04}-{m:02}-{d:02}")
        }
        None => "-".to_owned(),
    }
}

pub async fn run(c: &Client, cmd: RetentionCmd, out: &Out) -> Result<()> {
    match cmd {
        RetentionCmd::Due { group } => {
            let due = c.retention_due(&group).await?;
            if out.json {
                return out.json(&due);
            }
            for code in &due.codes {
                println!("{code}");
            }
            eprintln!(
                "{} due in {}; {} more past retention but on legal hold",
                due.codes.len(),
                due.group,
                due.held
            );
            Ok(())
        }
        RetentionCmd::Show { code } => {
            let r = c.retention(&code).await?;
            if out.json {
                return out.json(&r);
            }
            println!("code          {}\ngroup         {}", r.code, r.group);
            println!("last change   {}", date(Some(r.updated_at)));
            println!("retain until  {}", date(r.retain_until));
            println!("due at        {}", date(r.due_at));
            println!(
                "legal hold    {}",
                r.legal_hold_since.map_or("no".to_owned(), |t| format!("since {}", date(Some(t))))
            );
            Ok(())
        }
        RetentionCmd::Set { code, until, clear, purpose } => {
            let retain_until = if clear { None } else { until.as_deref().map(parse_when).transpose()? };
            c.set_retention(&code, &ar::SetRetention { retain_until, purpose }).await?;
            out_done(out, &code, "retention set")
        }
        RetentionCmd::Hold { code, reason } => {
            c.set_legal_hold(&code, &ar::LegalHold { hold: true, reason }).await?;
            out_done(out, &code, "on legal hold")
        }
        RetentionCmd::Release { code, reason } => {
            c.set_legal_hold(&code, &ar::LegalHold { hold: false, reason }).await?;
            out_done(out, &code, "legal hold released")
        }
    }
}

fn out_done(out: &Out, code: &str, what: &str) -> Result<()> {
    if out.json {
        return out.json(&serde_json::json!({ "code": code, "done": what }));
    }
    println!("{what}");
    Ok(())
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Json,
    Text,
}

/// Writes a customer's export to `out` (mode 0600, through a temporary file renamed into
/// place, so a failure leaves nothing half written).
pub async fn export(c: &Client, code: &str, path: &Path, purpose: &str, format: ExportFormat) -> Result<()> {
    let body = match format {
        ExportFormat::Json => {
            let x = c.export_customer(code, purpose).await?;
            let mut s = serde_json::to_string_pretty(&x)?;
            s.push('\n');
            s
        }
        ExportFormat::Text => c.export_customer_text(code, purpose).await?,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    tmp.as_file_mut().write_all(body.as_bytes())?;
    tmp.as_file().sync_all().context("cannot write the export to disk")?;
    tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_as_utc_midnight() {
        // `date -u -d 2033-12-31 +%s` = 2019600000.
        assert_eq!(parse_when("2033-12-31").unwrap(), 2_019_600_000);
        assert_eq!(parse_when("1970-01-01").unwrap(), 0);
        assert_eq!(parse_when("1700000000").unwrap(), 1_700_000_000);
        assert!(parse_when("2033-02-30").is_err());
        assert!(parse_when("2033-13-01").is_err());
        assert!(parse_when("soon").is_err());
    }
}
