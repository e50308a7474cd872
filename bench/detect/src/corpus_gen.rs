//! Seeded generator of a labelled corpus.
//!
//! Every value is synthetic and valid by construction (checksums computed here). Offsets in
//! the gold spans are in characters (Unicode scalar values), like Python's string indices,
//! so the same file scores Sekretess and Presidio.

use std::fmt::Write as _;

use sekretess_detect::validate;

/// splitmix64: small, seeded, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }
}

/// A labelled document.
pub struct Doc {
    pub id: usize,
    pub family: &'static str,
    /// `text`, `csv`, `json`, `kv`.
    pub format: &'static str,
    pub text: String,
    /// (start char, end char, label).
    pub spans: Vec<(usize, usize, &'static str)>,
}

/// Builds a document, tracking character offsets of the labelled parts.
struct Builder {
    text: String,
    chars: usize,
    spans: Vec<(usize, usize, &'static str)>,
}

impl Builder {
    fn new() -> Builder {
        Builder { text: String::new(), chars: 0, spans: Vec::new() }
    }
    fn lit(&mut self, s: &str) {
        self.text.push_str(s);
        self.chars += s.chars().count();
    }
    fn pii(&mut self, label: &'static str, s: &str) {
        let start = self.chars;
        self.lit(s);
        self.spans.push((start, self.chars, label));
    }
    /// A template with `{LABEL}` slots filled from `values`.
    fn fill(&mut self, tpl: &str, g: &mut Gen) {
        let mut rest = tpl;
        while let Some(p) = rest.find('{') {
            self.lit(&rest[..p]);
            let Some(q) = rest[p..].find('}') else { break };
            let slot = &rest[p + 1..p + q];
            let (label, value) = g.value(slot);
            match label {
                Some(l) => self.pii(l, &value),
                None => self.lit(&value),
            }
            rest = &rest[p + q + 1..];
        }
        self.lit(rest);
    }
}

const GIVEN: &[&str] = &[
    "Anna", "Erik", "Lars", "Karin", "Johan", "Maria", "Emma", "Oskar", "Sofia", "Henrik", "Ingrid", "Mats",
    "Elin", "Gustav", "Astrid", "John", "Mary", "James", "Linda", "Robert", "Patricia", "Michael",
    "Jennifer", "David", "Sarah", "Thomas", "Laura", "Daniel", "Emily", "Peter", "Åsa", "Björn", "Örjan",
    "Linnéa",
];
/// Given names and surnames that are not in the shipped lexicons (held out).
const GIVEN_HELD_OUT: &[&str] =
    &["Folke", "Ragnhild", "Dagny", "Torsten", "Alfhild", "Evert", "Wendell", "Maud"];
const SURNAMES: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Lindberg",
    "Lindström",
    "Bergström",
    "Öberg",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Miller",
    "Davis",
    "Wilson",
    "Taylor",
    "Clark",
    "Walker",
    "Hughes",
    "Åberg",
    "Sjöberg",
];
const SURNAMES_HELD_OUT: &[&str] = &["Grönwall", "Tegnér", "Ashcombe", "Pettigrew", "Vinterhav", "Moberg"];
const CITIES_SE: &[&str] =
    &["Stockholm", "Göteborg", "Malmö", "Uppsala", "Lund", "Umeå", "Västerås", "Örebro"];
const STREETS_SE: &[&str] = &[
    "Storgatan",
    "Kungsgatan",
    "Drottninggatan",
    "Sveavägen",
    "Kyrkvägen",
    "Skolgatan",
    "Björkvägen",
    "Ringvägen",
];
const STREETS_EN: &[&str] = &[
    "Baker Street",
    "Main Street",
    "Oak Avenue",
    "Elm Road",
    "Maple Drive",
    "Park Lane",
    "Cedar Court",
    "Sunset Boulevard",
];
const CITIES_US: &[(&str, &str)] = &[
    ("Springfield", "IL"),
    ("Austin", "TX"),
    ("Portland", "OR"),
    ("Denver", "CO"),
    ("Boston", "MA"),
    ("Albany", "NY"),
];
const DOMAINS: &[&str] =
    &["example.com", "example.se", "mail.example.org", "foretaget.se", "corp.example.net"];

fn luhn_complete(prefix: &str) -> String {
    for d in 0..10 {
        let s = format!("{prefix}{d}");
        if validate::luhn(s.as_bytes()) {
            return s;
        }
    }
    prefix.to_string()
}

fn ascii_fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'å' | 'ä' | 'Å' | 'Ä' => 'a',
            'ö' | 'Ö' => 'o',
            'é' => 'e',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

pub struct Gen {
    pub rng: Rng,
    person: (String, String),
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        let mut g = Gen { rng: Rng::new(seed), person: (String::new(), String::new()) };
        g.new_person();
        g
    }

