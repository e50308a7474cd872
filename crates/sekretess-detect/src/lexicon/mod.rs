//! Name lexicons shipped in the crate (see `data/README.md`), and small word lists.

use std::sync::LazyLock;

use crate::wordset::WordSet;

mod labels;
pub use labels::is_name_label;

fn load(text: &'static str) -> WordSet {
    WordSet::new(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')))
}

static GIVEN: LazyLock<WordSet> = LazyLock::new(|| load(include_str!("../../data/given_names.txt")));
static SURNAMES: LazyLock<WordSet> = LazyLock::new(|| load(include_str!("../../data/surnames.txt")));

/// Whether `w` in lower case (Unicode rules) is in `set`, without allocating for ASCII words.
fn contains_lower(set: &WordSet, w: &str) -> bool {
    if w.is_ascii() { set.contains_ascii_lower(w.as_bytes()) } else { set.contains(&w.to_lowercase()) }
}

/// A common given name, as written (capitalised).
pub fn is_given(w: &str) -> bool {
    GIVEN.contains(w)
}

/// A common surname, as written (capitalised).
pub fn is_surname(w: &str) -> bool {
    SURNAMES.contains(w)
}

/// Swedish surname endings that make an unknown capitalised word a likely surname.
pub fn surname_shape(w: &str) -> bool {
    ["sson", "berg", "ström", "strom", "qvist", "kvist", "gren", "lund", "holm", "blad", "dahl", "man"]
        .iter()
        .any(|s| w.len() > s.len() + 1 && w.ends_with(s))
}

/// Words that, just before a capitalised word, announce a person's name.
pub fn is_person_cue(w: &str) -> bool {
    const CUES: &[&str] = &[
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "madam",
        "herr",
        "fru",
        "fröken",
        "dear",
        "hi",
        "hello",
        "hej",
        "hejsan",
        "hallå",
        "tjena",
        "name",
        "namn",
        "regards",
        "mvh",
        "hälsningar",
        "sincerely",
        "cheers",
        "thanks",
        "tack",
        "signed",
        "undertecknad",
        "kontaktperson",
        "contact",
        "customer",
        "kund",
        "patient",
        "employee",
        "anställd",
        "handläggare",
        "by",
        "från",
        "from",
        "to",
        "till",
        "attn",
        "att",
        "c/o",
        "ring",
        "call",
        "ask",
        "fråga",
        "kära",
        "bästa",
        "vänligen",
        "yours",
        "best",
        "kind",
        "warm",
        "hälsar",
        "contacted",
        "met",
        "named",
        "heter",
        "called",
    ];
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(CUES.iter().copied()));
    contains_lower(&SET, w)
}

/// Strong cues: titles, salutations and name fields.
pub fn is_strong_person_cue(w: &str) -> bool {
    const STRONG: &[&str] = &[
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "herr",
        "fru",
        "fröken",
        "dear",
        "hej",
        "hejsan",
        "hi",
        "hello",
        "name",
        "namn",
        "regards",
        "mvh",
        "hälsningar",
        "sincerely",
        "kära",
        "heter",
        "named",
        "handläggare",
        "customer",
        "kunden",
        "person",
        "patienten",
        "kontaktperson",
        "undertecknad",
        "attn",
        "signed",
    ];
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(STRONG.iter().copied()));
    contains_lower(&SET, w)
}

