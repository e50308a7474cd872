//! RFC 6238 (TOTP) and RFC 9106 (Argon2id) known answers through the project's wrappers.

use sekretess_crypto::password::{PasswordParams, Verified, argon2id_raw, verify_password};
use sekretess_crypto::totp::{TotpSecret, code_at, verify};
use serde::Deserialize;

use crate::common::{hex, load_json};

#[derive(Deserialize)]
struct Totp {
    step_seconds: u64,
    digits: usize,
    seeds_ascii: std::collections::HashMap<String, String>,
    vectors: Vec<TotpVector>,
}

#[derive(Deserialize)]
struct TotpVector {
    unix_time: u64,
    mode: String,
    totp: String,
}

#[test]
fn rfc6238_totp() {
    let data: Totp = load_json("rfc/rfc6238_totp.json");
    assert_eq!((data.step_seconds, data.digits), (30, 8));
    assert_eq!(data.vectors.len(), 18);
    for v in &data.vectors {
        let seed = data.seeds_ascii[&v.mode].as_bytes();
        assert_eq!(
            code_at(seed, &v.mode, data.digits, v.unix_time).unwrap(),
            v.totp,
            "{} at {}",
            v.mode,
            v.unix_time
        );
        // The login check (SHA-1, 6 digits) accepts the last six digits of the SHA-1 vector,
        // and never the same step twice.
        if v.mode == "SHA1" {
            let secret = TotpSecret::from_bytes(seed);
            let six = &v.totp[2..];
            let step = verify(&secret, six, v.unix_time, None).unwrap();
            assert_eq!(step, v.unix_time / 30);
            assert!(verify(&secret, six, v.unix_time, Some(step)).is_err(), "replay accepted");
        }
    }
}

#[derive(Deserialize)]
struct Argon2File {
    common: Argon2Common,
    tags: std::collections::HashMap<String, String>,
    phc_interop: Phc,
}

#[derive(Deserialize)]
struct Argon2Common {
    password_hex: String,
    salt_hex: String,
    secret_hex: String,
    associated_data_hex: String,
    memory_kib: u32,
    passes: u32,
    lanes: u32,
    tag_length: usize,
}

#[derive(Deserialize)]
struct Phc {
    encoded: String,
}

#[test]
fn rfc9106_argon2id() {
    let f: Argon2File = load_json("rfc/rfc9106_argon2.json");
    let c = &f.common;
    let params = PasswordParams { memory_kib: c.memory_kib, iterations: c.passes, parallelism: c.lanes };
    let tag = argon2id_raw(
        &hex(&c.password_hex),
        &hex(&c.salt_hex),
        &hex(&c.secret_hex),
        &hex(&c.associated_data_hex),
        params,
        c.tag_length,
    )
    .unwrap();
    assert_eq!(tag, hex(&f.tags["argon2id"]));

    // The PHC interop string verifies with the parameters written in it, and asks for a
    // rehash because they are not ours.
    let ours = PasswordParams::default();
    assert_eq!(verify_password("password", &f.phc_interop.encoded, ours), Ok(Verified::NeedsRehash));
    assert!(verify_password("passwore", &f.phc_interop.encoded, ours).is_err());
    let theirs = PasswordParams { memory_kib: 65536, iterations: 2, parallelism: 1 };
    assert_eq!(verify_password("password", &f.phc_interop.encoded, theirs), Ok(Verified::Current));
}
