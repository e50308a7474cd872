//! Known-customer lookup: what `redact_known` (two detector passes, one batched blind-index
//! lookup, one audit entry) adds to the redaction of a one-page letter, against one group
//! of many customers. Run it in release mode:
//!
//! ```text
//! cargo run --release -p sekretess-bench-server --bin known -- --customers 1000000
//! ```
//!
//! The group is filled once (batched creates through the vault) and kept in `--data` for
//! the next run. Each sample redacts the same letter without the lookup and with it, in
//! turns, so both see the same machine; prints p50 and p99 of each in milliseconds.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use axum::body::Bytes;
use sekretess_bench_vault::data::{Rng, personnummer};
use sekretess_core::audit::AuditContext;
use sekretess_core::{Clock, Schema, SystemClock, Vault};
use sekretess_detect::Format;
use sekretess_detect::doc::DocOptions;
use sekretess_server::routes::people::PeopleOptions;
use sekretess_server::{AppState, Limits};
use sekretess_store::SqliteStore;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const GIVEN: [&str; 40] = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Emma", "Nils", "Sara", "Olof", "Linnea", "Per",
    "Eva", "Anders", "Ingrid", "Magnus", "Sofia", "Henrik", "Elin", "Jonas", "Ida", "Mats", "Frida", "Peter",
    "Helena", "Stefan", "Malin", "Fredrik", "Lena", "Daniel", "Cecilia", "Gustav", "Hanna", "Oskar", "Klara",
    "Viktor", "Alice", "Axel", "Maja", "Hugo",
];
const SYLLABLES: [&str; 24] = [
    "berg", "lund", "ström", "holm", "gren", "vik", "dahl", "qvist", "sjö", "ek", "ås", "mark", "fors", "ny",
    "sand", "lind", "hag", "stor", "back", "kvarn", "bro", "hed", "löv", "björk",
];

/// Customer `i`: one of about 550,000 names (40 given names times 13,824 surnames, so a
/// name is shared by about two customers of a million, as common names are), with a unique
/// e-mail, phone and personnummer.
fn customer(i: u64, rng: &mut Rng) -> Vec<(String, String)> {
    let given = GIVEN[rng.below(GIVEN.len() as u64) as usize];
    let s = |k: u64| SYLLABLES[(k % SYLLABLES.len() as u64) as usize];
    let k = rng.below(13_824);
    let surname = format!("{}{}{}", s(k), s(k / 24), s(k / 576));
    let mut cs = surname.chars();
    let surname = cs.next().map(|c| c.to_uppercase().chain(cs).collect::<String>()).unwrap_or_default();
    let f = |k: &str, v: String| (k.to_owned(), v);
    vec![
        f("full_name", format!("{given} {surname}")),
        f("email", format!("c{i}.{}@example.com", given.to_lowercase())),
        f("phone", format!("+46 70 {:03} {:02} {:02}", i / 10_000 % 1000, i / 100 % 100, i % 100)),
        f("national_id", personnummer(i)),
    ]
}

