//! The document archive (DESIGN.md 9b): redacted documents filed in their group's own
//! store, sealed at rest.
//!
//! Each document gets its own data key (random, 256 bits), stored only wrapped (AES-KWP) by
//! the group's current KEK, as customers' data keys are. The redacted copy is cut into
//! chunks of [`CHUNK_BYTES`], each an AES-256-GCM envelope under that key whose AAD names
//! the group, the document id, the chunk's index and the number of chunks, so a chunk moved
//! to another document or place, or a dropped or added chunk, fails to open. The redacted
//! file name is sealed the same way (its own AAD). What the store sees in plain: the id, the
//! linked customer codes, the content type, sizes, the SHA-256 of the original, who filed
//! it and when, finding counts per label and the retention date.

use sekretess_crypto::fill_random;

use super::*;
use crate::access::GroupAccess;
use crate::store::{DocumentRecord, DocumentStore};

/// Bytes of redacted content per sealed chunk: a download holds one chunk at a time.
pub const CHUNK_BYTES: usize = 1 << 20;
/// Version of a document's data key, in the envelope header.
const DOC_DEK_VERSION: u32 = 1;
const SECONDS_PER_DAY: i64 = 86_400;

/// A redacted document to file.
pub struct NewDocument {
    /// The redacted file name (already free of personal data).
    pub name: String,
    pub content_type: String,
    pub original_sha256: [u8; 32],
    /// Customers to link (found in the document and given by the caller).
    pub codes: Vec<CustomerCode>,
    /// Findings per label.
    pub findings: Vec<(String, u64)>,
    /// Days from now the document is kept at least (`None`: no retention date).
    pub retention_days: Option<u32>,
    /// The redacted copy.
    pub content: Vec<u8>,
}

impl fmt::Debug for NewDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewDocument").field("size", &self.content.len()).finish_non_exhaustive()
    }
}

/// An archived document's metadata, as the caller may see it.
#[derive(Clone, PartialEq, Eq)]
pub struct DocumentInfo {
    pub id: String,
    pub group: String,
    /// The redacted file name.
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub original_sha256: [u8; 32],
    pub filed_by: String,
    pub filed_at: i64,
    pub codes: Vec<CustomerCode>,
    pub findings: Vec<(String, u64)>,
    pub retain_until: Option<i64>,
}

impl fmt::Debug for DocumentInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The name is redacted, but it is still text from a document: left out.
        f.debug_struct("DocumentInfo")
            .field("id", &self.id)
            .field("group", &self.group)
            .field("size", &self.size)
            .field("codes", &self.codes)
            .finish_non_exhaustive()
    }
}

/// Reads an archived document's redacted content one chunk at a time.
pub struct DocumentReader<S: Store> {
    group: Arc<OpenGroup<S::Group>>,
    key: EnvelopeKey,
    record: DocumentRecord,
    next: u32,
    read: u64,
}

impl<S: Store> fmt::Debug for DocumentReader<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentReader").field("id", &self.record.id).field("next", &self.next).finish()
    }
}

impl<S: Store> DocumentReader<S> {
    /// The next chunk of content, or `None` after the last. A chunk that is missing,
    /// moved or altered, or content of another length than recorded, is `Integrity`.
    pub async fn next_chunk(&mut self) -> Option<Result<Vec<u8>, VaultError>> {
        if self.next >= self.record.chunk_count {
            return None;
        }
        Some(self.read_chunk().await)
    }

    async fn read_chunk(&mut self) -> Result<Vec<u8>, VaultError> {
        let index = self.next;
        let sealed =
            self.group.store.document_chunk(&self.record.id, index).await?.ok_or(VaultError::Integrity)?;
        let aad = chunk_aad(self.group.row.id, &self.record.id, index, self.record.chunk_count);
        let plain = self.key.open(&aad, &sealed)?;
        self.next += 1;
        self.read += plain.len() as u64;
        let last = self.next == self.record.chunk_count;
        if self.read > self.record.size || (last && self.read != self.record.size) {
            return Err(VaultError::Integrity);
        }
        Ok(plain.to_vec())
    }
}

