//! Encrypted backups: `POST /v1/sys/backup` streams one, `POST /v1/sys/backup/erasures`
//! answers the erasure journal, and a schedule (if configured) writes both into a folder.
//!
//! A backup is the vault's logical content (`sekretess_core::backup`), still ciphertext
//! under the vault's keys, age-encrypted to the configured recipients
//! (`sekretess_crypto::backup`). The server holds recipients only, never an identity.
//! The age of the last good backup is in `/v1/sys/metrics`; when it is older than the
//! schedule the server logs a warning every minute.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use sekretess_core::access::AccessStore;
use sekretess_core::audit::Outcome;
use sekretess_core::backup::{BackupSource, Item, Manifest};
use sekretess_core::store::Store;
use sekretess_core::{Clock, Vault};
use sekretess_crypto::backup::{BackupRecipient, BackupWriter};

use crate::AppState;
use crate::auth::{Authorized, need};
use crate::problem::ApiError;

/// Where and how often scheduled backups are written.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub every: Duration,
    pub dir: PathBuf,
    /// Backups kept in `dir` (older ones, and their journals, are removed).
    pub keep: usize,
}

/// The backup settings of a server.
#[derive(Debug, Clone, Default)]
pub struct BackupOptions {
    pub recipients: Vec<BackupRecipient>,
    pub schedule: Option<Schedule>,
}

/// What the metrics report about backups.
#[derive(Debug, Default)]
pub struct BackupState {
    /// Time (vault clock) of the last backup written completely, 0 for none.
    last_good: AtomicI64,
    /// The schedule's period in seconds, 0 for none.
    every: AtomicI64,
}

impl BackupState {
    pub fn succeeded(&self, at: i64) {
        self.last_good.fetch_max(at, Ordering::Relaxed);
    }

    /// Seconds since the last good backup (`None`: none since this process started).
    pub fn age(&self, now: i64) -> Option<i64> {
        match self.last_good.load(Ordering::Relaxed) {
            0 => None,
            t => Some((now - t).max(0)),
        }
    }

    /// Prometheus lines.
    pub fn render(&self, now: i64) -> String {
        let mut out = String::new();
        out.push_str("# HELP sekretess_backup_last_success_age_seconds Seconds since the last complete backup (-1: none since start).\n");
        out.push_str("# TYPE sekretess_backup_last_success_age_seconds gauge\n");
        out.push_str(&format!("sekretess_backup_last_success_age_seconds {}\n", self.age(now).unwrap_or(-1)));
        out.push_str("# HELP sekretess_backup_schedule_seconds The period of scheduled backups (0: none).\n");
        out.push_str("# TYPE sekretess_backup_schedule_seconds gauge\n");
        out.push_str(&format!("sekretess_backup_schedule_seconds {}\n", self.every.load(Ordering::Relaxed)));
        out
    }
}

