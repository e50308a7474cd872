//! Addresses that are not a person's (the hand-labelled set's convention, issue 19): a
//! business's or an association's own premises, a public building, a meeting place, a hotel,
//! a shop or a delivery point, a post-office box, a property advertised for sale. What the
//! words before an address on its line say decides: "Registered office: 1 Canary Square",
//! "Plats: föreningslokalen, Ekorrvägen 3", "Hotellet: Prästgatan 32", "GREAVE & OYELARAN
//! SOLICITORS\n3rd Floor, 41 Cheapside", "Box 1184, 581 11 Linköping". A person's address
//! names none of these ("Adress:", "lives at", "Home address:", a name).

use super::Scanner;
use crate::lexicon;
use letterhead::{letterhead_lead, place_lead};
use sale::sale_price_after;

mod letterhead;
mod sale;

/// Places that are nobody's home, as words (lower case) or word stems (`*`).
const PLACES: &[&str] = &[
    "office",
    "offices",
    "headquarters",
    "hq",
    "kontor*",
    "huvudkontor*",
    "warehouse*",
    "lager",
    "lagret",
    "lagerhus*",
    "hotel*",
    "hotell*",
    "hostel*",
    "venue",
    "held",
    "meeting",
    "möte*",
    "mötes*",
    "plats",
    "lokal*",
    "hall",
    "church",
    "kyrka*",
    "butik*",
    "shop",
    "store",
    "gym",
    "clinic",
    "klinik*",
    "surgery",
    "pharmacy",
    "apotek*",
    "library",
    "bibliotek*",
    "utlämningsställe*",
    "ombud",
    "brf",
    "bostadsrättsförening*",
    "salu",
    "objekt",
    "objektets",
    "visning*",
    "sale",
    "viewing*",
    "auction*",
    "terminal*",
    "verkstad*",
    "kommun",
    "stad",
    "borough",
    "council",
    "bar",
    "pub",
    "restaurant*",
    "restaurang*",
    "café",
    "kafé",
    "garage",
    "depot",
    "pensionat*",
    "vandrarhem*",
    "camping*",
    "enheten",
    "kansli*",
    "yard",
    "bureau",
    "administration",
    "insurance",
    "locker*",
    "remit",
    // Comparables of a sale ("(sålt 2025-06)"), an employer's or a branch's address, a
    // unit advertised, a carrier's, a church abroad.
    "sålt",
    "såld",
    "sold",
    "employer*",
    "arbetsgivar*",
    "branch",
    "advertised",
    "carrier",
    "iglesia",
    "église",
    "kirche",
    "chiesa",
    // A visiting address is an organisation's.
    "besöksadress*",
    "visiting",
    // Carriers' service points and sorting sites ("DPD Pickup …", "GLS ParcelShop", "USPS
    // Regional Facility").
    "pickup*",
    "parcelshop*",
    "paketshop*",
    "facility",
];

/// Heads of Swedish compounds that name such a place ("föreningslokalen",
/// "Stadsbiblioteket", "Folktandvården", "Församlingshemmet").
const PLACE_HEADS: &[&str] = &[
    "lokal",
    "bibliotek",
    "tandvård",
    "vårdcentral",
    "församlingshem",
    "kontoret",
    "butiken",
    "byrå",
    "provning",
    "terminal",
    "tandläkar",
];

