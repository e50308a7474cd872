//! The Sekretess HTTPS API server: axum over rustls.
//!
//! - TLS only (TLS 1.3, and TLS 1.2 with ECDHE + AEAD suites); no plain-HTTP listener.
//! - Every response carries HSTS, `nosniff`, `Cache-Control: no-store` and an
//!   `x-request-id`; there is no `Server` banner.
//! - While the vault is sealed every route but health, seal-status, init and unseal
//!   answers 503 with a problem document (before any credential is looked at).
//! - Errors are RFC 9457 problem documents, mapped once in [`problem`].
//! - Prometheus metrics at `/v1/sys/metrics` ([`metrics`]), scope `sys:metrics`.
//!
//! The server is generic over the store (`S: Store + AccessStore`); it never names SQLite.
#![forbid(unsafe_code)]

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put};
use futures_util::FutureExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use sekretess_core::access::{self, AccessStore, SECURITY_OFFICER};
use sekretess_core::people::{People, PeopleStore};
use sekretess_core::store::Store;
use sekretess_core::{ApiKeySecret, Clock, Vault, VaultError};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tracing::Instrument;

pub mod audit_trail;
pub mod auth;
pub mod backup;
pub mod console;
mod extract;
pub mod harden;
mod keywork;
pub mod known;
pub mod logqueue;
pub mod metrics;
pub mod mtls;
pub mod openapi;
pub mod problem;
pub mod processes;
pub mod ratelimit;
pub mod retention;
pub mod routes;
pub mod tls;
pub mod token_redact;

use problem::{ApiError, REQUEST_ID};
pub use routes::people::PeopleOptions;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    #[error("TLS: {0}")]
    Tls(String),
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

/// Request limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, in bytes, for every route but batch create.
    pub body_bytes: usize,
    /// Largest batch-create body, in bytes.
    pub batch_body_bytes: usize,
    /// Most customers in one batch.
    pub max_batch: usize,
    /// Largest binary document sent to `POST /v1/redact` or `POST /v1/documents`, in bytes.
    pub document_body_bytes: usize,
    /// Authentication failures per source and reveals per caller ([`ratelimit`]).
    pub rate: ratelimit::RateLimitConfig,
    /// Days an archived document is kept at least (its retention date is the filing time
    /// plus this); `None`: documents get no retention date.
    pub document_retention_days: Option<u32>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 64 * 1024,
            batch_body_bytes: 8 * 1024 * 1024,
            max_batch: 1000,
            document_body_bytes: 32 * 1024 * 1024,
            rate: ratelimit::RateLimitConfig::default(),
            document_retention_days: Some(DEFAULT_DOCUMENT_RETENTION_DAYS),
        }
    }
}

/// Default retention of archived documents: 7 years (2,557 days), the time the Swedish
/// Bookkeeping Act (Bokföringslagen 7:2) keeps accounting records.
pub const DEFAULT_DOCUMENT_RETENTION_DAYS: u32 = 2557;

/// What every handler reaches: one shared [`AppShared`] (a clone is one reference count,
/// as every middleware layer and extractor of every request clones it).
pub struct AppState<S: Store + AccessStore>(Arc<AppShared<S>>);

impl<S: Store + AccessStore> std::ops::Deref for AppState<S> {
    type Target = AppShared<S>;
    fn deref(&self) -> &AppShared<S> {
        &self.0
    }
}

impl<S: Store + AccessStore> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState(Arc::clone(&self.0))
    }
}

impl<S: Store + AccessStore> AppState<S> {
    /// This state's own copy to change (a copy taken earlier, e.g. by the people routes,
    /// keeps what it had, as a clone did before).
    fn own(&mut self) -> &mut AppShared<S> {
        Arc::make_mut(&mut self.0)
    }
}