    fn new_person(&mut self) {
        let held = self.rng.chance(0.15);
        let given = if held { *self.rng.pick(GIVEN_HELD_OUT) } else { *self.rng.pick(GIVEN) };
        let held = self.rng.chance(0.15);
        let sur = if held { *self.rng.pick(SURNAMES_HELD_OUT) } else { *self.rng.pick(SURNAMES) };
        self.person = (given.to_string(), sur.to_string());
    }

    fn card(&mut self) -> String {
        let (prefix, len): (String, usize) = match self.rng.below(7) {
            0 => ("4".into(), 16),
            1 => ("4".into(), 16),
            2 => (format!("5{}", 1 + self.rng.below(5)), 16),
            3 => (format!("{}", 2221 + self.rng.below(500)), 16),
            4 => (if self.rng.chance(0.5) { "34" } else { "37" }.into(), 15),
            5 => ("6011".into(), 16),
            _ => (format!("35{}", 28 + self.rng.below(60)), 16),
        };
        let body = format!("{prefix}{}", self.rng.digits(len - prefix.len() - 1));
        let d = luhn_complete(&body);
        match (self.rng.below(3), len) {
            (0, _) => d,
            (k, 15) => {
                let sep = if k == 1 { " " } else { "-" };
                format!("{}{sep}{}{sep}{}", &d[..4], &d[4..10], &d[10..])
            }
            (k, _) => {
                let sep = if k == 1 { " " } else { "-" };
                d.as_bytes()
                    .chunks(4)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(sep)
            }
        }
    }

    fn ssn(&mut self) -> String {
        loop {
            let area = 1 + self.rng.below(898);
            if area == 666 {
                continue;
            }
            let group = 1 + self.rng.below(99);
            let serial = 1 + self.rng.below(9999);
            let s = format!("{area:03}{group:02}{serial:04}");
            if !validate::is_ssn(s.as_bytes()) {
                continue;
            }
            let sep = if self.rng.chance(0.85) { "-" } else { " " };
            return format!("{}{sep}{}{sep}{}", &s[..3], &s[3..5], &s[5..]);
        }
    }

    fn pnr(&mut self) -> String {
        let year = 1940 + self.rng.below(66);
        let month = 1 + self.rng.below(12);
        let mut day = 1 + self.rng.below(28);
        if self.rng.chance(0.1) {
            day += 60;
        }
        let ten = luhn_complete(&format!("{:02}{month:02}{day:02}{}", year % 100, self.rng.digits(3)));
        match self.rng.below(5) {
            0 | 1 => format!("{}-{}", &ten[..6], &ten[6..]),
            2 => format!("{}{}-{}", year / 100, &ten[..6], &ten[6..]),
            3 => format!("{}{ten}", year / 100),
            _ => ten,
        }
    }

    fn orgnr(&mut self) -> String {
        let first = *self.rng.pick(&['2', '5', '5', '5', '7', '8', '9']);
        let third = char::from(b'2' + self.rng.below(8) as u8);
        let ten = luhn_complete(&format!("{first}{}{third}{}", self.rng.digits(1), self.rng.digits(6)));
        if self.rng.chance(0.7) { format!("{}-{}", &ten[..6], &ten[6..]) } else { ten }
    }

    fn iban(&mut self) -> String {
        let (cc, bban) = match self.rng.below(7) {
            0 => ("SE", self.rng.digits(20)),
            1 => ("DE", self.rng.digits(18)),
            2 => ("GB", format!("{}{}", ["NWBK", "BARC", "HBUK"][self.rng.below(3)], self.rng.digits(14))),
            3 => ("NL", format!("{}{}", ["ABNA", "INGB", "RABO"][self.rng.below(3)], self.rng.digits(10))),
            4 => ("FR", format!("{}{}", self.rng.digits(21), self.rng.digits(2))),
            5 => ("NO", self.rng.digits(11)),
            _ => ("DK", self.rng.digits(14)),
        };
        let rearranged = format!("{bban}{cc}00");
        let mut r: u32 = 0;
        for c in rearranged.chars() {
            let v = c.to_digit(36).unwrap_or(0);
            r = if v >= 10 { (r * 100 + v) % 97 } else { (r * 10 + v) % 97 };
        }
        let check = 98 - r;
        let compact = format!("{cc}{check:02}{bban}");
        if self.rng.chance(0.5) {
            compact
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            compact
        }
    }

