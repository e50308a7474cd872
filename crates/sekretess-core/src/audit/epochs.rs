//! Audit key epochs: the chain continues across a change of its MAC key.
//!
//! The chain starts under the key of epoch 0 (derived from the root key at init). Rotating
//! the key ([`super::AuditLog::rotate_key`]) writes one entry, action `audit.key_rotate`,
//! purpose `audit key epoch N`, MAC'd under the old key like every entry before it; every
//! entry after it is MAC'd under the key of epoch N, still chained on the MAC before it.
//! So an edit anywhere breaks the chain at that entry whatever the epoch, and the switch
//! itself is authenticated by the key that was current before it. [`verify_epochs`] walks
//! the chain with the keys of every epoch (a key file holds one line per epoch).

use std::sync::Arc;

use sekretess_crypto::Key32;
use zeroize::Zeroizing;

use super::{Action, AuditKey, AuditStore, Checkpoint, Entry, GENESIS_MAC, Outcome, Verdict};
use crate::error::StoreError;

const EPOCH_PURPOSE: &str = "audit key epoch ";

pub(super) fn epoch_purpose(epoch: u32) -> String {
    format!("{EPOCH_PURPOSE}{epoch}")
}

/// The epoch a rotation entry moves the chain to, if `entry` is one.
fn rotation_target(entry: &Entry) -> Option<u32> {
    if entry.action != Action::AuditKeyRotate.as_str() || entry.outcome != Outcome::Success {
        return None;
    }
    entry.purpose.as_deref()?.strip_prefix(EPOCH_PURPOSE)?.parse().ok()
}

pub(super) fn is_rotation_to(entry: &Entry, epoch: u32) -> bool {
    rotation_target(entry) == Some(epoch)
}

/// The audit keys of every epoch, by epoch number (0 first). Cheap to clone.
#[derive(Clone, Debug)]
pub struct AuditKeyring {
    keys: Vec<(u32, Arc<AuditKey>)>,
}

impl AuditKeyring {
    pub fn single(key: AuditKey) -> Self {
        AuditKeyring { keys: vec![(0, Arc::new(key))] }
    }

    /// Keys by epoch; `None` if empty.
    pub fn new(mut keys: Vec<(u32, AuditKey)>) -> Option<Self> {
        keys.sort_by_key(|(epoch, _)| *epoch);
        if keys.is_empty() {
            return None;
        }
        Some(AuditKeyring { keys: keys.into_iter().map(|(e, k)| (e, Arc::new(k))).collect() })
    }

    /// The newest epoch's key: the one the chain is written under.
    pub fn current(&self) -> Arc<AuditKey> {
        self.keys.last().map(|(_, k)| Arc::clone(k)).unwrap_or_else(|| Arc::new(empty_key()))
    }

    /// The newest epoch number.
    pub fn current_epoch(&self) -> u32 {
        self.keys.last().map_or(0, |(e, _)| *e)
    }

    pub fn get(&self, epoch: u32) -> Option<&AuditKey> {
        self.keys.iter().find(|(e, _)| *e == epoch).map(|(_, k)| &**k)
    }

    pub(super) fn push(&mut self, epoch: u32, key: Arc<AuditKey>) {
        if !self.keys.iter().any(|(e, _)| *e == epoch) {
            self.keys.push((epoch, key));
            self.keys.sort_by_key(|(e, _)| *e);
        }
    }

    /// Text form for an auditor's key file: one line per epoch,
    /// `sekretess-audit-key-v1:<64 hex>` for epoch 0 and `… epoch=N` for later ones.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(self.keys.len() * 100));
        for (epoch, key) in &self.keys {
            text.push_str(&key.to_text());
            if *epoch != 0 {
                text.push_str(&format!(" epoch={epoch}"));
            }
            text.push('\n');
        }
        text
    }

    /// Parses [`AuditKeyring::to_text`] (a file of one key alone is epoch 0).
    pub fn parse_text(text: &str) -> Option<Self> {
        let mut keys = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (key, epoch) = match line.split_once(' ') {
                None => (line, 0),
                Some((key, rest)) => (key, rest.trim().strip_prefix("epoch=")?.parse().ok()?),
            };
            if keys.iter().any(|(e, _)| *e == epoch) {
                return None;
            }
            keys.push((epoch, AuditKey::parse_text(key)?));
        }
        Self::new(keys)
    }
}