/// Why a backup failed (no value, key or path content beyond the kind).
#[derive(Debug, thiserror::Error)]
pub enum BackupFailure {
    #[error("no backup recipient is configured")]
    NoRecipient,
    #[error(transparent)]
    Vault(#[from] sekretess_core::VaultError),
    #[error("writing the backup failed: {0}")]
    Write(String),
}

/// A backup pauses after every `PACE_BYTES` written for `PACE` times as long as it took to
/// write them, so it takes about (1 + PACE) times as long and the vault keeps serving.
const PACE: f64 = 1.0;
const PACE_BYTES: usize = 4 << 20;

/// Writes an encrypted backup of `vault` into `out` and returns `out` and the manifest.
/// The age stream is finished only after the manifest: a backup that fails half way is
/// left without its last chunk, which every reader refuses as truncated.
pub async fn write_backup<S: Store + BackupSource, W: Write + Send + 'static>(
    vault: &Vault<S>,
    recipients: &[BackupRecipient],
    out: W,
) -> Result<(W, Manifest), BackupFailure> {
    if recipients.is_empty() {
        return Err(BackupFailure::NoRecipient);
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Item>(4096);
    let recipients = recipients.to_vec();
    let writer = tokio::task::spawn_blocking(move || -> Result<W, BackupFailure> {
        let failed = |e: std::io::Error| BackupFailure::Write(e.kind().to_string());
        let mut age = BackupWriter::new(&recipients, BufWriter::with_capacity(1 << 20, out))
            .map_err(|e| BackupFailure::Write(e.to_string()))?;
        let mut complete = false;
        let (mut since, mut bytes) = (std::time::Instant::now(), 0usize);
        while let Some(item) = rx.blocking_recv() {
            complete = matches!(item, Item::Manifest(_));
            let line = item.to_line().map_err(|e| BackupFailure::Write(e.to_string()))?;
            age.write_all(&line).map_err(failed)?;
            bytes += line.len();
            if bytes >= PACE_BYTES {
                // Paced: the backup (snapshot reads, encoding, encryption) leaves the vault
                // the CPU time it needs to keep serving.
                std::thread::sleep(since.elapsed().mul_f64(PACE));
                (since, bytes) = (std::time::Instant::now(), 0);
            }
        }
        if !complete {
            return Err(BackupFailure::Write("the backup stopped before its manifest".into()));
        }
        let buffered = age.finish().map_err(failed)?;
        buffered.into_inner().map_err(|e| failed(e.into_error()))
    });
    let manifest = vault.backup(&tx).await;
    drop(tx);
    let written = writer.await.map_err(|_| BackupFailure::Write("the writer thread failed".into()))?;
    let manifest = manifest?;
    Ok((written?, manifest))
}

/// Bytes for the response body, sent from the writer thread.
struct ChannelWriter(tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(buf.to_vec()))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away"))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The backup routes (merged by [`crate::router`] when the store can be backed up).
pub(crate) fn routes<S: Store + AccessStore + BackupSource>(state: AppState<S>) -> Router {
    Router::new()
        .route("/v1/sys/backup", post(create_backup::<S>))
        .route("/v1/sys/backup/erasures", post(erasure_journal::<S>))
        .route_layer(middleware::from_fn_with_state(state.clone(), crate::auth::authenticate::<S>))
        .route_layer(middleware::from_fn_with_state(state.clone(), crate::unsealed_only::<S>))
        .with_state(state)
}

/// Takes a consistent backup while the vault keeps serving, and streams it age-encrypted
/// to the configured recipients (`application/octet-stream`). A failure after the first
/// bytes ends the connection without the file's last chunk, so the partial file can never
/// pass for a backup.
#[utoipa::path(operation_id = "create_backup", post, path = "/v1/sys/backup", tag = "sys", security(("bearer" = ["sys:backup"])),
    responses((status = 200, description = "The encrypted backup (age)", content_type = "application/octet-stream"),
              (status = 422, description = "No backup recipient is configured (`backup-not-configured`)", body = sekretess_api::Problem, content_type = "application/problem+json")))]
pub async fn create_backup<S: Store + AccessStore + BackupSource>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::SysBackup>,
) -> Result<Response, ApiError> {
    if st.backup_options.recipients.is_empty() {
        return Err(ApiError::InvalidBody {
            kind: "backup-not-configured",
            detail: "the server has no backup recipient; set [server.backup] recipients".into(),
        });
    }
    st.vault.record_event(auth.ctx().event("backup.create"), Outcome::Success).await?;
    let (body_tx, mut body_rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(16);
    let on_error = body_tx.clone();
    let vault = Arc::clone(&st.vault);
    let recipients = st.backup_options.recipients.clone();
    let state = Arc::clone(&st.backups);
    let clock = Arc::clone(&st.clock);
    tokio::spawn(async move {
        match write_backup(&vault, &recipients, ChannelWriter(body_tx)).await {
            Ok((_, _)) => state.succeeded(clock.now()),
            Err(e) => {
                tracing::error!(error = %e, "backup failed");
                let _ = on_error.send(Err(std::io::Error::other("backup failed"))).await;
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| body_rx.poll_recv(cx));
    let mut resp = Body::from_stream(stream).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    Ok(resp)
}

/// The erasure journal (JSON): every erasure on record, authenticated, no values.
#[utoipa::path(operation_id = "get_erasure_journal", post, path = "/v1/sys/backup/erasures", tag = "sys", security(("bearer" = ["sys:backup"])),
    responses((status = 200, description = "The erasure journal", content_type = "application/json")))]
pub async fn erasure_journal<S: Store + AccessStore + BackupSource>(
    State(st): State<AppState<S>>,
    auth: Authorized<need::SysBackup>,
) -> Result<Response, ApiError> {
    st.vault.record_event(auth.ctx().event("backup.erasures"), Outcome::Success).await?;
    let journal = st.vault.erasure_journal().await?;
    let mut resp = journal.to_json().into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}

/// Writes `bytes` to `path` through a private temporary file and a rename.
fn write_private(
    path: &Path,
    write: impl FnOnce(std::fs::File) -> Result<(), BackupFailure>,
) -> Result<(), BackupFailure> {
    use std::os::unix::fs::OpenOptionsExt;
    let failed = |e: std::io::Error| BackupFailure::Write(e.kind().to_string());
    let tmp = path.with_extension("partial");
    let file =
        std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp).map_err(failed)?;
    if let Err(e) = write(file) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).map_err(failed)
}

