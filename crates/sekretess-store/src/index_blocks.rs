//! Entries of non-unique searchable fields packed into blocks (`blind_blocks`, see
//! `migrations/sqlite/group/0004_index_blocks.sql`).
//!
//! A block holds a run of entries sorted by (hash, code): repeated
//! `[hash 32][code length u8][code]` after a version byte. Blocks of a run never share a
//! hash, so the entries of a hash in a run are all in the first block whose last hash is
//! not below it. A write of many entries fills a new run with blocks of about a page each;
//! a merge of runs reads their blocks (and any entries staged as rows) in order and writes
//! the merged run as blocks.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use sekretess_core::error::StoreError;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::sqlite::map_err;

const VERSION: u8 = 1;
const HASH_LEN: usize = 32;
/// Blocks written per statement.
const BLOCKS_PER_STATEMENT: usize = 64;
/// Blocks, or rows, read at a time from each run while merging.
const BLOCKS_PER_READ: i64 = 16;
const ROWS_PER_READ: i64 = 1024;

type Entry = ([u8; HASH_LEN], String);

fn corrupt() -> StoreError {
    StoreError::Corrupt("a blind-index block is malformed".into())
}

/// One encoded block and the last hash in it (its key within the run).
pub(crate) struct Block {
    last_hash: [u8; HASH_LEN],
    blob: Vec<u8>,
}

/// Appends the entry (`hash`, `code`) in the block format.
fn encode_entry(out: &mut Vec<u8>, hash: &[u8; HASH_LEN], code: &str) -> Result<(), StoreError> {
    let len = u8::try_from(code.len())
        .map_err(|_| StoreError::Corrupt("a customer code is too long for the index".into()))?;
    out.extend_from_slice(hash);
    out.push(len);
    out.extend_from_slice(code.as_bytes());
    Ok(())
}

/// Packs entries, given in (hash, code) order, into blocks of at most `block_bytes`
/// (a block with one hash can be larger: a hash is never split between blocks).
pub(crate) struct BlockWriter {
    block_bytes: usize,
    /// The block being filled, with the hashes before `group`'s.
    current: Vec<u8>,
    current_last: Option<[u8; HASH_LEN]>,
    /// The entries of the latest hash: they go into `current` if they fit, or start the
    /// next block.
    group: Vec<u8>,
    group_hash: Option<[u8; HASH_LEN]>,
    done: Vec<Block>,
}

impl BlockWriter {
    pub(crate) fn new(block_bytes: usize) -> Self {
        BlockWriter {
            block_bytes,
            current: vec![VERSION],
            current_last: None,
            group: Vec::new(),
            group_hash: None,
            done: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, hash: &[u8; HASH_LEN], code: &str) -> Result<(), StoreError> {
        if self.group_hash.is_some_and(|group| group != *hash) {
            self.place_group();
        }
        encode_entry(&mut self.group, hash, code)?;
        self.group_hash = Some(*hash);
        Ok(())
    }

    /// Moves the finished group into the current block, closing that first if the group
    /// does not fit.
    fn place_group(&mut self) {
        let Some(hash) = self.group_hash.take() else { return };
        if let Some(last) = self.current_last
            && self.current.len() + self.group.len() > self.block_bytes
        {
            let blob = std::mem::replace(&mut self.current, vec![VERSION]);
            self.done.push(Block { last_hash: last, blob });
        }
        self.current.append(&mut self.group);
        self.current_last = Some(hash);
    }

    /// The blocks completed so far.
    pub(crate) fn take_done(&mut self) -> Vec<Block> {
        std::mem::take(&mut self.done)
    }

    /// Every block left, the last one included.
    pub(crate) fn finish(mut self) -> Vec<Block> {
        self.place_group();
        if let Some(last_hash) = self.current_last {
            self.done.push(Block { last_hash, blob: self.current });
        }
        self.done
    }
}

/// The entries of an encoded block, in order.
pub fn decode_block(blob: &[u8]) -> Result<Vec<(&[u8; HASH_LEN], &str)>, StoreError> {
    let (&version, mut rest) = blob.split_first().ok_or_else(corrupt)?;
    if version != VERSION {
        return Err(corrupt());
    }
    let mut entries = Vec::with_capacity(rest.len() / (HASH_LEN + 13)); // 12-byte codes, usually
    while !rest.is_empty() {
        let (hash, after) = rest.split_first_chunk::<HASH_LEN>().ok_or_else(corrupt)?;
        let (&len, after) = after.split_first().ok_or_else(corrupt)?;
        let (code, after) = after.split_at_checked(usize::from(len)).ok_or_else(corrupt)?;
        entries.push((hash, std::str::from_utf8(code).map_err(|_| corrupt())?));
        rest = after;
    }
    Ok(entries)
}

/// The codes that `blob` holds for `hash`.
pub(crate) fn codes_in(blob: &[u8], hash: &[u8; HASH_LEN]) -> Result<Vec<String>, StoreError> {
    Ok(decode_block(blob)?.into_iter().filter(|(h, _)| *h == hash).map(|(_, code)| code.to_owned()).collect())
}

/// `blob` without the entry (`hash`, `code`): `None` if it does not hold it.
fn without(blob: &[u8], hash: &[u8; HASH_LEN], code: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let entries = decode_block(blob)?;
    let Some(at) = entries.iter().position(|(h, c)| *h == hash && *c == code) else { return Ok(None) };
    let mut out = vec![VERSION];
    for (i, (h, c)) in entries.iter().enumerate() {
        if i != at {
            encode_entry(&mut out, h, c)?;
        }
    }
    Ok(Some(out))
}

/// Writes `blocks` into `run`.
pub(crate) async fn write_blocks(
    tx: &mut SqliteConnection,
    run: i64,
    blocks: &[Block],
) -> Result<(), StoreError> {
    for chunk in blocks.chunks(BLOCKS_PER_STATEMENT) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO blind_blocks (run, last_hash, entries) ");
        q.push_values(chunk, |mut b, block| {
            b.push_bind(run).push_bind(&block.last_hash[..]).push_bind(block.blob.as_slice());
        });
        q.build().execute(&mut *tx).await.map_err(map_err)?;
    }
    Ok(())
}

