//! Seeded generator of training text for the PERSON model: names of many origins
//! (`names/names.txt`) in the places names are written (mail headers, signatures, form
//! labels, salutations, chat lines, prose, CSV cells, JSON keys, log fields, capitals,
//! initials, `Surname, Given`) and capitalised words that are not names (companies, streets
//! and squares, role titles, towns, function words, headings). Only PERSON spans are labelled.

mod structures;

use crate::corpus_gen::{Doc, Rng};
use structures::more_structures;

struct Names {
    given: Vec<&'static str>,
    sur: Vec<&'static str>,
}

fn names() -> Names {
    let mut n = Names { given: Vec::new(), sur: Vec::new() };
    for line in include_str!("../../names/names.txt").lines() {
        let mut it = line.split_whitespace();
        let list = match it.next() {
            Some("g") => &mut n.given,
            Some("s") => &mut n.sur,
            _ => continue,
        };
        list.extend(it);
    }
    n
}

struct B {
    text: String,
    chars: usize,
    spans: Vec<(usize, usize, &'static str)>,
}

impl B {
    fn lit(&mut self, s: &str) {
        self.text.push_str(s);
        self.chars += s.chars().count();
    }
    fn name(&mut self, s: &str) {
        let start = self.chars;
        self.lit(s);
        self.spans.push((start, self.chars, "PERSON"));
    }
}

const COMPANY_WORDS: &[&str] = &[
    "Bygg AB",
    "& Söner",
    "& Co",
    "Design AB",
    "Properties",
    "Consulting Ltd",
    "Holding AB",
    "Transport AB",
    "Group",
    "Fastigheter AB",
    "El & VVS AB",
    "Måleri HB",
    "Trading GmbH",
    "Logistics Inc.",
    "Partners LLP",
    "Juridik AB",
    "Städ AB",
    "Advokatbyrå KB",
    "Invest Oy",
    "A/S",
];
const PLACES: &[&str] = &[
    "Stockholm",
    "Göteborg",
    "Malmö",
    "Uppsala",
    "Västerås",
    "Örebro",
    "Linköping",
    "Helsingborg",
    "Umeå",
    "London",
    "Manchester",
    "Oslo",
    "Bergen",
    "Copenhagen",
    "Helsinki",
    "Berlin",
    "Madrid",
    "Chicago",
    "Boston",
];
const STREETS: &[&str] = &[
    "torg", "torget", "gatan", "vägen", "väg", "plats", "Street", "Road", "Avenue", "Square", "Lane", "allé",
    "gate", "plads", "straße", "backe", "park",
];
const ROLES: &[&str] = &[
    "Avdelningschef Ekonomi",
    "Director Sales Nordics",
    "Säljare Göteborg",
    "Handläggare Ekonomi",
    "Head of Finance",
    "Kundtjänst Support",
    "Customer Service",
    "Account Manager",
    "Ekonomiavdelningen",
    "HR Business Partner",
    "Chief Operating Officer",
    "Projektledare Bygg",
    "Team Lead Payments",
];
const COMPANY_PARTS: &[&str] = &[
    "Nordic",
    "Elektro",
    "Kraft",
    "Fjord",
    "Kayak",
    "Tours",
    "Baltic",
    "Amber",
    "Export",
    "Svenska",
    "Teknik",
    "Data",
    "Konsult",
    "Service",
    "Solutions",
    "Media",
    "Fastighets",
    "Energi",
    "Green",
    "Blue",
    "Ocean",
    "Nord",
    "Syd",
    "Väst",
    "Skog",
    "Sjö",
    "Byggmaterial",
    "Städexperten",
    "Måleri",
    "Textiles",
    "Bageri",
    "Café",
    "Print",
    "Systems",
    "Logistik",
    "Frakt",
    "Trädgård",
    "Events",
    "Studio",
    "Design",
    "Region",
    "Brf",
    "Ekonomiföreningen",
    "Kommun",
    "Stiftelsen",
    "Fastigheter",
    "Optik",
    "Hälsa",
    "Tandvård",
];
const FORMS: &[&str] = &["AB", "AS", "Oy", "Ltd", "UAB", "GmbH", "HB", "A/S", "Inc.", "LLC", "BV", "ApS"];
const COUNTRIES: &[&str] = &[
    "Nigeria",
    "South Africa",
    "Sweden",
    "Sverige",
    "Norway",
    "Norge",
    "Kenya",
    "Somalia",
    "Iran",
    "Turkey",
    "Poland",
    "Vietnam",
    "China",
    "Eritrea",
    "Ethiopia",
    "United Kingdom",
    "Finland",
    "Danmark",
    "Spain",
];
const LOG_WORDS: &[&str] = &[
    "Retrying",
    "Started",
    "Stopped",
    "Connection",
    "Request",
    "Response",
    "Timeout",
    "Payment",
    "Charge",
    "Refund",
    "Gateway",
    "Cache",
    "Session",
    "Worker",
    "Job",
    "Queue",
    "Sending",
    "Received",
    "Failed",
    "Updated",
    "Created",
    "Deleted",
    "Token",
    "Webhook",
    "Login",
    "Logout",
    "Export",
    "Import",
    "Scheduler",
];
const HEADINGS: &[&str] = &[
    "Kolli  Artikel",
    "Order Details",
    "Invoice Summary",
    "Anhörig att kontakta:",
    "Förlorat",
    "Insured's ID:",
    "Totalt att betala",
    "Payment Terms",
    "Leveransadress",
    "Bilagor",
    "Övrigt",
    "Sammanfattning",
    "Next Steps",
    "Action Items",
    "Beslut",
    "Närvarande",
    "Ärende",
    "Diagnos",
    "Medicinering",
    "Allergier",
];
const FILL_SV: &[&str] = &[
    "Tack för ditt meddelande.",
    "Ja, det stämmer.",
    "Vi återkommer så snart vi kan.",
    "Fakturan skickas i slutet av månaden.",
    "Mötet flyttas till torsdag.",
    "Ärendet är nu avslutat.",
    "Ring gärna om något är oklart.",
    "Nej, vi har inte fått betalningen.",
    "Leveransen kommer med Postnord.",
    "Styrelsen beslutade att godkänna budgeten.",
];
const FILL_EN: &[&str] = &[
    "Thank you for your message.",
    "Yes, that is correct.",
    "We will get back to you shortly.",
    "The invoice is attached.",
    "Please find the Order Summary below.",
    "The meeting moves to Thursday.",
    "Your Account Settings were updated.",
    "Monday works for the Finance Team.",
    "The Board approved the Annual Report.",
    "Customer Support will call you back.",
];

struct G<'a> {
    r: &'a mut Rng,
    n: &'a Names,
}

