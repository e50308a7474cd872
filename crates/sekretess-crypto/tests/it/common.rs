//! Shared helpers: locating and loading test data, and a small hex decoder.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// The repository's `testdata/` folder (the crate is `crates/<name>`).
pub fn testdata_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Reads and parses one JSON file under the test data directory. Panics with the full path
/// when the file is missing, so a checkout without the test data fails loudly, not silently.
pub fn load_json<T: DeserializeOwned>(relative: &str) -> T {
    let path = testdata_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "test data file {} cannot be read ({e}); the known-answer vectors live in the \
             repository's testdata/ folder (see testdata/README.md)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

/// Decodes a hex string (either case, even length). Panics on anything else.
pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "hex string of odd length {}: {s:?}", s.len());
    s.as_bytes().chunks_exact(2).map(|pair| (nibble(pair[0]) << 4) | nibble(pair[1])).collect()
}

fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => panic!("not a hex digit: {:?}", c as char),
    }
}

#[test]
fn hex_decoder() {
    assert_eq!(hex(""), Vec::<u8>::new());
    assert_eq!(hex("00ff10Ab9c"), vec![0x00, 0xff, 0x10, 0xab, 0x9c]);
    assert!(std::panic::catch_unwind(|| hex("abc")).is_err());
    assert!(std::panic::catch_unwind(|| hex("0g")).is_err());
}
