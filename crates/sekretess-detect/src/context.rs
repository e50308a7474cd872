//! Context: cue words near a candidate (English and Swedish) and field names (CSV columns,
//! JSON keys, `key=value` keys).

use crate::Label;

/// How far before a candidate cue words are looked for, in bytes.
pub const BEFORE: usize = 40;
/// How far after a candidate cue words are looked for, in bytes.
pub const AFTER: usize = 16;

/// Positive cue words per label, lower case. A trailing `*` matches any word starting so
/// (`födelse*` matches `födelsedatum`).
fn positive(label: Label) -> &'static [&'static str] {
    match label {
        Label::CardNumber => {
            &["card*", "kort*", "visa", "mastercard", "amex", "pan", "cc", "credit*", "debit*", "kreditkort*"]
        }
        Label::UsSsn => &["ssn", "social", "soc", "taxpayer"],
        Label::SePersonnummer => &[
            "personnummer*",
            "personnr",
            "pers",
            "pnr",
            "samordningsnummer*",
            "identity",
            "personal",
            "född",
            "personnumret",
        ],
        Label::SeOrgnr => &[
            "org",
            "orgnr",
            "organisationsnummer*",
            "organisation",
            "organization",
            "company",
            "company's",
            "företag*",
            "bolag*",
            "vat",
            "momsreg*",
            "corporate",
            "registration",
            "supplier*",
            "leverantör*",
        ],
        Label::Iban => &["iban", "konto*", "account*", "bank*"],
        Label::SeBankAccount => &[
            "bankgiro*",
            "plusgiro*",
            // Plusgiro's old name, still on club letters and old forms.
            "postgiro*",
            "bg",
            "pg",
            "konto*",
            "clearing*",
            "account*",
            "bank*",
            "betala",
            "betalas",
            "pay",
            // The bank named before its account ("Betalas till: SEB 5460 14 157 90") and
            // transfers on a statement.
            "seb",
            "swedbank",
            "nordea",
            "handelsbanken",
            "danske",
            "länsförsäkringar",
            "skandiabanken",
            "sbab",
            "sparbank*",
            "överföring*",
            // Non-ASCII capitals are not folded.
            "Överföring*",
            "transfer*",
        ],
        Label::Email => &[],
        Label::Phone => &[
            "phone*",
            "tel",
            "telefon*",
            "mobil*",
            "mobile",
            "call",
            "ring",
            "cell*",
            "fax",
            "sms",
            "nummer",
            "number",
            "reach",
            "nå",
            "telephone*",
            "tlf",
            // Swedish "telefon" abbreviated, as forms print it.
            "tfn",
            "puh",
            "puhelin*",
            "ext",
            "teléfono",
            "telefono",
            "móvil",
            "movil",
            "tfno",
            "telefonu",
            "komórka",
            "kom",
            "bel",
        ],
        Label::IpAddress => &[
            "ip",
            "host*",
            "client*",
            "addr",
            "from",
            "src",
            "dst",
            "server*",
            "remote*",
            "login*",
            "inloggning*",
        ],
        Label::DateOfBirth => {
            &[
                "born",
                "birth*",
                "dob",
                "född",
                "föddes",
                "födelse*",
                "fodelse*",
                "birthday",
                "födelsedag",
                // The words for born and date of birth of the neighbouring languages.
                "født",
                "fødd",
                "fødsels*",
                "geboren",
                "geboorte*",
                "geburts*",
                "syntynyt",
                "syntymä*",
                "naissance",
                "nacimiento",
                "nascita",
                "urodzenia",
                "urodzony",
                "urodzona",
            ]
        }
        Label::PostalAddress => &[
            "address*",
            "adress*",
            "street",
            "gata",
            "bor",
            "lives",
            "zip",
            "postnummer",
            "postnr",
            "postal",
            "postort",
            "postcode*",
            "postkod",
            "deliver*",
            "leverans*",
            "box",
        ],
        Label::Person | Label::CustomerCode => &[],
    }
}

