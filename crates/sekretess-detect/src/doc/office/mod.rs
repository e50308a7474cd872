//! Zip packages: Office Open XML (DOCX, XLSX, PPTX) and OpenDocument (ODT, ODS).
//!
//! A package is told apart by its members, never its name. Its limits are checked on the
//! central directory before anything is unpacked (member count, declared sizes, ratios),
//! and again on the bytes actually unpacked. Every member is then handled by its content:
//! XML parts are rewritten as a stream ([`xml`]), nested packages and documents
//! (`embeddings/*.xlsx`) are redacted recursively, images, OLE objects, macro projects and
//! other binaries are reported as not inspected. The package is written back with the same
//! members in the same order (ODF `mimetype` first and stored).

mod odf;
mod ooxml;
mod xml;

use std::borrow::Cow;
use std::io::{Cursor, Read, Write};

use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::{Cx, Disposition, Kind, Reason, sniff};
use crate::DetectError;

/// A 1×1 white PNG: stands in for an image that is not inspected (or a generated preview)
/// under the same member name, so that references still resolve.
const BLANK_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00,
    0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xff, 0xff, 0x3f, 0x00, 0x05, 0xfe,
    0x02, 0xfe, 0x0d, 0xef, 0x46, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
    0x82,
];

/// What a package is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Package {
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Ods,
}

impl Package {
    fn odf(self) -> bool {
        matches!(self, Package::Odt | Package::Ods)
    }
}

/// A member as the central directory declares it.
struct Member {
    name: String,
    dir: bool,
    size: u64,
    packed: u64,
    encrypted: bool,
    modified: Option<DateTime>,
}

fn damaged(what: &'static str) -> DetectError {
    DetectError::Damaged { format: "zip", what }
}