/// One scheduled backup: `sekretess-<time>.age` and `sekretess-<time>.erasures.json`.
async fn scheduled_backup<S: Store + BackupSource>(
    vault: &Vault<S>,
    options: &BackupOptions,
    schedule: &Schedule,
    now: i64,
) -> Result<PathBuf, BackupFailure> {
    let path = schedule.dir.join(format!("sekretess-{now:012}.age"));
    let tmp = path.with_extension("partial");
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| BackupFailure::Write(e.kind().to_string()))?
    };
    match write_backup(vault, &options.recipients, file).await {
        Ok((file, _)) => {
            file.sync_all().map_err(|e| BackupFailure::Write(e.kind().to_string()))?;
            std::fs::rename(&tmp, &path).map_err(|e| BackupFailure::Write(e.kind().to_string()))?;
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    }
    let journal = vault.erasure_journal().await?;
    write_private(&schedule.dir.join(format!("sekretess-{now:012}.erasures.json")), |mut f| {
        f.write_all(&journal.to_json())
            .and_then(|()| f.sync_all())
            .map_err(|e| BackupFailure::Write(e.kind().to_string()))
    })?;
    prune(&schedule.dir, schedule.keep);
    Ok(path)
}

/// Keeps the newest `keep` backups (and their journals) in `dir`.
fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut stamps: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_prefix("sekretess-")?.strip_suffix(".age").map(str::to_owned))
        .collect();
    stamps.sort();
    let drop_count = stamps.len().saturating_sub(keep.max(1));
    for stamp in &stamps[..drop_count] {
        let _ = std::fs::remove_file(dir.join(format!("sekretess-{stamp}.age")));
        let _ = std::fs::remove_file(dir.join(format!("sekretess-{stamp}.erasures.json")));
    }
}

/// Runs the schedule for as long as the process lives: a backup every `every` while the
/// vault is unsealed, and a warning each minute while the last good one is older than that.
pub fn spawn_schedule<S: Store + BackupSource>(
    vault: Arc<Vault<S>>,
    clock: Arc<dyn Clock>,
    options: BackupOptions,
    state: Arc<BackupState>,
) {
    let Some(schedule) = options.schedule.clone() else { return };
    let every = i64::try_from(schedule.every.as_secs()).unwrap_or(i64::MAX).max(1);
    state.every.store(every, Ordering::Relaxed);
    let started = clock.now();
    tokio::spawn(async move {
        let mut last_attempt = started;
        let tick = schedule.every.min(Duration::from_secs(60)).max(Duration::from_secs(1));
        loop {
            tokio::time::sleep(tick).await;
            let now = clock.now();
            if now - last_attempt >= every {
                last_attempt = now;
                if vault.seal_status().is_ok_and(|s| !s.sealed) {
                    match scheduled_backup(&vault, &options, &schedule, now).await {
                        Ok(_) => {
                            state.succeeded(now);
                            tracing::info!("scheduled backup written");
                        }
                        Err(e) => tracing::error!(error = %e, "scheduled backup failed"),
                    }
                }
            }
            let since = state.age(now).unwrap_or(now - started);
            if since > every {
                tracing::warn!(
                    age_seconds = since,
                    schedule_seconds = every,
                    "the last good backup is older than its schedule"
                );
            }
        }
    });
}