fn document_aad(group: u32, id: &str, part: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_PREFIX.len() + 48 + part.len());
    aad.extend_from_slice(AAD_PREFIX);
    aad.extend_from_slice(b"/document\0");
    aad.extend_from_slice(&group.to_be_bytes());
    aad.push(id.len() as u8);
    aad.extend_from_slice(id.as_bytes());
    aad.extend_from_slice(part);
    aad
}

/// AAD of chunk `index` of `count`: "sekretess/v1/document\0" | group | id | "chunk\0" |
/// index | count.
fn chunk_aad(group: u32, id: &str, index: u32, count: u32) -> Vec<u8> {
    let mut part = Vec::with_capacity(14);
    part.extend_from_slice(b"chunk\0");
    part.extend_from_slice(&index.to_be_bytes());
    part.extend_from_slice(&count.to_be_bytes());
    document_aad(group, id, &part)
}

fn name_aad(group: u32, id: &str) -> Vec<u8> {
    document_aad(group, id, b"name\0")
}

/// A new document id: `doc_` and 26 Crockford symbols of 128 random bits.
fn new_document_id() -> Result<String, VaultError> {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes)?;
    Ok(format!("doc_{}", sekretess_crypto::crockford::encode(&bytes)))
}

/// Whether `id` is shaped like a document id (checked before any store is asked).
pub fn is_document_id(id: &str) -> bool {
    id.strip_prefix("doc_").is_some_and(|rest| {
        rest.len() == 26 && rest.bytes().all(|b| sekretess_crypto::crockford::ALPHABET.contains(&b))
    })
}

/// An audit event about document `id` and its codes (never its name or content).
fn document_event(ctx: &AuditContext, action: Action, group: &str, id: &str, codes: &[String]) -> Event {
    let mut event = ctx.event(action.as_str());
    event.group = Some(group.to_owned());
    event.fields =
        std::iter::once(format!("document:{id}")).chain(codes.iter().map(|c| format!("code:{c}"))).collect();
    event
}

impl<S: Store> Vault<S> {
    /// Files a redacted document in `group`'s store, sealed under a new data key. The
    /// `document.file` entry (id, codes) is on record before anything is written.
    pub async fn file_document(
        &self,
        ctx: &AuditContext,
        group: &str,
        doc: NewDocument,
    ) -> Result<DocumentInfo, VaultError> {
        let u = self.unsealed()?;
        let g = self.group_by_name(&u, group).await?;
        Self::usable(&g)?;
        let id = new_document_id()?;
        let now = self.clock.now();
        let mut codes: Vec<String> = doc.codes.iter().map(|c| c.compact().to_owned()).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut findings = doc.findings;
        findings.sort();
        // Held until the document is stored: a backup sees it whole, and its key version is
        // not retired meanwhile.
        let _gate = self.write_gate.read().await;
        let (kek, _writing) = self.kek_for_write(&g, 1).await?;
        let dek = Key32::generate()?;
        let wrapped_dek = keywrap::wrap_key(&kek.1, &dek)?;
        let sealer = EnvelopeKey::new(&dek, KeyRef { key_id: g.row.id, version: DOC_DEK_VERSION })?;
        let count = doc.content.len().div_ceil(CHUNK_BYTES).max(1);
        let count = u32::try_from(count).map_err(|_| VaultError::Internal("document too large"))?;
        let mut chunks = Vec::with_capacity(count as usize);
        for index in 0..count {
            let start = index as usize * CHUNK_BYTES;
            let end = (start + CHUNK_BYTES).min(doc.content.len());
            let part = doc.content.get(start..end).unwrap_or_default();
            chunks.push(sealer.seal(&chunk_aad(g.row.id, &id, index, count), part)?);
        }
        let record = DocumentRecord {
            id: id.clone(),
            kek_version: kek.0,
            wrapped_dek,
            name: sealer.seal(&name_aad(g.row.id, &id), doc.name.as_bytes())?,
            content_type: doc.content_type.clone(),
            size: doc.content.len() as u64,
            original_sha256: doc.original_sha256,
            filed_by: ctx.actor.clone(),
            filed_at: now,
            codes,
            findings,
            retain_until: doc.retention_days.map(|d| now.saturating_add(i64::from(d) * SECONDS_PER_DAY)),
            chunk_count: count,
        };
        let event = document_event(ctx, Action::DocumentFile, &g.row.name, &id, &record.codes);
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let written = g.store.insert_document(&record, &chunks).await.map_err(VaultError::from);
        Self::resolved(&u, &event, seq, written).await?;
        Ok(DocumentInfo {
            id,
            group: g.row.name.clone(),
            name: doc.name,
            content_type: record.content_type,
            size: record.size,
            original_sha256: record.original_sha256,
            filed_by: record.filed_by,
            filed_at: now,
            codes: doc_codes(&record.codes)?,
            findings: record.findings,
            retain_until: record.retain_until,
        })
    }