/// Redact a zip package. `Ok(None)`: the whole input was not inspected (a plain archive,
/// an ODF kind not read here, an encrypted archive) and is not to be written.
pub(crate) fn redact(input: &[u8], cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    let mut zip = ZipArchive::new(Cursor::new(input)).map_err(|_| damaged("unreadable zip archive"))?;
    let limits = *cx.limits();
    if zip.len() > limits.max_objects {
        return Err(DetectError::Limit {
            limit: "max_objects",
            max: u64::try_from(limits.max_objects).unwrap_or(u64::MAX),
        });
    }
    let mut members = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let e = zip.by_index_data(i).map_err(|_| damaged("unreadable zip entry"))?;
        let name = e.name().map_err(|_| damaged("zip entry name is not UTF-8"))?.into_owned();
        members.push(Member {
            dir: e.is_dir(),
            size: e.size(),
            packed: e.compressed_size(),
            encrypted: e.encrypted(),
            modified: e.last_modified(),
            name,
        });
    }
    // Limits on what the central directory declares, before unpacking anything.
    let mut total: u64 = 0;
    for m in &members {
        cx.check_ratio(m.packed, m.size)?;
        total = total.saturating_add(m.size);
    }
    if cx.unpacked.saturating_add(total) > limits.max_unpacked {
        return Err(DetectError::Limit { limit: "max_unpacked", max: limits.max_unpacked });
    }
    let whole = |cx: &mut Cx<'_>, reason| match cx.not_inspected(None, None, reason) {
        Disposition::Keep => Ok(Some(input.to_vec())),
        Disposition::Drop => Ok(None),
    };
    if members.iter().any(|m| m.encrypted) {
        return whole(cx, Reason::EncryptedArchive);
    }
    let Some(package) = classify(&mut zip, &members, cx)? else {
        return whole(cx, Reason::Unsupported);
    };
    let index = |name: &str| members.iter().position(|m| m.name == name);
    // ODF encrypts members itself (not zip encryption); the manifest says so.
    if package.odf()
        && let Some(i) = index("META-INF/manifest.xml")
        && let Some(bytes) = read(&mut zip, i, &members[i], cx)?
        && memchr::memmem::find(&bytes, b"encryption-data").is_some()
    {
        return whole(cx, Reason::EncryptedArchive);
    }
    // Sheet names with findings are renamed everywhere they are referenced.
    let names_part = match package {
        Package::Xlsx => Some(("xl/workbook.xml", "sheet", "name")),
        Package::Ods => Some(("content.xml", "table:table", "table:name")),
        _ => None,
    };
    let mut pre: Option<(usize, Vec<u8>)> = None;
    let mut renames = Vec::new();
    if let Some((part, elem, attr)) = names_part
        && let Some(i) = index(part)
        && let Some(bytes) = read(&mut zip, i, &members[i], cx)?
    {
        let names = ooxml::element_attr(&bytes, elem, attr)?;
        renames = ooxml::renames(&names, part, cx);
        pre = Some((i, bytes));
    }

    let mut order: Vec<usize> = (0..members.len()).collect();
    if package.odf()
        && let Some(p) = index("mimetype")
    {
        order.retain(|&i| i != p);
        order.insert(0, p);
    }
    let profile = if package.odf() { &odf::PROFILE } else { &ooxml::PROFILE };
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(input.len())));
    for i in order {
        let m = &members[i];
        // Fast deflate: recompressing a rewritten part is most of the time otherwise.
        let mut opts = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1));
        if let Some(t) = m.modified {
            opts = opts.last_modified_time(t);
        }
        if m.dir {
            out.add_directory(m.name.as_str(), opts).map_err(|_| damaged("cannot write zip"))?;
            continue;
        }
        let bytes = match pre.take() {
            Some((j, b)) if j == i => Some(b),
            other => {
                pre = other;
                read(&mut zip, i, m, cx)?
            }
        };
        let data: Cow<'_, [u8]> = match &bytes {
            Some(b) => member(package, profile, i, &m.name, b, &renames, cx)?,
            None => match cx.not_inspected(Some(&m.name), None, Reason::Unsupported) {
                Disposition::Keep => {
                    // Not unpackable here (compression method): copied as it is.
                    let f = zip.by_index_raw(i).map_err(|_| damaged("unreadable zip member"))?;
                    out.raw_copy_file(f).map_err(|_| damaged("cannot write zip"))?;
                    continue;
                }
                Disposition::Drop => Cow::Borrowed(&[][..]),
            },
        };
        let mimetype = package.odf() && m.name == "mimetype";
        let unchanged = bytes.as_ref().is_some_and(|b| std::ptr::eq(b.as_slice(), data.as_ref()));
        if unchanged && !mimetype {
            // Inspected and clean: copied as it was packed (no recompression).
            let f = zip.by_index_raw(i).map_err(|_| damaged("unreadable zip member"))?;
            out.raw_copy_file(f).map_err(|_| damaged("cannot write zip"))?;
            continue;
        }
        if mimetype {
            opts = opts.compression_method(CompressionMethod::Stored).compression_level(None);
        }
        if data.len() as u64 >= u64::from(u32::MAX) {
            opts = opts.large_file(true);
        }
        out.start_file(m.name.as_str(), opts).map_err(|_| damaged("cannot write zip"))?;
        out.write_all(&data)?;
    }
    let cursor = out.finish().map_err(|_| damaged("cannot write zip"))?;
    Ok(Some(cursor.into_inner()))
}

/// Tell the package kind from its members.
fn classify(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    members: &[Member],
    cx: &mut Cx<'_>,
) -> Result<Option<Package>, DetectError> {
    let has = |name: &str| members.iter().any(|m| m.name == name && !m.dir);
    if has("[Content_Types].xml") {
        if has("word/document.xml") {
            return Ok(Some(Package::Docx));
        }
        if has("xl/workbook.xml") {
            return Ok(Some(Package::Xlsx));
        }
        if has("ppt/presentation.xml") {
            return Ok(Some(Package::Pptx));
        }
    }
    if let Some(i) = members.iter().position(|m| m.name == "mimetype" && !m.dir) {
        if members[i].size > 256 {
            return Ok(None);
        }
        if let Some(b) = read(zip, i, &members[i], cx)? {
            let t = std::str::from_utf8(&b).unwrap_or("").trim();
            if t == odf::TEXT {
                return Ok(Some(Package::Odt));
            }
            if t == odf::SPREADSHEET {
                return Ok(Some(Package::Ods));
            }
        }
    }
    Ok(None)
}

