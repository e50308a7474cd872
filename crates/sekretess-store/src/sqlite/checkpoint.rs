//! Write-ahead-log checkpoints on a task of their own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::*;

/// Starts write-ahead-log checkpoints on a task of their own, at most one at a time and
/// one per `CHECKPOINT_EVERY`. Left to SQLite, the commit that crosses its threshold copies
/// the log into the database and syncs it before it returns, and every request waiting for
/// that commit (an audit round) waits for the copy too.
#[derive(Clone, Default)]
pub(crate) struct Checkpointer(Arc<CheckpointState>);

#[derive(Default)]
struct CheckpointState {
    running: AtomicBool,
    last_started: Mutex<Option<Instant>>,
}

const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// Log frames (pages) above which a checkpoint makes the log start over: 64 MiB.
const RESTART_ABOVE_FRAMES: i64 = 16_384;

impl Checkpointer {
    /// Call after a commit on `pool`.
    pub(crate) fn after_commit(&self, pool: &SqlitePool) {
        let state = &self.0;
        let due = match state.last_started.lock() {
            Ok(mut last) => {
                let due = last.is_none_or(|t| t.elapsed() >= CHECKPOINT_EVERY);
                if due && !state.running.swap(true, Ordering::AcqRel) {
                    *last = Some(Instant::now());
                    true
                } else {
                    false
                }
            }
            Err(_) => false,
        };
        if due {
            let (pool, state) = (pool.clone(), Arc::clone(state));
            tokio::spawn(async move {
                // PASSIVE copies what it can without waiting for readers or writers. A
                // failure only leaves the log longer; the next one (or SQLite's own
                // backstop) catches up.
                let passive: Result<(i64, i64, i64), _> =
                    sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&pool).await;
                // Under writes without pause the log never starts over (each checkpoint ends
                // behind the newest commit) and grows without bound: 1.3 GB after 150,000
                // batched creates in the server benchmark. Past a bound, RESTART waits for
                // the writer so that the next commit starts the log from the beginning.
                if passive.is_ok_and(|(_, log_frames, _)| log_frames > RESTART_ABOVE_FRAMES) {
                    let _ = sqlx::query("PRAGMA wal_checkpoint(RESTART)").execute(&pool).await;
                }
                state.running.store(false, Ordering::Release);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn checkpoints_run_without_a_commit_waiting_for_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let pool = open_pool(&path, 2).await.unwrap();
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        let mut tx = pool.begin().await.unwrap();
        for _ in 0..200 {
            sqlx::query("INSERT INTO t (body) VALUES (zeroblob(1000))").execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
        // Far below SQLite's own threshold (10,000 pages): only the checkpointer moves the
        // pages from the log into the database file.
        let db_size = || std::fs::metadata(&path).unwrap().len();
        assert!(db_size() < 100_000, "the database file grew before any checkpoint");
        Checkpointer::default().after_commit(&pool);
        let mut waited = 0;
        while db_size() < 200_000 && waited < 100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            waited += 1;
        }
        assert!(db_size() >= 200_000, "no checkpoint ran: database file is {} bytes", db_size());
        pool.close().await;
    }
}
