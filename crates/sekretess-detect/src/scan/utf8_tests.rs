//! `char_at` decodes by hand and `Scanner::text_of` cuts slices from the validated text;
//! both must agree with `str::from_utf8` on every input.

use super::{Scanner, char_at};

/// The decoder `char_at` replaced: validate the sequence the lead byte announces.
fn reference(t: &[u8], i: usize) -> Option<(char, usize)> {
    let len = match *t.get(i)? {
        0..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(t.get(i..i + len)?).ok()?;
    s.chars().next().map(|c| (c, len))
}

/// Bytes at the edges of every range the decoder tests.
const EDGES: [u8; 16] =
    [0x00, 0x41, 0x7F, 0x80, 0x81, 0x8F, 0x90, 0x9F, 0xA0, 0xA5, 0xBF, 0xC0, 0xC3, 0xE0, 0xF4, 0xFF];

#[test]
fn char_at_agrees_with_from_utf8() {
    let mut n = 0usize;
    for lead in 0..=255u8 {
        for c1 in 0..=255u8 {
            // Every third byte after a three-byte lead; edge bytes otherwise.
            let thirds: Vec<u8> =
                if (0xE0..=0xEF).contains(&lead) { (0..=255).collect() } else { EDGES.to_vec() };
            for &c2 in &thirds {
                // A fourth byte only matters after a four-byte lead.
                let fourths: &[u8] = if lead >= 0xF0 { &EDGES } else { &[0x41, 0x80] };
                for &c3 in fourths {
                    let t = [b'x', lead, c1, c2, c3];
                    // Every truncation too (a sequence cut off at the end of the text).
                    for end in 2..=t.len() {
                        assert_eq!(char_at(&t[..end], 1), reference(&t[..end], 1), "{:02x?}", &t[..end]);
                        n += 1;
                    }
                }
            }
        }
    }
    assert!(n > 2_000_000);
    // Past the end.
    assert_eq!(char_at(b"ab", 2), None);
}

#[test]
fn text_of_agrees_with_from_utf8_on_every_slice() {
    let valid = "Åsa Öberg, 東京 \u{1F600} x\u{2588}y".as_bytes().to_vec();
    let mut invalid = valid.clone();
    invalid.insert(3, 0xC3);
    for t in [&valid, &invalid] {
        let sc = Scanner::new(t, std::str::from_utf8(t).ok(), None);
        for a in 0..=t.len() {
            for b in a..=t.len() {
                assert_eq!(sc.text_of(a, b), std::str::from_utf8(&t[a..b]).ok(), "{a}..{b}");
            }
        }
    }
}