/// Negative cue words per label: words that make a lookalike more likely. They only count in
/// the same sentence as the candidate. A label's words are the union of the lists returned.
fn negative(label: Label) -> &'static [&'static [&'static str]] {
    const NUMBERS: &[&str] = &[
        "order*",
        "tracking",
        "sku",
        "artikel*",
        "artnr",
        "art",
        "ordernummer",
        "ref",
        "referens*",
        "reference",
        "serial",
        "ticket*",
        "timestamp*",
        "ts",
        "epoch",
        "version*",
        "build*",
        "kolli*",
        "shipment*",
        "parcel*",
        "paket*",
        "batch*",
        "ean",
        "isbn",
        "gtin",
        "upc",
    ];
    // An organisation number is what an invoice names (the seller's and often the buyer's),
    // so "invoice"/"faktura" count against the other numbers only.
    const INVOICE: &[&str] = &["invoice*", "faktura*"];
    // Numbers of other schemes that a phone shape may take: US bank routing numbers, health
    // service and provider numbers, an authority's case number.
    const SCHEMES: &[&str] = &["routing", "aba", "rtn", "nhs", "npi", "medicare", "diarienummer", "dnr"];
    // Numbers a phone shape may take on invoices and forms: a payment reference (OCR), a
    // Dutch VAT or chamber-of-commerce number, a certificate's or a record's number, a
    // property's number or its assessed value. Not "VAT": letterheads print it after the phone.
    const FORMS: &[&str] = &["ocr", "btw", "kvk", "cert", "certificate*", "record", "objekt*", "taxering*"];
    // A US routing number beside an account number is not a Swedish clearing number.
    const ROUTING: &[&str] = &["routing", "aba", "rtn"];
    match label {
        Label::SeOrgnr => &[NUMBERS],
        Label::Phone => &[NUMBERS, INVOICE, SCHEMES, FORMS],
        Label::SeBankAccount => &[NUMBERS, INVOICE, ROUTING],
        Label::CardNumber | Label::UsSsn | Label::SePersonnummer => &[NUMBERS, INVOICE],
        // An invoice names the addresses it is sent to.
        Label::PostalAddress => &[NUMBERS],
        Label::IpAddress => &[&["version*", "ver", "release*", "build*", "firmware*", "oid", "snmp"]],
        Label::DateOfBirth => {
            &[&["invoice*", "order*", "due", "förfall*", "issued", "created", "deployed", "logged"]]
        }
        _ => &[],
    }
}

/// A byte trie of the cue words: one walk per word finds both whole-word and stem matches.
#[derive(Default)]
struct Node {
    children: Vec<(u8, u32)>,
    /// Masks when the word ends here.
    exact: (u16, u16),
    /// Masks for any word going through here (stems).
    stem: (u16, u16),
}

static CUES: std::sync::LazyLock<Vec<Node>> = std::sync::LazyLock::new(|| {
    let mut nodes: Vec<Node> = vec![Node::default()];
    let mut add = |w: &'static str, bit: u16, neg: bool| {
        let (w, prefix) = match w.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (w, false),
        };
        let mut at = 0usize;
        for &b in w.as_bytes() {
            let next = nodes[at].children.iter().find(|(c, _)| *c == b).map(|&(_, n)| n as usize);
            at = match next {
                Some(n) => n,
                None => {
                    nodes.push(Node::default());
                    let n = nodes.len() - 1;
                    nodes[at].children.push((b, n as u32));
                    n
                }
            };
        }
        let slot = if prefix { &mut nodes[at].stem } else { &mut nodes[at].exact };
        if neg {
            slot.1 |= bit;
        } else {
            slot.0 |= bit;
        }
    };
    for l in Label::ALL {
        let bit = 1u16 << (l as u16);
        for w in positive(l) {
            add(w, bit, false);
        }
        for w in negative(l).iter().flat_map(|list| list.iter()) {
            add(w, bit, true);
        }
    }
    nodes
});

/// The root's children by byte (0: none; the root is never a child), since every word of
/// every context window starts there.
static ROOT: std::sync::LazyLock<[u32; 256]> = std::sync::LazyLock::new(|| {
    let mut root = [0u32; 256];
    for &(c, n) in CUES.first().map_or(&[][..], |r| &r.children[..]) {
        root[usize::from(c)] = n;
    }
    root
});