/// The parts of [`AppState`].
pub struct AppShared<S: Store + AccessStore> {
    pub vault: Arc<Vault<S>>,
    pub clock: Arc<dyn Clock>,
    pub limits: Limits,
    pub keys: Arc<auth::KeyCache>,
    /// Employees and sessions.
    pub people: Arc<dyn auth::session::Directory>,
    /// The employee, policy and agreement routes. Only the state [`AppState::new`] returns
    /// carries them; the copy those routes hold has none (they are merged once, by [`router`]).
    people_routes: Router,
    /// Where this process registers (see [`processes`]); none in tests.
    pub processes: Option<processes::ProcessRegistration>,
    /// Request counters for `GET /v1/sys/metrics`.
    pub metrics: Arc<metrics::HttpMetrics>,
    /// Authentication failures of the current interval, per source (for the audit log).
    pub auth_failures: Arc<audit_trail::AuthFailures>,
    /// Token buckets for authentication failures and reveals.
    pub rate_limits: Arc<ratelimit::RateLimits>,
    /// Backup recipients and schedule (none: `POST /v1/sys/backup` answers that it is not
    /// configured), and what the metrics report about backups.
    pub backup_options: backup::BackupOptions,
    pub backups: Arc<backup::BackupState>,
    /// The backup routes, set by [`AppState::with_backups`] (merged once, by [`router`]).
    backup_routes: Router,
    /// Retention rules and schedule, and what the metrics report about retention.
    pub retention: Arc<retention::RetentionState>,
    /// The client CAs (`server.tls_client_ca`), set once by [`AppState::with_client_cas`]
    /// and shared with every copy of the state; keys bound by subject need them.
    pub client_cas: Arc<std::sync::OnceLock<Arc<mtls::ClientCas>>>,
}

impl<S: Store + AccessStore + PeopleStore> AppState<S> {
    /// The state of a server over `vault`, employees, sessions, the field policy and
    /// agreements included (run as `people` says).
    pub fn new(vault: Arc<Vault<S>>, clock: Arc<dyn Clock>, limits: Limits, people: PeopleOptions) -> Self {
        let service = Arc::new(People::new(Arc::clone(&vault), Arc::clone(&clock), people.config));
        let directory = auth::session::PeopleHandle::new(Arc::clone(&service), people.retire_bootstrap_key);
        let mut state = AppState(Arc::new(AppShared {
            vault,
            clock,
            limits,
            keys: Arc::new(auth::KeyCache::new(KEY_CACHE_SECONDS)),
            people: Arc::new(directory),
            people_routes: Router::new(),
            processes: None,
            metrics: Arc::new(metrics::HttpMetrics::new()),
            auth_failures: Arc::new(audit_trail::AuthFailures::new(
                audit_trail::AUTH_FAILURE_INTERVAL,
                audit_trail::AUTH_FAILURE_SOURCES,
            )),
            rate_limits: Arc::new(ratelimit::RateLimits::new(limits.rate)),
            backup_options: backup::BackupOptions::default(),
            backups: Arc::default(),
            backup_routes: Router::new(),
            retention: Arc::new(retention::RetentionState::new(Default::default())),
            client_cas: Arc::default(),
        }));
        let people_routes = routes::people::router(state.clone(), service);
        state.own().people_routes = people_routes;
        state
    }
}

impl<S: Store + AccessStore> AppState<S> {
    /// Takes retention rules and the sweep's time of day (see [`retention`]).
    pub fn with_retention(self, options: retention::RetentionOptions) -> Self {
        // Shared with every copy of the state (the people routes' too).
        self.retention.set_options(options);
        self
    }

    /// Takes the client CAs of `server.tls_client_ca` (the same file the TLS config asks
    /// clients for a certificate of), for API keys bound by subject and issuing CA. Without
    /// them such a key is refused.
    pub fn with_client_cas(self, cas: Arc<mtls::ClientCas>) -> Self {
        // Shared with every copy of the state (the people routes' too); set once.
        let _ = self.client_cas.set(cas);
        self
    }

    /// Lists the registered processes at `GET /v1/sys/processes`.
    pub fn with_processes(mut self, registration: processes::ProcessRegistration) -> Self {
        self.own().processes = Some(registration);
        self
    }
}

/// How long an API key record is reused before it is read again.
pub const KEY_CACHE_SECONDS: i64 = 5;

impl<S: Store + AccessStore> Clone for AppShared<S> {
    fn clone(&self) -> Self {
        AppShared {
            vault: Arc::clone(&self.vault),
            clock: Arc::clone(&self.clock),
            limits: self.limits,
            keys: Arc::clone(&self.keys),
            people: self.people.clone(),
            people_routes: self.people_routes.clone(),
            processes: self.processes.clone(),
            metrics: Arc::clone(&self.metrics),
            auth_failures: Arc::clone(&self.auth_failures),
            rate_limits: Arc::clone(&self.rate_limits),
            backup_options: self.backup_options.clone(),
            backups: Arc::clone(&self.backups),
            backup_routes: self.backup_routes.clone(),
            retention: Arc::clone(&self.retention),
            client_cas: Arc::clone(&self.client_cas),
        }
    }
}

