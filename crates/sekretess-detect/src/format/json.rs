//! JSON documents and NDJSON lines: string values decoded, scanned with the key they sit
//! under as context, and written back with their escapes.

use super::*;

/// Decode a JSON string body (between the quotes). Returns the text and, when escapes were
/// present, a map from decoded byte offsets to raw offsets (relative to the body).
pub(super) fn json_decode(body: &[u8]) -> (Vec<u8>, Option<Vec<usize>>) {
    if memchr::memchr(b'\\', body).is_none() {
        return (body.to_vec(), None);
    }
    let mut s = Vec::with_capacity(body.len());
    let mut map = Vec::with_capacity(body.len() + 1);
    let mut k = 0;
    while k < body.len() {
        let b = body[k];
        if b != b'\\' {
            s.push(b);
            map.push(k);
            k += 1;
            continue;
        }
        let e = body.get(k + 1).copied().unwrap_or(b'\\');
        let simple = match e {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(c) = simple {
            s.push(c);
            map.push(k);
            k += 2;
            continue;
        }
        if e == b'u' {
            let hex = |at: usize| {
                body.get(at..at + 4)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
            };
            if let Some(u) = hex(k + 2) {
                let mut len = 6;
                let mut cp = u;
                if (0xD800..0xDC00).contains(&u)
                    && body.get(k + 6) == Some(&b'\\')
                    && body.get(k + 7) == Some(&b'u')
                    && let Some(lo) = hex(k + 8)
                    && (0xDC00..0xE000).contains(&lo)
                {
                    cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    len = 12;
                }
                let ch = char::from_u32(cp).unwrap_or('\u{FFFD}');
                let mut buf = [0u8; 4];
                for &b in ch.encode_utf8(&mut buf).as_bytes() {
                    s.push(b);
                    map.push(k);
                }
                k += len;
                continue;
            }
        }
        // Unknown escape: keep both bytes.
        s.push(b'\\');
        map.push(k);
        k += 1;
    }
    map.push(body.len());
    (s, Some(map))
}

fn json_encode(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1F => {
                out.extend_from_slice(b"\\u00");
                out.push(b"0123456789abcdef"[usize::from(b >> 4)]);
                out.push(b"0123456789abcdef"[usize::from(b & 15)]);
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// End of the JSON string whose opening quote is at `i` (index just past the closing quote).
fn json_string_end(t: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = memchr::memchr2(b'"', b'\\', t.get(j..)?)?;
        j += k;
        if t[j] == b'\\' {
            j += 2;
        } else {
            return Some(j + 1);
        }
    }
}

struct Frame {
    object: bool,
    key: Option<Label>,
    /// Under a key that names a thing, a place or an organisation ("venue", "devices"): a
    /// `name` there is not a person's.
    thing: bool,
    /// Under a key that names a business's or a public place ("hotel", "office", "bank"): an
    /// address there is not a person's.
    place: bool,
    /// The label a sibling field-name value gives ("fält": "kontonummer") to the value key
    /// after it ("värde": …): exports of forms write each field as a name/value pair.
    named: Option<Label>,
    /// A record named as a business or with an organisation number: its addresses, and those
    /// of the objects under its keys, are its own; not those of the records listed in its
    /// arrays ("ordrar": [{…}] of a supplier are its customers').
    business: bool,
    /// A record (or one under it) that names a person: a post-office box under its address
    /// keys is that person's own postal address.
    someone: bool,
}

/// What an object key says about the value after it.
#[derive(Default)]
struct KeyCue {
    /// The label the key names ("email", "firstName"), or that a name or birth object's part
    /// key inherits ("name": {"first": …}).
    label: Option<Label>,
    /// A version ("version", "fw_version", "build"): a dotted number there is no IP address.
    version: bool,
    /// An account ("actor", "owner"): a login handle there is a name.
    account: bool,
    /// A thing ("venue", "devices"): the objects under it are things.
    thing: bool,
    /// The name or title of a thing ("items": [{"name": "Greta sofa"}]): not a person's.
    thing_name: bool,
    /// A business's or public place's ("hotel", "office"): an address there is not a home.
    place: bool,
    /// A field's name ("field", "fält"): its value names the label of the value key.
    field_name: bool,
    /// A field's value ("value", "värde"): labelled by its sibling field name.
    field_value: bool,
    /// The kind of a record ("type", "typ"): a place's kind makes its addresses the place's.
    kind: bool,
}

impl KeyCue {
    /// The cues of key `k` inside the object `within`.
    fn of(k: &str, within: Option<&Frame>) -> KeyCue {
        let mut label = key_label(k).or_else(|| {
            within.and_then(|f| f.key).filter(|l| {
                (*l == Label::Person && crate::context::is_name_part_key(k))
                    || (*l == Label::DateOfBirth && crate::context::is_date_part_key(k))
            })
        });
        // A thing's or a place's own name ("hotel": {"name": …}, "pickup_point": {"namn": …})
        // is not a person's.
        if label == Some(Label::Person)
            && within.is_some_and(|f| f.object && (f.thing || f.place))
            && matches!(k.to_lowercase().as_str(), "name" | "namn" | "displayname" | "title")
        {
            label = None;
        }
        let thing_name = within.is_some_and(|f| f.object && f.thing)
            && matches!(
                k.to_lowercase().as_str(),
                "name"
                    | "namn"
                    | "displayname"
                    | "title"
                    | "titel"
                    | "description"
                    | "beskrivning"
                    | "benämning"
            );
        KeyCue {
            label,
            thing_name,
            version: crate::context::is_version_key(k),
            account: crate::names::account_key(k),
            thing: crate::names::thing_key(k),
            place: crate::context::is_place_key(k),
            field_name: matches!(
                k.to_lowercase().as_str(),
                "field" | "fält" | "falt" | "fieldname" | "field_name" | "fältnamn" | "faltnamn"
            ),
            // OCR exports name the recognised text of a field so ("ocr_text").
            field_value: matches!(
                k.to_lowercase().as_str(),
                "value" | "värde" | "varde" | "ocr_text" | "ocr_value" | "text_value" | "extracted"
            ),
            kind: matches!(k.to_lowercase().as_str(), "type" | "typ" | "kind" | "adresstyp" | "address_type"),
        }
    }
}

/// Rewrite one JSON document (or NDJSON line) `t`, whose first byte is at `base` in the chunk.
pub(super) fn json(
    t: &[u8],
    base: usize,
    options: &Options,
    out: &mut Vec<u8>,
    cands: &mut Vec<Cand>,
) -> Result<(), DetectError> {
    let syntax =
        |at: usize| DetectError::Syntax { format: "json", offset: u64::try_from(base + at).unwrap_or(0) };
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    // What the key of the value to come says; forgotten after the value.
    let mut cue = KeyCue::default();
    let mut i = 0;
    let mut copied = 0;
    let mut redacted = Vec::new();
    while i < t.len() {
        let b = t[i];
        match b {
            b'{' => {
                if stack.len() >= 512 {
                    return Err(syntax(i));
                }
                // An object under a name key ("name": {"first": …}) keeps that key's label, so
                // that its name-part keys are read as names; so does one under a birth key
                // ("birth": {"date": …}), for its date.
                // A person's object inside a place's record ("delivery": {"type":
                // "SERVICE_POINT", "recipient": {…}}) holds the person's own address.
                let place =
                    cue.place || (stack.last().is_some_and(|f| f.place) && cue.label != Some(Label::Person));
                let key = cue.label.filter(|l| matches!(l, Label::Person | Label::DateOfBirth));
                let thing = cue.thing || stack.last().is_some_and(|f| !f.object && f.thing);
                let business = stack.last().is_some_and(|f| f.object && f.business);
                let someone = stack.last().is_some_and(|f| f.someone);
                stack.push(Frame { object: true, key, place, thing, business, named: None, someone });
                expect_key = true;
                i += 1;
            }
            b'[' => {
                if stack.len() >= 512 {
                    return Err(syntax(i));
                }
                let key = cue.label.or_else(|| stack.last().filter(|f| !f.object).and_then(|f| f.key));
                let place = cue.place || stack.last().is_some_and(|f| f.place);
                stack.push(Frame {
                    object: false,
                    key,
                    place,
                    thing: cue.thing,
                    business: false,
                    named: None,
                    someone: stack.last().is_some_and(|f| f.someone),
                });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                cue = KeyCue::default();
                i += 1;
            }
            b':' => {
                expect_key = false;
                i += 1;
            }
            b',' => {
                if stack.last().is_some_and(|f| f.object) {
                    expect_key = true;
                }
                cue = KeyCue::default();
                i += 1;
            }
            b'"' => {
                let end = json_string_end(t, i).ok_or_else(|| syntax(i))?;
                let body = &t[i + 1..end - 1];
                let in_object = stack.last().is_some_and(|f| f.object);
                if in_object && expect_key {
                    let (k, _) = json_decode(body);
                    let k = String::from_utf8_lossy(&k);
                    cue = KeyCue::of(&k, stack.last());
                } else {
                    let mut key = if in_object { cue.label } else { stack.last().and_then(|f| f.key) };
                    let (text, map) = json_decode(body);
                    if in_object && cue.field_name {
                        let named = key_label(&String::from_utf8_lossy(&text));
                        if let Some(f) = stack.last_mut() {
                            f.named = named;
                        }
                    } else if in_object && cue.field_value && key.is_none() {
                        key = stack.last().and_then(|f| f.named);
                    }
                    // A record named as a business ("name": "Harbourfront Inn") or with an
                    // organisation number is an organisation's: the addresses after it in
                    // the same object are its own.
                    if in_object
                        && matches!(key, Some(Label::Person | Label::SeOrgnr))
                        && (key == Some(Label::SeOrgnr)
                            || crate::scan::names_a_business(&String::from_utf8_lossy(&text)))
                        && let Some(f) = stack.last_mut()
                    {
                        f.business = true;
                    }
                    if in_object
                        && key == Some(Label::Person)
                        && let Some(f) = stack.last_mut()
                        && !f.business
                    {
                        f.someone = true;
                    }
                    // An address record's kind naming a place ("typ": "arbetsplats"): the
                    // addresses in it are the place's.
                    if in_object
                        && cue.kind
                        && crate::context::is_place_key(&String::from_utf8_lossy(&text))
                        && let Some(f) = stack.last_mut()
                    {
                        f.place = true;
                    }
                    let mut found = find(&text, key, options);
                    // A person's own post-office box ("utdelningsadress": "Box 2047").
                    if in_object
                        && key == Some(Label::PostalAddress)
                        && !cue.place
                        && stack.last().is_some_and(|f| f.someone && !f.place && !f.business)
                        && let Some(b) = crate::scan::whole_box_cell(&text)
                        && b.conf >= options.min_confidence
                    {
                        found.retain(|c| c.end <= b.start || c.start >= b.end);
                        found.push(b);
                    }
                    if in_object && cue.version {
                        found.retain(|c| c.label != Label::IpAddress);
                    }
                    if (in_object && cue.place) || stack.last().is_some_and(|f| f.place || f.business) {
                        found.retain(|c| c.label != Label::PostalAddress);
                    }
                    // The value of a key that names a thing ("company": "Quorbel Imports") is
                    // that thing's name.
                    if in_object && cue.thing {
                        found.retain(|c| c.label != Label::Person);
                    }
                    // A thing's name or title ("Greta sofa, oak") unless the thing is a
                    // person's ("Beatriz's iPhone").
                    if in_object && cue.thing_name {
                        found.retain(|c| c.label != Label::Person || text[c.end..].starts_with(b"'s "));
                    }
                    // A handle under an account key ("actor", "owner") is a person's name.
                    if in_object
                        && cue.account
                        && found.is_empty()
                        && let Some(c) = crate::names::account_value(&text)
                    {
                        found.push(c);
                    }
                    if !found.is_empty() {
                        redacted.clear();
                        rewrite(&text, &found, options, &mut redacted);
                        out.extend_from_slice(&t[copied..i]);
                        json_encode(&redacted, out);
                        copied = end;
                        for mut c in found {
                            let (s, e) = match &map {
                                Some(m) => (
                                    m.get(c.start).copied().unwrap_or(0),
                                    m.get(c.end).copied().unwrap_or(body.len()),
                                ),
                                None => (c.start, c.end),
                            };
                            c.start = base + i + 1 + s;
                            c.end = base + i + 1 + e;
                            cands.push(c);
                        }
                    }
                }
                i = end;
            }
            b'-' | b'0'..=b'9' => {
                let s = i;
                while i < t.len() && matches!(t[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                let in_object = stack.last().is_some_and(|f| f.object);
                let key = if in_object { cue.label } else { stack.last().and_then(|f| f.key) };
                let num = &t[s..i];
                let found = find(num, key, options);
                if !found.is_empty() {
                    redacted.clear();
                    rewrite(num, &found, options, &mut redacted);
                    out.extend_from_slice(&t[copied..s]);
                    json_encode(&redacted, out);
                    copied = i;
                    for mut c in found {
                        c.start += base + s;
                        c.end += base + s;
                        cands.push(c);
                    }
                }
            }
            _ => i += 1,
        }
    }
    out.extend_from_slice(&t[copied..]);
    Ok(())
}

#[cfg(test)]
mod field_pair_tests {
    #![allow(clippy::unwrap_used)]

    use crate::{Format, Label, Options, redact_str};

    fn labels(text: &str) -> Vec<(String, Label)> {
        let r = redact_str(text, Format::Json, &Options::default()).unwrap();
        r.findings.iter().map(|f| (text[f.start_byte..f.end_byte].to_string(), f.label)).collect()
    }

    #[test]
    fn a_value_is_labelled_by_its_sibling_field_name() {
        let t = r#"[{"fält": "födelsedatum", "värde": "2001-09-17"}, {"field": "kontonummer", "value": "5412 34 567 89"}]"#;
        let l = labels(t);
        assert!(l.contains(&("2001-09-17".to_string(), Label::DateOfBirth)), "{l:?}");
        assert!(l.contains(&("5412 34 567 89".to_string(), Label::SeBankAccount)), "{l:?}");
        // Another field's value is not.
        let t = r#"[{"field": "besöksdatum", "value": "2001-09-17"}]"#;
        assert!(labels(t).is_empty());
        // An OCR export names the recognised text of the field so.
        let t = r#"{"scan": "S-1", "field": "födelsedatum", "ocr_text": "1958-11-02", "conf": 0.9}"#;
        assert!(labels(t).contains(&("1958-11-02".to_string(), Label::DateOfBirth)), "{:?}", labels(t));
    }
}