/// (positive, negative) label masks of one word (ASCII letters are folded to lower case).
fn word_masks(w: &[u8]) -> (u16, u16) {
    let nodes = &*CUES;
    let Some((&first, rest)) = w.split_first() else {
        return nodes.first().map_or((0, 0), |r| (r.exact.0 | r.stem.0, r.exact.1 | r.stem.1));
    };
    let at = ROOT[usize::from(first.to_ascii_lowercase())] as usize;
    let Some(node) = nodes.get(at).filter(|_| at != 0) else { return (0, 0) };
    let mut at = at;
    let (mut pos, mut neg) = (node.stem.0, node.stem.1);
    for &b in rest {
        let b = b.to_ascii_lowercase();
        match nodes[at].children.iter().find(|(c, _)| *c == b) {
            Some(&(_, n)) => at = n as usize,
            None => return (pos, neg),
        }
        pos |= nodes[at].stem.0;
        neg |= nodes[at].stem.1;
    }
    (pos | nodes[at].exact.0 | nodes[at].stem.0, neg | nodes[at].exact.1 | nodes[at].stem.1)
}

/// Label masks of the words in `text[a..b]`: (positive, negative since the last sentence end).
fn masks(text: &[u8], a: usize, b: usize) -> (u16, u16) {
    // Word bytes as bits, a cheap test per byte: ASCII letters, digits, `'`, and bytes >= 0x80.
    const W: [u64; 4] = [0x03FF_0080_0000_0000, 0x07FF_FFFE_07FF_FFFE, !0, !0];
    let word = |c: u8| W[usize::from(c >> 6)] >> (c & 63) & 1 != 0;
    let (window, mut pos, mut neg, mut i) = (&text[..b], 0, 0, a);
    while let Some(&c) = window.get(i) {
        if !word(c) {
            // A sentence ends; not an abbreviation before a lower-case word or a number
            // ("NHS no. 640 …", "cert. no. 0019 …").
            let abbrev =
                c == b'.' && text.get(i + 2).is_some_and(|n| n.is_ascii_lowercase() || n.is_ascii_digit());
            if matches!(c, b'.' | b'!' | b'?')
                && !abbrev
                && text.get(i + 1).is_none_or(|n| n.is_ascii_whitespace())
            {
                neg = 0;
            }
            i += 1;
            continue;
        }
        let s = i;
        while window.get(i).is_some_and(|&c| word(c)) {
            i += 1;
        }
        // Words inside redaction markers (`[IP_ADDRESS]`, `[EMAIL:…]`) are not cues, so that a
        // second pass sees the same context as the first.
        if s > 0 && matches!(text[s - 1], b'[' | b'_') {
            continue;
        }
        let (p, ng) = word_masks(&text[s..i]);
        pos |= p;
        neg |= ng;
    }
    (pos, neg)
}

/// Context of the words around candidates; the words before a start and after an end are
/// cached, since several recognizers ask about the same position.
#[derive(Default)]
pub struct Ctx {
    before: Option<(usize, u16, u16)>,
    after: Option<(usize, u16, u16)>,
}

impl Ctx {
    /// (positive, negative) label masks around `start..end`. The window does not cross a line
    /// break.
    fn get(&mut self, text: &[u8], start: usize, end: usize) -> (u16, u16) {
        let (bp, bn) = match self.before {
            Some((s, p, n)) if s == start => (p, n),
            _ => {
                let mut a = start.saturating_sub(BEFORE);
                if let Some(p) = memchr::memrchr(b'\n', &text[a..start]) {
                    a += p + 1;
                }
                // Do not start inside a word.
                while a > 0 && a < start && (text[a - 1].is_ascii_alphanumeric() || text[a - 1] >= 0x80) {
                    a += 1;
                }
                let (p, n) = masks(text, a, start);
                self.before = Some((start, p, n));
                (p, n)
            }
        };
        let (ap, an) = match self.after {
            Some((e, p, n)) if e == end => (p, n),
            _ => {
                let mut b = (end + AFTER).min(text.len());
                if let Some(p) = memchr::memchr(b'\n', &text[end..b]) {
                    b = end + p;
                }
                while b < text.len() && b > end && (text[b].is_ascii_alphanumeric() || text[b] >= 0x80) {
                    b -= 1;
                }
                let (p, n) = masks(text, end, b);
                self.after = Some((end, p, n));
                (p, n)
            }
        };
        (bp | ap, bn | an)
    }