/// Capitalised words that are never the start of a name.
pub fn is_stop_word(w: &str) -> bool {
    const STOP: &[&str] = &[
        "The",
        "A",
        "An",
        "I",
        "In",
        "On",
        "At",
        "To",
        "For",
        "Of",
        "And",
        "Or",
        "But",
        "If",
        "This",
        "That",
        "These",
        "Those",
        "We",
        "You",
        "He",
        "She",
        "It",
        "They",
        "My",
        "Our",
        "Your",
        "His",
        "Her",
        "Their",
        "Please",
        "Thanks",
        "Thank",
        "Dear",
        "Hi",
        "Hello",
        "Hej",
        "Mvh",
        "Name",
        "Namn",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Prof",
        "Herr",
        "Fru",
        "Best",
        "Kind",
        "Regards",
        "Den",
        "Det",
        "De",
        "En",
        "Ett",
        "Jag",
        "Vi",
        "Du",
        "Han",
        "Hon",
        "Med",
        "Och",
        "Att",
        "Som",
        "Är",
        "Till",
        "Från",
        "Vänliga",
        "Hälsningar",
        "Tack",
        "Customer",
        "Kund",
        "Street",
        "Road",
        "Avenue",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        // The same closed class in Swedish, and abbreviated where the abbreviation is not also
        // a name ("Thu", "Tue", "Mon", "Sun" are).
        "Måndag",
        "Tisdag",
        "Onsdag",
        "Torsdag",
        "Fredag",
        "Lördag",
        "Söndag",
        "Tues",
        "Wed",
        "Thurs",
        "Fri",
        "Sat",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Yours",
        "Sincerely",
        "Cheers",
        "Attn",
        "Date",
        "Datum",
        "Phone",
        "Email",
        "Address",
        "Adress",
        "Telefon",
        "Card",
        "Account",
        "Konto",
        "Order",
        "Invoice",
        "Faktura",
        "Sweden",
        "Sverige",
        "Stockholm",
        "Göteborg",
        "Malmö",
        "Uppsala",
        "London",
        "New",
        "York",
        "Inc",
        "AB",
        "Ltd",
        "LLC",
        "Bank",
        "Signed",
        "Kära",
        "Bästa",
        "Hejsan",
        "Miss",
        "Sir",
        // Swedish and English words that often start a sentence or a line (issue 19).
        "Ja",
        "Nej",
        "Jo",
        "Okej",
        "Ok",
        "Visst",
        "Absolut",
        "Men",
        "Om",
        "När",
        "Där",
        "Här",
        "Hur",
        "Vad",
        "Var",
        "Vem",
        "Eftersom",
        "Efter",
        "Innan",
        "Under",
        "Över",
        "Alla",
        "Inga",
        // Swedish determiners and pronouns that start a sentence.
        "Ingen",
        "Inget",
        "Detta",
        "Denna",
        "Dessa",
        "Samma",
        "Varje",
        "Någon",
        "Något",
        "Några",
        "Kan",
        "Ska",
        "Vill",
        "God",
        "Bra",
        "Tyvärr",
        "Dessutom",
        "Enligt",
        "Angående",
        "Gällande",
        "Ang",
        "Även",
        "Också",
        "Då",
        "Nu",
        "Sedan",
        "Bifogar",
        "Bifogat",
        "Observera",
        "Obs",
        "Yes",
        "No",
        "Regarding",
        "Re",
        "Fwd",
        "Subject",
        "Ämne",
        "From",
        "Cc",
        "Sent",
        "Skickat",
        "Hälsa",
        "Ny",
        "Nya",
        "Nytt",
        "Vår",
        "Er",
        "Ert",
        "Era",
        "Avgående",
        "Tillträdande",
        "Patient",
        "Tenant",
        "Landlord",
        "Hyresgäst",
        "Hyresvärd",
        "Referens",
        "Reference",
        // Common nouns that head fields and schema types ("@type": "Person").
        "Person",
        "Personen",
        "Organization",
        // Public bodies and departments, which head many capitalised lines.
        "Region",
        "Kommun",
        "Landstinget",
        "Länsstyrelsen",
        "Skatteverket",
        "Försäkringskassan",
        "Kronofogden",
        "Polisen",
        "Department",
        "Ministry",
        "University",
        "Universitet",
        "Council",
        "Credit",
        "Support",
        "Kundtjänst",
        "Avdelning",
        "Avdelningen",
        "Enheten",
        "Ekonomiavdelningen",
        "Sales",
        "Billing",
        "Finance",
        "Accounts",
    ];
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(STOP.iter().copied()));
    SET.contains(w)
}