impl G<'_> {
    fn pk(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.r.below(xs.len())]
    }
    fn given(&mut self) -> String {
        self.r.pick(&self.n.given).replace('_', " ")
    }
    fn sur(&mut self) -> String {
        self.r.pick(&self.n.sur).replace('_', " ")
    }
    /// A full name in one of its written forms.
    fn full(&mut self) -> String {
        let g = self.given();
        let s = self.sur();
        match self.r.below(12) {
            0 => format!("{g} {} {s}", self.given()),
            1 => format!("{g} {s}-{}", self.sur()),
            2 => format!("{}. {s}", &g.chars().next().unwrap_or('A')),
            3 => format!("{g} {}.", self.sur().chars().next().unwrap_or('B')),
            4 => format!("{g} {} {s}", self.sur()),
            _ => format!("{g} {s}"),
        }
    }
    fn company(&mut self) -> String {
        let s = self.sur();
        format!("{s} {}", self.r.pick(COMPANY_WORDS))
    }
    fn street(&mut self) -> String {
        let w = self.r.pick(STREETS);
        let base =
            if self.r.chance(0.5) { format!("{} {}s", self.given(), self.sur()) } else { self.given() };
        if w.chars().next().is_some_and(char::is_uppercase) {
            format!("{base} {w}")
        } else {
            format!("{base}s {w}")
        }
    }
}

