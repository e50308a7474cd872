//! Place words written capitalised after a name.

use std::sync::LazyLock;

use crate::wordset::WordSet;

/// A city, a Turkish quarter or street, a house of culture, an institution named after
/// someone, written capitalised after a name ("Quorbel City", "Quorbel Mahallesi", "Quorbel
/// Kulturhus", "Given Surname University", "Surname Library"): the name is the place's.
pub(super) fn is_title_place(w: &str) -> bool {
    const TITLE: &[&str] = &[
        "city",
        "mahallesi",
        "mahalle",
        "caddesi",
        "sokak",
        "sokağı",
        "kulturhus",
        "kulturhuset",
        // Institutions (not `Hall`, `Church`, `Park`: surnames too).
        "university",
        "universitet",
        "college",
        "academy",
        "akademi",
        "school",
        "elementary",
        "centre",
        "center",
        "library",
        "hospital",
        "museum",
        "memorial",
        "institute",
        "institutet",
        "foundation",
        "conservancy",
        "stadium",
        "arena",
        "cathedral",
    ];
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(TITLE.iter().copied()));
    w.len() >= 4 && w.as_bytes()[0].is_ascii_uppercase() && super::contains_lower(&SET, w)
}

#[cfg(test)]
mod tests {
    #[test]
    fn capitalised_place_words() {
        // Written for this test (not from any evaluation or tuning set).
        assert!(super::is_title_place("City") && super::is_title_place("Mahallesi"));
        assert!(!super::is_title_place("city") && !super::is_title_place("Quorbel"));
        assert!(crate::lexicon::is_place_word("Kulturhuset"));
        assert!(super::is_title_place("University") && super::is_title_place("Library"));
        assert!(!super::is_title_place("Hall") && !super::is_title_place("Park"));
    }
}