    /// The open groups the caller reaches, in id order (locked ones included).
    pub(super) async fn reachable_groups(
        &self,
        u: &Unsealed<S>,
        reach: &GroupAccess,
    ) -> Result<Vec<Arc<OpenGroup<S::Group>>>, VaultError> {
        let mut rows = self.store.list_groups().await?;
        rows.sort_by_key(|r| r.id);
        let mut out = Vec::new();
        for row in rows.into_iter().filter(|r| reach.allows(&r.name)) {
            out.push(self.group_by_id(u, row.id).await?);
        }
        Ok(out)
    }

    /// Finds document `id` in the groups the caller reaches (no other group is asked).
    async fn locate_document(
        &self,
        u: &Unsealed<S>,
        reach: &GroupAccess,
        id: &str,
    ) -> Result<(Arc<OpenGroup<S::Group>>, DocumentRecord), VaultError> {
        if !is_document_id(id) {
            return Err(VaultError::DocumentNotFound);
        }
        for g in self.reachable_groups(u, reach).await? {
            if let Some(record) = g.store.get_document(id).await? {
                crate::audit::note_group(&g.row.name);
                Self::usable(&g)?;
                return Ok((g, record));
            }
        }
        Err(VaultError::DocumentNotFound)
    }

    pub(super) fn document_key(
        g: &OpenGroup<S::Group>,
        record: &DocumentRecord,
    ) -> Result<EnvelopeKey, VaultError> {
        let kek = g.kek(record.kek_version)?.ok_or(VaultError::Integrity)?;
        let dek = keywrap::unwrap_key(&kek, &record.wrapped_dek)?;
        Ok(EnvelopeKey::new(&dek, KeyRef { key_id: g.row.id, version: DOC_DEK_VERSION })?)
    }

    pub(super) fn document_info(
        g: &OpenGroup<S::Group>,
        key: &EnvelopeKey,
        record: &DocumentRecord,
    ) -> Result<DocumentInfo, VaultError> {
        let name = key.open(&name_aad(g.row.id, &record.id), &record.name)?;
        let name = String::from_utf8(name.to_vec()).map_err(|_| VaultError::Integrity)?;
        Ok(DocumentInfo {
            id: record.id.clone(),
            group: g.row.name.clone(),
            name,
            content_type: record.content_type.clone(),
            size: record.size,
            original_sha256: record.original_sha256,
            filed_by: record.filed_by.clone(),
            filed_at: record.filed_at,
            codes: doc_codes(&record.codes)?,
            findings: record.findings.clone(),
            retain_until: record.retain_until,
        })
    }

