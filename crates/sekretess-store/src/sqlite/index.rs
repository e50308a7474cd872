//! The staged blind index: runs, levels, merges and the uniqueness check.

use sekretess_core::store::{CustomerWrite, IndexEntry};
use sqlx::{QueryBuilder, Sqlite};

use super::filters::index_runs;
use super::*;
use crate::hash_filter::HashFilter;
use crate::index_blocks::{self, BlockWriter};

/// A customer's index entries, framed as `[unique u8][field length u8][field][hash 32]`.
pub(super) fn encode_index(entries: &[IndexEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 48);
    for e in entries {
        out.push(u8::from(e.unique));
        out.push(e.field.len() as u8);
        out.extend_from_slice(e.field.as_bytes());
        out.extend_from_slice(&e.hash);
    }
    out
}

pub(super) fn decode_index(mut blob: &[u8]) -> Result<Vec<IndexEntry>, StoreError> {
    let corrupt = || StoreError::Corrupt("customer index framing".into());
    let mut entries = Vec::new();
    while let Some((&unique, rest)) = blob.split_first() {
        let (&len, rest) = rest.split_first().ok_or_else(corrupt)?;
        let (field, rest) = rest.split_at_checked(len as usize).ok_or_else(corrupt)?;
        let (hash, rest) = rest.split_at_checked(32).ok_or_else(corrupt)?;
        entries.push(IndexEntry {
            field: std::str::from_utf8(field).map_err(|_| corrupt())?.to_owned(),
            hash: hash.try_into().map_err(|_| corrupt())?,
            unique: unique == 1,
        });
        blob = rest;
    }
    Ok(entries)
}

/// How new blind-index entries are staged (see `migrations/sqlite/group/0002_staged_index.sql`
/// and `0003_unique_runs.sql`).
#[derive(Debug, Clone, Copy)]
pub(super) struct IndexStaging {
    /// Entries a level-0 run takes before a write starts a new one.
    pub(super) run_entries: i64,
    /// Runs of one level that are merged into one run of the next. Each run costs a find
    /// one more index probe; each entry is rewritten once per level.
    pub(super) fanout: i64,
    /// Unique entries that a write checks against the runs by probing each run. A write
    /// of more tests them against the runs' hash filters first and probes only the runs
    /// that may hold one (a filter read from the file costs as much as many probes).
    pub(super) probe_up_to: usize,
    /// Non-unique entries from which a write starts a run of its own and packs them into
    /// blocks (`index_blocks.rs`); fewer are added as rows to the newest run. At an eighth
    /// of a full run, block runs at most multiply the runs (and a find's probes) by eight.
    pub(super) blocks_from: usize,
    /// Bytes of a block (more only if one hash has more entries): one 4 KiB page holds it.
    pub(super) block_bytes: usize,
}

/// Fanout 32: a find probes at most 31 runs per level (a few microseconds each while
/// cached). With the default schema (six searchable fields, one of them unique) level-0
/// runs are merged every 320,000 customers created in batches of 10,000 (a run each) or
/// 420,000 created one by one; a merge rewrites its runs' entries once, about 3 us each.
pub(super) const INDEX_STAGING: IndexStaging =
    IndexStaging { run_entries: 65_536, fanout: 32, probe_up_to: 64, blocks_from: 8192, block_bytes: 4000 };

/// The blind-index entries of customers being written, gathered for [`insert_index`]
/// (which stages them all at once): each entry's hash with its customer, unique entries
/// apart from the others, and the names of the unique fields.
#[derive(Default)]
pub(super) struct NewIndexEntries {
    /// (hash, customer code)
    unique: Vec<([u8; 32], Arc<str>)>,
    blind: Vec<([u8; 32], Arc<str>)>,
    unique_fields: Vec<String>,
}

impl NewIndexEntries {
    pub(super) fn of(writes: &[CustomerWrite]) -> Self {
        let mut entries = Self::default();
        entries.add(writes);
        entries
    }

    /// Adds the entries of `writes`.
    pub(super) fn add(&mut self, writes: &[CustomerWrite]) {
        for w in writes {
            let code: Arc<str> = Arc::from(w.record.code.as_str());
            for e in &w.index {
                if !e.unique {
                    self.blind.push((e.hash, Arc::clone(&code)));
                    continue;
                }
                self.unique.push((e.hash, Arc::clone(&code)));
                if !self.unique_fields.contains(&e.field) {
                    self.unique_fields.push(e.field.clone());
                }
            }
        }
    }