    fn bank(&mut self) -> String {
        if self.rng.chance(0.5) {
            let n = 6 + self.rng.below(2);
            let d = luhn_complete(&self.rng.digits(n));
            let k = d.len() - 4;
            format!("{}-{}", &d[..k], &d[k..])
        } else {
            let n = 5 + self.rng.below(3);
            let d = luhn_complete(&self.rng.digits(n));
            let k = d.len() - 1;
            format!("{}-{}", &d[..k], &d[k..])
        }
    }

    fn phone(&mut self) -> String {
        let r = &mut self.rng;
        match r.below(7) {
            0 => format!("+46 7{} {} {} {}", r.below(10), r.digits(3), r.digits(2), r.digits(2)),
            1 => format!("07{}-{} {} {}", r.below(10), r.digits(3), r.digits(2), r.digits(2)),
            2 => format!("08-{} {} {}", r.digits(3), r.digits(2), r.digits(2)),
            3 => format!(
                "+1 ({}{}) {}{}-{}",
                2 + r.below(8),
                r.digits(2),
                2 + r.below(8),
                r.digits(2),
                r.digits(4)
            ),
            4 => format!(
                "({}{}) {}{}-{}",
                2 + r.below(8),
                r.digits(2),
                2 + r.below(8),
                r.digits(2),
                r.digits(4)
            ),
            5 => {
                format!("{}{}-{}{}-{}", 2 + r.below(8), r.digits(2), 2 + r.below(8), r.digits(2), r.digits(4))
            }
            _ => format!("+44 20 {} {}", r.digits(4), r.digits(4)),
        }
    }

    fn ip(&mut self) -> String {
        let r = &mut self.rng;
        if r.chance(0.75) {
            format!("{}.{}.{}.{}", 1 + r.below(223), r.below(256), r.below(256), 1 + r.below(254))
        } else {
            let mut s = String::from("2001:db8");
            for _ in 0..3 {
                let _ = write!(s, ":{:x}", r.below(65536));
            }
            if r.chance(0.5) {
                let _ = write!(s, "::{:x}", 1 + r.below(65535));
            } else {
                for _ in 0..3 {
                    let _ = write!(s, ":{:x}", r.below(65536));
                }
            }
            s
        }
    }

    fn date(&mut self, swedish: bool) -> String {
        let r = &mut self.rng;
        let (y, m, d) = (1940 + r.below(66), 1 + r.below(12), 1 + r.below(28));
        const EN: [&str; 12] = [
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
        ];
        const SV: [&str; 12] = [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ];
        match r.below(4) {
            0 => format!("{y}-{m:02}-{d:02}"),
            1 if swedish => format!("{d} {} {y}", SV[m - 1]),
            1 => format!("{d} {} {y}", EN[m - 1]),
            2 if swedish => format!("{d:02}.{m:02}.{y}"),
            2 => format!("{m:02}/{d:02}/{y}"),
            _ if swedish => format!("{y}-{m:02}-{d:02}"),
            _ => format!("{} {d}, {y}", EN[m - 1]),
        }
    }

