//! Glyph removal: the show operators holding found glyphs become `TJ` arrays without those
//! glyphs' bytes, each removed run replaced by a kerning number equal to minus its advance,
//! so that the glyphs after it stay where they were.

use lopdf::Object;
use lopdf::content::Operation;

use super::content::{Cut, Unit};
use crate::DetectError;

/// The unit's operations with its cuts, dropped and stripped operations applied, encoded.
pub(super) fn apply(u: &mut Unit) -> Result<Vec<u8>, DetectError> {
    let ops = std::mem::take(&mut u.ops);
    let mut cuts = std::mem::take(&mut u.cuts);
    cuts.sort_by_key(|c| (c.op, c.elem, c.byte));
    cuts.dedup_by(|a, b| (a.op, a.elem, a.byte) == (b.op, b.elem, b.byte));
    u.drop.sort_unstable();
    u.strip.sort_unstable();
    let mut out = Vec::with_capacity(ops.len() + 8);
    let mut c = 0;
    for (i, mut op) in ops.into_iter().enumerate() {
        if u.drop.binary_search(&i).is_ok() {
            continue;
        }
        if u.strip.binary_search(&i).is_ok()
            && let Some(Object::Dictionary(d)) = op.operands.get_mut(1)
        {
            for k in [&b"ActualText"[..], b"Alt", b"E"] {
                d.remove(k);
            }
        }
        while c < cuts.len() && cuts[c].op < i {
            c += 1;
        }
        let start = c;
        while c < cuts.len() && cuts[c].op == i {
            c += 1;
        }
        if start == c {
            out.push(op);
            continue;
        }
        show(op, &cuts[start..c], &mut out);
    }
    super::encode(out)
}

/// Rewrite one show operator without the glyphs in `cuts` (sorted).
fn show(op: Operation, cuts: &[Cut], out: &mut Vec<Operation>) {
    let Operation { operator, mut operands } = op;
    let elems = match operator.as_str() {
        "Tj" | "'" => {
            if operator == "'" {
                out.push(Operation::new("T*", vec![]));
            }
            operands.truncate(1);
            operands
        }
        "\"" => {
            // `aw ac string "` sets word and character spacing, then moves to the next line.
            let mut it = operands.into_iter();
            let (aw, ac, s) = (it.next(), it.next(), it.next());
            out.push(Operation::new("Tw", aw.into_iter().collect()));
            out.push(Operation::new("Tc", ac.into_iter().collect()));
            out.push(Operation::new("T*", vec![]));
            s.into_iter().collect()
        }
        "TJ" => match operands.into_iter().next() {
            Some(Object::Array(a)) => a,
            _ => Vec::new(),
        },
        _ => return,
    };
    let mut arr = Vec::with_capacity(elems.len() + 2 * cuts.len());
    let mut k = 0;
    for (e, item) in elems.into_iter().enumerate() {
        while k < cuts.len() && cuts[k].elem < e {
            k += 1;
        }
        let from = k;
        while k < cuts.len() && cuts[k].elem == e {
            k += 1;
        }
        match item {
            Object::String(bytes, fmt) if from < k => {
                let mut pos = 0;
                let mut pending = 0.0f32;
                for c in &cuts[from..k] {
                    if c.byte < pos || c.byte >= bytes.len() {
                        continue;
                    }
                    if c.byte > pos {
                        flush(&mut arr, &mut pending);
                        arr.push(Object::String(bytes[pos..c.byte].to_vec(), fmt));
                    }
                    pending += c.kern;
                    pos = (c.byte + c.len).min(bytes.len());
                }
                if pos < bytes.len() {
                    flush(&mut arr, &mut pending);
                    arr.push(Object::String(bytes[pos..].to_vec(), fmt));
                }
                flush(&mut arr, &mut pending);
            }
            item => arr.push(item),
        }
    }
    out.push(Operation::new("TJ", vec![Object::Array(arr)]));
}

fn flush(arr: &mut Vec<Object>, pending: &mut f32) {
    // A non-finite advance (a degenerate font size) has no PDF spelling: drop it.
    if *pending != 0.0 && pending.is_finite() {
        arr.push(Object::Real(*pending));
        *pending = 0.0;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use lopdf::StringFormat;

    fn s(b: &[u8]) -> Object {
        Object::String(b.to_vec(), StringFormat::Literal)
    }

    #[test]
    fn tj_becomes_tj_array_with_kerning_for_removed_glyphs() {
        let op = Operation::new("Tj", vec![s(b"ab1234cd")]);
        let cuts: Vec<Cut> = (2..6).map(|b| Cut { op: 0, elem: 0, byte: b, len: 1, kern: -500.0 }).collect();
        let mut out = Vec::new();
        show(op, &cuts, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].operator, "TJ");
        let arr = out[0].operands[0].as_array().unwrap();
        assert_eq!(arr.len(), 3);
        assert_eq!(arr[0].as_str().unwrap(), b"ab");
        assert_eq!(arr[1], Object::Real(-2000.0));
        assert_eq!(arr[2].as_str().unwrap(), b"cd");
    }

    #[test]
    fn quote_operators_keep_their_line_move_and_spacing() {
        let op = Operation::new("\"", vec![Object::Integer(2), Object::Integer(1), s(b"xy")]);
        let cuts = [Cut { op: 0, elem: 0, byte: 0, len: 1, kern: -600.0 }];
        let mut out = Vec::new();
        show(op, &cuts, &mut out);
        let names: Vec<&str> = out.iter().map(|o| o.operator.as_str()).collect();
        assert_eq!(names, ["Tw", "Tc", "T*", "TJ"]);
        let arr = out[3].operands[0].as_array().unwrap();
        assert_eq!(arr[0], Object::Real(-600.0));
        assert_eq!(arr[1].as_str().unwrap(), b"y");
    }

    #[test]
    fn tj_array_cuts_across_elements() {
        let op = Operation::new("TJ", vec![Object::Array(vec![s(b"41"), Object::Integer(-20), s(b"11 x")])]);
        let cuts = [
            Cut { op: 0, elem: 0, byte: 0, len: 1, kern: -500.0 },
            Cut { op: 0, elem: 0, byte: 1, len: 1, kern: -500.0 },
            Cut { op: 0, elem: 2, byte: 0, len: 1, kern: -500.0 },
            Cut { op: 0, elem: 2, byte: 1, len: 1, kern: -500.0 },
        ];
        let mut out = Vec::new();
        show(op, &cuts, &mut out);
        let arr = out[0].operands[0].as_array().unwrap();
        assert_eq!(arr, &vec![Object::Real(-1000.0), Object::Integer(-20), Object::Real(-1000.0), s(b" x")]);
    }
}
