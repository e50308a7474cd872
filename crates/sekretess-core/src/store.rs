//! What the vault needs from storage. Implementations (SQLite, PostgreSQL) live in
//! `sekretess-store`; the core never names a database.
//!
//! Everything handed to a store is either ciphertext, a blind index, a customer code, a
//! field name or a time: a store never sees a personal value or a key in plain.

use std::future::Future;

use crate::audit::AuditStore;
use crate::error::StoreError;

/// Vault-wide facts, written once by init.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultMeta {
    /// Names the root key (5 bytes, printed in shares); derived from the root key.
    pub key_id: [u8; 5],
    pub threshold: u8,
    pub share_count: u8,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupState {
    Open,
    Locked,
}

impl GroupState {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupState::Open => "open",
            GroupState::Locked => "locked",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(GroupState::Open),
            "locked" => Some(GroupState::Locked),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub id: u32,
    pub name: String,
    /// Where the group's own store lives (a file name for SQLite, a URL for PostgreSQL).
    pub location: String,
    pub state: GroupState,
    pub current_kek_version: u32,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKeyKind {
    /// A key-encryption key; one per version.
    Kek,
    /// The root of the group's derived keys (blind index, tokens); never rotated.
    Derivation,
}

impl GroupKeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKeyKind::Kek => "kek",
            GroupKeyKind::Derivation => "derivation",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "kek" => Some(GroupKeyKind::Kek),
            "derivation" => Some(GroupKeyKind::Derivation),
            _ => None,
        }
    }
}

/// A group key sealed under the root key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedGroupKey {
    pub kind: GroupKeyKind,
    pub version: u32,
    pub sealed: Vec<u8>,
}

/// What a vault-wide sealed key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultKeyKind {
    /// An audit MAC key; one per epoch (version 0 is the key the chain started with).
    Audit,
    /// The key that seals employees' TOTP secrets.
    People,
}

impl VaultKeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VaultKeyKind::Audit => "audit",
            VaultKeyKind::People => "people",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "audit" => Some(VaultKeyKind::Audit),
            "people" => Some(VaultKeyKind::People),
            _ => None,
        }
    }
}

/// A vault-wide key sealed under the root key. Until the first rekey or audit key rotation
/// there are none: those keys are then derived from the root key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedVaultKey {
    pub kind: VaultKeyKind,
    pub version: u32,
    pub sealed: Vec<u8>,
}

/// A customer's wrapped data key as stored, for rewrapping under a newer KEK version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedDek {
    pub code: String,
    /// The record version: a rewrap is written only if the row is still at it.
    pub version: u64,
    pub kek_version: u32,
    pub wrapped_dek: Vec<u8>,
}

/// A rewrapped data key: written only if the row is still at `version` and `from_kek`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrap {
    pub code: String,
    pub version: u64,
    pub from_kek: u32,
    pub to_kek: u32,
    pub wrapped_dek: Vec<u8>,
}

/// One blind-index entry of a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub field: String,
    pub hash: [u8; 32],
    /// Whether the schema demands this (field, value) be unique in the group.
    pub unique: bool,
}

/// The record version of a customer written by a create: what `directory_insert` records
/// beside each code and what the first row carries.
pub const FIRST_RECORD_VERSION: u64 = 1;

/// A customer as stored: the wrapped data key and one ciphertext per field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRecord {
    /// Canonical code (12 symbols, no separators).
    pub code: String,
    /// Counts the writes of this record (a create writes [`FIRST_RECORD_VERSION`], each
    /// update one more); bound into every field's AAD, and anchored in the directory of the
    /// control store, so an older row put back reads as an integrity failure. 0: a row
    /// written before versions existed (its fields carry the older AAD).
    pub version: u64,
    pub kek_version: u32,
    pub wrapped_dek: Vec<u8>,
    /// (field name, envelope ciphertext), sorted by field name.
    pub fields: Vec<(String, Vec<u8>)>,
    pub created_at: i64,
    pub updated_at: i64,
    pub retain_until: Option<i64>,
}

/// A record with its index entries, for writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerWrite {
    pub record: CustomerRecord,
    pub index: Vec<IndexEntry>,
}

