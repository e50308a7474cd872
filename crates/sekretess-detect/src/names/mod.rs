//! The learned PERSON tagger (issue 19, point 2): an averaged perceptron that tags the
//! capitalised words of a text B / I / O, over hashed features of the word, its lexicon
//! membership, its neighbours and cue words, its line and field, and what the rule-based
//! scanner found on it. The model proposes the names; a few rules veto what is never a
//! person (places, companies, function words). See `docs/detection.md`.
//!
//! The weights are `data/person_model.bin`, made by
//! `cargo run --release -p sekretess-bench-detect -- train-names` and compiled in with
//! `include_bytes!`. If they cannot be read, the scanner's rules alone decide.

mod bounds;
mod chat;
mod csv;
mod features;
mod handle;
mod items;
mod lexcache;
mod lists;
mod model;
mod neighbours;
mod particles;
mod recall;
mod rows;
mod spelled;
mod structure;
mod things;
mod vetoes;
mod wordforms;

use std::cell::RefCell;

use crate::Label;
use crate::scan::Cand;
pub use features::{G_CTX, G_LEX, G_RULE, G_WORD, NBITS, Sentence, Tok};
pub use model::{encode, token_features};

pub(crate) use handle::{account_key, account_value};

/// Whether a JSON key names a thing, a place or an organisation (its last word: `venue`,
/// `previousSchool`, `devices`, `rule`): the `name` inside its object is that thing's, not a
/// person's (`"hotel": {"name": …}`, `"company": {"name": …}`).
pub(crate) fn thing_key(key: &str) -> bool {
    const THINGS: &[&str] = &[
        "school",
        "club",
        "team",
        "company",
        "organisation",
        "organization",
        "org",
        "vendor",
        "supplier",
        "merchant",
        "employer",
        "bank",
        "hotel",
        "venue",
        "property",
        "office",
        "store",
        "shop",
        "clinic",
        "hospital",
        "pharmacy",
        "apotek",
        "device",
        "devices",
        "host",
        "rule",
        "product",
        "products",
        "item",
        "items",
        "article",
        "articles",
        "artikel",
        "artiklar",
        "varor",
        "lines",
        "rader",
        "app",
        "application",
        "service",
        "medication",
        "medications",
        "medicine",
        "drug",
        "lakemedel",
        "läkemedel",
        "building",
        "site",
        "location",
        "room",
        "project",
        "department",
        "unit",
        "skola",
        "förening",
        "företag",
        "leverantör",
        "butik",
        "kontor",
        "lokal",
        "event",
        "policy",
        "plan",
    ];
    let tail = key.rsplit(['_', '-', '.']).next().unwrap_or(key);
    let w = match tail.char_indices().rev().find(|&(k, c)| k > 0 && c.is_uppercase()) {
        Some((k, _)) => &tail[k..],
        None => tail,
    };
    THINGS.iter().any(|t| w.eq_ignore_ascii_case(t))
}

/// The recognizer name of the model's findings.
pub const RECOGNIZER: &str = "person_model";

/// Texts scanned, with the label their field name says.
pub type Traced = Vec<(Vec<u8>, Option<Label>)>;

thread_local! {
    static TRACE: RefCell<Option<Traced>> = const { RefCell::new(None) };
}

