//! Shamir unseal shares: exhaustive split/combine over small (k, n), the k-1 refusal, the
//! text form, and single-character damage.
//!
//! The share checksum starts with the XOR of the value symbols, so every single-symbol
//! change in the value or the checksum is *guaranteed* to be reported as damage; both the
//! fixed known-answer shares and freshly split ones are checked strictly.

use sekretess_crypto::shamir::{Share, ShareError, combine, split};
use sekretess_crypto::{CryptoError, Key32};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const VALUE_SYMBOLS: usize = 52;
const CHECK_SYMBOLS: usize = 4;

/// Fixed 3-of-5 shares of [`kat_secret`] with key id "KAT01", made once by `split` +
/// `to_text`. A change to the text format, the checksum or vsss-rs's GF(256) share layout
/// breaks this test (and would strand every share already handed out).
const KAT_SHARES: [&str; 5] = [
    "SEK1-3-1-9D0N8C1H-C8ZA-6ECW-K5F7-8Q01-KS30-K55R-WJYM-M0ZZ-BRGR-EB71-5ZW9-J5CS-MFB0-YRHJ",
    "SEK1-3-2-9D0N8C1H-FY40-0491-A8Z3-FE6S-FWKP-DTRG-R10Z-RT6C-1XXH-CYF7-GEX1-1NDB-KDA0-GQ34",
    "SEK1-3-3-9D0N8C1H-Q073-SPKC-ZXNJ-VABR-CVXS-D8WV-6A4Z-XH5H-P2F4-MTRV-VGAJ-6JEY-ZEJ0-W59V",
    "SEK1-3-4-9D0N8C1H-5N20-Q34S-CGNQ-7KEJ-D61N-E66D-0QBW-T77R-7G19-A9WP-M809-HNQ0-4Q80-RKKE",
    "SEK1-3-5-9D0N8C1H-XB13-EHYM-S5Z6-KQ3K-E1FT-EM26-YWFW-ZC45-GFKW-JDBA-ZPQT-PJMN-8MG0-M2SF",
];

fn kat_secret() -> Key32 {
    Key32::from_bytes(std::array::from_fn(|i| (i as u8).wrapping_mul(0x1d) ^ 0xa5))
}

/// Subsets of `items` given by a bit mask, in index order.
fn subset(items: &[Share], mask: u32) -> Vec<Share> {
    items.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, s)| s.clone()).collect()
}

/// Byte offsets of the value and checksum symbols (everything after the fourth
/// dash-separated field: SEK1, threshold, index, key id), skipping the dashes.
fn body_positions(text: &str) -> Vec<usize> {
    let start = text.match_indices('-').nth(3).expect("share text has a key id field").0 + 1;
    let positions: Vec<usize> =
        text.char_indices().filter(|&(i, c)| i >= start && c != '-').map(|(i, _)| i).collect();
    assert_eq!(positions.len(), VALUE_SYMBOLS + CHECK_SYMBOLS, "unexpected share layout: {text}");
    positions
}

fn replace_at(text: &str, pos: usize, with: char) -> String {
    let mut s = String::with_capacity(text.len());
    s.push_str(&text[..pos]);
    s.push(with);
    s.push_str(&text[pos + 1..]);
    s
}

fn symbol_index(c: char) -> usize {
    ALPHABET.iter().position(|&a| a as char == c).unwrap_or_else(|| panic!("{c:?} is not a canonical symbol"))
}

#[test]
fn known_answer_shares() {
    let shares: Vec<Share> =
        KAT_SHARES.iter().map(|t| Share::parse(t).unwrap_or_else(|e| panic!("{t}: {e}"))).collect();
    for (i, (share, text)) in shares.iter().zip(KAT_SHARES).enumerate() {
        assert_eq!((share.index, share.threshold, share.key_id), (i as u8 + 1, 3, *b"KAT01"));
        assert_eq!(&*share.to_text(), text, "text form is stable");
    }
    let secret = kat_secret();
    for mask in 0u32..32 {
        let set = subset(&shares, mask);
        match set.len() {
            0..=2 => assert!(combine(&set).is_err(), "mask {mask:05b}: fewer than 3 shares combined"),
            _ => assert_eq!(combine(&set).unwrap(), secret, "mask {mask:05b}"),
        }
    }
}

