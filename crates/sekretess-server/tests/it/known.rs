//! Known customers in documents (issue 18): `POST /v1/redact` with `operator=code`.

use std::collections::{BTreeMap, BTreeSet};

use sekretess_api::redact::RedactRequest;
use sekretess_api::{BatchItem, CreateApiKey, CreateCustomers};
use sekretess_client::Client;

use crate::common::{TestServer, fields, kind, repo_root};

/// SplitMix64: a seeded generator, so every run writes the same documents.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// The Luhn check digit of `digits` (the standard algorithm: double every second digit
/// from the right of the payload, sum the digits, complement to 10).
fn luhn_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap();
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// A personnummer: (12-digit form `YYYYMMDDNNNC`).
fn personnummer(rng: &mut Rng) -> String {
    let year = 1940 + rng.below(60);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let serial = rng.below(1000);
    let nine = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
    format!("{year}{month:02}{day:02}{serial:03}{}", luhn_digit(&nine))
}

/// Words of a lexicon file of the detector (`#` comments left out).
fn lexicon(file: &str) -> Vec<String> {
    let path = repo_root().join("crates/sekretess-detect/data").join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| l.chars().all(char::is_alphabetic) && l.chars().count() >= 3)
        .map(str::to_owned)
        .collect()
}

/// Surnames no lexicon knows: the detector's own name recognizer does not fire on them,
/// so only the known-customer lookup can find these customers by name.
const RARE_SURNAMES: [&str; 8] =
    ["Quellbrink", "Ostervoll", "Tranegard", "Vikslund", "Brantemo", "Harkevik", "Lindmyr", "Skogsval"];

/// Public test card numbers (issuers' published test PANs).
const TEST_CARDS: [&str; 4] =
    ["4111 1111 1111 1111", "5555 5555 5555 4444", "4012 8888 8888 1881", "3782 822463 10005"];

#[derive(Clone)]
struct Person {
    given: String,
    surname: String,
    email: String,
    /// E.164 digits after +46 (9 digits, 7x…).
    phone: String,
    pnr: String,
}

impl Person {
    fn new(rng: &mut Rng, given: &str, surname: &str, n: usize, domain: &str) -> Person {
        let phone = format!("7{}{:07}", rng.pick(&[0, 2, 3, 6]), rng.below(10_000_000));
        Person {
            given: given.to_owned(),
            surname: surname.to_owned(),
            email: format!("{}.{}{n}@{domain}", ascii(given), ascii(surname)),
            phone,
            pnr: personnummer(rng),
        }
    }

    /// One way of writing one of this person's values in a document.
    fn mention(&self, rng: &mut Rng) -> String {
        let p = &self.phone;
        let pn = &self.pnr;
        match rng.below(11) {
            0 | 1 => format!("{} {}", self.given, self.surname),
            2 => format!("{}, {}", self.surname, self.given),
            3 => self.email.clone(),
            4 => format!("+46 {} {} {} {}", &p[0..2], &p[2..5], &p[5..7], &p[7..9]),
            5 => format!("0{}-{} {} {}", &p[0..2], &p[2..5], &p[5..7], &p[7..9]),
            6 => format!("0{p}"),
            7 => format!("{}-{}", &pn[2..8], &pn[8..12]),
            8 => pn.clone(),
            9 => format!("{}-{}", &pn[0..8], &pn[8..12]),
            _ => format!("{} {}", self.given.to_uppercase(), self.surname.to_uppercase()),
        }
    }

    fn fields(&self) -> BTreeMap<String, String> {
        let p = &self.phone;
        fields(&[
            ("full_name", &format!("{} {}", self.given, self.surname)),
            ("email", &self.email),
            ("phone", &format!("+46 {} {} {} {}", &p[0..2], &p[2..5], &p[5..7], &p[7..9])),
            ("national_id", &self.pnr),
        ])
    }

    /// Every stored value in the forms a document could hold it.
    fn values(&self) -> Vec<String> {
        let p = &self.phone;
        vec![
            self.email.clone(),
            p.clone(),
            format!("{} {} {}", &p[2..5], &p[5..7], &p[7..9]),
            self.pnr.clone(),
            self.pnr[2..].to_owned(),
            self.pnr[8..12].to_owned() + "x", // (never matches: only the pair below counts)
            format!("{}-{}", &self.pnr[2..8], &self.pnr[8..12]),
        ]
        .into_iter()
        .filter(|v| !v.ends_with('x'))
        .collect()
    }
}

