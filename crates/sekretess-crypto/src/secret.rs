//! Secret key material: zeroized on drop, never printed, never copied by a move.
//!
//! A [`Key32`] keeps its bytes in an allocation of its own, so moving a key (into a
//! struct, out of a function, across an `.await`) moves a pointer and leaves no copy of
//! the bytes in a stack frame or in the memory of a finished future. The long-lived keys
//! of an unsealed vault go further ([`Key32::into_locked`]): a page of their own, locked
//! out of swap and left out of core dumps.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{CryptoError, fill_random};

/// A 256-bit secret key. `Debug` never shows the bytes; the memory is wiped on drop.
pub struct Key32(Storage);

enum Storage {
    /// An ordinary heap allocation of exactly the key.
    Heap(Box<[u8; 32]>),
    /// An anonymous mapping (one page) holding only this key, marked `MADV_DONTDUMP` on
    /// Linux, and locked with `mlock` where the platform allowed (the flag).
    Page(memmap2::MmapMut, bool),
}

/// How many keys were put in locked pages, and how many could not be locked (the platform
/// refused: no mapping, or `RLIMIT_MEMLOCK` reached). Such keys still work, in memory that
/// may be swapped out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LockStats {
    pub locked: u64,
    pub not_locked: u64,
}

static LOCKED: AtomicU64 = AtomicU64::new(0);
static NOT_LOCKED: AtomicU64 = AtomicU64::new(0);

/// Counts of [`Key32::into_locked`] outcomes since this process started.
pub fn lock_stats() -> LockStats {
    LockStats { locked: LOCKED.load(Ordering::Relaxed), not_locked: NOT_LOCKED.load(Ordering::Relaxed) }
}

/// Whether this process may lock a page of memory out of swap (tries one page, then frees
/// it). For a start-up report; [`Key32::into_locked`] never fails on this account.
pub fn can_lock_memory() -> std::io::Result<()> {
    let page = memmap2::MmapMut::map_anon(32)?;
    page.lock()
}

impl Key32 {
    /// A key of zero bytes in a fresh allocation, to fill in place.
    fn zeroed() -> Self {
        Key32(Storage::Heap(Box::new([0u8; 32])))
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        match &mut self.0 {
            Storage::Heap(b) => &mut b[..],
            Storage::Page(p, _) => &mut p[..],
        }
    }

    /// A fresh random key from the OS CSPRNG.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut k = Key32::zeroed();
        fill_random(k.bytes_mut())?;
        Ok(k)
    }

    /// `n` fresh random keys from one draw of the CSPRNG (a draw costs about as much as
    /// sealing a short value, so batches draw once).
    pub fn generate_many(n: usize) -> Result<Vec<Self>, CryptoError> {
        let mut bytes = Zeroizing::new(vec![0u8; n * 32]);
        fill_random(&mut bytes)?;
        bytes.chunks_exact(32).map(Self::from_slice).collect()
    }

    /// Takes a key from an array, and wipes the array passed in. A copy the caller still
    /// holds is the caller's to wipe: prefer [`Key32::from_slice`] on a `Zeroizing` buffer.
    pub fn from_bytes(mut bytes: [u8; 32]) -> Self {
        let mut k = Key32::zeroed();
        k.bytes_mut().copy_from_slice(&bytes);
        bytes.zeroize();
        k
    }

    /// Copies from a slice; the slice must be exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != 32 {
            return Err(CryptoError::InvalidParameter("key must be 32 bytes"));
        }
        let mut k = Key32::zeroed();
        k.bytes_mut().copy_from_slice(bytes);
        Ok(k)
    }

    /// The raw bytes (always 32), for handing to a primitive. Keep the borrow short, and
    /// copy them nowhere.
    pub fn expose(&self) -> &[u8] {
        match &self.0 {
            Storage::Heap(b) => &b[..],
            Storage::Page(p, _) => &p[..],
        }
    }

    /// Whether the key sits in a page of its own, locked out of swap.
    pub fn is_locked(&self) -> bool {
        matches!(self.0, Storage::Page(_, true))
    }

    fn in_own_page(&self) -> bool {
        matches!(self.0, Storage::Page(..))
    }

    /// Moves the key into a page of its own, locked out of swap (`mlock`) and, on Linux,
    /// left out of core dumps (`MADV_DONTDUMP`): for keys that live as long as the vault is
    /// unsealed (root key, group keys, audit key). The old allocation is wiped. Where the
    /// platform refuses the page or the lock, the key stays usable as it is and
    /// [`lock_stats`] counts it: this never fails.
    pub fn into_locked(mut self) -> Key32 {
        if self.in_own_page() {
            return self;
        }
        let Ok(mut page) = memmap2::MmapMut::map_anon(32) else {
            NOT_LOCKED.fetch_add(1, Ordering::Relaxed);
            return self;
        };
        #[cfg(target_os = "linux")]
        let dont_dump = page.advise(memmap2::Advice::DontDump).is_ok();
        #[cfg(not(target_os = "linux"))]
        let dont_dump = true;
        let locked = page.lock().is_ok();
        if locked && dont_dump {
            LOCKED.fetch_add(1, Ordering::Relaxed);
        } else {
            NOT_LOCKED.fetch_add(1, Ordering::Relaxed);
        }
        for (to, from) in page.iter_mut().zip(self.expose()) {
            *to = *from;
        }
        self.zeroize();
        self.0 = Storage::Page(page, locked); // the wiped heap allocation is freed here
        self
    }
}

