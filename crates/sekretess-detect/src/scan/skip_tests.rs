//! The scanner's eight-byte skip must never pass a byte its class table does not skip.

use super::{C_SKIP, CLASS, all_skip};

#[test]
fn all_skip_passes_only_skipped_bytes() {
    const L: u64 = 0x0101_0101_0101_0101;
    for b in 0..=255u8 {
        let skip = CLASS[usize::from(b)] == C_SKIP;
        // Alone among lower-case letters, at every position.
        for k in 0..8 {
            let mut a = *b"abcdefgh";
            a[k] = b;
            assert!(skip || !all_skip(u64::from_le_bytes(a)), "byte {b:#04x} at {k}");
        }
        assert!(skip || !all_skip(u64::from(b) * L), "byte {b:#04x}");
    }
    // Text that is all skipped passes (lower case, spaces, most punctuation).
    for s in [b"the team", b"sent to ", b"a.b,c-d/", b"x_y\\{|}~"] {
        assert!(all_skip(u64::from_le_bytes(*s)), "{s:?}");
    }
}
