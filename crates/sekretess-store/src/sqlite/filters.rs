//! Hash filters of index runs, and finds of unique fields through them.

use super::*;
use crate::hash_filter::HashFilter;

/// The hash filters of index runs, decoded, for uniqueness checks and finds of unique
/// fields. Keyed by run and entry count: a run's unique entries change only when it takes more entries (which
/// changes the count), or lose some by erasure (which leaves the filter a superset).
/// Runs without a filter are not cached.
#[derive(Clone, Default)]
pub(super) struct FilterCache(Arc<Mutex<FiltersByRun>>);

type FiltersByRun = std::collections::HashMap<(i64, i64), Arc<HashFilter>>;

impl FilterCache {
    /// The hash filter of `run` with `entries` entries, from the cache or the file; `None`
    /// if it has none (or is gone), so that it must be probed.
    pub(super) async fn get(
        &self,
        conn: &mut SqliteConnection,
        run: i64,
        entries: i64,
    ) -> Result<Option<Arc<HashFilter>>, StoreError> {
        let poisoned = || StoreError::Unavailable("the hash filter cache is unusable".into());
        if let Some(filter) = self.0.lock().map_err(|_| poisoned())?.get(&(run, entries)) {
            return Ok(Some(Arc::clone(filter)));
        }
        let blob: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT unique_filter FROM index_runs WHERE run = ? AND entries = ?")
                .bind(run)
                .bind(entries)
                .fetch_optional(&mut *conn)
                .await
                .map_err(map_err)?;
        let Some(Some(blob)) = blob else { return Ok(None) };
        let filter = Arc::new(HashFilter::decode(&blob)?);
        let mut cache = self.0.lock().map_err(|_| poisoned())?;
        // Runs merged away are never asked for again.
        if cache.len() > 256 {
            cache.clear();
        }
        cache.insert((run, entries), Arc::clone(&filter));
        Ok(Some(filter))
    }
}

/// Each index run, its entry count, and whether it still takes entries (has no filter).
/// `length()` reads no more of a blob than its header; `IS NULL` on the blob itself reads
/// the whole filter (hundreds of kilobytes for a merged run).
pub(super) async fn index_runs(tx: &mut SqliteConnection) -> Result<Vec<(i64, i64, bool)>, StoreError> {
    sqlx::query_as("SELECT run, entries, length(unique_filter) IS NULL FROM index_runs")
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)
}

/// The index runs as a find of a unique field last saw them.
pub(super) struct RunList {
    /// `index_generation` then: every write of index entries counts it up.
    generation: i64,
    /// Whether `unique_index` (entries from before unique runs) held any: nothing adds to
    /// it any more, so once empty it stays empty.
    old_entries: bool,
    /// Each run with its hash filter; `None` for a run that still takes entries.
    runs: Vec<(i64, Option<Arc<HashFilter>>)>,
}

impl SqliteGroup {
    /// A unique field's entry: in unique_index (from before unique runs), or in one of the
    /// runs whose hash filter may hold it. One statement when no index entries were
    /// written since the runs were listed: it also says if some were, and then the find
    /// lists the runs again and starts over.
    pub(super) async fn find_unique(&self, hash: &[u8; 32]) -> Result<Vec<String>, StoreError> {
        let poisoned = || StoreError::Unavailable("the index run cache is unusable".into());
        for _ in 0..3 {
            let known = self.runs.lock().map_err(|_| poisoned())?.clone();
            let known = match known {
                Some(known) => known,
                None => {
                    // (generation, old entries, run, entries, still takes entries); one row
                    // without a run when there are none.
                    type Row = (i64, bool, Option<i64>, Option<i64>, Option<bool>);
                    let mut conn = self.pool.acquire().await.map_err(map_err)?;
                    let rows: Vec<Row> = sqlx::query_as(
                        "SELECT g.n, EXISTS (SELECT 1 FROM unique_index), r.run, r.entries, \
                         length(r.unique_filter) IS NULL FROM index_generation g LEFT JOIN index_runs r",
                    )
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(map_err)?;
                    let (generation, old_entries) = rows.first().map_or((0, true), |row| (row.0, row.1));
                    let mut runs = Vec::with_capacity(rows.len());
                    for (_, _, run, entries, open) in rows {
                        let (Some(run), Some(entries)) = (run, entries) else { continue };
                        let filter = match open {
                            Some(false) => self.filters.get(&mut conn, run, entries).await?,
                            _ => None,
                        };
                        runs.push((run, filter));
                    }
                    let known = Arc::new(RunList { generation, old_entries, runs });
                    *self.runs.lock().map_err(|_| poisoned())? = Some(Arc::clone(&known));
                    known
                }
            };
            let maybe: Vec<i64> = known
                .runs
                .iter()
                .filter(|(_, filter)| filter.as_ref().is_none_or(|filter| filter.may_contain(hash)))
                .map(|(run, _)| *run)
                .collect();
            // Usually one run, and only then one statement; each extra part costs every
            // concurrent find.
            let mut parts = Vec::new();
            if known.old_entries {
                parts.push("SELECT code FROM unique_index WHERE hash = ?1".to_owned());
            }
            let runs: Vec<String> = (0..maybe.len()).map(|i| format!("?{}", i + 3)).collect();
            match runs.as_slice() {
                [] => {}
                [one] => parts.push(format!("SELECT code FROM unique_runs WHERE run = {one} AND hash = ?1")),
                many => parts.push(format!(
                    "SELECT code FROM unique_runs WHERE run IN ({}) AND hash = ?1",
                    many.join(", ")
                )),
            }
            // A NULL code says that index entries were written since the runs were listed.
            parts.push("SELECT NULL WHERE (SELECT n FROM index_generation) IS NOT ?2".to_owned());
            let sql = parts.join(" UNION ALL ");
            let mut query = sqlx::query_scalar(&sql).bind(&hash[..]).bind(known.generation);
            for run in maybe {
                query = query.bind(run);
            }
            let codes: Vec<Option<String>> = query.fetch_all(&self.pool).await.map_err(map_err)?;
            if let Some(codes) = codes.into_iter().collect::<Option<Vec<String>>>() {
                return Ok(codes);
            }
            *self.runs.lock().map_err(|_| poisoned())? = None;
        }
        Err(StoreError::Unavailable("the index runs kept changing during a find".into()))
    }
}
