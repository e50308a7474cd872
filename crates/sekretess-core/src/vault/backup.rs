//! Backups of the whole vault: one snapshot per database, taken at one instant.
//!
//! Why the snapshots agree with each other: every write that touches more than one
//! database (creating, updating and erasing customers; creating and locking groups) holds
//! [`Vault::write_gate`] shared from its first write to its last. [`Vault::backup`] takes
//! the gate exclusively, so no such write is half done, and opens a read transaction on
//! the control database and then on each group store, in that order, before it lets the
//! writers go on. Each transaction sees its database as it was at that instant (SQLite WAL
//! read snapshot; PostgreSQL `REPEATABLE READ`), so a customer's directory entry (control)
//! and its row (group) are either both in the backup or both not, and at the same record
//! version. Writes wait only while the snapshots are opened, not while they are read.
//! The audit log is append-only: the entries up to the control snapshot's head are read
//! through the store afterwards.
//!
//! The gate is per process: with several `sekretess serve` processes on one control
//! database, take backups while the others are stopped or sealed (docs/operations.md).

use std::collections::BTreeMap;

use super::*;
use crate::backup::{
    self, BackupSource, ControlSnapshot, GroupBackup, GroupCounts, GroupSnapshot, Header, Item, Manifest,
    Sink, journal,
};

/// Audit entries read per round.
const AUDIT_PAGE: usize = 5_000;

impl<S: Store> Vault<S> {
    /// The key that authenticates erasure journals (see [`journal`]).
    fn journal_key(&self, u: &Unsealed<S>) -> Result<Key32, VaultError> {
        journal::journal_key(u.root()?.as_ref())
            .map_err(|_| VaultError::Internal("journal key derivation failed"))
    }

    fn key_id_text(&self) -> Result<String, VaultError> {
        let meta = self.meta()?.ok_or(VaultError::NotInitialized)?;
        Ok(shamir::key_id_text(&meta.key_id))
    }

    /// Sends a consistent backup of the control store and every group store to `out`, as
    /// the items of the logical format ([`backup`]), and returns its manifest.
    pub async fn backup(&self, out: &Sink) -> Result<Manifest, VaultError>
    where
        S: BackupSource,
    {
        let u = self.unsealed()?;
        let key_id = self.key_id_text()?;
        let journal_key = self.journal_key(&u)?;
        let (created_at, mut control, mut groups) = {
            let _gate = self.write_gate.write().await;
            let mut open = Vec::new();
            for row in self.store.list_groups().await? {
                open.push(self.group_by_id(&u, row.id).await?);
            }
            let control = self.store.snapshot().await?;
            let mut snaps = Vec::with_capacity(open.len());
            for g in &open {
                snaps.push((g.row.id, g.store.snapshot().await?));
            }
            (self.clock.now(), control, snaps)
        };
        let header = Header {
            kind: backup::KIND.into(),
            format: backup::FORMAT_VERSION,
            created_at,
            key_id,
            source: self.store.backend().into(),
            journal_key: journal_key.expose().to_vec(),
        };
        backup::send(out, Item::Header(header)).await?;
        let mut manifest = Manifest::default();
        for table in control.tables() {
            let columns = table.columns.iter().map(|(c, _)| (*c).to_owned()).collect();
            backup::send(out, Item::Table { name: table.name.into(), columns }).await?;
            let n = control.export_table(table, out).await?;
            manifest.tables.insert(table.name.into(), n);
        }
        let head = control.audit_head().await?;
        drop(control);
        if let Some((head_seq, head_mac)) = head {
            let mut from = 1;
            while from <= head_seq {
                let page = self.store.audit_read(from, AUDIT_PAGE).await?;
                if page.is_empty() {
                    return Err(StoreError::Corrupt("the audit log ends before its head".into()).into());
                }
                for entry in page {
                    if entry.seq > head_seq {
                        break;
                    }
                    if entry.seq != from {
                        return Err(StoreError::Corrupt("the audit log has a gap".into()).into());
                    }
                    if entry.seq == head_seq && entry.mac != head_mac {
                        return Err(StoreError::Corrupt("the audit head changed".into()).into());
                    }
                    from += 1;
                    manifest.audit_entries += 1;
                    backup::send(out, Item::Audit(entry.into())).await?;
                }
            }
            manifest.audit_head = Some((head_seq, backup::hex(&head_mac)));
        }
        for (id, snap) in &mut groups {
            backup::send(out, Item::Group { id: *id }).await?;
            let mut counts =
                GroupCounts { customers: snap.export_customers(out).await?, tables: BTreeMap::new() };
            for table in snap.tables() {
                let columns = table.columns.iter().map(|(c, _)| (*c).to_owned()).collect();
                backup::send(out, Item::GroupTable { name: table.name.into(), columns }).await?;
                counts.tables.insert(table.name.into(), snap.export_table(table, out).await?);
            }
            manifest.groups.insert(*id, counts);
        }
        drop(groups);
        backup::send(out, Item::Manifest(manifest.clone())).await?;
        Ok(manifest)
    }

    /// The erasure journal as of now: every erasure on record, authenticated.
    pub async fn erasure_journal(&self) -> Result<journal::Journal, VaultError>
    where
        S: BackupSource,
    {
        let u = self.unsealed()?;
        let key_id = self.key_id_text()?;
        let key = self.journal_key(&u)?;
        let mut control = self.store.snapshot().await?;
        let created_at = self.clock.now();
        let table = control
            .tables()
            .iter()
            .find(|t| t.name == "erasures")
            .ok_or(VaultError::Internal("the store has no erasures table"))?;
        let columns: Vec<String> = table.columns.iter().map(|(c, _)| (*c).to_owned()).collect();
        let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
        let collect = async {
            let mut entries = Vec::new();
            while let Some(item) = rx.recv().await {
                if let Item::Row { v } = item {
                    entries.push(backup::restore::erasure_row(&columns, &v)?);
                }
            }
            Ok::<_, StoreError>(entries)
        };
        let export = async {
            let n = control.export_table(table, &tx).await;
            drop(tx);
            n
        };
        let (n, entries) = tokio::join!(export, collect);
        n?;
        Ok(journal::Journal::new(key.expose(), &key_id, created_at, entries?))
    }
}
