//! Honorifics of other languages and the chairs of a meeting: excluded from a name like "Mr"
//! (the span conventions), so they are cues before a name and never start one.

/// In lower case: cues (matched in any case).
pub(super) const HONORIFICS: &[&str] = &[
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

/// The same, capitalised as they start a sentence or a line: stop words, like `Mamman` or
/// `Farbror`.
pub(super) const HONORIFICS_TITLE_CASE: &[&str] = &[
    "Frau",
    "Herrn",
    "Monsieur",
    "Madame",
    "Mme",
    "Mlle",
    "Señor",
    "Señora",
    "Señorita",
    "Sra",
    "Signor",
    "Signora",
    "Shri",
    "Smt",
    "Shrimati",
    "President",
    "Chairman",
    "Chairwoman",
    "Chairperson",
    "Ordförande",
];

#[cfg(test)]
mod tests {
    #[test]
    fn both_lists_hold_the_same_words() {
        let title: Vec<String> = super::HONORIFICS_TITLE_CASE.iter().map(|w| w.to_lowercase()).collect();
        assert_eq!(title, super::HONORIFICS);
    }

    #[test]
    fn honorifics_are_cues_and_stop_words() {
        assert!(crate::lexicon::is_person_cue("Frau") && crate::lexicon::is_person_cue("shri"));
        assert!(crate::lexicon::is_stop_word("Señora") && crate::lexicon::is_stop_word("Ordförande"));
        assert!(!crate::lexicon::is_stop_word("FRAU") && !crate::lexicon::is_stop_word("Fraukje"));
    }
}
