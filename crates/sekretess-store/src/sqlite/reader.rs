//! Hot reads on the caller's thread.
//!
//! Every sqlx statement is a hand-off to the connection's worker thread and back: two
//! thread wake-ups per statement, which on the read path of a get cost more CPU than the
//! statement itself (a B-tree lookup in pages already cached). The reads of a get (its
//! directory version, its row) run instead on read-only connections of their own, on the
//! thread that asks, without waiting: a connection never waits for a lock (busy timeout
//! 0), and a read that does not answer at once (SQLite busy, a file that cannot be opened,
//! any error at all) returns `None`, and the caller reads through its pool as before,
//! where errors are reported as they always were. So this path can only make a read
//! faster, never change its answer: both read the committed state of the same WAL file.

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

/// Idle connections kept per database: one per thread that reads at the same moment.
const KEEP_IDLE: usize = 4;

pub(crate) struct Reader {
    path: PathBuf,
    /// `None` once closed: reads go through the pool, which reports it closed.
    idle: Mutex<Option<Vec<Connection>>>,
}

impl Reader {
    pub(crate) fn new(path: PathBuf) -> Self {
        Reader { path, idle: Mutex::new(Some(Vec::new())) }
    }

    /// Runs `read` on an idle connection (opened on first use); `None` when it cannot
    /// answer at once.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Option<T> {
        let taken = self.idle.lock().ok()?.as_mut()?.pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open()?,
        };
        let answer = read(&conn).ok();
        if let Ok(mut idle) = self.idle.lock()
            && let Some(idle) = idle.as_mut()
            && idle.len() < KEEP_IDLE
        {
            idle.push(conn);
        }
        answer
    }

    fn open(&self) -> Option<Connection> {
        // Read-only: this connection can never write, whatever a bug asks of it.
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).ok()?;
        // Only a WAL database: a rollback-journal file would make readers and the writer
        // wait on each other (and the pool refuses to open one anyway).
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |row| row.get(0)).ok()?;
        if !mode.eq_ignore_ascii_case("wal") {
            return None;
        }
        conn.busy_timeout(std::time::Duration::ZERO).ok()?;
        conn.set_prepared_statement_cache_capacity(32);
        Some(conn)
    }

    /// Drops the connections; later reads go through the pool.
    pub(crate) fn close(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            *idle = None;
        }
    }
}

/// `?, ?, ?` for an `IN` list of `n` values.
pub(crate) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store_with_row(dir: &std::path::Path) -> sqlx::SqlitePool {
        let pool = super::super::open_pool(&dir.join("t.db"), 2).await.unwrap();
        sqlx::query("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)").execute(&pool).await.unwrap();
        sqlx::query("INSERT INTO t VALUES ('a', 1)").execute(&pool).await.unwrap();
        pool
    }

    fn value(reader: &Reader) -> Option<i64> {
        reader.read(|c| c.query_row("SELECT v FROM t WHERE k = 'a'", [], |r| r.get(0)))
    }

    /// A reader sees what the pool committed, and nothing that is not committed yet.
    #[tokio::test]
    async fn reads_the_committed_state_of_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let pool = store_with_row(dir.path()).await;
        let reader = Reader::new(dir.path().join("t.db"));
        assert_eq!(value(&reader), Some(1));
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("UPDATE t SET v = 2").execute(&mut *tx).await.unwrap();
        assert_eq!(value(&reader), Some(1), "an open transaction is not seen");
        tx.commit().await.unwrap();
        assert_eq!(value(&reader), Some(2));
    }

    /// It cannot write, and a closed reader answers nothing (the pool then answers).
    #[tokio::test]
    async fn is_read_only_and_closes() {
        let dir = tempfile::tempdir().unwrap();
        let _pool = store_with_row(dir.path()).await;
        let reader = Reader::new(dir.path().join("t.db"));
        assert_eq!(reader.read(|c| c.execute("UPDATE t SET v = 3", [])), None);
        assert_eq!(value(&reader), Some(1));
        reader.close();
        assert_eq!(value(&reader), None);
    }

    /// A file that is not a WAL database (or not there) is never read here.
    #[test]
    fn answers_nothing_for_a_missing_or_non_wal_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(value(&Reader::new(dir.path().join("missing.db"))), None);
        let plain = dir.path().join("plain.db");
        let conn = Connection::open(&plain).unwrap();
        conn.execute_batch("CREATE TABLE t (k TEXT, v INTEGER); INSERT INTO t VALUES ('a', 1);").unwrap();
        drop(conn);
        assert_eq!(value(&Reader::new(plain)), None);
    }
}