/// English month names (capitalised) and Swedish month names (lower case), with their number.
pub fn month(w: &str) -> Option<u32> {
    const MONTHS: &[(&str, u32)] = &[
        ("January", 1),
        ("February", 2),
        ("March", 3),
        ("April", 4),
        ("May", 5),
        ("June", 6),
        ("July", 7),
        ("August", 8),
        ("September", 9),
        ("October", 10),
        ("November", 11),
        ("December", 12),
        ("Jan", 1),
        ("Feb", 2),
        ("Mar", 3),
        ("Apr", 4),
        ("Jun", 6),
        ("Jul", 7),
        ("Aug", 8),
        ("Sep", 9),
        ("Sept", 9),
        ("Oct", 10),
        ("Nov", 11),
        ("Dec", 12),
        ("januari", 1),
        ("februari", 2),
        ("mars", 3),
        ("april", 4),
        ("maj", 5),
        ("juni", 6),
        ("juli", 7),
        ("augusti", 8),
        ("september", 9),
        ("oktober", 10),
        ("november", 11),
        ("december", 12),
    ];
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(MONTHS.iter().map(|(m, _)| *m)));
    SET.find(w).and_then(|k| MONTHS.get(k)).map(|(_, n)| *n)
}

/// Role nouns that, before a capitalised word, only weakly suggest a name ("Handläggare
/// Ekonomi", "customer Service").
pub fn is_role_noun(w: &str) -> bool {
    const ROLE: &[&str] =
        &["handläggare", "customer", "kunden", "person", "patienten", "kontaktperson", "undertecknad"];
    ROLE.iter().any(|r| w.eq_ignore_ascii_case(r))
}

/// Words that, right after capitalised words, make them part of a place name ("Karl Johans
/// torg", "Baker Street").
pub fn is_place_word(w: &str) -> bool {
    const WORDS: &[&str] = &[
        "torg",
        "torget",
        "gata",
        "gatan",
        "gate",
        "gaten",
        "gade",
        "väg",
        "vägen",
        "vei",
        "veien",
        "plats",
        "platsen",
        "park",
        "parken",
        "allé",
        "allén",
        "gränd",
        "stræde",
        "straße",
        "strasse",
        "plein",
        "straat",
        "gracht",
        "kade",
        "katu",
        "tie",
        "kuja",
        "calle",
        "plaza",
        "ulica",
        "backe",
        "backen",
        "bro",
        "bron",
        "hamn",
        "hamnen",
        "kyrka",
        "kyrkan",
        "skola",
        "skolan",
        "sjukhus",
        "sjukhuset",
        "station",
        "stationen",
    ];
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(WORDS.iter().copied()));
    SET.contains(w) || is_en_street(w)
}

/// Words that, right after a capitalised word, make it part of a company name ("Nowak Bygg
/// AB", "Berg & Söner").
pub fn is_company_word(w: &str) -> bool {
    const WORDS: &[&str] = &["&", "Bygg", "Holding", "Group", "Co", "Co.", "Corp", "Corp."];
    WORDS.contains(&w) || is_company_form(w)
}

