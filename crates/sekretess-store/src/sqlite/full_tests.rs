//! Experiment (temporary).

use sqlx::Connection;

use super::*;

async fn probe(pool: &SqlitePool, what: &str) {
    let mut conn = pool.acquire().await.unwrap();
    let depth = conn.is_in_transaction();
    // BEGIN fails inside a transaction.
    let begin = sqlx::query("BEGIN").execute(&mut *conn).await;
    let in_tx = begin.is_err();
    if !in_tx {
        sqlx::query("ROLLBACK").execute(&mut *conn).await.unwrap();
    }
    println!("{what}: sqlx depth>0 = {depth}, sqlite in transaction = {in_tx}");
}

async fn raw_pool(path: &Path) -> SqlitePool {
    create_private_file(path).unwrap();
    let options = SqliteConnectOptions::from_str("sqlite://")
        .unwrap()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .unwrap()
}

#[tokio::test]
async fn experiment_raw() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let pool = raw_pool(&path).await;
    experiment(&path, pool).await;
}

#[tokio::test]
async fn experiment_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let pool = open_pool(&path, 1).await.unwrap();
    experiment(&path, pool).await;
}

async fn experiment(path: &Path, pool: SqlitePool) {
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)").execute(&pool).await.unwrap();
    sqlx::query("CREATE TABLE u (id INTEGER PRIMARY KEY, body BLOB NOT NULL)").execute(&pool).await.unwrap();
    let (pages,): (i64,) = sqlx::query_as("PRAGMA page_count").fetch_one(&pool).await.unwrap();
    let limit = format!("PRAGMA max_page_count = {}", pages + 2);
    sqlx::query(&limit).execute(&pool).await.unwrap();
    // A: one-row insert too big.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO u (body) VALUES (zeroblob(10))").execute(&mut *tx).await.unwrap();
    let r = sqlx::query("INSERT INTO t (body) VALUES (zeroblob(100000))").execute(&mut *tx).await;
    println!("A: {r:?}");
    drop(tx);
    probe(&pool, "after A").await;
    // B: multi-row insert too big.
    sqlx::query(&limit).execute(&pool).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    let r =
        sqlx::query("INSERT INTO t (body) VALUES (zeroblob(10)), (zeroblob(100000))").execute(&mut *tx).await;
    println!("B: {r:?}");
    drop(tx);
    probe(&pool, "after B").await;
    sqlx::query("PRAGMA max_page_count = 100000").execute(&pool).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO t (id, body) VALUES (42, zeroblob(10))").execute(&mut *tx).await.unwrap();
    let c = tx.commit().await;
    println!("C commit: {c:?}");
    probe(&pool, "after C").await;
    let other = open_pool(path, 1).await.unwrap();
    let n: Vec<(i64,)> = sqlx::query_as("SELECT id FROM t").fetch_all(&other).await.unwrap();
    println!("seen by another connection: {n:?}");
}

mod group_full {
    use sekretess_core::store::{CustomerRecord, CustomerWrite, GroupStore, IndexEntry, Store};

    use super::super::filters::FilterCache;
    use super::super::index::INDEX_STAGING;
    use super::*;

    /// The group's database through a pool of one connection (so a connection left in a
    /// bad state is the one the next write gets).
    async fn one_connection(path: &Path) -> SqliteGroup {
        SqliteGroup {
            pool: open_pool(path, 1).await.unwrap(),
            path: path.to_owned(),
            checkpoints: Checkpointer::default(),
            staging: INDEX_STAGING,
            filters: FilterCache::default(),
            runs: Arc::default(),
        }
    }

    fn hash(n: u32, field: u8) -> [u8; 32] {
        let mut h = [field; 32];
        h[..4].copy_from_slice(&n.to_be_bytes());
        h
    }

    fn customer(n: u32, body: usize) -> CustomerWrite {
        CustomerWrite {
            record: CustomerRecord {
                code: format!("C{n:011}"),
                version: 1,
                kek_version: 1,
                wrapped_dek: vec![7; 40],
                fields: vec![("notes".into(), vec![n as u8; body])],
                created_at: 0,
                updated_at: 0,
                retain_until: None,
            },
            index: vec![
                IndexEntry { field: "email".into(), hash: hash(n, 1), unique: false },
                IndexEntry { field: "national_id".into(), hash: hash(n, 2), unique: true },
            ],
        }
    }

    /// Whether customer `n` is there, whole (row and both index entries), as a fresh
    /// connection sees it; `None` if only part of it is.
    async fn stored(group: &SqliteGroup, n: u32) -> Option<bool> {
        let code = customer(n, 0).record.code;
        let row = !group.get_customers(std::slice::from_ref(&code)).await.unwrap().is_empty();
        let by_email = group.find("email", &hash(n, 1), false).await.unwrap() == [code.clone()];
        let by_id = group.find("national_id", &hash(n, 2), true).await.unwrap() == [code];
        (row == by_email && row == by_id).then_some(row)
    }

    #[tokio::test]
    async fn experiment_group() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).await.unwrap();
        let row = store.create_group(1, "retail", 0, &[]).await.unwrap();
        let path = dir.path().join(&row.location);
        store.open_group(&row).await.unwrap().close().await;
        let group = one_connection(&path).await;
        let mut n = 0;
        let mut acknowledged = Vec::new();
        let mut refused = Vec::new();
        for round in 0..6 {
            // Full: no page beyond the current ones.
            for attempt in 0..6 {
                let (pages,): (i64,) =
                    sqlx::query_as("PRAGMA page_count").fetch_one(&group.pool).await.unwrap();
                sqlx::query(&format!("PRAGMA max_page_count = {pages}")).execute(&group.pool).await.unwrap();
                let size = if attempt % 2 == 0 { 20_000 } else { 300 };
                let count = 1 + attempt % 3;
                let batch: Vec<_> = (0..count).map(|i| customer(n + i, size)).collect();
                let ids: Vec<u32> = (n..n + count).collect();
                n += count;
                match group.insert_customers(&batch).await {
                    Ok(()) => acknowledged.extend(ids),
                    Err(e) => {
                        println!("round {round} attempt {attempt}: {e}");
                        refused.extend(ids)
                    }
                }
            }
            sqlx::query("PRAGMA max_page_count = 1000000").execute(&group.pool).await.unwrap();
            for _ in 0..3 {
                let ids = vec![n];
                match group.insert_customers(&[customer(n, 300)]).await {
                    Ok(()) => acknowledged.extend(ids),
                    Err(e) => {
                        println!("round {round} space: {e}");
                        refused.extend(ids)
                    }
                }
                n += 1;
            }
        }
        group.close().await;
        let fresh = store.open_group(&row).await.unwrap();
        let mut lost = 0;
        for &i in &acknowledged {
            if stored(&fresh, i).await != Some(true) {
                lost += 1;
            }
        }
        let mut half = 0;
        for &i in &refused {
            if stored(&fresh, i).await != Some(false) {
                half += 1;
            }
        }
        println!("acknowledged {} lost {lost}; refused {} left {half}", acknowledged.len(), refused.len());
    }
}
