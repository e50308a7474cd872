//! `login`, `logout`, `employee …`, `grant`, `policy …`, `agreement …`, `customer reveal`.
//!
//! The session token is kept in `$XDG_CONFIG_HOME/sekretess/session` (else
//! `~/.config/sekretess/session`), mode 0600; client commands use it when neither
//! SEKRETESS_TOKEN nor the config file names a token. Passwords and codes are asked for
//! without echo on a terminal, read as lines from stdin otherwise; never from argv.
//! Enrolment prints the otpauth URI, and on a terminal also a QR code of it to scan.

use std::io::{BufRead, IsTerminal, Write};

/// A QR code as text (two modules per character cell), for scanning off a terminal.
fn qr_text(data: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::unicode::Dense1x2>().quiet_zone(true).build())
}
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use sekretess_api::people as ap;
use sekretess_client::{Applied, Client};
use zeroize::Zeroizing;

/// Where the session token is kept.
pub fn session_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("sekretess").join("session"))
}

/// The saved session token, if any.
pub fn saved_session() -> Option<String> {
    let text = std::fs::read_to_string(session_path()?).ok()?;
    let t = text.trim().to_owned();
    (!t.is_empty()).then_some(t)
}

fn save_session(token: &str) -> Result<PathBuf> {
    let path = session_path().context("no HOME or XDG_CONFIG_HOME to keep the session in")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(token.as_bytes())?;
    Ok(path)
}

/// Asks for a secret: without echo on a terminal, one line of stdin otherwise.
fn secret(prompt: &str) -> Result<Zeroizing<String>> {
    if std::io::stdin().is_terminal() {
        return Ok(Zeroizing::new(rpassword::prompt_password(prompt)?));
    }
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned()))
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Login name (asked for if left out).
    #[arg(long)]
    pub login: Option<String>,
}

pub async fn login(c: &Client, a: LoginArgs) -> Result<()> {
    let login = match a.login {
        Some(l) => l,
        None => secret("Login: ")?.to_string(),
    };
    let password = secret("Password: ")?;
    let totp = secret("Authenticator code: ")?;
    let s = c
        .login(&ap::LoginRequest { login, password: password.to_string(), totp: totp.trim().to_owned() })
        .await?;
    let path = save_session(&s.token)?;
    eprintln!("logged in as {} ({}); session kept in {}", s.login, s.roles.join(", "), path.display());
    if !s.agreement_signed {
        eprintln!(
            "sign the current confidentiality agreement before reading customer data: sekretess agreement sign"
        );
    }
    Ok(())
}