/// Words of a business's name ("Brightwater Dental", "Harbour Estates", "Riverside Family
/// Medicine", "ST. BRIGID'S MEDICAL CENTRE"), matched as written with a capital.
const BUSINESS: &[&str] = &[
    "Solicitors",
    "Lettings",
    "Estates",
    "Properties",
    "Dental",
    "Medicine",
    "Medical",
    "Centre",
    "Center",
    "Clinic",
    "Club",
    "Hotel",
    "Hostel",
    "Church",
    "Hall",
    "Returns",
    "Logistics",
    "Warehouse",
    "Services",
    "Food",
    "Foods",
    // Schools, courts, hospitals, teams and shops by the word that says what they are
    // ("Kirkby Lane Primary", "Boise Swim Team", "Harbourfront Inn").
    "School",
    "Primary",
    "Academy",
    "College",
    "University",
    "Hospital",
    "Infirmary",
    "Inn",
    "Team",
    "Group",
    "Outlet",
    "Practice",
    "Funeral",
    "Halls",
    "Museum",
    "Montessori",
    "Traders",
    "Trading",
    "Estate",
    "Shopping",
    "Centrum",
    // Banks, insurers, agents and shops by their kind.
    "Bank",
    "Insurance",
    "Mutual",
    "Management",
    "Airways",
    "Airlines",
    "Surveyors",
    "Valuers",
    "Auctioneers",
    "Agents",
    "Florists",
    "Printers",
    "Books",
    "Bookshop",
    "Supermarket",
    "Pharmacy",
    "Booksellers",
    "Arms",
    "Distributors",
    "Distribution",
    "Wholesale",
    "Wholesalers",
    "Suppliers",
    "Supplies",
    // Practices and laboratories named by their field, associations and societies.
    "Pediatrics",
    "Paediatrics",
    "Laboratory",
    "Laboratories",
    "Diagnostics",
    "Radiology",
    "Dermatology",
    "Cardiology",
    "Physiotherapy",
    "Association",
    "Society",
];

/// Endings of Swedish compounds that name an authority, a school, a court, a hospital or a
/// place of worship ("Försäkringskassan", "Fyrisskolan", "Solna tingsrätt", "Ranstadsverket",
/// "Vårdboendet", "Stadshuset").
const PLACE_TAILS: &[&str] = &[
    "verket",
    "kassan",
    "centralen",
    "skolan",
    "skola",
    "sjukhuset",
    "sjukhus",
    "kliniken",
    "tingsrätt",
    "hovrätt",
    "moské",
    "moskén",
    "kyrkan",
    "boendet",
    "hemmet",
    "huset",
    "museet",
    "antagningen",
    "förvaltningen",
    "myndigheten",
    "nämnden",
    "styrelsen",
    "inspektionen",
    "klubb",
    "klubben",
    "förbundet",
    "stationen",
    "försäkring",
    "banken",
    "sparebank",
    "stadshus",
    "kulturhus",
    "shopen",
    "föreningen",
    "försäkringar",
    // A court in the definite form ("Förvaltningsrätten"), a carrier's agent ("Postombud"),
    // a return or service centre, a central store.
    "rätten",
    "ombud",
    "center",
    "lager",
    "lagret",
];

/// Post-office boxes: a company's PO box is not a person's address.
const PO_BOX: &[&str] = &["box", "postbox", "postboks", "postfach", "fack", "apartado"];

fn is_place(word: &str) -> bool {
    is_place_lower(&lower(word))
}

/// `word` in lower case, allocating only when it has a capital (most words have none).
fn lower(word: &str) -> std::borrow::Cow<'_, str> {
    if !word.is_ascii() {
        std::borrow::Cow::Owned(word.to_lowercase())
    } else if word.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(word.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(word)
    }
}

/// [`is_place`] of a word already in lower case. This runs for every word before an
/// address, so the lists are compared by first byte before anything else.
fn is_place_lower(w: &str) -> bool {
    let b = w.as_bytes();
    let Some(&f) = b.first() else { return false };
    PLACES.iter().any(|p| {
        p.as_bytes()[0] == f
            && match p.strip_suffix('*') {
                Some(stem) => w.starts_with(stem),
                None => w == *p,
            }
    }) || PLACE_HEADS.iter().any(|h| {
        let h = h.as_bytes();
        h.len() <= b.len()
            && memchr::memchr_iter(h[0], &b[..=b.len() - h.len()]).any(|i| b[i..].starts_with(h))
    }) || PLACE_TAILS.iter().any(|h| w.ends_with(h))
}