/// Replaces the scanner's PERSON candidates in `cands` by the model's, for one text.
/// `ts` is what `str::from_utf8` makes of `text`.
pub(crate) fn apply(text: &[u8], ts: Option<&str>, key: Option<Label>, cands: &mut Vec<Cand>) {
    TRACE.with(|tr| {
        if let Some(v) = tr.borrow_mut().as_mut() {
            v.push((text.to_vec(), key));
        }
    });
    let Some(m) = model::get() else {
        handle::find(text, key, cands);
        chat::lower_speakers(text, key, cands);
        return;
    };
    let s = features::sentence_in(text, ts, key, cands);
    cands.retain(|c| c.label != Label::Person);
    if !s.toks.is_empty() {
        let mut spans = m.spans(text, &s);
        join_form_encoded(text, &mut spans);
        join_nicknames(text, &mut spans);
        coordinated_given(text, &mut spans);
        rows::join_rows(text, &mut spans);
        rows::split_side_by_side(text, &mut spans);
        recall::add(text, &s, &mut spans);
        recall::trim_and_join(text, &mut spans);
        lists::nickname_surname(text, &mut spans);
        lists::split_lists(text, &mut spans);
        lists::genitive_full_names(text, &mut spans);
        lists::family_names(text, &s.toks, &mut spans);
        lists::caps_cells(text, &s.toks, &mut spans);
        lists::coordinated_pairs(text, &s.toks, &mut spans);
        lists::sign_offs(text, &s.toks, &s.skipped, &mut spans);
        lists::numbered_streets(text, &mut spans);
        lists::party_speakers(text, &s.toks, &mut spans);
        roman_suffix(text, &mut spans);
        bounds::trim_role_words(text, &mut spans);
        spelled::add(text, &s.toks, &mut spans);
        spelled::join_broken(text, &mut spans);
        chat::trim_weekday(text, &mut spans);
        chat::role_before_speaker(text, &mut spans);
        chat::role_speakers(text, &mut spans);
        for (start, end, conf) in spans {
            // One or two capitals alone are initials or a code (`KM`, a country `FI`), not
            // a name written out.
            if end - start <= 2 && text[start..end].iter().all(u8::is_ascii_uppercase) {
                continue;
            }
            cands.push(Cand { start, end, label: Label::Person, conf, rec: RECOGNIZER });
        }
    }
    features::give_back(s.skipped);
    handle::find(text, key, cands);
    chat::lower_speakers(text, key, cands);
}

/// A generational suffix in Roman numerals after a full name is part of it (`Given Surname
/// III`), as `Jr.` is.
fn roman_suffix(t: &[u8], spans: &mut [(usize, usize, f32)]) {
    for k in 0..spans.len() {
        let (s, e, _) = spans[k];
        let next = spans.get(k + 1).map_or(t.len(), |x| x.0);
        if !t[s..e].contains(&b' ') || t.get(e) != Some(&b' ') {
            continue;
        }
        for suffix in [&b"III"[..], b"II", b"IV"] {
            let end = e + 1 + suffix.len();
            if end <= next
                && t.get(e + 1..end) == Some(suffix)
                && t.get(end).is_none_or(|b| !b.is_ascii_alphanumeric())
            {
                spans[k].1 = end;
                break;
            }
        }
    }
}

/// Names in a form-encoded query (`?namn=Given+Surname&…`): a `+` or `%20` is the space
/// between the words of one name, so the tagger's names on either side of one are one.
fn join_form_encoded(t: &[u8], spans: &mut Vec<(usize, usize, f32)>) {
    spans.sort_by_key(|x| x.0);
    let mut k = 1;
    while k < spans.len() {
        let (a, b) = (spans[k - 1], spans[k]);
        let gap = t.get(a.1..b.0).unwrap_or_default();
        if gap == b"+" || gap == b"%20" {
            spans[k - 1] = (a.0, b.1, a.2.min(b.2));
            spans.remove(k);
        } else {
            k += 1;
        }
    }
}

/// How a nickname opens (` "`, ` “`, ` (`) and closes (`" `, `” `, `) `).
const NICK_OPEN: [&str; 3] = [" \"", " (", " \u{201c}"];
const NICK_CLOSE: [&str; 3] = ["\" ", ") ", "\u{201d} "];

fn nick_open(gap: &[u8]) -> bool {
    NICK_OPEN.iter().any(|p| gap == p.as_bytes())
}

fn nick_close(gap: &[u8]) -> bool {
    NICK_CLOSE.iter().any(|p| gap == p.as_bytes())
}

