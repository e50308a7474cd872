//! Office packages (OOXML, ODF) on arbitrary bytes: no panic. The first byte chooses between
//! the raw bytes as a zip archive and the bytes as one XML part of a valid package (where
//! the XML rewrite is exercised).
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use sekretess_detect::Format;
use sekretess_detect::doc::{DocOptions, Limits, UninspectedPolicy, redact_document};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const CT: &[u8] = b"<?xml version=\"1.0\"?><Types/>";

fn package(members: &[(&str, &[u8])]) -> Option<Vec<u8>> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in members {
        let method = if *name == "mimetype" { CompressionMethod::Stored } else { CompressionMethod::Deflated };
        w.start_file(*name, SimpleFileOptions::default().compression_method(method)).ok()?;
        w.write_all(data).ok()?;
    }
    Some(w.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let input = match sel % 5 {
        0 => Some(rest.to_vec()),
        1 => package(&[("[Content_Types].xml", CT), ("word/document.xml", rest)]),
        2 => package(&[
            ("[Content_Types].xml", CT),
            ("xl/workbook.xml", rest),
            ("xl/worksheets/sheet1.xml", rest),
        ]),
        3 => package(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", rest)]),
        _ => package(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", rest)]),
    };
    let Some(input) = input else { return };
    let opts = DocOptions {
        limits: Limits { max_unpacked: 64 << 20, ..Limits::default() },
        uninspected: UninspectedPolicy::Skip,
        ..DocOptions::default()
    };
    let _ = redact_document(&input, Format::Auto, &opts);
});