/// The control store: vault metadata, groups and their sealed keys, the code directory,
/// the erasure journal and the audit log. Cheap to clone (a connection pool handle).
pub trait Store: AuditStore + Clone + Send + Sync + 'static {
    type Group: GroupStore;

    fn load_meta(&self) -> impl Future<Output = Result<Option<VaultMeta>, StoreError>> + Send;
    /// Fails with `Conflict` if the vault is already initialized.
    fn init_meta(&self, meta: &VaultMeta) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn list_groups(&self) -> impl Future<Output = Result<Vec<GroupRow>, StoreError>> + Send;
    /// Inserts a group with its first keys in one transaction. `Conflict` on a taken id
    /// or name. The store fills in `location` and creates the group's own store.
    fn create_group(
        &self,
        id: u32,
        name: &str,
        created_at: i64,
        keys: &[SealedGroupKey],
    ) -> impl Future<Output = Result<GroupRow, StoreError>> + Send;
    fn set_group_state(
        &self,
        id: u32,
        state: GroupState,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The newest stored schema of a group, as (version, JSON); `None`: the group has the
    /// vault's default schema (version 1).
    fn group_schema(
        &self,
        group: u32,
    ) -> impl Future<Output = Result<Option<(u32, String)>, StoreError>> + Send;
    /// Stores version `version` of a group's schema. A version already stored (another
    /// process changed the schema first) is a [`StoreError::Conflict`].
    fn put_group_schema(
        &self,
        group: u32,
        version: u32,
        fields: &str,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn group_keys(&self, id: u32) -> impl Future<Output = Result<Vec<SealedGroupKey>, StoreError>> + Send;
    /// Adds a KEK version to a group and makes it the current one, in one transaction,
    /// only if `key.version` is one more than the current version (`Conflict` otherwise:
    /// another rotation came first).
    fn add_group_kek(
        &self,
        group: u32,
        key: &SealedGroupKey,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Deletes a retired KEK version from the keyring; never the current one (`Conflict`).
    fn retire_group_kek(
        &self,
        group: u32,
        version: u32,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Counts `n` more uses of a KEK version, if the count stays at most `limit`; returns
    /// whether it did (`false`: the version is used up, nothing counted).
    fn reserve_kek_uses(
        &self,
        group: u32,
        version: u32,
        n: u64,
        limit: u64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The vault-wide sealed keys, by kind and version.
    fn vault_keys(&self) -> impl Future<Output = Result<Vec<SealedVaultKey>, StoreError>> + Send;
    /// Adds vault-wide sealed keys in one transaction (`Conflict` if one exists).
    fn add_vault_keys(&self, keys: &[SealedVaultKey]) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Replaces the root key in one transaction: `meta` (key id, threshold, shares) replaces
    /// the metadata if its key id is still `old_key_id`; every group key is replaced by its
    /// copy in `group_keys` (sealed by the new root key) and the vault keys by `vault_keys`.
    /// `Conflict`, with nothing written, if the key id changed or `group_keys` does not
    /// cover every group key in the store.
    fn rekey(
        &self,
        old_key_id: &[u8; 5],
        meta: &VaultMeta,
        group_keys: &[(u32, SealedGroupKey)],
        vault_keys: &[SealedVaultKey],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Opens the group's own store (a separate database).
    fn open_group(&self, group: &GroupRow) -> impl Future<Output = Result<Self::Group, StoreError>> + Send;

    /// Reserves codes for a group, each at record version [`FIRST_RECORD_VERSION`];
    /// `Conflict` if any code is taken (nothing is inserted).
    fn directory_insert(
        &self,
        codes: &[String],
        group: u32,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn directory_remove(&self, codes: &[String]) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn directory_lookup(&self, code: &str) -> impl Future<Output = Result<Option<u32>, StoreError>> + Send;
    /// The record versions of those `codes` that are in the directory, as (code, version),
    /// in any order. One indexed query (a point query for one code).
    fn directory_versions(
        &self,
        codes: &[String],
    ) -> impl Future<Output = Result<Vec<(String, u64)>, StoreError>> + Send;
    /// Raises a code's record version to `version`; never lowers it (a write that comes
    /// late changes nothing).
    fn directory_set_version(
        &self,
        code: &str,
        version: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Raises the record versions of many codes, as [`Store::directory_set_version`] does
    /// one; backends do it in one transaction.
    fn directory_set_versions(
        &self,
        versions: &[(String, u64)],
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async move {
            for (code, version) in versions {
                self.directory_set_version(code, *version).await?;
            }
            Ok(())
        }
    }

    fn record_erasure(
        &self,
        code: &str,
        group: u32,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn is_erased(&self, code: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    // ---- retention (issue 24)

    /// Journals the erasure of many customers of one group in one transaction (each code
    /// once; a code already journaled keeps its first entry).
    fn record_erasures(
        &self,
        codes: &[String],
        group: u32,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Puts a customer on legal hold (no retention sweep erases it); setting it again keeps
    /// the first time.
    fn set_legal_hold(
        &self,
        code: &str,
        group: u32,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Takes a customer off legal hold; returns whether it was on it.
    fn clear_legal_hold(&self, code: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// When the customer was put on legal hold (`None`: not on hold).
    fn legal_hold(&self, code: &str) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    /// The codes of a group that are on legal hold.
    fn legal_holds(&self, group: u32) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
}

/// One customer group's own store (its documents: [`DocumentStore`]).
pub trait GroupStore: DocumentStore + TokenStore + Send + Sync + 'static {
    /// A batch of new customers being written; see [`GroupStore::begin_batch`].
    type PendingBatch: PendingBatch;

    /// Inserts all customers in one transaction, or none. A broken uniqueness rule gives
    /// `Conflict { what: field name }`.
    fn insert_customers(
        &self,
        batch: &[CustomerWrite],
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async move {
            let mut pending = self.begin_batch().await?;
            pending.write(batch).await?;
            pending.commit().await
        }
    }
    /// Starts a batch of new customers that is written in parts and stored as one: none of
    /// it is visible until [`PendingBatch::commit`], and none of it stays if the batch is
    /// aborted or dropped instead. So the vault writes a batch while it still encrypts it,
    /// and commits it only once the batch is on record.
    fn begin_batch(&self) -> impl Future<Output = Result<Self::PendingBatch, StoreError>> + Send;
    /// The records of those `codes` that exist, in any order (at most a few hundred codes).
    fn get_customers(
        &self,
        codes: &[String],
    ) -> impl Future<Output = Result<Vec<CustomerRecord>, StoreError>> + Send;
    /// Replaces a customer's fields and index entries in one transaction, if its row is
    /// still at record version `from_version` (`write.record.version` is the new one).
    /// Returns whether it was (`false`: nothing written; the row changed or is gone).
    fn update_customer(
        &self,
        write: &CustomerWrite,
        from_version: u64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Writes one round of single writes (issue 22) in one transaction: `inserts` as
    /// [`GroupStore::insert_customers`] does; each of `updates` (a write and the record
    /// version its row must still be at) as [`GroupStore::update_customer`] does; each of
    /// `erases` as [`GroupStore::erase_customer`] does, its tokens ended as
    /// [`TokenStore::erase_tokens_of`] does. Returns for each update whether it was
    /// written (`false`: its row changed or is gone; the rest is written all the same). A
    /// broken uniqueness rule gives `Conflict` and nothing is written.
    fn write_round(
        &self,
        inserts: &[CustomerWrite],
        updates: &[(CustomerWrite, u64)],
        erases: &[String],
    ) -> impl Future<Output = Result<Vec<bool>, StoreError>> + Send;
    /// Up to `limit` wrapped data keys whose KEK version is not `current`, of codes after
    /// `after` (`""`: from the start), in code order: a rewrap walks the group with it.
    fn wrapped_deks(
        &self,
        current: u32,
        after: &str,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<WrappedDek>, StoreError>> + Send;
    /// Writes rewrapped data keys in one transaction, each only if its row is still at the
    /// record version and KEK version it was read at (a concurrent update or erasure wins;
    /// the rewrap finds that row again on its next pass). Returns how many were written.
    fn rewrap(&self, items: &[Rewrap]) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// How many records each KEK version wraps, as (version, count).
    fn kek_counts(&self) -> impl Future<Output = Result<Vec<(u32, u64)>, StoreError>> + Send;
    /// Deletes the record (with its wrapped data key) and its index entries. Returns
    /// whether there was one.
    fn erase_customer(&self, code: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Codes whose entry for `field` has `hash`. `unique` is the field's schema rule, as
    /// given with every [`IndexEntry`] written for it, so a store that keeps unique and
    /// other entries apart need only look in one place.
    fn find(
        &self,
        field: &str,
        hash: &[u8; 32],
        unique: bool,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
    // ---- known customers (issue 18)

    /// Many [`GroupStore::find`] probes at once, for the customers named in one document:
    /// `(index into probes, code)` for every entry found, sorted. Backends answer it in one
    /// round trip; this default asks one probe after the other.
    fn find_many(
        &self,
        probes: &[IndexEntry],
    ) -> impl Future<Output = Result<Vec<(usize, String)>, StoreError>> + Send {
        async move {
            let mut out = Vec::new();
            for (i, p) in probes.iter().enumerate() {
                out.extend(self.find(&p.field, &p.hash, p.unique).await?.into_iter().map(|c| (i, c)));
            }
            Ok(out)
        }
    }

    /// Clears what erasures left behind in the store's own files, as far as the backend
    /// can: afterwards the bytes of erased records (their wrapped data keys above all) are
    /// no longer in the files the store keeps, or, where the backend cannot promise that,
    /// their space is reclaimed for reuse. Either way an erased record cannot be read again,
    /// since its data key was only ever stored wrapped. Each backend documents what it
    /// does.
    fn purge_erased(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    // ---- retention (issue 24)

    /// Codes (with their record versions) of up to `limit` customers past retention at
    /// `now`: those whose `retain_until` is at most `now`, and, if `changed_before` is
    /// given (the group has a default period), those without a `retain_until` whose
    /// `updated_at` is at most `changed_before`. In code order.
    fn retention_due(
        &self,
        now: i64,
        changed_before: Option<i64>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<(String, u64)>, StoreError>> + Send;
    /// Sets (or clears) a customer's `retain_until` without touching its fields or record
    /// version. Returns whether the customer exists.
    fn set_retain_until(
        &self,
        code: &str,
        until: Option<i64>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Erases many customers in one transaction, as [`GroupStore::erase_customer`] does one;
    /// returns how many there were.
    fn erase_customers(&self, codes: &[String]) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// A batch of new customers being written in one transaction ([`GroupStore::begin_batch`]).
/// Dropped without [`commit`](PendingBatch::commit), it is rolled back: nothing of it stays.
pub trait PendingBatch: Send + Sized + 'static {
    /// Writes customers of the batch (one part of it; parts are written in turn). A broken
    /// uniqueness rule gives `Conflict { what: field name }`, here or at the commit; after
    /// an error the batch can only be dropped or aborted.
    fn write(&mut self, part: &[CustomerWrite]) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Stores every part written, all at once. Conflicts as in
    /// [`GroupStore::insert_customers`]; on an error nothing of the batch is stored.
    fn commit(self) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Gives the batch up, waiting until nothing of it is left. (Dropping it does the same
    /// without waiting.)
    fn abort(self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

// ---- The document archive (DESIGN.md 9b): documents in the group's own store. ----

/// A filed document as stored: metadata, and the redacted copy in sealed chunks apart.
/// Nothing here is plain personal data: the file name is sealed like the content, and the
/// codes are customer codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// `doc_` and 26 Crockford symbols (128 random bits).
    pub id: String,
    /// The KEK version that wraps the document's data key.
    pub kek_version: u32,
    /// The document's data key, wrapped (AES-KWP) by the group's KEK.
    pub wrapped_dek: Vec<u8>,
    /// The redacted file name, sealed under the document's data key.
    pub name: Vec<u8>,
    pub content_type: String,
    /// Bytes of the redacted copy.
    pub size: u64,
    /// SHA-256 of the original (unredacted) document.
    pub original_sha256: [u8; 32],
    /// Who filed it (`employee:<id>`, `apikey:<id>`).
    pub filed_by: String,
    pub filed_at: i64,
    /// Linked customer codes (canonical, 12 symbols), sorted, each once.
    pub codes: Vec<String>,
    /// Findings per label, sorted by label.
    pub findings: Vec<(String, u64)>,
    pub retain_until: Option<i64>,
    /// Chunks of the sealed content (bound into every chunk's AAD).
    pub chunk_count: u32,
}

/// The archive's part of a group store. Every method is one transaction.
pub trait DocumentStore: Send + Sync + 'static {
    /// Stores a document with its sealed chunks (`chunks[i]` is chunk `i`) and its codes,
    /// all or nothing. `Conflict` if the id is taken.
    fn insert_document(
        &self,
        doc: &DocumentRecord,
        chunks: &[Vec<u8>],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn get_document(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<DocumentRecord>, StoreError>> + Send;
    /// One sealed chunk (one row read, so a download holds one chunk at a time).
    fn document_chunk(
        &self,
        id: &str,
        index: u32,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send;
    /// The documents linked to `code` (canonical), oldest first.
    fn documents_of(
        &self,
        code: &str,
    ) -> impl Future<Output = Result<Vec<DocumentRecord>, StoreError>> + Send;
    /// Deletes the document, its chunks and its links. Returns whether there was one.
    fn delete_document(&self, id: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The key-encryption key versions that wrap some document's data key (a version in
    /// use here is not retired: documents are not rewrapped).
    fn document_kek_versions(&self) -> impl Future<Output = Result<Vec<u32>, StoreError>> + Send;
}

// ---- Tokens (DESIGN.md 4, issue 23): stored token mappings in the group's own store. ----

/// Where a stored token mapping stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Active,
    /// Revoked: the sealed value is gone, the row stays so the token answers as revoked.
    Revoked,
    /// Its customer was erased: the sealed value is gone, the row stays.
    Erased,
}

impl TokenState {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenState::Active => "active",
            TokenState::Revoked => "revoked",
            TokenState::Erased => "erased",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(TokenState::Active),
            "revoked" => Some(TokenState::Revoked),
            "erased" => Some(TokenState::Erased),
            _ => None,
        }
    }
}

/// A token mapping as stored. Neither the token nor the value is here in plain: the row is
/// keyed by an HMAC of the token, the value (opaque and deterministic tokens) is sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// HMAC-SHA256 of the token under the group's token-id key.
    pub hash: [u8; 32],
    /// `opaque`, `deterministic` or `fpe`.
    pub format: String,
    /// `card_number`, `se_personnummer`, `digits` or `text`.
    pub kind: String,
    /// The value, sealed (none for `fpe`, whose token decrypts with the group key; none
    /// once revoked or erased).
    pub value: Option<Vec<u8>>,
    /// HMAC of the value, for `reuse` lookups of opaque tokens (only when asked for).
    pub value_hash: Option<[u8; 32]>,
    /// The customer the token stands for a value of (canonical code), if the caller said.
    pub customer: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub state: TokenState,
}

/// The tokens' part of a group store. Every method is one transaction.
pub trait TokenStore: Send + Sync + 'static {
    /// Inserts mappings; a row whose hash exists already is left as it is (a deterministic
    /// or FF1 token issued again).
    fn insert_tokens(&self, rows: &[TokenRow]) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The rows of those `hashes` that exist, in any order.
    fn get_tokens(
        &self,
        hashes: &[[u8; 32]],
    ) -> impl Future<Output = Result<Vec<TokenRow>, StoreError>> + Send;
    /// The newest active row with this value hash (for `reuse`), if any.
    fn token_by_value(
        &self,
        value_hash: &[u8; 32],
    ) -> impl Future<Output = Result<Option<TokenRow>, StoreError>> + Send;
    /// Marks active rows of `hashes` revoked and drops their sealed values; returns how many.
    fn revoke_tokens(&self, hashes: &[[u8; 32]]) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// Marks every row of customer `code` erased and drops the sealed values; returns how many.
    fn erase_tokens_of(&self, code: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;
}
