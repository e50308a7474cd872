//! Issue 15, fault 3: once the vault is sealed, no copy of the root key, the audit key, the
//! people-secret key or any group key is left anywhere in this process's memory (heap,
//! stacks of every thread, freed memory), searched through /proc/self/maps and
//! /proc/self/mem. Linux only.
//!
//! The test itself never holds a key: the vault hands each one out XORed with a random
//! mask, and memory is compared against the unmasked bytes on the fly.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::time::Duration;

use sekretess_core::store::Store;
use sekretess_core::{CustomerCode, Vault};
use sekretess_crypto::fill_random;
use zeroize::Zeroize;

use crate::common::{self, Backend, TestVault, ctx, fields};

crate::conformance!(
    fault3_no_key_left_in_memory_after_seal,
    fault3_dev_vault_leaves_no_key_in_memory_after_seal,
    locked_group_leaves_no_key_in_memory
);

/// A production-style vault (3 of 5 shares).
async fn fault3_no_key_left_in_memory_after_seal<B: Backend>(b: B) {
    let tv = common::sealed(b, 3, 5).await;
    use_seal_and_search(tv, 3).await;
}

/// A dev-mode vault (1 of 1: the share's value is the root key itself).
async fn fault3_dev_vault_leaves_no_key_in_memory_after_seal<B: Backend>(b: B) {
    let tv = common::sealed(b, 1, 1).await;
    use_seal_and_search(tv, 1).await;
}

async fn unseal<S: Store>(vault: &Arc<Vault<S>>, shares: &[String]) {
    for s in shares {
        // As the server does: each request is a task of its own, whose future lives on
        // the heap and is freed (not wiped) when it ends.
        let (vault, share) = (Arc::clone(vault), s.clone());
        tokio::spawn(async move { vault.submit_share(&ctx(), &share).await.unwrap() }).await.unwrap();
    }
    assert!(!vault.seal_status().unwrap().sealed);
}