fn is_business(word: &str) -> bool {
    // Capitalised, then the list's word in any case ("Dental", "DENTAL"); the list is ASCII.
    word.chars().next().is_some_and(char::is_uppercase)
        && BUSINESS.iter().any(|b| b.eq_ignore_ascii_case(word))
}

/// A line of business ("Plumbing", "Realty"), given in title case; not "Service", which also
/// names a person's address ("Service address:").
fn trade(titled: &str) -> bool {
    titled != "Service" && lexicon::is_trade_word(titled)
}

/// A word in capitals as a title-case word ("PLUMBING" → "Plumbing"); others as written.
fn title(word: &str) -> std::borrow::Cow<'_, str> {
    let caps = word.chars().count() >= 2 && word.chars().all(|c| !c.is_lowercase());
    if !caps {
        return std::borrow::Cow::Borrowed(word);
    }
    let mut cs = word.chars();
    let first = cs.next().map(String::from).unwrap_or_default();
    std::borrow::Cow::Owned(first + &cs.as_str().to_lowercase())
}

/// Whether a name names a business, a school, a court or a team rather than a person
/// ("Harbourfront Inn", "Karimi Design AB", "Fyrisskolan"): its record's address is its own.
pub(crate) fn names_a_business(name: &str) -> bool {
    name.split([' ', ',', '(', ')']).any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&' && c != '.');
        is_business(w) || lexicon::is_company_form(w) || (w.chars().count() > 6 && is_place(w))
    })
}

/// What the words of `text` say: a place, a business, a company form or a PO box.
pub(super) fn names_a_place(text: &str) -> bool {
    for raw in text.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ':' | ';' | '(' | ')' | '|' | '"' | '/' | '_')
    }) {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '&');
        let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).unwrap_or(w);
        if w.is_empty() {
            continue;
        }
        let lw = lower(w);
        // A web shop named by its domain ("Shopname.com").
        if [".com", ".net", ".org"].iter().any(|d| lw.len() > d.len() + 1 && lw.ends_with(d)) {
            return true;
        }
        // Title case once, for both lists that want it.
        let tw = title(w);
        if is_place_lower(&lw)
            || is_business(w)
            || trade(&tw)
            || lexicon::is_company_form(w)
            || lexicon::is_company_form(&tw)
            || lexicon::is_company_form(raw.trim_end_matches([',', ':', ';', '|']))
            || PO_BOX.contains(&&*lw)
        {
            return true;
        }
    }
    false
}

/// Words that say an address is someone's home ("bor", "lives", "hemadress").
const HOME_WORDS: &[&str] = &[
    "bor",
    "bodde",
    "lives",
    "lived",
    "living",
    "live",
    "resides",
    "residing",
    "home",
    "hem",
    "hemma",
    "hemadress",
    "bostad",
    "bostadsadress",
    "folkbokförd",
    "folkbokföringsadress",
];

/// Whether the first number in `line` is an organisationsnummer's: its third digit (after
/// the `16` prefix of twelve digits) is 2 or more, where a personnummer has a month.
fn company_number(line: &str) -> bool {
    let digits: Vec<u8> = line
        .bytes()
        .skip_while(|b| !b.is_ascii_digit())
        .take_while(|b| b.is_ascii_digit() || *b == b'-' || *b == b' ')
        .filter(u8::is_ascii_digit)
        .collect();
    let d = if digits.len() == 12 && digits.starts_with(b"16") { &digits[2..] } else { &digits[..] };
    d.len() == 10 && d[2] >= b'2'
}

