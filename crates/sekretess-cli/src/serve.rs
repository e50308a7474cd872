//! `sekretess serve`: the HTTPS API server, and dev mode.

use std::fs::OpenOptions;
use std::io::Write;
use std::net::SocketAddr;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Args;
use sekretess_core::access::AccessStore;
use sekretess_core::audit::AuditContext;
use sekretess_core::backup::BackupSource;
use sekretess_core::people::PeopleStore;
use sekretess_core::process::ProcessStore;
use sekretess_core::store::Store;
use sekretess_core::{Clock, Schema, SystemClock, Vault};
use sekretess_crypto::backup::BackupRecipient;
use sekretess_crypto::offline::OfflineRecipient;
use sekretess_server::backup::{BackupOptions, Schedule, spawn_schedule};
use sekretess_server::processes::{Heartbeat, ProcessRegistration, new_process_id};
use sekretess_server::retention::RetentionOptions;
use sekretess_server::routes::people::PeopleOptions;
use sekretess_server::tls::{self, DevCertificate};
use sekretess_server::{AppState, Limits, RunningServer};
use sekretess_store::{GroupPlacement, PgOptions, PgStore, SqliteStore};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::config::{ConfigFile, DbUrl, url_has_password};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Dev mode: self-signed certificate, threshold-1 init, auto-unseal, loopback only.
    /// Never for production.
    #[arg(long)]
    pub dev: bool,
    /// Data folder [default: ./sekretess-dev in dev mode; else server.data_dir]
    #[arg(long, env = "SEKRETESS_DATA")]
    pub data: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8200]
    #[arg(long, env = "SEKRETESS_LISTEN")]
    pub listen: Option<String>,
    /// `sqlite` (the data folder) or `postgres://user@host:port/database` of the control
    /// database [default: env SEKRETESS_STORE, then server.store, then sqlite]. No password
    /// on the command line: use PGPASSWORD, ~/.pgpass, SEKRETESS_STORE or a private config file.
    #[arg(long)]
    pub store: Option<String>,
    /// PostgreSQL: where new groups go, spread by id (repeatable): `control` or a database
    /// URL, `{id}` replaced by the group id [default: server.group_databases].
    #[arg(long = "group-database")]
    pub group_databases: Vec<String>,
}

/// What dev mode writes (mode 0600) so scripts can drive the dev server.
#[derive(Serialize, Deserialize)]
struct DevCredentials {
    addr: String,
    ca_cert: PathBuf,
    token: String,
    /// At threshold 1 the share's value is the root key itself.
    share: String,
}

impl Drop for DevCredentials {
    fn drop(&mut self) {
        self.token.zeroize();
        self.share.zeroize();
    }
}

fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(data).with_context(|| format!("cannot write {}", path.display()))
}

/// A level named in the environment variable `var` (which beats the config file's `key`),
/// or `default`.
fn level_setting(
    var: &str,
    file_value: Option<&str>,
    key: &str,
    default: tracing::Level,
) -> Result<tracing::Level> {
    let env = std::env::var(var).ok().filter(|v| !v.is_empty());
    match env.as_deref().or(file_value) {
        None => Ok(default),
        Some("error") => Ok(tracing::Level::ERROR),
        Some("warn") => Ok(tracing::Level::WARN),
        Some("info") => Ok(tracing::Level::INFO),
        Some("debug") => Ok(tracing::Level::DEBUG),
        Some(_) => bail!("{key} (or {var}) is one of error, warn, info, debug"),
    }
}