/// Unseals, uses every kind of key (groups, customers one by one and in a batch spread
/// over threads, reads, searches, updates, people secrets, the audit chain), seals,
/// unseals and reads again, seals, and then searches memory at once.
async fn use_seal_and_search<B: Backend>(tv: TestVault<B>, k: usize) {
    let TestVault { vault, shares, backend } = tv;
    let vault = Arc::new(vault);
    let shares = &shares[..k];
    unseal(&vault, shares).await;
    let v = Arc::clone(&vault);
    let codes = tokio::spawn(async move {
        let mut codes: Vec<CustomerCode> = Vec::new();
        for (i, g) in ["alpha", "beta"].into_iter().enumerate() {
            v.create_group(&ctx(), g).await.unwrap();
            let item = fields(&[("full_name", "Ada Lovelace"), ("email", &format!("ada{i}@example.com"))]);
            codes.push(v.create_customer(&ctx(), g, &item).await.unwrap());
        }
        let batch: Vec<Vec<(String, String)>> =
            (0..600).map(|i| fields(&[("email", &format!("batch{i}@example.com"))])).collect();
        for r in v.create_customers(&ctx(), "alpha", &batch).await.unwrap() {
            codes.push(r.unwrap());
        }
        for code in codes.iter().take(3) {
            v.get_customer(&ctx(), code, Some("support")).await.unwrap();
        }
        let found = v.find(&ctx(), "beta", "email", "ada1@example.com").await.unwrap();
        assert_eq!(found, vec![codes[1].clone()]);
        let change = vec![("email".to_owned(), Some("ada.new@example.com".to_owned()))];
        v.update_customer(&ctx(), &codes[0], &change).await.unwrap();
        let sealed = v.seal_people_secret(b"totp", b"a totp secret").unwrap();
        v.open_people_secret(b"totp", &sealed).unwrap();
        v.audit_verify(None).await.unwrap();
        v.audit_checkpoint().await.unwrap();
        drop(v.audit_verification_key(&ctx()).await.unwrap());
        codes
    })
    .await
    .unwrap();

    // The keys stay the same from one unseal to the next.
    let mut mask = [0u8; 32];
    fill_random(&mut mask).unwrap();
    let keys = vault.test_hook_masked_keys(&mask).await.unwrap();
    // root, audit, people secret, and two keys for each of the two groups
    assert_eq!(keys.len(), 3 + 2 * 2, "{:?}", keys.iter().map(|(l, _)| l).collect::<Vec<_>>());
    let needles: Vec<Needle> =
        keys.into_iter().map(|(label, masked)| Needle { label, mask, masked }).collect();
    mask.zeroize();
    let v = Arc::clone(&vault);
    tokio::spawn(async move { v.seal(&ctx()).await.unwrap() }).await.unwrap();

    unseal(&vault, shares).await;
    let v = Arc::clone(&vault);
    tokio::spawn(async move {
        v.get_customer(&ctx(), &codes[1], None).await.unwrap();
    })
    .await
    .unwrap();

    let v = Arc::clone(&vault);
    tokio::spawn(async move { v.seal(&ctx()).await.unwrap() }).await.unwrap();
    assert!(vault.seal_status().unwrap().sealed);

    // Sealing drops the keys at once; rounds of work that were still winding down (an
    // audit writer's round, a read round) may hold them a moment longer.
    let mut hits = Vec::new();
    for _ in 0..20 {
        hits = search_memory(&needles);
        if hits.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(hits.is_empty(), "{} key copies left in memory after seal:\n{}", hits.len(), hits.join("\n"));
    // And the search really sees this process's memory: a masked key is found.
    let probe = needles[0].masked;
    let seen = search_memory(&[Needle { label: "probe".into(), mask: [0; 32], masked: probe }]);
    assert!(!seen.is_empty(), "the memory search finds nothing at all");
    drop(vault);
    drop(backend);
}

/// Issue 21, item 3: locking a group drops its keys (every KEK version, the derivation
/// key, the blind-index keys); the other groups keep theirs; unlocking loads them again
/// from the keyring.
async fn locked_group_leaves_no_key_in_memory<B: Backend>(b: B) {
    let tv = common::sealed(b, 1, 1).await;
    let TestVault { vault, shares, backend } = tv;
    let vault = Arc::new(vault);
    unseal(&vault, &shares[..1]).await;
    let v = Arc::clone(&vault);
    let code = tokio::spawn(async move {
        let mut codes = Vec::new();
        for g in ["alpha", "beta"] {
            v.create_group(&ctx(), g).await.unwrap();
            let item = fields(&[("full_name", "Ada Lovelace"), ("email", &format!("ada@{g}.example"))]);
            codes.push(v.create_customer(&ctx(), g, &item).await.unwrap());
        }
        v.get_customer(&ctx(), &codes[1], Some("support")).await.unwrap();
        v.find(&ctx(), "beta", "email", "ada@beta.example").await.unwrap();
        v.rotate_group_key(&ctx(), "beta").await.unwrap(); // two KEK versions
        codes.swap_remove(1)
    })
    .await
    .unwrap();
    let (held, _) = vault.test_hook_group_keys_held("beta").unwrap();
    assert!(held >= 3, "beta holds {held} keys before the lock");

    let mut mask = [0u8; 32];
    fill_random(&mut mask).unwrap();
    let keys = vault.test_hook_masked_keys(&mask).await.unwrap();
    let (beta, alpha): (Vec<_>, Vec<_>) = keys
        .into_iter()
        .filter(|(l, _)| l.starts_with("group "))
        .map(|(label, masked)| Needle { label, mask, masked })
        .partition(|n| n.label.starts_with("group beta "));
    mask.zeroize();
    assert_eq!(beta.len(), 3, "two KEK versions and the derivation key");
    assert!(found_soon(&beta).await, "beta's keys are held while it is open");

    let v = Arc::clone(&vault);
    tokio::spawn(async move { v.set_group_locked(&ctx(), "beta", true).await.unwrap() }).await.unwrap();
    assert_eq!(vault.test_hook_group_keys_held("beta").unwrap().0, 0, "a locked group holds no key object");
    let mut hits = Vec::new();
    for _ in 0..20 {
        hits = search_memory(&beta);
        if hits.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        hits.is_empty(),
        "{} copies of beta's keys left after the lock:\n{}",
        hits.len(),
        hits.join("\n")
    );
    // The search sees group keys: alpha's, still open, are found.
    assert!(found_soon(&alpha).await, "alpha's keys are not found: the search sees nothing");
    // Locked: reads refused, and no background work reloads the keys.
    let v = Arc::clone(&vault);
    let c = code.clone();
    let refused = tokio::spawn(async move { v.get_customer(&ctx(), &c, None).await }).await.unwrap();
    assert!(matches!(refused, Err(sekretess_core::VaultError::GroupLocked(_))), "{refused:?}");
    vault.rewrap_step().await.unwrap();
    assert_eq!(vault.test_hook_group_keys_held("beta").unwrap().0, 0);

    // Unlocking loads them again from the keyring.
    let v = Arc::clone(&vault);
    tokio::spawn(async move { v.set_group_locked(&ctx(), "beta", false).await.unwrap() }).await.unwrap();
    assert_eq!(vault.test_hook_group_keys_held("beta").unwrap().0, held);
    let v = Arc::clone(&vault);
    let got = tokio::spawn(async move { v.get_customer(&ctx(), &code, None).await.unwrap() }).await.unwrap();
    assert!(!got.fields.is_empty());
    drop(vault);
    drop(backend);
}

/// A key to look for, held only as `key ^ mask`.
struct Needle {
    label: String,
    mask: [u8; 32],
    masked: [u8; 32],
}

impl Needle {
    fn first_byte(&self) -> u8 {
        self.mask[0] ^ self.masked[0]
    }

    fn is_at(&self, window: &[u8]) -> bool {
        window.len() >= 32 && (0..32).all(|i| window[i] ^ self.mask[i] == self.masked[i])
    }
}

const CHUNK: usize = 1 << 20;

/// Whether a search finds `needles` within 2 s: a scan can race the other threads (a region
/// read fails, or a buffer moves while it is read), so one miss is not an answer.
async fn found_soon(needles: &[Needle]) -> bool {
    for _ in 0..20 {
        if !search_memory(needles).is_empty() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Where in this process's readable memory any needle occurs, one line per copy.
fn search_memory(needles: &[Needle]) -> Vec<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let mem = File::open("/proc/self/mem").unwrap();
    let mut buf = vec![0u8; CHUNK + 31];
    let mut hits = Vec::new();
    for line in maps.lines() {
        let mut parts = line.split_whitespace();
        let (Some(range), Some(perms)) = (parts.next(), parts.next()) else { continue };
        let name = line.split_whitespace().nth(5).unwrap_or("");
        if !perms.starts_with('r') || name.starts_with("[vvar") || name == "[vsyscall]" {
            continue;
        }
        let Some((start, end)) = range.split_once('-') else { continue };
        let (Ok(start), Ok(end)) = (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16)) else {
            continue;
        };
        let mut at = start;
        while at < end {
            let len = (CHUNK as u64 + 31).min(end - at) as usize;
            let n = match mem.read_at(&mut buf[..len], at) {
                Ok(n) if n > 0 => n,
                _ => break, // unmapped meanwhile, or not readable after all
            };
            let window = &buf[..n];
            for needle in needles {
                for pos in memchr::memchr_iter(needle.first_byte(), window) {
                    if needle.is_at(&window[pos..]) {
                        hits.push(format!("{} at {:#x} in {line}", needle.label, at + pos as u64));
                    }
                }
            }
            at += CHUNK as u64;
        }
    }
    buf.zeroize();
    hits
}
