//! Backups: the logical format shared by every backend, the store traits that produce and
//! consume it, the erasure journal, and the checks `backup verify` and `restore` make.
//!
//! A backup's inner payload (before age encryption, see `sekretess_crypto::backup`) is JSON
//! Lines: one [`Item`] per line, in this order:
//!
//! 1. a [`Header`] (format version, time, the vault's key id, the erasure-journal key);
//! 2. one section per control table ([`Item::Table`], then its [`Item::Row`]s), in the
//!    order of the store's table list;
//! 3. the audit log ([`Item::Audit`], sequence 1 to the head);
//! 4. one section per customer group ([`Item::Group`]): its customers
//!    ([`Item::Customer`]: the stored record and its blind-index entries) and then one
//!    section per further table of the group store ([`Item::GroupTable`] and its rows);
//! 5. a [`Manifest`] (counts of every section and the audit head), the last line.
//!
//! Everything in it is what the stores hold: ciphertext under the vault's keys, blind
//! indexes, codes, hashes and times. A plain value needs the unseal shares as well.
//!
//! Adding a table: a control table, or a table of the group stores (e.g. documents), is
//! one entry in the store's table list (`sekretess-store`, `backup::CONTROL_TABLES` /
//! `GROUP_TABLES`) with its columns; rows travel as [`Cell`]s and need no code here.

use std::collections::BTreeMap;
use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::audit::{AuditStore, Entry, Outcome};
use crate::error::StoreError;
use crate::store::{CustomerRecord, CustomerWrite, GroupStore, IndexEntry, SealedGroupKey, Store};

pub mod journal;
pub mod restore;

/// The inner payload's format version.
pub const FORMAT_VERSION: u32 = 1;
/// What the header's `kind` says, so another JSON file is not taken for a backup.
pub const KIND: &str = "sekretess-backup";

/// One cell of a table row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cell {
    #[serde(rename = "n")]
    Null,
    #[serde(rename = "i")]
    Int(i64),
    #[serde(rename = "s")]
    Text(String),
    #[serde(rename = "b")]
    Blob(#[serde(with = "b64")] Vec<u8>),
}

/// The type of a column, as the stores read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Blob,
}

/// A table of the logical format: its name and columns (all of them, in order; a column
/// that may be NULL is read as `Option`).
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// The `ORDER BY` of the export (so a restore inserts rows that refer to earlier ones
    /// after them).
    pub order_by: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub kind: String,
    pub format: u32,
    /// Seconds since the epoch, from the vault's clock, at the snapshot.
    pub created_at: i64,
    /// The vault's key id (as printed in its shares).
    pub key_id: String,
    /// The backend the backup was taken from (`sqlite`, `postgres`); restores go anywhere.
    pub source: String,
    /// The key that authenticates erasure journals ([`journal`]), so a restore can check
    /// a journal before the vault is unsealed. Derived from the root key; it opens
    /// nothing and reveals nothing of the root key.
    #[serde(with = "b64")]
    pub journal_key: Vec<u8>,
}

/// A customer as stored, with its blind-index entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerItem {
    pub code: String,
    pub version: u64,
    pub kek_version: u32,
    #[serde(with = "b64")]
    pub wrapped_dek: Vec<u8>,
    pub fields: Vec<(String, B64)>,
    pub created_at: i64,
    pub updated_at: i64,
    pub retain_until: Option<i64>,
    /// (field, hash, unique)
    pub index: Vec<(String, B64, bool)>,
}

/// Bytes written as base64 in the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct B64(#[serde(with = "b64")] pub Vec<u8>);

impl From<CustomerWrite> for CustomerItem {
    fn from(w: CustomerWrite) -> Self {
        let r = w.record;
        CustomerItem {
            code: r.code,
            version: r.version,
            kek_version: r.kek_version,
            wrapped_dek: r.wrapped_dek,
            fields: r.fields.into_iter().map(|(f, c)| (f, B64(c))).collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            retain_until: r.retain_until,
            index: w.index.into_iter().map(|e| (e.field, B64(e.hash.to_vec()), e.unique)).collect(),
        }
    }
}

impl TryFrom<CustomerItem> for CustomerWrite {
    type Error = StoreError;
    fn try_from(c: CustomerItem) -> Result<Self, StoreError> {
        let mut index = Vec::with_capacity(c.index.len());
        for (field, hash, unique) in c.index {
            let hash: [u8; 32] =
                hash.0.try_into().map_err(|_| StoreError::Corrupt("index hash is not 32 bytes".into()))?;
            index.push(IndexEntry { field, hash, unique });
        }
        Ok(CustomerWrite {
            record: CustomerRecord {
                code: c.code,
                version: c.version,
                kek_version: c.kek_version,
                wrapped_dek: c.wrapped_dek,
                fields: c.fields.into_iter().map(|(f, b)| (f, b.0)).collect(),
                created_at: c.created_at,
                updated_at: c.updated_at,
                retain_until: c.retain_until,
            },
            index,
        })
    }
}

/// An audit entry, as chained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditItem {
    pub seq: u64,
    pub time: i64,
    pub actor: String,
    pub action: String,
    pub group: Option<String>,
    pub customer: Option<String>,
    pub fields: Vec<String>,
    pub purpose: Option<String>,
    pub outcome: String,
    pub request_id: Option<String>,
    pub origin: Option<String>,
    #[serde(with = "b64")]
    pub mac: Vec<u8>,
}

