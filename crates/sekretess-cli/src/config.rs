//! The TOML config file, and where the client takes address, CA file and token from:
//! flag, then `SEKRETESS_*` environment variable, then the config file.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;
use zeroize::Zeroizing;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub server: ServerSection,
    #[serde(default)]
    pub client: ClientSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    /// Address to listen on, e.g. `0.0.0.0:8200`.
    pub listen: Option<String>,
    /// Data folder (control database and one database per customer group).
    pub data_dir: Option<PathBuf>,
    /// PEM certificate chain and private key.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// PEM file of the CA whose client certificates the server asks for (optional for
    /// clients; an API key bound to a certificate needs it: mTLS for service accounts).
    pub tls_client_ca: Option<PathBuf>,
    /// `pretty` (default) or `json`.
    pub log_format: Option<String>,
    /// `error`, `warn`, `info` (default), `debug`.
    pub log_level: Option<String>,
    /// The level of the one line per request: `info` (default) or `debug`.
    pub request_log_level: Option<String>,
    pub body_limit_bytes: Option<usize>,
    pub batch_body_limit_bytes: Option<usize>,
    /// Largest binary document for `POST /v1/redact` (default 32 MiB).
    pub document_body_limit_bytes: Option<usize>,
    /// Days an archived document is kept at least: its retention date is the filing time
    /// plus this (default 2557, seven years; 0: no retention date).
    pub document_retention_days: Option<u32>,
    pub max_batch: Option<usize>,
    /// `sqlite` (the default: `data_dir`) or `postgres://user@host:port/database` of the
    /// control database. A password here needs the file private (0600); prefer
    /// `PGPASSWORD` or `~/.pgpass`.
    pub store: Option<DbUrl>,
    /// PostgreSQL: where new customer groups go, spread by group id: `control` (a schema in
    /// the control database) or a database URL (`{id}` is replaced by the group id).
    pub group_databases: Option<Vec<DbUrl>>,
    /// PostgreSQL: the placement of named groups (name = `control` or a database URL),
    /// before `group_databases`; read when the group is created.
    pub group_placement: Option<std::collections::BTreeMap<String, DbUrl>>,
    /// PostgreSQL: connections per database pool (default 8).
    pub pg_max_connections: Option<u32>,
    /// PostgreSQL: seconds an operation waits for a connection before it answers 503
    /// (default 5); bounds how long requests for a group whose server is down wait.
    pub pg_acquire_timeout_seconds: Option<u64>,
    /// Rate limits (`[server.rate_limits]`).
    #[serde(default)]
    pub rate_limits: RateLimitSection,
    /// Encrypted backups (`POST /v1/sys/backup` and the schedule).
    pub backup: Option<BackupSection>,
    /// The offline key for restricted fields (`[server.offline]`).
    pub offline: Option<OfflineSection>,
    /// Retention (`[server.retention]`): default periods and the daily sweep.
    pub retention: Option<RetentionSection>,
}

/// `[server.offline]`: restricted values are sealed on arrival to this public key (from
/// `sekretess offline keygen` on the air-gapped machine). Also `SEKRETESS_OFFLINE_RECIPIENT`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineSection {
    /// `age1…`
    pub recipient: Option<String>,
}

/// `[server.retention]`: how long customers are kept after their last change, per group,
/// and when the daily sweep erases those past retention (a customer's own `retain_until`
/// always counts; a customer on legal hold is never erased).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSection {
    /// Default for every group: a period after the last change, e.g. `2557d` (7 years).
    /// None: customers without their own date are kept.
    pub after_change: Option<String>,
    /// Per group name: a period after the last change (overrides `after_change`).
    #[serde(default)]
    pub groups: std::collections::BTreeMap<String, String>,
    /// Time of day (UTC, `HH:MM`) of the daily sweep. None: no sweep runs.
    pub sweep_at: Option<String>,
}

impl RetentionSection {
    pub fn options(&self) -> Result<sekretess_server::retention::RetentionOptions> {
        let secs = |p: &str| -> Result<i64> {
            Ok(i64::try_from(
                parse_period(p).with_context(|| format!("[server.retention] period {p:?}"))?.as_secs(),
            )
            .unwrap_or(i64::MAX))
        };
        let mut rules = sekretess_core::RetentionRules {
            default_after_change: self.after_change.as_deref().map(secs).transpose()?,
            ..Default::default()
        };
        for (group, p) in &self.groups {
            rules.groups.insert(group.clone(), secs(p)?);
        }
        let sweep_at = match self.sweep_at.as_deref() {
            None => None,
            Some(t) => {
                let (h, m) = t.split_once(':').context("[server.retention] sweep_at is HH:MM (UTC)")?;
                let (h, m): (i64, i64) = (h.parse()?, m.parse()?);
                anyhow::ensure!((0..24).contains(&h) && (0..60).contains(&m), "sweep_at is HH:MM (UTC)");
                Some(h * 3600 + m * 60)
            }
        };
        Ok(sekretess_server::retention::RetentionOptions { rules, sweep_at })
    }
}

/// Token buckets: `*_per_minute` tokens a minute, at most `*_burst` saved up; a rate of 0
/// turns that limit off. Defaults: 10 authentication failures per source address (then one
/// every 6 s); 60 reveals per caller and per source address (then one a second).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSection {
    pub auth_failures_per_minute: Option<u32>,
    pub auth_failure_burst: Option<u32>,
    pub reveals_per_minute: Option<u32>,
    pub reveal_burst: Option<u32>,
}

