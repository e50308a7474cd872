//! The words of an address line, by country: house numbers, unit segments, street types,
//! and the street line in the continental, English and French orders.

use crate::lexicon;

/// Words that make the next word part of the street's name ("Norra Vallgatan",
/// "Sankt Göransgatan", "Västra Esplanaden").
pub(super) fn is_prefix_word(w: &str) -> bool {
    const W: &[&str] = &[
        "Norra",
        "Södra",
        "Östra",
        "Västra",
        "Gamla",
        "Nya",
        "Stora",
        "Lilla",
        "Sankt",
        "S:t",
        "St.",
        "Övre",
        "Nedre",
        "Inre",
        "Yttre",
        "Drottning",
        "Kung",
        "Store",
        "Lille",
        "Nørre",
        "Søndre",
        "Øvre",
        "Nedre",
        // Titles that streets are named with ("Doktor Forselius gata", "Burgemeester
        // Reigerstraat", "Professor Zahlgrens gata").
        "Doktor",
        "Professor",
        "Biskop",
        "Kapten",
        "Burgemeester",
        "Dokter",
        "Pastoor",
        "Koningin",
        "Prins",
        "Prinses",
        "Sint",
        // Dutch adjectives of a street's name ("Grote Markt", "Oude Gracht", "Nieuwe Binnenweg").
        "Grote",
        "Kleine",
        "Oude",
        "Nieuwe",
        "Lange",
        "Korte",
        // German and Austrian streets opened by a preposition with its article ("Am
        // Lindenhof", "Im Winkel", "Zur Mühle", "Auf der Heide").
        "Am",
        "Im",
        "Zum",
        "Zur",
        "Auf",
        "An",
        // Ordinals that number streets of one name ("Tredje Långgatan").
        "Första",
        "Andra",
        "Tredje",
        "Fjärde",
        "Femte",
    ];
    W.contains(&w)
}

/// A prefix word written in capitals, as labels print it ("VÄSTRA VALLGATAN", "SANKT
/// ERIKSGATAN"), before a street name in capitals.
pub(super) fn is_prefix_in_capitals(w: &str, name: &str) -> bool {
    let caps = |x: &str| x.chars().count() > 1 && x.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
    if !caps(w) || !caps(name) {
        return false;
    }
    let mut cs = w.chars();
    let title: String = cs.next().into_iter().chain(cs.flat_map(char::to_lowercase)).collect();
    is_prefix_word(&title)
}

/// A Swedish street name compounded with its type ("Bangata", "Strandväg", "Storgatan").
fn is_compound_street(w: &str) -> bool {
    const TYPES: &[&str] =
        &["gatan", "gata", "vägen", "väg", "gränd", "gränden", "backe", "backen", "strand", "stigen"];
    let lower = w.to_lowercase();
    TYPES.iter().any(|ty| lower.strip_suffix(ty).is_some_and(|stem| stem.chars().count() >= 3))
}

/// Whether `before` is the district or parish a compound street is named within
/// ("Katarina Bangata", "Hässelby Strandväg"): a capitalised word of letters only that is no
/// stop, field or company word, and not a Swedish noun in its definite form unless a given
/// name. Callers take it only where the phrase opens (a line, a label's value, after a comma
/// or a lower-case word), so a person's name before a street is not taken.
pub(super) fn district_before_street(before: &str, name: &str) -> bool {
    if !is_compound_street(name) || !capitalised(name) || name.chars().skip(1).any(char::is_uppercase) {
        return false;
    }
    let lower = before.to_lowercase();
    let definite = ["en", "et", "an", "na", "rna", "arna", "erna"].iter().any(|e| lower.ends_with(e));
    before.chars().count() >= 4
        && before.chars().all(char::is_alphabetic)
        && capitalised(before)
        && !before.chars().skip(1).any(char::is_uppercase)
        && (!definite || lexicon::is_given(before))
        && !lexicon::is_stop_word(before)
        && !lexicon::is_field_word(before)
        && !lexicon::is_company_form(before)
        && !lexicon::is_company_word(before)
        && !lexicon::is_trade_word(before)
        && !crate::scan::address_place::names_a_place(before)
}