impl From<Entry> for AuditItem {
    fn from(e: Entry) -> Self {
        AuditItem {
            seq: e.seq,
            time: e.time,
            actor: e.actor,
            action: e.action,
            group: e.group,
            customer: e.customer,
            fields: e.fields,
            purpose: e.purpose,
            outcome: e.outcome.as_str().to_owned(),
            request_id: e.request_id,
            origin: e.origin,
            mac: e.mac.to_vec(),
        }
    }
}

impl TryFrom<AuditItem> for Entry {
    type Error = StoreError;
    fn try_from(a: AuditItem) -> Result<Self, StoreError> {
        Ok(Entry {
            seq: a.seq,
            time: a.time,
            actor: a.actor,
            action: a.action,
            group: a.group,
            customer: a.customer,
            fields: a.fields,
            purpose: a.purpose,
            outcome: Outcome::parse(&a.outcome)
                .ok_or_else(|| StoreError::Corrupt("unknown audit outcome".into()))?,
            request_id: a.request_id,
            origin: a.origin,
            mac: a.mac.try_into().map_err(|_| StoreError::Corrupt("audit MAC is not 32 bytes".into()))?,
        })
    }
}

/// Counts of one group's sections.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCounts {
    pub customers: u64,
    pub tables: BTreeMap<String, u64>,
}

/// The last line: what a reader must have seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Rows per control table.
    pub tables: BTreeMap<String, u64>,
    pub audit_entries: u64,
    /// (seq, MAC in hex) of the newest audit entry in the backup.
    pub audit_head: Option<(u64, String)>,
    pub groups: BTreeMap<u32, GroupCounts>,
}

/// One line of the inner payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    Header(Header),
    Table { name: String, columns: Vec<String> },
    Row { v: Vec<Cell> },
    Audit(AuditItem),
    Group { id: u32 },
    Customer(CustomerItem),
    GroupTable { name: String, columns: Vec<String> },
    Manifest(Manifest),
}

impl Item {
    /// One line of JSON, with its newline.
    pub fn to_line(&self) -> Result<Vec<u8>, StoreError> {
        let mut line = serde_json::to_vec(self).map_err(|_| StoreError::Corrupt("cannot encode".into()))?;
        line.push(b'\n');
        Ok(line)
    }
    pub fn from_line(line: &[u8]) -> Result<Self, StoreError> {
        serde_json::from_slice(line).map_err(|e| {
            StoreError::Corrupt(format!("a line of the backup is not well formed (column {})", e.column()))
        })
    }
}

/// Where an export sends its items.
pub type Sink = tokio::sync::mpsc::Sender<Item>;

/// Sends an item, failing if the reader has gone.
pub async fn send(out: &Sink, item: Item) -> Result<(), StoreError> {
    out.send(item).await.map_err(|_| StoreError::Unavailable("the backup's reader stopped".into()))
}

/// A read-only view of the control database at one point in time (a read transaction).
pub trait ControlSnapshot: Send + 'static {
    /// The control tables of the format, in export (and restore) order.
    fn tables(&self) -> &'static [TableSpec];
    /// Sends every row of `table` as [`Item::Row`]; returns how many.
    fn export_table(
        &mut self,
        table: &TableSpec,
        out: &Sink,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// The newest audit entry in this snapshot.
    fn audit_head(&mut self) -> impl Future<Output = Result<Option<(u64, [u8; 32])>, StoreError>> + Send;
}

/// A read-only view of one group store at one point in time.
pub trait GroupSnapshot: Send + 'static {
    /// Further tables of the group store besides its customers (e.g. documents).
    fn tables(&self) -> &'static [TableSpec];
    /// Sends every customer as [`Item::Customer`]; returns how many.
    fn export_customers(&mut self, out: &Sink) -> impl Future<Output = Result<u64, StoreError>> + Send;
    fn export_table(
        &mut self,
        table: &TableSpec,
        out: &Sink,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// A group store that can be snapshotted.
pub trait GroupBackup: GroupStore {
    type Snapshot: GroupSnapshot;
    fn snapshot(&self) -> impl Future<Output = Result<Self::Snapshot, StoreError>> + Send;
}

/// A control store that can be snapshotted (with its group stores).
pub trait BackupSource: Store<Group: GroupBackup> + AuditStore {
    type Snapshot: ControlSnapshot;
    fn snapshot(&self) -> impl Future<Output = Result<Self::Snapshot, StoreError>> + Send;
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
}

/// A store a backup can be restored into.
pub trait RestoreTarget: Store<Group: GroupRestore> + AuditStore {
    /// Whether the store holds nothing yet (no vault, no group, no audit entry).
    fn is_empty(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The control tables the store knows, by name.
    fn control_tables(&self) -> &'static [TableSpec];
    /// Inserts rows into a control table (one transaction).
    fn import_rows(
        &self,
        table: &TableSpec,
        rows: &[Vec<Cell>],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Creates a group with its keys, state and current key version, and its store.
    fn import_group(
        &self,
        group: &crate::store::GroupRow,
        keys: &[SealedGroupKey],
    ) -> impl Future<Output = Result<Self::Group, StoreError>> + Send;
}

/// A group store a backup can be restored into.
pub trait GroupRestore: GroupStore {
    fn group_tables(&self) -> &'static [TableSpec];
    fn import_rows(
        &self,
        table: &TableSpec,
        rows: &[Vec<Cell>],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

mod b64 {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        STANDARD.decode(s.as_bytes()).map_err(|_| serde::de::Error::custom("bad base64"))
    }
}
