use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use sekretess_client::{Client, ClientConfig, ClientError};
use sekretess_core::people::PeopleConfig;
use sekretess_core::{Clock, ManualClock, Schema, SystemClock, Vault};
use sekretess_crypto::password::PasswordParams;
use sekretess_server::ratelimit::{Rate, RateLimitConfig};
use sekretess_server::routes::people::PeopleOptions;
use sekretess_server::tls::{self, DevCertificate};
use sekretess_server::{AppState, Limits, RunningServer};
use sekretess_store::SqliteStore;
use zeroize::Zeroizing;

/// 2026-11-18, a fixed "now".
pub const NOW: i64 = 1_795_000_000;

pub struct TestServer {
    pub _dir: tempfile::TempDir,
    pub server: RunningServer,
    pub certs: DevCertificate,
    pub clock: Arc<ManualClock>,
}

pub struct Ready {
    pub ts: TestServer,
    pub shares: Vec<String>,
    pub token: String,
    /// The first security officer's one-time enrolment code, from init.
    pub officer_code: Option<String>,
}

impl TestServer {
    /// A fresh, uninitialized server, without rate limits (tests fail logins on purpose).
    pub async fn start() -> TestServer {
        let rate = RateLimitConfig { auth_failures: Rate::OFF, reveals: Rate::OFF };
        Self::start_with(Limits { rate, ..Limits::default() }).await
    }

    /// A fresh, uninitialized server with these limits.
    pub async fn start_with(limits: Limits) -> TestServer {
        Self::start_full(limits, None).await
    }

    /// A fresh, uninitialized server (no rate limits) that asks clients for a certificate
    /// issued by the CA in `client_ca` (PEM).
    pub async fn start_mtls(client_ca: &std::path::Path) -> TestServer {
        let rate = RateLimitConfig { auth_failures: Rate::OFF, reveals: Rate::OFF };
        Self::start_full(Limits { rate, ..Limits::default() }, Some(client_ca)).await
    }

    /// A fresh, uninitialized server (no rate limits) whose data folder is under `base`.
    pub async fn start_in(base: &std::path::Path) -> TestServer {
        let rate = RateLimitConfig { auth_failures: Rate::OFF, reveals: Rate::OFF };
        Self::start_full_in(Limits { rate, ..Limits::default() }, None, tempfile::tempdir_in(base).unwrap())
            .await
    }

    async fn start_full(limits: Limits, client_ca: Option<&std::path::Path>) -> TestServer {
        Self::start_full_in(limits, client_ca, tempfile::tempdir().unwrap()).await
    }

    async fn start_full_in(
        limits: Limits,
        client_ca: Option<&std::path::Path>,
        dir: tempfile::TempDir,
    ) -> TestServer {
        let certs = tls::generate_dev_certificate(&dir.path().join("tls"), SystemClock.now()).unwrap();
        let tls_config = tls::server_config_with_clients(&certs.cert, &certs.key, client_ca).unwrap();
        let store = SqliteStore::open(&dir.path().join("data")).await.unwrap();
        let clock = Arc::new(ManualClock::new(NOW));
        let vault = Vault::open(store, clock.clone(), Schema::default_schema()).await.unwrap();
        // Restricted fields are sealed to this offline key (its identity is thrown away:
        // nothing online opens them, and neither do these tests).
        let (_, recipient) = sekretess_crypto::backup::generate_identity();
        let recipient = sekretess_crypto::offline::OfflineRecipient::parse(&recipient).unwrap();
        vault.set_offline_recipient(Some(recipient)).unwrap();
        // Cheap Argon2 parameters through configuration (tests only).
        let people = PeopleOptions {
            config: PeopleConfig {
                password_params: PasswordParams { memory_kib: 64, iterations: 2, parallelism: 1 },
                ..PeopleConfig::default()
            },
            retire_bootstrap_key: true,
        };
        let state = AppState::new(Arc::new(vault), clock.clone(), limits, people)
            .with_backups(sekretess_server::backup::BackupOptions::default());
        let state = match client_ca {
            Some(ca) => {
                state.with_client_cas(Arc::new(sekretess_server::mtls::ClientCas::from_pem_file(ca).unwrap()))
            }
            None => state,
        };
        let server = RunningServer::start("127.0.0.1:0".parse().unwrap(), tls_config, state).await.unwrap();
        TestServer { _dir: dir, server, certs, clock }
    }