/// Unpack member `i` within the limits; `None` when its compression method is not
/// supported.
fn read(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    i: usize,
    m: &Member,
    cx: &mut Cx<'_>,
) -> Result<Option<Vec<u8>>, DetectError> {
    let limits = *cx.limits();
    let remaining = limits.max_unpacked.saturating_sub(cx.unpacked);
    if m.size > remaining {
        return Err(DetectError::Limit { limit: "max_unpacked", max: limits.max_unpacked });
    }
    cx.check_ratio(m.packed, m.size)?;
    let f = match zip.by_index(i) {
        Ok(f) => f,
        Err(ZipError::UnsupportedArchive(_) | ZipError::CompressionMethodNotSupported(_)) => {
            return Ok(None);
        }
        Err(_) => return Err(damaged("unreadable zip member")),
    };
    let cap = usize::try_from(m.size.min(64 << 20)).unwrap_or(0);
    let mut buf = Vec::with_capacity(cap);
    // Never more than declared (plus one byte to notice a lie).
    f.take(m.size.saturating_add(1)).read_to_end(&mut buf).map_err(|_| damaged("unreadable zip member"))?;
    let n = buf.len() as u64;
    if n > m.size {
        return Err(damaged("zip member larger than declared"));
    }
    cx.check_ratio(m.packed, n)?;
    cx.unpack(n)?;
    Ok(Some(buf))
}

/// Generated previews: replaced by a blank image under every policy, not reported.
fn is_thumbnail(package: Package, name: &str) -> bool {
    if package.odf() { name == "Thumbnails/thumbnail.png" } else { name.starts_with("docProps/thumbnail.") }
}

/// Members that hold pictures (by folder), whatever their format (EMF, WMF, SVG …).
fn is_picture_folder(name: &str) -> bool {
    name.contains("/media/") || name.starts_with("Pictures/") || name.starts_with("ObjectReplacements/")
}

fn looks_like_xml(b: &[u8]) -> bool {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    b.trim_ascii_start().starts_with(b"<")
}

/// The new content of one member.
fn member<'b>(
    package: Package,
    profile: &xml::Profile,
    i: usize,
    name: &str,
    data: &'b [u8],
    renames: &[(String, String)],
    cx: &mut Cx<'_>,
) -> Result<Cow<'b, [u8]>, DetectError> {
    if package.odf() && name == "mimetype" {
        return Ok(Cow::Borrowed(data));
    }
    if is_thumbnail(package, name) {
        return Ok(Cow::Borrowed(BLANK_PNG));
    }
    if data.is_empty() {
        return Ok(Cow::Borrowed(data));
    }
    let kind = sniff(data);
    let uninspected = |cx: &mut Cx<'_>, reason| match cx.not_inspected(Some(name), None, reason) {
        Disposition::Keep => Cow::Borrowed(data),
        Disposition::Drop if reason == Reason::Image => Cow::Borrowed(BLANK_PNG),
        Disposition::Drop => Cow::Borrowed(&[][..]),
    };
    let index = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
    match kind {
        Kind::Image => return Ok(uninspected(cx, Reason::Image)),
        Kind::Ole => return Ok(uninspected(cx, Reason::OleBinary)),
        Kind::Zip | Kind::Pdf | Kind::Email | Kind::Mbox | Kind::Html => {
            return Ok(match cx.nested(index, data)? {
                Some(v) => Cow::Owned(v),
                None => Cow::Borrowed(&[][..]),
            });
        }
        _ => {}
    }
    if looks_like_xml(data) {
        return Ok(match xml::rewrite(data, name, profile, renames, cx)? {
            Some(v) => Cow::Owned(v),
            None => Cow::Borrowed(data),
        });
    }
    if is_picture_folder(name) {
        return Ok(uninspected(cx, Reason::Image));
    }
    if kind == Kind::Text
        && let Ok(text) = std::str::from_utf8(data)
    {
        return Ok(match cx.redact_text(Some(name), None, text) {
            Some(v) => Cow::Owned(v.into_bytes()),
            None => Cow::Borrowed(data),
        });
    }
    Ok(uninspected(cx, Reason::UnknownBinary))
}

#[cfg(test)]
mod tests;
