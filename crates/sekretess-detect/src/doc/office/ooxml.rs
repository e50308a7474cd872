//! Office Open XML (DOCX, XLSX, PPTX): how WordprocessingML, SpreadsheetML,
//! PresentationML and DrawingML parts are read, and the sheet names of a workbook.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use super::super::Cx;
use super::xml::{Numeric, Profile};
use crate::DetectError;

/// One profile for every OOXML part: the element names of the vocabularies do not clash
/// (SpreadsheetML is the only one written without a prefix).
pub(super) const PROFILE: Profile = Profile {
    units: &[
        // A paragraph, or a whole table (cells joined with tabs), of WordprocessingML.
        "w:p", "w:tbl", // DrawingML (slides, shapes, charts, text boxes).
        "a:p", "a:tbl", // SpreadsheetML: a shared string, a row, a comment.
        "si", "row", "comment",
    ],
    pieces: Some(&["w:t", "w:delText", "w:instrText", "w:delInstrText", "a:t", "t", "v", "f"]),
    spaces: &["w:tab", "w:ptab", "w:br", "w:cr", "a:br"],
    end_gaps: &[
        ("w:p", "\n"),
        ("a:p", "\n"),
        ("w:tc", "\t"),
        ("a:tc", "\t"),
        ("c", "\t"),
        ("cell", "\t"),
        ("w:instrText", " "),
        ("w:delInstrText", " "),
        ("f", " "),
    ],
    loose: &[],
    blank: &["dc:creator", "cp:lastModifiedBy", "Manager", "author"],
    blank_attrs: &[
        ("*", "w:author"),
        ("*", "w:initials"),
        ("w15:person", "w15:author"),
        ("w15:presenceInfo", "w15:userId"),
        ("p:cmAuthor", "name"),
        ("p:cmAuthor", "initials"),
        ("p188:author", "name"),
        ("p188:author", "initials"),
        ("p188:author", "userId"),
        ("person", "displayName"),
        ("person", "userId"),
    ],
    attrs: &[
        "descr",
        "title",
        "instr",
        "Target",
        "tooltip",
        "display",
        "alt",
        "prompt",
        "promptTitle",
        "error",
        "errorTitle",
        "v",
        "href",
        // Data connections (`xl/connections.xml`): connection strings and queries.
        "connection",
        "command",
    ],
    // Document variables and the titles of content controls hold free text in `w:val`.
    elem_attrs: &[("w:docVar", "w:val"), ("w:alias", "w:val")],
    numeric: Numeric::Xlsx,
};

/// Values of attribute `attr` of every element `elem` of an XML document, in order.
pub(super) fn element_attr(src: &[u8], elem: &str, attr: &str) -> Result<Vec<String>, DetectError> {
    const DAMAGED: DetectError = DetectError::Damaged { format: "office", what: "malformed XML part" };
    let text = std::str::from_utf8(src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src)).map_err(|_| DAMAGED)?;
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(|_| DAMAGED)? {
            Event::Start(e) | Event::Empty(e) if e.name().0 == elem => {
                for a in e.attributes() {
                    let a = a.map_err(|_| DAMAGED)?;
                    if a.key.0 == attr {
                        let v = quick_xml::escape::unescape(&a.value).map_err(|_| DAMAGED)?;
                        out.push(v.into_owned());
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// New names for the sheet names with findings: `Sheet<N>`, unique among all names. Also
/// the quoted form with doubled apostrophes, as formulas write it.
pub(super) fn renames(names: &[String], part: &str, cx: &mut Cx<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if cx.redact_text(Some(part), None, name).is_none() {
            continue;
        }
        let mut new = format!("Sheet{}", i + 1);
        let mut k = 1;
        while names.contains(&new) || out.iter().any(|(_, n): &(String, String)| *n == new) {
            k += 1;
            new = format!("Sheet{}_{k}", i + 1);
        }
        if name.contains('\'') {
            out.push((name.replace('\'', "''"), new.clone()));
        }
        out.push((name.clone(), new));
    }
    // Longest first, so that a name inside another name does not break the longer one.
    out.sort_by_key(|(old, _)| std::cmp::Reverse(old.len()));
    out
}