/// Small words inside street names ("Calle de Alcalá", "ul. Świdnicka").
pub(super) fn is_particle(w: &str) -> bool {
    const W: &[&str] = &[
        "de", "del", "la", "las", "los", "van", "der", "den", "von", "di", "da", "do", "dos", "das", "du",
        "le", "en", "ul.", "al.", "os.", "pl.", "ulica", "aleja", "dei", "della", "delle", "degli", "dello",
        "des", "vul.",
    ];
    W.contains(&w)
}

/// Street-type words written as their own word, lower case ("Thorvald Meyers gate",
/// "Doktor Widerströms gata").
pub(super) fn is_street_word_lower(w: &str) -> bool {
    const W: &[&str] = &[
        "gata", "gatan", "gate", "gaten", "gade", "väg", "vägen", "vei", "veien", "vej", "allé", "allén",
        "torg", "torget", "plan", "backe", "backen", "gränd", "straße", "strasse", "weg", "laan", "straat",
        "kade", "plein", "gracht", "tie", "katu",
        // A shore, a path or a quay after a genitive ("Bergsunds strand", "Kvarnbackens stig").
        "strand", "stranden", "stig", "stigen", "kaj", "kajen",
    ];
    W.contains(&w)
}

/// Street-type words that lead the name ("Calle Mayor", "Odos Ermou", "Rue de Rivoli").
pub(super) fn is_lead_street_word(w: &str) -> bool {
    const W: &[&str] = &[
        "Calle",
        // Spanish "calle" abbreviated ("C/ Mayor 7").
        "C/",
        "Avenida",
        "Av.",
        "Avda.",
        "Paseo",
        "Plaza",
        "Carrer",
        "Rua",
        "Rue",
        "Via",
        "Viale",
        "Piazza",
        "Corso",
        "Odos",
        "Leoforos",
        "Ulica",
        "Aleja",
        "Boulevard",
        "Place",
        "Gran",
        "Chemin",
        "Route",
        "Allée",
        "Quai",
        "Strada",
        "Largo",
        "Travessa",
        "Avinguda",
        "Rambla",
        "Bulevar",
    ];
    // Also in capitals, as shipping labels print it ("ODOS ERMOU 118").
    W.contains(&w)
        || (w.len() > 2 && w.bytes().all(|b| b.is_ascii_uppercase()) && W.contains(&title_case(w).as_str()))
}

/// German street types written as a word of their own after the name ("Kottbusser Damm",
/// "Karl-Marx-Allee", "Am Hohen Ufer"): the name before them belongs to the street.
fn is_de_street_type(w: &str) -> bool {
    matches!(
        w,
        "Damm" | "Allee" | "Ring" | "Weg" | "Platz" | "Ufer" | "Chaussee" | "Markt" | "Gasse" | "Steig"
    )
}

/// English street types beyond the lexicon's ("7 Heather Close", "15 Firthview Court").
pub(crate) fn is_en_street_type(w: &str) -> bool {
    const W: &[&str] = &[
        "Close",
        "Crescent",
        "Gardens",
        "Grove",
        "Mews",
        "Row",
        "Walk",
        "Hill",
        "View",
        "Green",
        "Gate",
        "Wharf",
        "Quay",
        "Rise",
        "Vale",
        "Yard",
        "Parade",
        "Broadway",
        "Esplanade",
        "Embankment",
        "Alley",
        "Path",
        "Trail",
        "Loop",
        "Park",
        "Cres",
        "Gdns",
    ];
    let w = title_case(w);
    lexicon::is_en_street(&w) || W.contains(&w.as_str())
}

/// A post-office box is not a street ("Box 1050, 172 21 Sundbyberg").
pub(super) fn is_po_box(w: &str) -> bool {
    matches!(w, "Box" | "BOX" | "Postbox" | "Postboks" | "Postfach" | "Fack" | "Apartado")
}

