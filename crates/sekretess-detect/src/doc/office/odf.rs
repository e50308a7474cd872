//! OpenDocument (ODT, ODS): how `content.xml`, `styles.xml`, `meta.xml` and the other XML
//! parts are read.

use super::xml::{Numeric, Profile};

/// One profile for every ODF part. All text inside a paragraph (spans, links, fields) is
/// part of it; table rows are joined whole (cells separated by tabs).
pub(super) const PROFILE: Profile = Profile {
    units: &["text:p", "text:h", "table:table-row"],
    pieces: None,
    spaces: &["text:s", "text:tab", "text:line-break", "office:annotation", "text:note", "text:note-body"],
    end_gaps: &[
        ("text:p", "\n"),
        ("text:h", "\n"),
        ("table:table-cell", "\t"),
        ("table:covered-table-cell", "\t"),
        ("office:annotation", "\n"),
        ("text:note", " "),
    ],
    loose: &["dc:date", "text:note-citation", "meta:date-string"],
    blank: &["dc:creator", "meta:initial-creator", "meta:printed-by", "meta:creator-initials"],
    blank_attrs: &[],
    attrs: &["href", "string-value", "formula", "value", "title", "description", "desc"],
    elem_attrs: &[],
    numeric: Numeric::Odf,
};

/// The media types of the ODF documents read here.
pub(super) const TEXT: &str = "application/vnd.oasis.opendocument.text";
pub(super) const SPREADSHEET: &str = "application/vnd.oasis.opendocument.spreadsheet";