/// A nickname in quotes between the parts of a name is part of it (`Given "Nick" Surname`):
/// the tagger's names on either side and the nickname (a name of its own, or a capitalised
/// word) are one.
fn join_nicknames(t: &[u8], spans: &mut Vec<(usize, usize, f32)>) {
    let gap = |a: usize, b: usize| t.get(a..b).unwrap_or_default();
    let mut k = 1;
    while k < spans.len() {
        let (a, b) = (spans[k - 1], spans[k]);
        // The nickname found as a name of its own, between two names.
        if k + 1 < spans.len() && nick_open(gap(a.1, b.0)) && nick_close(gap(b.1, spans[k + 1].0)) {
            let c = spans[k + 1];
            spans[k - 1] = (a.0, c.1, a.2.min(b.2).min(c.2));
            spans.drain(k..k + 2);
            continue;
        }
        // A capitalised word in quotes, not found, between two names.
        let g = gap(a.1, b.0);
        let open = NICK_OPEN.iter().find(|p| g.starts_with(p.as_bytes())).map(|p| p.len());
        let close = NICK_CLOSE.iter().find(|p| g.ends_with(p.as_bytes())).map(|p| p.len());
        if g.len() <= 40
            && let (Some(o), Some(c)) = (open, close)
            && o + c < g.len()
            && let Ok(w) = std::str::from_utf8(&g[o..g.len() - c])
            && w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().all(|c| c.is_alphabetic() || c == '-')
        {
            spans[k - 1] = (a.0, b.1, a.2.min(b.2));
            spans.remove(k);
            continue;
        }
        k += 1;
    }
}

/// A given name before `och` / `and` / `&` and another person's name is a person too
/// ("Ida & Aleksander Berg", "Sirpa och Kalle Lundgren": two people, two spans).
fn coordinated_given(t: &[u8], spans: &mut Vec<(usize, usize, f32)>) {
    let mut add = Vec::new();
    for (k, &(s, e, conf)) in spans.iter().enumerate() {
        let head = &t[..s];
        let Some(conj) =
            [&b" och "[..], b" and ", b" & ", b" og ", b" und "].into_iter().find(|c| head.ends_with(c))
        else {
            continue;
        };
        let we = s - conj.len();
        let ws = t[..we]
            .iter()
            .rposition(|&b| !(b.is_ascii_alphabetic() || b >= 0x80 || b == b'-'))
            .map_or(0, |p| p + 1);
        let prev_end = if k > 0 { spans[k - 1].1 } else { 0 };
        if ws >= we || ws < prev_end {
            continue;
        }
        let Ok(w) = std::str::from_utf8(&t[ws..we]) else { continue };
        if w.chars().next().is_some_and(char::is_uppercase) && crate::lexicon::is_given(w) {
            add.push((ws, we, conf));
        } else if unknown_given_before(t, ws, w, &t[s..e]) {
            add.push((ws, we, conf.min(0.6)));
        }
    }
    if !add.is_empty() {
        spans.extend(add);
        spans.sort_by_key(|x| x.0);
    }
}

/// A title-case word no list knows before `och` / `and` / `&` and a full name that opens with a
/// known given name ("Xanthe och Anna Quorbel"): a given name of its own, unless a capitalised
/// word stands before it (then it ends a name or a firm: "Berg & Anna Lind" is looked at by
/// the tagger) or a list takes it for a common, place, company or trade word.
fn unknown_given_before(t: &[u8], ws: usize, w: &str, name: &[u8]) -> bool {
    use crate::lexicon as l;
    let mut cs = w.chars();
    let title =
        cs.next().is_some_and(char::is_uppercase) && w.chars().count() >= 3 && cs.all(char::is_lowercase);
    let Some(first) =
        std::str::from_utf8(name).ok().and_then(|n| n.split(' ').next().filter(|f| f.len() < n.len()))
    else {
        return false;
    };
    let before = t[..ws].iter().rev().find(|&&b| b != b' ').copied();
    let prev_word_capital = ws >= 2 && t[ws - 1] == b' ' && {
        let pe = ws - 1;
        let ps = t[..pe].iter().rposition(|&b| !(b.is_ascii_alphabetic() || b >= 0x80)).map_or(0, |p| p + 1);
        ps < pe && crate::scan::char_at(t, ps).is_some_and(|(c, _)| c.is_uppercase())
    };
    title
        && l::is_given(first)
        && !prev_word_capital
        && before != Some(b'-')
        && !(l::is_surname(w) || bounds::listed_as_no_name(w))
}