/// An English street word as written, also in capitals ("DR", "AVE").
pub(super) fn title_case(w: &str) -> String {
    if w.len() > 1 && w.bytes().all(|b| b.is_ascii_uppercase()) {
        let mut s = w[..1].to_string();
        s.push_str(&w[1..].to_ascii_lowercase());
        s
    } else {
        w.to_string()
    }
}

pub(super) fn is_direction(w: &str) -> bool {
    matches!(w, "N" | "S" | "E" | "W" | "NE" | "NW" | "SE" | "SW")
}

/// A house number: `17`, `33A`, `88-2`, `19/4`, `221B` (first digit 1-9).
pub(super) fn is_house_number(w: &str) -> bool {
    let b = w.as_bytes();
    if !b.first().is_some_and(|c| (b'1'..=b'9').contains(c)) {
        return false;
    }
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i > 4 {
        return false;
    }
    if i < b.len() && b[i].is_ascii_alphabetic() {
        i += 1;
    }
    // A Dutch floor in Roman numerals after the number ("3-II").
    if i + 1 < b.len() && b[i] == b'-' && b[i + 1..].iter().all(|c| matches!(c, b'I' | b'V' | b'X')) {
        return b.len() - i <= 5;
    }
    // A Dutch or French addition after a dash ("212-bis", "6-A").
    if i + 1 < b.len() && b[i] == b'-' {
        let rest = &w[i + 1..];
        if matches!(rest, "bis" | "ter" | "BIS" | "TER")
            || (rest.len() == 1 && b[i + 1].is_ascii_alphabetic())
        {
            return true;
        }
    }
    if i < b.len() && matches!(b[i], b'-' | b'/') {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s || i - s > 4 {
            return false;
        }
        if i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
    }
    // An Austrian house, stair and door ("47/3/12"): short groups without a leading zero,
    // so a date ("12/03/2024") is not one.
    if i < b.len() && b[i] == b'/' && b[..i].iter().all(|c| c.is_ascii_digit() || *c == b'/') {
        let rest = &b[i + 1..];
        return (1..=3).contains(&rest.len()) && rest[0] != b'0' && rest.iter().all(u8::is_ascii_digit);
    }
    i == b.len()
}

