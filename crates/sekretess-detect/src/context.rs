//! Context: cue words near a candidate (English and Swedish) and field names (CSV columns,
//! JSON keys, `key=value` keys).

use crate::Label;

/// How far before a candidate cue words are looked for, in bytes.
pub const BEFORE: usize = 40;
/// How far after a candidate cue words are looked for, in bytes.
pub const AFTER: usize = 16;

/// Positive cues per label (lower-case ASCII or UTF-8 substrings of the window).
fn positive(label: Label) -> &'static [&'static str] {
    match label {
        Label::CardNumber => &["card", "kort", "visa", "mastercard", "amex", "pan", "cc", "credit", "debit"],
        Label::UsSsn => &["ssn", "social security", "soc. sec", "social sec", "taxpayer"],
        Label::SePersonnummer => &[
            "personnummer",
            "personnr",
            "pers.nr",
            "pnr",
            "samordningsnummer",
            "personal identity",
            "personal number",
            "id number",
            "identity number",
            "född",
        ],
        Label::SeOrgnr => &[
            "org",
            "organisationsnummer",
            "organisation number",
            "organization number",
            "company",
            "företag",
            "bolag",
            "vat",
            "momsreg",
            "corporate",
            "registration",
        ],
        Label::Iban => &["iban", "konto", "account", "bank"],
        Label::SeBankAccount => &[
            "bankgiro",
            "plusgiro",
            "bg",
            "pg",
            "konto",
            "kontonummer",
            "clearing",
            "account",
            "bank",
            "betala till",
            "pay to",
        ],
        Label::Email => &["mail", "e-post", "epost"],
        Label::Phone => &[
            "phone", "tel", "mobil", "mobile", "call", "ring", "cell", "fax", "sms", "nummer", "number",
            "reach", "nå",
        ],
        Label::IpAddress => &["ip", "host", "client", "addr", "from", "src", "dst", "server", "remote"],
        Label::DateOfBirth => {
            &["born", "birth", "dob", "d.o.b", "född", "födelse", "fodelse", "birthday", "födelsedag"]
        }
        Label::PostalAddress => &[
            "address",
            "adress",
            "street",
            "gata",
            "bor på",
            "lives at",
            "zip",
            "postnummer",
            "postal",
            "postort",
            "deliver",
            "leverans",
            "box",
        ],
        Label::Person => &[],
    }
}

/// Negative cues per label: words that make a lookalike more likely.
fn negative(label: Label) -> &'static [&'static str] {
    const NUMBERS: &[&str] = &[
        "order",
        "tracking",
        "sku",
        "artikel",
        "art.nr",
        "invoice",
        "faktura",
        "ordernummer",
        "ref ",
        "ref:",
        "ref.",
        "referens",
        "serial",
        "part no",
        "part number",
        "ticket",
        "timestamp",
        "ts=",
        "epoch",
        "id=",
        "version",
        "build",
        "kolli",
        "shipment",
        "parcel",
        "paket",
        "batch",
    ];
    match label {
        Label::CardNumber
        | Label::UsSsn
        | Label::SePersonnummer
        | Label::SeOrgnr
        | Label::Phone
        | Label::SeBankAccount
        | Label::PostalAddress => NUMBERS,
        Label::IpAddress => &["version", "ver ", "v.", "release", "build", "firmware", "oid", "snmp"],
        Label::DateOfBirth => &["invoice", "order", "due", "förfall", "issued", "created"],
        _ => &[],
    }
}

