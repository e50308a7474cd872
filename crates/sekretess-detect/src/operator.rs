//! Operators: what a finding is replaced with.

use std::fmt;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Label;

/// The mask character.
pub const MASK: char = '█';

/// A hook for replacements decided outside this crate (the vault substitutes customer codes
/// and tokens). Return `None` to fall back to the default operator.
pub trait Replacer: Send + Sync {
    /// The replacement for `value`, found as `label`.
    fn replace(&self, label: Label, value: &str) -> Option<String>;
}

/// How a finding is replaced.
#[derive(Clone)]
#[non_exhaustive]
pub enum Operator {
    /// `█` for every character.
    Mask,
    /// A fixed string, e.g. `[REDACTED]`.
    Fixed(String),
    /// Keep the last 4 letters or digits and mask the others (separators are kept). A card
    /// number may also keep its first 6 digits when `card_first6` is set; never more.
    Partial {
        /// Keep the issuer's first 6 digits of a card number (PCI DSS's maximum).
        card_first6: bool,
    },
    /// `[LABEL]`.
    Label,
    /// `[LABEL:hex]`, HMAC-SHA-256 of the value under the key in [`crate::Options`],
    /// truncated to 16 hex digits. The same value gives the same hash under the same key.
    Hash,
    /// Leave the value as it is (findings are still reported).
    Keep,
    /// Ask the hook; if it declines, mask.
    Custom(Arc<dyn Replacer>),
}

impl fmt::Debug for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operator::Mask => f.write_str("Mask"),
            Operator::Fixed(_) => f.write_str("Fixed(..)"),
            Operator::Partial { card_first6 } => write!(f, "Partial {{ card_first6: {card_first6} }}"),
            Operator::Label => f.write_str("Label"),
            Operator::Hash => f.write_str("Hash"),
            Operator::Keep => f.write_str("Keep"),
            Operator::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// The operator named on a command line: `mask`, `partial`, `partial6`, `label`, `hash`,
/// `keep`, or `fixed:TEXT`.
impl std::str::FromStr for Operator {
    type Err = crate::DetectError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "mask" => Operator::Mask,
            "partial" => Operator::Partial { card_first6: false },
            "partial6" => Operator::Partial { card_first6: true },
            "label" => Operator::Label,
            "hash" => Operator::Hash,
            "keep" => Operator::Keep,
            _ => match s.strip_prefix("fixed:") {
                Some(text) => Operator::Fixed(text.to_owned()),
                None => return Err(crate::DetectError::UnknownOperator),
            },
        })
    }
}

fn mask_chars(value: &str, out: &mut String) {
    for _ in value.chars() {
        out.push(MASK);
    }
}

fn partial(value: &str, label: Label, card_first6: bool, out: &mut String) {
    let alnum = value.chars().filter(|c| c.is_alphanumeric()).count();
    let keep_last = if alnum >= 8 { 4 } else { 0 };
    let keep_first = if label == Label::CardNumber && card_first6 && alnum >= 13 { 6 } else { 0 };
    let mut seen = 0usize;
    for c in value.chars() {
        if c.is_alphanumeric() {
            seen += 1;
            if seen <= keep_first || seen > alnum - keep_last {
                out.push(c);
            } else {
                out.push(MASK);
            }
        } else {
            out.push(c);
        }
    }
}

fn hash(value: &str, label: Label, key: &[u8], out: &mut String) {
    out.push('[');
    out.push_str(label.as_str());
    out.push(':');
    match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(label.as_str().as_bytes());
            mac.update(&[0]);
            mac.update(value.as_bytes());
            let tag = mac.finalize().into_bytes();
            for b in tag.iter().take(8) {
                out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
                out.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
            }
        }
        Err(_) => out.push_str("????????????????"),
    }
    out.push(']');
}

impl Operator {
    /// The replacement of `value` found as `label`, as this operator writes it in text
    /// (`hash_key` for [`Operator::Hash`]). For hooks that decline some values and want
    /// the operator they stand in for to replace those.
    pub fn replacement(&self, value: &str, label: Label, hash_key: &[u8]) -> String {
        let mut out = String::with_capacity(value.len() + 8);
        self.apply(value, label, hash_key, &mut out);
        out
    }

    /// Append the replacement of `value` to `out`.
    /// A customer code is always kept: it is a pseudonym, not personal data.
    pub(crate) fn apply(&self, value: &str, label: Label, hash_key: &[u8], out: &mut String) {
        if label == Label::CustomerCode {
            out.push_str(value);
            return;
        }
        match self {
            Operator::Mask => mask_chars(value, out),
            Operator::Fixed(s) => out.push_str(s),
            Operator::Partial { card_first6 } => partial(value, label, *card_first6, out),
            Operator::Label => {
                out.push('[');
                out.push_str(label.as_str());
                out.push(']');
            }
            Operator::Hash => hash(value, label, hash_key, out),
            Operator::Keep => out.push_str(value),
            Operator::Custom(hook) => match hook.replace(label, value) {
                Some(r) => out.push_str(&r),
                None => mask_chars(value, out),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(op: &Operator, v: &str, l: Label) -> String {
        let mut s = String::new();
        op.apply(v, l, b"k", &mut s);
        s
    }

    #[test]
    fn partial_card() {
        let p = Operator::Partial { card_first6: true };
        assert_eq!(run(&p, "4111 1111 1111 1111", Label::CardNumber), "4111 11██ ████ 1111");
        let p = Operator::Partial { card_first6: false };
        assert_eq!(run(&p, "4111-1111-1111-1111", Label::CardNumber), "████-████-████-1111");
        assert_eq!(run(&p, "880320-0016", Label::SePersonnummer), "██████-0016");
    }

    #[test]
    fn label_and_hash() {
        assert_eq!(run(&Operator::Label, "x", Label::Iban), "[IBAN]");
        let h = run(&Operator::Hash, "a@b.se", Label::Email);
        assert!(h.starts_with("[EMAIL:") && h.len() == "[EMAIL:]".len() + 16);
        assert_eq!(h, run(&Operator::Hash, "a@b.se", Label::Email));
    }
}