/// Only for the impossible empty keyring: a key that verifies nothing.
fn empty_key() -> AuditKey {
    AuditKey::from_key(Key32::from_bytes([0u8; 32]))
}

/// Verifies the whole chain under one key (a chain that never rotated its key).
pub async fn verify<A: AuditStore>(
    store: &A,
    key: &AuditKey,
    checkpoint: Option<&Checkpoint>,
) -> Result<Verdict, StoreError> {
    verify_epochs(store, &AuditKeyring::single(key.clone()), checkpoint).await
}

/// Verifies the whole chain, reading it in pages, moving to the next epoch's key after each
/// rotation entry. Names the first bad sequence number. A checkpoint may be signed by the
/// key of any epoch.
pub async fn verify_epochs<A: AuditStore>(
    store: &A,
    keys: &AuditKeyring,
    checkpoint: Option<&Checkpoint>,
) -> Result<Verdict, StoreError> {
    if let Some(cp) = checkpoint
        && !keys.keys.iter().any(|(_, k)| cp.is_authentic(k))
    {
        return Ok(Verdict::ForeignCheckpoint);
    }
    let mut prev = GENESIS_MAC;
    let mut expected = 1u64;
    let mut checkpoint_seen = false;
    let mut epoch = 0u32;
    // `None`: the key of `epoch` is not in the keyring.
    let mut key = keys.get(0);
    loop {
        let page = store.audit_read(expected, 1000).await?;
        if page.is_empty() {
            break;
        }
        for entry in &page {
            if entry.seq != expected {
                return Ok(Verdict::BrokenAt { seq: expected, reason: "entry missing or out of order" });
            }
            let Some(k) = key else {
                return Ok(Verdict::BrokenAt {
                    seq: expected,
                    reason: "the chain continues under an audit key epoch the key file does not hold",
                });
            };
            let mac_ = entry.chain_mac(k, &prev);
            if mac_ != entry.mac {
                return Ok(Verdict::BrokenAt {
                    seq: expected,
                    reason: "MAC does not match the entry and its predecessor",
                });
            }
            if let Some(next) = rotation_target(entry) {
                if next <= epoch {
                    return Ok(Verdict::BrokenAt { seq: expected, reason: "audit key epochs out of order" });
                }
                epoch = next;
                key = keys.get(epoch);
            }
            if let Some(cp) = checkpoint
                && cp.seq == entry.seq
            {
                if cp.mac != entry.mac {
                    return Ok(Verdict::Truncated { head: entry.seq, checkpoint: cp.seq });
                }
                checkpoint_seen = true;
            }
            prev = mac_;
            expected += 1;
        }
    }
    let head = expected - 1;
    if let Some(cp) = checkpoint
        && (!checkpoint_seen && cp.seq > 0)
    {
        return Ok(Verdict::Truncated { head, checkpoint: cp.seq });
    }
    Ok(Verdict::Intact { head })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyring_text_round_trips_and_refuses_duplicates() {
        let ring = AuditKeyring::new(vec![
            (0, AuditKey::from_key(Key32::generate().unwrap())),
            (2, AuditKey::from_key(Key32::generate().unwrap())),
        ])
        .unwrap();
        let back = AuditKeyring::parse_text(&ring.to_text()).unwrap();
        assert_eq!(back.current_epoch(), 2);
        assert_eq!(back.get(0).unwrap().expose(), ring.get(0).unwrap().expose());
        assert_eq!(back.get(2).unwrap().expose(), ring.get(2).unwrap().expose());
        assert!(back.get(1).is_none());
        let line = ring.get(0).unwrap().to_text();
        assert!(AuditKeyring::parse_text(&format!("{}\n{}\n", &*line, &*line)).is_none());
        assert!(AuditKeyring::parse_text("").is_none());
        // A key file of one key (written before epochs existed) is epoch 0.
        assert_eq!(AuditKeyring::parse_text(&line).unwrap().current_epoch(), 0);
    }
}
