//! `sekretess serve`: the HTTPS API server, and dev mode.

use std::fs::OpenOptions;
use std::io::Write;
use std::net::SocketAddr;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Args;
use sekretess_core::audit::AuditContext;
use sekretess_core::{Clock, Schema, SystemClock, Vault};
use sekretess_server::routes_people::PeopleOptions;
use sekretess_server::tls::{self, DevCertificate};
use sekretess_server::{AppState, Limits, RunningServer};
use sekretess_store::SqliteStore;
use serde::{Deserialize, Serialize};

use crate::config::ConfigFile;

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
}

/// What dev mode writes (mode 0600) so scripts can drive the dev server.
#[derive(Serialize, Deserialize)]
struct DevCredentials {
    addr: String,
    ca_cert: PathBuf,
    token: String,
    share: String,
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

fn init_logging(file: &ConfigFile) {
    let level = match file.server.log_level.as_deref() {
        Some("error") => tracing::Level::ERROR,
        Some("warn") => tracing::Level::WARN,
        Some("debug") => tracing::Level::DEBUG,
        _ => tracing::Level::INFO,
    };
    let builder = tracing_subscriber::fmt().with_max_level(level).with_writer(std::io::stderr);
    if file.server.log_format.as_deref() == Some("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub async fn run(args: ServeArgs, file: &ConfigFile) -> Result<()> {
    init_logging(file);
    let listen =
        args.listen.or_else(|| file.server.listen.clone()).unwrap_or_else(|| "127.0.0.1:8200".to_owned());
    let listen: SocketAddr = listen
        .parse()
        .with_context(|| format!("--listen {listen:?} is not an address like 127.0.0.1:8200"))?;
    let data = match (args.data, &file.server.data_dir, args.dev) {
        (Some(d), _, _) => d,
        (None, Some(d), _) => d.clone(),
        (None, None, true) => PathBuf::from("sekretess-dev"),
        (None, None, false) => {
            bail!("name the data folder: --data DIR or server.data_dir in the config file")
        }
    };
    let limits = Limits {
        body_bytes: file.server.body_limit_bytes.unwrap_or(Limits::default().body_bytes),
        batch_body_bytes: file.server.batch_body_limit_bytes.unwrap_or(Limits::default().batch_body_bytes),
        max_batch: file.server.max_batch.unwrap_or(Limits::default().max_batch),
    };
    if args.dev {
        return dev(listen, &data, limits).await;
    }
    let (cert, key) = match (&file.server.tls_cert, &file.server.tls_key) {
        (Some(c), Some(k)) => (c.clone(), k.clone()),
        _ => bail!("name server.tls_cert and server.tls_key in the config file (or use --dev)"),
    };
    let tls_config = tls::server_config(&cert, &key)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = SqliteStore::open(&data).await?;
    let vault = Vault::open(store, clock.clone(), Schema::default_schema()).await?;
    let state = AppState::new(Arc::new(vault), clock, limits).with_people(PeopleOptions::default());
    let server = RunningServer::start(listen, tls_config, state).await?;
    tracing::info!(addr = %server.addr, data = %data.display(), "listening (HTTPS only); the vault starts sealed");
    sekretess_server::shutdown_signal().await;
    server.shutdown().await;
    Ok(())
}

async fn dev(listen: SocketAddr, data: &Path, limits: Limits) -> Result<()> {
    if !listen.ip().is_loopback() {
        bail!("dev mode listens on loopback only (127.0.0.1 or ::1); {listen} is not");
    }
    std::fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))?;
    let data = std::fs::canonicalize(data)?;
    let certs = DevCertificate::in_dir(&data.join("tls"));
    let certs = if certs.exists() {
        certs
    } else {
        tls::generate_dev_certificate(&data.join("tls"), SystemClock.now())?
    };
    let tls_config = tls::server_config(&certs.cert, &certs.key)?;

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = SqliteStore::open(&data.join("vault")).await?;
    let vault = Vault::open(store, clock.clone(), Schema::default_schema()).await?;
    let cred_path = data.join("dev-credentials.json");
    let (token, share) = if vault.seal_status()?.initialized {
        let text = std::fs::read(&cred_path).with_context(|| {
            format!("this dev vault is initialized but {} is missing", cred_path.display())
        })?;
        let c: DevCredentials = serde_json::from_slice(&text).context("dev-credentials.json is damaged")?;
        (c.token, c.share)
    } else {
        let done =
            sekretess_server::initialize(&vault, &AuditContext::system(), clock.as_ref(), 1, 1).await?;
        let share = done.shares.first().map(|s| s.to_string()).context("init made no share")?;
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
    let state = AppState::new(vault, clock, limits).with_people(options);
    let server = RunningServer::start(listen, tls_config, state).await?;
    let url = format!("https://{}", server.addr);
    let creds =
        DevCredentials { addr: url.clone(), ca_cert: certs.ca_cert.clone(), token: token.clone(), share };
    write_private(&cred_path, &serde_json::to_vec_pretty(&creds)?)?;

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
    Ok(())
}