impl Clone for Key32 {
    /// A copy in an allocation of its own; a locked key's copy is locked too.
    fn clone(&self) -> Self {
        let mut k = Key32::zeroed();
        for (to, from) in k.bytes_mut().iter_mut().zip(self.expose()) {
            *to = *from;
        }
        if self.in_own_page() { k.into_locked() } else { k }
    }
}

impl PartialEq for Key32 {
    /// In constant time.
    fn eq(&self, other: &Self) -> bool {
        aws_lc_rs::constant_time::verify_slices_are_equal(self.expose(), other.expose()).is_ok()
    }
}

impl Eq for Key32 {}

impl Zeroize for Key32 {
    fn zeroize(&mut self) {
        self.bytes_mut().zeroize();
    }
}

impl Drop for Key32 {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for Key32 {}

impl fmt::Debug for Key32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key32(<redacted>)")
    }
}

/// Secret bytes of any length (decrypted plaintexts, share payloads).
pub type SecretBytes = Zeroizing<Vec<u8>>;

/// Overwrites the stack just below the caller's frame, where a primitive it has just
/// called may have left key material: aws-lc-rs's AES key wrap keeps the AES key schedule
/// (whose first round keys are the key itself) on the stack and does not wipe it.
/// Call it right after such a call returns, from the same function.
#[inline(never)]
pub(crate) fn scrub_stack() {
    let mut area = [0u64; 512]; // 4 KiB, several times what the wrap's frames take
    area.zeroize();
    std::hint::black_box(&area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_bytes() {
        let k = Key32::from_bytes([0xAB; 32]);
        let shown = format!("{k:?}");
        assert!(!shown.to_lowercase().contains("ab"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn generated_keys_differ() {
        let a = Key32::generate().unwrap();
        let b = Key32::generate().unwrap();
        assert_ne!(a.expose(), b.expose());
        let many = Key32::generate_many(3).unwrap();
        assert_eq!(many.len(), 3);
        assert!(many[0] != many[1] && many[1] != many[2] && many[0] != many[2]);
    }

    #[test]
    fn a_locked_key_keeps_its_bytes_and_so_do_its_clones() {
        let plain = Key32::generate().unwrap();
        let locked = plain.clone().into_locked();
        assert_eq!(locked.expose().len(), 32);
        assert_eq!(locked, plain);
        assert_eq!(locked.clone(), plain);
        assert_eq!(locked.clone().is_locked(), locked.is_locked());
        assert!(!plain.clone().is_locked());
        let stats = lock_stats();
        assert!(stats.locked + stats.not_locked >= 1);
        assert_eq!(format!("{locked:?}"), "Key32(<redacted>)");
        assert!(Key32::from_slice(&[0; 31]).is_err());
    }
}