/// Lower-cased copy of the window around `start..end` (ASCII case folding only; Swedish
/// letters in cue words are written in lower case already). The window does not cross a line
/// break; with `sentence`, it does not cross the end of a sentence either.
fn window(
    text: &[u8],
    start: usize,
    end: usize,
    buf: &mut [u8; BEFORE + AFTER + 1],
    sentence: bool,
) -> usize {
    let mut a = start.saturating_sub(BEFORE);
    if let Some(p) = memchr::memrchr(b'\n', &text[a..start]) {
        a += p + 1;
    }
    if sentence {
        let w = &text[a..start];
        if let Some(p) = w.windows(2).rposition(|x| matches!(x[0], b'.' | b'!' | b'?') && x[1] == b' ') {
            a += p + 2;
        }
    }
    let mut b = (end + AFTER).min(text.len());
    if let Some(p) = memchr::memchr(b'\n', &text[end..b]) {
        b = end + p;
    }
    let mut n = 0;
    for &c in &text[a..start] {
        buf[n] = c.to_ascii_lowercase();
        n += 1;
    }
    buf[n] = b'|';
    n += 1;
    for &c in &text[end..b] {
        buf[n] = c.to_ascii_lowercase();
        n += 1;
    }
    n
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Confidence adjustment for a candidate from the words around it.
pub fn text_adjust(text: &[u8], start: usize, end: usize, label: Label) -> f32 {
    let pos = positive(label);
    let neg = negative(label);
    if pos.is_empty() && neg.is_empty() {
        return 0.0;
    }
    let mut buf = [0u8; BEFORE + AFTER + 1];
    let n = window(text, start, end, &mut buf, false);
    let mut adj = 0.0;
    if pos.iter().any(|c| contains(&buf[..n], c.as_bytes())) {
        adj += 0.3;
    }
    if !neg.is_empty() {
        let n = window(text, start, end, &mut buf, true);
        if neg.iter().any(|c| contains(&buf[..n], c.as_bytes())) {
            adj -= 0.45;
        }
    }
    adj
}

/// Whether any positive cue for `label` is near `start..end`.
pub fn has_cue(text: &[u8], start: usize, end: usize, label: Label) -> bool {
    let mut buf = [0u8; BEFORE + AFTER + 1];
    let n = window(text, start, end, &mut buf, false);
    positive(label).iter().any(|c| contains(&buf[..n], c.as_bytes()))
}

/// Split a field name into lower-case words: `customerName`, `first_name`, `E-post`.
fn key_words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in key.chars() {
        if !ch.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_lowercase();
        cur.extend(ch.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// What a field name says about its values.
pub fn key_label(key: &str) -> Option<Label> {
    let words = key_words(key);
    let joined: String = words.concat();
    let has = |w: &str| words.iter().any(|x| x == w);
    let any = |ws: &[&str]| ws.iter().any(|w| has(w));
    // Fields whose values are not personal data even though a word matches.
    if any(&["user", "username", "file", "host", "hostname", "server", "product", "company", "item", "app"])
        && !any(&["ip"])
    {
        return None;
    }
    if any(&["ssn", "socialsecurity"]) || joined.contains("socialsecurity") {
        return Some(Label::UsSsn);
    }
    if any(&["personnummer", "pnr", "personnr", "personalnumber", "personid", "samordningsnummer"])
        || joined.contains("personnummer")
    {
        return Some(Label::SePersonnummer);
    }
    if any(&["orgnr", "organisationsnummer", "orgno", "organizationnumber", "companyid", "vat"])
        || joined.contains("organisationsnummer")
        || joined.starts_with("orgn")
    {
        return Some(Label::SeOrgnr);
    }
    if any(&["iban"]) {
        return Some(Label::Iban);
    }
    if any(&["card", "pan", "kort", "kortnummer", "cardnumber", "cc", "creditcard"]) {
        return Some(Label::CardNumber);
    }
    if any(&["bankgiro", "plusgiro", "bg", "pg", "konto", "kontonummer", "clearing", "account"]) {
        return Some(Label::SeBankAccount);
    }
    if any(&["email", "mail", "epost", "e"]) && (joined.contains("mail") || joined.contains("post")) {
        return Some(Label::Email);
    }
    if any(&[
        "phone",
        "tel",
        "telefon",
        "telefonnummer",
        "mobile",
        "mobil",
        "mobilnummer",
        "cell",
        "fax",
        "msisdn",
    ]) {
        return Some(Label::Phone);
    }
    if any(&["ip", "ipaddr", "ipaddress", "clientip", "remoteaddr", "addr", "srcip", "dstip", "src", "dst"])
        && !any(&["address"])
    {
        return Some(Label::IpAddress);
    }
    if any(&["dob", "birth", "birthday", "birthdate", "födelsedatum", "fodelsedatum", "född", "fodd", "born"])
        || joined.contains("födelse")
        || joined.contains("birth")
    {
        return Some(Label::DateOfBirth);
    }
    if any(&[
        "address",
        "adress",
        "street",
        "gatuadress",
        "zip",
        "zipcode",
        "postnummer",
        "postcode",
        "postal",
        "postalcode",
        "utdelningsadress",
    ]) || joined.contains("address")
        || joined.contains("adress")
    {
        return Some(Label::PostalAddress);
    }
    if any(&[
        "name",
        "namn",
        "firstname",
        "lastname",
        "förnamn",
        "fornamn",
        "efternamn",
        "surname",
        "fullname",
        "customer",
        "kund",
        "contact",
        "kontaktperson",
        "patient",
        "employee",
        "holder",
        "recipient",
        "mottagare",
        "signatory",
    ]) || joined.ends_with("namn")
    {
        return Some(Label::Person);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key_label("customerName"), Some(Label::Person));
        assert_eq!(key_label("first_name"), Some(Label::Person));
        assert_eq!(key_label("username"), None);
        assert_eq!(key_label("client_ip"), Some(Label::IpAddress));
        assert_eq!(key_label("zip"), Some(Label::PostalAddress));
        assert_eq!(key_label("recipient_ip"), Some(Label::IpAddress));
        assert_eq!(key_label("E-post"), Some(Label::Email));
        assert_eq!(key_label("email"), Some(Label::Email));
        assert_eq!(key_label("personnummer"), Some(Label::SePersonnummer));
        assert_eq!(key_label("Födelsedatum"), Some(Label::DateOfBirth));
        assert_eq!(key_label("description"), None);
    }
}