fn customers(from: u64, n: u64) -> Vec<Vec<(String, String)>> {
    (from..from + n).map(|i| customer(i, &mut Rng::new(i))).collect()
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut size: u64 = 1_000_000;
    let mut samples = 300usize;
    let mut data = PathBuf::from("/var/tmp/sekretess-bench-known");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().context("a flag without its value");
        match a.as_str() {
            "--customers" => size = value()?.parse()?,
            "--samples" => samples = value()?.parse()?,
            "--data" => data = value()?.into(),
            _ => anyhow::bail!("flags: --customers N --samples N --data DIR"),
        }
    }
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = SqliteStore::open(&data.join("store")).await?;
    let vault = Arc::new(Vault::open(store, clock.clone(), Schema::default_schema()).await?);
    let ctx = AuditContext { actor: "apikey:bench".into(), ..Default::default() };
    let share_file = data.join("share");
    let filled_file = data.join("filled");
    if share_file.exists() {
        vault.submit_share(&ctx, std::fs::read_to_string(&share_file)?.trim()).await?;
    } else {
        let done = sekretess_server::initialize(&vault, &ctx, clock.as_ref(), 1, 1).await?;
        let share = done.shares.first().context("no share")?.to_string();
        vault.submit_share(&ctx, &share).await?;
        vault.create_group(&ctx, "bench").await?;
        std::fs::write(&share_file, &share)?;
    }
    let mut filled: u64 =
        std::fs::read_to_string(&filled_file).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    let t = Instant::now();
    while filled < size {
        let n = (size - filled).min(10_000);
        let made = vault.create_customers(&ctx, "bench", &customers(filled + 1, n)).await?;
        anyhow::ensure!(made.iter().all(Result::is_ok), "a batch failed");
        filled += n;
        std::fs::write(&filled_file, filled.to_string())?;
        if filled.is_multiple_of(100_000) {
            eprintln!("{filled} customers ({:.0} s)", t.elapsed().as_secs_f64());
        }
    }
    let people = PeopleOptions { retire_bootstrap_key: false, ..PeopleOptions::default() };
    let state = AppState::new(Arc::clone(&vault), clock.clone(), Limits::default(), people);
    let group = vault.list_groups()?.into_iter().find(|g| g.name == "bench").context("no group")?;

    // A one-page letter about two customers of the group, beside people and numbers the
    // vault does not know.
    let a: Vec<(String, String)> = customer(size / 3, &mut Rng::new(size / 3));
    let b: Vec<(String, String)> = customer(size - 7, &mut Rng::new(size - 7));
    let v = |c: &[(String, String)], k: &str| {
        c.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    let (b_given, b_surname) =
        v(&b, "full_name").split_once(' ').map(|(g, s)| (g.to_owned(), s.to_owned())).unwrap_or_default();
    let filler = "Vi har tagit emot ditt ärende och gått igenom de uppgifter du lämnade i samband med \
        ansökan. Handläggningen tar normalt två till tre veckor, och vi återkommer om vi behöver \
        kompletterande underlag. Observera att beslutet kan överklagas inom tre veckor från den dag \
        du tog del av det.\n\n";
    let mut letter = format!(
        "Stockholm 2026-11-18\n\nTill {}\nAngående kund {b_surname}, {b_given} (personnummer {})\n\nHej {},\n\n",
        v(&a, "full_name"),
        v(&b, "national_id"),
        v(&a, "full_name"),
    );
    for _ in 0..6 {
        letter.push_str(filler);
    }
    letter.push_str(&format!(
        "Kopia har skickats till {} och till handläggare Eva Lind (070-555 12 34). Betalning med kort \
         4111 1111 1111 1111 registrerades. Frågor: ring {} eller skriv till Maria Berg, \
         maria.berg@example.org.\n\nMed vänlig hälsning\nKundtjänst\n",
        v(&a, "email"),
        v(&b, "phone"),
    ));
    let letter = Bytes::from(letter);
    eprintln!("letter: {} bytes", letter.len());

    let options = DocOptions::default();
    let groups = [group];
    let mut plain = Vec::with_capacity(samples);
    let mut known = Vec::with_capacity(samples);
    let mut codes = 0;
    for i in 0..samples + 20 {
        let t = Instant::now();
        let r = sekretess_server::known::redact_blocking(letter.clone(), Format::Auto, options.clone()).await;
        let p = t.elapsed().as_secs_f64() * 1e3;
        r.map_err(|_| anyhow::anyhow!("redaction failed"))?;
        let t = Instant::now();
        let r = sekretess_server::known::redact_known(
            &state,
            &ctx,
            &groups,
            letter.clone(),
            Format::Auto,
            options.clone(),
        )
        .await
        .map_err(|_| anyhow::anyhow!("redaction with codes failed"))?;
        let k = t.elapsed().as_secs_f64() * 1e3;
        codes = r.codes.len();
        if i >= 20 {
            plain.push(p);
            known.push(k);
        }
    }
    let (p50, p99) = (pct(&mut plain, 0.5), pct(&mut plain, 0.99));
    let (k50, k99) = (pct(&mut known, 0.5), pct(&mut known, 0.99));
    println!(
        "Customers in the group: {size}; letter {} bytes; {samples} samples each; customers coded: {codes}\n",
        letter.len()
    );
    println!("| redaction of the letter | p50 ms | p99 ms |");
    println!("|---|---|---|");
    println!("| without lookup (`redact_document`) | {p50:.3} | {p99:.3} |");
    println!("| with known customers (`redact_known`) | {k50:.3} | {k99:.3} |");
    println!("| added by the lookup | {:.3} | |", k50 - p50);
    Ok(())
}