/// A name as people write it in an e-mail address: lower case, Swedish letters folded.
fn ascii(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' | 'á' | 'à' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            'í' | 'ï' => 'i',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

fn key(name: &str, scopes: &[&str], groups: &[&str]) -> CreateApiKey {
    CreateApiKey {
        name: name.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        groups: groups.iter().map(|s| s.to_string()).collect(),
    }
}

async fn create(admin: &Client, group: &str, people: &[Person]) -> Vec<String> {
    let mut codes = Vec::new();
    for chunk in people.chunks(250) {
        let req = CreateCustomers {
            group: group.into(),
            customers: chunk.iter().map(|p| BatchItem { fields: p.fields() }).collect(),
        };
        let resp = admin.create_customers(&req).await.unwrap();
        assert_eq!(resp.failed, 0, "{:?}", resp.results.iter().find(|r| r.problem.is_some()));
        codes.extend(resp.results.into_iter().map(|r| r.code.unwrap()));
    }
    codes
}

fn text_request(content: String) -> RedactRequest {
    RedactRequest {
        content: Some(content),
        json: None,
        format: None,
        operator: Some("code".into()),
        min_confidence: None,
        group: None,
    }
}

/// Codes written as `[XXXX-XXXX-XXXX]` in `text`.
fn codes_in(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (i, _) in text.match_indices('[') {
        if let Some(s) = text.get(i + 1..i + 15)
            && b.get(i + 15) == Some(&b']')
            && s.as_bytes()[4] == b'-'
            && s.as_bytes()[9] == b'-'
        {
            out.push(s.to_owned());
        }
    }
    out
}

fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back().is_some_and(char::is_alphanumeric);
        let after = text[i + word.len()..].chars().next().is_some_and(char::is_alphanumeric);
        !before && !after
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn letters_tickets_and_exports_get_the_right_codes_and_nothing_else() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    admin.create_group("north").await.unwrap();
    admin.create_group("south").await.unwrap();
    let mut rng = Rng(0x5EC2_E755);
    let given = lexicon("given_names.txt");
    let mut surnames = lexicon("surnames.txt");
    surnames.extend(RARE_SURNAMES.iter().map(|s| s.to_string()));

    // 1,000 customers with distinct names, personnummer and phones.
    let mut taken = BTreeSet::new();
    let mut people = Vec::new();
    let mut pnrs = BTreeSet::new();
    while people.len() < 1000 {
        let (g, s) = (rng.pick(&given).clone(), rng.pick(&surnames).clone());
        let p = Person::new(&mut rng, &g, &s, people.len(), "example.com");
        if taken.insert((g.to_lowercase(), s.to_lowercase())) && pnrs.insert(p.pnr[2..].to_owned()) {
            people.push(p);
        }
    }
    let mut codes = create(&admin, "north", &people[..500]).await;
    codes.extend(create(&admin, "south", &people[500..]).await);

    // Unknown people: other names (from the lexicons only: blacking them out is the
    // detector's job), other mails, phones and personnummer.
    let mut unknown = Vec::new();
    while unknown.len() < 300 {
        let (g, s) = (rng.pick(&given).clone(), rng.pick(&lexicon_surnames(&surnames)).clone());
        let p = Person::new(&mut rng, &g, &s, 5000 + unknown.len(), "elsewhere.se");
        if !taken.contains(&(g.to_lowercase(), s.to_lowercase())) && !pnrs.contains(&p.pnr[2..]) {
            unknown.push(p);
        }
    }

    let mut known_mentions = 0usize;
    let mut right = 0usize;
    let mut wrong = 0usize;
    let mut leaks = Vec::new();
    for doc in 0..300 {
        let n = 1 + rng.below(3);
        let mut who: Vec<usize> = Vec::new();
        while who.len() < n {
            let i = rng.below(people.len());
            if !who.contains(&i) {
                who.push(i);
            }
        }
        let strangers = [rng.pick(&unknown).clone(), rng.pick(&unknown).clone()];
        let mut expected: BTreeMap<String, usize> = BTreeMap::new();
        let mut mentions: Vec<(String, Option<usize>)> = Vec::new();
        for &i in &who {
            for _ in 0..1 + rng.below(3) {
                mentions.push((people[i].mention(&mut rng), Some(i)));
            }
        }
        for s in &strangers {
            let m = match rng.below(4) {
                0 => format!("{} {}", s.given, s.surname),
                1 => s.email.clone(),
                2 => format!("0{}-{} {} {}", &s.phone[0..2], &s.phone[2..5], &s.phone[5..7], &s.phone[7..9]),
                _ => format!("{}-{}", &s.pnr[2..8], &s.pnr[8..12]),
            };
            mentions.push((m, None));
        }
        mentions.push((rng.pick(&TEST_CARDS).to_string(), None));
        // Shuffle.
        for k in (1..mentions.len()).rev() {
            mentions.swap(k, rng.below(k + 1));
        }
        for (_, i) in &mentions {
            if let Some(i) = i {
                *expected.entry(codes[*i].clone()).or_default() += 1;
                known_mentions += 1;
            }
        }
        let (out, reported) = match doc % 3 {
            0 => {
                let mut t = String::from("Hej,\n\nTack för ditt brev. Vi har gått igenom ärendet.\n\n");
                for (m, _) in &mentions {
                    t.push_str(&format!("Det gäller {m} enligt våra uppgifter.\n"));
                }
                t.push_str("\nMed vänlig hälsning\nKundtjänst\n");
                let resp = admin.redact(&text_request(t)).await.unwrap();
                (resp.content.unwrap(), resp.codes)
            }
            1 => {
                let mut t = format!("Ticket #{}\nStatus: open\n", 1000 + doc);
                for (k, (m, _)) in mentions.iter().enumerate() {
                    t.push_str(&format!("note{k}: caller said {m} is involved\n"));
                }
                let resp = admin.redact(&text_request(t)).await.unwrap();
                (resp.content.unwrap(), resp.codes)
            }
            _ => {
                let mut t = String::from("id,contact,comment\n");
                for (k, (m, _)) in mentions.iter().enumerate() {
                    t.push_str(&format!("{k},\"{m}\",ok\n"));
                }
                let (bytes, codes) = admin.redact_with_codes(t.into_bytes(), None).await.unwrap();
                (String::from_utf8(bytes).unwrap(), codes)
            }
        };
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for c in codes_in(&out) {
            *seen.entry(c).or_default() += 1;
        }
        for (code, &count) in &seen {
            let want = expected.get(code).copied().unwrap_or(0);
            right += count.min(want);
            wrong += count.saturating_sub(want);
        }
        for code in &reported {
            assert!(expected.contains_key(code), "doc {doc}: reported a code not in it");
        }
        // Nothing personal is left: no name word, no stored or unknown value.
        for p in who.iter().map(|&i| &people[i]).chain(strangers.iter()) {
            for w in [&p.given, &p.surname] {
                if has_word(&out, w) || has_word(&out, &w.to_uppercase()) {
                    leaks.push(format!("doc {doc}: a name word"));
                }
            }
            for v in p.values() {
                if out.contains(&v) {
                    if std::env::var("KNOWN_DEBUG").is_ok() {
                        let line = out.lines().find(|l| l.contains(&v)).unwrap_or("");
                        eprintln!("LEAK {v} in {line}");
                    }
                    leaks.push(format!("doc {doc}: a value"));
                }
            }
        }
        for card in TEST_CARDS {
            if out.contains(card) || out.contains(&card.replace(' ', "")) {
                leaks.push(format!("doc {doc}: a card"));
            }
        }
    }
    let recall = right as f64 / known_mentions as f64;
    eprintln!("known mentions {known_mentions}, coded right {right}, wrong {wrong}, recall {recall:.4}");
    assert_eq!(wrong, 0, "mentions coded with the wrong customer");
    assert!(recall >= 0.98, "recall {recall:.4}");
    assert!(leaks.is_empty(), "{} leaks, e.g. {:?}", leaks.len(), &leaks[..leaks.len().min(5)]);
}