    /// A slot's (label, text). Slots without a label are filler.
    pub fn value(&mut self, slot: &str) -> (Option<&'static str>, String) {
        let l = |s: &'static str| Some(s);
        match slot {
            "CARD" => (l("CARD_NUMBER"), self.card()),
            "SSN" => (l("US_SSN"), self.ssn()),
            "PNR" => (l("SE_PERSONNUMMER"), self.pnr()),
            "ORGNR" => (l("SE_ORGNR"), self.orgnr()),
            "IBAN" => (l("IBAN"), self.iban()),
            "BANK" => (l("SE_BANK_ACCOUNT"), self.bank()),
            "EMAIL" => {
                let (g, s) = self.person.clone();
                let d = *self.rng.pick(DOMAINS);
                (l("EMAIL"), format!("{}.{}@{d}", ascii_fold(&g), ascii_fold(&s)))
            }
            "PHONE" => (l("PHONE"), self.phone()),
            "IP" => (l("IP_ADDRESS"), self.ip()),
            "DOB" => (l("DATE_OF_BIRTH"), self.date(false)),
            "DOB_SV" => (l("DATE_OF_BIRTH"), self.date(true)),
            "NAME" => {
                self.new_person();
                (l("PERSON"), format!("{} {}", self.person.0, self.person.1))
            }
            "GIVEN" => {
                self.new_person();
                (l("PERSON"), self.person.0.clone())
            }
            "SURNAME" => {
                self.new_person();
                (l("PERSON"), self.person.1.clone())
            }
            // A whole address is one span (street and number, postcode and town), as in the
            // hand-labelled set (issue 19).
            "ADDR_SE" => {
                let s = *self.rng.pick(STREETS_SE);
                let n = 1 + self.rng.below(120);
                let pc = format!("{}{} {}", 1 + self.rng.below(9), self.rng.digits(2), self.rng.digits(2));
                let city = *self.rng.pick(CITIES_SE);
                (l("POSTAL_ADDRESS"), format!("{s} {n}, {pc} {city}"))
            }
            "CITY_SE" => (None, (*self.rng.pick(CITIES_SE)).to_string()),
            "ADDR_US" => {
                let s = *self.rng.pick(STREETS_EN);
                let n = 1 + self.rng.below(9000);
                let (c, st) = *self.rng.pick(CITIES_US);
                (l("POSTAL_ADDRESS"), format!("{n} {s}, {c}, {st} {}", self.rng.digits(5)))
            }
            // Lookalike negatives
            "ORDER" => (None, format!("{}", 10_000_000 + self.rng.below(89_999_999))),
            "TRACKING" => (None, format!("1Z{}{}", self.rng.digits(3), self.rng.digits(13))),
            "SKU" => (None, self.rng.digits(16)),
            "TS" => {
                let r = &mut self.rng;
                (
                    None,
                    format!(
                        "2024-{:02}-{:02} {:02}:{:02}:{:02}",
                        1 + r.below(12),
                        1 + r.below(28),
                        r.below(24),
                        r.below(60),
                        r.below(60)
                    ),
                )
            }
            "EPOCH" => (None, format!("17{}", self.rng.digits(8))),
            "VERSION" => {
                let r = &mut self.rng;
                (None, format!("{}.{}.{}", r.below(20), r.below(30), r.below(200)))
            }
            "AMOUNT" => {
                (None, format!("{} {},{}", 1 + self.rng.below(99), self.rng.digits(3), self.rng.digits(2)))
            }
            "N" => (None, format!("{}", 1 + self.rng.below(500))),
            "INVOICE" => (None, format!("INV-{}", self.rng.digits(7))),
            _ => (None, slot.to_string()),
        }
    }
}

const EN_PROSE: &[&str] = &[
    "Dear {NAME}, thank you for your order.",
    "Please charge my card {CARD} for the renewal.",
    "My SSN is {SSN} and my date of birth is {DOB}.",
    "You can reach me at {EMAIL} or on {PHONE}.",
    "Our customer {NAME} lives at {ADDR_US}.",
    "Wire the refund to IBAN {IBAN} before Friday.",
    "The login came from {IP} at 09:14.",
    "Mr {SURNAME} called about invoice {INVOICE} this morning.",
    "She was born on {DOB} in Ohio.",
    "Contact person: {NAME}, phone {PHONE}.",
    "The supplier's organisation number is {ORGNR}.",
    "Her Swedish personal identity number is {PNR}.",
    "Best regards,\n{NAME}",
    "The meeting with {NAME} moved to room {N}.",
    "Hello {GIVEN}, your package is on the way.",
    "Pay to bankgiro {BANK} within 30 days.",
];

const SV_PROSE: &[&str] = &[
    "Hej {GIVEN}! Tack för din beställning.",
    "Mitt personnummer är {PNR} och jag bor på {ADDR_SE}.",
    "Ring mig på {PHONE} eller mejla {EMAIL}.",
    "Betala till bankgiro {BANK} senast den 30:e.",
    "Kunden {NAME} har kortnummer {CARD}.",
    "Företagets organisationsnummer är {ORGNR}.",
    "Hon är född {DOB_SV} i {CITY_SE}.",
    "Överför beloppet till IBAN {IBAN}.",
    "Med vänliga hälsningar,\n{NAME}",
    "Inloggningen kom från {IP} i går kväll.",
    "Handläggare: {NAME}, telefon {PHONE}.",
    "Fakturan {INVOICE} gäller {N} timmar konsultarbete.",
    "Vi har pratat med {NAME} om avtalet.",
    "Samordningsnummer {PNR} registrerades i dag.",
];