/// Whether the last clause of `before` (after its last comma, bracket or full stop) holds a
/// word of [`HOME_WORDS`] and names no place.
fn home_clause(before: &str) -> bool {
    let b = before.trim_end_matches([' ', ',', ':', '\t']);
    let clause = b.rsplit([',', ';', '(', ')', '.', '\n']).next().unwrap_or(b);
    // "bor på Vårdboendet X, …", "Ogden Funeral Home, …": the clause names a place itself.
    // "bor kvar i huset": the house someone lives in is their home, not a place's name.
    clause.split(|c: char| !c.is_alphanumeric()).any(|w| HOME_WORDS.iter().any(|h| h.eq_ignore_ascii_case(w)))
        && !clause
            .split(' ')
            .filter(|w| !matches!(w.to_lowercase().as_str(), "huset" | "hus" | "house"))
            .any(names_a_place)
}

/// The last sentence of `text`: what follows the last full stop, `!` or `?` that ends a word
/// in lower case or a number and is followed by a space and a capital ("… moved to room 171.
/// Our customer … lives at"; not "P.O. Box", "St. Brigid's").
fn sentence_tail(text: &str) -> &str {
    let b = text.as_bytes();
    let mut k = b.len();
    while k >= 3 {
        k -= 1;
        let end = matches!(b[k - 1], b'.' | b'!' | b'?')
            && b[k] == b' '
            && (b[k - 2].is_ascii_lowercase() || b[k - 2].is_ascii_digit())
            && b.get(k + 1).is_some_and(u8::is_ascii_uppercase);
        if end {
            return &text[k + 1..];
        }
    }
    text
}

/// What a business prints next to its own address (letterheads, receipts, footers, sale
/// listings): its registration or VAT number, its web site, its opening hours, the terms of
/// a sale. Lower case, matched at a word's start.
const BUSINESS_AFTER: &[&str] = &[
    "org.nr",
    "org nr",
    "org. nr",
    "org.-nr",
    "orgnr",
    "organisationsnummer",
    "organisationsnr",
    "momsreg",
    "vat no",
    "vat reg",
    "vat gb",
    "vat:",
    "vat nr",
    "vat number",
    "abn ",
    "company no",
    "company reg",
    "registered in",
    "www.",
    "http",
    "öppettider",
    "öppet ",
    "öppet:",
    // The match ignores ASCII case only.
    "Öppettider",
    "Öppet ",
    "Öppet:",
    "open:",
    "opening times",
    "opening hours",
    "open mon",
    "freehold",
    "leasehold",
    "guide £",
    "guide price",
    "offers in",
    "offers over",
    "asking price",
    "utgångspris",
    "boarea",
    "säljs",
    "till salu",
    "sold ",
];

/// Whether the text before an address on its line gives a listing's size in a cell of its
/// own ("Radhus, 5 rok, 128 m²  ·  Storgatan 1"): a property advertised, not a home. In
/// running text ("villa 140 kvm, Granvägen 7") the size is the writer's own house.
fn listing_before(before: &str) -> bool {
    let Some(cut) = before.rfind(['·', '|', '•']).or_else(|| before.rfind("   ")) else { return false };
    let cell = before[..cut].to_lowercase();
    let figure = |unit: &str| {
        cell.match_indices(unit).any(|(k, _)| {
            let head = cell[..k].trim_end();
            let word_end = !cell[k + unit.len()..].starts_with(|c: char| c.is_alphanumeric());
            word_end && head.ends_with(|c: char| c.is_ascii_digit())
        })
    };
    figure("rok") || figure("m²") || figure("kvm") || figure("sq ft") || figure("bedrooms")
}