fn text_doc(g: &mut G, b: &mut B, sv: bool) {
    let parts = 2 + g.r.below(5);
    for _ in 0..parts {
        match g.r.below(38) {
            32..=35 => more_structures(g, b, sv),
            0 => {
                b.lit(if sv { "Från: " } else { "From: " });
                b.name(&g.full());
                b.lit(&format!(" <{}@example.com>\n", g.r.below(999)));
            }
            1 => {
                b.lit(if sv { "Till: " } else { "To: " });
                b.name(&g.full());
                b.lit("\n");
            }
            2 => {
                b.lit(g.pk(&[
                    "Med vänliga hälsningar\n",
                    "Vänliga hälsningar,\n",
                    "Mvh\n",
                    "Kind regards,\n",
                    "Best,\n",
                    "Sincerely,\n",
                ]));
                b.name(&g.full());
                b.lit("\n");
                if g.r.chance(0.4) {
                    b.lit(&format!("{}\n", g.r.pick(ROLES)));
                }
            }
            3 => {
                let label = g.r.pick(&[
                    "Patient Name",
                    "Tenant",
                    "Landlord",
                    "Hyresgäst",
                    "Hyresvärd",
                    "Er referens",
                    "Vår referens",
                    "Kontaktperson",
                    "Handläggare",
                    "Name",
                    "Namn",
                    "Full name",
                    "Employee",
                    "Anställd",
                    "Sökande",
                    "Försäkringstagare",
                    "Policyholder",
                    "Contact",
                    "Beneficiary",
                    "Förmånstagare",
                    "Elev",
                    "Vårdnadshavare",
                    "Guardian",
                    "Driver",
                    "Signed",
                    "Mottagare",
                    "Avsändare",
                    "Kund",
                ]);
                b.lit(&format!("{label}: "));
                b.name(&g.full());
                b.lit("\n");
            }
            4 => {
                b.lit(if sv { "Ny styrelseledamot: " } else { "New board member: " });
                b.name(&g.full());
                b.lit(&format!(
                    " ({}{:02}{:02}-{:04})\n",
                    50 + g.r.below(50),
                    1 + g.r.below(12),
                    1 + g.r.below(28),
                    g.r.below(10000)
                ));
            }
            5 => {
                b.lit(if sv { "Hej " } else { "Hi " });
                b.name(&g.given());
                b.lit(",\n");
            }
            6 => {
                b.lit(g.pk(&["Dear Ms ", "Dear Mr ", "Dear Dr ", "Bästa fru ", "Dear Mrs "]));
                b.name(&g.sur());
                b.lit(",\n");
            }
            7 => {
                b.lit(&format!("[{:02}:{:02}] ", g.r.below(24), g.r.below(60)));
                b.name(&g.given());
                b.lit(&format!(": {}\n", g.r.pick(if sv { FILL_SV } else { FILL_EN })));
            }
            8 => {
                b.lit(if sv { "Jag pratade med " } else { "I spoke with " });
                b.name(&g.full());
                b.lit(if sv { " i går om fakturan.\n" } else { " yesterday about the invoice.\n" });
            }
            9 => {
                b.name(&g.full());
                b.lit(if sv {
                    " ringde och ville ändra adressen.\n"
                } else {
                    " called to change the address.\n"
                });
            }
            10 => {
                b.lit(if sv { "Kunden " } else { "The customer, " });
                b.name(&g.full());
                b.lit(if sv { ", har betalat.\n" } else { ", has paid.\n" });
            }
            11 => {
                // Two people sharing a surname: two spans.
                b.name(&g.given());
                b.lit(if sv { " och " } else { " and " });
                b.name(&format!("{} {}", g.given(), g.sur()));
                b.lit(if sv { " flyttar in den 1 mars.\n" } else { " move in on 1 March.\n" });
            }
            12 => {
                b.lit(g.pk(&["NAMN: ", "NAME: ", "PATIENT: ", ""]));
                b.name(&g.full().to_uppercase());
                b.lit("\n");
            }
            13 => {
                b.lit(g.pk(&["Er referens: ", "Contact: ", "Name: ", "Kund: "]));
                b.name(&format!("{}, {}", g.sur(), g.given()));
                b.lit("\n");
            }
            14 => {
                b.lit(if sv { "Leverantör: " } else { "Supplier: " });
                b.lit(&g.company());
                b.lit("\n");
            }
            15 => {
                b.lit(if sv { "Vi ses på " } else { "We meet at " });
                b.lit(&g.street());
                b.lit(
                    &format!(
                        " {}.\n",
                        if g.r.chance(0.5) { g.r.below(80).to_string() } else { String::new() }
                    )
                    .replace("  ", " "),
                );
            }
            16 => {
                b.lit(g.pk(ROLES));
                b.lit("\n");
            }
            17 => {
                b.lit(g.pk(&["Bolaget ", "The company ", "Faktura från ", "Invoice from "]));
                b.lit(&g.company());
                b.lit(g.pk(&[" i ", " in "]));
                b.lit(g.pk(PLACES));
                b.lit(".\n");
            }
            18 => {
                b.lit(if sv { "Enligt " } else { "According to " });
                b.name(&g.full());
                b.lit(if sv { " är allt klart.\n" } else { " everything is done.\n" });
            }
            19 => {
                b.lit(if sv { "/" } else { "-- \n" });
                b.name(&g.given());
                b.lit("\n");
            }
            20 => {
                b.lit("Dr. ");
                b.name(&g.full());
                b.lit(if sv { " undersökte patienten.\n" } else { " examined the patient.\n" });
            }
            21 => {
                b.lit("Attn: ");
                b.name(&g.full());
                b.lit(&format!(", {}\n", g.company()));
            }
            22 => {
                b.lit(&format!("user=\"{}\" action=login ", g.r.below(9999)));
                b.lit("name=\"");
                b.name(&g.full());
                b.lit("\"\n");
            }
            23 => {
                b.lit(g.pk(&["Signerat av ", "Signed by ", "Approved by ", "Godkänt av ", "Ansvarig: "]));
                b.name(&g.full());
                b.lit(".\n");
            }
            24 => {
                // Chat display names with a time.
                if g.r.chance(0.5) {
                    b.lit(&format!(
                        "[2025-{:02}-{:02} {:02}:{:02}] ",
                        1 + g.r.below(12),
                        1 + g.r.below(28),
                        g.r.below(24),
                        g.r.below(60)
                    ));
                    b.name(&format!("{} {}", g.given(), g.sur()));
                    b.lit(": ");
                } else {
                    b.name(&format!("{} {}", g.given(), g.sur()));
                    b.lit(&format!(" {:02}:{:02}: ", g.r.below(24), g.r.below(60)));
                }
                b.lit(g.pk(if sv { FILL_SV } else { FILL_EN }));
                b.lit("\n");
            }
            25 => {
                // Companies of ordinary words.
                b.lit(g.pk(&[
                    "Seller: ",
                    "From: ",
                    "Leverantör: ",
                    "Client: ",
                    "Hyresvärd: ",
                    "",
                    "Sender: ",
                ]));
                let a = g.pk(COMPANY_PARTS);
                let c = g.pk(COMPANY_PARTS);
                let form = g.pk(FORMS);
                match g.r.below(3) {
                    0 => b.lit(&format!("{a} {c} {form}")),
                    1 => b.lit(&format!("{a} i {} {form}", g.pk(PLACES))),
                    _ => b.lit(&format!("{a} {c}")),
                }
                b.lit(g.pk(&[", org.nr 556677-8899\n", "\n", ", Vilnius\n", " \n"]));
            }
            26 => {
                b.lit(&format!(
                    "2025-03-04 10:{:02}:11,450 INFO  [payment-worker-{}] ",
                    g.r.below(60),
                    g.r.below(9)
                ));
                b.lit(g.pk(LOG_WORDS));
                b.lit(g.pk(&[
                    " ok order=FR-118820\n",
                    " rejected charge: amount=120\n",
                    " with 3DS for order=A-1\n",
                    " done in 120 ms\n",
                ]));
            }
            27 => {
                b.lit(&format!("Lagos 1061{:02}\n", g.r.below(99)));
                b.lit(g.pk(COUNTRIES));
                b.lit("\n");
            }
            28 => {
                b.lit(g.pk(HEADINGS));
                b.lit("\n");
            }
            29 => {
                // People who introduce themselves (chats, calls, texts).
                b.lit(g.pk(if sv {
                    &["Hej, jag heter ", "Hej! Det är ", "Mitt namn är ", "Hej, det är ", "Jag heter "][..]
                } else {
                    &["Hi, I'm ", "Hello, this is ", "Hi, it's ", "My name is ", "Hey, I'm ", "I am "][..]
                }));
                if g.r.chance(0.5) {
                    b.name(&g.given());
                } else {
                    b.name(&g.full());
                }
                b.lit(
                    g.pk(if sv {
                        &[
                            " från kundtjänst.\n",
                            ". Ring mig.\n",
                            " och jag ringer om fakturan.\n",
                            ", tack.\n",
                        ][..]
                    } else {
                        &[
                            " from the school office.\n",
                            ". Call me back.\n",
                            " btw, see you at 11\n",
                            ", thanks.\n",
                        ][..]
                    }),
                );
            }
            30 => {
                // The same cues before capitalised words that are not names.
                b.lit(g.pk(if sv {
                    &["Det är ", "Jag är ", "Det blir "][..]
                } else {
                    &["I'm ", "It's ", "This is ", "I am "][..]
                }));
                b.lit(g.pk(if sv {
                    &["Stockholm", "Göteborg", "Måndag", "Swish", "BankID", "Visa", "Klarna", "Region"][..]
                } else {
                    &[
                        "Swedish", "British", "Monday", "Friday", "London", "Visa", "PayPal", "Support",
                        "Google",
                    ][..]
                }));
                b.lit(g.pk(&[" now.\n", ".\n", ", ok?\n", " nu.\n"]));
            }
            31 => {
                let label = g.r.pick(&[
                    "Addressee",
                    "Adressat",
                    "Claimant",
                    "Skadelidande",
                    "Printed name",
                    "Namnförtydligande",
                    "Account holder",
                    "Kontohavare",
                    "Debtor",
                    "Gäldenär",
                    "Victim",
                    "Målsägande",
                    "Reporter",
                    "Anmälare",
                    "Client",
                    "Klient",
                    "Manager",
                    "Närmaste chef",
                    "Given name",
                    "Family name",
                ]);
                b.lit(&format!("{label}:{}", g.pk(&[" ", "  ", "\t"])));
                b.name(&g.full());
                b.lit(g.pk(&["\n", ", ", " (", "\n"]));
                if g.r.chance(0.3) {
                    b.lit(&format!("{}\n", g.street()));
                }
            }
            _ => {
                b.lit(g.pk(if sv { FILL_SV } else { FILL_EN }));
                b.lit(if g.r.chance(0.4) { "\n" } else { " " });
            }
        }
    }
}