/// Sets up the log: level, request-line level and format from the environment
/// (`SEKRETESS_LOG_LEVEL`, `SEKRETESS_REQUEST_LOG_LEVEL`, `SEKRETESS_LOG_FORMAT`), else the
/// config file. Lines go to stderr through the log queue
/// ([`sekretess_server::logqueue`]: written by its own thread, never dropped); the guard
/// writes out what is queued when it is dropped.
fn init_logging(file: &ConfigFile) -> Result<sekretess_server::logqueue::LogGuard> {
    use std::io::IsTerminal;
    let s = &file.server;
    let level = level_setting(
        "SEKRETESS_LOG_LEVEL",
        s.log_level.as_deref(),
        "server.log_level",
        tracing::Level::INFO,
    )?;
    let request = level_setting(
        "SEKRETESS_REQUEST_LOG_LEVEL",
        s.request_log_level.as_deref(),
        "server.request_log_level",
        tracing::Level::INFO,
    )?;
    if !matches!(request, tracing::Level::INFO | tracing::Level::DEBUG) {
        bail!("server.request_log_level (or SEKRETESS_REQUEST_LOG_LEVEL) is info or debug");
    }
    let env_format = std::env::var("SEKRETESS_LOG_FORMAT").ok().filter(|v| !v.is_empty());
    let json = match env_format.as_deref().or(s.log_format.as_deref()) {
        None | Some("pretty") => false,
        Some("json") => true,
        Some(_) => bail!("server.log_format (or SEKRETESS_LOG_FORMAT) is pretty or json"),
    };
    sekretess_server::set_request_log_level(request);
    let (queue, guard) =
        sekretess_server::logqueue::start(std::io::stderr(), sekretess_server::logqueue::DEFAULT_CAPACITY)
            .context("cannot start the log writer thread")?;
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        // Colour codes only on a terminal, not in a log file or journal.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(move || queue.writer());
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
    Ok(guard)
}

pub async fn run(args: ServeArgs, file: &ConfigFile) -> Result<()> {
    // Kept to the end of `run`: what is queued is written before the process exits.
    let _log = init_logging(file)?;
    sekretess_server::install_panic_hook();
    // Before any key exists: no core dumps, and key pages locked out of swap.
    sekretess_server::harden::harden_process()?;
    let listen =
        args.listen.or_else(|| file.server.listen.clone()).unwrap_or_else(|| "127.0.0.1:8200".to_owned());
    let listen: SocketAddr = listen
        .parse()
        .with_context(|| format!("--listen {listen:?} is not an address like 127.0.0.1:8200"))?;
    let data = match (args.data, &file.server.data_dir, args.dev) {
        (Some(d), _, _) => Some(d),
        (None, Some(d), _) => Some(d.clone()),
        (None, None, true) => Some(PathBuf::from("sekretess-dev")),
        (None, None, false) => None,
    };
    let limits = Limits {
        body_bytes: file.server.body_limit_bytes.unwrap_or(Limits::default().body_bytes),
        batch_body_bytes: file.server.batch_body_limit_bytes.unwrap_or(Limits::default().batch_body_bytes),
        max_batch: file.server.max_batch.unwrap_or(Limits::default().max_batch),
        document_body_bytes: file
            .server
            .document_body_limit_bytes
            .unwrap_or(Limits::default().document_body_bytes),
        rate: file.server.rate_limits.config(),
        document_retention_days: match file.server.document_retention_days {
            Some(0) => None,
            Some(days) => Some(days),
            None => Limits::default().document_retention_days,
        },
    };
    if args.dev {
        if args.store.is_some() || !args.group_databases.is_empty() {
            bail!("dev mode keeps its vault in SQLite; --store and --group-database are for production");
        }
        let data = data.context("dev mode needs a data folder")?;
        return dev(
            listen,
            &data,
            limits,
            backup_options(file)?,
            offline_recipient(file)?,
            retention_options(file)?,
        )
        .await;
    }
    let choice = choose_store(args.store, args.group_databases, file)?;
    let (cert, key) = match (&file.server.tls_cert, &file.server.tls_key) {
        (Some(c), Some(k)) => (c.clone(), k.clone()),
        _ => bail!("name server.tls_cert and server.tls_key in the config file (or use --dev)"),
    };
    let tls_files = (cert.as_path(), key.as_path(), file.server.tls_client_ca.as_deref());
    match choice {
        StoreChoice::Sqlite => {
            let data = data.context(
                "name the data folder: --data DIR or server.data_dir in the config file (or a PostgreSQL store)",
            )?;
            sekretess_server::tls::warn_loose_permissions(&data);
            let store = SqliteStore::open(&data).await?;
            tracing::info!(data = %data.display(), "store: SQLite");
            let (offline, retention) = (offline_recipient(file)?, retention_options(file)?);
            serve_store(store, listen, tls_files, limits, backup_options(file)?, offline, retention).await
        }
        StoreChoice::Postgres(options) => {
            tracing::info!(options = ?options, "store: PostgreSQL");
            let store =
                PgStore::open_with(options).await.context("cannot open the PostgreSQL control database")?;
            for (name, place) in file.server.group_placement.iter().flatten() {
                store.place_group(name, placement(place)?)?;
            }
            let result = serve_store(
                store.clone(),
                listen,
                tls_files,
                limits,
                backup_options(file)?,
                offline_recipient(file)?,
                retention_options(file)?,
            )
            .await;
            store.close().await;
            result
        }
    }
}