    /// (hash, code) of the unique or the other entries, in key order: so each B-tree page
    /// is visited once.
    fn sorted(&self, unique: bool) -> Vec<(&[u8; 32], &str)> {
        let entries = if unique { &self.unique } else { &self.blind };
        let mut sorted: Vec<(&[u8; 32], &str)> = entries.iter().map(|(hash, code)| (hash, &**code)).collect();
        sorted.sort_unstable();
        sorted
    }

    /// The field to name for a uniqueness conflict: exact when the writes have one unique
    /// field (the vault retries item by item to find the culprit).
    fn conflict_field(&self) -> String {
        match self.unique_fields.as_slice() {
            [one] => one.clone(),
            _ => "a unique field".to_owned(),
        }
    }
}

/// Stages new index entries (in a transaction that has already written, so it holds the
/// write lock), and merges runs when a level has enough of them.
pub(super) async fn insert_index(
    tx: &mut sqlx::SqliteConnection,
    new: &NewIndexEntries,
    staging: IndexStaging,
    filters: &FilterCache,
) -> Result<(), StoreError> {
    let conflict = || StoreError::Conflict { what: new.conflict_field() };
    let (unique, blind) = (new.sorted(true), new.sorted(false));
    if unique.is_empty() && blind.is_empty() {
        return Ok(());
    }
    let added = (unique.len() + blind.len()) as i64;
    let blocks = (blind.len() >= staging.blocks_from)
        .then(|| {
            let mut writer = BlockWriter::new(staging.block_bytes);
            for (hash, code) in &blind {
                writer.push(hash, code)?;
            }
            Ok::<_, StoreError>(writer.finish())
        })
        .transpose()?;
    let newest: Option<(i64, i64)> =
        sqlx::query_as("SELECT run, entries FROM index_runs WHERE level = 0 ORDER BY run DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
    let (run, new_run) = match newest {
        // Blocks only ever go to a new run: a run's blocks must not overlap.
        Some((run, entries)) if blocks.is_none() && entries + added <= staging.run_entries => (run, false),
        _ => (next_run(tx).await?, true),
    };
    // Tells finds that keep the run list in memory to read it again (`find_unique`).
    sqlx::query("UPDATE index_generation SET n = n + 1").execute(&mut *tx).await.map_err(map_err)?;
    if new_run {
        // A run that took entries after its first write takes no more: it gets its filter.
        let open: Vec<i64> =
            sqlx::query_scalar("SELECT run FROM index_runs WHERE length(unique_filter) IS NULL")
                .fetch_all(&mut *tx)
                .await
                .map_err(map_err)?;
        for run in open {
            write_filter(tx, run).await?;
        }
    }
    if !unique.is_empty() && unique_taken(tx, &unique, staging, filters).await? {
        return Err(conflict());
    }
    // A new run holds just this write's unique entries: its filter is theirs. A run that
    // takes more entries later loses its filter until a write starts the next run.
    let filter = new_run.then(|| HashFilter::encode(unique.iter().map(|(hash, _)| &hash[..])));
    sqlx::query(
        "INSERT INTO index_runs (run, level, entries, unique_filter) VALUES (?1, 0, ?2, ?3) \
             ON CONFLICT (run) DO UPDATE SET entries = entries + ?2, unique_filter = NULL",
    )
    .bind(run)
    .bind(added)
    .bind(filter)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    // The key (run, hash) refuses a value twice in the batch, or already in this run.
    append_to_run(tx, "unique_runs", run, &unique).await.map_err(|e| match e {
        StoreError::Conflict { .. } => conflict(),
        other => other,
    })?;
    match blocks {
        Some(blocks) => index_blocks::write_blocks(tx, run, &blocks).await?,
        None => append_to_run(tx, "staged_blind", run, &blind).await?,
    }
    // Only a new run can fill a level.
    if new_run { merge_full_levels(tx, staging).await } else { Ok(()) }
}

/// Writes `entries` (in key order) to `run` of `table` (`unique_runs` or `staged_blind`).
async fn append_to_run(
    tx: &mut sqlx::SqliteConnection,
    table: &str,
    run: i64,
    entries: &[(&[u8; 32], &str)],
) -> Result<(), StoreError> {
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("INSERT OR FAIL INTO {table} (run, hash, code) "));
        q.push_values(chunk, |mut b, (hash, code)| {
            b.push_bind(run).push_bind(&hash[..]).push_bind(*code);
        });
        q.build().execute(&mut *tx).await.map_err(map_err)?;
    }
    Ok(())
}