    /// Confidence adjustment for a candidate from the words around it.
    pub fn adjust(&mut self, text: &[u8], start: usize, end: usize, label: Label) -> f32 {
        let (pos, neg) = self.get(text, start, end);
        let bit = 1u16 << (label as u16);
        let mut adj = 0.0;
        if pos & bit != 0 {
            adj += 0.3;
        }
        // A checksum-validated identifier with its own cue near ("paid with card … for
        // order 7") keeps it: the lookalike word then names another number of the sentence.
        let checksummed = matches!(label, Label::CardNumber | Label::SePersonnummer | Label::SeOrgnr);
        if neg & bit != 0 && !(checksummed && pos & bit != 0) {
            adj -= 0.45;
        }
        adj
    }

    /// Whether any positive cue for `label` is near `start..end`.
    pub fn has_cue(&mut self, text: &[u8], start: usize, end: usize, label: Label) -> bool {
        let (pos, _) = self.get(text, start, end);
        pos & (1u16 << (label as u16)) != 0
    }
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

/// Whether a field name says its values are versions ("version", "fw_version", "appVersion",
/// "build", "firmware", "release"): dotted numbers there are not IP addresses.
pub fn is_version_key(key: &str) -> bool {
    key_words(key).iter().any(|w| {
        matches!(w.as_str(), "version" | "ver" | "build" | "firmware" | "fw" | "release" | "revision" | "rev")
    })
}

/// Whether a field name says its value is a business's or a public place, not a person
/// ("office", "hotel", "bank", "branch", "warehouse"): an address there is not a person's.
pub fn is_place_key(key: &str) -> bool {
    key_words(key).iter().any(|w| {
        matches!(
            w.as_str(),
            "office"
                | "hotel"
                | "hostel"
                | "warehouse"
                | "store"
                | "shop"
                | "branch"
                | "venue"
                | "clinic"
                | "bank"
                | "employer"
                | "workplace"
                | "kontor"
                | "butik"
                | "lager"
                | "arbetsplats"
                | "arbetsgivare"
                // The organisation a record is about: its address is its own.
                | "company"
                | "organisation"
                | "organization"
                | "supplier"
                | "vendor"
                | "företag"
                | "leverantör"
                // A school, a court, a merchant, a club: their own addresses.
                | "school"
                | "court"
                | "merchant"
                | "handlare"
                | "club"
                | "team"
                | "federation"
                | "ombud"
                | "pickup"
                | "besoksadress"
                | "besöksadress"
                | "visiting"
                // Where a parcel waits or goods pass: a depot's or a shop's address.
                | "terminal"
                | "depot"
                | "dc"
                | "point"
                | "utlamning"
                | "utlämning"
                | "utlamningsstalle"
                | "utlämningsställe"
                | "firma"
        )
    })
}

/// Whether a CSV column's name says it holds a place's name or address
/// (`pickup_point_name`, `store_address`, `depot_adress`): every word but the name or address
/// word is a place word, so a role in it (`company_contact_name`, `bank_account_holder`)
/// keeps the column a person's.
pub fn is_place_column(key: &str) -> bool {
    let words = key_words(key);
    let tail = |w: &str| {
        matches!(
            w,
            "name" | "namn" | "address" | "adress" | "addr" | "street" | "gata" | "id" | "line1" | "line2"
        )
    };
    let rest: Vec<&String> = words.iter().filter(|w| !tail(w)).collect();
    words.iter().any(|w| tail(w)) && !rest.is_empty() && rest.iter().all(|w| is_place_key(w))
}

/// Whether a CSV column's name says it holds a party of a shipment or a transfer by its name
/// (`sender`, `avsändare`, `consignee_name`, `delivery_name`), whose address columns follow it.
pub fn is_party_key(key: &str) -> bool {
    let words = key_words(key);
    let party = words.first().is_some_and(|w| {
        matches!(
            w.as_str(),
            "sender"
                | "shipper"
                | "consignor"
                | "consignee"
                | "receiver"
                | "avsändare"
                | "avsandare"
                | "mottagare"
                | "recipient"
                | "collection"
                | "delivery"
        )
    });
    party && words[1..].iter().all(|w| matches!(w.as_str(), "name" | "namn" | "company" | "firma"))
}

/// Whether a CSV column's name is the row's firm alone (`Company`, `company_name`,
/// `Företag`, `Firma`).
pub fn is_firm_key(key: &str) -> bool {
    let words = key_words(key);
    words.first().is_some_and(|w| {
        matches!(w.as_str(), "company" | "företag" | "foretag" | "firma" | "organisation" | "organization")
    }) && words[1..].iter().all(|w| matches!(w.as_str(), "name" | "namn"))
}

/// What a field name says about its values.
pub fn key_label(key: &str) -> Option<Label> {
    let words = key_words(key);
    let joined: String = words.concat();
    let has = |w: &str| words.iter().any(|x| x == w);
    let any = |ws: &[&str]| ws.iter().any(|w| has(w));
    // Fields whose values are not personal data even though a word matches.
    // A test's, drug's or procedure's name in a lab or pharmacy export is no person's.
    if any(&[
        "user",
        "username",
        "file",
        "host",
        "hostname",
        "server",
        "product",
        "company",
        "item",
        "app",
        "test",
        "drug",
        "medication",
        "analyte",
        "procedure",
    ]) && !any(&["ip"])
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
    // Swedish compounds name the account last ("avsändarkonto", "mottagarkonto").
    if any(&["bankgiro", "plusgiro", "bg", "pg", "konto", "kontonummer", "kontonr", "clearing", "account"])
        || (joined.ends_with("konto") && joined.len() > 5)
    {
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
        "postnr",
        "postcode",
        "postal",
        "postalcode",
        "utdelningsadress",
        // The lines of an address form ("line1", "ship_line1", "gata").
        "line1",
        "line2",
        "address1",
        "address2",
        "gata",
    ]) || joined.contains("address")
        || joined.contains("adress")
    {
        return Some(Label::PostalAddress);
    }
    // Where the person is, not who (`recipient_city`, `kund_ort`): the town alone is no one.
    if any(&["city", "town", "ort", "postort", "stad", "country", "land", "county", "state", "region"]) {
        return None;
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
        // Who wrote a message, and the people in it (chat exports). Not "sender": in shipping
        // exports it is the shipper, a firm.
        "author",
        "participant",
        "participants",
        "attendee",
        "attendees",
        "guest",
        "guests",
    ]) || joined.ends_with("namn")
    {
        return Some(Label::Person);
    }
    // A column of a name's part, alone or after what the person is ("first", "middle",
    // "attendee_last", "guestGiven"), not a first or last something else ("first_gift").
    if words.len() <= 2
        && words
            .last()
            .is_some_and(|w| matches!(w.as_str(), "first" | "middle" | "last" | "given" | "family"))
    {
        return Some(Label::Person);
    }
    None
}

/// Keys of the parts of a name inside a name object: `"name": {"first": …, "last": …}`.
/// Whether a key inside an object holds that object's date (`"birth": {"date": …}`).
pub fn is_date_part_key(key: &str) -> bool {
    matches!(key.trim().to_ascii_lowercase().as_str(), "date" | "datum" | "dato" | "on" | "when" | "value")
}

pub fn is_name_part_key(key: &str) -> bool {
    let k = key.trim().to_ascii_lowercase();
    matches!(
        k.as_str(),
        "first"
            | "last"
            | "given"
            | "family"
            | "middle"
            | "full"
            | "display"
            | "preferred"
            | "maiden"
            | "other"
            | "text"
            | "value"
            | "förnamn"
            | "efternamn"
            | "tilltalsnamn"
            | "mellannamn"
    )
}

#[cfg(test)]
mod tests;