enum StoreChoice {
    Sqlite,
    Postgres(PgOptions),
}

fn placement(text: &DbUrl) -> Result<GroupPlacement> {
    if text.0 == "control" {
        return Ok(GroupPlacement::ControlDatabase);
    }
    if !(text.0.starts_with("postgres://") || text.0.starts_with("postgresql://")) {
        bail!("a group placement is `control` or a postgres:// URL");
    }
    Ok(GroupPlacement::Database(text.0.clone()))
}

/// `--store`, then `SEKRETESS_STORE`, then `server.store`; SQLite when none names PostgreSQL.
fn choose_store(flag: Option<String>, group_flags: Vec<String>, file: &ConfigFile) -> Result<StoreChoice> {
    if flag.as_deref().is_some_and(url_has_password) || group_flags.iter().any(|u| url_has_password(u)) {
        bail!(
            "a password on the command line is visible to every user of this machine: \
             use PGPASSWORD, ~/.pgpass, SEKRETESS_STORE or a private config file"
        );
    }
    let env = std::env::var("SEKRETESS_STORE").ok().filter(|s| !s.is_empty());
    let text = flag.or(env).or_else(|| file.server.store.as_ref().map(|u| u.0.clone()));
    let Some(text) = text.filter(|t| t != "sqlite") else {
        if !group_flags.is_empty() || file.server.group_databases.is_some() {
            bail!("group databases need a PostgreSQL store (--store postgres://…)");
        }
        return Ok(StoreChoice::Sqlite);
    };
    if !(text.starts_with("postgres://") || text.starts_with("postgresql://")) {
        bail!("the store is `sqlite` or a postgres:// URL");
    }
    let mut options = PgOptions::new(&text);
    let groups: Vec<DbUrl> = if group_flags.is_empty() {
        file.server.group_databases.clone().unwrap_or_default()
    } else {
        group_flags.into_iter().map(DbUrl).collect()
    };
    options.placements = groups.iter().map(placement).collect::<Result<_>>()?;
    if let Some(n) = file.server.pg_max_connections {
        options.max_connections = n.max(1);
    }
    if let Some(t) = file.server.pg_acquire_timeout_seconds {
        options.acquire_timeout = std::time::Duration::from_secs(t.max(1));
    }
    Ok(StoreChoice::Postgres(options))
}

/// Opens the vault on `store`, serves until SIGTERM/SIGINT, and keeps this process
/// registered in the control database (a heartbeat) meanwhile.
/// The offline key's public half: `[server.offline] recipient`, or
/// `SEKRETESS_OFFLINE_RECIPIENT`. Without it, restricted values are refused.
fn offline_recipient(file: &ConfigFile) -> Result<Option<OfflineRecipient>> {
    let text = std::env::var("SEKRETESS_OFFLINE_RECIPIENT")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| file.server.offline.clone().and_then(|o| o.recipient));
    text.map(|t| OfflineRecipient::parse(&t).context("the offline recipient is not an age recipient (age1…)"))
        .transpose()
}

/// The retention settings: `[server.retention]`.
fn retention_options(file: &ConfigFile) -> Result<RetentionOptions> {
    file.server.retention.clone().unwrap_or_default().options()
}

