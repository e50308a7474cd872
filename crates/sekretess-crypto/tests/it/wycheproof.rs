//! Project Wycheproof vectors (`wycheproof/*.json`, schemas in `wycheproof/schemas/`).
//!
//! Result semantics (Wycheproof): `valid` must succeed and match; `invalid` must be rejected;
//! `acceptable` may go either way (the flags say why). None of the four files used here has
//! an `acceptable` test today. Our choice if one appears: either outcome passes, but a
//! decryption/unwrap that *succeeds* must give exactly the expected message, and a
//! computation that succeeds must match the expected output. Such tests are counted apart
//! and do not count towards the minimums below.
//!
//! Every test asserts that all vectors of the file were visited (`numberOfTests`) and that
//! at least the expected number were exercised in each category, so an empty or filtered
//! set cannot pass silently.

use sekretess_crypto::CryptoError;
use sekretess_crypto::envelope::{aes_gcm_open, aes_gcm_seal};
use sekretess_crypto::kdf::hkdf_sha256;
use sekretess_crypto::keywrap::{kwp_unwrap, kwp_wrap};
use sekretess_crypto::mac::{hmac_sha256, hmac_sha256_verify};
use serde::Deserialize;

use crate::common::{hex, load_json};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct File<G> {
    algorithm: String,
    number_of_tests: usize,
    test_groups: Vec<G>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
enum Expect {
    Valid,
    Invalid,
    Acceptable,
}

/// How many vectors went through each path.
#[derive(Default, Debug)]
struct Tally {
    valid: usize,
    invalid: usize,
    acceptable: usize,
    /// Vectors with parameters the wrapper does not support, checked to be refused.
    refused: usize,
}

impl Tally {
    fn count(&mut self, expect: Expect) {
        match expect {
            Expect::Valid => self.valid += 1,
            Expect::Invalid => self.invalid += 1,
            Expect::Acceptable => self.acceptable += 1,
        }
    }

    fn total(&self) -> usize {
        self.valid + self.invalid + self.acceptable + self.refused
    }

    /// Every vector visited, and at least the given numbers exercised.
    fn check(
        &self,
        name: &str,
        number_of_tests: usize,
        min_valid: usize,
        min_invalid: usize,
        min_refused: usize,
    ) {
        eprintln!("{name}: {self:?} of {number_of_tests} vectors");
        assert_eq!(self.total(), number_of_tests, "{name}: not every vector was visited: {self:?}");
        assert!(
            self.valid >= min_valid,
            "{name}: only {} valid vectors exercised (want >= {min_valid})",
            self.valid
        );
        assert!(
            self.invalid >= min_invalid,
            "{name}: only {} invalid vectors exercised (want >= {min_invalid})",
            self.invalid
        );
        assert!(
            self.refused >= min_refused,
            "{name}: only {} unsupported-parameter vectors checked (want >= {min_refused})",
            self.refused
        );
    }
}

fn is_invalid_parameter<T>(r: &Result<T, CryptoError>) -> bool {
    matches!(r, Err(CryptoError::InvalidParameter(_)))
}

// ---------------------------------------------------------------------------------------
// AES-GCM

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AeadGroup {
    key_size: usize,
    iv_size: usize,
    tag_size: usize,
    tests: Vec<AeadTest>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AeadTest {
    tc_id: u32,
    comment: String,
    flags: Vec<String>,
    key: String,
    iv: String,
    aad: String,
    msg: String,
    ct: String,
    tag: String,
    result: Expect,
}

#[test]
fn aes_gcm() {
    let file: File<AeadGroup> = load_json("wycheproof/aes_gcm_test.json");
    assert_eq!(file.algorithm, "AES-GCM");
    let mut n = Tally::default();
    let mut modified_tags = 0;
    for g in &file.test_groups {
        // The wrapper supports AES-128/256-GCM with a 96-bit nonce and a 128-bit tag.
        let supported = matches!(g.key_size, 128 | 256) && g.iv_size == 96 && g.tag_size == 128;
        for t in &g.tests {
            let id = format!("aes_gcm tcId {} ({}, flags {:?})", t.tc_id, t.comment, t.flags);
            let (key, iv, aad, msg) = (hex(&t.key), hex(&t.iv), hex(&t.aad), hex(&t.msg));
            let ct_tag = [hex(&t.ct), hex(&t.tag)].concat();
            assert_eq!(key.len() * 8, g.key_size, "{id}: key size differs from its group");
            assert_eq!(iv.len() * 8, g.iv_size, "{id}: IV size differs from its group");
            assert_eq!(hex(&t.tag).len() * 8, g.tag_size, "{id}: tag size differs from its group");

            if !supported {
                // Never accepted, whatever the expected result: both directions refuse the
                // parameters with InvalidParameter (not Integrity, not success).
                let sealed = aes_gcm_seal(&key, &iv, &aad, &msg);
                assert!(is_invalid_parameter(&sealed), "{id}: seal must refuse {g_desc}", g_desc = desc(g));
                let opened = aes_gcm_open(&key, &iv, &aad, &ct_tag);
                assert!(is_invalid_parameter(&opened), "{id}: open must refuse {g_desc}", g_desc = desc(g));
                n.refused += 1;
                continue;
            }

            let opened = aes_gcm_open(&key, &iv, &aad, &ct_tag);
            let sealed = aes_gcm_seal(&key, &iv, &aad, &msg);
            match t.result {
                Expect::Valid => {
                    let pt = opened.unwrap_or_else(|e| panic!("{id}: open failed: {e:?}"));
                    assert_eq!(pt.as_slice(), msg.as_slice(), "{id}: wrong plaintext");
                    let sealed = sealed.unwrap_or_else(|e| panic!("{id}: seal failed: {e:?}"));
                    assert_eq!(sealed, ct_tag, "{id}: seal with the vector's nonce gave another ct||tag");
                }
                Expect::Invalid => {
                    assert_eq!(
                        opened.err(),
                        Some(CryptoError::Integrity),
                        "{id}: invalid ciphertext accepted"
                    );
                    // Our own encryption of msg must not be the ciphertext Wycheproof calls invalid.
                    assert_ne!(sealed.ok(), Some(ct_tag), "{id}: seal produced an invalid ciphertext");
                    if t.flags.iter().any(|f| f == "ModifiedTag") {
                        modified_tags += 1;
                    }
                }
                Expect::Acceptable => {
                    if let Ok(pt) = opened {
                        assert_eq!(pt.as_slice(), msg.as_slice(), "{id}: acceptable vector opened wrongly");
                    }
                }
            }
            n.count(t.result);
        }
    }
    // Supported today: 79 valid and 54 invalid (ModifiedTag) vectors; 183 with a 192-bit key
    // or a non-96-bit IV (including the invalid zero-length IVs) must be refused.
    n.check("aes_gcm_test.json", file.number_of_tests, 79, 54, 183);
    assert!(modified_tags >= 54, "only {modified_tags} ModifiedTag vectors exercised");
}

fn desc(g: &AeadGroup) -> String {
    format!("key {} / IV {} / tag {} bits", g.key_size, g.iv_size, g.tag_size)
}

// ---------------------------------------------------------------------------------------
// AES-KWP (RFC 5649)

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeywrapGroup {
    key_size: usize,
    tests: Vec<KeywrapTest>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeywrapTest {
    tc_id: u32,
    comment: String,
    flags: Vec<String>,
    key: String,
    msg: String,
    ct: String,
    result: Expect,
}

#[test]
fn aes_kwp() {
    let file: File<KeywrapGroup> = load_json("wycheproof/aes_kwp_test.json");
    assert_eq!(file.algorithm, "AES-KWP");
    let mut n = Tally::default();
    for g in &file.test_groups {
        let supported = matches!(g.key_size, 128 | 256);
        for t in &g.tests {
            let id = format!("aes_kwp tcId {} ({}, flags {:?})", t.tc_id, t.comment, t.flags);
            let (key, msg, ct) = (hex(&t.key), hex(&t.msg), hex(&t.ct));
            assert_eq!(key.len() * 8, g.key_size, "{id}: KEK size differs from its group");

            if !supported {
                assert!(
                    is_invalid_parameter(&kwp_wrap(&key, &msg)),
                    "{id}: wrap must refuse a {}-bit KEK",
                    g.key_size
                );
                assert!(
                    is_invalid_parameter(&kwp_unwrap(&key, &ct)),
                    "{id}: unwrap must refuse a {}-bit KEK",
                    g.key_size
                );
                n.refused += 1;
                continue;
            }

            let unwrapped = kwp_unwrap(&key, &ct);
            let wrapped = kwp_wrap(&key, &msg);
            match t.result {
                Expect::Valid => {
                    let wrapped = wrapped.unwrap_or_else(|e| panic!("{id}: wrap failed: {e:?}"));
                    assert_eq!(wrapped, ct, "{id}: wrong wrapped key");
                    let pt = unwrapped.unwrap_or_else(|e| panic!("{id}: unwrap failed: {e:?}"));
                    assert_eq!(pt.as_slice(), msg.as_slice(), "{id}: wrong unwrapped key");
                }
                Expect::Invalid => {
                    assert_eq!(
                        unwrapped.err(),
                        Some(CryptoError::Integrity),
                        "{id}: invalid wrapping accepted"
                    );
                    assert_ne!(wrapped.ok(), Some(ct), "{id}: wrap produced an invalid wrapping");
                }
                Expect::Acceptable => {
                    if let Ok(pt) = unwrapped {
                        assert_eq!(
                            pt.as_slice(),
                            msg.as_slice(),
                            "{id}: acceptable vector unwrapped wrongly"
                        );
                    }
                }
            }
            n.count(t.result);
        }
    }
    // Supported today: 50 valid, 119 invalid (128 and 256-bit KEKs); 85 with a 192-bit KEK.
    n.check("aes_kwp_test.json", file.number_of_tests, 50, 119, 85);
}

// ---------------------------------------------------------------------------------------
// HKDF-SHA256

#[derive(Deserialize)]
struct HkdfGroup {
    tests: Vec<HkdfTest>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HkdfTest {
    tc_id: u32,
    comment: String,
    flags: Vec<String>,
    ikm: String,
    salt: String,
    info: String,
    size: usize,
    okm: String,
    result: Expect,
}

#[test]
fn hkdf_sha256_vectors() {
    let file: File<HkdfGroup> = load_json("wycheproof/hkdf_sha256_test.json");
    assert_eq!(file.algorithm, "HKDF-SHA-256");
    let mut n = Tally::default();
    let mut max_size = 0;
    for g in &file.test_groups {
        for t in &g.tests {
            let id = format!("hkdf tcId {} ({}, flags {:?})", t.tc_id, t.comment, t.flags);
            let out = hkdf_sha256(&hex(&t.ikm), &hex(&t.salt), &hex(&t.info), t.size);
            match t.result {
                Expect::Valid => {
                    let okm = out.unwrap_or_else(|e| panic!("{id}: failed: {e:?}"));
                    assert_eq!(okm.as_slice(), hex(&t.okm).as_slice(), "{id}: wrong OKM");
                    max_size = max_size.max(t.size);
                }
                Expect::Invalid => {
                    assert!(is_invalid_parameter(&out), "{id}: size {} must be an error", t.size);
                }
                Expect::Acceptable => {
                    if let Ok(okm) = out {
                        assert_eq!(okm.as_slice(), hex(&t.okm).as_slice(), "{id}: wrong OKM");
                    }
                }
            }
            n.count(t.result);
        }
    }
    // 83 valid (up to the maximal 255 * 32 bytes) and 3 invalid (SizeTooLarge).
    n.check("hkdf_sha256_test.json", file.number_of_tests, 83, 3, 0);
    assert_eq!(max_size, 255 * 32, "the maximal output size was not exercised");
}

// ---------------------------------------------------------------------------------------
// HMAC-SHA256

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MacGroup {
    key_size: usize,
    tag_size: usize,
    tests: Vec<MacTest>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MacTest {
    tc_id: u32,
    comment: String,
    flags: Vec<String>,
    key: String,
    msg: String,
    tag: String,
    result: Expect,
}

#[test]
fn hmac_sha256_vectors() {
    let file: File<MacGroup> = load_json("wycheproof/hmac_sha256_test.json");
    assert_eq!(file.algorithm, "HMACSHA256");
    let mut n = Tally::default();
    let (mut full, mut truncated) = (0, 0);
    for g in &file.test_groups {
        for t in &g.tests {
            let id = format!("hmac tcId {} ({}, flags {:?})", t.tc_id, t.comment, t.flags);
            let (key, msg, tag) = (hex(&t.key), hex(&t.msg), hex(&t.tag));
            assert_eq!(key.len() * 8, g.key_size, "{id}: key size differs from its group");
            assert_eq!(tag.len() * 8, g.tag_size, "{id}: tag size differs from its group");
            let computed = hmac_sha256(&key, &msg);
            let verified = hmac_sha256_verify(&key, &msg, &tag);
            match t.result {
                Expect::Valid => {
                    assert_eq!(verified, Ok(()), "{id}: valid tag rejected");
                    // Full tags compare whole; truncated tags are the leading bytes.
                    assert_eq!(&computed[..tag.len()], tag.as_slice(), "{id}: wrong HMAC");
                    if tag.len() == computed.len() {
                        full += 1;
                    } else {
                        truncated += 1;
                    }
                }
                Expect::Invalid => {
                    assert_eq!(verified, Err(CryptoError::Integrity), "{id}: modified tag accepted");
                    assert_ne!(&computed[..tag.len()], tag.as_slice(), "{id}: HMAC equals an invalid tag");
                }
                Expect::Acceptable => {}
            }
            n.count(t.result);
        }
    }
    // 66 valid (33 full 256-bit tags, 33 truncated to 128 bits) and 108 modified tags.
    n.check("hmac_sha256_test.json", file.number_of_tests, 66, 108, 0);
    assert!(full >= 33 && truncated >= 33, "full {full} / truncated {truncated} valid tags exercised");
}
