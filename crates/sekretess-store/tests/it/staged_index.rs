//! The SQLite group store stages new blind-index entries in runs and merges them into the
//! main indexes now and then. With small runs, a few customers reach every state: finds,
//! uniqueness, updates and erasure must not depend on whether an entry is staged or merged.

use sekretess_core::error::StoreError;
use sekretess_core::store::{CustomerWrite, GroupStore, IndexEntry, Store};
use sekretess_crypto::mac::hmac_sha256;
use sekretess_store::{SqliteGroup, SqliteStore};

use crate::common::{NOW, placeholder_record};

fn hash(field: &str, i: u32) -> [u8; 32] {
    hmac_sha256(field.as_bytes(), &i.to_be_bytes())
}

fn code(i: u32) -> String {
    format!("C{i:011}")
}

/// Customer `i` with two searchable fields (`email` shared by `email_of`) and a unique one.
fn write(i: u32, email_of: u32, national_id: u32) -> CustomerWrite {
    let entry = |field: &str, hash, unique| IndexEntry { field: field.into(), hash, unique };
    CustomerWrite {
        record: placeholder_record(code(i)),
        index: vec![
            entry("email", hash("email", email_of), false),
            entry("phone", hash("phone", i), false),
            entry("national_id", hash("national_id", national_id), true),
        ],
    }
}

async fn find(group: &SqliteGroup, field: &str, i: u32) -> Vec<String> {
    group.find(field, &hash(field, i), field == "national_id").await.unwrap()
}

/// `find_many` over every field of customers `ids` answers as one `find` each.
async fn many_answers_as_find(group: &SqliteGroup, ids: std::ops::Range<u32>) {
    let fields = ["email", "phone", "national_id"];
    let mut probes = Vec::new();
    for i in ids.clone() {
        for field in fields {
            probes.push(IndexEntry {
                field: field.into(),
                hash: hash(field, i),
                unique: field == "national_id",
            });
        }
    }
    let got = group.find_many(&probes).await.unwrap();
    let mut want = Vec::new();
    for (k, p) in probes.iter().enumerate() {
        let i = ids.start + u32::try_from(k / fields.len()).unwrap();
        want.extend(find(group, &p.field, i).await.into_iter().map(|c| (k, c)));
    }
    want.sort();
    assert_eq!(got, want);
}

/// (runs per level, non-unique entries staged as rows and in blocks, unique entries in
/// level-0 runs and in merged runs), read straight from the file.
async fn staging_state(group: &SqliteGroup) -> (Vec<(i64, i64)>, i64, i64, i64) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", group.path().display())).await.unwrap();
    let levels = sqlx::query_as("SELECT level, count(*) FROM index_runs GROUP BY level ORDER BY level")
        .fetch_all(&pool)
        .await
        .unwrap();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
    };
    let blocks: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT entries FROM blind_blocks").fetch_all(&pool).await.unwrap();
    let in_blocks: usize = blocks.iter().map(|b| sekretess_store::decode_block(b).unwrap().len()).sum();
    let blind = count("SELECT count(*) FROM staged_blind").await + in_blocks as i64;
    let unique_staged =
        count("SELECT count(*) FROM unique_runs WHERE run IN (SELECT run FROM index_runs WHERE level = 0)")
            .await;
    let unique_merged =
        count("SELECT count(*) FROM unique_runs WHERE run IN (SELECT run FROM index_runs WHERE level > 0)")
            .await;
    for old in ["SELECT count(*) FROM blind_index", "SELECT count(*) FROM unique_index"] {
        assert_eq!(count(old).await, 0, "new entries went to the old index: {old}");
    }
    pool.close().await;
    (levels, blind, unique_staged, unique_merged)
}

#[tokio::test]
async fn staged_and_merged_entries_answer_alike_when_each_run_is_probed() {
    staged_and_merged_entries_answer_alike(usize::MAX, usize::MAX).await;
}

#[tokio::test]
async fn staged_and_merged_entries_answer_alike_through_hash_filters() {
    staged_and_merged_entries_answer_alike(0, usize::MAX).await;
}

/// Batches pack their non-unique entries into blocks (two entries each); single creates
/// add rows to the newest run, whose other entries are in blocks.
#[tokio::test]
async fn staged_and_merged_entries_answer_alike_in_blocks_and_rows() {
    staged_and_merged_entries_answer_alike(0, 4).await;
}