/// Whether some customer already holds one of the `unique` hashes (sorted): in
/// unique_index (entries from before unique runs), or in any run.
async fn unique_taken(
    tx: &mut sqlx::SqliteConnection,
    unique: &[(&[u8; 32], &str)],
    staging: IndexStaging,
    filters: &FilterCache,
) -> Result<bool, StoreError> {
    async fn any_of(
        tx: &mut sqlx::SqliteConnection,
        sql: &str,
        run: Option<i64>,
        hashes: &[&[u8; 32]],
    ) -> Result<bool, StoreError> {
        for chunk in hashes.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(sql);
            if let Some(run) = run {
                q.push_bind(run).push(" AND hash IN (");
            }
            let mut list = q.separated(", ");
            for hash in chunk {
                list.push_bind(&hash[..]);
            }
            q.push(") LIMIT 1");
            if q.build().fetch_optional(&mut *tx).await.map_err(map_err)?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }
    let hashes: Vec<&[u8; 32]> = unique.iter().map(|(hash, _)| *hash).collect();
    if any_of(tx, "SELECT 1 FROM unique_index WHERE hash IN (", None, &hashes).await? {
        return Ok(true);
    }
    if hashes.len() <= staging.probe_up_to {
        let sql = "SELECT 1 FROM unique_runs WHERE run IN (SELECT run FROM index_runs) AND hash IN (";
        return any_of(tx, sql, None, &hashes).await;
    }
    for (run, entries, open) in index_runs(tx).await? {
        let filter = if open { None } else { filters.get(tx, run, entries).await? };
        let candidates: Vec<&[u8; 32]> = match filter {
            Some(filter) => hashes.iter().copied().filter(|hash| filter.may_contain(&hash[..])).collect(),
            None => hashes.clone(),
        };
        if any_of(tx, "SELECT 1 FROM unique_runs WHERE run = ", Some(run), &candidates).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Writes the hash filter of `run`'s unique entries.
async fn write_filter(tx: &mut sqlx::SqliteConnection, run: i64) -> Result<(), StoreError> {
    let hashes: Vec<Vec<u8>> = sqlx::query_scalar("SELECT hash FROM unique_runs WHERE run = ?")
        .bind(run)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
    sqlx::query("UPDATE index_runs SET unique_filter = ? WHERE run = ?")
        .bind(HashFilter::encode(hashes.iter().map(Vec::as_slice)))
        .bind(run)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    Ok(())
}

async fn next_run(tx: &mut sqlx::SqliteConnection) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT COALESCE(MAX(run), 0) + 1 FROM index_runs")
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)
}

/// While some level has `fanout` runs, merges them into one run of the next level.
async fn merge_full_levels(tx: &mut sqlx::SqliteConnection, staging: IndexStaging) -> Result<(), StoreError> {
    loop {
        let full: Option<(i64, i64)> = sqlx::query_as(
            "SELECT level, SUM(entries) FROM index_runs GROUP BY level HAVING count(*) >= ? ORDER BY level LIMIT 1",
        )
        .bind(staging.fanout)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let Some((level, entries)) = full else { return Ok(()) };
        let run = next_run(tx).await?;
        let merged: Vec<i64> = sqlx::query_scalar("SELECT run FROM index_runs WHERE level = ? ORDER BY run")
            .bind(level)
            .fetch_all(&mut *tx)
            .await
            .map_err(map_err)?;
        index_blocks::merge_into(tx, &merged, run, staging.block_bytes).await?;
        // A unique hash in two runs would be a broken invariant: reported, not dropped.
        sqlx::query(
            "INSERT OR FAIL INTO unique_runs (run, hash, code) SELECT ?, hash, code FROM unique_runs \
             WHERE run IN (SELECT run FROM index_runs WHERE level = ?) ORDER BY hash",
        )
        .bind(run)
        .bind(level)
        .execute(&mut *tx)
        .await
        .map_err(|e| match map_err(e) {
            StoreError::Conflict { .. } => StoreError::Corrupt("a unique index entry is in two runs".into()),
            other => other,
        })?;
        let retired = [
            sqlx::query("DELETE FROM staged_blind WHERE run IN (SELECT run FROM index_runs WHERE level = ?)")
                .bind(level),
            sqlx::query("DELETE FROM blind_blocks WHERE run IN (SELECT run FROM index_runs WHERE level = ?)")
                .bind(level),
            sqlx::query("DELETE FROM unique_runs WHERE run IN (SELECT run FROM index_runs WHERE level = ?)")
                .bind(level),
            sqlx::query("DELETE FROM index_runs WHERE level = ?").bind(level),
            sqlx::query("INSERT INTO index_runs (run, level, entries) VALUES (?, ?, ?)")
                .bind(run)
                .bind(level + 1)
                .bind(entries),
        ];
        for statement in retired {
            statement.execute(&mut *tx).await.map_err(map_err)?;
        }
        write_filter(tx, run).await?;
    }
}