impl RateLimitSection {
    pub fn config(&self) -> sekretess_server::ratelimit::RateLimitConfig {
        use sekretess_server::ratelimit::{Rate, RateLimitConfig};
        let d = RateLimitConfig::default();
        let rate = |per: Option<u32>, burst: Option<u32>, default: Rate| {
            let per_minute = per.unwrap_or(default.per_minute);
            Rate { per_minute, burst: burst.unwrap_or(default.burst).max(u32::from(per_minute > 0)) }
        };
        RateLimitConfig {
            auth_failures: rate(self.auth_failures_per_minute, self.auth_failure_burst, d.auth_failures),
            reveals: rate(self.reveals_per_minute, self.reveal_burst, d.reveals),
        }
    }
}

/// `[server.backup]`: who can open the backups, and when they are taken by themselves.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupSection {
    /// age recipients (`age1…`, from `sekretess backup keygen`); every backup is
    /// encrypted to all of them. Also `SEKRETESS_BACKUP_RECIPIENTS` (comma-separated).
    #[serde(default)]
    pub recipients: Vec<String>,
    /// How often a scheduled backup is taken: `90s`, `30m`, `6h`, `1d`. None: no schedule.
    pub every: Option<String>,
    /// Where scheduled backups (and the erasure journal beside each) are written.
    pub dir: Option<PathBuf>,
    /// Scheduled backups kept in `dir` (default 7).
    pub keep: Option<usize>,
}

/// A period such as `90s`, `30m`, `6h` or `1d`.
pub fn parse_period(text: &str) -> Result<std::time::Duration> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let n: u64 = number.parse().with_context(|| format!("{text:?} is not a period like 6h"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => anyhow::bail!("{text:?} is not a period like 90s, 30m, 6h or 1d"),
    };
    anyhow::ensure!(secs > 0, "a backup period must be longer than zero");
    Ok(std::time::Duration::from_secs(secs))
}

/// A store location (`sqlite`, `control`, or a PostgreSQL URL) whose `Debug` hides a
/// password.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct DbUrl(pub String);

impl DbUrl {
    /// Whether the text holds a password (`scheme://user:password@…`).
    pub fn has_password(&self) -> bool {
        url_has_password(&self.0)
    }
}

/// Whether `text` is a URL with a password in it.
pub fn url_has_password(text: &str) -> bool {
    let Some((_, rest)) = text.split_once("://") else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.rsplit_once('@').is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

impl std::fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.has_password() {
            f.write_str("DbUrl(<with password>)")
        } else {
            write!(f, "DbUrl({:?})", self.0)
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSection {
    pub addr: Option<String>,
    pub ca_cert: Option<PathBuf>,
    /// Prefer `SEKRETESS_TOKEN`; if kept here, the file must be private (0600).
    pub token: Option<String>,
}

impl std::fmt::Debug for ClientSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSection")
            .field("addr", &self.addr)
            .field("ca_cert", &self.ca_cert)
            .finish_non_exhaustive()
    }
}

pub fn load(path: Option<&Path>) -> Result<ConfigFile> {
    let Some(path) = path else { return Ok(ConfigFile::default()) };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    let private = std::fs::metadata(path).map(|m| m.permissions().mode() & 0o077 == 0).unwrap_or(false);
    // toml's messages quote the offending line, which could hold the token: keep only the place.
    toml::from_str(&text).map_err(|e| {
        let at = e.span().map(|s| format!(" (at byte {})", s.start)).unwrap_or_default();
        let msg = e.message();
        let why = if msg.starts_with("unknown field") || msg.starts_with("missing field") {
            msg.split(", expected").next().unwrap_or("")
        } else {
            "a value or the syntax is wrong"
        };
        anyhow::anyhow!("config file {} is not valid{at}: {why}", path.display())
    })
    .and_then(|file: ConfigFile| {
        let s = &file.server;
        let db_password = s.store.as_ref().is_some_and(DbUrl::has_password)
            || s.group_databases.iter().flatten().any(DbUrl::has_password)
            || s.group_placement.iter().flat_map(|m| m.values()).any(DbUrl::has_password);
        if db_password && !private {
            anyhow::bail!(
                "config file {} holds a database password but others can read it: chmod 600 it (or use PGPASSWORD or ~/.pgpass)",
                path.display()
            );
        }
        if file.client.token.is_some() && !private {
            anyhow::bail!(
                "config file {} holds a token but others can read it: chmod 600 it (or use SEKRETESS_TOKEN)",
                path.display()
            );
        }
        Ok(file)
    })
}

/// Builds the client's settings: flag, then environment (clap reads both), then file.
pub fn client_config(
    addr: Option<String>,
    ca_cert: Option<PathBuf>,
    file: &ConfigFile,
) -> Result<sekretess_client::ClientConfig> {
    let addr = addr
        .or_else(|| file.client.addr.clone())
        .context("no server address: set SEKRETESS_ADDR, --addr, or [client] addr in the config file")?;
    let ca_cert = ca_cert.or_else(|| file.client.ca_cert.clone());
    let token =
        std::env::var("SEKRETESS_TOKEN").ok().filter(|t| !t.is_empty()).or_else(|| file.client.token.clone());
    // Else the employee session saved by `sekretess login`.
    let token = token.or_else(crate::people::saved_session);
    Ok(sekretess_client::ClientConfig { addr, ca_cert, token: token.map(Zeroizing::new) })
}