    /// The documents linked to `code` in the groups the caller reaches (unlocked ones),
    /// oldest first. Works for the code of an erased customer too: documents stay.
    pub async fn documents_of(
        &self,
        ctx: &AuditContext,
        reach: &GroupAccess,
        code: &CustomerCode,
    ) -> Result<Vec<DocumentInfo>, VaultError> {
        let u = self.unsealed()?;
        let mut out = Vec::new();
        for g in self.reachable_groups(&u, reach).await? {
            if g.locked.load(Ordering::SeqCst) {
                continue;
            }
            for record in g.store.documents_of(code.compact()).await? {
                let key = Self::document_key(&g, &record)?;
                out.push(Self::document_info(&g, &key, &record)?);
            }
        }
        out.sort_by(|a, b| (a.filed_at, &a.id).cmp(&(b.filed_at, &b.id)));
        let mut event = ctx.event(Action::DocumentList.as_str());
        event.customer = Some(code.compact().to_owned());
        event.fields = out.iter().map(|d| format!("document:{}", d.id)).collect();
        u.audit.record(event, Outcome::Success).await?;
        Ok(out)
    }

    /// Opens document `id` for download: its metadata and a reader of its content. The
    /// `document.read` entry is on record before this returns.
    pub async fn open_document(
        &self,
        ctx: &AuditContext,
        reach: &GroupAccess,
        id: &str,
    ) -> Result<(DocumentInfo, DocumentReader<S>), VaultError> {
        let u = self.unsealed()?;
        let (g, record) = self.locate_document(&u, reach, id).await?;
        let key = Self::document_key(&g, &record)?;
        let info = Self::document_info(&g, &key, &record)?;
        let event = document_event(ctx, Action::DocumentRead, &g.row.name, &record.id, &record.codes);
        u.audit.record(event, Outcome::Success).await?;
        Ok((info, DocumentReader { group: g, key, record, next: 0, read: 0 }))
    }

    /// Deletes document `id` (its chunks and links with it). The `document.delete` entry
    /// is on record before anything is deleted.
    pub async fn delete_document(
        &self,
        ctx: &AuditContext,
        reach: &GroupAccess,
        id: &str,
    ) -> Result<(), VaultError> {
        let u = self.unsealed()?;
        let (g, record) = self.locate_document(&u, reach, id).await?;
        let event = document_event(ctx, Action::DocumentDelete, &g.row.name, &record.id, &record.codes);
        let seq = u.audit.record(event.clone(), Outcome::Attempted).await?;
        let deleted = g.store.delete_document(&record.id).await.map_err(VaultError::from);
        let deleted = Self::resolved(&u, &event, seq, deleted).await?;
        if deleted { Ok(()) } else { Err(VaultError::DocumentNotFound) }
    }
}

fn doc_codes(codes: &[String]) -> Result<Vec<CustomerCode>, VaultError> {
    codes.iter().map(|c| CustomerCode::parse(c).map_err(|_| VaultError::Integrity)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_ids_are_random_and_recognised() {
        let a = new_document_id().unwrap();
        let b = new_document_id().unwrap();
        assert_ne!(a, b);
        assert!(is_document_id(&a), "{a}");
        assert!(!is_document_id("doc_short"));
        assert!(!is_document_id(&a.replace("doc_", "dok_")));
        assert!(!is_document_id(&format!("{}u", &a[..a.len() - 1]))); // U is not Crockford
    }

    #[test]
    fn chunk_aads_differ_by_group_id_index_and_count() {
        let base = chunk_aad(1, "doc_a", 0, 2);
        assert_ne!(base, chunk_aad(2, "doc_a", 0, 2));
        assert_ne!(base, chunk_aad(1, "doc_b", 0, 2));
        assert_ne!(base, chunk_aad(1, "doc_a", 1, 2));
        assert_ne!(base, chunk_aad(1, "doc_a", 0, 1));
        assert_ne!(base, name_aad(1, "doc_a"));
    }
}