/// Every single-symbol change in the value or checksum of the fixed shares, to every other
/// symbol of the alphabet and to a few characters outside it, is reported as damage.
#[test]
fn known_answer_shares_every_single_change_is_damage() {
    let mut checked = 0;
    for text in KAT_SHARES {
        for pos in body_positions(text) {
            let original = symbol_index(text[pos..].chars().next().unwrap());
            let others = (0..32).filter(|&v| v != original).map(|v| ALPHABET[v] as char);
            for with in others.chain(['U', '*', '#', 'é']) {
                let changed = replace_at(text, pos, with);
                let parsed = Share::parse(&changed).map(|s| s.to_text());
                assert_eq!(parsed.err(), Some(ShareError::Damaged), "{changed}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, KAT_SHARES.len() * (VALUE_SYMBOLS + CHECK_SYMBOLS) * 35);
}

#[test]
fn split_combine_exhaustive() {
    let key_id = *b"VAULT";
    let mut combined_ok = 0;
    let mut below_threshold = 0;
    for n in 2u8..=7 {
        for k in 2u8..=n {
            let secret = Key32::generate().unwrap();
            let shares = split(&secret, key_id, k, n).unwrap();
            let ctx = format!("{k}-of-{n}");
            assert_eq!(shares.len(), usize::from(n), "{ctx}");
            let mut indices: Vec<u8> = shares.iter().map(|s| s.index).collect();
            indices.sort_unstable();
            indices.dedup();
            assert_eq!(indices.len(), usize::from(n), "{ctx}: share indices repeat");
            assert!(indices[0] >= 1, "{ctx}: index 0 would be the secret itself");
            assert!(shares.iter().all(|s| s.threshold == k && s.key_id == key_id), "{ctx}");

            for mask in 1u32..(1 << n) {
                let set = subset(&shares, mask);
                let size = set.len();
                if size >= usize::from(k) {
                    // Every k-subset (and every larger one) gives the secret, in any order.
                    assert_eq!(combine(&set).unwrap(), secret, "{ctx}: mask {mask:07b}");
                    let reversed: Vec<Share> = set.iter().rev().cloned().collect();
                    assert_eq!(combine(&reversed).unwrap(), secret, "{ctx}: mask {mask:07b} reversed");
                    combined_ok += 1;
                } else if size == usize::from(k) - 1 {
                    assert!(
                        matches!(combine(&set), Err(CryptoError::InvalidParameter(_))),
                        "{ctx}: mask {mask:07b}: k-1 shares must be refused"
                    );
                    // Lying about the threshold does not help: k-1 shares give some other key.
                    let forced: Vec<Share> = set
                        .iter()
                        .map(|s| {
                            let mut s = s.clone();
                            s.threshold = k - 1;
                            s
                        })
                        .collect();
                    if let Ok(key) = combine(&forced) {
                        assert_ne!(key, secret, "{ctx}: mask {mask:07b}: k-1 shares recovered the secret");
                    }
                    below_threshold += 1;
                }
            }
        }
    }
    // sum over n = 2..=7, k = 2..=n of the subsets with >= k members / with k-1 members.
    assert_eq!(combined_ok, 522);
    assert_eq!(below_threshold, 240);
}

#[test]
fn text_round_trip_and_single_changes() {
    let mut shares_checked = 0;
    let mut strict_changes = 0;
    let mut value_changes = 0;
    for n in 2u8..=7 {
        for k in 2u8..=n {
            let secret = Key32::generate().unwrap();
            let shares = split(&secret, *b"VAULT", k, n).unwrap();
            let mut parsed = Vec::new();
            for share in &shares {
                let text = share.to_text();
                let back =
                    Share::parse(&text).unwrap_or_else(|e| panic!("{k}-of-{n}: own text refused: {e}"));
                assert_eq!(
                    (back.index, back.threshold, back.key_id),
                    (share.index, share.threshold, share.key_id)
                );
                assert_eq!(*back.to_text(), *text);
                parsed.push(back);

                let positions = body_positions(&text);
                let (value_pos, check_pos) = positions.split_at(VALUE_SYMBOLS);
                for &pos in &positions {
                    let original = symbol_index(text[pos..].chars().next().unwrap());
                    let valid = [1, 16, 31].map(|d| ALPHABET[(original + d) % 32] as char);
                    for with in valid.into_iter().chain(['U', '*']) {
                        let changed = replace_at(&text, pos, with);
                        let result = Share::parse(&changed).map(|s| s.to_text());
                        assert_eq!(result.err(), Some(ShareError::Damaged), "{changed}");
                        if value_pos.contains(&pos) && ALPHABET.contains(&(with as u8)) {
                            value_changes += 1;
                        } else {
                            assert!(check_pos.contains(&pos) || !ALPHABET.contains(&(with as u8)));
                            strict_changes += 1;
                        }
                    }
                }
                shares_checked += 1;
            }
            // The parsed shares carry the same values: they combine to the secret.
            assert_eq!(
                combine(&parsed[..usize::from(k)]).unwrap(),
                secret,
                "{k}-of-{n} after text round trip"
            );
        }
    }
    assert_eq!(shares_checked, 112);
    assert_eq!(strict_changes, 112 * (VALUE_SYMBOLS * 2 + CHECK_SYMBOLS * 5));
    assert_eq!(value_changes, 112 * VALUE_SYMBOLS * 3);
}