/// `probe_up_to`: writes of more unique entries than this check them through the runs'
/// hash filters, the others probe each run. `blocks_from`: writes of at least this many
/// non-unique entries pack them into blocks.
async fn staged_and_merged_entries_answer_alike(probe_up_to: usize, blocks_from: usize) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let row = store.create_group(1, "retail", NOW, &[]).await.unwrap();
    // Three entries per customer, two customers per batch: a level-0 run takes two
    // batches (one if they are in blocks, of about two entries each), and three runs of
    // a level are merged into one.
    let group =
        store.open_group(&row).await.unwrap().with_index_staging(12, 3, probe_up_to, blocks_from, 100);

    const BATCHES: u32 = 16;
    let mut saw_unique_staged = false;
    for batch in 0..BATCHES {
        let writes =
            [write(2 * batch, 2 * batch, 2 * batch), write(2 * batch + 1, 2 * batch + 1, 2 * batch + 1)];
        group.insert_customers(&writes).await.unwrap();
        let (_, _, unique_staged, unique_merged) = staging_state(&group).await;
        saw_unique_staged |= unique_staged > 0 && unique_merged > 0;
        for i in 0..2 * batch + 2 {
            for field in ["email", "phone", "national_id"] {
                assert_eq!(find(&group, field, i).await, [code(i)], "after batch {batch}: {field} of {i}");
            }
        }
    }
    many_answers_as_find(&group, 0..2 * BATCHES + 3).await;
    // Merges of merges happened, and no entry was lost or doubled on the way.
    let (levels, blind, unique_staged, unique_merged) = staging_state(&group).await;
    assert!(levels.iter().any(|&(level, _)| level >= 2), "{levels:?}");
    assert!(levels.iter().all(|&(_, runs)| runs < 3), "{levels:?}");
    assert_eq!(blind, 2 * 2 * i64::from(BATCHES));
    assert_eq!(unique_staged + unique_merged, 2 * i64::from(BATCHES));
    assert!(saw_unique_staged, "unique entries were never both in level-0 and in merged runs");

    // Uniqueness holds against merged entries and level-0 runs, and within a batch; a
    // refused batch leaves nothing behind.
    for (taken, what) in [(0, "merged"), (2 * BATCHES - 5, "level 0"), (2 * BATCHES - 1, "newest run")] {
        let refused = group.insert_customers(&[write(100, 100, 100), write(101, 101, taken)]).await;
        assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{what}: {refused:?}");
        assert!(find(&group, "phone", 100).await.is_empty(), "{what}: half a batch was written");
    }
    let twice = group.insert_customers(&[write(102, 102, 500), write(103, 103, 500)]).await;
    assert!(matches!(twice, Err(StoreError::Conflict { .. })), "{twice:?}");

    // A value shared by a merged and a staged customer finds both.
    group.insert_customers(&[write(200, 0, 200)]).await.unwrap();
    assert_eq!(find(&group, "email", 0).await, [code(0), code(200)]);
    // And against the run that is still taking entries.
    let again = group.insert_customers(&[write(201, 201, 200)]).await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");

    // Update and erasure remove merged and staged entries alike.
    let mut moved = write(1, 1, 1);
    moved.index[0].hash = hash("email", 900);
    assert!(group.update_customer(&moved, 1).await.unwrap());
    assert!(find(&group, "email", 1).await.is_empty());
    assert_eq!(find(&group, "email", 900).await, [code(1)]);
    for i in [3, 10] {
        assert!(group.erase_customer(&code(i)).await.unwrap());
        for field in ["email", "phone", "national_id"] {
            assert!(find(&group, field, i).await.is_empty(), "{field} of erased {i}");
        }
    }
    // The erased customer's unique value is free again.
    group.insert_customers(&[write(300, 300, 10)]).await.unwrap();
    assert_eq!(find(&group, "national_id", 10).await, [code(300)]);

    // Entries written before staging existed (straight into blind_index) are still found,
    // alongside staged ones for the same value.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", group.path().display())).await.unwrap();
    sqlx::query("INSERT INTO blind_index (hash, code) VALUES (?, ?)")
        .bind(&hash("email", 300)[..])
        .bind(code(400))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(find(&group, "email", 300).await, [code(300), code(400)]);
    many_answers_as_find(&group, 0..2 * BATCHES).await;
    many_answers_as_find(&group, 195..305).await;
}

/// A merge reads each run a few blocks or rows at a time: runs far longer than that
/// (one of rows, one of small blocks) come out whole.
#[tokio::test]
async fn a_merge_of_long_runs_keeps_every_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let row = store.create_group(1, "retail", NOW, &[]).await.unwrap();
    // 600 customers: 1,200 non-unique entries, as rows. Then 800: 1,600, in blocks of
    // about two entries. Two runs make a level, so the second write merges both.
    let group = store.open_group(&row).await.unwrap().with_index_staging(2000, 2, 64, 1500, 100);
    let rows: Vec<_> = (0..600).map(|i| write(i, i, i)).collect();
    let blocks: Vec<_> = (600..1400).map(|i| write(i, i, i)).collect();
    group.insert_customers(&rows).await.unwrap();
    group.insert_customers(&blocks).await.unwrap();
    let (levels, blind, _, _) = staging_state(&group).await;
    assert_eq!(levels, [(1, 1)], "the two runs were not merged");
    assert_eq!(blind, 2 * 1400);
    for i in (0..1400).step_by(7) {
        for field in ["email", "phone"] {
            assert_eq!(find(&group, field, i).await, [code(i)], "{field} of {i}");
        }
    }
}