/// The block of each run that would hold `hash`: its row id and blob.
const BLOCK_OF_EACH_RUN: &str = "SELECT b.id, b.entries FROM index_runs r JOIN blind_blocks b \
     ON b.id = (SELECT id FROM blind_blocks WHERE run = r.run AND last_hash >= ?1 ORDER BY last_hash LIMIT 1)";

/// Removes the entry (`hash`, `code`) from whichever block holds it.
pub(crate) async fn delete_entry(
    tx: &mut SqliteConnection,
    hash: &[u8; HASH_LEN],
    code: &str,
) -> Result<(), StoreError> {
    let blocks: Vec<(i64, Vec<u8>)> =
        sqlx::query_as(BLOCK_OF_EACH_RUN).bind(&hash[..]).fetch_all(&mut *tx).await.map_err(map_err)?;
    for (id, blob) in blocks {
        let Some(rest) = without(&blob, hash, code)? else { continue };
        // An emptied block goes: the next block's range takes its hashes, none of which
        // any run holds any more.
        let statement = if rest.len() > 1 {
            sqlx::query("UPDATE blind_blocks SET entries = ?2 WHERE id = ?1").bind(id).bind(rest)
        } else {
            sqlx::query("DELETE FROM blind_blocks WHERE id = ?1").bind(id)
        };
        statement.execute(&mut *tx).await.map_err(map_err)?;
    }
    Ok(())
}

/// Where a merge reads one run's entries from, in (hash, code) order.
enum Source {
    /// Its blocks, after this last hash.
    Blocks { after: Vec<u8> },
    /// Its entries staged as rows (`staged_blind`), after this (hash, code).
    Rows { after: (Vec<u8>, String) },
}

struct Cursor {
    run: i64,
    source: Source,
    buffered: VecDeque<Entry>,
    exhausted: bool,
}

impl Cursor {
    async fn next(&mut self, tx: &mut SqliteConnection) -> Result<Option<Entry>, StoreError> {
        if self.buffered.is_empty() && !self.exhausted {
            self.refill(tx).await?;
        }
        Ok(self.buffered.pop_front())
    }

    async fn refill(&mut self, tx: &mut SqliteConnection) -> Result<(), StoreError> {
        match &mut self.source {
            Source::Blocks { after } => {
                let blocks: Vec<(Vec<u8>, Vec<u8>)> = sqlx::query_as(
                    "SELECT last_hash, entries FROM blind_blocks WHERE run = ? AND last_hash > ? \
                     ORDER BY last_hash LIMIT ?",
                )
                .bind(self.run)
                .bind(after.as_slice())
                .bind(BLOCKS_PER_READ)
                .fetch_all(&mut *tx)
                .await
                .map_err(map_err)?;
                self.exhausted = (blocks.len() as i64) < BLOCKS_PER_READ;
                for (last_hash, blob) in blocks {
                    for (hash, code) in decode_block(&blob)? {
                        self.buffered.push_back((*hash, code.to_owned()));
                    }
                    *after = last_hash;
                }
            }
            Source::Rows { after } => {
                let rows: Vec<(Vec<u8>, String)> = sqlx::query_as(
                    "SELECT hash, code FROM staged_blind WHERE run = ? AND (hash, code) > (?, ?) \
                     ORDER BY hash, code LIMIT ?",
                )
                .bind(self.run)
                .bind(after.0.as_slice())
                .bind(after.1.as_str())
                .bind(ROWS_PER_READ)
                .fetch_all(&mut *tx)
                .await
                .map_err(map_err)?;
                self.exhausted = (rows.len() as i64) < ROWS_PER_READ;
                if let Some(last) = rows.last() {
                    *after = last.clone();
                }
                for (hash, code) in rows {
                    let hash: [u8; HASH_LEN] = hash.try_into().map_err(|_| corrupt())?;
                    self.buffered.push_back((hash, code));
                }
            }
        }
        Ok(())
    }
}