/// The backup settings: `[server.backup]`, recipients also from `SEKRETESS_BACKUP_RECIPIENTS`.
fn backup_options(file: &ConfigFile) -> Result<BackupOptions> {
    let section = file.server.backup.clone().unwrap_or_default();
    let mut texts = section.recipients.clone();
    if let Ok(env) = std::env::var("SEKRETESS_BACKUP_RECIPIENTS") {
        texts.extend(env.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned));
    }
    let recipients = texts
        .iter()
        .map(|t| BackupRecipient::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .context("a backup recipient is not an age recipient (age1…)")?;
    let schedule = match (&section.every, &section.dir) {
        (Some(every), Some(dir)) => {
            if recipients.is_empty() {
                bail!("scheduled backups need at least one recipient in [server.backup] recipients");
            }
            Some(Schedule {
                every: crate::config::parse_period(every)?,
                dir: dir.clone(),
                keep: section.keep.unwrap_or(7),
            })
        }
        (None, None) => None,
        _ => bail!("scheduled backups need both [server.backup] every and dir"),
    };
    Ok(BackupOptions { recipients, schedule })
}

async fn serve_store<S: Store + AccessStore + ProcessStore + PeopleStore + BackupSource>(
    store: S,
    listen: SocketAddr,
    (cert, key, client_ca): (&Path, &Path, Option<&Path>),
    limits: Limits,
    backups: BackupOptions,
    offline: Option<OfflineRecipient>,
    retention: RetentionOptions,
) -> Result<()> {
    let tls_config = tls::server_config_with_clients(cert, key, client_ca)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let vault = Arc::new(Vault::open(store.clone(), clock.clone(), Schema::default_schema()).await?);
    vault.set_offline_recipient(offline)?;
    let registration = ProcessRegistration { registry: Arc::new(store), id: new_process_id() };
    let state = AppState::new(Arc::clone(&vault), clock.clone(), limits, PeopleOptions::default())
        .with_processes(registration.clone())
        .with_backups(backups.clone())
        .with_retention(retention);
    let state = match client_ca {
        Some(ca) => state.with_client_cas(Arc::new(sekretess_server::mtls::ClientCas::from_pem_file(ca)?)),
        None => state,
    };
    spawn_schedule(Arc::clone(&vault), clock.clone(), backups, Arc::clone(&state.backups));
    sekretess_server::retention::spawn_schedule(
        Arc::clone(&vault),
        clock.clone(),
        Arc::clone(&state.retention),
    );
    let server = RunningServer::start(listen, tls_config, state).await?;
    let heartbeat = Heartbeat::start(vault, clock, registration.clone(), server.addr.to_string());
    tracing::info!(addr = %server.addr, process = %registration.id, "listening (HTTPS only); the vault starts sealed");
    sekretess_server::shutdown_signal().await;
    server.shutdown().await;
    heartbeat.stop().await;
    Ok(())
}