pub(super) fn is_digits(w: &str) -> bool {
    !w.is_empty() && w.len() <= 5 && w.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn is_single_upper(w: &str) -> bool {
    w.len() == 1 && w.as_bytes()[0].is_ascii_uppercase()
}

pub(super) fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// Words of a segment with their byte offsets (relative to the segment).
pub(super) fn words(seg: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (k, c) in seg.char_indices() {
        if c == ' ' || c == '\t' {
            if let Some(s) = start.take() {
                out.push((s, &seg[s..k]));
            }
        } else if start.is_none() {
            start = Some(k);
        }
    }
    if let Some(s) = start {
        out.push((s, &seg[s..]));
    }
    out
}

/// A continental street line ending the words `ws`: `Words Number [unit]`. Returns the
/// byte offset (in the segment) of its first word.
pub(super) fn continental(ws: &[(usize, &str)]) -> Option<usize> {
    let mut idx = ws.len() - 1;
    // Unit details after the number.
    for _ in 0..2 {
        let w = ws[idx].1;
        let unit_word = matches!(
            ws[idx.saturating_sub(1)].1.to_lowercase().as_str(),
            "lgh" | "lgh." | "m." | "m" | "lok." | "bst" | "boîte" | "bte" | "bus" | "kv."
        );
        let stair = idx >= 2 && is_single_upper(ws[idx - 1].1) && is_house_number(ws[idx - 2].1);
        if idx >= 2 && is_digits(w) && (unit_word || stair) {
            idx -= 2;
        } else if idx >= 1
            && (is_single_upper(w) || is_no_flat(w) || is_number_addition(w))
            && is_house_number(ws[idx - 1].1)
        {
            idx -= 1;
        } else {
            break;
        }
    }
    if idx == 0 || !is_house_number(ws[idx].1) {
        return None;
    }
    // The street's words, right to left.
    let mut chain: Vec<(usize, &str)> = Vec::new();
    let mut k = idx;
    while k > 0 && chain.len() < 4 {
        let (o, w) = ws[k - 1];
        let ok = if capitalised(w) {
            !w.ends_with(':')
                && (!lexicon::is_stop_word(w) || is_prefix_word(w))
                && !lexicon::is_company_form(w)
                && !is_po_box(w)
        } else {
            is_particle(w) || is_street_word_lower(w)
        };
        if !ok {
            break;
        }
        chain.push((o, w));
        k -= 1;
    }
    chain.reverse();
    let last = chain.last()?;
    if !capitalised(last.1) && !is_street_word_lower(last.1) {
        return None;
    }
    let linked = chain.iter().any(|(_, w)| is_particle(w) || is_street_word_lower(w));
    if linked {
        // "Calle de Alcalá", "Thorvald Meyers gate", "ul. Piotrkowska": the whole chain.
        return chain.first().map(|(o, _)| *o);
    }
    // One name word, with the prefix and lead words before it ("Norra Vallgatan",
    // "Odos Ermou"). A capitalised word before a one-word street ("Fastigheten
    // Storgatan 11") is not part of it.
    let mut m = chain.len() - 1;
    // "Araby Park", "Holland Park": a place word takes the name before it.
    if m > 0 && (lexicon::is_place_word(&chain[m].1.to_lowercase()) || is_de_street_type(chain[m].1)) {
        m -= 1;
    }
    while m > 0
        && (is_prefix_word(chain[m - 1].1)
            || is_lead_street_word(chain[m - 1].1)
            || is_prefix_in_capitals(chain[m - 1].1, chain[m].1))
    {
        m -= 1;
    }
    // A street named after a person or a title, in the genitive ("Olof Wijksgatan", "Mäster
    // Samuelsgatan"), or a Dutch name with its particle ("Van Woustraat").
    // A name word only by its shape joins when one space parts them ("Hjalmar
    // Brantingsgatan", not a form's "Försäkringsställe        Hornsgatan").
    if m > 0 && joins_street_name(chain[m - 1].1, chain[m].1) {
        let (o, w) = chain[m - 1];
        let tight = o + w.len() + 1 == chain[m].0;
        let known = lexicon::is_given(w) || is_street_title(w) || !is_genitive_street(chain[m].1);
        if tight || known {
            m -= 1;
        }
    }
    // A Dutch street named after a person with a particle ("Van Hallstraat" above, "Van
    // Eeghen Tweedestraat" here): the particle and the surname join.
    if m >= 2
        && matches!(chain[m - 2].1, "Van" | "Von" | "De" | "Den" | "Ter" | "Ten")
        && capitalised(chain[m - 1].1)
        && is_dutch_compound(chain[m].1)
    {
        m -= 2;
    }
    // A Dutch ordinal numbering streets of one name ("2e Jan Steenstraat", "1e Helmersstraat").
    if m == 0 && k > 0 {
        let (o, w) = ws[k - 1];
        let ordinal = w.strip_suffix('e').is_some_and(|n| (1..=2).contains(&n.len()) && is_digits(n));
        if ordinal && o + w.len() + 1 == chain[0].0 {
            return Some(o);
        }
    }
    // A district before a compound street, as the first word of the phrase ("Katarina
    // Bangata 33" on its own line or after a label).
    if m == 1 {
        let (o, w) = chain[0];
        let first = k == 0 || ws[k - 1].1.ends_with(':') || !capitalised(ws[k - 1].1);
        if first && o + w.len() + 1 == chain[1].0 && district_before_street(w, chain[1].1) {
            m = 0;
        }
    }
    Some(chain[m].0)
}

/// What Dutch and French addresses write after the house number: `bis`, `ter`, a floor in
/// Roman numerals (`III`) or as `2hoog`, `hs` (the ground floor) ("Oudegracht 214 bis",
/// "Vondelstraat 17 III", "Keizersgracht 609 2hoog").
pub(super) fn is_number_addition(w: &str) -> bool {
    let w = w.trim_end_matches(',');
    let roman = (1..=4).contains(&w.len()) && w.bytes().all(|b| matches!(b, b'I' | b'V' | b'X'));
    let hoog = w
        .strip_suffix("hoog")
        .is_some_and(|n| n.trim_end_matches('-').len() == 1 && is_digits(n.trim_end_matches('-')));
    roman || hoog || matches!(w, "bis" | "ter" | "hs" | "huis")
}

/// A Norwegian flat number ("bolignummer") after the house number: `H`, `U`, `L` or `K` and
/// four digits, floor then flat ("Storgata 41 H0201").
pub(super) fn is_no_flat(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 5 && matches!(b[0], b'H' | b'U' | b'L' | b'K') && b[1..].iter().all(u8::is_ascii_digit)
}

/// A word that names a kind of house ("Cottage", "Rectory", "Mansions"): a house named
/// instead of numbered ends with one.
pub(in crate::scan) fn is_house_word(w: &str) -> bool {
    HOUSES.contains(&w)
}

const HOUSES: &[&str] = &[
    "Cottage",
    "House",
    "Farm",
    "Farmhouse",
    "Rectory",
    "Vicarage",
    "Forge",
    "Lodge",
    "Barn",
    "Mill",
    "Manor",
    "Grange",
    "Villa",
    "Bungalow",
    "View",
    "Croft",
    "Gables",
    "Cottages",
    "Mansions",
];

/// A house named instead of numbered, before its street ("The Old Rectory, Church Lane"):
/// "The …", or a word that names a kind of house last.
pub(super) fn is_house_name(ws: &[(usize, &str)]) -> bool {
    (1..=4).contains(&ws.len())
        && ws.iter().all(|(_, w)| capitalised(w) && !w.bytes().any(|b| b.is_ascii_digit()))
        && (ws[0].1 == "The" || ws.last().is_some_and(|(_, w)| is_house_word(w)))
}

/// Titles that name a street with the genitive of a name after them ("Mäster Samuelsgatan",
/// "Doktor Forselius gata").
pub(super) fn is_street_title(w: &str) -> bool {
    matches!(
        w,
        "Mäster"
            | "Doktor"
            | "Professor"
            | "Kapten"
            | "Prins"
            | "Prinsessan"
            | "Drottning"
            | "Kung"
            | "Biskop"
            | "Fru"
            | "Herr"
            | "Konstapel"
            | "Magister"
            | "Amiral"
            | "Överste"
            | "Greve"
            | "Friherre"
    )
}

/// A Swedish street word in the genitive: a name, `s`, and the street type ("Wijksgatan",
/// "Samuelsgatan", "Johansvägen").
pub(super) fn is_genitive_street(w: &str) -> bool {
    const TYPES: &[&str] = &[
        "gatan", "gata", "vägen", "väg", "torget", "torg", "gränd", "gränden", "plan", "backe", "backen",
        "allé", "allén", "stig", "stigen", "leden", "strand", "stranden", "gången", "gång",
    ];
    let lower = w.to_lowercase();
    TYPES.iter().any(|ty| lower.strip_suffix(ty).is_some_and(|stem| stem.len() >= 3 && stem.ends_with('s')))
}

/// Whether the capitalised word `before` belongs to the street name `name` after it: a given
/// name or a title before a genitive street, or a capitalised Dutch, Belgian or French
/// particle ("Van Woustraat", "De Clercqstraat").
pub(super) fn joins_street_name(before: &str, name: &str) -> bool {
    if !capitalised(before) {
        return false;
    }
    if is_genitive_street(name)
        && (lexicon::is_given(before) || is_street_title(before) || name_like_before_street(before))
    {
        return true;
    }
    // A Dutch street named after a person, the given name before the compound ("Johan
    // Wagenaarkade", "Jan Steenstraat").
    (is_dutch_compound(name) && lexicon::is_given(before))
        || matches!(before, "Van" | "Von" | "De" | "Del" | "La" | "Le" | "Di" | "Da" | "Du" | "Der" | "Den")
}

/// A Dutch street type compounded with its name ("Stirumstraat", "Wagenaarkade").
fn is_dutch_compound(name: &str) -> bool {
    ["straat", "kade", "laan", "weg", "plein", "gracht", "singel", "dijk"]
        .iter()
        .any(|ty| name.strip_suffix(ty).is_some_and(|stem| stem.chars().count() >= 3))
}

/// Whether a capitalised word before a genitive street ("Hjalmar Brantingsgatan", "Gustav
/// Adolfs väg") reads as the given name the street is named after: letters only, not a
/// stop word, a company form or a label, and not a Swedish noun in its definite form
/// ("Fastigheten Olofsgatan 11" is the property, not the street's name).
pub(super) fn name_like_before_street(w: &str) -> bool {
    let letters = w.chars().count() >= 3 && w.chars().all(char::is_alphabetic);
    let lower = w.to_lowercase();
    let definite = ["en", "et", "an", "na", "rna", "arna", "erna"].iter().any(|e| lower.ends_with(e));
    letters
        && capitalised(w)
        && !w.chars().skip(1).any(char::is_uppercase)
        && !definite
        && !lexicon::is_stop_word(w)
        && !lexicon::is_company_form(w)
}

/// A French street line ending the words `ws`: `Number [bis|ter] type Words` ("27 avenue Jean
/// Jaurès", "12 rue des Tanneurs"). Returns the offset of the number.
pub(super) fn french(ws: &[(usize, &str)]) -> Option<usize> {
    const TYPES: &[&str] = &[
        "rue",
        "avenue",
        "av.",
        "boulevard",
        "bd",
        "bd.",
        "allée",
        "place",
        "chemin",
        "impasse",
        "quai",
        "cours",
        "route",
        "square",
        "passage",
    ];
    let h = ws.iter().rposition(|(_, w)| is_house_number(w))?;
    let mut k = h + 1;
    if ws.get(k).is_some_and(|(_, w)| matches!(*w, "bis" | "ter")) {
        k += 1;
    }
    // Capitalised too, as Belgian and many French writers print it ("18 Rue Oberkampf").
    let typed = |w: &str| {
        TYPES.contains(&w)
            || matches!(w, "Rue" | "Avenue" | "Boulevard" | "Allée" | "Chemin" | "Impasse" | "Quai" | "Place")
    };
    if !ws.get(k).is_some_and(|(_, w)| typed(w)) {
        return None;
    }
    let name = &ws[k + 1..];
    let ok = !name.is_empty()
        && name.len() <= 5
        && name.iter().any(|(_, w)| capitalised(w))
        && name.iter().all(|(_, w)| {
            capitalised(w)
                || matches!(*w, "de" | "des" | "du" | "la" | "le" | "les" | "d'" | "l'")
                || w.starts_with("d'")
        });
    ok.then_some(ws[h].0)
}

/// An English street line ending the words `ws`: `Number [Words] Type [direction] [unit]`,
/// or `Number Words` when the number starts the segment. Returns the offset of the number.
pub(super) fn english_street(ws: &[(usize, &str)]) -> Option<usize> {
    let mut end = ws.len();
    // "Apt 5F", "Unit 2", "Suite 100", "#4" after the street.
    if end >= 3
        && matches!(
            title_case(ws[end - 2].1).as_str(),
            "Apt" | "Apt." | "Unit" | "Suite" | "Ste" | "Flat" | "Fl" | "Floor" | "#"
        )
    {
        end -= 2;
    } else if end >= 2
        && ws[end - 1]
            .1
            .strip_prefix('#')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        // "1845 Telegraph Ave #4".
        end -= 1;
    }
    if end >= 2 && is_direction(ws[end - 1].1) {
        end -= 1;
    }
    // American house numbers run to five digits ("18400 W Seven Mile Rd").
    let us_number = |w: &str| w.len() == 5 && !w.starts_with('0') && w.bytes().all(|b| b.is_ascii_digit());
    let h = (0..end).rev().find(|&k| is_house_number(ws[k].1) || us_number(ws[k].1))?;
    if h > 0 && is_po_box(ws[h - 1].1) {
        return None;
    }
    let words = &ws[h + 1..end];
    if words.is_empty() || words.len() > 5 {
        return None;
    }
    let shaped = words.iter().all(|(_, w)| {
        capitalised(w) || is_direction(w) || (w.as_bytes()[0].is_ascii_digit() && w.len() <= 5)
    });
    if !shaped {
        return None;
    }
    let typed = words.last().is_some_and(|(_, w)| is_en_street_type(w));
    if us_number(ws[h].1) && !typed {
        return None;
    }
    // A numbered street after the house's number ("9820 108 Street NW").
    if typed
        && words.len() == 1
        && h > 0
        && is_digits(ws[h].1)
        && (is_house_number(ws[h - 1].1) || us_number(ws[h - 1].1))
    {
        return Some(ws[h - 1].0);
    }
    // "No. 88 Nanjing West Road": the number sign belongs to the street.
    if h > 0 && matches!(ws[h - 1].1, "No." | "no.") {
        return typed.then_some(ws[h - 1].0);
    }
    // After a preposition or "is" ("of 9 Holly Bank", "address is 17 Jacaranda Avenue") the
    // number starts the street as it does at the start of the segment.
    let lower_before =
        h > 0 && matches!(ws[h - 1].1, "of" | "at" | "is" | "to" | "in" | "on" | "på" | "i" | "till" | "vid");
    (typed || h == 0 || lower_before).then_some(ws[h].0)
}