pub(super) async fn delete_index(
    tx: &mut sqlx::SqliteConnection,
    code: &str,
    entries: &[IndexEntry],
) -> Result<(), StoreError> {
    // An entry is either staged or merged.
    for e in entries {
        let statements: [&str; 2] = if e.unique {
            [
                "DELETE FROM unique_index WHERE hash = ? AND code = ?",
                "DELETE FROM unique_runs WHERE run IN (SELECT run FROM index_runs) AND hash = ? AND code = ?",
            ]
        } else {
            [
                "DELETE FROM blind_index WHERE hash = ? AND code = ?",
                "DELETE FROM staged_blind WHERE run IN (SELECT run FROM index_runs) AND hash = ? AND code = ?",
            ]
        };
        for sql in statements {
            sqlx::query(sql).bind(&e.hash[..]).bind(code).execute(&mut *tx).await.map_err(map_err)?;
        }
        if !e.unique {
            index_blocks::delete_entry(tx, &e.hash, code).await?;
        }
    }
    Ok(())
}

pub(super) async fn stored_index(
    tx: &mut sqlx::SqliteConnection,
    code: &str,
) -> Result<Option<Vec<IndexEntry>>, StoreError> {
    let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT index_entries FROM customers WHERE code = ?")
        .bind(code)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
    row.map(|(blob,)| decode_index(&blob)).transpose()
}

#[cfg(test)]
mod tests {
    use sekretess_core::store::{CustomerRecord, GroupStore, Store};

    use super::*;

    /// A group written before unique runs existed: its staged unique entry moves to
    /// unique_index, where finds and the uniqueness check still see it.
    #[tokio::test]
    async fn unique_entries_staged_before_unique_runs_still_count() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).await.unwrap();
        let row = store.create_group(1, "retail", 0, &[]).await.unwrap();
        let entry = |n: u8, unique| IndexEntry { field: "national_id".into(), hash: [n; 32], unique };
        let record = |code: &str| CustomerRecord {
            code: code.into(),
            version: 1,
            kek_version: 1,
            wrapped_dek: vec![1; 40],
            fields: Vec::new(),
            created_at: 0,
            updated_at: 0,
            retain_until: None,
        };
        // The group as the second migration left it.
        let path = dir.path().join(&row.location);
        for file in [path.clone(), path.with_extension("db-wal"), path.with_extension("db-shm")] {
            let _ = std::fs::remove_file(file);
        }
        let legacy = open_pool(&path, 1).await.unwrap();
        migrate::migrator(&migrate::SQLITE_GROUP[..2]).run(&legacy).await.unwrap();
        let old = CustomerWrite { record: record("OLD"), index: vec![entry(7, true)] };
        // As that schema had it: no record version yet.
        sqlx::query(
            "INSERT INTO customers (code, kek_version, wrapped_dek, fields, index_entries, created_at, updated_at) \
             VALUES ('OLD', 1, ?, x'', ?, 0, 0)",
        )
        .bind(old.record.wrapped_dek.as_slice())
        .bind(encode_index(&old.index))
        .execute(&legacy)
        .await
        .unwrap();
        for sql in [
            "INSERT INTO staged_unique (hash, code) VALUES (x'0707070707070707070707070707070707070707070707070707070707070707', 'OLD')",
            "INSERT INTO index_runs (run, level, entries) VALUES (1, 0, 1)",
        ] {
            sqlx::query(sql).execute(&legacy).await.unwrap();
        }
        legacy.close().await;

        // Every write goes through the hash filters; the old run has no unique entries.
        let group = store.open_group(&row).await.unwrap().with_index_staging(4, 3, 0, usize::MAX, 4000);
        assert_eq!(group.find("national_id", &[7; 32], true).await.unwrap(), ["OLD"]);
        let taken = CustomerWrite { record: record("NEW1"), index: vec![entry(7, true)] };
        let refused = group.insert_customers(std::slice::from_ref(&taken)).await;
        assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
        let free = CustomerWrite { record: record("NEW2"), index: vec![entry(8, true)] };
        group.insert_customers(std::slice::from_ref(&free)).await.unwrap();
        assert_eq!(group.find("national_id", &[8; 32], true).await.unwrap(), ["NEW2"]);
        // Erased, the old customer's value is free again.
        assert!(group.erase_customer("OLD").await.unwrap());
        group.insert_customers(std::slice::from_ref(&taken)).await.unwrap();
        assert_eq!(group.find("national_id", &[7; 32], true).await.unwrap(), ["NEW1"]);
        group.close().await;
    }
}