/// Field words that are never part of a name: "Kortnummer", "Telefon", "Address".
pub fn is_field_word(w: &str) -> bool {
    let b = w.as_bytes();
    let ends = |suffix: &str| {
        b.len() >= suffix.len() && b[b.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    ends("nummer")
        || ends("number")
        || [
            "telefon", "phone", "mobil", "mobile", "adress", "address", "email", "e-post", "epost", "iban",
            "konto", "account", "card", "kort", "datum", "date",
        ]
        .iter()
        .any(|f| w.eq_ignore_ascii_case(f))
}

/// Company-form words: a postcode on the same line after one of them is the company's own
/// address (a letterhead), not a person's.
pub fn is_company_form(w: &str) -> bool {
    const FORMS: &[&str] = &[
        "AB",
        "HB",
        "KB",
        "Ltd",
        "Ltd.",
        "Inc",
        "Inc.",
        "GmbH",
        "AS",
        "ASA",
        "ApS",
        "A/S",
        "Oy",
        "Oyj",
        "BV",
        "B.V.",
        "NV",
        "LLC",
        "plc",
        "PLC",
        "S.L.",
        "S.A.",
        "Corp",
        "Corp.",
        "(publ)",
        // Company forms of other countries (Spain, Portugal, France, Italy, Germany, Austria,
        // Switzerland, Poland, Czechia, Slovakia, the Balkans, Hungary, Romania, the Baltics,
        // Iceland, the Americas, Australia).
        "SL",
        "S.L",
        "SLU",
        "S.L.U.",
        "SA",
        "S.A",
        "SAS",
        "S.A.S.",
        "SARL",
        "S.à r.l.",
        "EURL",
        "SNC",
        "Lda",
        "Lda.",
        "Ltda",
        "Ltda.",
        "SRL",
        "S.r.l.",
        "Srl",
        "SpA",
        "S.p.A.",
        "AG",
        "KG",
        "OHG",
        "GbR",
        "UG",
        "e.V.",
        "mbH",
        "z.o.o.",
        "o.o.",
        "s.r.o.",
        "a.s.",
        "d.o.o.",
        "d.d.",
        "Kft",
        "Kft.",
        "Zrt",
        "Zrt.",
        "Nyrt",
        "OÜ",
        "UAB",
        "SIA",
        "ehf",
        "ehf.",
        "hf",
        "hf.",
        "LLP",
        "LP",
        "L.P.",
        "Pty",
        "PLLC",
        "GmbH.",
        "Co.,",
        "Limited",
        "Incorporated",
        "Corporation",
        "Aktiebolag",
        "Aktiebolaget",
        "Handelsbolag",
        "Kommanditbolag",
    ];
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(FORMS.iter().copied()));
    SET.contains(w.trim_end_matches(','))
}

/// Swedish street-name endings ("Storgatan", "Kungsvägen" …).
pub fn is_se_street(w: &str) -> bool {
    const SUFFIX: &[&str] = &[
        "gatan",
        "vägen",
        "gränd",
        "gränden",
        "torget",
        "stigen",
        "backen",
        "allén",
        "platsen",
        "leden",
        "gata",
        "väg",
        "stig",
        "plan",
        "torg",
        "kajen",
        "esplanaden",
        "promenaden",
        "strand",
        "vagen",
        "svängen",
        "slingan",
        "gången",
        "ringen",
        "stråket",
        "raden",
    ];
    SUFFIX.iter().any(|s| w.len() > s.len() + 1 && w.ends_with(s))
}

/// English street-type words.
pub fn is_en_street(w: &str) -> bool {
    const SUFFIX: &[&str] = &[
        "Street",
        "St",
        "Avenue",
        "Ave",
        "Road",
        "Rd",
        "Boulevard",
        "Blvd",
        "Lane",
        "Ln",
        "Drive",
        "Dr",
        "Court",
        "Ct",
        "Way",
        "Place",
        "Pl",
        "Terrace",
        "Circle",
        "Parkway",
        "Pkwy",
        "Highway",
        "Hwy",
        "Square",
        "Sq",
        "Trail",
        "Row",
        "Close",
        "Crescent",
        "Gardens",
    ];
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(SUFFIX.iter().copied()));
    SET.contains(w)
}

/// US state and territory codes.
pub fn is_us_state(w: &[u8]) -> bool {
    const STATES: &[&[u8; 2]] = &[
        b"AL", b"AK", b"AZ", b"AR", b"CA", b"CO", b"CT", b"DE", b"FL", b"GA", b"HI", b"ID", b"IL", b"IN",
        b"IA", b"KS", b"KY", b"LA", b"ME", b"MD", b"MA", b"MI", b"MN", b"MS", b"MO", b"MT", b"NE", b"NV",
        b"NH", b"NJ", b"NM", b"NY", b"NC", b"ND", b"OH", b"OK", b"OR", b"PA", b"RI", b"SC", b"SD", b"TN",
        b"TX", b"UT", b"VT", b"VA", b"WA", b"WV", b"WI", b"WY", b"DC", b"PR",
    ];
    STATES.iter().any(|s| s.as_slice() == w)
}