/// Writes the non-unique entries of `runs` (blocks and rows) into `into` as blocks, in
/// order, reading a few blocks of each run at a time. Does not delete them from `runs`.
pub(crate) async fn merge_into(
    tx: &mut SqliteConnection,
    runs: &[i64],
    into: i64,
    block_bytes: usize,
) -> Result<(), StoreError> {
    let mut cursors: Vec<Cursor> = runs
        .iter()
        .flat_map(|&run| {
            [Source::Blocks { after: Vec::new() }, Source::Rows { after: (Vec::new(), String::new()) }]
                .map(|source| Cursor { run, source, buffered: VecDeque::new(), exhausted: false })
        })
        .collect();
    let mut heads = BinaryHeap::new();
    for (i, cursor) in cursors.iter_mut().enumerate() {
        if let Some((hash, code)) = cursor.next(tx).await? {
            heads.push(Reverse((hash, code, i)));
        }
    }
    let mut writer = BlockWriter::new(block_bytes);
    while let Some(Reverse((hash, code, i))) = heads.pop() {
        writer.push(&hash, &code)?;
        if let Some((hash, code)) = cursors[i].next(tx).await? {
            heads.push(Reverse((hash, code, i)));
        }
        if writer.done.len() >= BLOCKS_PER_STATEMENT {
            write_blocks(tx, into, &writer.take_done()).await?;
        }
    }
    write_blocks(tx, into, &writer.finish()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<([u8; 32], String)> {
        // Hash 1 held by ten customers (a common name), the others by one each.
        let mut entries: Vec<_> =
            (0..40u8).map(|i| ([if i % 4 == 0 { 1 } else { i + 2 }; 32], format!("CODE{i:08}"))).collect();
        entries.sort();
        entries
    }

    #[test]
    fn blocks_keep_every_entry_in_order_and_never_split_a_hash() {
        let entries = entries();
        let mut writer = BlockWriter::new(200);
        for (hash, code) in &entries {
            writer.push(hash, code).unwrap();
        }
        let blocks = writer.finish();
        assert!(blocks.len() > 2, "small blocks: expected several, got {}", blocks.len());
        for block in &blocks {
            let hashes = decode_block(&block.blob)
                .unwrap()
                .iter()
                .map(|(h, _)| **h)
                .collect::<std::collections::BTreeSet<_>>();
            assert!(
                block.blob.len() <= 200 || hashes.len() == 1,
                "a {}-byte block with {} hashes",
                block.blob.len(),
                hashes.len()
            );
        }
        let mut read = Vec::new();
        let mut previous_last: Option<[u8; 32]> = None;
        for block in &blocks {
            let decoded = decode_block(&block.blob).unwrap();
            assert_eq!(*decoded.last().unwrap().0, block.last_hash);
            if let Some(previous) = previous_last {
                assert!(decoded.iter().all(|(h, _)| **h > previous), "a hash is split between blocks");
            }
            previous_last = Some(block.last_hash);
            read.extend(decoded.into_iter().map(|(h, c)| (*h, c.to_owned())));
        }
        assert_eq!(read, entries);
    }

    #[test]
    fn lookup_and_removal_find_exactly_the_entry() {
        let entries = entries();
        let mut writer = BlockWriter::new(usize::MAX);
        for (hash, code) in &entries {
            writer.push(hash, code).unwrap();
        }
        let [block] = <[Block; 1]>::try_from(writer.finish()).ok().unwrap();
        let (hash, code) = &entries[5];
        let expected: Vec<_> = entries.iter().filter(|(h, _)| h == hash).map(|(_, c)| c.clone()).collect();
        assert_eq!(codes_in(&block.blob, hash).unwrap(), expected);
        let rest = without(&block.blob, hash, code).unwrap().unwrap();
        assert!(!codes_in(&rest, hash).unwrap().contains(code));
        assert_eq!(decode_block(&rest).unwrap().len(), entries.len() - 1);
        assert_eq!(without(&rest, hash, code).unwrap(), None, "removed twice");
    }

    #[test]
    fn damaged_blocks_are_corrupt_not_a_panic() {
        let mut writer = BlockWriter::new(usize::MAX);
        writer.push(&[7; 32], "ABCDEFGHJKMN").unwrap();
        let blob = writer.finish().remove(0).blob;
        for damaged in [&blob[..blob.len() - 1], &blob[..20], &[], &[9u8, 1, 2][..]] {
            assert!(matches!(decode_block(damaged), Err(StoreError::Corrupt(_))), "{damaged:?}");
        }
    }
}