impl<S: Store + AccessStore + sekretess_core::backup::BackupSource> AppState<S> {
    /// Serves `POST /v1/sys/backup` and `POST /v1/sys/backup/erasures` with these
    /// recipients (the schedule itself is started by [`backup::spawn_schedule`]).
    pub fn with_backups(mut self, options: backup::BackupOptions) -> Self {
        let own = self.own();
        own.backup_options = options;
        own.backup_routes = Router::new();
        let routes = backup::routes(self.clone());
        self.own().backup_routes = routes;
        self
    }
}

/// What init hands out once.
pub struct Initialized {
    pub key_id: String,
    pub shares: Vec<zeroize::Zeroizing<String>>,
    pub bootstrap_token: ApiKeySecret,
    pub bootstrap_key_id: String,
}

/// Initializes the vault and creates the bootstrap API key (scope `security-officer`,
/// every group). Used by `POST /v1/sys/init` and by dev mode.
pub async fn initialize<S: Store + AccessStore>(
    vault: &Vault<S>,
    ctx: &sekretess_core::audit::AuditContext,
    clock: &dyn Clock,
    threshold: u8,
    shares: u8,
) -> Result<Initialized, VaultError> {
    let outcome = vault.init(ctx, threshold, shares).await?;
    let (record, token) = access::create_api_key(
        vault.store(),
        clock,
        "bootstrap",
        &[SECURITY_OFFICER.to_owned()],
        &[access::ALL_GROUPS.to_owned()],
    )
    .await?;
    Ok(Initialized {
        key_id: outcome.key_id,
        shares: outcome.shares.iter().map(|s| s.to_text()).collect(),
        bootstrap_token: token,
        bootstrap_key_id: record.id,
    })
}

/// A fresh random id for a request (not a secret; only unique).
fn request_id() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    format!("{:016x}", h.finish())
}

/// Request id, security headers, one log line per request (route template, never the
/// raw path or a body), and the request counters of [`metrics`].
async fn request_layer(
    State(counters): State<Arc<metrics::HttpMetrics>>,
    req: Request,
    next: Next,
) -> Response {
    let id = request_id();
    let method = req.method().clone();
    // The route template (an `Arc<str>` inside: no copy).
    let route = req.extensions().get::<MatchedPath>().cloned();
    let span = tracing::info_span!("request", id = %id, principal = tracing::field::Empty);
    let started = Instant::now();
    // A handler that panics answers 500 with the request id instead of dropping the
    // connection; the panic hook logs where, never what (see `install_panic_hook`).
    let handled = async {
        match AssertUnwindSafe(next.run(req)).catch_unwind().await {
            Ok(resp) => resp,
            Err(_) => ApiError::Panic.into_response(),
        }
    };
    let mut resp = REQUEST_ID.scope(id.clone(), handled).instrument(span.clone()).await;
    let h = resp.headers_mut();
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=63072000; includeSubDomains"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    // The console sets its own (stricter than nothing, but it serves a stylesheet).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    h.remove(header::SERVER);
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert(HeaderName::from_static(sekretess_api::REQUEST_ID_HEADER), v);
    }
    let elapsed = started.elapsed();
    counters.observe(resp.status(), elapsed);
    let _enter = span.enter();
    let (route, status, micros) = (
        route.as_ref().map_or("-", MatchedPath::as_str),
        resp.status().as_u16(),
        u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
    );
    if REQUEST_LOG_DEBUG.load(Ordering::Relaxed) {
        tracing::debug!(method = %method, route, status, micros, "request");
    } else {
        tracing::info!(method = %method, route, status, micros, "request");
    }
    resp
}

/// Whether the one line per request is logged at `debug` (else at `info`, the default).
static REQUEST_LOG_DEBUG: AtomicBool = AtomicBool::new(false);

/// The level of the one log line per request: `info` (the default) or `debug` (then a
/// server logging at `info` writes no request lines; warnings and errors stay).
pub fn set_request_log_level(level: tracing::Level) {
    REQUEST_LOG_DEBUG.store(level >= tracing::Level::DEBUG, Ordering::Relaxed);
}

/// Reads a body of at most `limit` bytes (by its `Content-Length`) before routing. A
/// request refused before its handler reads the body (401, 403, 503) would otherwise close
/// the connection under a client still sending, which then sees a broken pipe instead of
/// the answer. Larger bodies (batch creates) are left to their route's own limit.
async fn read_small_body(State(limit): State<usize>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if !declared.is_some_and(|n| n > 0 && n <= limit) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await,
        Err(_) => ApiError::MalformedJson("the body could not be read".into()).into_response(),
    }
}

/// While sealed, data routes answer 503.
pub(crate) async fn unsealed_only<S: Store + AccessStore>(
    State(st): State<AppState<S>>,
    req: Request,
    next: Next,
) -> Response {
    match st.vault.seal_status() {
        Ok(s) if !s.sealed => next.run(req).await,
        Ok(_) => ApiError::Vault(VaultError::Sealed).into_response(),
        Err(e) => ApiError::Vault(e).into_response(),
    }
}

