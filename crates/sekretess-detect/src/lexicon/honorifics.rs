//! Honorifics of other languages and the chairs of a meeting: excluded from a name like "Mr"
//! (the span conventions), so they are cues before a name and never start one.

use std::sync::LazyLock;

use crate::wordset::WordSet;

const HONORIFICS: &[&str] = &[
    "frau",
    "herrn",
    "monsieur",
    "madame",
    "mme",
    "mlle",
    "señor",
    "señora",
    "señorita",
    "sra",
    "signor",
    "signora",
    "shri",
    "smt",
    "shrimati",
    "president",
    "chairman",
    "chairwoman",
    "chairperson",
    "ordförande",
];

static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(HONORIFICS.iter().copied()));

/// Whether `w`, in lower case, is one of them.
pub(super) fn is_honorific_lower(w: &str) -> bool {
    super::contains_lower(&SET, w)
}

/// Whether `w` is one of them written with a capital and the rest in lower case (`Frau`,
/// `Ordförande`): a stop word, like `Mamman` or `Farbror`.
pub(super) fn is_honorific_title_case(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase) && is_honorific_lower(w)
}

#[cfg(test)]
mod tests {
    #[test]
    fn honorifics_are_cues_and_stop_words() {
        assert!(crate::lexicon::is_person_cue("Frau") && crate::lexicon::is_person_cue("shri"));
        assert!(crate::lexicon::is_stop_word("Señora") && crate::lexicon::is_stop_word("Ordförande"));
        assert!(!crate::lexicon::is_stop_word("FRAU") && !crate::lexicon::is_stop_word("Fraukje"));
    }
}