fn csv_doc(g: &mut G, b: &mut B) {
    let form = g.r.below(4);
    b.lit(match form {
        0 => "id;efternamn;förnamn;ort\n",
        1 => "customer_id,name,city,company\n",
        2 => "\"Name\",\"Role\",\"Town\"\n",
        _ => "first_name,last_name,employer\n",
    });
    for k in 0..(3 + g.r.below(6)) {
        match form {
            0 => {
                b.lit(&format!("{};", 100 + k));
                b.name(&g.sur());
                b.lit(";");
                b.name(&g.given());
                b.lit(&format!(";{}\n", g.r.pick(PLACES)));
            }
            1 => {
                b.lit(&format!("{},", 100 + k));
                b.name(&g.full());
                b.lit(&format!(",{},", g.r.pick(PLACES)));
                b.lit(&g.company());
                b.lit("\n");
            }
            2 => {
                b.lit("\"");
                b.name(&format!("{}, {}", g.sur(), g.given()));
                b.lit(&format!("\",\"{}\",\"{}\"\n", g.r.pick(ROLES), g.r.pick(PLACES)));
            }
            _ => {
                b.name(&g.given());
                b.lit(",");
                b.name(&g.sur());
                b.lit(",");
                b.lit(&g.company());
                b.lit("\n");
            }
        }
    }
}