const NEGATIVES: &[&str] = &[
    "Order {ORDER} shipped; tracking number {TRACKING}.",
    "SKU {SKU} is back in stock.",
    "Build {VERSION} was deployed at {TS}.",
    "Event logged at {TS} (epoch {EPOCH}).",
    "Version {VERSION} fixes the crash in module {N}.",
    "Ordernummer {ORDER} skickades {TS}.",
    "Artikelnummer {SKU} finns i lager.",
    "Invoice {INVOICE} totals {AMOUNT} SEK.",
    "Room {N}, floor {N}, meeting at 10:30.",
    "Paket {TRACKING} levereras i morgon.",
    "May the new release {VERSION} bring fewer bugs.",
];

const LOGS: &[&str] = &[
    "{TS} INFO login ok user_email={EMAIL} client_ip={IP}",
    "{TS} WARN payment failed card={CARD} amount={N}",
    "{TS} INFO customer=\"{NAME}\" phone={PHONE} ts={EPOCH}",
    "{TS} DEBUG order={ORDER} sku={SKU} version={VERSION}",
    "{TS} INFO pnr={PNR} action=lookup",
    "{TS} ERROR iban={IBAN} reason=\"rejected\"",
];

fn csv_doc(g: &mut Gen, b: &mut Builder) {
    b.lit("name,email,phone,personnummer,card,city\n");
    for _ in 0..(2 + g.rng.below(4)) {
        b.fill("{NAME},{EMAIL},{PHONE},{PNR},{CARD},{CITY_SE}\n", g);
    }
}

fn json_doc(g: &mut Gen, b: &mut Builder) {
    b.lit("{\"customer\": {\"name\": \"");
    b.fill("{NAME}", g);
    b.lit("\", \"email\": \"");
    b.fill("{EMAIL}", g);
    b.lit("\", \"phones\": [\"");
    b.fill("{PHONE}", g);
    b.lit("\"], \"ssn\": \"");
    b.fill("{SSN}", g);
    b.lit("\", \"iban\": \"");
    b.fill("{IBAN}", g);
    b.lit("\", \"order\": \"");
    b.fill("{ORDER}", g);
    b.lit("\", \"note\": \"");
    b.fill("Call {PHONE} after lunch.", g);
    b.lit("\"}}");
}

fn kv_form(g: &mut Gen, b: &mut Builder) {
    let swedish = g.rng.chance(0.5);
    let rows: &[&str] = if swedish {
        &[
            "Namn: {NAME}\n",
            "Personnummer: {PNR}\n",
            "Adress: {ADDR_SE}\n",
            "Telefon: {PHONE}\n",
            "E-post: {EMAIL}\n",
            "Födelsedatum: {DOB_SV}\n",
        ]
    } else {
        &[
            "Name: {NAME}\n",
            "SSN: {SSN}\n",
            "Address: {ADDR_US}\n",
            "Phone: {PHONE}\n",
            "Email: {EMAIL}\n",
            "Date of birth: {DOB}\n",
            "Card: {CARD}\n",
        ]
    };
    for r in rows {
        b.fill(r, g);
    }
}

/// The corpus: `n` documents over the families, deterministic for a seed.
pub fn corpus(seed: u64, n: usize) -> Vec<Doc> {
    let mut g = Gen::new(seed);
    let families = ["en_prose", "sv_prose", "csv", "json", "log", "kv_form", "negatives"];
    (0..n)
        .map(|id| {
            let family = families[id % families.len()];
            let mut b = Builder::new();
            let format = match family {
                "en_prose" | "sv_prose" | "negatives" => {
                    let tpls = match family {
                        "en_prose" => EN_PROSE,
                        "sv_prose" => SV_PROSE,
                        _ => NEGATIVES,
                    };
                    for k in 0..(2 + g.rng.below(4)) {
                        if k > 0 {
                            b.lit(" ");
                        }
                        let t = *g.rng.pick(tpls);
                        b.fill(t, &mut g);
                    }
                    "text"
                }
                "csv" => {
                    csv_doc(&mut g, &mut b);
                    "csv"
                }
                "json" => {
                    json_doc(&mut g, &mut b);
                    "json"
                }
                "log" => {
                    for _ in 0..(2 + g.rng.below(4)) {
                        let t = *g.rng.pick(LOGS);
                        b.fill(t, &mut g);
                        b.lit("\n");
                    }
                    "kv"
                }
                _ => {
                    kv_form(&mut g, &mut b);
                    "text"
                }
            };
            Doc { id, family, format, text: b.text, spans: b.spans }
        })
        .collect()
}