/// Canada Post's two-letter province and territory codes.
pub(super) fn is_ca_province(w: &[u8]) -> bool {
    const CODES: &[&[u8; 2]] =
        &[b"AB", b"BC", b"MB", b"NB", b"NL", b"NS", b"NT", b"NU", b"ON", b"PE", b"QC", b"SK", b"YT"];
    CODES.iter().any(|c| c.as_slice() == w)
}

/// A Canadian postal code at the start of `t` ("M5V 0E9", "H2T 2K8"): letter, digit, letter,
/// a space, digit, letter, digit; the letters D, F, I, O, Q and U never occur, nor W and Z
/// first. Its length.
pub(super) fn ca_postcode(t: &[u8]) -> Option<usize> {
    let k = t.get(..7)?;
    let letter = |b: u8| b.is_ascii_uppercase() && !matches!(b, b'D' | b'F' | b'I' | b'O' | b'Q' | b'U');
    let ok = letter(k[0])
        && !matches!(k[0], b'W' | b'Z')
        && k[1].is_ascii_digit()
        && letter(k[2])
        && k[3] == b' '
        && k[4].is_ascii_digit()
        && letter(k[5])
        && k[6].is_ascii_digit();
    (ok && !t.get(7).is_some_and(u8::is_ascii_alphanumeric)).then_some(7)
}