    /// The data folder: the control database `control.db`, one database per group.
    pub fn data_dir(&self) -> PathBuf {
        self._dir.path().join("data")
    }

    /// Runs one SQL statement on the control database behind the server's back, to inject
    /// a fault (e.g. a trigger that makes every audit write fail).
    pub async fn control_sql(&self, statement: &str) {
        let path = self.data_dir().join("control.db");
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
        sqlx::query(statement).execute(&pool).await.unwrap();
        pool.close().await;
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.server.addr.port())
    }

    pub fn client(&self, token: Option<&str>) -> Client {
        Client::new(&ClientConfig {
            addr: self.url(),
            ca_cert: Some(self.certs.ca_cert.clone()),
            token: token.map(|t| Zeroizing::new(t.to_owned())),
        })
        .unwrap()
    }

    /// A client that presents the certificate and key in these PEM files.
    pub fn client_with_cert(
        &self,
        token: Option<&str>,
        cert: &std::path::Path,
        key: &std::path::Path,
    ) -> Client {
        let config = ClientConfig {
            addr: self.url(),
            ca_cert: Some(self.certs.ca_cert.clone()),
            token: token.map(|t| Zeroizing::new(t.to_owned())),
        };
        Client::with_identity(&config, Some((cert, key))).unwrap()
    }

    /// Initialized (2 of 3), still sealed.
    pub async fn initialized() -> Ready {
        Self::initialized_on(TestServer::start().await).await
    }

    async fn initialized_on(ts: TestServer) -> Ready {
        let init = ts.client(None).init(2, 3).await.unwrap();
        assert_eq!(init.shares.len(), 3);
        Ready {
            ts,
            shares: init.shares,
            token: init.bootstrap_token,
            officer_code: init.officer_enrolment_code,
        }
    }

    /// Initialized, unsealed, with group `retail`.
    pub async fn ready() -> Ready {
        Self::ready_on(TestServer::start().await).await
    }

    /// Initialized, unsealed, with group `retail`, under these limits.
    pub async fn ready_with(limits: Limits) -> Ready {
        Self::ready_on(TestServer::start_with(limits).await).await
    }

    pub async fn ready_on(ts: TestServer) -> Ready {
        let r = TestServer::initialized_on(ts).await;
        let c = r.ts.client(None);
        c.unseal(&r.shares[0]).await.unwrap();
        let s = c.unseal(&r.shares[2]).await.unwrap();
        assert!(!s.sealed);
        r.admin().create_group("retail").await.unwrap();
        r
    }
}

impl Ready {
    pub fn admin(&self) -> Client {
        self.ts.client(Some(&self.token))
    }
}

pub fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The problem kind of an API error, or a panic naming what came instead.
pub fn kind<T: std::fmt::Debug>(r: Result<T, ClientError>) -> String {
    match r {
        Err(ClientError::Api(p)) => p.kind().to_owned(),
        other => panic!("expected a problem document, got {other:?}"),
    }
}

/// `#[allow(dead_code)]`-free path to PathBuf for helpers.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The plain values of `fields` of a customer, through a reveal (the caller needs
/// `customers:reveal`; the purpose is `customer_request`).
pub async fn plain(c: &Client, code: &str, fields: &[&str]) -> BTreeMap<String, String> {
    let req = sekretess_api::people::RevealRequest {
        fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        purpose: Some("customer_request".to_owned()),
    };
    c.reveal(code, &req).await.unwrap().fields
}