/// Tokens and features of a text as the detector sees it (for training): the scanner runs
/// first, as in detection, so its candidates are features.
#[doc(hidden)]
pub fn sentence(text: &[u8], key: Option<Label>) -> Sentence {
    let opts = crate::Options::default();
    let cands = crate::scan_only(text, key, &opts);
    features::sentence(text, key, &cands)
}

/// The texts (and field labels) the detector scans in `input` read as `format`: whole
/// documents, CSV cells, JSON values, log values (for training on structured documents).
#[doc(hidden)]
pub fn trace(input: &[u8], format: crate::Format) -> Traced {
    TRACE.with(|tr| *tr.borrow_mut() = Some(Vec::new()));
    let _ = crate::redact_bytes(input, format, &crate::Options { threads: 1, ..crate::Options::default() });
    TRACE.with(|tr| tr.borrow_mut().take()).unwrap_or_default()
}

/// Greedy decoding of a sentence with given weights (for training and for the model).
#[doc(hidden)]
pub fn decode(s: &Sentence, drop: u8, score: &mut dyn FnMut(&[u32]) -> [f32; 3], out: &mut Vec<u8>) {
    model::decode(s, drop, score, out);
}

/// Whether a model was compiled in and reads.
#[doc(hidden)]
pub fn model_loaded() -> bool {
    model::get().is_some()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::{Options, detect};

    fn detect_format(text: &str, format: crate::Format) -> Vec<crate::Finding> {
        crate::redact_str(text, format, &Options::default()).unwrap().findings
    }

    fn people(text: &str) -> Vec<String> {
        detect(text, &Options::default())
            .into_iter()
            .filter(|f| f.label == Label::Person)
            .map(|f| text[f.start_byte..f.end_byte].to_string())
            .collect()
    }

    #[test]
    fn keys_of_things() {
        assert!(
            thing_key("hotel")
                && thing_key("previousSchool")
                && thing_key("devices")
                && thing_key("lakemedel")
        );
        assert!(
            !thing_key("customer") && !thing_key("guest") && !thing_key("contact") && !thing_key("owner")
        );
    }

    #[test]
    fn a_thing_s_name_in_json_is_not_a_person() {
        let json = r#"{"venue": {"name": "Xanthe Quorbel"}, "guest": {"name": "Xanthe Quorbel"}, "items": [{"name": "Quorbel Obi"}]}"#;
        let found = detect_format(json, crate::Format::Json);
        assert_eq!(found.iter().filter(|f| f.label == Label::Person).count(), 1, "{found:?}");
    }

    #[test]
    fn a_form_encoded_name_is_one() {
        let t = b"GET /x?name=Xanthe+Oyelaran&zip=1 and Xanthe, Oyelaran";
        let at = |w: &str| t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap();
        let (x, o) = (at("Xanthe"), at("Oyelaran"));
        let mut spans = vec![(x, x + 6, 0.9), (o, o + 8, 0.8), (t.len() - 8, t.len(), 0.9)];
        join_form_encoded(t, &mut spans);
        assert_eq!(spans, [(x, o + 8, 0.8), (t.len() - 8, t.len(), 0.9)]);
    }

    #[test]
    fn a_nickname_in_quotes_is_part_of_the_name() {
        // Written for this test (not from any evaluation set).
        let t = b"with Xanthe \"Xan\" Quorbel today";
        let at = |w: &str| t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap();
        let (x, q) = (at("Xanthe"), at("Quorbel"));
        let mut spans = vec![(x, x + 6, 0.9), (q, q + 7, 0.9)];
        join_nicknames(t, &mut spans);
        assert_eq!(spans, [(x, q + 7, 0.9)]);
        let n = at("Xan\"");
        let mut spans = vec![(x, x + 6, 0.9), (n, n + 3, 0.8), (q, q + 7, 0.9)];
        join_nicknames(t, &mut spans);
        assert_eq!(spans, [(x, q + 7, 0.8)]);
        // Two names with a quoted title between are not joined.
        let t = b"Xanthe \"the boss\" Quorbel";
        let mut spans = vec![(0, 6, 0.9), (t.len() - 7, t.len(), 0.9)];
        join_nicknames(t, &mut spans);
        assert_eq!(spans.len(), 2);
    }

    #[test]
    fn a_roman_suffix_is_part_of_a_name() {
        let t = b"Signed: Xanthe Quorbel III, Trustee";
        let s = t.windows(6).position(|w| w == b"Xanthe").unwrap();
        let mut spans = vec![(s, s + 14, 0.9)];
        roman_suffix(t, &mut spans);
        assert_eq!(&t[spans[0].0..spans[0].1], b"Xanthe Quorbel III");
        // Not a word that merely starts like one, nor after one word.
        let t = b"Quorbel IIIrd";
        let mut spans = vec![(0, 7, 0.9)];
        roman_suffix(t, &mut spans);
        assert_eq!(spans[0].1, 7);
    }

    #[test]
    fn a_given_name_before_and_is_a_person() {
        let t = b"Hej Anna och Xanthe Quorbel";
        let at = |w: &str| t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap();
        let x = at("Xanthe");
        let mut spans = vec![(x, t.len(), 0.9)];
        coordinated_given(t, &mut spans);
        assert_eq!(spans, [(at("Anna"), at("Anna") + 4, 0.9), (x, t.len(), 0.9)]);
        // Not a word no list knows as a given name ("Nordbank och Xanthe Quorbel").
        let t = b"Nordbank och Xanthe Quorbel";
        let mut spans = vec![(13, t.len(), 0.9)];
        coordinated_given(t, &mut spans);
        assert_eq!(spans.len(), 1);
    }

    #[test]
    fn the_committed_model_reads() {
        assert!(model_loaded(), "data/person_model.bin does not read as a model");
    }

    #[test]
    fn a_damaged_model_file_is_refused() {
        let mut bytes = encode(&vec![0.5; 3 << NBITS]);
        assert!(model::read_for_test(bytes.clone()));
        bytes[0] = b'X';
        assert!(!model::read_for_test(bytes.clone()));
        bytes[0] = b'S';
        bytes.pop();
        assert!(!model::read_for_test(bytes));
    }

    #[test]
    fn names_outside_the_lexicons_are_found_from_their_context() {
        // Names written for this test (not from any evaluation set).
        assert_eq!(people("From: Tsegereda Woldeyohannes <tw@example.org>\n"), ["Tsegereda Woldeyohannes"]);
        assert_eq!(people("Hyresgäst: Zerihun Asfaw\nTelefon: 070-000 00 00\n"), ["Zerihun Asfaw"]);
        assert_eq!(people("Kind regards,\nNkechinyere Obiora\n"), ["Nkechinyere Obiora"]);
        assert_eq!(people("Kind regards,\nKwabena Asante-Darko\n"), ["Kwabena Asante-Darko"]);
        // Known limitation (docs/detection.md): a name that ends like a Swedish agent noun
        // ("Oluwadamilare", like "Handläggare", "Mottagare") loses to those role words.
    }

    #[test]
    fn places_companies_and_function_words_are_vetoed() {
        assert!(people("Vi ses på Karl Johans torg i morgon.").is_empty());
        assert!(people("Faktura från Nowak Bygg AB för mars.").is_empty());
        assert!(people("Ja, det stämmer.").is_empty());
        assert!(people("Handläggare Ekonomi\n").is_empty());
        // Capitals that no list knows, outside a name label: a heading, a merchant.
        assert!(people("UPPGIFTER OM UTBETALNINGEN\nBelopp: 300 kr\n").is_empty());
        assert!(people("04/15  Card purchase: GREEN VALLEY GROCERS  $18.09\n").is_empty());
        // Under a name label they are a name.
        assert_eq!(people("Namn: TSEGEREDA WOLDEYOHANNES\n"), ["TSEGEREDA WOLDEYOHANNES"]);
    }

    /// Tags after `model::widen`, given the decoder's tags and each token's best name score
    /// over `O` (names written for these tests, not from any evaluation set).
    fn widened(t: &str, tags: &[u8], alts: &[f32]) -> Vec<u8> {
        let s = features::sentence(t.as_bytes(), None, &[]);
        assert_eq!(s.toks.len(), tags.len(), "tokens of {t:?}");
        let mut tags = tags.to_vec();
        let mut margins = vec![5.0; tags.len()];
        model::widen(t.as_bytes(), &s, &mut tags, &mut margins, alts);
        tags
    }

    #[test]
    fn a_name_takes_the_neighbours_greedy_decoding_left_out() {
        use model::{B, I, O};
        // The word before a name, left out by a small margin, joins it; by a large one, not.
        assert_eq!(widened("we met Xanthe Oyelaran today", &[O, B], &[-3.0, 5.0]), [B, I]);
        assert_eq!(widened("we met Xanthe Oyelaran today", &[O, B], &[-30.0, 5.0]), [O, B]);
        // A known given name before a surname found alone joins it whatever the margin.
        assert_eq!(widened("we met Anna Oyelaran today", &[O, B], &[-30.0, 5.0]), [B, I]);
        // The word after a one-word name.
        assert_eq!(widened("we met Xanthe Oyelaran today", &[B, O], &[5.0, -3.0]), [B, I]);
        // Not across a wide gap, nor from capitals to lower case ("Fakturan INV-…").
        assert_eq!(widened("we met Xanthe      Oyelaran today", &[O, B], &[-1.0, 5.0]), [O, B]);
        assert_eq!(widened("se Fakturan INV-88 nu", &[O, B], &[-1.0, 5.0]), [O, B]);
        // After two words, an unknown third word stays out ("… Överför beloppet").
        assert_eq!(widened("we met Xanthe Oyelaran Quorbel today", &[B, I, O], &[5.0, 5.0, -1.0]), [B, I, O]);
        // Two names side by side with OCR spacing are one; with a column gap, two.
        assert_eq!(widened("namn  Xanthe  Oyelaran  x", &[B, B], &[5.0, 5.0]), [B, I]);
        assert_eq!(widened("namn  Xanthe       Oyelaran  x", &[B, B], &[5.0, 5.0]), [B, B]);
    }

    /// The parts `model::split_list` makes of the name `name` in `t`.
    fn parts(t: &str, name: &str) -> Vec<String> {
        let s = features::sentence(t.as_bytes(), None, &[]);
        let a = t.find(name).unwrap();
        let toks: Vec<features::Tok> =
            s.toks.iter().filter(|k| k.start >= a && k.end <= a + name.len()).copied().collect();
        let (l, r) = model::split_list(t.as_bytes(), &toks);
        [l, r]
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| t[p[0].start..p[p.len() - 1].end].to_string())
            .collect()
    }

    #[test]
    fn a_list_of_names_is_split_and_a_surname_given_cell_is_not() {
        // Two full names; a given name alone before another in a sentence; a role in capitals.
        assert_eq!(
            parts("Vittnen: Fatou Diallo, Kwame Mensah.\n", "Fatou Diallo, Kwame Mensah"),
            ["Fatou Diallo", "Kwame Mensah"]
        );
        assert_eq!(parts("Hi Fatima, Aisha here from the clinic", "Fatima, Aisha"), ["Fatima", "Aisha"]);
        assert_eq!(parts("call their CFO, Maria Lind, today", "CFO, Maria Lind"), ["CFO", "Maria Lind"]);
        // One `Surname, Given`: a table cell, a CSV cell with a given name first, capitals.
        assert_eq!(parts(" 7  Osei Mensah, Kofi      1960\n", "Osei Mensah, Kofi"), ["Osei Mensah, Kofi"]);
        assert_eq!(
            parts("\"1\",\"Fatima, Aisha Noor\",\"x\"\n", "Fatima, Aisha Noor"),
            ["Fatima, Aisha Noor"]
        );
        assert_eq!(parts("caller: DUBOIS, Marie  (emp 1)\n", "DUBOIS, Marie"), ["DUBOIS, Marie"]);
        // A register's surname in capitals before two given names; a role stays apart.
        assert_eq!(
            parts("09:10  QUORBEL, Xanthe Maud     x\n", "QUORBEL, Xanthe Maud"),
            ["QUORBEL, Xanthe Maud"]
        );
        assert_eq!(
            parts("09:10  CFO, Xanthe Quorbel     x\n", "CFO, Xanthe Quorbel"),
            ["CFO", "Xanthe Quorbel"]
        );
    }

    #[test]
    fn towns_saints_places_and_companies_around_a_word() {
        let at = |t: &[u8], w: &str| t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap();
        // A two-letter region code and a postcode after the word.
        let t = b"Home: 12 Elm Rd, Lakeview ON K1A 0B1";
        assert!(vetoes::region_postcode_after(t, at(t, "Lakeview") + 8));
        let t = b"Ship to Lakeview, OR 97001";
        assert!(vetoes::region_postcode_after(t, at(t, "Lakeview") + 8));
        let t = b"her son Xanthe Obi, DOB 2011-02-03";
        assert!(!vetoes::region_postcode_after(t, at(t, "Obi") + 3));
        // A postcode before it.
        let t = b"Storgatan 1\n411 17 Lakeby";
        assert!(vetoes::postcode_before(t, at(t, "Lakeby")));
        let t = b"Hauptstr. 3, 80331 Lakeby";
        assert!(vetoes::postcode_before(t, at(t, "Lakeby")));
        let t = b"Room 2026 Xanthe Obi";
        assert!(!vetoes::postcode_before(t, at(t, "Xanthe")));
        let t = b"tel 070-12345 Xanthe";
        assert!(!vetoes::postcode_before(t, at(t, "Xanthe")));
        // A saint's church or hospital.
        let t = b"held at St Aldhelm's Hall";
        assert!(vetoes::saint_before(t, at(t, "Aldhelm")));
        let t = b"Dr Aldhelm Obi";
        assert!(!vetoes::saint_before(t, at(t, "Aldhelm")));
        // A company form past capitalised words; not a second person after `&`.
        let t = b"Enskild firma: Quorbel Golv & Kakel";
        assert!(vetoes::company_follows(t, at(t, "Quorbel") + 7));
        let t = b"Ship to: Quorbel Family Bakery LLC, 3150 Lincoln Ave";
        assert!(vetoes::company_follows(t, at(t, "Quorbel") + 7));
        let t = b"Xanthe Obi & Kwame Mensah";
        assert!(!vetoes::company_follows(t, at(t, "Obi") + 3));
        let t = b"Xanthe Obi ringde i dag";
        assert!(!vetoes::company_follows(t, at(t, "Obi") + 3));
    }

    fn tokens(t: &str) -> Vec<(String, u8)> {
        let s = features::sentence(t.as_bytes(), None, &[]);
        s.toks.iter().map(|k| (t[k.start..k.end].to_string(), k.sep)).collect()
    }

    #[test]
    fn tokens_of_printed_and_scanned_names() {
        use features::{SEP_COMMA, SEP_NONE, SEP_SLASH, SEP_SPACE};
        // A possessive is the name without "'s".
        assert_eq!(
            tokens("we moved Tove Holm's order"),
            [("Tove".into(), SEP_NONE), ("Holm".into(), SEP_SPACE)]
        );
        // An airline's SURNAME/GIVEN in capitals is joined; a heading in title case is not.
        assert_eq!(
            tokens(" 1. OSEI/AMARA MS")[..2],
            [("OSEI".into(), SEP_NONE), ("AMARA".into(), SEP_SLASH)]
        );
        assert_eq!(tokens("Dato/Date: 1")[1].1, SEP_NONE);
        // OCR spacing around a comma.
        assert_eq!(tokens("Namn: HOLM ,  ASTRID\n")[2], ("ASTRID".into(), SEP_COMMA));
        // The second letter of "P.O." is not an initial.
        assert!(tokens("P.O. Box 12, Lund").iter().all(|(w, _)| w != "O."));
        // An initial is not a stop word ("A." is not the article).
        let s = features::sentence(b"Signed: A. Osei", None, &[]);
        assert_eq!(s.toks[1].flags & features::F_STOP, 0);
        assert!(
            features::comma_join(b" ,  ") && features::comma_join(b", ") && !features::comma_join(b" and ")
        );
    }

    #[test]
    fn a_name_on_a_form_s_blank_line() {
        // Written for this test (not from any evaluation or tuning set).
        let t = "Signatur: ____Xanthe Quorbel____ and user_Kofi";
        let words: Vec<String> = tokens(t).into_iter().map(|(w, _)| w).collect();
        // The underscores of a blank line are no word; one underscore joins an identifier.
        assert_eq!(words, ["Signatur", "Xanthe", "Quorbel"]);
        let at = t.find("Xanthe").unwrap();
        let c = Cand { start: at, end: at + 14, label: Label::Person, conf: 0.9, rec: RECOGNIZER };
        assert!(crate::scan::bounded(t.as_bytes(), &c));
        let k = t.find("Kofi").unwrap();
        let c = Cand { start: k, end: k + 4, label: Label::Person, conf: 0.9, rec: RECOGNIZER };
        assert!(!crate::scan::bounded(t.as_bytes(), &c));
        // A Swedish genitive is the name without its "s"; a bare initial in a cell is one.
        assert_eq!(tokens("hyran till Villes konto")[0].0, "Ville");
        let s = features::sentence(b"2;070-000 00 00;K Quorbel", None, &[]);
        assert_ne!(s.toks[0].flags & features::F_INITIAL, 0);
        // A month that is also a given name, before a surname, is no stop word; by a number it is.
        let s = features::sentence(b"Resenar: Jan Quorbel", None, &[]);
        assert_eq!(s.toks[1].flags & features::F_STOP, 0);
        let s = features::sentence(b"Mote 12 Jan Quorbel", None, &[]);
        assert_ne!(s.toks[0].flags & features::F_STOP, 0);
    }

    #[test]
    fn the_tagger_costs_nothing_on_text_without_capitals() {
        let s = features::sentence(b"all lower case, 12 34 and more words", None, &[]);
        assert!(s.toks.is_empty());
        // A capital at the start of a sentence with no cue is not a token either.
        let s = features::sentence(b"the report was sent. Then it was read.", None, &[]);
        assert!(s.toks.is_empty());
        // Two capitalised words are.
        let s = features::sentence(b"we met Aster Berhane today", None, &[]);
        assert_eq!(s.toks.len(), 2);
        assert_eq!(s.toks[1].sep, features::SEP_SPACE);
    }
}