fn lexicon_surnames(all: &[String]) -> Vec<String> {
    all.iter().filter(|s| !RARE_SURNAMES.contains(&s.as_str())).cloned().collect()
}

#[tokio::test]
async fn ambiguity_blacks_out_and_other_groups_are_never_consulted() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    admin.create_group("alpha").await.unwrap();
    admin.create_group("beta").await.unwrap();
    let one =
        |name: &str, email: &str| BatchItem { fields: fields(&[("full_name", name), ("email", email)]) };
    let alpha = admin
        .create_customers(&CreateCustomers {
            group: "alpha".into(),
            customers: vec![
                one("Karin Nilsson", "karin.n@example.com"),
                one("Karin Nilsson", "k.nilsson@example.com"),
                one("Lars Quellbrink", "lars.q@example.com"),
            ],
        })
        .await
        .unwrap();
    let [karin1, karin2, lars]: [String; 3] =
        alpha.results.into_iter().map(|r| r.code.unwrap()).collect::<Vec<_>>().try_into().unwrap();
    let made =
        admin.create_api_key(&key("letters-a", &["redact", "customers:find"], &["alpha"])).await.unwrap();
    let key_a = r.ts.client(Some(&made.token));

    let letter = "Brev till Karin Nilsson och Lars Quellbrink. Kopia: Eva Tranegard, eva.t@example.com.\n";
    let ask = |c: &Client| {
        let c = c.clone();
        async move { c.redact(&text_request(letter.to_owned())).await.unwrap() }
    };
    let before = ask(&key_a).await;
    let text = before.content.clone().unwrap();
    // Two Karin Nilsson in reach, no identifier: blacked out, not coded.
    assert!(!text.contains("Karin") && !text.contains("Nilsson"), "{text}");
    assert!(!text.contains(&karin1) && !text.contains(&karin2), "{text}");
    assert!(text.contains(&format!("[{lars}]")), "{text}");
    assert_eq!(before.codes, std::slice::from_ref(&lars));
    // With an identifier of one of them in the same document, that one is coded.
    let with_mail = key_a
        .redact(&text_request("Karin Nilsson (karin.n@example.com) ringde.".to_owned()))
        .await
        .unwrap()
        .content
        .unwrap();
    assert_eq!(codes_in(&with_mail), [karin1.clone(), karin1.clone()], "{with_mail}");

    // Group beta gets a match for every mention: Eva Tranegard, her mail, and another
    // Lars Quellbrink. The key that reaches only alpha answers exactly as before.
    let beta = admin
        .create_customers(&CreateCustomers {
            group: "beta".into(),
            customers: vec![
                one("Eva Tranegard", "eva.t@example.com"),
                one("Lars Quellbrink", "lq@beta.example.com"),
                one("Karin Nilsson", "karin@beta.example.com"),
            ],
        })
        .await
        .unwrap();
    let eva = beta.results[0].code.clone().unwrap();
    let after = ask(&key_a).await;
    assert_eq!(after.content, before.content);
    assert_eq!(after.codes, before.codes);
    assert_eq!(after.findings, before.findings);
    assert!(!after.content.unwrap().contains(&eva));
    // The admin reaches both groups: Eva is coded, Lars is now ambiguous (blacked out).
    let both = ask(&admin).await.content.unwrap();
    assert_eq!(codes_in(&both), [eva.clone(), eva], "{both}");
    assert!(!both.contains(&lars) && !both.contains("Quellbrink"), "{both}");
    // A group named explicitly narrows the lookup; one out of reach is unknown.
    let mut only_alpha = text_request(letter.to_owned());
    only_alpha.group = Some("alpha".into());
    assert_eq!(admin.redact(&only_alpha).await.unwrap().codes, [lars]);
    let mut beta_req = text_request(letter.to_owned());
    beta_req.group = Some("beta".into());
    assert_eq!(kind(key_a.redact(&beta_req).await), "unknown-group");

    // Deny by default: without customers:find, or with no group in reach, refused.
    let plain = admin.create_api_key(&key("plain", &["redact"], &["alpha"])).await.unwrap();
    assert_eq!(kind(r.ts.client(Some(&plain.token)).redact(&text_request(letter.into())).await), "forbidden");
    let none = admin.create_api_key(&key("none", &["redact", "customers:find"], &["gone"])).await.unwrap();
    let resp = r.ts.client(Some(&none.token)).redact(&text_request(letter.into())).await;
    assert_eq!(kind(resp), "no-group-reachable");

    // One audit entry per document, with codes and no value.
    let page = admin
        .audit(&sekretess_api::audit::AuditQuery {
            action: Some("customer.identify".into()),
            limit: Some(1000),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 5, "one per document looked up");
    let dump = serde_json::to_string(&page.entries).unwrap().to_lowercase();
    for value in ["karin", "nilsson", "quellbrink", "example.com", "tranegard"] {
        assert!(!dump.contains(value), "{value} in the audit log");
    }
}