async fn dev(
    listen: SocketAddr,
    data: &Path,
    limits: Limits,
    backups: BackupOptions,
    offline: Option<OfflineRecipient>,
    retention: RetentionOptions,
) -> Result<()> {
    if !listen.ip().is_loopback() {
        bail!("dev mode listens on loopback only (127.0.0.1 or ::1); {listen} is not");
    }
    std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
        .create(data)
        .with_context(|| format!("cannot create {}", data.display()))?;
    let data = std::fs::canonicalize(data)?;
    sekretess_server::tls::warn_loose_permissions(&data);
    let certs = DevCertificate::in_dir(&data.join("tls"));
    let certs = if certs.exists() {
        certs
    } else {
        tls::generate_dev_certificate(&data.join("tls"), SystemClock.now())?
    };
    let tls_config = tls::server_config(&certs.cert, &certs.key)?;

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = SqliteStore::open(&data.join("vault")).await?;
    let vault = Vault::open(store.clone(), clock.clone(), Schema::default_schema()).await?;
    vault.set_offline_recipient(offline)?;
    let cred_path = data.join("dev-credentials.json");
    // The share is wiped once the vault is unsealed (in dev mode it encodes the root key).
    let (token, mut share) = if vault.seal_status()?.initialized {
        let text = Zeroizing::new(std::fs::read(&cred_path).with_context(|| {
            format!("this dev vault is initialized but {} is missing", cred_path.display())
        })?);
        let mut c: DevCredentials =
            serde_json::from_slice(&text).context("dev-credentials.json is damaged")?;
        (std::mem::take(&mut c.token), Zeroizing::new(std::mem::take(&mut c.share)))
    } else {
        let done =
            sekretess_server::initialize(&vault, &AuditContext::system(), clock.as_ref(), 1, 1).await?;
        let share = done.shares.first().cloned().context("init made no share")?;
        (done.bootstrap_token.expose().to_owned(), share)
    };
    vault.submit_share(&AuditContext::system(), &share).await.context("auto-unseal failed")?;

    let vault = Arc::new(vault);
    // Dev mode: the first security officer's enrolment, made once (the code is printed once).
    let people = sekretess_core::people::People::new(
        Arc::clone(&vault),
        Arc::clone(&clock),
        sekretess_core::people::PeopleConfig::default(),
    );
    let officer_code =
        match people.bootstrap_first_officer(&AuditContext::system(), "officer", "Dev Officer").await {
            Ok(inv) => Some(inv.code.expose().to_owned()),
            Err(sekretess_core::people::PeopleError::AlreadyBootstrapped) => None,
            Err(e) => return Err(e).context("cannot create the first security officer's enrolment"),
        };
    // The dev token keeps every scope over every group, also after an officer enrolled.
    let options = PeopleOptions { retire_bootstrap_key: false, ..PeopleOptions::default() };
    let registration = ProcessRegistration { registry: Arc::new(store), id: new_process_id() };
    let state = AppState::new(Arc::clone(&vault), clock.clone(), limits, options)
        .with_processes(registration.clone())
        .with_backups(backups.clone())
        .with_retention(retention);
    spawn_schedule(Arc::clone(&vault), clock.clone(), backups, Arc::clone(&state.backups));
    sekretess_server::retention::spawn_schedule(
        Arc::clone(&vault),
        clock.clone(),
        Arc::clone(&state.retention),
    );
    let server = RunningServer::start(listen, tls_config, state).await?;
    let heartbeat = Heartbeat::start(vault, clock, registration, server.addr.to_string());
    let url = format!("https://{}", server.addr);
    let creds = DevCredentials {
        addr: url.clone(),
        ca_cert: certs.ca_cert.clone(),
        token: token.clone(),
        share: std::mem::take(&mut *share), // moved, not copied
    };
    // Written into a buffer that never grows (growing leaves copies behind), then wiped.
    let mut json = Zeroizing::new(Vec::with_capacity(4096));
    serde_json::to_writer_pretty(&mut *json, &creds)?;
    drop(creds);
    write_private(&cred_path, &json)?;
    drop(json);

    let ca = certs.ca_cert.display();
    let warn = "WARNING: DEV MODE - NOT FOR PRODUCTION. The unseal share and the bootstrap key are kept on disk in plain.";
    eprintln!(
        "\n{warn}\n\n\
         Sekretess dev server listening on {url}\n  \
         CA certificate:   {ca}\n  \
         Bootstrap key:    {token}\n  \
         Credentials file: {}\n\n\
         Try, in another terminal:\n  \
         export SEKRETESS_ADDR={url} SEKRETESS_CACERT={ca} SEKRETESS_TOKEN={token}\n  \
         sekretess group create retail\n  \
         echo '{{\"full_name\": \"Ada Lovelace\", \"national_id\": \"670919-9530\"}}' | sekretess customer add --group retail\n  \
         curl --cacert {ca} -H \"Authorization: Bearer $SEKRETESS_TOKEN\" {url}/v1/groups\n\n\
         {warn}\n",
        cred_path.display()
    );
    match officer_code {
        Some(code) => eprintln!(
            "To try employees (login with password + TOTP), enrol the first security officer \
             (login \"officer\"; this code is shown once):\n  \
             sekretess employee enrol        # paste the code: {code}\n  \
             sekretess login --login officer\n\
             Then invite others with `sekretess employee invite` (see docs/operations.md).\n"
        ),
        None => eprintln!(
            "Employees: the first security officer (\"officer\") was created before; log in with \
             `sekretess login --login officer`.\n"
        ),
    }
    tracing::warn!(addr = %server.addr, "dev mode: not for production");
    sekretess_server::shutdown_signal().await;
    server.shutdown().await;
    heartbeat.stop().await;
    Ok(())
}