fn json_doc(g: &mut G, b: &mut B) {
    b.lit("{\"items\": [");
    for k in 0..(1 + g.r.below(4)) {
        if k > 0 {
            b.lit(", ");
        }
        match g.r.below(3) {
            0 => {
                b.lit("{\"firstName\": \"");
                b.name(&g.given());
                b.lit("\", \"lastName\": \"");
                b.name(&g.sur());
                b.lit(&format!("\", \"city\": \"{}\"}}", g.r.pick(PLACES)));
            }
            1 => {
                b.lit("{\"customer\": {\"name\": \"");
                b.name(&g.full());
                b.lit("\", \"company\": \"");
                b.lit(&g.company());
                b.lit("\"}}");
            }
            _ => {
                b.lit("{\"note\": \"");
                b.lit(if g.r.chance(0.5) { "Call from " } else { "Samtal med " });
                b.name(&g.full());
                b.lit(&format!("\", \"agent\": \"{}\"}}", g.r.pick(ROLES)));
            }
        }
    }
    b.lit("]}\n");
}

/// `n` documents of name contexts.
pub fn corpus(seed: u64, n: usize) -> Vec<Doc> {
    let names = names();
    let mut r = Rng::new(seed);
    let mut out = Vec::with_capacity(n);
    for id in 0..n {
        let mut b = B { text: String::new(), chars: 0, spans: Vec::new() };
        let mut g = G { r: &mut r, n: &names };
        let kind = g.r.below(10);
        let format = match kind {
            0 | 1 => {
                csv_doc(&mut g, &mut b);
                "csv"
            }
            2 => {
                json_doc(&mut g, &mut b);
                "json"
            }
            _ => {
                let sv = g.r.chance(0.5);
                text_doc(&mut g, &mut b, sv);
                "text"
            }
        };
        out.push(Doc { id, family: "names", format, text: b.text, spans: b.spans });
    }
    out
}
