//! Seeded synthetic customers with every field of the default schema filled with values
//! that pass validation. Deterministic so runs are comparable.

/// splitmix64: a tiny deterministic generator for test data (not for secrets).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

const GIVEN: [&str; 12] =
    ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Emma", "Nils", "Sara", "Olof", "Linnea", "Per"];
const FAMILY: [&str; 10] = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
];
const STREETS: [&str; 6] =
    ["Storgatan", "Kungsgatan", "Drottninggatan", "Vasagatan", "Parkvägen", "Skolgatan"];

fn luhn_check_digit(payload: &[u8]) -> u8 {
    // Digit that makes payload + digit Luhn-valid.
    let mut sum = 0u32;
    for (i, &d) in payload.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    ((10 - sum % 10) % 10) as u8
}

fn digits_of(mut n: u64, width: usize) -> Vec<u8> {
    let mut d = vec![0u8; width];
    for slot in d.iter_mut().rev() {
        *slot = (n % 10) as u8;
        n /= 10;
    }
    d
}

fn text(d: &[u8]) -> String {
    d.iter().map(|&x| char::from(b'0' + x)).collect()
}

/// A valid personnummer, unique for each `i` below 33,600,000 (100 years of 12 x 28
/// days, times 1000 serial numbers).
pub fn personnummer(i: u64) -> String {
    let day_index = i % 33_600;
    let serial = i / 33_600 % 1000;
    let year = 1925 + day_index / 336;
    let doy = day_index % 336;
    let month = doy / 28 + 1;
    let day = doy % 28 + 1;
    let mut ten = digits_of(year % 100, 2);
    ten.extend(digits_of(month, 2));
    ten.extend(digits_of(day, 2));
    ten.extend(digits_of(serial, 3));
    let check = luhn_check_digit(&ten);
    ten.push(check);
    let t = text(&ten);
    format!("{year}{}{}-{}", &t[2..4], &t[4..6], &t[6..])
}

fn card(rng: &mut Rng) -> String {
    let mut d = vec![4u8];
    d.extend(digits_of(rng.below(100_000_000_000_000), 14));
    let check = luhn_check_digit(&d);
    d.push(check);
    let t = text(&d);
    format!("{} {} {} {}", &t[0..4], &t[4..8], &t[8..12], &t[12..16])
}

fn swedish_iban(rng: &mut Rng) -> String {
    let bban = format!("500{:016}{}", rng.below(10_000_000_000_000_000), rng.below(10));
    // check digits: 98 - (BBAN + "SE00" as digits) mod 97
    let rearranged = format!("{bban}{}{}00", 10 + u32::from(b'S' - b'A'), 10 + u32::from(b'E' - b'A'));
    let rem = rearranged.bytes().fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
    format!("SE{:02}{bban}", 98 - rem)
}

/// Customer number `i` with every default-schema field filled.
pub fn customer(i: u64, rng: &mut Rng) -> Vec<(String, String)> {
    let given = GIVEN[rng.below(GIVEN.len() as u64) as usize];
    let family = FAMILY[rng.below(FAMILY.len() as u64) as usize];
    let f = |k: &str, v: String| (k.to_owned(), v);
    vec![
        f("full_name", format!("{given} {family}")),
        f("email", format!("{}.{}{i}@example.com", given.to_lowercase(), family.to_lowercase())),
        f("phone", format!("+46 70 {:03} {:02} {:02}", rng.below(1000), rng.below(100), rng.below(100))),
        f(
            "postal_address",
            format!(
                "{} {}, {:03} {:02} Stockholm",
                STREETS[rng.below(6) as usize],
                1 + rng.below(120),
                100 + rng.below(900),
                rng.below(100)
            ),
        ),
        f(
            "birth_date",
            format!("{}-{:02}-{:02}", 1940 + rng.below(60), 1 + rng.below(12), 1 + rng.below(28)),
        ),
        f("national_id", personnummer(i)),
        f("card_number", card(rng)),
        f("iban", swedish_iban(rng)),
        f(
            "notes",
            format!("Customer since {}; prefers e-mail. Ref {}", 2000 + rng.below(26), rng.next_u64()),
        ),
    ]
}

/// Customers numbered 1, 2, 3, … (the number makes the personnummer and e-mail unique).
pub struct Generator {
    pub rng: Rng,
    next_id: u64,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator { rng: Rng::new(seed), next_id: 0 }
    }

    /// A generator whose first customer is number `first` (another range of personnummer).
    pub fn starting_at(seed: u64, first: u64) -> Self {
        Generator { rng: Rng::new(seed), next_id: first - 1 }
    }

    /// Customers generated (by a generator made with `new`).
    pub fn created(&self) -> u64 {
        self.next_id
    }

    pub fn batch(&mut self, n: usize) -> Vec<Vec<(String, String)>> {
        (0..n)
            .map(|_| {
                self.next_id += 1;
                customer(self.next_id, &mut self.rng)
            })
            .collect()
    }
}