/// Whether a line gives opening hours ("Mån–fre 10–18, lör 10–15", "Mon-Sat 9-17"): a shop's,
/// above its own address. `lower` is in lower case.
fn opening_hours(lower: &str) -> bool {
    // Cheap test first: a digit before a dash somewhere.
    if !lower.as_bytes().windows(2).any(|w| w[0].is_ascii_digit() && (w[1] == b'-' || w[1] == 0xE2)) {
        return false;
    }
    const DAYS: &[&str] =
        &["mån", "tis", "ons", "tor", "fre", "lör", "sön", "mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let day_range = lower.split(|c: char| !c.is_alphabetic() && c != '–' && c != '-').any(|w| {
        let mut parts = w.split(['–', '-']);
        let (a, b) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        DAYS.iter().any(|d| a.starts_with(d)) && DAYS.iter().any(|d| b.starts_with(d))
    });
    // A span of hours: digits, a dash, digits ("10–18", "9.00-17.00").
    let b = lower.as_bytes();
    let hours = (1..b.len()).any(|k| {
        let dash = b[k] == b'-' || b[k..].starts_with("–".as_bytes());
        dash && b[k - 1].is_ascii_digit() && {
            let after = if b[k] == b'-' { k + 1 } else { k + '–'.len_utf8() };
            b.get(after).is_some_and(u8::is_ascii_digit)
        }
    });
    day_range && hours
}

/// Mailboxes of a role, not of a person ("info@", "kundservice@"): an organisation's.
const ROLE_MAILBOXES: &[&str] = &[
    "info",
    "kontakt",
    "contact",
    "kundservice",
    "kundtjanst",
    "support",
    "noreply",
    "no-reply",
    "accounts",
    "billing",
    "sales",
    "order",
    "orders",
    "hello",
    "kansli",
    "office",
    "reception",
    "admin",
    "help",
    "service",
    "ekonomi",
    "faktura",
    "invoice",
    "invoices",
    "enquiries",
    "post",
    "registrator",
];

/// Whether a cell of a letterhead opens with a cue of [`BUSINESS_AFTER`] or a role mailbox,
/// perhaps after its label ("E-post: info@…"). ASCII letters in any case (no allocation:
/// this runs after every address).
fn business_cell(cell: &str) -> bool {
    let b = cell.as_bytes();
    if BUSINESS_AFTER.iter().any(|c| b.len() >= c.len() && b[..c.len()].eq_ignore_ascii_case(c.as_bytes())) {
        return true;
    }
    let mut toks = cell.split_whitespace();
    let first = toks.next().unwrap_or("");
    let tok = if first.ends_with(':') { toks.next().unwrap_or("") } else { first };
    tok.split_once('@').is_some_and(|(local, _)| ROLE_MAILBOXES.iter().any(|r| r.eq_ignore_ascii_case(local)))
}

/// The longest valid UTF-8 text at the start of `b` (a window may cut a character).
fn text_of(b: &[u8]) -> &str {
    match std::str::from_utf8(b) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&b[..e.valid_up_to()]).unwrap_or(""),
    }
}

/// The cells of a line: texts between `|`, `·`, `•`, a tab or three spaces.
fn cells(line: &str) -> impl Iterator<Item = &str> {
    line.split(['|', '·', '•', '\t']).flat_map(|c| c.split("   ")).map(str::trim).filter(|c| !c.is_empty())
}

/// The cell of `line` (texts between gaps of three spaces or a tab) that holds the column
/// `col` (in chars), or the whole line when it has one cell.
fn cell_at(line: &str, col: usize) -> &str {
    let mut start = 0; // byte offset of the current cell
    let mut spaces = 0;
    let mut cells: Vec<(usize, usize, usize)> = Vec::new(); // (byte start, byte end, char start)
    let mut cell_col = 0;
    for (k, (b, c)) in line.char_indices().enumerate() {
        if c == ' ' || c == '\t' {
            spaces += if c == '\t' { 3 } else { 1 };
        } else {
            if spaces >= 3 && k > spaces {
                cells.push((start, b, cell_col));
                start = b;
                cell_col = k;
            }
            spaces = 0;
        }
    }
    if cells.is_empty() {
        return line;
    }
    cells.push((start, line.len(), cell_col));
    // The last cell that starts at or before the column (a little slack for OCR).
    cells.iter().rev().find(|&&(_, _, c)| c <= col + 2).map_or(line, |&(a, e, _)| &line[a..e])
}