async fn not_found() -> ApiError {
    ApiError::RouteNotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

async fn openapi_json() -> Response {
    let mut resp = openapi::document().into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

/// The whole API.
pub fn router<S: Store + AccessStore>(state: AppState<S>) -> Router {
    use routes as r;
    let limits = state.limits;
    let data = Router::new()
        .route("/v1/groups", post(r::groups::create_group::<S>).get(r::groups::list_groups::<S>))
        .route("/v1/groups/{name}/lock", post(r::groups::lock_group::<S>))
        .route("/v1/groups/{name}/unlock", post(r::groups::unlock_group::<S>))
        .route("/v1/groups/{name}/rotate-key", post(r::keys::rotate_group_key::<S>))
        .route("/v1/schema", get(r::customers::schema::<S>))
        .route("/v1/groups/{name}/schema", get(r::schema::group_schema::<S>))
        .route("/v1/groups/{name}/schema/fields", post(r::schema::add_field::<S>))
        .route("/v1/groups/{name}/schema/fields/{field}", patch(r::schema::change_field::<S>))
        .route("/v1/offline/export", post(r::schema::offline_export::<S>))
        .route("/v1/customers", post(r::customers::create_customer::<S>))
        .route(
            "/v1/customers/batch",
            post(r::customers::create_customers::<S>).layer(DefaultBodyLimit::max(limits.batch_body_bytes)),
        )
        .route("/v1/customers/search", post(r::customers::search::<S>))
        .route(
            "/v1/tokenize",
            post(r::tokens::tokenize::<S>).layer(DefaultBodyLimit::max(limits.batch_body_bytes)),
        )
        .route(
            "/v1/detokenize",
            post(r::tokens::detokenize::<S>).layer(DefaultBodyLimit::max(limits.batch_body_bytes)),
        )
        .route(
            "/v1/tokens/revoke",
            post(r::tokens::revoke::<S>).layer(DefaultBodyLimit::max(limits.batch_body_bytes)),
        )
        .route(
            "/v1/customers/{code}",
            get(r::customers::get_customer::<S>)
                .patch(r::customers::update_customer::<S>)
                .delete(r::customers::erase_customer::<S>),
        )
        .route(
            "/v1/customers/{code}/retention",
            get(r::retention::get_retention::<S>).put(r::retention::set_retention::<S>),
        )
        .route("/v1/customers/{code}/legal-hold", put(r::retention::set_legal_hold::<S>))
        .route("/v1/groups/{name}/retention/due", get(r::retention::due::<S>))
        .route("/v1/apikeys", post(r::apikeys::create_api_key::<S>).get(r::apikeys::list_api_keys::<S>))
        .route("/v1/apikeys/{id}", delete(r::apikeys::revoke_api_key::<S>))
        .route("/v1/apikeys/{id}/bind", post(r::apikeys::bind_api_key::<S>))
        .route("/v1/audit", get(r::audit::list::<S>))
        .route("/v1/audit/verify", get(r::audit::verify::<S>).post(r::audit::verify_checkpoint::<S>))
        .route("/v1/audit/key", post(r::audit::export_key::<S>))
        .route("/v1/audit/checkpoint", get(r::audit::checkpoint::<S>))
        .route("/v1/audit/rotate-key", post(r::keys::rotate_audit_key::<S>))
        .route(
            "/v1/redact",
            post(r::redact::redact::<S>).layer(DefaultBodyLimit::max(limits.document_body_bytes)),
        )
        .route(
            "/v1/documents",
            post(r::documents::file_document::<S>)
                .layer(DefaultBodyLimit::max(limits.document_body_bytes))
                .get(r::documents::list_documents::<S>),
        )
        .route(
            "/v1/documents/{id}",
            get(r::documents::get_document::<S>).delete(r::documents::delete_document::<S>),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), audit_trail::customer_failures::<S>))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::authenticate::<S>))
        .route_layer(middleware::from_fn_with_state(state.clone(), unsealed_only::<S>));
    let protected_sys = Router::new()
        .route("/v1/sys/seal", post(r::sys::seal::<S>))
        .route("/v1/sys/rekey", post(r::keys::rekey::<S>))
        .route("/v1/sys/rekey/confirm", post(r::keys::rekey_confirm::<S>))
        .route("/v1/sys/processes", get(processes::list_processes::<S>))
        .route("/v1/sys/metrics", get(metrics::metrics::<S>))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::authenticate::<S>))
        .route_layer(middleware::from_fn_with_state(state.clone(), unsealed_only::<S>));
    let public = Router::new()
        .route("/v1/sys/health", get(r::sys::health::<S>))
        .route("/v1/sys/seal-status", get(r::sys::get_seal_status::<S>))
        .route("/v1/sys/init", post(r::sys::init::<S>))
        .route("/v1/sys/unseal", post(r::sys::unseal::<S>))
        .route("/v1/openapi.json", get(openapi_json));
    let people = state.people_routes.clone();
    let backups = state.backup_routes.clone();
    let counters = Arc::clone(&state.metrics);
    let directory = Arc::clone(&state.people);
    let clock = Arc::clone(&state.clock);
    let api = public
        .merge(protected_sys)
        .merge(data)
        .with_state(state)
        .merge(people)
        .merge(backups)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(limits.body_bytes, read_small_body))
        .layer(middleware::from_fn_with_state(Arc::clone(&counters), request_layer));
    // The web console under /ui/ calls the API above in process (see [`console`]).
    console::router(api.clone(), directory, clock)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(counters, request_layer))
        .fallback_service(api)
}