/// A label's country prefix before a postcode at `ps` (`SE-163 74`, `NO-0193`, `D-50678`):
/// the prefix's start, so the line before it is read as the street; else `ps`.
pub(super) fn country_prefix_before(t: &[u8], ps: usize) -> usize {
    if ps < 2 || t[ps - 1] != b'-' {
        return ps;
    }
    let mut k = ps - 1;
    while k > 0 && t[k - 1].is_ascii_uppercase() && ps - 1 - k < 2 {
        k -= 1;
    }
    let opens = k == 0 || matches!(t[k - 1], b' ' | b'\t' | b'\n' | b',');
    if k < ps - 1 && opens { k } else { ps }
}

/// Whether `w` and `w2` after a postcode are one town's two names ("Neo Psychiko"), not a
/// form's town field ("Ort Eskilstuna") nor a town and a word in capitals or a country.
pub(super) fn two_name_town(w: &str, w2: &str) -> bool {
    let field = ["ort", "postort", "stad", "city", "town", "land"].iter().any(|f| w.eq_ignore_ascii_case(f));
    !field
        && w2.len() >= 3
        && !w2.bytes().all(|b| b.is_ascii_uppercase())
        && plain_town_word(w)
        && plain_town_word(w2)
}

/// A word that may be one of a town's names: not a country, field, stop, company or street
/// word.
fn plain_town_word(w: &str) -> bool {
    !(crate::scan::address_label::is_country(w)
        || lexicon::is_field_word(w)
        || lexicon::is_stop_word(w)
        || lexicon::is_company_form(w)
        || lexicon::is_company_word(w)
        || is_en_street_type(w))
}