/// A line that gives a business's phone ("Tel 08-…", "Phone: …").
fn phone_line(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("").trim_end_matches([':', '.']);
    ["tel", "telefon", "phone", "ph", "fax", "tfn", "växel", "mobil", "mobile"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(first))
}

impl Scanner<'_> {
    /// Whether what follows an address ending at `e` is what a business prints by its own
    /// address: in another cell of its line ("… 135 41 Tyresö | Org.nr …", "…   ABN …",
    /// "… . Guide £…"), or opening one of the next two lines, past a phone line ("Tel …\nOrg
    /// nr …", "Boarea 142 m²", "Offers in excess of …").
    fn business_follows(&self, e: usize) -> bool {
        let t = self.t;
        let hi = t.len().min(e + 240);
        let line_end = |from: usize| memchr::memchr(b'\n', &t[from..hi]).map_or(hi, |p| from + p);
        let text = |a: usize, b: usize| text_of(&t[a..b]);
        let le = line_end(e);
        let rest = &t[e..le];
        let first = rest.iter().position(|&b| b != b' ').map(|p| rest[p]);
        // Another cell: a column gap, a bar, a middle dot or bullet (both start with 0xC2
        // or 0xE2), a new sentence.
        let sep = rest.starts_with(b"   ")
            || matches!(first, Some(b'|' | b'\t' | 0xC2 | 0xE2))
            || rest.starts_with(b". ");
        if sep {
            if cells(text(e, le).trim_start_matches(['.', ' '])).any(business_cell) {
                return true;
            }
        } else if first.is_some_and(|b| b != b'\r') {
            return false;
        }
        let mut ls = le + 1;
        for _ in 0..2 {
            if ls >= hi {
                return false;
            }
            let le = line_end(ls);
            let mut s = ls;
            while s < le && matches!(t[s], b' ' | b'\t') {
                s += 1;
            }
            if s == le || t[s] == b'\r' {
                return false;
            }
            let line = text(s, le);
            if phone_line(line) {
                if cells(line).any(business_cell) {
                    return true;
                }
                ls = le + 1;
                continue;
            }
            // A cue opens the line: its first 48 bytes are enough.
            return cells(text(s, le.min(s + 48))).next().is_some_and(business_cell);
        }
        false
    }

    /// Whether a bracket right after an address ending at `e` says it is not a home
    /// ("Storgatan 1 (office, not home)", "(work address)").
    pub(super) fn not_a_home_after(&self, e: usize) -> bool {
        let t = self.t;
        if self.business_follows(e) || sale_price_after(&t[e..t.len().min(e + 40)]) {
            return true;
        }
        let mut k = e;
        while k < t.len() && k - e < 3 && t[k] == b' ' {
            k += 1;
        }
        if t.get(k) != Some(&b'(') {
            return false;
        }
        let hi = t.len().min(k + 48);
        let Some(close) = memchr::memchr(b')', &t[k..hi]) else { return false };
        let inside = String::from_utf8_lossy(&t[k + 1..k + close]).to_lowercase();
        names_a_place(&inside)
            || inside.split(',').any(|c| business_cell(c.trim()))
            || inside
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| matches!(w, "work" | "arbete" | "arbetsplats" | "jobbet"))
    }

    /// Whether the address starting at `s` is not a person's: the words before it on its line
    /// (up to 100 bytes), or, when it starts its line, the line above, name a place, a
    /// business, a company form or a PO box.
    pub(super) fn not_a_home(&self, s: usize) -> bool {
        let t = self.t;
        let lo = s.saturating_sub(100);
        let ls = memchr::memrchr(b'\n', &t[lo..s]).map_or(lo, |p| lo + p + 1);
        let mut from = ls;
        // Only what follows another address on the line speaks of this one ("… bor på
        // Vårdboendet X, Klövervägen 40, men folkbokföringen står på Torggatan 6").
        if let Some(e) = self
            .out
            .iter()
            .rev()
            .take(8)
            .filter(|c| {
                c.label == crate::Label::PostalAddress
                    && matches!(c.rec, "address" | "address_label" | "se_street" | "en_street" | "eu_street")
                    && c.end <= s
                    && c.end > from
            })
            .map(|c| c.end)
            .max()
        {
            from = e;
        }
        while from < s && (t[from] & 0xC0) == 0x80 {
            from += 1;
        }
        let before = String::from_utf8_lossy(&t[from..s]);
        // The clause right before the address says whose it is ("…, där jag själv bor,
        // Ekholmsvägen 118"): a home, whatever a clause further back names.
        if home_clause(&before) {
            return false;
        }
        if names_a_place(sentence_tail(&before)) || listing_before(&before) {
            return true;
        }
        if from == ls
            && ls < 400
            && memchr::memchr_iter(b'\n', &t[..ls]).count() <= 2
            && letterhead_lead(&before)
        {
            return true;
        }
        if place_lead(&before) {
            return true;
        }
        // The line above counts when the address opens its line, perhaps after a floor or
        // unit ("3rd Floor, 41 Cheapside" under a firm's name), or when it is a label that
        // heads the lines below ("Levereras till ombud:\n  Kiosken, Storgatan 1").
        let opens = before.trim().is_empty() || (before.len() <= 16 && !before.contains(':'));
        if ls == 0 || ls != from || t[ls - 1] != b'\n' {
            return false;
        }
        if !opens {
            let pe = ls - 1;
            let plo = pe.saturating_sub(100);
            let ps = memchr::memrchr(b'\n', &t[plo..pe]).map_or(plo, |p| plo + p + 1);
            let above = String::from_utf8_lossy(&t[ps..pe]);
            return above.trim_end().ends_with(':') && names_a_place(&above);
        }
        // The line above, and the one above it when the line above names the person a
        // letter to a company is for ("Till: Nordbygg AB\natt. Eva Lind\nStorgatan 1").
        let mut pe = ls - 1;
        // Prose wrapped before the address: its last clause says whose it is ("… bor kvar i
        // huset i Byn,\nStorgatan 1, …").
        let plo = pe.saturating_sub(100);
        let above = String::from_utf8_lossy(&t[plo..pe]);
        if above.trim_end().ends_with(|c: char| c.is_lowercase() || c == ',') && home_clause(&above) {
            return false;
        }
        for _ in 0..2 {
            let plo = pe.saturating_sub(100);
            let mut ps = memchr::memrchr(b'\n', &t[plo..pe]).map_or(plo, |p| plo + p + 1);
            while ps < pe && (t[ps] & 0xC0) == 0x80 {
                ps += 1;
            }
            let line = String::from_utf8_lossy(&t[ps..pe]);
            // In a layout of columns only the cell above the address speaks of it.
            let col = t[ls..s].iter().filter(|&&b| (b & 0xC0) != 0x80).count();
            let line = cell_at(&line, col);
            let lower = line.trim_start().to_lowercase();
            if names_a_place(line) || opening_hours(&lower) {
                return true;
            }
            // A company's registration number above the address: the company's own (not a
            // sole trader's personnummer, whose address is a home).
            if ["org.nr", "org nr", "orgnr", "org.-nr", "organisationsnr", "organisationsnummer"]
                .iter()
                .any(|a| lower.starts_with(a))
                && company_number(&lower)
            {
                return true;
            }
            // An attention or a c/o line: the line above it says whose address it is.
            let attention = ["att.", "att:", "attn", "fao", "for the attention", "c/o "]
                .iter()
                .any(|a| lower.starts_with(a));
            if !attention || ps == 0 || t[ps - 1] != b'\n' {
                return false;
            }
            pe = ps - 1;
        }
        false
    }
}

#[cfg(test)]
mod tests;