pub async fn logout(c: &Client) -> Result<()> {
    let r = c.logout().await;
    if let Some(p) = session_path() {
        let _ = std::fs::remove_file(p);
    }
    r?;
    eprintln!("logged out");
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum EmployeeCmd {
    /// Invite an employee; prints the one-time enrolment code.
    Invite {
        login: String,
        #[arg(long)]
        name: String,
        /// security_officer, agent, auditor (repeat or comma-separate).
        #[arg(long, value_delimiter = ',', required = true)]
        role: Vec<String>,
    },
    /// Create the first security officer's enrolment (with the bootstrap key, once).
    Bootstrap {
        login: String,
        #[arg(long)]
        name: String,
    },
    /// Enrol with the one-time code (asked for): sets your password; prints the TOTP URI.
    Enrol,
    Approve {
        id: u64,
    },
    Suspend {
        id: u64,
    },
    Reinstate {
        id: u64,
    },
    Offboard {
        id: u64,
    },
    /// Replace a lost, unused enrolment code (the old one stops working).
    Reissue {
        id: u64,
    },
    List,
}

pub async fn employee(c: &Client, cmd: EmployeeCmd) -> Result<()> {
    match cmd {
        EmployeeCmd::Invite { login, name, role } => {
            let inv = c.invite(&ap::InviteRequest { login, display_name: name, roles: role }).await?;
            println!(
                "employee {} invited; one-time enrolment code (shown once):\n{}",
                inv.employee_id, inv.code
            );
        }
        EmployeeCmd::Bootstrap { login, name } => {
            let inv = c.bootstrap_officer(&ap::BootstrapOfficer { login, display_name: name }).await?;
            println!(
                "first security officer {} invited; enrolment code (shown once):\n{}",
                inv.employee_id, inv.code
            );
        }
        EmployeeCmd::Enrol => {
            let code = secret("Enrolment code: ")?;
            let password = secret("New password (12 to 128 characters): ")?;
            if std::io::stdin().is_terminal() {
                let again = secret("Again: ")?;
                anyhow::ensure!(*again == *password, "the passwords differ");
            }
            let e = c
                .enrol(&ap::EnrolRequest { code: code.trim().to_owned(), password: password.to_string() })
                .await?;
            println!(
                "enrolled as {} (state {}). Add this to your authenticator app (shown once):\n{}\nsecret: {}",
                e.login, e.state, e.otpauth_uri, e.totp_secret
            );
            if std::io::stdout().is_terminal() {
                match qr_text(&e.otpauth_uri) {
                    Some(qr) => println!("\n{qr}"),
                    None => eprintln!("(the URI is too long for a QR code; use the secret)"),
                }
            }
        }
        EmployeeCmd::Approve { id } => c.employee_action(id, "approve").await?,
        EmployeeCmd::Suspend { id } => c.employee_action(id, "suspend").await?,
        EmployeeCmd::Reinstate { id } => c.employee_action(id, "reinstate").await?,
        EmployeeCmd::Offboard { id } => c.employee_action(id, "offboard").await?,
        EmployeeCmd::Reissue { id } => {
            let inv = c.reissue_enrolment(id).await?;
            println!(
                "new one-time enrolment code for employee {} (shown once):\n{}",
                inv.employee_id, inv.code
            );
        }
        EmployeeCmd::List => {
            for e in c.list_employees().await? {
                println!("{:>5}  {:<24} {:<18} {}", e.id, e.login, e.state, e.roles.join(","));
            }
        }
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    pub id: u64,
    pub group: String,
    /// Take the grant away instead.
    #[arg(long)]
    pub revoke: bool,
}

pub async fn grant(c: &Client, a: GrantArgs) -> Result<()> {
    if a.revoke {
        c.revoke_grant(a.id, &a.group).await?
    } else {
        c.grant(a.id, &a.group).await?
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum PolicyCmd {
    Show,
    /// Ask for one cell to change (a second security officer approves it with `sekretess
    /// approval approve ID`): ROLE (security_officer, agent, auditor, or service: every API key)
    /// SENSITIVITY (internal, confidential, restricted) DECISION (deny, masked,
    /// reveal_with_purpose, plain; restricted takes deny or masked only).
    Set {
        role: String,
        sensitivity: String,
        decision: String,
    },
}

pub async fn policy(c: &Client, cmd: PolicyCmd) -> Result<()> {
    let doc = match cmd {
        PolicyCmd::Show => c.policy().await?,
        PolicyCmd::Set { role, sensitivity, decision } => {
            match c.set_policy_applied(&ap::PolicyRule { role, sensitivity, decision }).await? {
                Applied::Done(doc) => doc,
                Applied::Pending(r) => {
                    println!("{}", crate::approvals::pending_line(&r));
                    return Ok(());
                }
            }
        }
    };
    for r in &doc.rules {
        println!("{:<18} {:<14} {}", r.role, r.sensitivity, r.decision);
    }
    println!("purposes: {}", doc.purposes.join(", "));
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum AgreementCmd {
    /// Ask to publish a new version from a Markdown file (a second security officer
    /// approves it with `sekretess approval approve ID`): every employee must then sign it again.
    Publish {
        file: PathBuf,
    },
    Show,
    /// Sign the current version (your password is asked for).
    Sign,
    Status,
}

pub async fn agreement(c: &Client, cmd: AgreementCmd) -> Result<()> {
    match cmd {
        AgreementCmd::Publish { file } => {
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            match c.publish_agreement_applied(&text).await? {
                Applied::Done(a) => println!("published version {} (sha256 {})", a.version, a.sha256),
                Applied::Pending(r) => println!("{}", crate::approvals::pending_line(&r)),
            }
        }
        AgreementCmd::Show => {
            let a = c.current_agreement().await?;
            println!("version {} (sha256 {})\n\n{}", a.version, a.sha256, a.text);
        }
        AgreementCmd::Sign => {
            let a = c.current_agreement().await?;
            println!("version {}\n\n{}\n", a.version, a.text);
            let password = secret("Password (to sign): ")?;
            c.sign_agreement(&ap::SignAgreement { version: a.version, password: password.to_string() })
                .await?;
            eprintln!("signed version {}", a.version);
        }
        AgreementCmd::Status => {
            let s = c.agreement_status().await?;
            println!("version {}", s.version.map_or("none".to_owned(), |v| v.to_string()));
            for e in s.employees {
                let at = e.signed_at.map_or("not signed".to_owned(), |t| format!("signed at {t}"));
                println!("{:>5}  {:<24} {at}", e.employee_id, e.login);
            }
        }
    }
    Ok(())
}

/// `customer get CODE --reveal FIELD --purpose …`.
pub async fn reveal(c: &Client, code: &str, fields: Vec<String>, purpose: Option<String>) -> Result<()> {
    let r = c.reveal(code, &ap::RevealRequest { fields, purpose }).await?;
    println!("code   {}", r.code);
    for (k, v) in r.fields {
        println!("{k:<16} {v}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn qr_code_encodes_the_uri() {
        let uri = "otpauth://totp/Sekretess:anna?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Sekretess";
        let qr = super::qr_text(uri).unwrap();
        let rows = qr.lines().count();
        // a version-4+ symbol (33+ modules) plus quiet zone, two modules per row of text
        assert!(rows >= 20, "{rows} rows");
        assert!(qr.lines().all(|l| l.chars().count() == qr.lines().next().unwrap().chars().count()));
        assert!(qr.contains('█') || qr.contains('▀') || qr.contains('▄'));
    }
}