/// Serves `app` over TLS on `listener` until `shutdown` completes, then lets open
/// requests finish (up to 10 seconds).
pub async fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    app: Router,
    shutdown: impl Future<Output = ()> + Send,
) {
    let acceptor = TlsAcceptor::from(tls);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let app = app.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let stream = match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
                Ok(Ok(stream)) => stream,
                Ok(Err(e)) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake refused");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "TLS handshake timed out");
                    return;
                }
            };
            // The client certificate (verified by the handshake), if one was presented.
            let cert =
                auth::ClientCert(mtls::PeerCertificate::from_chain(stream.get_ref().1.peer_certificates()));
            // The peer's address (for the audit log's origin) and its certificate ride
            // along with every request.
            let service = TowerToHyperService::new(tower::service_fn(
                move |mut req: Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(auth::Peer(peer));
                    req.extensions_mut().insert(cert.clone());
                    tower::ServiceExt::oneshot(app.clone(), req)
                },
            ));
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .serve_connection(TokioIo::new(stream), service);
            if let Err(e) = watcher.watch(conn).await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing open requests");
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(Duration::from_secs(10)) => tracing::warn!("open connections cut after 10 s"),
    }
}

/// A server running on a spawned task (for tests, dev mode and benchmarks).
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    /// The background key work ([`keywork`]); stopped with the server.
    keywork: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    /// Binds `addr` and serves on a new task.
    pub async fn start<S: Store + AccessStore>(
        addr: SocketAddr,
        tls: Arc<rustls::ServerConfig>,
        state: AppState<S>,
    ) -> Result<Self, ServerError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| ServerError::Io(format!("cannot listen on {addr}"), e))?;
        let addr = listener.local_addr().map_err(|e| ServerError::Io("no local address".into(), e))?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let keywork = tokio::spawn(keywork::run(Arc::clone(&state.vault)));
        let app = router(state);
        let task = tokio::spawn(serve(listener, tls, app, async move {
            let _ = stopped.await;
        }));
        Ok(RunningServer { addr, stop: Some(stop), task, keywork })
    }

    /// Stops accepting, lets open requests finish, and waits.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        // An interrupted rewrap batch is rolled back; the next start walks the group again.
        self.keywork.abort();
    }

    /// Waits until the server stops by itself.
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

/// Replaces the default panic hook (which prints the panic's message, and a message may
/// quote data) with one that logs only where the panic happened.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
        tracing::error!(location = at.as_deref().unwrap_or("-"), "panic (message withheld)");
    }));
}

/// Completes on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received");
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use super::*;

    async fn panics() -> &'static str {
        panic!("a handler bug")
    }

    #[tokio::test]
    async fn fault11_handler_panic_answers_500_with_request_id() {
        let counters = Arc::new(metrics::HttpMetrics::new());
        let app = Router::new()
            .route("/boom", get(panics))
            .layer(middleware::from_fn_with_state(Arc::clone(&counters), request_layer));
        let resp = app.oneshot(Request::get("/boom").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let id = resp.headers()[sekretess_api::REQUEST_ID_HEADER].to_str().unwrap().to_owned();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 16).await.unwrap();
        let problem: sekretess_api::Problem = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem.status, 500);
        assert_eq!(problem.instance.as_deref(), Some(format!("urn:sekretess:request:{id}").as_str()));
        assert!(!String::from_utf8_lossy(&body).contains("a handler bug"));
    }
}
